// GetObjectAttributes through the AWS SDK v3 (and raw, for the exact document): single-part and
// multipart objects with and without additional checksums, part paging, versions, delete
// markers, and the header's refusals.
import { describe, expect, test } from "bun:test";
import {
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectAttributesCommand,
  HeadObjectCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  UploadPartCommand,
  type ChecksumAlgorithm,
  type ObjectAttributes,
} from "@aws-sdk/client-s3";
import { createHash } from "node:crypto";
import { checksumOf, compositeChecksum, toBase64, type ChecksumAlgorithm as Algo } from "../../src/util/index.ts";
import { XML_DECLARATION } from "../../src/s3/xml.ts";
import { errorOf, pattern } from "../support/s3-harness.ts";
import { rejectsWith } from "../support/s3-expect.ts";
import { useS3Bucket } from "../support/use-s3-bucket.ts";

const B = "attrs";
const V = "attrs-versioned";
const ALL: ObjectAttributes[] = ["ETag", "Checksum", "ObjectParts", "StorageClass", "ObjectSize"];
const MiB = 1024 * 1024;
const parts = [pattern(5 * MiB, 21), pattern(5 * MiB, 22), pattern(1234, 23)];
const b64 = (a: Algo, d: Uint8Array) => toBase64(checksumOf(a, d));

const { h, s3 } = useS3Bucket(B, {
  setup: async () => {
    await s3.send(new CreateBucketCommand({ Bucket: V }));
    await s3.send(new PutBucketVersioningCommand({ Bucket: V, VersioningConfiguration: { Status: "Enabled" } }));
  },
});

async function multipart(key: string, algo?: Algo, type?: "COMPOSITE" | "FULL_OBJECT"): Promise<void> {
  const created = await s3.send(
    new CreateMultipartUploadCommand({ Bucket: B, Key: key, ChecksumAlgorithm: algo as ChecksumAlgorithm | undefined, ChecksumType: type }),
  );
  const Parts = [];
  for (const [i, Body] of parts.entries()) {
    const r = await s3.send(
      new UploadPartCommand({
        Bucket: B,
        Key: key,
        UploadId: created.UploadId,
        PartNumber: i + 1,
        Body,
        ChecksumAlgorithm: algo as ChecksumAlgorithm | undefined,
      }),
    );
    Parts.push({ PartNumber: i + 1, ETag: r.ETag, ...(algo ? { [`Checksum${algo}`]: (r as unknown as Record<string, unknown>)[`Checksum${algo}`] } : {}) });
  }
  await s3.send(new CompleteMultipartUploadCommand({ Bucket: B, Key: key, UploadId: created.UploadId, MultipartUpload: { Parts } }));
}

