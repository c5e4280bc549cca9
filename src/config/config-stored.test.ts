// config.json's values under the environment (env wins, as in MinIO) through loadConfig's own
// rules: what applies at start, what is left out and why, and the check made before a change is stored.
import { describe, expect, test } from "bun:test";
import type { Env } from "./config-flags.ts";
import { ConfigKvError, parseConfigJson, type ConfigDoc } from "./config-kv.ts";
import { checkStored, effectiveConfig, foreignEntries, overriddenBy } from "./config-stored.ts";
import { loadConfig, type ServerConfig } from "./config.ts";

function base(env: Env = {}, files: Record<string, string> = {}): ServerConfig {
  const cfg = loadConfig(
    ["bunker", "server", "/srv/d{1...4}"],
    { MINIO_ROOT_USER: "admin", MINIO_ROOT_PASSWORD: "password1", ...env },
    {
      cwd: "/srv",
      defaultsHome: "/home/u",
      localAddresses: new Set(["localhost"]),
      readFile: (p) => files[p],
      exists: () => false,
    },
  );
  if (cfg.command !== "server") throw new Error("expected a server config");
  return cfg;
}

/** A config.json holding `subsys key=value` for each [subsys, key, value]. */
function stored(...entries: [string, string, string][]): ConfigDoc {
  const doc: Record<string, { _: { key: string; value: string }[] }> = {};
  for (const [s, key, value] of entries) (doc[s] ??= { _: [] })._.push({ key, value });
  return parseConfigJson(new TextEncoder().encode(JSON.stringify(doc)));
}

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigKvError && err.kind === "InvalidValue") return err.message;
    throw err;
  }
  throw new Error("expected a refusal");
}

const LDAP: [string, string, string][] = [
  ["identity_ldap", "server_addr", "ldap.example.com:636"],
  ["identity_ldap", "lookup_bind_dn", "cn=reader,dc=example,dc=com"],
  ["identity_ldap", "lookup_bind_password", "s3cr3t-bind"],
  ["identity_ldap", "user_dn_search_base_dn", "ou=people,dc=example,dc=com"],
  ["identity_ldap", "user_dn_search_filter", "(uid=%s)"],
];

