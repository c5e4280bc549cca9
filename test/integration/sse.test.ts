// Server-side encryption through the AWS SDK against an in-process server with the built-in KMS
// key: SSE-S3, SSE-KMS and SSE-C round trips (single-part and multipart, ranges across DARE
// package and part boundaries, partNumber reads), the headers and ETags clients see, bucket
// default encryption, the refusals (wrong or missing customer key, unknown KMS key, SSE-C over
// HTTP, KMS not configured), and the drives holding no 32-byte window of any plaintext or key.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketEncryptionCommand,
  GetBucketEncryptionCommand,
  GetObjectAttributesCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutBucketEncryptionCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
  UploadPartCopyCommand,
} from "@aws-sdk/client-s3";
import { v4Fields } from "../support/post-forms.ts";
import { ROOT_PASSWORD, ROOT_USER, pattern, startS3, type S3Harness } from "../support/s3-harness.ts";
import { TempDirs } from "../support/temp-dirs.ts";

const temp = new TempDirs();
const KMS_KEY = `sse-test-key:${Buffer.alloc(32, 5).toString("base64")}`;
let h: S3Harness;
let s3: S3Client;
const customerKey = Buffer.alloc(32, 0x42);
const otherKey = Buffer.alloc(32, 0x43);
const ssec = (key: Buffer) => ({ SSECustomerAlgorithm: "AES256", SSECustomerKey: key.toString("base64"), SSECustomerKeyMD5: md5b64(key) });
const md5b64 = (b: Uint8Array) => new Bun.CryptoHasher("md5").update(b).digest("base64");
const md5hex = (b: Uint8Array) => new Bun.CryptoHasher("md5").update(b).digest("hex");
const plaintexts: Uint8Array[] = [];

function data(size: number, seed: number): Uint8Array {
  const d = pattern(size, seed);
  plaintexts.push(d);
  return d;
}