describe("single-part objects", () => {
  test("every attribute, with the SHA256 it was stored with; Last-Modified as HEAD says", async () => {
    const body = new TextEncoder().encode("attribute body");
    await s3.send(new PutObjectCommand({ Bucket: B, Key: "one", Body: body, ChecksumAlgorithm: "SHA256" }));
    const out = await s3.send(new GetObjectAttributesCommand({ Bucket: B, Key: "one", ObjectAttributes: ALL }));
    const head = await s3.send(new HeadObjectCommand({ Bucket: B, Key: "one" }));
    expect(out.ETag).toBe(createHash("md5").update(body).digest("hex"));
    expect(out.Checksum).toEqual({ ChecksumSHA256: b64("SHA256", body), ChecksumType: "FULL_OBJECT" });
    expect(out.ObjectParts).toBeUndefined();
    expect(out.StorageClass).toBe("STANDARD");
    expect(out.ObjectSize).toBe(body.length);
    expect(out.LastModified?.getTime()).toBe(head.LastModified!.getTime());
    expect(out.VersionId).toBeUndefined();
    expect(out.DeleteMarker).toBeUndefined();
  });

  test("the exact document: only the names asked for, in S3's order; no checksum without one stored", async () => {
    // Raw, since the SDK adds a CRC32 to every PutObject on its own.
    expect((await h.signed({ method: "PUT", path: `/${B}/plain`, body: "abc" })).status).toBe(200);
    const res = await h.signed({
      path: `/${B}/plain`,
      query: { attributes: "" },
      headers: { "x-amz-object-attributes": "ObjectSize, ETag,Checksum,ObjectParts," },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-amz-version-id")).toBeNull();
    const etag = createHash("md5").update("abc").digest("hex");
    expect(await res.text()).toBe(
      `${XML_DECLARATION}<GetObjectAttributesResponse xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><ETag>${etag}</ETag><ObjectSize>3</ObjectSize></GetObjectAttributesResponse>`,
    );
  });
});

describe("multipart objects", () => {
  test.each([
    ["SHA256", "COMPOSITE"],
    ["CRC32C", "COMPOSITE"],
    ["CRC64NVME", "FULL_OBJECT"],
    ["CRC32", "FULL_OBJECT"],
  ] as [Algo, "COMPOSITE" | "FULL_OBJECT"][])("%s %s: the object checksum without -N, every part with its checksum", async (algo, type) => {
    const key = `mp-${algo}-${type}`;
    await multipart(key, algo, type);
    const out = await s3.send(new GetObjectAttributesCommand({ Bucket: B, Key: key, ObjectAttributes: ALL }));
    const whole =
      type === "COMPOSITE"
        ? compositeChecksum(
            algo,
            parts.map((p) => checksumOf(algo, p)),
          ).value.replace(/-\d+$/, "")
        : b64(algo, Buffer.concat(parts));
    expect(out.Checksum).toEqual({ [`Checksum${algo}`]: whole, ChecksumType: type });
    expect(out.ETag).toMatch(/^[0-9a-f]{32}-3$/);
    expect(out.ObjectSize).toBe(parts.reduce((n, p) => n + p.length, 0));
    expect(out.ObjectParts).toEqual({
      TotalPartsCount: 3,
      PartNumberMarker: "0",
      NextPartNumberMarker: "3",
      MaxParts: 1000,
      IsTruncated: false,
      Parts: parts.map((p, i) => ({ PartNumber: i + 1, Size: p.length, [`Checksum${algo}`]: b64(algo, p) })),
    });
  });

  test("parts are paged by x-amz-max-parts and x-amz-part-number-marker", async () => {
    await multipart("mp-paged", "SHA1");
    const first = await s3.send(new GetObjectAttributesCommand({ Bucket: B, Key: "mp-paged", ObjectAttributes: ["ObjectParts"], MaxParts: 2 }));
    expect(first.ObjectParts).toMatchObject({ TotalPartsCount: 3, PartNumberMarker: "0", NextPartNumberMarker: "2", MaxParts: 2, IsTruncated: true });
    expect(first.ObjectParts!.Parts!.map((p) => p.PartNumber)).toEqual([1, 2]);
    const rest = await s3.send(
      new GetObjectAttributesCommand({ Bucket: B, Key: "mp-paged", ObjectAttributes: ["ObjectParts"], MaxParts: 2, PartNumberMarker: "2" }),
    );
    expect(rest.ObjectParts).toMatchObject({ PartNumberMarker: "2", NextPartNumberMarker: "3", IsTruncated: false });
    expect(rest.ObjectParts!.Parts!.map((p) => [p.PartNumber, p.Size, p.ChecksumSHA1])).toEqual([[3, 1234, b64("SHA1", parts[2])]]);
  });

  test("without an additional checksum: the part count only, no Checksum", async () => {
    await multipart("mp-none");
    const out = await s3.send(new GetObjectAttributesCommand({ Bucket: B, Key: "mp-none", ObjectAttributes: ALL }));
    expect(out.Checksum).toBeUndefined();
    expect(out.ObjectParts?.TotalPartsCount).toBe(3);
    expect(out.ObjectParts?.Parts).toBeUndefined();
  });
});

describe("versions and delete markers", () => {
  test("a version by id, its x-amz-version-id; a marker hides the key (404 with x-amz-delete-marker)", async () => {
    const v1 = await s3.send(new PutObjectCommand({ Bucket: V, Key: "k", Body: "first" }));
    await s3.send(new PutObjectCommand({ Bucket: V, Key: "k", Body: "second!" }));
    const old = await s3.send(new GetObjectAttributesCommand({ Bucket: V, Key: "k", VersionId: v1.VersionId, ObjectAttributes: ["ObjectSize"] }));
    expect(old).toMatchObject({ ObjectSize: 5, VersionId: v1.VersionId });
    const latest = await s3.send(new GetObjectAttributesCommand({ Bucket: V, Key: "k", ObjectAttributes: ["ObjectSize"] }));
    expect(latest.ObjectSize).toBe(7);
    expect(latest.VersionId).toMatch(/^[0-9a-f-]{36}$/);
    const marker = await s3.send(new DeleteObjectCommand({ Bucket: V, Key: "k" }));
    const hidden = await h.signed({ path: `/${V}/k`, query: { attributes: "" }, headers: { "x-amz-object-attributes": "ETag" } });
    expect(hidden.status).toBe(404);
    expect(hidden.headers.get("x-amz-delete-marker")).toBe("true");
    expect(hidden.headers.get("x-amz-version-id")).toBe(marker.VersionId!);
    expect((await errorOf(hidden)).code).toBe("NoSuchKey");
    await rejectsWith(s3.send(new GetObjectAttributesCommand({ Bucket: V, Key: "k", ObjectAttributes: ["ETag"] })), "NoSuchKey", 404);
  });
});

describe("refusals", () => {
  test.each([
    [undefined, "InvalidRequest", "The x-amz-object-attributes header specifying the attributes to be retrieved is either missing or empty"],
    [",", "InvalidRequest", "The x-amz-object-attributes header specifying the attributes to be retrieved is either missing or empty"],
    ["", "InvalidArgument", "Invalid attribute name specified."],
    ["etag", "InvalidArgument", "Invalid attribute name specified."],
    ["ETag,garbage", "InvalidArgument", "Invalid attribute name specified."],
    [",ETag", "InvalidArgument", "Invalid attribute name specified."],
    ["ETag,,ObjectSize", "InvalidArgument", "Invalid attribute name specified."],
  ])("x-amz-object-attributes %p → %s", async (value, code, message) => {
    await s3.send(new PutObjectCommand({ Bucket: B, Key: "refused", Body: "x" }));
    const res = await h.signed({ path: `/${B}/refused`, query: { attributes: "" }, headers: value === undefined ? {} : { "x-amz-object-attributes": value } });
    expect(await errorOf(res)).toMatchObject({ status: 400, code, message });
  });

  test("order: a bad name before the bucket, the bucket before a missing list, the list before the key", async () => {
    const bad = (path: string, headers: Record<string, string>) => h.signed({ path, query: { attributes: "" }, headers }).then(errorOf);
    expect((await bad("/no-such-bucket/k", { "x-amz-object-attributes": "garbage" })).code).toBe("InvalidArgument");
    expect((await bad("/no-such-bucket/k", {})).code).toBe("NoSuchBucket");
    expect((await bad(`/${B}/no-such-key`, {})).code).toBe("InvalidRequest");
    expect((await bad(`/${B}/no-such-key`, { "x-amz-object-attributes": "ETag" })).code).toBe("NoSuchKey");
    expect((await bad(`/${B}/refused`, { "x-amz-object-attributes": "ETag", "x-amz-max-parts": "x" })).code).toBe("InvalidArgument");
    const badVersion = await h.signed({
      path: `/${B}/refused`,
      query: { attributes: "", versionId: "garbage" },
      headers: { "x-amz-object-attributes": "ETag" },
    });
    expect((await errorOf(badVersion)).code).toBe("InvalidArgument");
  });
});
