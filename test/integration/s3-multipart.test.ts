// Multipart uploads through the SDK: create, upload, copy parts (ranges), complete with the
// part rules (order, sizes, ETags), abort, ListParts and ListMultipartUploads, partNumber GETs.
import { describe, expect, test } from "bun:test";
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  UploadPartCommand,
  UploadPartCopyCommand,
} from "@aws-sdk/client-s3";
import { createHash } from "node:crypto";
import { errorOf, pattern } from "../support/s3-harness.ts";
import { bytesOf, rejectsWith } from "../support/s3-expect.ts";
import { useS3Bucket } from "../support/use-s3-bucket.ts";

const B = "multi";
const MiB = 1024 * 1024;
const P1 = pattern(5 * MiB, 1);
const P2 = pattern(5 * MiB + 17, 2);
const P3 = pattern(1234, 3);
const { h, s3 } = useS3Bucket(B);

const md5hex = (b: Uint8Array) => createHash("md5").update(b).digest("hex");
const create = async (Key: string, extra = {}) => (await s3.send(new CreateMultipartUploadCommand({ Bucket: B, Key, ...extra }))).UploadId!;
const part = (Key: string, UploadId: string, PartNumber: number, Body: Uint8Array) =>
  s3.send(new UploadPartCommand({ Bucket: B, Key, UploadId, PartNumber, Body }));