async function bytesOf(body: unknown): Promise<Uint8Array> {
  return new Uint8Array(await (body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray());
}

const errorName = (p: Promise<unknown>) =>
  p.then(
    () => "resolved",
    (e: { name?: string; Code?: string }) => e.Code ?? e.name ?? String(e),
  );

beforeAll(async () => {
  h = await startS3(temp, { env: { MINIO_KMS_SECRET_KEY: KMS_KEY, BUNKER_SSE_C_ALLOW_HTTP: "on" } });
  s3 = h.client();
  await s3.send(new CreateBucketCommand({ Bucket: "enc" }));
});
afterAll(async () => {
  await h?.close();
  temp.cleanup();
});

const SIZES = [0, 1, 65_535, 65_536, 65_537, 200_000];
const RANGES: [number, number][] = [
  [0, 0],
  [65_530, 65_545],
  [65_536, 65_536],
  [1000, 199_999],
  [131_071, 131_073],
];

describe("single-part", () => {
  for (const kind of ["SSE-S3", "SSE-KMS", "SSE-C"] as const) {
    test(`${kind}: every size round-trips; ranges across packages; headers and ETag`, async () => {
      const enc =
        kind === "SSE-S3"
          ? { ServerSideEncryption: "AES256" as const }
          : kind === "SSE-KMS"
            ? { ServerSideEncryption: "aws:kms" as const, SSEKMSKeyId: "arn:aws:kms:sse-test-key" }
            : ssec(customerKey);
      const read = kind === "SSE-C" ? ssec(customerKey) : {};
      for (const [i, size] of SIZES.entries()) {
        const body = data(size, 10 + i);
        const key = `${kind}/obj-${size}`;
        const put = await s3.send(new PutObjectCommand({ Bucket: "enc", Key: key, Body: body, ...enc }));
        if (kind === "SSE-S3") expect(put.ServerSideEncryption).toBe("AES256");
        if (kind === "SSE-KMS") {
          expect(put.ServerSideEncryption).toBe("aws:kms");
          expect(put.SSEKMSKeyId).toBe("arn:aws:kms:sse-test-key");
        }
        if (kind === "SSE-C") expect(put.SSECustomerKeyMD5).toBe(md5b64(customerKey));
        // SSE-S3 shows the plaintext MD5; SSE-KMS and SSE-C an ETag that is not it (as AWS and MinIO).
        if (kind === "SSE-S3") expect(put.ETag).toBe(`"${md5hex(body)}"`);
        else expect(put.ETag).toMatch(/^"[0-9a-f]{32}"$/);
        const got = await s3.send(new GetObjectCommand({ Bucket: "enc", Key: key, ...read }));
        expect(got.ContentLength).toBe(size);
        expect(got.ETag).toBe(put.ETag);
        expect(await bytesOf(got.Body)).toEqual(body);
        const head = await s3.send(new HeadObjectCommand({ Bucket: "enc", Key: key, ...read }));
        expect(head.ContentLength).toBe(size);
        expect(head.ETag).toBe(put.ETag);
        for (const [a, b] of RANGES) {
          if (b >= size) continue;
          const r = await s3.send(new GetObjectCommand({ Bucket: "enc", Key: key, Range: `bytes=${a}-${b}`, ...read }));
          expect(r.ContentRange).toBe(`bytes ${a}-${b}/${size}`);
          expect(await bytesOf(r.Body)).toEqual(body.subarray(a, b + 1));
        }
        if (size > 10) {
          const tail = await s3.send(new GetObjectCommand({ Bucket: "enc", Key: key, Range: "bytes=-10", ...read }));
          expect(await bytesOf(tail.Body)).toEqual(body.subarray(size - 10));
        }
      }
      const listed = await s3.send(new ListObjectsV2Command({ Bucket: "enc", Prefix: `${kind}/` }));
      const sizes = (listed.Contents ?? []).map((o) => o.Size).sort((x, y) => x! - y!);
      expect(sizes).toEqual([...SIZES].sort((x, y) => x - y));
      if (kind === "SSE-S3") {
        const one = listed.Contents!.find((o) => o.Key === "SSE-S3/obj-1")!;
        expect(one.ETag).toBe(`"${md5hex(plaintexts[plaintexts.length - SIZES.length + 1])}"`);
      }
    });
  }

  test("SSE-C: a read without the key is InvalidRequest, with another key AccessDenied; a plaintext object refuses a key", async () => {
    await s3.send(new PutObjectCommand({ Bucket: "enc", Key: "c-only", Body: data(1000, 3), ...ssec(customerKey) }));
    expect(await errorName(s3.send(new GetObjectCommand({ Bucket: "enc", Key: "c-only" })))).toBe("InvalidRequest");
    expect(await errorName(s3.send(new GetObjectCommand({ Bucket: "enc", Key: "c-only", ...ssec(otherKey) })))).toBe("AccessDenied");
    const head = await s3
      .send(new HeadObjectCommand({ Bucket: "enc", Key: "c-only", ...ssec(otherKey) }))
      .catch((e: { $metadata: { httpStatusCode: number } }) => e);
    expect((head as { $metadata: { httpStatusCode?: number } }).$metadata.httpStatusCode).toBe(403);
    await s3.send(new PutObjectCommand({ Bucket: "enc", Key: "plain", Body: "plain text" }));
    expect(await errorName(s3.send(new GetObjectCommand({ Bucket: "enc", Key: "plain", ...ssec(customerKey) })))).toBe("InvalidRequest");
    // GetObjectAttributes answers an SSE-C object only with its key, and refuses a key for a plaintext one.
    const attrs = (key: string, extra: object) =>
      s3.send(new GetObjectAttributesCommand({ Bucket: "enc", Key: key, ObjectAttributes: ["ETag", "ObjectSize"], ...extra }));
    expect((await attrs("c-only", ssec(customerKey))).ObjectSize).toBe(1000);
    expect(await errorName(attrs("c-only", {}))).toBe("InvalidRequest");
    expect(await errorName(attrs("plain", ssec(customerKey)))).toBe("InvalidRequest");
    // An SSE-S3 object takes no customer key either.
    await s3.send(new PutObjectCommand({ Bucket: "enc", Key: "s3-obj", Body: "x", ServerSideEncryption: "AES256" }));
    expect(await errorName(s3.send(new GetObjectCommand({ Bucket: "enc", Key: "s3-obj", ...ssec(customerKey) })))).toBe("InvalidRequest");
  });

  test("an unknown KMS key, a bad key MD5 or both kinds at once are refused and store nothing", async () => {
    const put = (extra: object, key: string) => s3.send(new PutObjectCommand({ Bucket: "enc", Key: key, Body: "x", ...extra }));
    expect(await errorName(put({ ServerSideEncryption: "aws:kms", SSEKMSKeyId: "no-such-key" }, "r1"))).toBe("KMS.NotFoundException");
    // The SDK computes the key MD5 itself: a wrong one is sent by hand.
    const wrongMd5 = await h.signed({
      method: "PUT",
      path: "/enc/r2",
      body: "x",
      headers: {
        "x-amz-server-side-encryption-customer-algorithm": "AES256",
        "x-amz-server-side-encryption-customer-key": customerKey.toString("base64"),
        "x-amz-server-side-encryption-customer-key-md5": md5b64(otherKey),
      },
    });
    expect(wrongMd5.status).toBe(400);
    expect(await wrongMd5.text()).toContain("<Code>InvalidArgument</Code>");
    expect(await errorName(put({ ...ssec(customerKey), ServerSideEncryption: "AES256" }, "r3"))).toBe("InvalidArgument");
    for (const k of ["r1", "r2", "r3"]) expect(await errorName(s3.send(new HeadObjectCommand({ Bucket: "enc", Key: k })))).toBe("NotFound");
  });

  test("copies decrypt the source and encrypt the destination as asked; an SSE-C key is rotated by copying onto itself", async () => {
    const body = data(150_000, 40);
    await s3.send(new PutObjectCommand({ Bucket: "enc", Key: "cp/src-s3", Body: body, ServerSideEncryption: "AES256" }));
    const get = async (key: string, extra: object = {}) => bytesOf((await s3.send(new GetObjectCommand({ Bucket: "enc", Key: key, ...extra }))).Body);
    // Nothing asked and no bucket default: an SSE-S3 source stays SSE-S3 (also onto itself, with new metadata).
    const kept = await s3.send(new CopyObjectCommand({ Bucket: "enc", Key: "cp/kept", CopySource: "enc/cp/src-s3" }));
    expect(kept.ServerSideEncryption).toBe("AES256");
    expect(kept.CopyObjectResult?.ETag).toBe(`"${md5hex(body)}"`);
    await s3.send(new CopyObjectCommand({ Bucket: "enc", Key: "cp/kept", CopySource: "enc/cp/kept", MetadataDirective: "REPLACE", Metadata: { a: "b" } }));
    const head = await s3.send(new HeadObjectCommand({ Bucket: "enc", Key: "cp/kept" }));
    expect(head.ServerSideEncryption).toBe("AES256");
    expect(head.Metadata).toEqual({ a: "b" });
    expect(await get("cp/kept")).toEqual(body);
    await s3.send(new PutObjectCommand({ Bucket: "enc", Key: "cp/plain", Body: body }));
    // plaintext → SSE-KMS.
    const kms = await s3.send(new CopyObjectCommand({ Bucket: "enc", Key: "cp/kms", CopySource: "enc/cp/plain", ServerSideEncryption: "aws:kms" }));
    expect(kms.ServerSideEncryption).toBe("aws:kms");
    expect(await get("cp/kms")).toEqual(body);
    // SSE-KMS → SSE-C, then the SSE-C key rotated onto itself.
    await s3.send(new CopyObjectCommand({ Bucket: "enc", Key: "cp/c", CopySource: "enc/cp/kms", ...ssec(customerKey) }));
    expect(await get("cp/c", ssec(customerKey))).toEqual(body);
    const src = ssec(customerKey);
    await s3.send(
      new CopyObjectCommand({
        Bucket: "enc",
        Key: "cp/c",
        CopySource: "enc/cp/c",
        CopySourceSSECustomerAlgorithm: src.SSECustomerAlgorithm,
        CopySourceSSECustomerKey: src.SSECustomerKey,
        CopySourceSSECustomerKeyMD5: src.SSECustomerKeyMD5,
        ...ssec(otherKey),
      }),
    );
    expect(await get("cp/c", ssec(otherKey))).toEqual(body);
    expect(await errorName(s3.send(new GetObjectCommand({ Bucket: "enc", Key: "cp/c", ...ssec(customerKey) })))).toBe("AccessDenied");
    // An SSE-C source needs its key; a plain source takes none.
    expect(await errorName(s3.send(new CopyObjectCommand({ Bucket: "enc", Key: "cp/x", CopySource: "enc/cp/c" })))).toBe("InvalidRequest");
    const wrongSource = s3.send(
      new CopyObjectCommand({
        Bucket: "enc",
        Key: "cp/x",
        CopySource: "enc/cp/plain",
        CopySourceSSECustomerAlgorithm: src.SSECustomerAlgorithm,
        CopySourceSSECustomerKey: src.SSECustomerKey,
        CopySourceSSECustomerKeyMD5: src.SSECustomerKeyMD5,
      }),
    );
    expect(await errorName(wrongSource)).toBe("InvalidRequest");
    expect(await errorName(s3.send(new HeadObjectCommand({ Bucket: "enc", Key: "cp/x" })))).toBe("NotFound");
  });
});

describe("multipart", () => {
  const PART = 5 * 1024 * 1024;
  for (const kind of ["SSE-S3", "SSE-C"] as const) {
    test(`${kind}: parts encrypted apart, whole object, ranges across the part boundary, partNumber`, async () => {
      const key = `mp-${kind}`;
      const enc = kind === "SSE-S3" ? { ServerSideEncryption: "AES256" as const } : ssec(customerKey);
      const read = kind === "SSE-C" ? ssec(customerKey) : {};
      const up = await s3.send(new CreateMultipartUploadCommand({ Bucket: "enc", Key: key, ...enc }));
      const parts = [data(PART + 7, 20), data(70_000, 21)];
      const etags: string[] = [];
      for (const [i, body] of parts.entries()) {
        const r = await s3.send(new UploadPartCommand({ Bucket: "enc", Key: key, UploadId: up.UploadId, PartNumber: i + 1, Body: body, ...read }));
        etags.push(r.ETag!);
      }
      const done = await s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: "enc",
          Key: key,
          UploadId: up.UploadId,
          MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) },
        }),
      );
      expect(done.ETag).toMatch(/-2"$/);
      const whole = Buffer.concat(parts);
      const got = await s3.send(new GetObjectCommand({ Bucket: "enc", Key: key, ...read }));
      expect(got.ContentLength).toBe(whole.length);
      expect(got.ETag).toBe(done.ETag);
      expect(Buffer.from(await bytesOf(got.Body)).equals(whole)).toBe(true);
      for (const [a, b] of [
        [PART - 10, PART + 20],
        [PART + 7, PART + 7],
        [65_530, PART + 65_600],
      ]) {
        const r = await s3.send(new GetObjectCommand({ Bucket: "enc", Key: key, Range: `bytes=${a}-${b}`, ...read }));
        expect(Buffer.from(await bytesOf(r.Body)).equals(whole.subarray(a, b + 1))).toBe(true);
      }
      const p2 = await s3.send(new GetObjectCommand({ Bucket: "enc", Key: key, PartNumber: 2, ...read }));
      expect(p2.PartsCount).toBe(2);
      expect(await bytesOf(p2.Body)).toEqual(parts[1]);
      expect(await errorName(s3.send(new GetObjectCommand({ Bucket: "enc", Key: key, PartNumber: 3, ...read })))).toBe("InvalidPartNumber");
      if (kind === "SSE-S3") {
        // A part cannot ask for another encryption than its upload's.
        const other = await s3.send(new CreateMultipartUploadCommand({ Bucket: "enc", Key: `${key}-kind`, ...enc }));
        const part = h.signed({
          method: "PUT",
          path: `/enc/${key}-kind`,
          query: { partNumber: "1", uploadId: other.UploadId! },
          body: "x",
          headers: { "x-amz-server-side-encryption": "aws:kms" },
        });
        expect((await part).status).toBe(400);
        const same = h.signed({
          method: "PUT",
          path: `/enc/${key}-kind`,
          query: { partNumber: "1", uploadId: other.UploadId! },
          body: "x",
          headers: { "x-amz-server-side-encryption": "AES256" },
        });
        expect((await same).status).toBe(200);
      }
      if (kind === "SSE-C") {
        expect(await errorName(s3.send(new GetObjectCommand({ Bucket: "enc", Key: key })))).toBe("InvalidRequest");
        // A part of an SSE-C upload needs the upload's key.
        const again = await s3.send(new CreateMultipartUploadCommand({ Bucket: "enc", Key: `${key}-2`, ...enc }));
        const wrong = s3.send(new UploadPartCommand({ Bucket: "enc", Key: `${key}-2`, UploadId: again.UploadId, PartNumber: 1, Body: "x", ...ssec(otherKey) }));
        expect(await errorName(wrong)).toBe("AccessDenied");
      }
    });
  }
});

