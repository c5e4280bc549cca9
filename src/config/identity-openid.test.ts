// MINIO_IDENTITY_OPENID_*: when OpenID is on, the defaults, the role ARN, and a clear one-line
// ConfigError for every setting that cannot work — through loadConfig, as the server reads them.
import { describe, expect, test } from "bun:test";
import { ConfigError } from "./config-error.ts";
import type { Env } from "./config-flags.ts";
import { loadConfig, type ServerConfig } from "./config.ts";
import { openIdRoleArn } from "./identity-openid.ts";

const URL_ENV = { MINIO_IDENTITY_OPENID_CONFIG_URL: "https://idp.example.com/.well-known/openid-configuration", MINIO_IDENTITY_OPENID_CLIENT_ID: "bunker-app" };

function server(env: Env): ServerConfig {
  const cfg = loadConfig(["bunker", "server", "/d1"], env, { cwd: "/srv", defaultsHome: "/home/u", readFile: () => undefined, exists: () => false });
  if (cfg.command !== "server") throw new Error("expected a server config");
  return cfg;
}

function failure(env: Env): ConfigError {
  try {
    server(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error("expected a ConfigError");
}

describe("OpenID configuration", () => {
  test("absent unless configured, and off when ENABLE=off", () => {
    expect(server({}).openid).toBeUndefined();
    expect(server({ ...URL_ENV, MINIO_IDENTITY_OPENID_ENABLE: "off" }).openid).toBeUndefined();
  });

  test("CONFIG_URL alone turns it on, with MinIO's defaults", () => {
    const o = server(URL_ENV).openid!;
    expect(o).toEqual({
      configUrl: "https://idp.example.com/.well-known/openid-configuration",
      clientId: "bunker-app",
      clientSecret: "",
      policyClaim: "policy",
      rolePolicies: [],
      roleArn: undefined,
      scopes: [],
      displayName: "",
      redirectUri: "",
    });
    expect(Object.isFrozen(o)).toBe(true);
  });

  test("every setting, BUNKER_ spellings first", () => {
    const o = server({
      ...URL_ENV,
      BUNKER_IDENTITY_OPENID_CLIENT_ID: "ours",
      MINIO_IDENTITY_OPENID_CLIENT_SECRET: "s3cr3t",
      MINIO_IDENTITY_OPENID_CLAIM_NAME: "groups",
      MINIO_IDENTITY_OPENID_CLAIM_PREFIX: "tenant1/",
      MINIO_IDENTITY_OPENID_SCOPES: "openid, email,groups",
      MINIO_IDENTITY_OPENID_DISPLAY_NAME: "Corporate SSO",
      MINIO_IDENTITY_OPENID_REDIRECT_URI: "https://console.example.com/oauth_callback",
      MINIO_IDENTITY_OPENID_CLAIM_USERINFO: "off",
    }).openid!;
    expect(o.clientId).toBe("ours");
    expect(o.clientSecret).toBe("s3cr3t");
    expect(o.policyClaim).toBe("tenant1/groups");
    expect(o.scopes).toEqual(["openid", "email", "groups"]);
    expect(o.displayName).toBe("Corporate SSO");
    expect(o.redirectUri).toBe("https://console.example.com/oauth_callback");
  });

  test("a role policy gives MinIO's role ARN, with the configured region", () => {
    const o = server({ ...URL_ENV, MINIO_IDENTITY_OPENID_ROLE_POLICY: "readonly, app-write" }).openid!;
    expect(o.rolePolicies).toEqual(["readonly", "app-write"]);
    // base64url(SHA-1("bunker-app")), no padding.
    expect(o.roleArn).toBe(`arn:minio:iam:::role/${new Bun.CryptoHasher("sha1").update("bunker-app").digest("base64url")}`);
    expect(server({ ...URL_ENV, MINIO_IDENTITY_OPENID_ROLE_POLICY: "readonly", MINIO_SITE_REGION: "eu-west-1" }).openid!.roleArn).toBe(
      openIdRoleArn("bunker-app", "eu-west-1"),
    );
    expect(openIdRoleArn("bunker-app", "eu-west-1")).toStartWith("arn:minio:iam:eu-west-1::role/");
  });

  test("a CONFIG_URL that is not http(s) is refused at start", () => {
    for (const bad of ["ftp://idp.example.com/x", "idp.example.com/.well-known/openid-configuration", "file:///etc/passwd"]) {
      const err = failure({ ...URL_ENV, MINIO_IDENTITY_OPENID_CONFIG_URL: bad });
      expect(err.kind).toBe("InvalidEnv");
      expect(err.message).toContain("MINIO_IDENTITY_OPENID_CONFIG_URL");
      expect(err.message).toContain("http");
    }
  });

  test("settings that cannot work are refused with a clear message", () => {
    const cases: [Env, string][] = [
      [{ MINIO_IDENTITY_OPENID_CLIENT_ID: "x" }, "CONFIG_URL is required"],
      [{ MINIO_IDENTITY_OPENID_CONFIG_URL: URL_ENV.MINIO_IDENTITY_OPENID_CONFIG_URL }, "CLIENT_ID is required"],
      [{ ...URL_ENV, MINIO_IDENTITY_OPENID_ENABLE: "maybe" }, 'MINIO_IDENTITY_OPENID_ENABLE "maybe"'],
      [{ ...URL_ENV, MINIO_IDENTITY_OPENID_CLAIM_USERINFO: "on" }, "CLAIM_USERINFO=on is not supported"],
      [{ ...URL_ENV, MINIO_IDENTITY_OPENID_ROLE_POLICY: "readonly", MINIO_IDENTITY_OPENID_CLAIM_NAME: "groups" }, "cannot both be set"],
      [{ ...URL_ENV, MINIO_IDENTITY_OPENID_SCOPES: "openid,,email" }, "an entry is empty"],
      [{ ...URL_ENV, MINIO_IDENTITY_OPENID_ROLE_POLICY: "readonly," }, "an entry is empty"],
      [{ ...URL_ENV, MINIO_IDENTITY_OPENID_REDIRECT_URI: "not a url" }, "MINIO_IDENTITY_OPENID_REDIRECT_URI"],
    ];
    for (const [env, text] of cases) {
      const err = failure(env);
      expect(err.kind).toBe("InvalidEnv");
      expect(err.message).toContain(text);
      expect(err.message).not.toContain("\n");
    }
  });

  test("a second, named provider and vendor settings are reported, not silently used", () => {
    const cfg = server({ ...URL_ENV, MINIO_IDENTITY_OPENID_CONFIG_URL_APP2: "https://other.example.com/x", MINIO_IDENTITY_OPENID_VENDOR: "keycloak" });
    expect(cfg.openid?.configUrl).toBe(URL_ENV.MINIO_IDENTITY_OPENID_CONFIG_URL);
    expect(cfg.warnings.some((w) => w.includes("MINIO_IDENTITY_OPENID_CONFIG_URL_APP2") && w.includes("only one OpenID provider"))).toBe(true);
    expect(cfg.warnings.some((w) => w.includes("MINIO_IDENTITY_OPENID_VENDOR"))).toBe(true);
  });
});
