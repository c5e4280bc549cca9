// Additional checksums (x-amz-checksum-*): every algorithm in headers and in aws-chunked
// trailers (the SDK's ChecksumAlgorithm), verified (a mismatch stores nothing), returned on PUT
// and on GET/HEAD with ChecksumMode ENABLED; multipart COMPOSITE and FULL_OBJECT checksums.
import { describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListPartsCommand,
  PutObjectCommand,
  UploadPartCommand,
  UploadPartCopyCommand,
  type ChecksumAlgorithm,
} from "@aws-sdk/client-s3";
import {
  checksumOf,
  combineCrcParts,
  compositeChecksum,
  decodeMinioChecksums,
  MINIO_CHECKSUM_BITS,
  minioChecksumType,
  toBase64,
  type ChecksumAlgorithm as Algo,
} from "../../src/util/index.ts";
import { errorOf, pattern } from "../support/s3-harness.ts";
import { bytesOf, rejectsWith } from "../support/s3-expect.ts";
import { useS3Bucket } from "../support/use-s3-bucket.ts";

const B = "checksums";
const ALGOS: Algo[] = ["CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256"];
const field = (a: Algo) => `Checksum${a}` as const;
/** The checksum field of an SDK output for one algorithm. */
const sum = (out: object, a: Algo) => (out as Record<string, unknown>)[field(a)];
const b64 = (a: Algo, data: Uint8Array) => toBase64(checksumOf(a, data));
const { h, s3 } = useS3Bucket(B);

describe("single PUT", () => {
  const data = pattern(200_000, 5);

  test.each(ALGOS)("%s in a header: returned on PUT, on GET/HEAD with ChecksumMode, verified by the SDK", async (algo) => {
    const key = `hdr-${algo}`;
    const put = await s3.send(new PutObjectCommand({ Bucket: B, Key: key, Body: data, ChecksumAlgorithm: algo as ChecksumAlgorithm }));
    expect(sum(put, algo)).toBe(b64(algo, data));
    const got = await s3.send(new GetObjectCommand({ Bucket: B, Key: key, ChecksumMode: "ENABLED" }));
    expect(sum(got, algo)).toBe(b64(algo, data));
    expect(got.ChecksumType).toBe("FULL_OBJECT");
    expect((await bytesOf(got.Body)).equals(Buffer.from(data))).toBe(true);
    const head = await s3.send(new HeadObjectCommand({ Bucket: B, Key: key, ChecksumMode: "ENABLED" }));
    expect(sum(head, algo)).toBe(b64(algo, data));
    const plain = await h.signed({ method: "HEAD", path: `/${B}/${key}` });
    expect(plain.headers.get(`x-amz-checksum-${algo.toLowerCase()}`)).toBeNull();
  });

  test.each(ALGOS)("%s in an aws-chunked trailer (streaming body)", async (algo) => {
    const key = `trl-${algo}`;
    const put = await s3.send(
      new PutObjectCommand({
        Bucket: B,
        Key: key,
        Body: Readable.from([data.subarray(0, 70_000), data.subarray(70_000)]),
        ContentLength: data.length,
        ChecksumAlgorithm: algo as ChecksumAlgorithm,
      }),
    );
    expect(sum(put, algo)).toBe(b64(algo, data));
    const head = await s3.send(new HeadObjectCommand({ Bucket: B, Key: key, ChecksumMode: "ENABLED" }));
    expect(sum(head, algo)).toBe(b64(algo, data));
    expect((await bytesOf((await s3.send(new GetObjectCommand({ Bucket: B, Key: key }))).Body)).equals(Buffer.from(data))).toBe(true);
  });

  test.each(ALGOS)("a wrong %s header is refused and nothing is stored", async (algo) => {
    const key = `bad-${algo}`;
    const res = await h.signed({
      method: "PUT",
      path: `/${B}/${key}`,
      body: data,
      headers: { [`x-amz-checksum-${algo.toLowerCase()}`]: b64(algo, new Uint8Array([1])) },
    });
    const err = await errorOf(res);
    // AWS's answer (MinIO says XAmzContentChecksumMismatch): BadDigest naming the algorithm.
    expect({ status: err.status, code: err.code, message: err.message }).toEqual({
      status: 400,
      code: "BadDigest",
      message: `The ${algo} you specified did not match the calculated checksum.`,
    });
    await rejectsWith(s3.send(new HeadObjectCommand({ Bucket: B, Key: key })), "NotFound", 404);
  });

  test.each(ALGOS)("a malformed %s value (not base64, or the wrong length) is InvalidRequest and stores nothing", async (algo) => {
    const name = `x-amz-checksum-${algo.toLowerCase()}`;
    for (const value of ["not base64!", toBase64(new Uint8Array(checksumOf(algo, data).length + 1)), "", "AAAA"]) {
      const bad = await h.signed({ method: "PUT", path: `/${B}/bad-form`, body: "x", headers: { [name]: value } });
      expect({ value, ...(await errorOf(bad)) }).toMatchObject({ value, status: 400, code: "InvalidRequest", message: `Value for ${name} header is invalid.` });
    }
    await rejectsWith(s3.send(new HeadObjectCommand({ Bucket: B, Key: "bad-form" })), "NotFound", 404);
  });

  test("two checksum headers are InvalidRequest", async () => {
    const two = await h.signed({
      method: "PUT",
      path: `/${B}/bad-form`,
      body: "x",
      headers: { "x-amz-checksum-crc32": b64("CRC32", new TextEncoder().encode("x")), "x-amz-checksum-sha1": b64("SHA1", new TextEncoder().encode("x")) },
    });
    expect(await errorOf(two)).toMatchObject({ status: 400, code: "InvalidRequest" });
    await rejectsWith(s3.send(new HeadObjectCommand({ Bucket: B, Key: "bad-form" })), "NotFound", 404);
  });

  test("a wrong trailer value is refused and nothing is stored", async () => {
    const body = new TextEncoder().encode("trailer body");
    const wire = `${body.length.toString(16)}\r\n${"trailer body"}\r\n0\r\nx-amz-checksum-crc32c:${b64("CRC32C", new TextEncoder().encode("other"))}\r\n\r\n`;
    const res = await h.signed({
      method: "PUT",
      path: `/${B}/bad-trailer`,
      body: wire,
      payloadHash: "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
      headers: { "content-encoding": "aws-chunked", "x-amz-decoded-content-length": String(body.length), "x-amz-trailer": "x-amz-checksum-crc32c" },
    });
    const err = await errorOf(res);
    expect({ status: err.status, code: err.code, message: err.message }).toEqual({
      status: 400,
      code: "BadDigest",
      message: "The CRC32C you specified did not match the calculated checksum.",
    });
    await rejectsWith(s3.send(new HeadObjectCommand({ Bucket: B, Key: "bad-trailer" })), "NotFound", 404);
  });
});

