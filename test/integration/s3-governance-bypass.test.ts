// x-amz-bypass-governance-retention removes a GOVERNANCE-retained version only for a caller
// allowed s3:BypassGovernanceRetention (an IAM user's policy, checked like any other action);
// for anyone else the header changes nothing and the version stays — DeleteObject and
// DeleteObjects alike. (Before, any caller allowed to delete versions could bypass.) Lock
// headers on a write need s3:PutObjectRetention / s3:PutObjectLegalHold as well as s3:PutObject.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { CreateBucketCommand, DeleteObjectCommand, DeleteObjectsCommand, PutBucketVersioningCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { buildMadminClient, madmin, madminMissing } from "../support/madmin-client.ts";
import { ROOT_PASSWORD, ROOT_USER, startS3, type S3Harness } from "../support/s3-harness.ts";
import { TempDirs } from "../support/temp-dirs.ts";

const missing = madminMissing();
const skip = missing !== null && !process.env.CI;
if (skip) console.warn(`SKIP governance bypass tests: ${missing} (set CI=1 to make this a failure)`);

const root = { accessKey: ROOT_USER, secretKey: ROOT_PASSWORD };
const temp = new TempDirs();
const B = "gov";
const LOCKED = "govlock";
const FUTURE = new Date(Date.now() + 86_400_000).toISOString();
let h: S3Harness;
let bin: string;

async function ok(command: string, args?: unknown) {
  const r = await madmin(bin, h.endpoint, root, command, args);
  if (!r.ok) throw new Error(`${command} failed: ${r.error.code}: ${r.error.message}`);
}

const deleter = (name: string, actions: string[]) => ({
  name,
  policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: actions, Resource: [`arn:aws:s3:::${B}/*`] }] },
});

describe.skipIf(skip)("governance bypass", () => {
  beforeAll(async () => {
    if (missing !== null) throw new Error(`${missing}; CI must install it`);
    bin = (await buildMadminClient())!;
    h = await startS3(temp);
    const s3 = h.client();
    await s3.send(new CreateBucketCommand({ Bucket: B }));
    await s3.send(new PutBucketVersioningCommand({ Bucket: B, VersioningConfiguration: { Status: "Enabled" } }));
    await ok("add-canned-policy", deleter("deletes-versions", ["s3:DeleteObject", "s3:DeleteObjectVersion"]));
    await ok("add-canned-policy", deleter("bypasses", ["s3:DeleteObject", "s3:DeleteObjectVersion", "s3:BypassGovernanceRetention"]));
    await s3.send(new CreateBucketCommand({ Bucket: LOCKED, ObjectLockEnabledForBucket: true }));
    const writer = (name: string, actions: string[]) => ({
      name,
      policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: actions, Resource: [`arn:aws:s3:::${LOCKED}/*`] }] },
    });
    await ok("add-canned-policy", writer("writes", ["s3:PutObject"]));
    await ok("add-canned-policy", writer("writes-locks", ["s3:PutObject", "s3:PutObjectRetention", "s3:PutObjectLegalHold"]));
    for (const [user, policy] of [
      ["plain-deleter", "deletes-versions"],
      ["bypasser", "bypasses"],
      ["writer", "writes"],
      ["locker", "writes-locks"],
    ]) {
      await ok("add-user", { accessKey: user, secretKey: `${user}-secret` });
      await ok("set-policy", { policy, entity: user, isGroup: false });
    }
  }, 180_000);
  afterAll(async () => {
    await h?.close();
    temp.cleanup();
  });

  const as = (user: string) =>
    new S3Client({
      endpoint: h.endpoint,
      region: h.cfg.region,
      forcePathStyle: true,
      credentials: { accessKeyId: user, secretAccessKey: `${user}-secret` },
      maxAttempts: 1,
    });
  const governed = async (key: string) => {
    const body = new ReadableStream<Uint8Array>({ start: (c) => (c.enqueue(new TextEncoder().encode(key)), c.close()) });
    const info = await h.bunker.store.putObject(B, key, body, {
      size: key.length,
      userMeta: { "X-Amz-Object-Lock-Mode": "GOVERNANCE", "X-Amz-Object-Lock-Retain-Until-Date": FUTURE },
    });
    return info.versionId;
  };
  /** "done" when the request succeeded, else the error code. */
  const code = (p: Promise<unknown>) =>
    p.then(
      () => "done",
      (e: { name: string }) => e.name,
    );
  const exists = (key: string, versionId: string) =>
    h.bunker.store.getObjectInfo(B, key, { versionId }).then(
      () => true,
      () => false,
    );

  test("without s3:BypassGovernanceRetention the header changes nothing; with it the version goes", async () => {
    const a = await governed("a");
    const del = (user: string, versionId: string) =>
      as(user).send(new DeleteObjectCommand({ Bucket: B, Key: "a", VersionId: versionId, BypassGovernanceRetention: true }));
    expect(await code(del("plain-deleter", a))).toBe("InvalidRequest"); // MinIO's answer for a WORM-protected version
    expect(await exists("a", a)).toBe(true);
    expect(await code(del("bypasser", a))).toBe("done");
    expect(await exists("a", a)).toBe(false);
  });

  test("DeleteObjects checks the permission per key too", async () => {
    const b = await governed("b");
    const batch = (user: string) =>
      as(user).send(new DeleteObjectsCommand({ Bucket: B, BypassGovernanceRetention: true, Delete: { Objects: [{ Key: "b", VersionId: b }] } }));
    const refused = await batch("plain-deleter");
    expect(refused.Errors?.map((e) => e.Key)).toEqual(["b"]);
    expect(await exists("b", b)).toBe(true);
    const done = await batch("bypasser");
    expect(done.Deleted?.map((d) => d.Key)).toEqual(["b"]);
    expect(await exists("b", b)).toBe(false);
  });

  test("lock headers on a write need s3:PutObjectRetention / s3:PutObjectLegalHold besides s3:PutObject", async () => {
    const put = (user: string, extra: object) => as(user).send(new PutObjectCommand({ Bucket: LOCKED, Key: `w-${user}`, Body: "x", ...extra }));
    const retain = { ObjectLockMode: "GOVERNANCE" as const, ObjectLockRetainUntilDate: new Date(FUTURE) };
    expect(await code(put("writer", retain))).toBe("AccessDenied");
    expect(await code(put("writer", { ObjectLockLegalHoldStatus: "ON" }))).toBe("AccessDenied");
    expect(await code(put("writer", {}))).toBe("done");
    expect(await code(put("locker", { ...retain, ObjectLockLegalHoldStatus: "ON" }))).toBe("done");
  });
});
