// LDAP identities end to end, against Debian's real slapd started here: MinIO's own clients
// (minio-go's LDAPIdentity, madmin's idp/ldap calls) and raw STS forms get credentials only for
// users with a policy mapped to their DN or a group; S3 requests obey those policies (with
// ${ldap:username}); bad logins are refused without credentials; mappings are MinIO's files.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { buildMadminClient, madmin, madminMissing, type MadminResult } from "../support/madmin-client.ts";
import { ROOT_PASSWORD, ROOT_USER, startS3, type S3Harness } from "../support/s3-harness.ts";
import { groupLdif, LOOKUP_DN, LOOKUP_PASSWORD, personLdif, slapdMissing, startSlapd, SUFFIX, type Slapd } from "../support/slapd.ts";
import { TempDirs } from "../support/temp-dirs.ts";

const missing = slapdMissing() ?? madminMissing();
const skip = missing !== null && !process.env.CI;
if (skip) console.warn(`SKIP LDAP identity tests: ${missing} (set CI=1 to make this a failure)`);

const root = { accessKey: ROOT_USER, secretKey: ROOT_PASSWORD };
const PEOPLE = `ou=people,${SUFFIX}`;
const GROUPS = `ou=groups,${SUFFIX}`;
const DEVS = `cn=devs,${GROUPS}`;
const dn = (uid: string) => `uid=${uid},${PEOPLE}`;
const LDIF = [
  personLdif("alice", "alice-pw"),
  personLdif("bob", "bob-pw"),
  personLdif("carol", "carol-pw"),
  personLdif("dave", "dave-pw"),
  groupLdif("devs", ["bob"]),
  groupLdif("nomap", ["carol"]),
].join("\n");

const temp = new TempDirs();
let slapd: Slapd;
let h: S3Harness;
let bin: string;

type Creds = { accessKey: string; secretKey: string; sessionToken?: string };

function ldapEnv(port: number, over: Record<string, string> = {}): Record<string, string> {
  return {
    MINIO_IDENTITY_LDAP_SERVER_ADDR: `127.0.0.1:${port}`,
    MINIO_IDENTITY_LDAP_SERVER_INSECURE: "on",
    MINIO_IDENTITY_LDAP_LOOKUP_BIND_DN: LOOKUP_DN,
    MINIO_IDENTITY_LDAP_LOOKUP_BIND_PASSWORD: LOOKUP_PASSWORD,
    MINIO_IDENTITY_LDAP_USER_DN_SEARCH_BASE_DN: PEOPLE,
    MINIO_IDENTITY_LDAP_USER_DN_SEARCH_FILTER: "(uid=%s)",
    MINIO_IDENTITY_LDAP_GROUP_SEARCH_BASE_DN: GROUPS,
    MINIO_IDENTITY_LDAP_GROUP_SEARCH_FILTER: "(&(objectclass=groupOfNames)(member=%d))",
    ...over,
  };
}

async function ok(command: string, args?: unknown, creds: Creds = root, harness = h) {
  const r = await madmin(bin, harness.endpoint, creds, command, args);
  if (!r.ok) throw new Error(`${command} failed: ${r.error.code}: ${r.error.message}`);
  return r.result;
}

async function refused(command: string, args: unknown, harness = h): Promise<Extract<MadminResult, { ok: false }>["error"]> {
  const r = await madmin(bin, harness.endpoint, root, command, args);
  if (r.ok) throw new Error(`${command} unexpectedly succeeded`);
  return r.error;
}

/** An STS form POSTed unsigned, as minio-go sends it. */
function stsPost(fields: Record<string, string>, harness = h): Promise<Response> {
  const body = new URLSearchParams({ Action: "AssumeRoleWithLDAPIdentity", Version: "2011-06-15", ...fields });
  return fetch(`${harness.endpoint}/`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body });
}

const tag = (xml: string, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1] ?? "";

async function stsRefusal(fields: Record<string, string>): Promise<{ status: number; code: string; message: string }> {
  const res = await stsPost(fields);
  const xml = await res.text();
  expect(xml).not.toContain("<Credentials>");
  for (const secret of [fields.LDAPPassword, LOOKUP_PASSWORD].filter(Boolean)) expect(xml).not.toContain(`${secret}<`);
  return { status: res.status, code: tag(xml, "Code"), message: tag(xml, "Message") };
}

function client(c: Creds, harness = h): S3Client {
  return harness.client({ credentials: { accessKeyId: c.accessKey, secretAccessKey: c.secretKey, sessionToken: c.sessionToken } });
}