describe("upload and complete", () => {
  test("three parts: ETag is MD5-of-MD5s-3, bytes, metadata and partNumber reads", async () => {
    const id = await create("big", { ContentType: "video/mp4", Metadata: { a: "b" } });
    const r1 = await part("big", id, 1, P1);
    const r2 = await part("big", id, 2, P2);
    const r3 = await part("big", id, 3, P3);
    expect(r1.ETag).toBe(`"${md5hex(P1)}"`);
    const done = await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: B,
        Key: "big",
        UploadId: id,
        MultipartUpload: {
          Parts: [
            { PartNumber: 1, ETag: r1.ETag },
            { PartNumber: 2, ETag: r2.ETag },
            { PartNumber: 3, ETag: r3.ETag },
          ],
        },
      }),
    );
    const expected =
      createHash("md5")
        .update(Buffer.concat([P1, P2, P3].map((p) => createHash("md5").update(p).digest())))
        .digest("hex") + "-3";
    expect(done.ETag).toBe(`"${expected}"`);
    expect(done.Bucket).toBe(B);
    expect(done.Key).toBe("big");
    expect(done.Location).toContain(`/${B}/big`);
    const got = await s3.send(new GetObjectCommand({ Bucket: B, Key: "big" }));
    expect(got.ContentType).toBe("video/mp4");
    expect(got.Metadata).toEqual({ a: "b" });
    expect(got.ETag).toBe(`"${expected}"`);
    expect((await bytesOf(got.Body)).equals(Buffer.concat([P1, P2, P3]))).toBe(true);
    const p2 = await s3.send(new GetObjectCommand({ Bucket: B, Key: "big", PartNumber: 2 }));
    expect(p2.PartsCount).toBe(3);
    expect(p2.ContentRange).toBe(`bytes ${P1.length}-${P1.length + P2.length - 1}/${P1.length + P2.length + P3.length}`);
    expect((await bytesOf(p2.Body)).equals(Buffer.from(P2))).toBe(true);
    const head3 = await s3.send(new HeadObjectCommand({ Bucket: B, Key: "big", PartNumber: 3 }));
    expect(head3.ContentLength).toBe(P3.length);
    await rejectsWith(s3.send(new HeadObjectCommand({ Bucket: B, Key: "big", PartNumber: 4 })), "Unknown", 416);
    expect((await errorOf(await h.signed({ path: `/${B}/big`, query: { partNumber: "4" } }))).code).toBe("InvalidPartNumber");
    await rejectsWith(s3.send(new ListPartsCommand({ Bucket: B, Key: "big", UploadId: id })), "NoSuchUpload", 404);
  });

  test("a re-uploaded part replaces the earlier one; unlisted parts are dropped", async () => {
    const id = await create("redo");
    await part("redo", id, 1, pattern(5 * MiB, 9));
    const r1 = await part("redo", id, 1, P1);
    await part("redo", id, 5, P3);
    const r2 = await part("redo", id, 7, P3);
    await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: B,
        Key: "redo",
        UploadId: id,
        MultipartUpload: {
          Parts: [
            { PartNumber: 1, ETag: r1.ETag },
            { PartNumber: 7, ETag: r2.ETag },
          ],
        },
      }),
    );
    const got = await bytesOf((await s3.send(new GetObjectCommand({ Bucket: B, Key: "redo" }))).Body);
    expect(got.equals(Buffer.concat([P1, P3]))).toBe(true);
  });

  test("part rules: EntityTooSmall, InvalidPart, InvalidPartOrder, empty list, NoSuchUpload", async () => {
    const id = await create("rules");
    const small = await part("rules", id, 1, P3);
    const big = await part("rules", id, 2, P1);
    const last = await part("rules", id, 3, P3);
    const complete = (Parts: { PartNumber: number; ETag?: string }[]) =>
      s3.send(new CompleteMultipartUploadCommand({ Bucket: B, Key: "rules", UploadId: id, MultipartUpload: { Parts } }));
    await rejectsWith(
      complete([
        { PartNumber: 1, ETag: small.ETag },
        { PartNumber: 3, ETag: last.ETag },
      ]),
      "EntityTooSmall",
      400,
    );
    await rejectsWith(
      complete([
        { PartNumber: 2, ETag: big.ETag },
        { PartNumber: 3, ETag: '"00000000000000000000000000000000"' },
      ]),
      "InvalidPart",
      400,
    );
    await rejectsWith(
      complete([
        { PartNumber: 2, ETag: big.ETag },
        { PartNumber: 4, ETag: last.ETag },
      ]),
      "InvalidPart",
      400,
    );
    await rejectsWith(
      complete([
        { PartNumber: 3, ETag: last.ETag },
        { PartNumber: 2, ETag: big.ETag },
      ]),
      "InvalidPartOrder",
      400,
    );
    await rejectsWith(
      complete([
        { PartNumber: 2, ETag: big.ETag },
        { PartNumber: 2, ETag: big.ETag },
      ]),
      "InvalidPartOrder",
      400,
    );
    await rejectsWith(complete([]), "MalformedXML", 400);
    // After all those refusals the upload is intact and completes.
    const ok = await complete([
      { PartNumber: 2, ETag: big.ETag },
      { PartNumber: 3, ETag: last.ETag },
    ]);
    expect(ok.ETag).toMatch(/-2"$/);
    await rejectsWith(complete([{ PartNumber: 2, ETag: big.ETag }]), "NoSuchUpload", 404);
    await rejectsWith(part("rules", "bm90LWFuLXVwbG9hZA", 1, P3), "NoSuchUpload", 404);
    await rejectsWith(part("rules", "../../etc", 1, P3), "NoSuchUpload", 404);
  });

  test("a range across a part boundary; a part with a wrong Content-MD5 is BadDigest and not stored", async () => {
    const start = P1.length - 10;
    const got = await s3.send(new GetObjectCommand({ Bucket: B, Key: "big", Range: `bytes=${start}-${P1.length + 9}` }));
    expect((await bytesOf(got.Body)).equals(Buffer.concat([P1.subarray(start), P2.subarray(0, 10)]))).toBe(true);
    const id = await create("md5-part");
    const res = await h.signed({
      method: "PUT",
      path: `/${B}/md5-part`,
      query: { partNumber: "1", uploadId: id },
      body: P3,
      headers: { "content-md5": "AAAAAAAAAAAAAAAAAAAAAA==" },
    });
    expect((await errorOf(res)).code).toBe("BadDigest");
    expect((await s3.send(new ListPartsCommand({ Bucket: B, Key: "md5-part", UploadId: id }))).Parts ?? []).toEqual([]);
  });

  test("completing in a versioned bucket creates a version", async () => {
    await s3.send(new CreateBucketCommand({ Bucket: "multi-versioned" }));
    await s3.send(new PutBucketVersioningCommand({ Bucket: "multi-versioned", VersioningConfiguration: { Status: "Enabled" } }));
    const id = (await s3.send(new CreateMultipartUploadCommand({ Bucket: "multi-versioned", Key: "v" }))).UploadId!;
    const r = await s3.send(new UploadPartCommand({ Bucket: "multi-versioned", Key: "v", UploadId: id, PartNumber: 1, Body: P3 }));
    const done = await s3.send(
      new CompleteMultipartUploadCommand({ Bucket: "multi-versioned", Key: "v", UploadId: id, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: r.ETag }] } }),
    );
    expect(done.VersionId).toMatch(/^[0-9a-f-]{36}$/);
    expect((await s3.send(new HeadObjectCommand({ Bucket: "multi-versioned", Key: "v", VersionId: done.VersionId }))).ContentLength).toBe(P3.length);
  });

  test("part numbers outside 1..10000 are InvalidArgument", async () => {
    const id = await create("numbers");
    for (const n of ["0", "10001", "-1", "abc"]) {
      const res = await h.signed({ method: "PUT", path: `/${B}/numbers`, query: { partNumber: n, uploadId: id }, body: "x" });
      expect((await errorOf(res)).code).toBe("InvalidArgument");
    }
    await s3.send(new AbortMultipartUploadCommand({ Bucket: B, Key: "numbers", UploadId: id }));
  });

  test("malformed Complete XML is MalformedXML", async () => {
    const id = await create("xml");
    for (const body of [
      "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber>",
      "<CompleteMultipartUpload><Part><PartNumber>x</PartNumber><ETag>e</ETag></Part></CompleteMultipartUpload>",
      "<Other/>",
    ]) {
      const res = await h.signed({ method: "POST", path: `/${B}/xml`, query: { uploadId: id }, body });
      expect((await errorOf(res)).code).toBe("MalformedXML");
    }
  });
});

