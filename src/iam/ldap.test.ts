// LdapDirectory against Debian's real slapd on loopback (started here, skipped with a message when
// it is not installed and CI is not set): logins, RFC 4515 escaping that stops filter injection,
// exactly one entry per name, groups, DN lookups, TLS (LDAPS, StartTLS), clear errors that never
// carry a password, timeouts, and every connection closed after use.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import net from "node:net";
import { Client } from "ldapts";
import { IamError } from "./iam-error.ts";
import { escapeFilterValue, fillFilter, LdapDirectory, type LdapDirectoryConfig } from "./ldap.ts";
import { groupLdif, LOOKUP_DN, LOOKUP_PASSWORD, personLdif, slapdMissing, startSlapd, SUFFIX, type Slapd } from "../../test/support/slapd.ts";
import { TempDirs } from "../../test/support/temp-dirs.ts";

describe("filter escaping (RFC 4515)", () => {
  test("the five special characters become \\XX; everything else stays", () => {
    expect(escapeFilterValue("a*b(c)d\\e\u0000f")).toBe("a\\2ab\\28c\\29d\\5ce\\00f");
    expect(escapeFilterValue("Jürgen O'Neil, =+<>;")).toBe("Jürgen O'Neil, =+<>;");
  });

  test("fillFilter replaces %s and %d with escaped values, and nothing else", () => {
    expect(fillFilter("(uid=%s)", "*)(uid=*")).toBe("(uid=\\2a\\29\\28uid=\\2a)");
    expect(fillFilter("(&(memberUid=%s)(member=%d))", "a*", "uid=a\\2c(x),dc=y")).toBe("(&(memberUid=a\\2a)(member=uid=a\\5c2c\\28x\\29,dc=y))");
    expect(fillFilter("(uid=%s)", "%d")).toBe("(uid=%d)");
  });
});

const missing = slapdMissing();
const skip = missing !== null && !process.env.CI;
if (skip) console.warn(`SKIP LDAP directory tests: ${missing} (set CI=1 to make this a failure)`);

const PEOPLE = `ou=people,${SUFFIX}`;
const GROUPS = `ou=groups,${SUFFIX}`;
const LDIF = [
  personLdif("alice", "alice-pw", { mail: "alice@example.org" }),
  personLdif("bob", "bob-pw"),
  personLdif("star*user", "star-pw"),
  personLdif("Mixed", "mixed-pw", {}, "UID=Mixed"),
  personLdif("twin", "twin-pw", { cn: "twin1" }, "cn=twin1"),
  personLdif("twin", "twin-pw", { cn: "twin2" }, "cn=twin2"),
  groupLdif("devs", ["alice", "bob"]),
  groupLdif("ops", ["bob"]),
].join("\n");

const temp = new TempDirs();
let slapd: Slapd;
let tls: Slapd;

function config(over: Partial<LdapDirectoryConfig> = {}): LdapDirectoryConfig {
  return {
    host: "127.0.0.1",
    port: slapd.port,
    transport: "plain",
    tlsSkipVerify: false,
    lookupBindDN: LOOKUP_DN,
    lookupBindPassword: () => LOOKUP_PASSWORD,
    userDNSearchBaseDNs: [PEOPLE],
    userDNSearchFilter: "(uid=%s)",
    userDNAttributes: [],
    groupSearchBaseDNs: [GROUPS],
    groupSearchFilter: "(&(objectClass=groupOfNames)(member=%d))",
    ...over,
  };
}

async function failure(p: Promise<unknown>): Promise<IamError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(IamError);
    for (const secret of [LOOKUP_PASSWORD, "alice-pw", "wrong-pw"]) expect((err as Error).message).not.toContain(secret);
    return err as IamError;
  }
  throw new Error("expected an IamError");
}

