// Object state through the AWS SDK: conditional writes and deletes, Content-MD5, object
// tagging, versions and delete markers on a versioned bucket, and the private-only ACLs.
import { describe, expect, test } from "bun:test";
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  DeleteObjectTaggingCommand,
  GetBucketAclCommand,
  GetObjectAclCommand,
  PutObjectAclCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  PutObjectTaggingCommand,
} from "@aws-sdk/client-s3";
import { errorOf, md5Base64, pattern } from "../support/s3-harness.ts";
import { bytesOf, rejectsWith } from "../support/s3-expect.ts";
import { useS3Bucket } from "../support/use-s3-bucket.ts";

const B = "object-state";
const BODY = pattern(300_000, 7);
const { h, s3 } = useS3Bucket(B, {
  setup: async () => {
    await s3.send(new PutObjectCommand({ Bucket: B, Key: "data.bin", Body: BODY }));
  },
});

describe("conditional writes", () => {
  test("If-None-Match: * creates once, then 412", async () => {
    await s3.send(new PutObjectCommand({ Bucket: B, Key: "once", Body: "first", IfNoneMatch: "*" }));
    await rejectsWith(s3.send(new PutObjectCommand({ Bucket: B, Key: "once", Body: "second", IfNoneMatch: "*" })), "PreconditionFailed", 412);
    expect((await bytesOf((await s3.send(new GetObjectCommand({ Bucket: B, Key: "once" }))).Body)).toString()).toBe("first");
  });

  test("If-Match replaces only the expected version", async () => {
    const first = await s3.send(new PutObjectCommand({ Bucket: B, Key: "cas", Body: "v1" }));
    const second = await s3.send(new PutObjectCommand({ Bucket: B, Key: "cas", Body: "v2", IfMatch: first.ETag }));
    await rejectsWith(s3.send(new PutObjectCommand({ Bucket: B, Key: "cas", Body: "v3", IfMatch: first.ETag })), "PreconditionFailed", 412);
    expect((await bytesOf((await s3.send(new GetObjectCommand({ Bucket: B, Key: "cas" }))).Body)).toString()).toBe("v2");
    expect(second.ETag).not.toBe(first.ETag);
    await rejectsWith(s3.send(new PutObjectCommand({ Bucket: B, Key: "cas-missing", Body: "x", IfMatch: first.ETag })), "NoSuchKey", 404);
  });
});

describe("conditional delete", () => {
  test("If-Match with a stale ETag is 412 and keeps the object; the current ETag deletes", async () => {
    const put = await s3.send(new PutObjectCommand({ Bucket: B, Key: "del-cas", Body: "v1" }));
    await rejectsWith(
      s3.send(new DeleteObjectCommand({ Bucket: B, Key: "del-cas", IfMatch: '"00000000000000000000000000000000"' })),
      "PreconditionFailed",
      412,
    );
    expect((await bytesOf((await s3.send(new GetObjectCommand({ Bucket: B, Key: "del-cas" }))).Body)).toString()).toBe("v1");
    await s3.send(new DeleteObjectCommand({ Bucket: B, Key: "del-cas", IfMatch: put.ETag }));
    await rejectsWith(s3.send(new HeadObjectCommand({ Bucket: B, Key: "del-cas" })), "NotFound", 404);
  });
});

describe("Content-MD5", () => {
  test("a matching Content-MD5 stores; a wrong one is BadDigest and stores nothing; a malformed one InvalidDigest", async () => {
    const ok = await h.signed({ method: "PUT", path: `/${B}/md5`, body: "payload", headers: { "content-md5": md5Base64("payload") } });
    expect(ok.status).toBe(200);
    const bad = await h.signed({ method: "PUT", path: `/${B}/md5-bad`, body: "payload", headers: { "content-md5": md5Base64("other") } });
    expect(await errorOf(bad)).toMatchObject({ status: 400, code: "BadDigest" });
    await rejectsWith(s3.send(new HeadObjectCommand({ Bucket: B, Key: "md5-bad" })), "NotFound", 404);
    const overwrite = await h.signed({ method: "PUT", path: `/${B}/md5`, body: "changed", headers: { "content-md5": md5Base64("other") } });
    expect((await errorOf(overwrite)).code).toBe("BadDigest");
    expect((await bytesOf((await s3.send(new GetObjectCommand({ Bucket: B, Key: "md5" }))).Body)).toString()).toBe("payload");
    const malformed = await h.signed({ method: "PUT", path: `/${B}/md5-bad`, body: "payload", headers: { "content-md5": "not-base64" } });
    expect(await errorOf(malformed)).toMatchObject({ status: 400, code: "InvalidDigest" });
  });
});

