// Bucket quotas end to end: set and read through MinIO's own client (madmin-go set-bucket-quota /
// get-bucket-quota), stored where MinIO keeps them (QuotaConfigJSON in .metadata.bin), enforced on
// every S3 write that adds data — PutObject, CopyObject, PostObject, UploadPart, UploadPartCopy,
// CompleteMultipartUpload — with nothing stored when refused; deletes make room at once; what we
// do not enforce is refused when set; users without the admin actions are denied; a restart keeps it.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  HeadObjectCommand,
  ListPartsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  UploadPartCommand,
  UploadPartCopyCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { buildMadminClient, madmin, madminMissing, type MadminResult } from "../support/madmin-client.ts";
import { browserForm, expiresIn, v4Fields } from "../support/post-forms.ts";
import { rejectsWith } from "../support/s3-expect.ts";
import { errorOf, pattern, ROOT_PASSWORD, ROOT_USER, startS3, type S3Harness } from "../support/s3-harness.ts";
import { TempDirs } from "../support/temp-dirs.ts";

const missing = madminMissing();
const skip = missing !== null && !process.env.CI;
if (skip) console.warn(`SKIP bucket quota tests: ${missing} (set CI=1 to make this a failure)`);

const KiB = 1024;
const MiB = 1024 * KiB;
const root = { accessKey: ROOT_USER, secretKey: ROOT_PASSWORD };
const temp = new TempDirs();
let bin: string;
let h: S3Harness;
let s3: S3Client;

const admin = (command: string, args?: unknown, creds = root): Promise<MadminResult> => madmin(bin, h.endpoint, creds, command, args);

async function ok(command: string, args?: unknown): Promise<unknown> {
  const r = await admin(command, args);
  if (!r.ok) throw new Error(`${command} failed: ${r.error.code}: ${r.error.message}`);
  return r.result;
}

const setQuota = (bucket: string, quota: number, quotatype = "hard") => ok("set-bucket-quota", { bucket, quota, quotatype });

/** A raw admin call (for bodies madmin would not send). */
async function rawSet(bucket: string, body: string): Promise<{ status: number; code: string }> {
  const res = await h.signed({ method: "PUT", path: "/minio/admin/v3/set-bucket-quota", query: { bucket }, body });
  return { status: res.status, code: res.status === 200 ? "" : ((await res.json()) as { Code: string }).Code };
}

const put = (bucket: string, key: string, size: number) => h.signed({ method: "PUT", path: `/${bucket}/${key}`, body: pattern(size) });

async function expectExceeded(res: Response, bucket: string): Promise<void> {
  const e = await errorOf(res);
  expect([e.status, e.code, e.message]).toEqual([400, "XMinioAdminBucketQuotaExceeded", "Bucket quota exceeded"]);
  expect(e.body).toContain(`<BucketName>${bucket}</BucketName>`);
}

/** Nothing under that name: not visible to S3, and no directory on any drive. */
async function absent(bucket: string, key: string): Promise<void> {
  await rejectsWith(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key })), "NotFound", 404);
  for (const d of h.drives) expect(existsSync(`${d}/${bucket}/${key}`)).toBe(false);
}