describe.skipIf(skip)("LdapDirectory against slapd", () => {
  beforeAll(async () => {
    if (missing !== null) throw new Error(`${missing}; CI must install it`);
    [slapd, tls] = await Promise.all([startSlapd(temp, LDIF), startSlapd(temp, LDIF, { tls: true })]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([slapd?.stop(), tls?.stop()]);
    temp.cleanup();
  });

  test("a login: the one entry, the password bound, its groups, DNs normalized", async () => {
    const user = await new LdapDirectory(config()).authenticate("bob", "bob-pw");
    expect(user).toEqual({ dn: `uid=bob,${PEOPLE}`, actualDN: `uid=bob,${PEOPLE}`, groups: [`cn=devs,${GROUPS}`, `cn=ops,${GROUPS}`], attributes: {} });
    const mixed = await new LdapDirectory(config()).authenticate("Mixed", "mixed-pw");
    expect(mixed.dn).toBe(`uid=Mixed,${PEOPLE}`);
  });

  test("configured user attributes come back; no group search configured: no groups", async () => {
    const user = await new LdapDirectory(config({ userDNAttributes: ["mail"], groupSearchBaseDNs: [], groupSearchFilter: "" })).authenticate(
      "alice",
      "alice-pw",
    );
    expect(user.attributes).toEqual({ mail: ["alice@example.org"] });
    expect(user.groups).toEqual([]);
  });

  test("a wrong password and an unknown user are refused alike", async () => {
    const dir = new LdapDirectory(config());
    const wrong = await failure(dir.authenticate("alice", "wrong-pw"));
    const unknown = await failure(dir.authenticate("nobody", "wrong-pw"));
    expect(wrong.kind).toBe("LdapAuthFailed");
    expect(unknown.kind).toBe("LdapAuthFailed");
    expect(unknown.message).toBe(wrong.message);
  });

  test("an empty password is refused before any connection (an unauthenticated bind would succeed)", async () => {
    const err = await failure(new LdapDirectory(config({ port: 1 })).authenticate("alice", ""));
    expect(err.kind).toBe("InvalidArgument");
    // This server (as some do) accepts a DN with an empty password: that is why it must never reach it.
    const raw = new Client({ url: `ldap://127.0.0.1:${slapd.port}` });
    await raw.bind(`uid=alice,${PEOPLE}`, "");
    await raw.unbind();
  });

  test("filter injection: wildcards and parentheses in the name match nobody", async () => {
    const dir = new LdapDirectory(config());
    for (const name of ["*", "*)(uid=*", "alice)(uid=*", "al*", "*)(|(uid=*", "alice\u0000", "(uid=alice)"]) {
      expect((await failure(dir.authenticate(name, "alice-pw"))).kind).toBe("LdapAuthFailed");
    }
    // Unescaped, "*" would have matched every person: the escaping is what stops it.
    const raw = new Client({ url: `ldap://127.0.0.1:${slapd.port}` });
    await raw.bind(LOOKUP_DN, LOOKUP_PASSWORD);
    const { searchEntries } = await raw.search(PEOPLE, { filter: "(uid=*)", attributes: ["1.1"] });
    await raw.unbind();
    expect(searchEntries.length).toBeGreaterThan(3);
    // A name with a literal star still finds its own entry.
    expect((await dir.authenticate("star*user", "star-pw")).dn).toBe(`uid=star*user,${PEOPLE}`);
  });

  test("a name matching several entries is refused", async () => {
    const err = await failure(new LdapDirectory(config()).authenticate("twin", "twin-pw"));
    expect(err.kind).toBe("LdapAuthFailed");
    expect(err.message).toContain("Several LDAP entries");
  });

  test("findUser by login name or DN (any case); outside the bases or unknown: null", async () => {
    const dir = new LdapDirectory(config());
    expect(await dir.findUser("alice")).toBe(`uid=alice,${PEOPLE}`);
    expect(await dir.findUser(`UID=ALICE,OU=People,${SUFFIX.toUpperCase()}`)).toBe(`uid=alice,${PEOPLE}`);
    expect(await dir.findUser(`uid=nobody,${PEOPLE}`)).toBeNull();
    expect(await dir.findUser("nobody")).toBeNull();
    expect(await dir.findUser(`cn=devs,${GROUPS}`)).toBeNull();
  });

  test("findGroup: a group under a group base; elsewhere or unknown: null; not a DN: refused", async () => {
    const dir = new LdapDirectory(config());
    expect(await dir.findGroup(`CN=Devs,${GROUPS}`)).toBe(`cn=devs,${GROUPS}`);
    expect(await dir.findGroup(`cn=nope,${GROUPS}`)).toBeNull();
    expect(await dir.findGroup(`uid=alice,${PEOPLE}`)).toBeNull();
    expect((await failure(dir.findGroup("devs"))).kind).toBe("InvalidArgument");
    expect((await failure(new LdapDirectory(config({ groupSearchBaseDNs: [], groupSearchFilter: "" })).findGroup(`cn=devs,${GROUPS}`))).kind).toBe(
      "InvalidArgument",
    );
  });

  test("operator errors are LdapUnavailable and say what to fix: a missing base, a wrong lookup password, no server", async () => {
    const base = await failure(new LdapDirectory(config({ userDNSearchBaseDNs: [`ou=missing,${SUFFIX}`] })).authenticate("alice", "alice-pw"));
    expect(base.kind).toBe("LdapUnavailable");
    expect(base.message).toContain(`"ou=missing,${SUFFIX}" does not exist`);
    const bind = await failure(new LdapDirectory(config({ lookupBindPassword: () => "wrong-pw" })).authenticate("alice", "alice-pw"));
    expect(bind.kind).toBe("LdapUnavailable");
    expect(bind.message).toContain("refused the lookup account");
    const down = await failure(new LdapDirectory(config({ port: 1 })).authenticate("alice", "alice-pw"));
    expect(down.kind).toBe("LdapUnavailable");
    expect(down.message).toContain("127.0.0.1:1");
  });

  test("a server that never answers times out", async () => {
    const silent = net.createServer(() => {});
    await new Promise<void>((ok) => silent.listen(0, "127.0.0.1", ok));
    const port = (silent.address() as net.AddressInfo).port;
    try {
      const err = await failure(new LdapDirectory(config({ port }), { timeoutMs: 300, connectTimeoutMs: 300 }).authenticate("alice", "alice-pw"));
      expect(err.kind).toBe("LdapUnavailable");
    } finally {
      silent.close();
    }
  });

  test("every connection is closed after use, on success and on failure", async () => {
    let open = 0;
    let opened = 0;
    const proxy = net.createServer((client) => {
      open++;
      opened++;
      const target = net.connect(slapd.port, "127.0.0.1");
      client.pipe(target).pipe(client);
      const done = () => {
        client.destroy();
        target.destroy();
      };
      client.on("close", () => {
        open--;
        done();
      });
      target.on("close", done);
      client.on("error", () => {});
      target.on("error", () => {});
    });
    await new Promise<void>((ok) => proxy.listen(0, "127.0.0.1", ok));
    const dir = new LdapDirectory(config({ port: (proxy.address() as net.AddressInfo).port }));
    try {
      await dir.authenticate("alice", "alice-pw");
      await dir.authenticate("alice", "wrong-pw").catch(() => {});
      await dir.findUser("bob");
      await dir.findGroup(`cn=ops,${GROUPS}`);
      for (let i = 0; open > 0 && i < 100; i++) await Bun.sleep(20);
      expect(opened).toBe(4);
      expect(open).toBe(0);
    } finally {
      proxy.close();
    }
  });

  test("TLS: LDAPS and StartTLS with the server's certificate trusted; an untrusted one refused unless told to skip", async () => {
    const ca = [tls.certPem!];
    const ldaps = config({ port: tls.ldapsPort!, transport: "ldaps" });
    expect((await new LdapDirectory(ldaps, { ca }).authenticate("alice", "alice-pw")).dn).toBe(`uid=alice,${PEOPLE}`);
    const untrusted = await failure(new LdapDirectory(ldaps).authenticate("alice", "alice-pw"));
    expect(untrusted.kind).toBe("LdapUnavailable");
    expect((await new LdapDirectory({ ...ldaps, tlsSkipVerify: true }).authenticate("alice", "alice-pw")).dn).toBe(`uid=alice,${PEOPLE}`);
    const startTls = config({ port: tls.port, transport: "starttls" });
    expect((await new LdapDirectory(startTls, { ca }).authenticate("bob", "bob-pw")).groups).toHaveLength(2);
    expect((await failure(new LdapDirectory(startTls).authenticate("bob", "bob-pw"))).message).toContain("StartTLS failed");
  });
});