test("UploadPartCopy: a range of an SSE-S3 source decrypted into an SSE-C upload's part", async () => {
  const source = data(6 * 1024 * 1024, 50);
  await s3.send(new PutObjectCommand({ Bucket: "enc", Key: "upc/src", Body: source, ServerSideEncryption: "AES256" }));
  const up = await s3.send(new CreateMultipartUploadCommand({ Bucket: "enc", Key: "upc/dst", ...ssec(customerKey) }));
  const first = await s3.send(
    new UploadPartCopyCommand({
      Bucket: "enc",
      Key: "upc/dst",
      UploadId: up.UploadId,
      PartNumber: 1,
      CopySource: "enc/upc/src",
      CopySourceRange: `bytes=100-${5 * 1024 * 1024 + 99}`,
      ...ssec(customerKey),
    }),
  );
  const tail = data(1000, 51);
  const second = await s3.send(
    new UploadPartCommand({ Bucket: "enc", Key: "upc/dst", UploadId: up.UploadId, PartNumber: 2, Body: tail, ...ssec(customerKey) }),
  );
  await s3.send(
    new CompleteMultipartUploadCommand({
      Bucket: "enc",
      Key: "upc/dst",
      UploadId: up.UploadId,
      MultipartUpload: {
        Parts: [
          { ETag: first.CopyPartResult!.ETag, PartNumber: 1 },
          { ETag: second.ETag, PartNumber: 2 },
        ],
      },
    }),
  );
  const got = await bytesOf((await s3.send(new GetObjectCommand({ Bucket: "enc", Key: "upc/dst", ...ssec(customerKey) }))).Body);
  expect(Buffer.from(got).equals(Buffer.concat([source.subarray(100, 5 * 1024 * 1024 + 100), tail]))).toBe(true);
});