describe("multipart", () => {
  const MiB = 1024 * 1024;
  const parts = [pattern(5 * MiB, 11), pattern(5 * MiB, 12), pattern(777, 13)];

  async function upload(key: string, algo: Algo, type?: "COMPOSITE" | "FULL_OBJECT", sendPartChecksums = true) {
    const created = await s3.send(new CreateMultipartUploadCommand({ Bucket: B, Key: key, ChecksumAlgorithm: algo as ChecksumAlgorithm, ChecksumType: type }));
    expect(created.ChecksumAlgorithm).toBe(algo as ChecksumAlgorithm);
    const Parts: { PartNumber: number; ETag?: string; [checksum: string]: unknown }[] = [];
    for (const [i, Body] of parts.entries()) {
      const r = await s3.send(
        new UploadPartCommand({ Bucket: B, Key: key, UploadId: created.UploadId, PartNumber: i + 1, Body, ChecksumAlgorithm: algo as ChecksumAlgorithm }),
      );
      const value = sum(r, algo);
      expect(value).toBe(b64(algo, Body));
      Parts.push({ PartNumber: i + 1, ETag: r.ETag, ...(sendPartChecksums ? { [field(algo)]: value } : {}) });
    }
    const listed = await s3.send(new ListPartsCommand({ Bucket: B, Key: key, UploadId: created.UploadId }));
    expect(listed.Parts!.map((p) => sum(p, algo))).toEqual(parts.map((p) => b64(algo, p)));
    return { uploadId: created.UploadId!, Parts };
  }

  test.each(ALGOS.filter((a) => a !== "CRC64NVME"))("%s COMPOSITE: checksum of the part checksums, -3, on complete and on GET", async (algo) => {
    const key = `mp-${algo}`;
    const { uploadId, Parts } = await upload(key, algo);
    const expected = compositeChecksum(
      algo,
      parts.map((p) => checksumOf(algo, p)),
    ).value;
    const done = await s3.send(new CompleteMultipartUploadCommand({ Bucket: B, Key: key, UploadId: uploadId, MultipartUpload: { Parts } }));
    expect(sum(done, algo)).toBe(expected);
    expect(done.ChecksumType).toBe("COMPOSITE");
    const head = await s3.send(new HeadObjectCommand({ Bucket: B, Key: key, ChecksumMode: "ENABLED" }));
    expect(sum(head, algo)).toBe(expected);
    expect(head.ChecksumType).toBe("COMPOSITE");
    const got = await s3.send(new GetObjectCommand({ Bucket: B, Key: key, ChecksumMode: "ENABLED" }));
    expect((await bytesOf(got.Body)).equals(Buffer.concat(parts))).toBe(true);
    // Stored as MinIO does (SPEC §2.13): one Multipart|IncludesMultipart entry with the part checksums.
    const stored = await h.bunker.store.getObjectInfo(B, key);
    expect(stored.userMeta["x-minio-multipart-checksum"]).toBeUndefined();
    const [entry, ...more] = decodeMinioChecksums(stored.checksumBlob!);
    expect(more).toEqual([]);
    expect(minioChecksumType(entry)).toBe(MINIO_CHECKSUM_BITS[algo] | MINIO_CHECKSUM_BITS.Multipart | MINIO_CHECKSUM_BITS.IncludesMultipart);
    expect(entry.multipart?.parts?.map(toBase64)).toEqual(parts.map((p) => b64(algo, p)));
  });

  test.each(["CRC32", "CRC32C", "CRC64NVME"] as Algo[])("%s FULL_OBJECT: the CRC of the whole object", async (algo) => {
    const key = `mp-full-${algo}`;
    const { uploadId, Parts } = await upload(key, algo, "FULL_OBJECT");
    const whole = toBase64(
      combineCrcParts(
        algo as "CRC32",
        parts.map((p) => ({ checksum: checksumOf(algo, p), size: p.length })),
      ),
    );
    expect(whole).toBe(b64(algo, Buffer.concat(parts)));
    const done = await s3.send(new CompleteMultipartUploadCommand({ Bucket: B, Key: key, UploadId: uploadId, MultipartUpload: { Parts } }));
    expect(sum(done, algo)).toBe(whole);
    expect(done.ChecksumType).toBe("FULL_OBJECT");
    const head = await s3.send(new HeadObjectCommand({ Bucket: B, Key: key, ChecksumMode: "ENABLED" }));
    expect(sum(head, algo)).toBe(whole);
    expect(head.ChecksumType).toBe("FULL_OBJECT");
  });

  test("FULL_OBJECT with a SHA algorithm and COMPOSITE CRC64NVME are refused at create; CRC64NVME defaults to FULL_OBJECT", async () => {
    await rejectsWith(
      s3.send(new CreateMultipartUploadCommand({ Bucket: B, Key: "x", ChecksumAlgorithm: "SHA256", ChecksumType: "FULL_OBJECT" })),
      "InvalidRequest",
      400,
    );
    await rejectsWith(
      s3.send(new CreateMultipartUploadCommand({ Bucket: B, Key: "x", ChecksumAlgorithm: "CRC64NVME", ChecksumType: "COMPOSITE" })),
      "InvalidRequest",
      400,
    );
    const created = await s3.send(new CreateMultipartUploadCommand({ Bucket: B, Key: "x", ChecksumAlgorithm: "CRC64NVME" }));
    expect(created.ChecksumType).toBe("FULL_OBJECT");
  });

  test("a part checksum in Complete that does not match the stored part is InvalidPart", async () => {
    const { uploadId, Parts } = await upload("mp-wrong", "SHA256");
    Parts[1] = { ...Parts[1], ChecksumSHA256: b64("SHA256", new Uint8Array([9])) };
    await rejectsWith(
      s3.send(new CompleteMultipartUploadCommand({ Bucket: B, Key: "mp-wrong", UploadId: uploadId, MultipartUpload: { Parts } })),
      "InvalidPart",
      400,
    );
    await rejectsWith(s3.send(new HeadObjectCommand({ Bucket: B, Key: "mp-wrong" })), "NotFound", 404);
  });

  test("a part whose checksum does not match its bytes is refused and not stored", async () => {
    const created = await s3.send(new CreateMultipartUploadCommand({ Bucket: B, Key: "mp-badpart", ChecksumAlgorithm: "SHA256" }));
    const res = await h.signed({
      method: "PUT",
      path: `/${B}/mp-badpart`,
      query: { partNumber: "1", uploadId: created.UploadId! },
      body: "part",
      headers: { "x-amz-checksum-sha256": b64("SHA256", new TextEncoder().encode("other")) },
    });
    expect(await errorOf(res)).toMatchObject({ status: 400, code: "BadDigest", message: "The SHA256 you specified did not match the calculated checksum." });
    const form = await h.signed({
      method: "PUT",
      path: `/${B}/mp-badpart`,
      query: { partNumber: "1", uploadId: created.UploadId! },
      body: "part",
      headers: { "x-amz-checksum-sha256": "short" },
    });
    expect(await errorOf(form)).toMatchObject({ status: 400, code: "InvalidRequest", message: "Value for x-amz-checksum-sha256 header is invalid." });
    expect((await s3.send(new ListPartsCommand({ Bucket: B, Key: "mp-badpart", UploadId: created.UploadId }))).Parts ?? []).toEqual([]);
  });

  test("a part without the upload's checksum algorithm is refused", async () => {
    const created = await s3.send(new CreateMultipartUploadCommand({ Bucket: B, Key: "mp-missing", ChecksumAlgorithm: "SHA1" }));
    const bad = await h.signed({
      method: "PUT",
      path: `/${B}/mp-missing`,
      query: { partNumber: "1", uploadId: created.UploadId! },
      body: "x",
      headers: { "x-amz-checksum-crc32": b64("CRC32", new TextEncoder().encode("x")) },
    });
    expect((await errorOf(bad)).code).toBe("InvalidRequest");
  });

  test("UploadPartCopy into a checksummed upload computes the part's checksum", async () => {
    await s3.send(new PutObjectCommand({ Bucket: B, Key: "copy-source", Body: Buffer.concat(parts) }));
    const created = await s3.send(new CreateMultipartUploadCommand({ Bucket: B, Key: "mp-copied", ChecksumAlgorithm: "CRC32C" }));
    const whole = parts[0].length + parts[1].length;
    const c1 = await s3.send(
      new UploadPartCopyCommand({
        Bucket: B,
        Key: "mp-copied",
        UploadId: created.UploadId,
        PartNumber: 1,
        CopySource: `${B}/copy-source`,
        CopySourceRange: `bytes=0-${whole - 1}`,
      }),
    );
    const c2 = await s3.send(
      new UploadPartCopyCommand({
        Bucket: B,
        Key: "mp-copied",
        UploadId: created.UploadId,
        PartNumber: 2,
        CopySource: `${B}/copy-source`,
        CopySourceRange: `bytes=${whole}-${whole + parts[2].length - 1}`,
      }),
    );
    const first = Buffer.concat([parts[0], parts[1]]);
    expect(c1.CopyPartResult?.ChecksumCRC32C).toBe(b64("CRC32C", first));
    const done = await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: B,
        Key: "mp-copied",
        UploadId: created.UploadId,
        MultipartUpload: {
          Parts: [
            { PartNumber: 1, ETag: c1.CopyPartResult!.ETag, ChecksumCRC32C: c1.CopyPartResult!.ChecksumCRC32C },
            { PartNumber: 2, ETag: c2.CopyPartResult!.ETag },
          ],
        },
      }),
    );
    expect(done.ChecksumCRC32C).toBe(compositeChecksum("CRC32C", [checksumOf("CRC32C", first), checksumOf("CRC32C", parts[2])]).value);
  });

  test("an upload without a checksum algorithm stores none, whatever the parts carried", async () => {
    const created = await s3.send(new CreateMultipartUploadCommand({ Bucket: B, Key: "mp-none" }));
    const r = await s3.send(
      new UploadPartCommand({ Bucket: B, Key: "mp-none", UploadId: created.UploadId, PartNumber: 1, Body: parts[2], ChecksumAlgorithm: "CRC32" }),
    );
    const done = await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: B,
        Key: "mp-none",
        UploadId: created.UploadId,
        MultipartUpload: { Parts: [{ PartNumber: 1, ETag: r.ETag }] },
      }),
    );
    expect(done.ChecksumCRC32).toBeUndefined();
    const head = await s3.send(new HeadObjectCommand({ Bucket: B, Key: "mp-none", ChecksumMode: "ENABLED" }));
    expect(head.ChecksumCRC32).toBeUndefined();
    expect(createHash("md5").update(parts[2]).digest("hex")).toBe(r.ETag!.slice(1, -1));
  });
});
