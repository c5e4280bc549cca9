// IAM end to end: MinIO's own admin client (madmin-go, test/support/madmin) creates users,
// groups, canned policies, attachments and service accounts; then S3 requests signed with those
// credentials (the AWS SDK) are allowed and denied exactly as the policies say — identity and
// bucket policies together, deny wins, prefixes, conditions, disabled users and groups, expired
// and narrowed service accounts, AssumeRole sessions — and the state survives a restart.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  PutBucketPolicyCommand,
  PutObjectCommand,
  type S3Client,
  DeleteObjectCommand,
} from "@aws-sdk/client-s3";
import { zipSync } from "fflate";
import { buildMadminClient, madmin, madminMissing, type MadminResult } from "../support/madmin-client.ts";
import { ROOT_PASSWORD, ROOT_USER, startS3, type S3Harness } from "../support/s3-harness.ts";
import { TempDirs } from "../support/temp-dirs.ts";

const missing = madminMissing();
const skip = missing !== null && !process.env.CI;
if (skip) console.warn(`SKIP IAM madmin tests: ${missing} (set CI=1 to make this a failure)`);

const root = { accessKey: ROOT_USER, secretKey: ROOT_PASSWORD };
const temp = new TempDirs();
let bin: string;
let h: S3Harness;

type Creds = { accessKey: string; secretKey: string; sessionToken?: string };
const users: Record<string, Creds> = {
  alice: { accessKey: "alice", secretKey: "alice-secret-1" },
  bob: { accessKey: "bob", secretKey: "bob-secret-12" },
  carol: { accessKey: "carol", secretKey: "carol-secret-1" },
  dave: { accessKey: "dave", secretKey: "dave-secret-12" },
  erin: { accessKey: "erin", secretKey: "erin-secret-12" },
  frank: { accessKey: "frank", secretKey: "frank-secret-1" },
  oscar: { accessKey: "oscar", secretKey: "oscar-secret-1" },
};

async function admin(command: string, args?: unknown, creds: Creds = root): Promise<MadminResult> {
  return madmin(bin, h.endpoint, creds, command, args);
}

async function ok(command: string, args?: unknown, creds: Creds = root) {
  const r = await admin(command, args, creds);
  if (!r.ok) throw new Error(`${command} failed: ${r.error.code}: ${r.error.message}`);
  return r.result;
}

function client(c: Creds): S3Client {
  return h.client({ credentials: { accessKeyId: c.accessKey, secretAccessKey: c.secretKey, sessionToken: c.sessionToken } });
}

/** "allow" when the call succeeds, else the S3 error code. */
async function attempt(c: Creds, cmd: Cmd): Promise<string> {
  try {
    const out = (await client(c).send(cmd as never)) as { Body?: { transformToString(): Promise<string> } };
    await out.Body?.transformToString();
    return "allow";
  } catch (err) {
    const e = err as { name?: string; Code?: string; $metadata?: { httpStatusCode?: number } };
    // A HEAD answer has no body: the SDK only knows its status.
    return e.Code ?? (e.name === "Unknown" ? String(e.$metadata?.httpStatusCode) : (e.name ?? String(err)));
  }
}

type Cmd = GetObjectCommand | PutObjectCommand | ListObjectsV2Command | DeleteObjectCommand | HeadObjectCommand;
const get = (bucket: string, key: string) => new GetObjectCommand({ Bucket: bucket, Key: key });
const put = (bucket: string, key: string) => new PutObjectCommand({ Bucket: bucket, Key: key, Body: "x" });
const list = (bucket: string, prefix?: string) => new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix });

const policy = (...Statement: object[]) => ({ Version: "2012-10-17", Statement });