describe("at start", () => {
  test("a stored storage class applies; a variable set wins, in either spelling; an empty one does not", () => {
    const doc = stored(["storage_class", "standard", "EC:1"]);
    expect(effectiveConfig(base(), doc).config.storageClass.parity[0].standard).toBe(1);
    expect(effectiveConfig(base({ MINIO_STORAGE_CLASS_STANDARD: "EC:2" }), doc).config.storageClass.parity[0].standard).toBe(2);
    expect(effectiveConfig(base({ BUNKER_STORAGE_CLASS_STANDARD: "EC:2" }), doc).config.storageClass.parity[0].standard).toBe(2);
    expect(effectiveConfig(base({ MINIO_STORAGE_CLASS_STANDARD: "" }), doc).config.storageClass.parity[0].standard).toBe(1);
    expect(effectiveConfig(base(), new Map()).config.storageClass.parity[0].standard).toBe(2);
  });

  test("an env file's values win too, and rebuilding does not read it again", () => {
    let reads = 0;
    const files = { "/etc/bunker.env": "MINIO_STORAGE_CLASS_STANDARD=EC:2\n" };
    const cfg = base({ MINIO_CONFIG_ENV_FILE: "/etc/bunker.env" }, new Proxy(files, { get: (t, p: string) => (reads++, t[p as keyof typeof t]) }));
    const before = reads;
    expect(effectiveConfig(cfg, stored(["storage_class", "standard", "EC:1"])).config.storageClass.parity[0].standard).toBe(2);
    expect(reads).toBe(before);
  });

  test("region: the legacy region name, then the site region, then the environment", () => {
    const legacy = stored(["region", "name", "eu-old"]);
    expect(effectiveConfig(base(), legacy).config.region).toBe("eu-old");
    const both = stored(["region", "name", "eu-old"], ["site", "region", "eu-new"], ["site", "name", "rack-1"]);
    const eff = effectiveConfig(base(), both).config;
    expect([eff.region, eff.regionConfigured, eff.siteName]).toEqual(["eu-new", true, "rack-1"]);
    expect(effectiveConfig(base({ MINIO_REGION: "us-west-2" }), both).config.region).toBe("us-west-2");
  });

  test("heal bitrotscan=on makes every scanner cycle deep, unless BUNKER_SCANNER_DEEP_EVERY says otherwise", () => {
    const doc = stored(["heal", "bitrotscan", "on"]);
    expect(effectiveConfig(base(), doc).config.scanner.deepEvery).toBe(1);
    expect(effectiveConfig(base({ BUNKER_SCANNER_DEEP_EVERY: "3" }), doc).config.scanner.deepEvery).toBe(3);
  });

  test("LDAP from config.json, its password never printed", () => {
    const cfg = effectiveConfig(base(), stored(...LDAP)).config;
    expect(cfg.ldap?.host).toBe("ldap.example.com");
    expect(cfg.ldap?.lookupBindPassword()).toBe("s3cr3t-bind");
    expect(JSON.stringify(cfg)).not.toContain("s3cr3t-bind");
    expect(effectiveConfig(base(), stored(...LDAP, ["identity_ldap", "enable", "off"])).config.ldap).toBeUndefined();
  });

  test("a subsystem the server cannot use is left out, named with its reason; the others apply", () => {
    const eff = effectiveConfig(base(), stored(["storage_class", "standard", "EC:3"], ["site", "region", "eu-1"]));
    expect(eff.rejected.map((r) => r.subsys)).toEqual(["storage_class"]);
    expect(eff.rejected[0].reason).toContain("at most 2");
    expect(eff.config.region).toBe("eu-1");
    expect(eff.config.storageClass.parity[0].standard).toBe(2);
  });

  test("a stored value loadConfig would ignore (it warns) is left out and named", () => {
    const eff = effectiveConfig(base(), stored(["identity_ldap", "lookup_bind_password", "s3cr3t-bind"]));
    expect(eff.applied).toEqual([]);
    expect(eff.rejected).toEqual([{ subsys: "identity_ldap", reason: "identity_ldap lookup_bind_password is ignored: identity_ldap server_addr is not set" }]);
    expect(eff.config.warnings).toEqual([]);
  });

  test("another server's entries are named, values equal to defaults or empty change nothing", () => {
    const doc = parseConfigJson(
      new TextEncoder().encode(
        `{"callhome":{"_":[{"key":"enable","value":"on"}]},"api":{"_":[{"key":"requests_max","value":"0"},{"key":"list_quorum","value":"strict"},{"key":"odirect","value":"on"}]},"identity_openid":{"_":[{"key":"vendor","value":""},{"key":"claim_userinfo","value":"on"}],"okta":[]},"storage_class":{"_":[{"key":"optimize","value":"availability"},{"key":"standard","value":""}]}}`,
      ),
    );
    // MinIO's defaults of the api keys we lack were nobody's choice: not named.
    expect(foreignEntries(doc)).toEqual(["callhome", "identity_openid claim_userinfo", "identity_openid:okta"]);
    const eff = effectiveConfig(base(), doc);
    expect(eff.applied).toEqual([]);
    expect(eff.config.openid).toBeUndefined();
  });

  test("which variable overrides a key, only MINIO_/BUNKER_ ones readable", () => {
    const cfg = base({ MINIO_REGION: "eu-2", PATH: "/bin" });
    expect(overriddenBy(cfg, ["BUNKER_REGION", "MINIO_REGION", "MINIO_SITE_REGION"])).toEqual({ name: "MINIO_REGION", value: "eu-2" });
    expect(overriddenBy(cfg, ["MINIO_SITE_REGION"])).toBeUndefined();
    expect(cfg.source.env("PATH")).toBe("");
  });
});

describe("before a change is stored", () => {
  test("a parity the sets cannot have is refused, even when the environment overrides it today", () => {
    const bad = stored(["storage_class", "standard", "EC:3"]);
    expect(refusal(() => checkStored(base(), bad, new Set(["storage_class"])))).toContain("erasure sets of 4 drives");
    expect(() => checkStored(base({ MINIO_STORAGE_CLASS_STANDARD: "EC:2" }), bad, new Set(["storage_class"]))).toThrow(ConfigKvError);
    checkStored(base(), stored(["storage_class", "standard", "EC:1"]), new Set(["storage_class"]));
  });

  test("an incomplete or unused setting is refused in config.json's words", () => {
    const partial = stored(["identity_ldap", "server_addr", "ldap.example.com"]);
    expect(refusal(() => checkStored(base(), partial, new Set(["identity_ldap"])))).toContain("identity_ldap lookup_bind_dn");
    // Without server_addr the bind DN would be ignored: refused rather than stored for nothing.
    const unused = stored(["identity_ldap", "lookup_bind_dn", "cn=reader,dc=example,dc=com"]);
    expect(refusal(() => checkStored(base(), unused, new Set(["identity_ldap"])))).toContain("is ignored");
    expect(refusal(() => checkStored(base(), stored(["site", "region", "not a region"]), new Set(["site"])))).toContain("site region");
    checkStored(base(), stored(...LDAP), new Set(["identity_ldap"]));
  });

  test("only the subsystems changed are checked", () => {
    const doc = stored(["storage_class", "standard", "EC:3"], ["site", "region", "eu-1"]);
    checkStored(base(), doc, new Set(["site"]));
  });
});