describe("object tagging", () => {
  test("x-amz-tagging on PUT, then Get/Put/DeleteObjectTagging", async () => {
    await s3.send(new PutObjectCommand({ Bucket: B, Key: "tagged", Body: "t", Tagging: "a=1&b=two%20words" }));
    const head = await s3.send(new HeadObjectCommand({ Bucket: B, Key: "tagged" }));
    expect(head.$metadata.httpStatusCode).toBe(200);
    const got = await s3.send(new GetObjectCommand({ Bucket: B, Key: "tagged" }));
    expect(got.TagCount).toBe(2);
    await bytesOf(got.Body);
    expect((await s3.send(new GetObjectTaggingCommand({ Bucket: B, Key: "tagged" }))).TagSet).toEqual([
      { Key: "a", Value: "1" },
      { Key: "b", Value: "two words" },
    ]);
    await s3.send(new PutObjectTaggingCommand({ Bucket: B, Key: "tagged", Tagging: { TagSet: [{ Key: "x", Value: "y" }] } }));
    expect((await s3.send(new GetObjectTaggingCommand({ Bucket: B, Key: "tagged" }))).TagSet).toEqual([{ Key: "x", Value: "y" }]);
    const del = await s3.send(new DeleteObjectTaggingCommand({ Bucket: B, Key: "tagged" }));
    expect(del.$metadata.httpStatusCode).toBe(204);
    expect((await s3.send(new GetObjectTaggingCommand({ Bucket: B, Key: "tagged" }))).TagSet).toEqual([]);
    expect((await bytesOf((await s3.send(new GetObjectCommand({ Bucket: B, Key: "tagged" }))).Body)).toString()).toBe("t");
  });

  test("too many tags or a tag on a missing key fail", async () => {
    const TagSet = Array.from({ length: 11 }, (_, i) => ({ Key: `k${i}`, Value: "v" }));
    await rejectsWith(s3.send(new PutObjectTaggingCommand({ Bucket: B, Key: "data.bin", Tagging: { TagSet } })), "BadRequest", 400);
    await rejectsWith(s3.send(new PutObjectTaggingCommand({ Bucket: B, Key: "missing", Tagging: { TagSet: [] } })), "NoSuchKey", 404);
    await rejectsWith(s3.send(new PutObjectCommand({ Bucket: B, Key: "bad-tags", Body: "x", Tagging: "a=1&a=2" })), "InvalidArgument", 400);
    await rejectsWith(s3.send(new HeadObjectCommand({ Bucket: B, Key: "bad-tags" })), "NotFound", 404);
  });
});

