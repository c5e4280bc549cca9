// LdapPolicies over an in-memory IAM store and a stand-in directory: where mappings are written,
// that a DN stored in another case is reused (not duplicated) and honored at login, stale DNs
// can be detached, unknown policies and no-op changes are refused, and the entities view.
import { beforeEach, describe, expect, test } from "bun:test";
import { IamError } from "./iam-error.ts";
import { IamSystem } from "./iam-system.ts";
import type { IamStorage } from "./iam-store.ts";
import { LdapDirectory, type LdapDirectoryConfig, type LdapUser } from "./ldap.ts";
import { LdapPolicies } from "./ldap-policies.ts";

const PEOPLE = "ou=people,dc=example,dc=org";
const GROUPS = "ou=groups,dc=example,dc=org";

const CONFIG: LdapDirectoryConfig = {
  host: "127.0.0.1",
  port: 1,
  transport: "plain",
  tlsSkipVerify: false,
  lookupBindDN: "cn=lookup,dc=example,dc=org",
  lookupBindPassword: () => "unused",
  userDNSearchBaseDNs: [PEOPLE],
  userDNSearchFilter: "(uid=%s)",
  userDNAttributes: [],
  groupSearchBaseDNs: [GROUPS],
  groupSearchFilter: "(member=%d)",
};

/** The directory's answers without a server: alice and bob exist, group devs exists. */
class StandInDirectory extends LdapDirectory {
  asked = 0;
  users = new Map([
    ["alice", `uid=alice,${PEOPLE}`],
    ["bob", `uid=bob,${PEOPLE}`],
  ]);

  override async authenticate(username: string): Promise<LdapUser> {
    this.asked++;
    const dn = this.users.get(username);
    if (!dn) throw new IamError("LdapAuthFailed", "LDAP authentication failed");
    return { dn, actualDN: dn, groups: username === "bob" ? [`cn=devs,${GROUPS}`] : [], attributes: {} };
  }

  override async findUser(name: string): Promise<string | null> {
    this.asked++;
    return this.users.get(name) ?? [...this.users.values()].find((dn) => LdapDirectory.keyOf(dn) === LdapDirectory.keyOf(name)) ?? null;
  }

  override async findGroup(dn: string): Promise<string | null> {
    this.asked++;
    return LdapDirectory.keyOf(dn) === LdapDirectory.keyOf(`cn=devs,${GROUPS}`) ? `cn=devs,${GROUPS}` : null;
  }
}

let files: Map<string, Uint8Array>;
let iam: IamSystem;
let dir: StandInDirectory;
let ldap: LdapPolicies;

const text = (name: string) => new TextDecoder().decode(files.get(name));
const put = (name: string, doc: unknown) => files.set(name, new TextEncoder().encode(JSON.stringify(doc)));

beforeEach(async () => {
  files = new Map();
  const storage: IamStorage = {
    read: async (n) => files.get(n) ?? null,
    write: async (n, d) => void files.set(n, d),
    remove: async (n) => void files.delete(n),
    list: async (p) => [...files.keys()].filter((k) => k.startsWith(p)),
  };
  // A mapping an earlier server wrote with the DN in other case, and an IAM (non-LDAP) group's.
  put("config/iam/policydb/sts-users/UID=Bob,OU=People,dc=example,dc=org.json", { version: 1, policy: "readonly" });
  put("config/iam/policydb/groups/admins.json", { version: 1, policy: "readwrite" });
  iam = new IamSystem({ storage, root: { accessKey: "rootuser", secretKey: "rootsecret1" } });
  await iam.start();
  dir = new StandInDirectory(CONFIG);
  ldap = new LdapPolicies(iam, dir);
});

async function refusal(p: Promise<unknown>): Promise<IamError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(IamError);
    return err as IamError;
  }
  throw new Error("expected an IamError");
}