test("PostObject: encrypted as its form asks, or as the bucket's default; a large file of unknown size keeps its actual size", async () => {
  const post = async (bucket: string, key: string, extra: [string, string][], content: Uint8Array) => {
    const expiration = new Date(Date.now() + 600_000).toISOString();
    const conditions = [{ bucket }, { key }, ...extra.map(([k, v]) => ({ [k]: v }))];
    const fields: [string, string][] = [["key", key], ...extra, ...v4Fields({ expiration, conditions }, ROOT_USER, ROOT_PASSWORD, h.cfg.region)];
    const fd = new FormData();
    for (const [k, v] of fields) fd.append(k, v);
    fd.append("file", new Blob([content]), "local.bin");
    const encoded = new Response(fd);
    const type = encoded.headers.get("content-type")!;
    return h.anon(`/${bucket}`, { method: "POST", body: new Uint8Array(await encoded.arrayBuffer()), headers: { "content-type": type } });
  };
  const body = data(3_000_000, 60); // past the form's first block: its size is known only at the end
  const res = await post("enc", "posted", [["x-amz-server-side-encryption", "AES256"]], body);
  expect(res.status).toBe(204);
  expect(res.headers.get("x-amz-server-side-encryption")).toBe("AES256");
  expect(res.headers.get("etag")).toBe(`"${md5hex(body)}"`);
  const got = await s3.send(new GetObjectCommand({ Bucket: "enc", Key: "posted" }));
  expect(got.ContentLength).toBe(body.length);
  expect(got.ServerSideEncryption).toBe("AES256");
  expect(Buffer.from(await bytesOf(got.Body)).equals(Buffer.from(body))).toBe(true);
  const r = await s3.send(new GetObjectCommand({ Bucket: "enc", Key: "posted", Range: "bytes=2999990-2999999" }));
  expect(await bytesOf(r.Body)).toEqual(body.subarray(2_999_990));
  await s3.send(new CreateBucketCommand({ Bucket: "post-dflt" }));
  await s3.send(
    new PutBucketEncryptionCommand({
      Bucket: "post-dflt",
      ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } }] },
    }),
  );
  const small = data(5000, 61);
  expect((await post("post-dflt", "p", [], small)).status).toBe(204);
  const back = await s3.send(new GetObjectCommand({ Bucket: "post-dflt", Key: "p" }));
  expect(back.ServerSideEncryption).toBe("AES256");
  expect(await bytesOf(back.Body)).toEqual(small);
});

