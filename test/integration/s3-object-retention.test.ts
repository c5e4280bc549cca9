// PutObjectRetention / GetObjectRetention, PutObjectLegalHold / GetObjectLegalHold and the lock
// headers of PUT and CreateMultipartUpload on a bucket created with object lock: stored in the version's metadata as MinIO stores them, shown
// on GET, enforced on deletes; COMPLIANCE never shortened or loosened, GOVERNANCE only with the
// bypass (root here), extending always allowed; a legal hold on or off on its own; bad input and
// a bucket without object lock get AWS's errors and change nothing.
import { expect, test } from "bun:test";
import {
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectLegalHoldCommand,
  GetObjectRetentionCommand,
  HeadObjectCommand,
  PutObjectCommand,
  PutObjectLegalHoldCommand,
  PutObjectRetentionCommand,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { v4Fields } from "../support/post-forms.ts";
import { ROOT_PASSWORD, ROOT_USER } from "../support/s3-harness.ts";
import { rejectsWith } from "../support/s3-expect.ts";
import { useS3Bucket } from "../support/use-s3-bucket.ts";

const B = "locked";
// Whole seconds from one instant, so a date given and the date read back compare equal.
const NOW = Math.floor(Date.now() / 1000) * 1000;
const day = (n: number) => new Date(NOW + n * 86_400_000);
const { h, s3 } = useS3Bucket("nolock", {
  setup: async () => {
    await s3.send(new CreateBucketCommand({ Bucket: B, ObjectLockEnabledForBucket: true }));
  },
});

async function version(key: string): Promise<string> {
  return (await s3.send(new PutObjectCommand({ Bucket: B, Key: key, Body: key }))).VersionId!;
}
const retention = (Key: string, VersionId: string, Mode: "GOVERNANCE" | "COMPLIANCE", until: Date, bypass = false) =>
  s3.send(new PutObjectRetentionCommand({ Bucket: B, Key, VersionId, Retention: { Mode, RetainUntilDate: until }, BypassGovernanceRetention: bypass }));
const remove = (Key: string, VersionId: string, bypass = false) =>
  s3.send(new DeleteObjectCommand({ Bucket: B, Key, VersionId, BypassGovernanceRetention: bypass }));

test("GOVERNANCE: set, read, shown on HEAD, blocks the delete; shortened or removed only with the bypass", async () => {
  const v = await version("gov");
  await rejectsWith(s3.send(new GetObjectRetentionCommand({ Bucket: B, Key: "gov", VersionId: v })), "NoSuchObjectLockConfiguration", 404);
  const until = day(10);
  await retention("gov", v, "GOVERNANCE", until);
  const got = await s3.send(new GetObjectRetentionCommand({ Bucket: B, Key: "gov", VersionId: v }));
  expect(got.Retention).toEqual({ Mode: "GOVERNANCE", RetainUntilDate: until });
  const head = await s3.send(new HeadObjectCommand({ Bucket: B, Key: "gov", VersionId: v }));
  expect([head.ObjectLockMode, head.ObjectLockRetainUntilDate?.toISOString()]).toEqual(["GOVERNANCE", until.toISOString()]);
  await rejectsWith(remove("gov", v), "InvalidRequest", 400);
  await retention("gov", v, "GOVERNANCE", day(20)); // extending is always allowed
  await rejectsWith(retention("gov", v, "GOVERNANCE", day(5)), "AccessDenied", 403);
  await retention("gov", v, "GOVERNANCE", day(5), true); // the root may bypass
  expect((await s3.send(new GetObjectRetentionCommand({ Bucket: B, Key: "gov", VersionId: v }))).Retention?.RetainUntilDate).toEqual(day(5));
  await remove("gov", v, true);
  await rejectsWith(s3.send(new HeadObjectCommand({ Bucket: B, Key: "gov", VersionId: v })), "NotFound", 404);
});

test("COMPLIANCE: extended, never shortened, loosened to GOVERNANCE or deleted, even with the bypass", async () => {
  const v = await version("comp");
  await retention("comp", v, "GOVERNANCE", day(3));
  await retention("comp", v, "COMPLIANCE", day(3)); // stricter: allowed without the bypass
  await retention("comp", v, "COMPLIANCE", day(4));
  for (const attempt of [retention("comp", v, "COMPLIANCE", day(2), true), retention("comp", v, "GOVERNANCE", day(30), true)]) {
    await rejectsWith(attempt, "AccessDenied", 403);
  }
  await rejectsWith(remove("comp", v, true), "InvalidRequest", 400);
  const got = await s3.send(new GetObjectRetentionCommand({ Bucket: B, Key: "comp", VersionId: v }));
  expect(got.Retention).toEqual({ Mode: "COMPLIANCE", RetainUntilDate: day(4) });
});

test("legal hold: on blocks every delete, off lets it go; independent of retention", async () => {
  const v = await version("held");
  await rejectsWith(s3.send(new GetObjectLegalHoldCommand({ Bucket: B, Key: "held", VersionId: v })), "NoSuchObjectLockConfiguration", 404);
  await s3.send(new PutObjectLegalHoldCommand({ Bucket: B, Key: "held", VersionId: v, LegalHold: { Status: "ON" } }));
  expect((await s3.send(new GetObjectLegalHoldCommand({ Bucket: B, Key: "held", VersionId: v }))).LegalHold?.Status).toBe("ON");
  expect((await s3.send(new HeadObjectCommand({ Bucket: B, Key: "held", VersionId: v }))).ObjectLockLegalHoldStatus).toBe("ON");
  await rejectsWith(remove("held", v, true), "InvalidRequest", 400);
  await s3.send(new PutObjectLegalHoldCommand({ Bucket: B, Key: "held", VersionId: v, LegalHold: { Status: "OFF" } }));
  expect((await s3.send(new GetObjectLegalHoldCommand({ Bucket: B, Key: "held", VersionId: v }))).LegalHold?.Status).toBe("OFF");
  await remove("held", v);
});

test("bad input and buckets without object lock are refused; nothing changes", async () => {
  const v = await version("bad");
  await rejectsWith(retention("bad", v, "GOVERNANCE", day(-1)), "InvalidArgument", 400);
  const raw = (path: string, query: Record<string, string>, body: string) =>
    h.signed({ method: "PUT", path, query, body, headers: { "content-md5": new Bun.CryptoHasher("md5").update(body).digest("base64") } });
  for (const body of [
    "<Retention><Mode>FOREVER</Mode><RetainUntilDate>2099-01-01T00:00:00Z</RetainUntilDate></Retention>",
    "<Retention><Mode>GOVERNANCE</Mode></Retention>",
    "<Retention><Mode>GOVERNANCE</Mode><RetainUntilDate>tomorrow</RetainUntilDate></Retention>",
  ]) {
    const res = await raw(`/${B}/bad`, { retention: "", versionId: v }, body);
    expect([res.status, /<Code>([^<]+)</.exec(await res.text())?.[1]]).toEqual([400, "MalformedXML"]);
  }
  const hold = await raw(`/${B}/bad`, { "legal-hold": "", versionId: v }, "<LegalHold><Status>MAYBE</Status></LegalHold>");
  expect(hold.status).toBe(400);
  const noMd5 = await h.signed({
    method: "PUT",
    path: `/${B}/bad`,
    query: { "legal-hold": "", versionId: v },
    body: "<LegalHold><Status>ON</Status></LegalHold>",
  });
  expect(noMd5.status).toBe(400);
  await rejectsWith(s3.send(new GetObjectRetentionCommand({ Bucket: B, Key: "bad", VersionId: v })), "NoSuchObjectLockConfiguration", 404);
  await rejectsWith(s3.send(new GetObjectLegalHoldCommand({ Bucket: B, Key: "bad", VersionId: v })), "NoSuchObjectLockConfiguration", 404);
  await s3.send(new PutObjectCommand({ Bucket: "nolock", Key: "k", Body: "x" }));
  await rejectsWith(
    s3.send(new PutObjectRetentionCommand({ Bucket: "nolock", Key: "k", Retention: { Mode: "GOVERNANCE", RetainUntilDate: day(1) } })),
    "InvalidRequest",
    400,
  );
  await rejectsWith(s3.send(new GetObjectLegalHoldCommand({ Bucket: "nolock", Key: "k" })), "InvalidRequest", 400);
});

test("lock headers on PUT and CreateMultipartUpload are stored with the new version and protect it", async () => {
  const until = day(7);
  const put = await s3.send(
    new PutObjectCommand({
      Bucket: B,
      Key: "put-locked",
      Body: "x",
      ObjectLockMode: "COMPLIANCE",
      ObjectLockRetainUntilDate: until,
      ObjectLockLegalHoldStatus: "ON",
    }),
  );
  const head = await s3.send(new HeadObjectCommand({ Bucket: B, Key: "put-locked", VersionId: put.VersionId }));
  expect([head.ObjectLockMode, head.ObjectLockRetainUntilDate, head.ObjectLockLegalHoldStatus]).toEqual(["COMPLIANCE", until, "ON"]);
  expect((await s3.send(new GetObjectRetentionCommand({ Bucket: B, Key: "put-locked", VersionId: put.VersionId }))).Retention).toEqual({
    Mode: "COMPLIANCE",
    RetainUntilDate: until,
  });
  await rejectsWith(remove("put-locked", put.VersionId!, true), "InvalidRequest", 400);
  const up = await s3.send(new CreateMultipartUploadCommand({ Bucket: B, Key: "mp-locked", ObjectLockMode: "GOVERNANCE", ObjectLockRetainUntilDate: until }));
  const part = await s3.send(new UploadPartCommand({ Bucket: B, Key: "mp-locked", UploadId: up.UploadId, PartNumber: 1, Body: "part" }));
  const done = await s3.send(
    new CompleteMultipartUploadCommand({
      Bucket: B,
      Key: "mp-locked",
      UploadId: up.UploadId,
      MultipartUpload: { Parts: [{ ETag: part.ETag, PartNumber: 1 }] },
    }),
  );
  const got = await s3.send(new GetObjectRetentionCommand({ Bucket: B, Key: "mp-locked", VersionId: done.VersionId }));
  expect(got.Retention).toEqual({ Mode: "GOVERNANCE", RetainUntilDate: until });
  await rejectsWith(remove("mp-locked", done.VersionId!), "InvalidRequest", 400);
  // Into a bucket without object lock the same headers are refused, nothing stored.
  await rejectsWith(s3.send(new PutObjectCommand({ Bucket: "nolock", Key: "x", Body: "x", ObjectLockLegalHoldStatus: "ON" })), "InvalidRequest", 400);
  await rejectsWith(s3.send(new HeadObjectCommand({ Bucket: "nolock", Key: "x" })), "NotFound", 404);
});

test("a POST form's lock fields are stored with the version it writes", async () => {
  const until = day(3);
  const key = "posted-locked";
  const extra: [string, string][] = [
    ["x-amz-object-lock-mode", "GOVERNANCE"],
    ["x-amz-object-lock-retain-until-date", until.toISOString()],
    ["x-amz-object-lock-legal-hold", "ON"],
  ];
  const conditions = [{ bucket: B }, { key }, ...extra.map(([k, v]) => ({ [k]: v }))];
  const fields: [string, string][] = [
    ["key", key],
    ...extra,
    ...v4Fields({ expiration: day(1).toISOString(), conditions }, ROOT_USER, ROOT_PASSWORD, h.cfg.region),
  ];
  const fd = new FormData();
  for (const [k, v] of fields) fd.append(k, v);
  fd.append("file", new Blob(["posted"]), "local.txt");
  const encoded = new Response(fd);
  const type = encoded.headers.get("content-type")!;
  const res = await h.anon(`/${B}`, { method: "POST", body: new Uint8Array(await encoded.arrayBuffer()), headers: { "content-type": type } });
  expect(res.status).toBe(204);
  const versionId = res.headers.get("x-amz-version-id")!;
  const head = await s3.send(new HeadObjectCommand({ Bucket: B, Key: key, VersionId: versionId }));
  expect([head.ObjectLockMode, head.ObjectLockRetainUntilDate, head.ObjectLockLegalHoldStatus]).toEqual(["GOVERNANCE", until, "ON"]);
  await rejectsWith(remove(key, versionId, true), "InvalidRequest", 400); // the legal hold holds even past a bypass
});