async function attempt(c: Creds, cmd: GetObjectCommand | PutObjectCommand, harness = h): Promise<string> {
  try {
    const out = (await client(c, harness).send(cmd as never)) as { Body?: { transformToString(): Promise<string> } };
    await out.Body?.transformToString();
    return "allow";
  } catch (err) {
    return (err as { Code?: string }).Code ?? (err as Error).name;
  }
}

const get = (key: string) => new GetObjectCommand({ Bucket: "data", Key: key });
const put = (key: string) => new PutObjectCommand({ Bucket: "data", Key: key, Body: "x" });
const policy = (...Statement: object[]) => ({ Version: "2012-10-17", Statement });
const login = (username: string, password: string, extra: Record<string, unknown> = {}) => ok("assume-role-ldap", { username, password, ...extra });
const stsCount = async (harness = h) => (await harness.bunker.store.listSystem("config/iam/sts/")).length;

describe.skipIf(skip)("LDAP identities: AssumeRoleWithLDAPIdentity and idp/ldap policy mappings", () => {
  beforeAll(async () => {
    if (missing !== null) throw new Error(`${missing}; CI must install it`);
    [bin, slapd] = await Promise.all([buildMadminClient().then((b) => b!), startSlapd(temp, LDIF, { tls: true })]);
    h = await startS3(temp, { env: ldapEnv(slapd.port) });
    const s3 = h.client();
    await s3.send(new CreateBucketCommand({ Bucket: "data" }));
    for (const k of ["public/a.txt", "private/z.txt", "home/alice/x.txt", "home/bob/y.txt", "home/dave/w.txt"]) await s3.send(put(k));
    await ok("add-canned-policy", {
      name: "public-read",
      policy: policy({ Effect: "Allow", Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::data/public/*"] }),
    });
    await ok("add-canned-policy", {
      name: "ldap-home",
      policy: policy({ Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject"], Resource: ["arn:aws:s3:::data/home/${ldap:username}/*"] }),
    });
    // Mapped by login name (resolved to the DN), by a DN written in another case, and for a group.
    expect(await ok("attach-policy-ldap", { policies: ["public-read"], user: "alice" })).toMatchObject({ policiesAttached: ["public-read"] });
    expect(await ok("attach-policy-ldap", { policies: ["ldap-home"], user: `UID=Dave,OU=People,${SUFFIX}` })).toMatchObject({
      policiesAttached: ["ldap-home"],
    });
    expect(await ok("attach-policy-ldap", { policies: ["ldap-home"], group: DEVS })).toMatchObject({ policiesAttached: ["ldap-home"] });
  }, 240_000);
  afterAll(async () => {
    await h?.close();
    await slapd?.stop();
    temp.cleanup();
  });

  test("minio-go's LDAPIdentity gets credentials for a mapped user; S3 obeys its policy", async () => {
    const alice = await login("alice", "alice-pw");
    expect(alice.accessKey).toMatch(/^[A-Z0-9]{20}$/);
    expect(alice.sessionToken).not.toBe("");
    expect(await attempt(alice, get("public/a.txt"))).toBe("allow");
    expect(await attempt(alice, get("private/z.txt"))).toBe("AccessDenied");
    expect(await attempt(alice, put("public/new.txt"))).toBe("AccessDenied");
    expect(await attempt(alice, get("home/alice/x.txt"))).toBe("AccessDenied");
  });

  test("a raw POST gets MinIO's XML answer in STS's namespace; a session policy narrows it", async () => {
    const res = await stsPost({ LDAPUsername: "bob", LDAPPassword: "bob-pw", DurationSeconds: "900" });
    expect(res.status).toBe(200);
    const xml = await res.text();
    expect(xml).toContain(
      '<AssumeRoleWithLDAPIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleWithLDAPIdentityResult><Credentials>',
    );
    const expiration = Date.parse(tag(xml, "Expiration"));
    expect(expiration - Date.now()).toBeLessThanOrEqual(900_000);
    const bob = { accessKey: tag(xml, "AccessKeyId"), secretKey: tag(xml, "SecretAccessKey"), sessionToken: tag(xml, "SessionToken") };
    expect(await attempt(bob, get("home/bob/y.txt"))).toBe("allow");
    const narrow = JSON.stringify(policy({ Effect: "Allow", Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::data/*"] }));
    const readOnly = await login("bob", "bob-pw", { policy: narrow });
    expect(await attempt(readOnly, get("home/bob/y.txt"))).toBe("allow");
    expect(await attempt(readOnly, put("home/bob/n.txt"))).toBe("AccessDenied");
  });

  test("a group's mapping serves a user without one; ${ldap:username} confines it to its own home", async () => {
    const bob = await login("bob", "bob-pw");
    expect(await attempt(bob, get("home/bob/y.txt"))).toBe("allow");
    expect(await attempt(bob, put("home/bob/new.txt"))).toBe("allow");
    expect(await attempt(bob, get("home/alice/x.txt"))).toBe("AccessDenied");
    expect(await attempt(bob, get("public/a.txt"))).toBe("AccessDenied");
    const dave = await login("dave", "dave-pw");
    expect(await attempt(dave, get("home/dave/w.txt"))).toBe("allow");
    expect(await attempt(dave, get("home/bob/y.txt"))).toBe("AccessDenied");
  });

  test("refused with no credentials issued: wrong password, unknown user, empty password, injection, no mapping", async () => {
    const before = await stsCount();
    const wrong = await stsRefusal({ LDAPUsername: "alice", LDAPPassword: "not-alice-pw" });
    expect(wrong).toMatchObject({ status: 400, code: "InvalidParameterValue" });
    expect(await stsRefusal({ LDAPUsername: "mallory", LDAPPassword: "whatever-pw" })).toEqual(wrong);
    expect(await stsRefusal({ LDAPUsername: "alice", LDAPPassword: "" })).toMatchObject({ status: 400, code: "MissingParameter" });
    expect(await stsRefusal({ LDAPUsername: "", LDAPPassword: "alice-pw" })).toMatchObject({ status: 400, code: "MissingParameter" });
    for (const name of ["*", "*)(uid=*", "alice)(uid=*", "a*"]) expect(await stsRefusal({ LDAPUsername: name, LDAPPassword: "alice-pw" })).toEqual(wrong);
    const carol = await stsRefusal({ LDAPUsername: "carol", LDAPPassword: "carol-pw" });
    expect(carol).toMatchObject({ status: 400, code: "InvalidParameterValue" });
    expect(carol.message).toContain(dn("carol"));
    expect(carol.message).toContain(`cn=nomap,${GROUPS}`);
    expect(await stsRefusal({ LDAPUsername: "alice", LDAPPassword: "alice-pw", DurationSeconds: "60" })).toMatchObject({ code: "InvalidParameterValue" });
    expect(await stsRefusal({ LDAPUsername: "alice", LDAPPassword: "alice-pw", Policy: "{not json" })).toMatchObject({ code: "MalformedPolicyDocument" });
    const viaMadmin = await refused("assume-role-ldap", { username: "alice", password: "not-alice-pw" });
    expect(viaMadmin.code).toBe("InvalidParameterValue");
    expect(await stsCount()).toBe(before);
  });

  test("the mappings are MinIO's files: policydb/sts-users/<DN>.json and policydb/groups/<DN>.json", async () => {
    const read = async (name: string) => JSON.parse(new TextDecoder().decode((await h.bunker.store.readSystem(name))!));
    expect(await read(`config/iam/policydb/sts-users/${dn("alice")}.json`)).toMatchObject({ version: 1, policy: "public-read" });
    expect(await read(`config/iam/policydb/sts-users/${dn("dave")}.json`)).toMatchObject({ version: 1, policy: "ldap-home" });
    expect(await read(`config/iam/policydb/groups/${DEVS}.json`)).toMatchObject({ version: 1, policy: "ldap-home" });
    const sessions = await h.bunker.store.listSystem("config/iam/sts/");
    const one = JSON.parse(new TextDecoder().decode((await h.bunker.store.readSystem(sessions[0]))!));
    expect(one.credentials.parentUser).toMatch(/^uid=(alice|bob|dave),ou=people,dc=example,dc=org$/);
  });

  test("get-ldap-policy-entities lists who has which policy", async () => {
    const all = await ok("get-ldap-policy-entities", {});
    const byPolicy = Object.fromEntries(all.policyMappings.map((p: { policy: string }) => [p.policy, p]));
    expect(byPolicy["public-read"]).toMatchObject({ users: [dn("alice")], groups: [] });
    expect(byPolicy["ldap-home"]).toMatchObject({ users: [dn("dave")], groups: [DEVS] });
    const alice = await ok("get-ldap-policy-entities", { users: ["alice"], groups: [DEVS] });
    expect(alice.userMappings).toEqual([{ user: dn("alice"), policies: ["public-read"] }]);
    expect(alice.groupMappings).toEqual([{ group: DEVS, policies: ["ldap-home"] }]);
  });

  test("attach refuses unknown policies, users and groups, and a change that changes nothing", async () => {
    expect((await refused("attach-policy-ldap", { policies: ["no-such-policy"], user: "alice" })).code).toBe("XMinioAdminNoSuchPolicy");
    expect((await refused("attach-policy-ldap", { policies: ["public-read"], user: "mallory" })).code).toBe("XMinioAdminNoSuchUser");
    expect((await refused("attach-policy-ldap", { policies: ["public-read"], group: `cn=nope,${GROUPS}` })).code).toBe("XMinioAdminNoSuchGroup");
    expect((await refused("attach-policy-ldap", { policies: ["public-read"], group: `cn=devs,${SUFFIX}` })).code).toBe("XMinioAdminNoSuchGroup");
    expect((await refused("attach-policy-ldap", { policies: ["public-read"], user: "alice" })).code).toBe("XMinioAdminPolicyChangeAlreadyApplied");
    const carolAsUser = await refused("attach-policy-ldap", { policies: ["public-read"], user: "*" });
    expect(carolAsUser.code).toBe("XMinioAdminNoSuchUser");
  });

  test("detach removes access for new sessions (and, policies being read per request, for old ones)", async () => {
    await ok("attach-policy-ldap", { policies: ["ldap-home"], user: "alice" });
    const old = await login("alice", "alice-pw");
    expect(await attempt(old, get("home/alice/x.txt"))).toBe("allow");
    expect(await ok("detach-policy-ldap", { policies: ["public-read", "ldap-home"], user: dn("alice") })).toMatchObject({
      policiesDetached: ["public-read", "ldap-home"],
    });
    expect(await h.bunker.store.readSystem(`config/iam/policydb/sts-users/${dn("alice")}.json`)).toBeNull();
    expect((await stsRefusal({ LDAPUsername: "alice", LDAPPassword: "alice-pw" })).message).toContain("No policy is mapped");
    expect(await attempt(old, get("home/alice/x.txt"))).toBe("AccessDenied");
    expect((await refused("detach-policy-ldap", { policies: ["public-read"], user: "alice" })).code).toBe("XMinioAdminPolicyChangeAlreadyApplied");
  });

  test("LDAP calls on a server without LDAP are refused clearly, never answered", async () => {
    const plain = await startS3(temp);
    try {
      const r = await madmin(bin, plain.endpoint, root, "attach-policy-ldap", { policies: ["readonly"], user: "alice" });
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error).toMatchObject({ code: "XMinioLDAPNotEnabled", status: 400 });
      const res = await stsPost({ LDAPUsername: "alice", LDAPPassword: "alice-pw" }, plain);
      expect(res.status).toBe(400);
      expect(await res.text()).toContain("none is configured");
    } finally {
      await plain.close();
    }
  });

  test("StartTLS: the directory's certificate trusted through certs/CAs", async () => {
    const home = temp.make("bunker-ldap-home-");
    mkdirSync(join(home, ".minio", "certs", "CAs"), { recursive: true });
    writeFileSync(join(home, ".minio", "certs", "CAs", "ldap.crt"), slapd.certPem!);
    const env = ldapEnv(slapd.port, { MINIO_IDENTITY_LDAP_SERVER_INSECURE: "off", MINIO_IDENTITY_LDAP_SERVER_STARTTLS: "on", HOME: home });
    const tlsServer = await startS3(temp, { env });
    try {
      await ok(
        "add-canned-policy",
        { name: "public-read", policy: policy({ Effect: "Allow", Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::data/public/*"] }) },
        root,
        tlsServer,
      );
      await ok("attach-policy-ldap", { policies: ["public-read"], user: "bob" }, root, tlsServer);
      const res = await stsPost({ LDAPUsername: "bob", LDAPPassword: "bob-pw" }, tlsServer);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain("<AccessKeyId>");
    } finally {
      await tlsServer.close();
    }
    // Without the CA the certificate is not trusted: the server's problem, answered 500, no credentials, no password.
    const untrusted = await startS3(temp, { env: { ...env, HOME: temp.make("bunker-ldap-home-") } });
    try {
      const res = await stsPost({ LDAPUsername: "bob", LDAPPassword: "bob-pw" }, untrusted);
      const xml = await res.text();
      expect(res.status).toBe(500);
      expect(tag(xml, "Code")).toBe("InternalError");
      expect(xml).not.toContain("<Credentials>");
      for (const secret of ["bob-pw", LOOKUP_PASSWORD]) expect(xml).not.toContain(secret);
    } finally {
      await untrusted.close();
    }
  });
});