describe.skipIf(skip)("bucket quotas", () => {
  beforeAll(async () => {
    if (missing !== null) throw new Error(`${missing}; CI must install it`);
    bin = (await buildMadminClient())!;
    h = await startS3(temp);
    s3 = h.client();
    for (const b of ["capped", "overwrites", "versions", "minio-shaped"]) await s3.send(new CreateBucketCommand({ Bucket: b }));
  }, 180_000);
  afterAll(async () => {
    await h?.close();
    temp.cleanup();
  });

  test("set and get through madmin, stored as MinIO stores it; what we do not enforce is refused and changes nothing", async () => {
    expect(await admin("get-bucket-quota", { bucket: "capped" })).toMatchObject({
      ok: false,
      error: { code: "XMinioAdminNoSuchQuotaConfiguration", status: 404 },
    });
    await setQuota("capped", MiB);
    expect(await ok("get-bucket-quota", { bucket: "capped" })).toEqual({ quota: MiB, quotatype: "hard" });
    expect(new TextDecoder().decode((await h.bunker.store.getBucketConfig("capped", "quota"))!)).toBe(`{"quota":${MiB},"quotatype":"hard"}`);

    expect(await admin("set-bucket-quota", { bucket: "nowhere", quota: MiB, quotatype: "hard" })).toMatchObject({
      ok: false,
      error: { code: "NoSuchBucket", status: 404 },
    });
    expect(await admin("get-bucket-quota", { bucket: "nowhere" })).toMatchObject({ ok: false, error: { code: "NoSuchBucket", status: 404 } });
    expect(await admin("set-bucket-quota", { bucket: "capped", quota: MiB, quotatype: "fifo" })).toMatchObject({
      ok: false,
      error: { code: "InvalidRequest", status: 400 },
    });
    expect(await admin("set-bucket-quota", { bucket: "capped", quota: MiB, quotatype: "" })).toMatchObject({
      ok: false,
      error: { code: "XMinioAdminInvalidArgument", status: 400 },
    });
    expect(await rawSet("capped", `{"quota":${MiB},"quotatype":"hard","rate":1000}`)).toEqual({ status: 501, code: "NotImplemented" });
    expect(await rawSet("capped", `{"quota":${MiB},"quotatype":"hard","requests":10}`)).toEqual({ status: 501, code: "NotImplemented" });
    for (const body of ["", "{not json", "[]", '{"quota":-5,"quotatype":"hard"}', '{"quota":"1MiB","quotatype":"hard"}', '{"quota":1e400}']) {
      expect(await rawSet("capped", body)).toEqual({ status: 400, code: "XMinioAdminInvalidArgument" });
    }
    expect(await ok("get-bucket-quota", { bucket: "capped" })).toEqual({ quota: MiB, quotatype: "hard" });
  });

  test("PutObject past the quota is refused with nothing stored; deleting makes room at once", async () => {
    expect((await put("capped", "first", 600 * KiB)).status).toBe(200);
    await expectExceeded(await put("capped", "second", 600 * KiB), "capped");
    await absent("capped", "second");
    await s3.send(new DeleteObjectCommand({ Bucket: "capped", Key: "first" }));
    expect((await put("capped", "second", 600 * KiB)).status).toBe(200);
  });

  test("CopyObject, PostObject, UploadPart, UploadPartCopy and CompleteMultipartUpload are refused past it too", async () => {
    // The bucket holds 600 KiB ("second") of its 1 MiB.
    await rejectsWith(s3.send(new CopyObjectCommand({ Bucket: "capped", Key: "copy", CopySource: "capped/second" })), "XMinioAdminBucketQuotaExceeded", 400);
    await absent("capped", "copy");

    const doc = { expiration: expiresIn(600), conditions: [{ bucket: "capped" }, ["starts-with", "$key", ""]] };
    const form = await browserForm([["key", "posted"], ...v4Fields(doc, ROOT_USER, ROOT_PASSWORD)], { content: pattern(600 * KiB), filename: "f.bin" });
    await expectExceeded(await h.anon("/capped", { method: "POST", body: form.body, headers: { "content-type": form.type } }), "capped");
    await absent("capped", "posted");

    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: "capped", Key: "mp" }));
    const part = (n: number, size: number) => s3.send(new UploadPartCommand({ Bucket: "capped", Key: "mp", UploadId, PartNumber: n, Body: pattern(size) }));
    await rejectsWith(part(1, 600 * KiB), "XMinioAdminBucketQuotaExceeded", 400);
    await rejectsWith(
      s3.send(new UploadPartCopyCommand({ Bucket: "capped", Key: "mp", UploadId, PartNumber: 1, CopySource: "capped/second" })),
      "XMinioAdminBucketQuotaExceeded",
      400,
    );
    expect((await s3.send(new ListPartsCommand({ Bucket: "capped", Key: "mp", UploadId }))).Parts ?? []).toEqual([]);

    // A part that fits is taken but does not count until the upload completes…
    const { ETag } = await part(1, 300 * KiB);
    expect((await put("capped", "small", 200 * KiB)).status).toBe(200);
    // …and completing checks the whole object against what the bucket holds then.
    const complete = () =>
      s3.send(new CompleteMultipartUploadCommand({ Bucket: "capped", Key: "mp", UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag }] } }));
    await rejectsWith(complete(), "XMinioAdminBucketQuotaExceeded", 400);
    await absent("capped", "mp");
    expect((await s3.send(new ListPartsCommand({ Bucket: "capped", Key: "mp", UploadId }))).Parts?.map((p) => p.Size)).toEqual([300 * KiB]);
    await s3.send(new DeleteObjectCommand({ Bucket: "capped", Key: "small" }));
    expect((await complete()).ETag).toBeDefined();
    // 900 KiB held: a 200 KiB write no longer fits, a 100 KiB one does.
    await expectExceeded(await put("capped", "small", 200 * KiB), "capped");
    expect((await put("capped", "small", 100 * KiB)).status).toBe(200);
  });

  test("an overwrite counts once; a versioned bucket keeps every version until one is deleted by id", async () => {
    await setQuota("overwrites", 2.5 * MiB);
    for (let i = 0; i < 4; i++) expect((await put("overwrites", "k", MiB)).status).toBe(200);

    await s3.send(new PutBucketVersioningCommand({ Bucket: "versions", VersioningConfiguration: { Status: "Enabled" } }));
    await setQuota("versions", 2.5 * MiB);
    const first = await s3.send(new PutObjectCommand({ Bucket: "versions", Key: "k", Body: pattern(MiB) }));
    expect((await put("versions", "k", MiB)).status).toBe(200);
    await expectExceeded(await put("versions", "k", MiB), "versions");
    // A delete marker frees nothing; removing a version does.
    await s3.send(new DeleteObjectCommand({ Bucket: "versions", Key: "k" }));
    await expectExceeded(await put("versions", "k", MiB), "versions");
    await s3.send(new DeleteObjectCommand({ Bucket: "versions", Key: "k", VersionId: first.VersionId }));
    expect((await put("versions", "k", MiB)).status).toBe(200);
  });

  test("a quota of 0 removes it: anything is accepted", async () => {
    await setQuota("capped", 0, "");
    expect(await h.bunker.store.getBucketConfig("capped", "quota")).toBeNull();
    expect(await admin("get-bucket-quota", { bucket: "capped" })).toMatchObject({ ok: false, error: { code: "XMinioAdminNoSuchQuotaConfiguration" } });
    expect((await put("capped", "big", 2 * MiB)).status).toBe(200);
  });

  test("a user without the admin quota actions is denied both calls", async () => {
    const user = { accessKey: "quotauser", secretKey: "quotauser-secret" };
    await ok("add-user", user);
    await ok("set-policy", { policy: "readwrite", entity: user.accessKey, isGroup: false });
    expect(await admin("set-bucket-quota", { bucket: "capped", quota: MiB, quotatype: "hard" }, user)).toMatchObject({
      ok: false,
      error: { code: "AccessDenied", status: 403 },
    });
    expect(await admin("get-bucket-quota", { bucket: "capped" }, user)).toMatchObject({ ok: false, error: { code: "AccessDenied", status: 403 } });
    expect(await h.bunker.store.getBucketConfig("capped", "quota")).toBeNull();
  });

  test("the quota survives a restart and is enforced on a fresh count; a quota MinIO wrote is read and enforced", async () => {
    await setQuota("capped", MiB);
    // What a newer MinIO writes: "size" holds the limit.
    await h.bunker.store.setBucketConfig(
      "minio-shaped",
      "quota",
      new TextEncoder().encode(`{"quota":0,"size":${MiB},"rate":0,"requests":0,"quotatype":"hard"}`),
    );
    const drives = h.drives;
    await h.close();
    h = await startS3(temp, { driveArgs: () => drives });
    s3 = h.client();
    expect(await ok("get-bucket-quota", { bucket: "capped" })).toEqual({ quota: MiB, quotatype: "hard" });
    // The bucket already holds more than 1 MiB (written while it had no quota): nothing more fits.
    await expectExceeded(await put("capped", "one-more", 1), "capped");
    expect(await ok("get-bucket-quota", { bucket: "minio-shaped" })).toEqual({ quota: MiB, quotatype: "hard" });
    expect((await put("minio-shaped", "a", 600 * KiB)).status).toBe(200);
    await expectExceeded(await put("minio-shaped", "b", 600 * KiB), "minio-shaped");
  }, 60_000);
});