describe("bucket default encryption", () => {
  test("Put/Get/Delete; objects written without headers take the default", async () => {
    await s3.send(new CreateBucketCommand({ Bucket: "dflt" }));
    expect(await errorName(s3.send(new GetBucketEncryptionCommand({ Bucket: "dflt" })))).toBe("ServerSideEncryptionConfigurationNotFoundError");
    await s3.send(
      new PutBucketEncryptionCommand({
        Bucket: "dflt",
        ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "aws:kms", KMSMasterKeyID: "sse-test-key" } }] },
      }),
    );
    const cfg = await s3.send(new GetBucketEncryptionCommand({ Bucket: "dflt" }));
    expect(cfg.ServerSideEncryptionConfiguration?.Rules?.[0].ApplyServerSideEncryptionByDefault).toEqual({
      SSEAlgorithm: "aws:kms",
      KMSMasterKeyID: "arn:aws:kms:sse-test-key",
    });
    const body = data(100_000, 30);
    const put = await s3.send(new PutObjectCommand({ Bucket: "dflt", Key: "k", Body: body }));
    expect(put.ServerSideEncryption).toBe("aws:kms");
    const got = await s3.send(new GetObjectCommand({ Bucket: "dflt", Key: "k" }));
    expect(got.ServerSideEncryption).toBe("aws:kms");
    expect(await bytesOf(got.Body)).toEqual(body);
    // A copy into it takes the default too.
    const copied = await s3.send(new CopyObjectCommand({ Bucket: "dflt", Key: "c", CopySource: "enc/plain" }));
    expect(copied.ServerSideEncryption).toBe("aws:kms");
    expect(new TextDecoder().decode(await bytesOf((await s3.send(new GetObjectCommand({ Bucket: "dflt", Key: "c" }))).Body))).toBe("plain text");
    const bad = s3.send(
      new PutBucketEncryptionCommand({
        Bucket: "dflt",
        ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "aws:kms", KMSMasterKeyID: "other" } }] },
      }),
    );
    expect(await errorName(bad)).toBe("KMS.NotFoundException");
    await s3.send(new DeleteBucketEncryptionCommand({ Bucket: "dflt" }));
    const plain = await s3.send(new PutObjectCommand({ Bucket: "dflt", Key: "p", Body: "plain" }));
    expect(plain.ServerSideEncryption).toBeUndefined();
  });
});

