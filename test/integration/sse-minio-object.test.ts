// An SSE-S3 object as MinIO lays it out (the synthetic vector of shared/minio-format: its MetaSys,
// sealed ETag and DARE ciphertext, stored through the object layer as a migrated drive would hold
// it) is served by GET with the same built-in KMS key — whole, ranged, with its MD5 ETag — and an
// object Bunker writes is opened again by SPEC §8.7's recipe written here from the primitives alone.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { createDecipheriv, createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { BuiltinKms } from "../../src/crypto/index.ts";
import { startS3, type S3Harness } from "../support/s3-harness.ts";
import { TempDirs } from "../support/temp-dirs.ts";

const VECTORS = join(import.meta.dir, "../../../shared/minio-format/fixtures/vectors");
const vector = JSON.parse(readFileSync(join(VECTORS, "sse-s3-synthetic.json"), "utf8"));
const temp = new TempDirs();
let h: S3Harness;
let s3: S3Client;

beforeAll(async () => {
  h = await startS3(temp, { env: { MINIO_KMS_SECRET_KEY: vector.kmsSecretKey } });
  s3 = h.client();
  await s3.send(new CreateBucketCommand({ Bucket: vector.bucket }));
});
afterAll(async () => {
  await h?.close();
  temp.cleanup();
});

const plaintext = () => new Uint8Array(vector.plaintext.length).map((_, i) => (7 * i) & 0xff);

test("MinIO's SSE-S3 layout is served: whole, ranged across its two packages, with the plaintext MD5 as ETag", async () => {
  const ciphertext = readFileSync(join(VECTORS, vector.ciphertextFile));
  const sysMeta = Object.fromEntries(Object.entries(vector.metaSys as Record<string, string>).map(([k, v]) => [k, new TextEncoder().encode(v)]));
  await h.bunker.store.putObject(vector.bucket, vector.object, new Blob([ciphertext]).stream(), {
    size: ciphertext.length,
    userMeta: { etag: vector.etagStoredHex },
    sysMeta,
    // The stored ETag is MinIO's sealed one, kept as it is (a migrated version).
    check: () => ({ etag: vector.etagStoredHex }),
  });
  const got = await s3.send(new GetObjectCommand({ Bucket: vector.bucket, Key: vector.object }));
  expect(got.ServerSideEncryption).toBe("AES256");
  expect(got.ETag).toBe(`"${vector.etagPlainHex}"`);
  expect(got.ContentLength).toBe(vector.plaintext.length);
  const body = new Uint8Array(await got.Body!.transformToByteArray());
  expect(new Bun.CryptoHasher("sha256").update(body).digest("hex")).toBe(vector.plaintext.sha256);
  const r = await s3.send(new GetObjectCommand({ Bucket: vector.bucket, Key: vector.object, Range: "bytes=65000-70000" }));
  expect(new Uint8Array(await r.Body!.transformToByteArray())).toEqual(plaintext().subarray(65000, 70001));
  const head = await s3.send(new HeadObjectCommand({ Bucket: vector.bucket, Key: vector.object }));
  expect(head.ETag).toBe(`"${vector.etagPlainHex}"`);
});

/** DARE 2.0 opened by hand (SPEC §8.5): 16-byte header, AES-256-GCM, nonce = header[4..16] (final flag included) with the sequence XORed into its last 4 bytes. */
function dareOpen(key: Buffer, stream: Buffer): Buffer {
  const out: Buffer[] = [];
  for (let at = 0, seq = 0; at < stream.length; seq++) {
    const len = stream.readUInt16LE(at + 2) + 1;
    const header = stream.subarray(at, at + 16);
    const nonce = Buffer.from(header.subarray(4, 16));
    nonce.writeUInt32LE((nonce.readUInt32LE(8) ^ seq) >>> 0, 8);
    const d = createDecipheriv("aes-256-gcm", key, nonce);
    d.setAAD(header.subarray(0, 4));
    d.setAuthTag(stream.subarray(at + 16 + len, at + 32 + len));
    out.push(d.update(stream.subarray(at + 16, at + 16 + len)), d.final());
    at += 32 + len;
  }
  return Buffer.concat(out);
}

test("an SSE-S3 object Bunker wrote opens with SPEC §8.7's recipe, from its metadata and shards alone", async () => {
  const data = new Uint8Array(150_000).map((_, i) => (i * 31 + 7) & 0xff);
  await s3.send(new PutObjectCommand({ Bucket: vector.bucket, Key: "ours/x.bin", Body: data, ServerSideEncryption: "AES256" }));
  const stored = await h.bunker.store.getObject(vector.bucket, "ours/x.bin", {
    stored: (info) => ({ info, range: { start: 0, end: info.storedSize - 1 } }),
  });
  const sse = stored.info.sse!;
  const ciphertext = Buffer.from(await new Response(stored.body).arrayBuffer());
  // 1–2: the data key from the KMS, bound to {bucket: "bucket/object"}.
  const kms = new BuiltinKms(vector.kmsSecretKey);
  const dek = Buffer.from(
    await kms.decrypt(
      sse["X-Minio-Internal-Server-Side-Encryption-S3-Kms-Key-Id"],
      Buffer.from(sse["X-Minio-Internal-Server-Side-Encryption-S3-Kms-Sealed-Key"], "base64"),
      { [vector.bucket]: `${vector.bucket}/ours/x.bin` },
    ),
  );
  // 3: the sealing key, then the object key out of its one DARE package.
  const iv = Buffer.from(sse["X-Minio-Internal-Server-Side-Encryption-Iv"], "base64");
  const sealing = createHmac("sha256", dek)
    .update(Buffer.concat([iv, Buffer.from(`SSE-S3DAREv2-HMAC-SHA256${vector.bucket}/ours/x.bin`)]))
    .digest();
  const objectKey = dareOpen(sealing, Buffer.from(sse["X-Minio-Internal-Server-Side-Encryption-S3-Sealed-Key"], "base64"));
  expect(objectKey.length).toBe(32);
  // 4: the whole stream with the object key.
  expect(new Uint8Array(dareOpen(objectKey, ciphertext))).toEqual(data);
});
