// MINIO_IDENTITY_LDAP_*: what a working setup turns into, MinIO's defaults (LDAPS, port 636),
// the ";"-separated base DNs, and every combination that could never work refused at start with
// a one-line ConfigError that never repeats the bind password.
import { describe, expect, test } from "bun:test";
import { ConfigError } from "./config-error.ts";
import { ldapOf, type LdapConfig } from "./identity-ldap.ts";
import { loadConfig } from "./config.ts";

const SECRET = "s3cr3t-bind-pw";
const BASE = {
  MINIO_IDENTITY_LDAP_SERVER_ADDR: "ldap.example.org:1636",
  MINIO_IDENTITY_LDAP_LOOKUP_BIND_DN: "CN=admin,DC=example,DC=org",
  MINIO_IDENTITY_LDAP_LOOKUP_BIND_PASSWORD: SECRET,
  MINIO_IDENTITY_LDAP_USER_DN_SEARCH_BASE_DN: "ou=people,dc=example,dc=org",
  MINIO_IDENTITY_LDAP_USER_DN_SEARCH_FILTER: "(uid=%s)",
};

function ldap(env: Record<string, string | undefined>, warnings: string[] = []): LdapConfig | undefined {
  return ldapOf(env, warnings);
}

function refused(env: Record<string, string | undefined>): string {
  try {
    ldap(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    const message = (err as Error).message;
    expect(message).not.toContain(SECRET);
    expect(message).not.toMatch(/[\r\n]/);
    return message;
  }
  throw new Error("expected a ConfigError");
}

describe("LDAP configuration", () => {
  test("nothing set: no LDAP", () => {
    expect(ldap({})).toBeUndefined();
  });

  test("a minimal setup: LDAPS by default, DNs normalized, no groups", () => {
    const cfg = ldap(BASE)!;
    expect(cfg).toMatchObject({
      serverAddr: "ldap.example.org:1636",
      host: "ldap.example.org",
      port: 1636,
      transport: "ldaps",
      tlsSkipVerify: false,
      lookupBindDN: "cn=admin,dc=example,dc=org",
      userDNSearchBaseDNs: ["ou=people,dc=example,dc=org"],
      userDNSearchFilter: "(uid=%s)",
      userDNAttributes: [],
      groupSearchBaseDNs: [],
      groupSearchFilter: "",
    });
    expect(cfg.lookupBindPassword()).toBe(SECRET);
    expect(Object.isFrozen(cfg)).toBe(true);
  });

  test("the bind password is behind a function: printing the configuration never shows it", () => {
    const cfg = ldap(BASE)!;
    expect(JSON.stringify(cfg)).not.toContain(SECRET);
    expect(Bun.inspect(cfg)).not.toContain(SECRET);
  });

  test("no port: 636, as MinIO; IPv6 in brackets", () => {
    expect(ldap({ ...BASE, MINIO_IDENTITY_LDAP_SERVER_ADDR: "ldap.example.org" })!.port).toBe(636);
    expect(ldap({ ...BASE, MINIO_IDENTITY_LDAP_SERVER_ADDR: "[::1]:389" })).toMatchObject({ host: "::1", port: 389 });
  });

  test("transports: INSECURE → plain, STARTTLS → starttls; skip-verify kept", () => {
    expect(ldap({ ...BASE, MINIO_IDENTITY_LDAP_SERVER_INSECURE: "on" })!.transport).toBe("plain");
    const st = ldap({ ...BASE, MINIO_IDENTITY_LDAP_SERVER_STARTTLS: "on", MINIO_IDENTITY_LDAP_TLS_SKIP_VERIFY: "on" })!;
    expect(st).toMatchObject({ transport: "starttls", tlsSkipVerify: true });
  });

  test("several base DNs separated by ';', groups, attributes; BUNKER_ spelling wins", () => {
    const cfg = ldap({
      ...BASE,
      MINIO_IDENTITY_LDAP_USER_DN_SEARCH_BASE_DN: "ou=people,dc=example,dc=org; ou=Staff,dc=example,dc=org;",
      MINIO_IDENTITY_LDAP_GROUP_SEARCH_BASE_DN: "ou=groups,dc=example,dc=org",
      MINIO_IDENTITY_LDAP_GROUP_SEARCH_FILTER: "(&(objectclass=groupOfNames)(member=%d))",
      MINIO_IDENTITY_LDAP_USER_DN_ATTRIBUTES: "mail, displayName",
      BUNKER_IDENTITY_LDAP_USER_DN_SEARCH_FILTER: "(cn=%s)",
    })!;
    expect(cfg.userDNSearchBaseDNs).toEqual(["ou=people,dc=example,dc=org", "ou=Staff,dc=example,dc=org"]);
    expect(cfg.groupSearchBaseDNs).toEqual(["ou=groups,dc=example,dc=org"]);
    expect(cfg.userDNAttributes).toEqual(["mail", "displayName"]);
    expect(cfg.userDNSearchFilter).toBe("(cn=%s)");
  });

  test("ENABLED=off turns a configured server off; ENABLED=on without a server is refused", () => {
    expect(ldap({ ...BASE, MINIO_IDENTITY_LDAP_ENABLED: "off" })).toBeUndefined();
    expect(refused({ MINIO_IDENTITY_LDAP_ENABLED: "on" })).toContain("SERVER_ADDR is not set");
    expect(refused({ ...BASE, MINIO_IDENTITY_LDAP_ENABLED: "maybe" })).toContain("use on or off");
  });

  test("settings without a server address are ignored with a warning", () => {
    const warnings: string[] = [];
    expect(ldap({ MINIO_IDENTITY_LDAP_USER_DN_SEARCH_FILTER: "(uid=%s)" }, warnings)).toBeUndefined();
    expect(warnings[0]).toContain("MINIO_IDENTITY_LDAP_USER_DN_SEARCH_FILTER is ignored");
  });

  test("skip-verify with plain LDAP: a warning, not an error", () => {
    const warnings: string[] = [];
    ldap({ ...BASE, MINIO_IDENTITY_LDAP_SERVER_INSECURE: "on", MINIO_IDENTITY_LDAP_TLS_SKIP_VERIFY: "on" }, warnings);
    expect(warnings.join()).toContain("TLS_SKIP_VERIFY has no effect");
  });

  test.each([
    ["INSECURE with STARTTLS", { MINIO_IDENTITY_LDAP_SERVER_INSECURE: "on", MINIO_IDENTITY_LDAP_SERVER_STARTTLS: "on" }, "choose plain LDAP or StartTLS"],
    ["a bad address", { MINIO_IDENTITY_LDAP_SERVER_ADDR: "ldap.example.org:99999" }, "port must be"],
    ["an address with a path", { MINIO_IDENTITY_LDAP_SERVER_ADDR: "ldap://x" }, "SERVER_ADDR"],
    ["no lookup bind DN", { MINIO_IDENTITY_LDAP_LOOKUP_BIND_DN: undefined }, "LOOKUP_BIND_DN"],
    ["a lookup bind DN that does not parse", { MINIO_IDENTITY_LDAP_LOOKUP_BIND_DN: "admin" }, "not a distinguished name"],
    ["no user base DN", { MINIO_IDENTITY_LDAP_USER_DN_SEARCH_BASE_DN: undefined }, "USER_DN_SEARCH_BASE_DN"],
    ["a user base DN that does not parse", { MINIO_IDENTITY_LDAP_USER_DN_SEARCH_BASE_DN: "people" }, "not a distinguished name"],
    ["overlapping base DNs", { MINIO_IDENTITY_LDAP_USER_DN_SEARCH_BASE_DN: "dc=example,dc=org;ou=people,DC=example,dc=org" }, "overlaps"],
    ["no user filter", { MINIO_IDENTITY_LDAP_USER_DN_SEARCH_FILTER: undefined }, "USER_DN_SEARCH_FILTER"],
    ["a user filter without %s", { MINIO_IDENTITY_LDAP_USER_DN_SEARCH_FILTER: "(uid=alice)" }, "must contain %s"],
    ["a user filter with %d", { MINIO_IDENTITY_LDAP_USER_DN_SEARCH_FILTER: "(&(uid=%s)(member=%d))" }, '"%d" is not allowed'],
    ["unbalanced parentheses", { MINIO_IDENTITY_LDAP_USER_DN_SEARCH_FILTER: "(&(uid=%s)" }, "balanced parentheses"],
    ["two filters side by side", { MINIO_IDENTITY_LDAP_USER_DN_SEARCH_FILTER: "(uid=%s)(cn=%s)" }, "after its closing"],
    ["a group filter without a base", { MINIO_IDENTITY_LDAP_GROUP_SEARCH_FILTER: "(member=%d)" }, "needs both"],
    ["a group base without a filter", { MINIO_IDENTITY_LDAP_GROUP_SEARCH_BASE_DN: "ou=groups,dc=example,dc=org" }, "needs both"],
    [
      "a group filter without placeholders",
      { MINIO_IDENTITY_LDAP_GROUP_SEARCH_BASE_DN: "ou=g,dc=x", MINIO_IDENTITY_LDAP_GROUP_SEARCH_FILTER: "(cn=all)" },
      "%s or %d",
    ],
    ["a bad attribute name", { MINIO_IDENTITY_LDAP_USER_DN_ATTRIBUTES: "mail,1bad" }, '"1bad" is not an attribute name'],
  ])("refuses %s", (_, over, expected) => {
    expect(refused({ ...BASE, ...over })).toContain(expected);
  });

  test("loadConfig carries it in ServerConfig.ldap", () => {
    const cfg = loadConfig(["bunker", "server", "/d"], { ...BASE, MINIO_IDENTITY_LDAP_SERVER_INSECURE: "on" }, { localAddresses: new Set(["localhost"]) });
    if (cfg.command !== "server") throw new Error("expected a server config");
    expect(cfg.ldap?.transport).toBe("plain");
    expect(JSON.stringify(cfg)).not.toContain(SECRET);
    const none = loadConfig(["bunker", "server", "/d"], {}, { localAddresses: new Set(["localhost"]) });
    expect(none.command === "server" && none.ldap).toBeUndefined();
  });
});