describe("LdapPolicies", () => {
  test("attach by login name writes policydb/sts-users/<DN>.json; a group's goes to policydb/groups/<DN>.json", async () => {
    expect(await ldap.associate({ policies: ["readonly", "writeonly"], user: "alice" }, false)).toMatchObject({ changed: ["readonly", "writeonly"] });
    expect(JSON.parse(text(`config/iam/policydb/sts-users/uid=alice,${PEOPLE}.json`))).toMatchObject({ version: 1, policy: "readonly,writeonly" });
    await ldap.associate({ policies: ["diagnostics"], group: `CN=Devs,${GROUPS}` }, false);
    expect(JSON.parse(text(`config/iam/policydb/groups/cn=devs,${GROUPS}.json`))).toMatchObject({ policy: "diagnostics" });
  });

  test("a DN stored in another case is reused, not duplicated, and a login finds it", async () => {
    await ldap.associate({ policies: ["writeonly"], user: "bob" }, false);
    const stored = [...files.keys()].filter((k) => k.includes("sts-users"));
    expect(stored).toEqual(["config/iam/policydb/sts-users/UID=Bob,OU=People,dc=example,dc=org.json"]);
    const login = await ldap.login("bob", "pw");
    expect(login.parent).toBe("UID=Bob,OU=People,dc=example,dc=org");
    expect(login.policies).toEqual(["readonly", "writeonly"]);
  });

  test("a login without any mapping has no policies; a group's mapping counts", async () => {
    expect((await ldap.login("alice", "pw")).policies).toEqual([]);
    await ldap.associate({ policies: ["diagnostics"], group: `cn=devs,${GROUPS}` }, false);
    expect((await ldap.login("bob", "pw")).policies).toEqual(["readonly", "diagnostics"]);
  });

  test("refusals: unknown policy (before the directory is asked), unknown user or group, a no-op, bad requests", async () => {
    expect((await refusal(ldap.associate({ policies: ["nope"], user: "alice" }, false))).kind).toBe("NoSuchPolicy");
    expect(dir.asked).toBe(0);
    expect((await refusal(ldap.associate({ policies: ["readonly"], user: "mallory" }, false))).kind).toBe("NoSuchUser");
    expect((await refusal(ldap.associate({ policies: ["readonly"], group: `cn=ops,${GROUPS}` }, false))).kind).toBe("NoSuchGroup");
    expect((await refusal(ldap.associate({ policies: ["readonly"], user: "bob" }, false))).kind).toBe("AlreadyApplied");
    expect((await refusal(ldap.associate({ policies: ["writeonly"], user: "bob" }, true))).kind).toBe("AlreadyApplied");
    expect((await refusal(ldap.associate({ policies: [], user: "bob" }, false))).kind).toBe("InvalidArgument");
    expect((await refusal(ldap.associate({ policies: ["readonly"], user: "bob", group: `cn=devs,${GROUPS}` }, false))).kind).toBe("InvalidArgument");
  });

  test("a DN the directory no longer has can still be detached, not attached", async () => {
    dir.users.delete("bob");
    expect((await refusal(ldap.associate({ policies: ["writeonly"], user: `uid=bob,${PEOPLE}` }, false))).kind).toBe("NoSuchUser");
    expect(await ldap.associate({ policies: ["readonly"], user: `uid=bob,${PEOPLE}` }, true)).toMatchObject({ changed: ["readonly"] });
    expect([...files.keys()].filter((k) => k.includes("sts-users"))).toEqual([]);
  });

  test("entities: only names under the LDAP bases; filters by user (name or DN), group and policy", async () => {
    await ldap.associate({ policies: ["readonly"], user: "alice" }, false);
    await ldap.associate({ policies: ["diagnostics"], group: `cn=devs,${GROUPS}` }, false);
    const all = await ldap.entities({ users: [], groups: [], policies: [] });
    expect(all.userMappings).toBeUndefined();
    expect(all.policyMappings).toEqual([
      { policy: "diagnostics", users: [], groups: [`cn=devs,${GROUPS}`] },
      { policy: "readonly", users: [`uid=alice,${PEOPLE}`, "UID=Bob,OU=People,dc=example,dc=org"], groups: [] },
    ]);
    const some = await ldap.entities({ users: ["alice", `uid=BOB,${PEOPLE}`, "mallory"], groups: ["admins"], policies: ["readwrite"] });
    expect(some.userMappings?.map((m) => m.user)).toEqual([`uid=alice,${PEOPLE}`, "UID=Bob,OU=People,dc=example,dc=org"]);
    expect(some.groupMappings).toEqual([]);
    expect(some.policyMappings).toEqual([{ policy: "readwrite", users: [], groups: [] }]);
  });
});