test("no shard file or xl.meta holds a 32-byte window of any plaintext or the customer key", () => {
  // Every 32-byte window of every plaintext, found again through a bitmap of their first 4 bytes
  // (a fast pre-filter over the files' bytes), then compared whole.
  const windows = new Set<string>();
  const bitmap = new Uint8Array(1 << 24);
  const hash = (b: Uint8Array, i: number) => (Math.imul(b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24), 0x9e3779b1) >>> 5) & 0x7ffffff;
  for (const p of [...plaintexts.filter((d) => d.length >= 32), customerKey]) {
    for (let i = 0; i + 32 <= p.length; i++) {
      const x = hash(p, i);
      bitmap[x >>> 3] |= 1 << (x & 7);
      windows.add(Buffer.from(p.buffer, p.byteOffset + i, 32).toString("latin1"));
    }
  }
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else files.push(p);
    }
  };
  for (const d of h.drives) walk(join(d, "enc"));
  // The one object copied out to plaintext on purpose (cp/plain) holds its plaintext, as it should.
  const stored = files.filter((f) => !f.includes(join("enc", "cp", "plain")));
  expect(stored.length).toBeLessThan(files.length);
  expect(files.length).toBeGreaterThan(20);
  let hits = 0;
  let candidates = 0;
  for (const f of stored) {
    const b = readFileSync(f);
    for (let i = 0; i + 32 <= b.length; i++) {
      const x = hash(b, i);
      if ((bitmap[x >>> 3] & (1 << (x & 7))) === 0) continue;
      candidates++;
      if (windows.has(b.toString("latin1", i, i + 32))) hits++;
    }
  }
  expect(candidates).toBeGreaterThan(0); // the filter does let bytes through: the comparison ran
  expect(hits).toBe(0);
}, 120_000);

