// CompleteMultipartUpload under retries and races: a repeated Complete (the response was lost)
// answers 200 with the same result, a different part list for a finished upload stays
// NoSuchUpload, and Completes racing each other and a PUT of the same key never answer 5xx.
import { describe, expect, test } from "bun:test";
import {
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { createHash } from "node:crypto";
import { errorOf, pattern } from "../support/s3-harness.ts";
import { bytesOf } from "../support/s3-expect.ts";
import { useS3Bucket } from "../support/use-s3-bucket.ts";

const B = "complete";
const BV = "complete-versioned";
const MiB = 1024 * 1024;
const { h, s3 } = useS3Bucket(B, {
  setup: async () => {
    await s3.send(new CreateBucketCommand({ Bucket: BV }));
    await s3.send(new PutBucketVersioningCommand({ Bucket: BV, VersioningConfiguration: { Status: "Enabled" } }));
  },
});

type Listed = { PartNumber: number; ETag: string }[];

async function upload(bucket: string, key: string, bodies: Uint8Array[]): Promise<{ id: string; parts: Listed }> {
  const id = (await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }))).UploadId!;
  const parts: Listed = [];
  for (const [i, Body] of bodies.entries()) {
    const r = await s3.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: id, PartNumber: i + 1, Body }));
    parts.push({ PartNumber: i + 1, ETag: r.ETag! });
  }
  return { id, parts };
}

const completeXml = (parts: Listed) =>
  `<CompleteMultipartUpload>${parts.map((p) => `<Part><PartNumber>${p.PartNumber}</PartNumber><ETag>${p.ETag}</ETag></Part>`).join("")}</CompleteMultipartUpload>`;

/** A raw Complete, as an SDK retry sends it: the same request again. */
async function complete(bucket: string, key: string, id: string, parts: Listed) {
  const res = await h.signed({ method: "POST", path: `/${bucket}/${key}`, query: { uploadId: id }, body: completeXml(parts) });
  const body = await res.text();
  const pick = (tag: string) => new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(body)?.[1];
  return {
    status: res.status,
    code: pick("Code"),
    etag: pick("ETag"),
    location: pick("Location"),
    bucket: pick("Bucket"),
    key: pick("Key"),
    crc32: pick("ChecksumCRC32"),
    versionId: res.headers.get("x-amz-version-id"),
  };
}

const mpEtag = (bodies: Uint8Array[]) =>
  createHash("md5")
    .update(Buffer.concat(bodies.map((b) => createHash("md5").update(b).digest())))
    .digest("hex") + `-${bodies.length}`;
const read = async (bucket: string, key: string, VersionId?: string) =>
  bytesOf((await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, VersionId }))).Body);