describe("UploadPartCopy", () => {
  test("whole and ranged copies of an existing object", async () => {
    const src = Buffer.concat([P1, P3]);
    await s3.send(new PutObjectCommand({ Bucket: B, Key: "copy-src", Body: src }));
    const id = await create("assembled");
    const c1 = await s3.send(new UploadPartCopyCommand({ Bucket: B, Key: "assembled", UploadId: id, PartNumber: 1, CopySource: `${B}/copy-src` }));
    expect(c1.CopyPartResult?.ETag).toBe(`"${md5hex(src)}"`);
    const c2 = await s3.send(
      new UploadPartCopyCommand({ Bucket: B, Key: "assembled", UploadId: id, PartNumber: 2, CopySource: `${B}/copy-src`, CopySourceRange: "bytes=100-1099" }),
    );
    expect(c2.CopyPartResult?.ETag).toBe(`"${md5hex(src.subarray(100, 1100))}"`);
    await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: B,
        Key: "assembled",
        UploadId: id,
        MultipartUpload: {
          Parts: [
            { PartNumber: 1, ETag: c1.CopyPartResult!.ETag },
            { PartNumber: 2, ETag: c2.CopyPartResult!.ETag },
          ],
        },
      }),
    );
    const got = await bytesOf((await s3.send(new GetObjectCommand({ Bucket: B, Key: "assembled" }))).Body);
    expect(got.equals(Buffer.concat([src, src.subarray(100, 1100)]))).toBe(true);
  });

  test("bad ranges, conditions and sources", async () => {
    const id = await create("copy-errors");
    const copy = (extra: object) =>
      s3.send(new UploadPartCopyCommand({ Bucket: B, Key: "copy-errors", UploadId: id, PartNumber: 1, CopySource: `${B}/copy-src`, ...extra }));
    await rejectsWith(copy({ CopySourceRange: `bytes=0-${P1.length + P3.length}` }), "InvalidRange", 416);
    await rejectsWith(copy({ CopySourceRange: "bytes=10-5" }), "InvalidArgument", 400);
    await rejectsWith(copy({ CopySourceRange: "bytes=5-" }), "InvalidArgument", 400);
    await rejectsWith(copy({ CopySourceIfMatch: '"00000000000000000000000000000000"' }), "PreconditionFailed", 412);
    await rejectsWith(copy({ CopySource: `${B}/missing` }), "NoSuchKey", 404);
    expect((await s3.send(new ListPartsCommand({ Bucket: B, Key: "copy-errors", UploadId: id }))).Parts ?? []).toEqual([]);
  });
});