describe("versioned bucket", () => {
  test("versions, GET by versionId, delete markers and version deletes", async () => {
    await s3.send(new CreateBucketCommand({ Bucket: "obj-versions" }));
    await s3.send(new PutBucketVersioningCommand({ Bucket: "obj-versions", VersioningConfiguration: { Status: "Enabled" } }));
    const v1 = await s3.send(new PutObjectCommand({ Bucket: "obj-versions", Key: "k", Body: "one" }));
    const v2 = await s3.send(new PutObjectCommand({ Bucket: "obj-versions", Key: "k", Body: "two" }));
    expect(v1.VersionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(v2.VersionId).not.toBe(v1.VersionId);
    const old = await s3.send(new GetObjectCommand({ Bucket: "obj-versions", Key: "k", VersionId: v1.VersionId }));
    expect((await bytesOf(old.Body)).toString()).toBe("one");
    expect(old.VersionId).toBe(v1.VersionId);
    const marker = await s3.send(new DeleteObjectCommand({ Bucket: "obj-versions", Key: "k" }));
    expect(marker.DeleteMarker).toBe(true);
    expect(marker.VersionId).toBeTruthy();
    const hidden = await h.signed({ path: "/obj-versions/k" });
    expect(hidden.status).toBe(404);
    expect(hidden.headers.get("x-amz-delete-marker")).toBe("true");
    expect((await errorOf(hidden)).code).toBe("NoSuchKey");
    const onMarker = await h.signed({ path: "/obj-versions/k", query: { versionId: marker.VersionId! } });
    expect(onMarker.status).toBe(405);
    expect((await errorOf(onMarker)).code).toBe("MethodNotAllowed");
    const gone = await s3.send(new DeleteObjectCommand({ Bucket: "obj-versions", Key: "k", VersionId: v2.VersionId }));
    expect(gone.VersionId).toBe(v2.VersionId);
    await rejectsWith(s3.send(new GetObjectCommand({ Bucket: "obj-versions", Key: "k", VersionId: v2.VersionId })), "NoSuchVersion", 404);
    await s3.send(new DeleteObjectCommand({ Bucket: "obj-versions", Key: "k", VersionId: marker.VersionId }));
    expect((await bytesOf((await s3.send(new GetObjectCommand({ Bucket: "obj-versions", Key: "k" }))).Body)).toString()).toBe("one");
    const badId = await h.signed({ path: "/obj-versions/k", query: { versionId: "not-a-version" } });
    expect((await errorOf(badId)).code).toBe("InvalidArgument");
  });

  test("HEAD of a delete marker version is 405 with x-amz-delete-marker; suspended versioning writes the null version", async () => {
    await s3.send(new PutObjectCommand({ Bucket: "obj-versions", Key: "s", Body: "versioned" }));
    const marker = await s3.send(new DeleteObjectCommand({ Bucket: "obj-versions", Key: "s" }));
    const head = await h.signed({ method: "HEAD", path: "/obj-versions/s", query: { versionId: marker.VersionId! } });
    expect(head.status).toBe(405);
    expect(head.headers.get("x-amz-delete-marker")).toBe("true");
    expect(head.headers.get("x-amz-version-id")).toBe(marker.VersionId!);
    await s3.send(new PutBucketVersioningCommand({ Bucket: "obj-versions", VersioningConfiguration: { Status: "Suspended" } }));
    const n1 = await s3.send(new PutObjectCommand({ Bucket: "obj-versions", Key: "s", Body: "null one" }));
    expect(n1.VersionId).toBe("null");
    const n2 = await s3.send(new PutObjectCommand({ Bucket: "obj-versions", Key: "s", Body: "null two" }));
    expect(n2.VersionId).toBe("null");
    const got = await s3.send(new GetObjectCommand({ Bucket: "obj-versions", Key: "s", VersionId: "null" }));
    expect((await bytesOf(got.Body)).toString()).toBe("null two");
    expect(got.VersionId).toBe("null");
    await s3.send(new PutBucketVersioningCommand({ Bucket: "obj-versions", VersioningConfiguration: { Status: "Enabled" } }));
  });
});

describe("ACLs (single tenant: private only)", () => {
  test("GetObjectAcl/GetBucketAcl show the owner's FULL_CONTROL; only the private canned ACL is accepted", async () => {
    const acl = await s3.send(new GetObjectAclCommand({ Bucket: B, Key: "data.bin" }));
    expect(acl.Grants?.map((g) => g.Permission)).toEqual(["FULL_CONTROL"]);
    expect((await s3.send(new GetBucketAclCommand({ Bucket: B }))).Owner?.ID).toBeTruthy();
    await s3.send(new PutObjectAclCommand({ Bucket: B, Key: "data.bin", ACL: "private" }));
    await rejectsWith(s3.send(new PutObjectAclCommand({ Bucket: B, Key: "data.bin", ACL: "public-read" })), "NotImplemented", 501);
    await rejectsWith(s3.send(new GetObjectAclCommand({ Bucket: B, Key: "missing" })), "NoSuchKey", 404);
  });
});