describe("a retried Complete", () => {
  test("answers 200 with the same ETag, Location, Bucket and Key", async () => {
    const bodies = [pattern(5 * MiB, 11), pattern(999, 12)];
    const { id, parts } = await upload(B, "retry", bodies);
    const first = await complete(B, "retry", id, parts);
    expect(first.status).toBe(200);
    expect(first.etag).toBe(`&quot;${mpEtag(bodies)}&quot;`);
    const again = await complete(B, "retry", id, parts);
    expect(again).toEqual(first);
    expect((await read(B, "retry")).equals(Buffer.concat(bodies))).toBe(true);
  });

  test("with a different part list, or after the object was replaced, is NoSuchUpload", async () => {
    const bodies = [pattern(5 * MiB, 21), pattern(5 * MiB, 22), pattern(10, 23)];
    const { id, parts } = await upload(B, "other-list", bodies);
    expect((await complete(B, "other-list", id, parts)).status).toBe(200);
    expect(await complete(B, "other-list", id, parts.slice(0, 2))).toMatchObject({ status: 404, code: "NoSuchUpload" });
    expect(await complete(B, "other-list", id, [parts[0], { PartNumber: 2, ETag: '"00000000000000000000000000000000"' }, parts[2]])).toMatchObject({
      status: 404,
      code: "NoSuchUpload",
    });
    // Another upload of the same key with the same part bodies is not this upload.
    const twin = await upload(B, "other-list", bodies);
    expect(await complete(B, "other-list", twin.id, parts)).toMatchObject({ status: 200 });
    expect(await complete(B, "other-list", id, parts)).toMatchObject({ status: 404, code: "NoSuchUpload" });
    await s3.send(new PutObjectCommand({ Bucket: B, Key: "other-list", Body: "replaced" }));
    expect(await complete(B, "other-list", twin.id, parts)).toMatchObject({ status: 404, code: "NoSuchUpload" });
    expect((await read(B, "other-list")).toString()).toBe("replaced");
  });

  test("of an upload with a checksum answers with the same checksum", async () => {
    const id = (await s3.send(new CreateMultipartUploadCommand({ Bucket: B, Key: "crc", ChecksumAlgorithm: "CRC32" }))).UploadId!;
    const r = await s3.send(new UploadPartCommand({ Bucket: B, Key: "crc", UploadId: id, PartNumber: 1, Body: pattern(1000, 80), ChecksumAlgorithm: "CRC32" }));
    const parts = [{ PartNumber: 1, ETag: r.ETag! }];
    const first = await complete(B, "crc", id, parts);
    expect(first.crc32).toMatch(/-1$/);
    expect(await complete(B, "crc", id, parts)).toEqual(first);
  });

  test("in a versioned bucket finds its version even after newer ones", async () => {
    const bodies = [pattern(5 * MiB, 31), pattern(77, 32)];
    const { id, parts } = await upload(BV, "v", bodies);
    const first = await complete(BV, "v", id, parts);
    expect(first.versionId).toMatch(/^[0-9a-f-]{36}$/);
    await s3.send(new PutObjectCommand({ Bucket: BV, Key: "v", Body: "newer" }));
    const again = await complete(BV, "v", id, parts);
    expect(again).toEqual(first);
    expect((await read(BV, "v", first.versionId!)).equals(Buffer.concat(bodies))).toBe(true);
    expect((await read(BV, "v")).toString()).toBe("newer");
  });
});

describe("racing Completes and PUTs", () => {
  for (const bucket of [B, BV]) {
    test(`two Completes of one upload and a PUT of the key (${bucket}): no 5xx, the object is one of the written ones`, async () => {
      for (let round = 0; round < 4; round++) {
        const key = `race-${round}`;
        const bodies = [pattern(5 * MiB, 40 + round), pattern(3000, 50 + round)];
        const { id, parts } = await upload(bucket, key, bodies);
        const put = pattern(4096 + round, 60 + round);
        const [a, b, p] = await Promise.all([
          complete(bucket, key, id, parts),
          complete(bucket, key, id, parts),
          h.signed({ method: "PUT", path: `/${bucket}/${key}`, body: put }),
        ]);
        expect(p.status).toBe(200);
        for (const r of [a, b]) {
          // Unversioned, the PUT may replace the completed object before the second Complete
          // looks: that one is NoSuchUpload. Versioned, the completed version stays findable.
          if (r.status !== 200 && bucket === B) expect(r).toMatchObject({ status: 404, code: "NoSuchUpload" });
          else expect(r.status).toBe(200);
          if (r.status !== 200) continue;
          expect(r.etag).toBe(`&quot;${mpEtag(bodies)}&quot;`);
        }
        expect([a.status, b.status]).toContain(200);
        const got = await read(bucket, key);
        expect(got.equals(Buffer.from(put)) || got.equals(Buffer.concat(bodies))).toBe(true);
        if (bucket === BV) {
          const v = a.status === 200 ? a.versionId! : b.versionId!;
          expect((await read(bucket, key, v)).equals(Buffer.concat(bodies))).toBe(true);
        }
      }
    });
  }
});

describe("errors stay errors", () => {
  test("an unknown upload id is NoSuchUpload", async () => {
    const { parts } = await upload(B, "never", [pattern(10, 70)]);
    const res = await h.signed({ method: "POST", path: `/${B}/never`, query: { uploadId: "bm90LWFuLXVwbG9hZA" }, body: completeXml(parts) });
    expect((await errorOf(res)).code).toBe("NoSuchUpload");
  });
});