describe("without a KMS, or over plain HTTP", () => {
  let bare: S3Harness;
  beforeAll(async () => {
    bare = await startS3(temp, {});
    await bare.client().send(new CreateBucketCommand({ Bucket: "bkt" }));
  });
  afterAll(async () => bare?.close());

  test("SSE-S3 and SSE-KMS need a KMS; SSE-C over HTTP is refused; nothing is stored", async () => {
    const c = bare.client();
    const put = (extra: object, key: string) => c.send(new PutObjectCommand({ Bucket: "bkt", Key: key, Body: "x", ...extra }));
    expect(await errorName(put({ ServerSideEncryption: "AES256" }, "a"))).toBe("NotImplemented");
    expect(await errorName(put({ ServerSideEncryption: "aws:kms" }, "b"))).toBe("NotImplemented");
    expect(await errorName(put(ssec(customerKey), "c"))).toBe("InvalidRequest");
    const cfg = c.send(
      new PutBucketEncryptionCommand({
        Bucket: "bkt",
        ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } }] },
      }),
    );
    expect(await errorName(cfg)).toBe("NotImplemented");
    for (const k of ["a", "b", "c"]) expect(await errorName(c.send(new HeadObjectCommand({ Bucket: "bkt", Key: k })))).toBe("NotFound");
  });
});

describe("MINIO_KMS_AUTO_ENCRYPTION", () => {
  let auto: S3Harness;
  beforeAll(async () => {
    auto = await startS3(temp, { env: { MINIO_KMS_SECRET_KEY: KMS_KEY, MINIO_KMS_AUTO_ENCRYPTION: "on" } });
    await auto.client().send(new CreateBucketCommand({ Bucket: "auto" }));
  });
  afterAll(async () => auto?.close());

  test("a write without SSE headers is stored SSE-S3 (PUT and multipart); SSE-KMS asked for still wins", async () => {
    const c = auto.client();
    const body = pattern(200_000, 70);
    const put = await c.send(new PutObjectCommand({ Bucket: "auto", Key: "p", Body: body }));
    expect(put.ServerSideEncryption).toBe("AES256");
    const got = await c.send(new GetObjectCommand({ Bucket: "auto", Key: "p" }));
    expect(got.ServerSideEncryption).toBe("AES256");
    expect(await bytesOf(got.Body)).toEqual(body);
    const up = await c.send(new CreateMultipartUploadCommand({ Bucket: "auto", Key: "m" }));
    expect(up.ServerSideEncryption).toBe("AES256");
    const part = await c.send(new UploadPartCommand({ Bucket: "auto", Key: "m", UploadId: up.UploadId, PartNumber: 1, Body: body }));
    await c.send(
      new CompleteMultipartUploadCommand({ Bucket: "auto", Key: "m", UploadId: up.UploadId, MultipartUpload: { Parts: [{ ETag: part.ETag, PartNumber: 1 }] } }),
    );
    expect(await bytesOf((await c.send(new GetObjectCommand({ Bucket: "auto", Key: "m" }))).Body)).toEqual(body);
    const kms = await c.send(new PutObjectCommand({ Bucket: "auto", Key: "k", Body: body, ServerSideEncryption: "aws:kms" }));
    expect(kms.ServerSideEncryption).toBe("aws:kms");
  });
});