describe.skipIf(skip)("IAM through madmin, enforced on S3 requests", () => {
  beforeAll(async () => {
    if (missing !== null) throw new Error(`${missing}; CI must install it`);
    bin = (await buildMadminClient())!;
    h = await startS3(temp);
    const s3 = h.client();
    for (const b of ["data", "other"]) await s3.send(new CreateBucketCommand({ Bucket: b }));
    for (const k of ["public/a.txt", "private/b.txt", "home/alice/x.txt", "home/bob/y.txt"]) await s3.send(put("data", k));
    for (const k of ["z.txt", "secret.txt", "lan/only.txt"]) await s3.send(put("other", k));

    await ok("add-canned-policy", {
      name: "data-read",
      policy: policy({ Effect: "Allow", Action: ["s3:GetObject", "s3:ListBucket"], Resource: ["arn:aws:s3:::data", "arn:aws:s3:::data/*"] }),
    });
    await ok("add-canned-policy", {
      name: "deny-private",
      policy: policy({ Effect: "Deny", Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::data/private/*"] }),
    });
    await ok("add-canned-policy", {
      name: "home-dir",
      policy: policy(
        { Effect: "Allow", Action: ["s3:ListBucket"], Resource: ["arn:aws:s3:::data"], Condition: { StringLike: { "s3:prefix": ["home/${aws:username}/*"] } } },
        { Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject"], Resource: ["arn:aws:s3:::data/home/${aws:username}/*"] },
      ),
    });
    await ok("add-canned-policy", {
      name: "loopback-only",
      policy: policy(
        { Effect: "Allow", Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::other/z.txt"], Condition: { IpAddress: { "aws:SourceIp": "127.0.0.0/8" } } },
        { Effect: "Allow", Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::other/lan/*"], Condition: { IpAddress: { "aws:SourceIp": "10.0.0.0/8" } } },
        { Effect: "Deny", Action: ["s3:PutObject"], Resource: ["arn:aws:s3:::other/*"], Condition: { Bool: { "aws:SecureTransport": "false" } } },
        { Effect: "Allow", Action: ["s3:PutObject"], Resource: ["arn:aws:s3:::other/*"] },
      ),
    });
    await ok("add-canned-policy", { name: "user-reader", policy: policy({ Effect: "Allow", Action: ["admin:ListUsers", "admin:GetUser"] }) });

    for (const u of Object.values(users)) await ok("add-user", u);
    await ok("set-policy", { policy: "data-read,home-dir", entity: "alice", isGroup: false });
    await ok("attach-policy", { policies: ["deny-private"], user: "alice" });
    await ok("update-group-members", { group: "homes", members: ["bob"], isRemove: false });
    await ok("set-policy", { policy: "home-dir", entity: "homes", isGroup: true });
    await ok("add-canned-policy", {
      name: "no-rrs",
      policy: policy({
        Effect: "Deny",
        Action: ["s3:PutObject"],
        Resource: ["arn:aws:s3:::*"],
        Condition: { StringEquals: { "s3:x-amz-storage-class": "REDUCED_REDUNDANCY" } },
      }),
    });
    await ok("set-policy", { policy: "readwrite,no-rrs", entity: "carol", isGroup: false });
    await ok("set-policy", { policy: "readonly", entity: "dave", isGroup: false });
    await ok("update-group-members", { group: "readers", members: ["erin"], isRemove: false });
    await ok("attach-policy", { policies: ["readonly"], group: "readers" });
    await ok("set-policy", { policy: "loopback-only", entity: "frank", isGroup: false });
    await ok("set-policy", { policy: "user-reader", entity: "oscar", isGroup: false });

    // Bucket policy on "other": bob may read it (allow from the bucket policy alone); carol may not read secret.txt.
    await s3.send(
      new PutBucketPolicyCommand({
        Bucket: "other",
        Policy: JSON.stringify(
          policy(
            { Effect: "Allow", Principal: { AWS: ["bob"] }, Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::other/z.txt"] },
            { Effect: "Deny", Principal: { AWS: ["carol"] }, Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::other/secret.txt"] },
          ),
        ),
      }),
    );
  }, 240_000);
  afterAll(async () => {
    await h?.close();
    temp.cleanup();
  });

  test("madmin reads back what it made: users, groups, policies, mappings", async () => {
    const list = await ok("list-users");
    expect(Object.keys(list).sort()).toEqual(Object.keys(users).sort());
    expect(list.alice).toMatchObject({ policyName: "data-read,home-dir,deny-private", status: "enabled" });
    expect(await ok("user-info", { accessKey: "bob" })).toMatchObject({ status: "enabled", memberOf: ["homes"] });
    expect(await ok("group-info", { group: "readers" })).toMatchObject({ name: "readers", status: "enabled", members: ["erin"], policy: "readonly" });
    expect((await ok("list-groups")).sort()).toEqual(["homes", "readers"]);
    const policies = await ok("list-canned-policies");
    for (const p of ["readwrite", "readonly", "writeonly", "diagnostics", "consoleAdmin", "data-read", "home-dir"]) expect(Object.keys(policies)).toContain(p);
    const info = await ok("info-canned-policy", { name: "deny-private" });
    expect(info.PolicyName).toBe("deny-private");
    expect(info.Policy.Statement[0].Effect).toBe("Deny");
    const entities = await ok("get-policy-entities", { policies: ["readonly"] });
    expect(entities.policyMappings).toEqual([{ policy: "readonly", users: ["dave"], groups: ["readers"] }]);
  });

  test("the allow/deny matrix of users, groups and bucket policies", async () => {
    const { alice, bob, carol, dave, erin, frank } = users;
    const cases: [string, Creds, Cmd, string][] = [
      ["alice reads data/public", alice, get("data", "public/a.txt"), "allow"],
      ["alice: explicit Deny on data/private wins over data-read", alice, get("data", "private/b.txt"), "AccessDenied"],
      ["alice cannot write data/public", alice, put("data", "public/new.txt"), "AccessDenied"],
      ["alice lists data/public/", alice, list("data", "public/"), "allow"],
      ["alice cannot read another bucket", alice, get("other", "z.txt"), "AccessDenied"],
      ["alice writes her home (${aws:username})", alice, put("data", "home/alice/new.txt"), "allow"],
      ["alice cannot write bob's home", alice, put("data", "home/bob/new.txt"), "AccessDenied"],
      ["bob (group homes) lists his home prefix", bob, list("data", "home/bob/"), "allow"],
      ["bob cannot list alice's prefix (s3:prefix condition)", bob, list("data", "home/alice/"), "AccessDenied"],
      ["bob cannot list the whole bucket", bob, list("data"), "AccessDenied"],
      ["bob reads his home", bob, get("data", "home/bob/y.txt"), "allow"],
      ["bob cannot read alice's home", bob, get("data", "home/alice/x.txt"), "AccessDenied"],
      ["bob reads other/z.txt: the bucket policy alone allows it", bob, get("other", "z.txt"), "allow"],
      ["bob: the bucket policy names one key only", bob, get("other", "secret.txt"), "AccessDenied"],
      ["carol (readwrite) writes anywhere", carol, put("other", "carol.txt"), "allow"],
      ["carol deletes", carol, new DeleteObjectCommand({ Bucket: "other", Key: "carol.txt" }), "allow"],
      ["carol: the bucket policy's Deny wins over her readwrite", carol, get("other", "secret.txt"), "AccessDenied"],
      ["dave (readonly) reads", dave, get("data", "private/b.txt"), "allow"],
      ["dave (readonly) cannot write", dave, put("data", "x.txt"), "AccessDenied"],
      ["dave (readonly) cannot list (readonly has no ListBucket)", dave, list("data"), "AccessDenied"],
      ["erin reads through group readers", erin, get("data", "public/a.txt"), "allow"],
      ["frank: aws:SourceIp 127.0.0.0/8 matches a loopback client", frank, get("other", "z.txt"), "allow"],
      ["frank: aws:SourceIp 10.0.0.0/8 does not", frank, get("other", "lan/only.txt"), "AccessDenied"],
      ["frank: Deny on aws:SecureTransport=false beats the Allow", frank, put("other", "f.txt"), "AccessDenied"],
      ["anonymous cannot read", { accessKey: "", secretKey: "" }, get("data", "public/a.txt"), "AccessDenied"],
      [
        "carol: Deny on s3:x-amz-storage-class=REDUCED_REDUNDANCY",
        carol,
        new PutObjectCommand({ Bucket: "other", Key: "rrs.txt", Body: "x", StorageClass: "REDUCED_REDUNDANCY" }),
        "AccessDenied",
      ],
      [
        "carol: the same PUT in STANDARD is allowed",
        carol,
        new PutObjectCommand({ Bucket: "other", Key: "std.txt", Body: "x", StorageClass: "STANDARD" }),
        "allow",
      ],
      ["alice HEADs data/public", alice, new HeadObjectCommand({ Bucket: "data", Key: "public/a.txt" }), "allow"],
      ["alice: the Deny covers HEAD too", alice, new HeadObjectCommand({ Bucket: "data", Key: "private/b.txt" }), "403"],
      ["erin (readonly) cannot delete", erin, new DeleteObjectCommand({ Bucket: "data", Key: "public/a.txt" }), "AccessDenied"],
      ["bob cannot delete in his home (home-dir has no DeleteObject)", bob, new DeleteObjectCommand({ Bucket: "data", Key: "home/bob/y.txt" }), "AccessDenied"],
      ["frank has no Allow for other/secret.txt", frank, get("other", "secret.txt"), "AccessDenied"],
    ];
    expect(cases.length).toBeGreaterThanOrEqual(30);
    const results: string[] = [];
    for (const [name, who, cmd, want] of cases) {
      const got = who.accessKey === "" ? await anonymous(cmd) : await attempt(who, cmd);
      results.push(`${name}: ${got === want ? "ok" : `got ${got}, want ${want}`}`);
    }
    expect(results.filter((r) => !r.endsWith(": ok"))).toEqual([]);
  });

  test("ListBuckets shows only the buckets an identity may list; root and readwrite see all", async () => {
    const names = async (c: Creds) => ((await client(c).send(new ListBucketsCommand({}))).Buckets ?? []).map((b) => b.Name).sort();
    expect(await names(users.alice)).toEqual(["data"]);
    expect(await names(users.carol)).toEqual(["data", "other"]);
    expect(await names(root)).toEqual(["data", "other"]);
    expect(await names(users.dave)).toEqual([]);
  });

  test("disabled users and groups lose access at once; enabling restores it", async () => {
    await ok("set-user-status", { accessKey: "dave", status: "disabled" });
    expect(await attempt(users.dave, get("data", "public/a.txt"))).toBe("InvalidAccessKeyId");
    await ok("set-user-status", { accessKey: "dave", status: "enabled" });
    expect(await attempt(users.dave, get("data", "public/a.txt"))).toBe("allow");
    await ok("set-group-status", { group: "readers", status: "disabled" });
    expect(await attempt(users.erin, get("data", "public/a.txt"))).toBe("AccessDenied");
    expect((await ok("group-info", { group: "readers" })).status).toBe("disabled");
    await ok("set-group-status", { group: "readers", status: "enabled" });
    expect(await attempt(users.erin, get("data", "public/a.txt"))).toBe("allow");
  });

  test("service accounts: embedded policies narrow, never widen; inherited ones follow the parent", async () => {
    const narrow = await ok("add-service-account", {
      targetUser: "alice",
      policy: policy({ Effect: "Allow", Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::data/public/*"] }),
    });
    const sa = { accessKey: narrow.accessKey, secretKey: narrow.secretKey };
    expect(await attempt(sa, get("data", "public/a.txt"))).toBe("allow");
    expect(await attempt(sa, get("data", "home/alice/x.txt"))).toBe("AccessDenied");
    expect(await attempt(sa, get("data", "private/b.txt"))).toBe("AccessDenied");
    const wide = await ok("add-service-account", { targetUser: "alice", policy: policy({ Effect: "Allow", Action: ["s3:*"], Resource: ["arn:aws:s3:::*"] }) });
    const wideSa = { accessKey: wide.accessKey, secretKey: wide.secretKey };
    expect(await attempt(wideSa, put("other", "sa.txt"))).toBe("AccessDenied");
    expect(await attempt(wideSa, get("data", "private/b.txt"))).toBe("AccessDenied");
    expect(await attempt(wideSa, get("data", "public/a.txt"))).toBe("allow");

    const inherited = await ok("add-service-account", { targetUser: "carol", accessKey: "carol-sa-1", secretKey: "carol-sa-secret" });
    expect(inherited.accessKey).toBe("carol-sa-1");
    const carolSa = { accessKey: "carol-sa-1", secretKey: "carol-sa-secret" };
    expect(await attempt(carolSa, put("other", "sa.txt"))).toBe("allow");
    const info = await ok("info-service-account", { accessKey: "carol-sa-1" });
    expect(info).toMatchObject({ parentUser: "carol", accountStatus: "on", impliedPolicy: true });
    // The implied policy is the parent's whole set: the built-in readwrite and the stored no-rrs.
    const implied = JSON.parse(info.policy).Statement as { Effect: string; Action: string[] }[];
    expect(implied.map((st) => `${st.Effect} ${st.Action.join(",")}`)).toEqual(["Allow s3:*", "Deny s3:PutObject"]);
    expect((await ok("list-service-accounts", { user: "alice" })).accounts.sort()).toEqual([narrow.accessKey, wide.accessKey].sort());

    await ok("update-service-account", { accessKey: "carol-sa-1", newStatus: "off" });
    expect(await attempt(carolSa, put("other", "sa.txt"))).toBe("InvalidAccessKeyId");
    await ok("update-service-account", { accessKey: "carol-sa-1", newStatus: "on" });
    await ok("set-user-status", { accessKey: "carol", status: "disabled" });
    expect(await attempt(carolSa, put("other", "sa.txt"))).toBe("AccessDenied");
    await ok("set-user-status", { accessKey: "carol", status: "enabled" });
    await ok("delete-service-account", { accessKey: "carol-sa-1" });
    expect(await attempt(carolSa, put("other", "sa.txt"))).toBe("InvalidAccessKeyId");
  });

  test("an expiring service account is refused once it expires", async () => {
    const expiration = new Date(Date.now() + 2_000).toISOString();
    const r = await ok("raw", {
      method: "PUT",
      path: "/v3/add-service-account",
      body: JSON.stringify({ targetUser: "dave", accessKey: "dave-sa-exp", secretKey: "dave-sa-secret", expiration }),
      encryptBody: true,
      decryptResponse: true,
    });
    expect(r.status).toBe(200);
    const sa = { accessKey: "dave-sa-exp", secretKey: "dave-sa-secret" };
    expect(await attempt(sa, get("data", "public/a.txt"))).toBe("allow");
    await Bun.sleep(2_500);
    expect(await attempt(sa, get("data", "public/a.txt"))).toBe("InvalidAccessKeyId");
  });

  test("AssumeRole: session credentials with a session policy; the token is required", async () => {
    const session = await ok(
      "assume-role",
      { policy: JSON.stringify(policy({ Effect: "Allow", Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::data/public/*"] })) },
      users.alice,
    );
    const creds = { accessKey: session.accessKey, secretKey: session.secretKey, sessionToken: session.sessionToken };
    expect(creds.sessionToken.length).toBeGreaterThan(20);
    expect(await attempt(creds, get("data", "public/a.txt"))).toBe("allow");
    expect(await attempt(creds, get("data", "home/alice/x.txt"))).toBe("AccessDenied");
    expect(await attempt({ ...creds, sessionToken: undefined }, get("data", "public/a.txt"))).toBe("InvalidToken");
    expect(await attempt({ ...creds, sessionToken: `${creds.sessionToken}x` }, get("data", "public/a.txt"))).toBe("InvalidToken");
    const info = await ok("temporary-account-info", { accessKey: creds.accessKey }, users.alice);
    expect(info).toMatchObject({ parentUser: "alice", accountStatus: "on", impliedPolicy: false });
    expect(await admin("temporary-account-info", { accessKey: creds.accessKey }, users.bob)).toMatchObject({ ok: false, error: { code: "AccessDenied" } });
    const plain = await ok("assume-role", {}, users.bob);
    expect(await attempt({ accessKey: plain.accessKey, secretKey: plain.secretKey, sessionToken: plain.sessionToken }, get("data", "home/bob/y.txt"))).toBe(
      "allow",
    );
    const wrong = await admin("assume-role", {}, { accessKey: "alice", secretKey: "not-alice-secret" });
    expect(wrong).toMatchObject({ ok: false, error: { code: "SignatureDoesNotMatch" } });
  });

  test("admin calls: non-admins get AccessDenied; an admin: policy allows exactly its actions", async () => {
    for (const cmd of ["list-users", "list-groups", "list-canned-policies"] as const) {
      expect(await admin(cmd, undefined, users.alice)).toMatchObject({ ok: false, error: { code: "AccessDenied", status: 403 } });
    }
    expect(await admin("add-user", { accessKey: "mallory", secretKey: "mallory-secret" }, users.carol)).toMatchObject({
      ok: false,
      error: { code: "AccessDenied" },
    });
    expect(await admin("list-pools-status", undefined, users.carol)).toMatchObject({ ok: false, error: { code: "AccessDenied" } });
    expect(Object.keys(await ok("list-users", undefined, users.oscar))).toContain("alice");
    expect(await ok("user-info", { accessKey: "bob" }, users.oscar)).toMatchObject({ status: "enabled" });
    expect(await admin("add-user", { accessKey: "mallory", secretKey: "mallory-secret" }, users.oscar)).toMatchObject({
      ok: false,
      error: { code: "AccessDenied" },
    });
    // A user may read its own info and manage its own service accounts without admin: actions.
    expect(await ok("user-info", { accessKey: "alice" }, users.alice)).toMatchObject({ status: "enabled" });
    const own = await ok("add-service-account", {}, users.bob);
    expect((await ok("list-service-accounts", {}, users.bob)).accounts).toEqual([own.accessKey]);
    expect(await admin("list-service-accounts", { user: "alice" }, users.bob)).toMatchObject({ ok: false, error: { code: "AccessDenied" } });
    const account = await ok("account-info", {}, users.alice);
    expect(account.AccountName).toBe("alice");
    expect(account.Buckets.map((b: { name: string }) => b.name)).toEqual(["data"]);
    // Sizes come from the data-usage walk: data holds at least the four objects put at the start.
    expect(account.Buckets[0].objects).toBeGreaterThanOrEqual(4);
    expect(account.Buckets[0].size).toBeGreaterThanOrEqual(4);
    expect(await admin("account-info", { prefixUsage: true }, users.alice)).toMatchObject({ ok: false, error: { code: "NotImplemented", status: 501 } });
  });

  test("bad input: malformed policies, unknown entities, tampered bodies", async () => {
    const bad = await admin("add-canned-policy", {
      name: "bad",
      policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["s3:GetObjekt"], Resource: ["arn:aws:s3:::*"] }] },
    });
    expect(bad).toMatchObject({ ok: false, error: { code: "XMinioMalformedPolicy", status: 400 } });
    if (!bad.ok) expect(bad.error.message).toContain("s3:GetObjekt");
    const principal = await admin("add-canned-policy", {
      name: "bad",
      policy: policy({ Effect: "Allow", Principal: "*", Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::*"] }),
    });
    expect(principal).toMatchObject({ ok: false, error: { code: "XMinioMalformedPolicy" } });
    expect(Object.keys(await ok("list-canned-policies"))).not.toContain("bad");
    expect(await admin("set-policy", { policy: "no-such-policy", entity: "alice", isGroup: false })).toMatchObject({
      ok: false,
      error: { code: "XMinioAdminNoSuchPolicy", status: 404 },
    });
    expect(await admin("set-policy", { policy: "readonly", entity: "nobody", isGroup: false })).toMatchObject({
      ok: false,
      error: { code: "XMinioAdminNoSuchUser", status: 404 },
    });
    expect(await admin("update-group-members", { group: "g2", members: ["nobody"], isRemove: false })).toMatchObject({
      ok: false,
      error: { code: "XMinioAdminNoSuchUser" },
    });
    expect(await admin("update-group-members", { group: "homes", members: [], isRemove: true })).toMatchObject({
      ok: false,
      error: { code: "XMinioAdminGroupNotEmpty" },
    });
    expect(await admin("add-user", { accessKey: "sh", secretKey: "short" })).toMatchObject({ ok: false, error: { code: "XMinioAdminInvalidArgument" } });
    const tampered = await ok("raw", { method: "PUT", path: "/v3/add-user", query: { accessKey: "mallory" }, body: "x".repeat(80) });
    expect(tampered.status).toBe(400);
    expect(JSON.parse(tampered.Body ?? tampered.body).Code).toBe("XMinioAdminConfigBadJSON");
    expect(Object.keys(await ok("list-users"))).not.toContain("mallory");
    // An archive holding a document we would not import is refused whole, not partly imported.
    const archive = zipSync({
      "iam-assets/users.json": new TextEncoder().encode(JSON.stringify({ mallory: { secretKey: "mallory-secret", status: "enabled" } })),
      "iam-assets/something-else.json": new TextEncoder().encode("{}"),
    });
    expect(await admin("import-iam", { data: Buffer.from(archive).toString("base64") })).toMatchObject({ ok: false, error: { code: "NotImplemented" } });
    expect(Object.keys(await ok("list-users"))).not.toContain("mallory");
    // groupStatus travels with a membership change; a value that is neither enabled nor disabled is refused.
    await ok("update-group-members", { group: "quiet", members: ["dave"], isRemove: false, groupStatus: "disabled" });
    expect((await ok("group-info", { group: "quiet" })).status).toBe("disabled");
    expect(await admin("update-group-members", { group: "quiet", members: ["dave"], isRemove: false, groupStatus: "sleepy" })).toMatchObject({
      ok: false,
      error: { code: "XMinioAdminInvalidArgument" },
    });
  });

  test("export-iam and import-iam carry users, groups, policies, mappings and service accounts to another deployment", async () => {
    const archive = await ok("export-iam");
    expect(typeof archive).toBe("string");
    const other = await startS3(temp);
    try {
      const into = (command: string, args?: unknown) => madmin(bin, other.endpoint, root, command, args);
      // A broken archive, or one naming a policy that exists nowhere, changes nothing.
      expect(await into("import-iam", { data: Buffer.from("not a zip").toString("base64") })).toMatchObject({
        ok: false,
        error: { code: "XMinioAdminInvalidArgument" },
      });
      expect(await into("import-iam", { data: archive })).toMatchObject({ ok: true });
      const s3 = other.client();
      await s3.send(new CreateBucketCommand({ Bucket: "data" }));
      await s3.send(put("data", "public/a.txt"));
      await s3.send(put("data", "private/b.txt"));
      const as = (c: Creds) => other.client({ credentials: { accessKeyId: c.accessKey, secretAccessKey: c.secretKey } });
      const outcome = (c: Creds, cmd: Cmd) =>
        as(c)
          .send(cmd as never)
          .then(
            () => "allow",
            (e: { name: string }) => e.name,
          );
      expect(await outcome(users.alice, get("data", "public/a.txt"))).toBe("allow");
      expect(await outcome(users.alice, get("data", "private/b.txt"))).toBe("AccessDenied");
      expect(await outcome(users.bob, list("data", "home/bob/"))).toBe("allow");
      const imported = await into("list-users");
      expect(imported.ok && Object.keys(imported.result).sort()).toEqual(Object.keys(users).sort());
      const accounts = await into("list-service-accounts", { user: "alice" });
      expect(accounts.ok && accounts.result.accounts.length).toBe(2);
    } finally {
      await other.close();
    }
  });

  test("IAM lives in .minio.sys/config/iam in MinIO's layout and survives a restart", async () => {
    const identity = JSON.parse(new TextDecoder().decode((await h.bunker.store.readSystem("config/iam/users/alice/identity.json"))!));
    expect(identity).toMatchObject({ version: 1, credentials: { accessKey: "alice", secretKey: "alice-secret-1", status: "on" } });
    const mapping = JSON.parse(new TextDecoder().decode((await h.bunker.store.readSystem("config/iam/policydb/users/alice.json"))!));
    expect(mapping).toMatchObject({ version: 1, policy: "data-read,home-dir,deny-private" });
    const doc = JSON.parse(new TextDecoder().decode((await h.bunker.store.readSystem("config/iam/policies/home-dir/policy.json"))!));
    expect(doc.Version).toBe(1);
    expect(doc.Policy.Statement).toHaveLength(2);
    const group = JSON.parse(new TextDecoder().decode((await h.bunker.store.readSystem("config/iam/groups/homes/members.json"))!));
    expect(group).toMatchObject({ version: 1, status: "enabled", members: ["bob"] });

    const drives = h.drives;
    await h.close();
    h = await startS3(temp, { driveArgs: () => drives });
    expect(await attempt(users.alice, get("data", "public/a.txt"))).toBe("allow");
    expect(await attempt(users.alice, get("data", "private/b.txt"))).toBe("AccessDenied");
    expect(await attempt(users.bob, list("data", "home/bob/"))).toBe("allow");
  });
});

async function anonymous(cmd: Cmd): Promise<string> {
  const c = cmd as unknown as { input: { Bucket: string; Key: string } };
  const res = await h.anon(`/${c.input.Bucket}/${c.input.Key}`);
  if (res.ok) return "allow";
  const text = await res.text();
  return /<Code>([^<]+)<\/Code>/.exec(text)?.[1] ?? String(res.status);
}