describe("abort and listings", () => {
  test("ListParts pages with max-parts and part-number-marker", async () => {
    const id = await create("listed");
    for (let n = 1; n <= 5; n++) await part("listed", id, n, pattern(100 + n, n));
    const page1 = await s3.send(new ListPartsCommand({ Bucket: B, Key: "listed", UploadId: id, MaxParts: 2 }));
    expect(page1.Parts!.map((p) => p.PartNumber)).toEqual([1, 2]);
    expect(page1.IsTruncated).toBe(true);
    expect(page1.NextPartNumberMarker).toBe("2");
    expect(page1.Parts![0].Size).toBe(101);
    expect(page1.Parts![0].ETag).toBe(`"${md5hex(pattern(101, 1))}"`);
    const page2 = await s3.send(new ListPartsCommand({ Bucket: B, Key: "listed", UploadId: id, PartNumberMarker: "2" }));
    expect(page2.Parts!.map((p) => p.PartNumber)).toEqual([3, 4, 5]);
    expect(page2.IsTruncated).toBe(false);
  });

  test("ListMultipartUploads: prefix, delimiter, markers; abort removes", async () => {
    const ids = [await create("up/a"), await create("up/b"), await create("up/dir/c"), await create("up/b")];
    const all = await s3.send(new ListMultipartUploadsCommand({ Bucket: B, Prefix: "up/" }));
    expect(all.Uploads!.map((u) => u.Key)).toEqual(["up/a", "up/b", "up/b", "up/dir/c"]);
    const byDir = await s3.send(new ListMultipartUploadsCommand({ Bucket: B, Prefix: "up/", Delimiter: "/" }));
    expect(byDir.Uploads!.map((u) => u.Key)).toEqual(["up/a", "up/b", "up/b"]);
    expect(byDir.CommonPrefixes!.map((p) => p.Prefix)).toEqual(["up/dir/"]);
    const first = await s3.send(new ListMultipartUploadsCommand({ Bucket: B, Prefix: "up/", MaxUploads: 2 }));
    expect(first.IsTruncated).toBe(true);
    expect(first.Uploads!.length).toBe(2);
    const rest = await s3.send(
      new ListMultipartUploadsCommand({ Bucket: B, Prefix: "up/", KeyMarker: first.NextKeyMarker, UploadIdMarker: first.NextUploadIdMarker }),
    );
    expect([...first.Uploads!, ...rest.Uploads!].map((u) => u.UploadId).sort()).toEqual([...ids].sort());
    for (const [i, key] of ["up/a", "up/b", "up/dir/c", "up/b"].entries())
      await s3.send(new AbortMultipartUploadCommand({ Bucket: B, Key: key, UploadId: ids[i] }));
    expect((await s3.send(new ListMultipartUploadsCommand({ Bucket: B, Prefix: "up/" }))).Uploads ?? []).toEqual([]);
    await rejectsWith(s3.send(new AbortMultipartUploadCommand({ Bucket: B, Key: "up/a", UploadId: ids[0] })), "NoSuchUpload", 404);
    await rejectsWith(s3.send(new ListMultipartUploadsCommand({ Bucket: "no-such-bucket-x" })), "NoSuchBucket", 404);
  });
});
