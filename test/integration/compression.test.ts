// MinIO's transparent compression through the S3 API: with MINIO_COMPRESS_ENABLE objects whose
// names or types match are stored S2-compressed (X-Minio-Internal-compression, actual size, a
// seek index for parts over 8 MiB) and read back whole, by range (from the index's chunk) and by
// part, with the plaintext MD5 as ETag; compressed and encrypted together when allowed; and an
// object compressed by klauspost/compress itself (as MinIO writes it, index included) is served.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import {
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { S2_COMPRESSION_ALGORITHM } from "../../src/compress/index.ts";
import { sseReader } from "../../src/s3/sse/sse-read.ts";
import { textLike } from "../support/s2-data.ts";
import { buildS2Tool, s2toolMissing, s2toolOk } from "../support/s2tool.ts";
import { pattern, startS3, type S3Harness } from "../support/s3-harness.ts";
import { TempDirs } from "../support/temp-dirs.ts";

const temp = new TempDirs();
const KMS_KEY = `zip-test-key:${Buffer.alloc(32, 6).toString("base64")}`;
let h: S3Harness;
let s3: S3Client;
const md5hex = (b: Uint8Array) => new Bun.CryptoHasher("md5").update(b).digest("hex");
const bytesOf = async (body: unknown) => new Uint8Array(await (body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray());

beforeAll(async () => {
  h = await startS3(temp, {
    env: {
      MINIO_COMPRESS_ENABLE: "on",
      MINIO_COMPRESS_EXTENSIONS: ".txt,.log",
      MINIO_COMPRESS_ALLOW_ENCRYPTION: "on",
      MINIO_KMS_SECRET_KEY: KMS_KEY,
      BUNKER_SSE_C_ALLOW_HTTP: "on",
    },
  });
  s3 = h.client();
  await s3.send(new CreateBucketCommand({ Bucket: "zip" }));
});
afterAll(async () => {
  await h?.close();
  temp.cleanup();
});

const stored = (key: string) => h.bunker.store.getObjectInfo("zip", key, { stored: (info) => ({ info, range: null }) });

async function expectRanges(key: string, body: Uint8Array, ranges: [number, number][], extra: object = {}): Promise<void> {
  for (const [a, b] of ranges) {
    const r = await s3.send(new GetObjectCommand({ Bucket: "zip", Key: key, Range: `bytes=${a}-${b}`, ...extra }));
    expect(r.ContentRange).toBe(`bytes ${a}-${b}/${body.length}`);
    expect(Buffer.from(await bytesOf(r.Body)).equals(Buffer.from(body.subarray(a, b + 1)))).toBe(true);
  }
}

describe("compressed writes", () => {
  test("a matching name is stored compressed and read back whole and by range; others are not", async () => {
    const body = textLike(3_000_000, 1);
    const put = await s3.send(new PutObjectCommand({ Bucket: "zip", Key: "app.log", Body: body }));
    expect(put.ETag).toBe(`"${md5hex(body)}"`);
    const info = await stored("app.log");
    expect(info.compression).toBe(S2_COMPRESSION_ALGORITHM);
    expect(info.size).toBe(body.length);
    expect(info.storedSize).toBeLessThan(body.length / 2);
    const got = await s3.send(new GetObjectCommand({ Bucket: "zip", Key: "app.log" }));
    expect(got.ETag).toBe(`"${md5hex(body)}"`);
    expect(got.ContentLength).toBe(body.length);
    expect(Buffer.from(await bytesOf(got.Body)).equals(Buffer.from(body))).toBe(true);
    await expectRanges("app.log", body, [
      [0, 0],
      [1_048_570, 1_048_600],
      [2_999_000, 2_999_999],
    ]);
    const head = await s3.send(new HeadObjectCommand({ Bucket: "zip", Key: "app.log" }));
    expect(head.ContentLength).toBe(body.length);
    // Compressed is not encrypted: a customer key has nothing to open.
    const key = Buffer.alloc(32, 1);
    const ssec = {
      SSECustomerAlgorithm: "AES256",
      SSECustomerKey: key.toString("base64"),
      SSECustomerKeyMD5: new Bun.CryptoHasher("md5").update(key).digest("base64"),
    };
    const withKey = await s3.send(new GetObjectCommand({ Bucket: "zip", Key: "app.log", ...ssec })).catch((e: { name: string }) => e);
    expect((withKey as { name: string }).name).toBe("InvalidRequest");
    // A small object, and one whose name does not match, stay as they are.
    await s3.send(new PutObjectCommand({ Bucket: "zip", Key: "small.txt", Body: "tiny" }));
    expect((await stored("small.txt")).compression).toBeUndefined();
    await s3.send(new PutObjectCommand({ Bucket: "zip", Key: "photo.jpg", Body: body.subarray(0, 100_000) }));
    expect((await stored("photo.jpg")).compression).toBeUndefined();
  });

  test("over 8 MiB a part keeps a seek index, and a range deep in it starts reading at its chunk", async () => {
    const body = textLike(12 * 1024 * 1024, 2);
    await s3.send(new PutObjectCommand({ Bucket: "zip", Key: "big.log", Body: body }));
    const info = await stored("big.log");
    expect(info.parts[0].index?.length).toBeGreaterThan(0);
    const reader = sseReader(undefined, { range: { start: 11 * 1024 * 1024, end: 11 * 1024 * 1024 + 99 } });
    const res = await h.bunker.store.getObject("zip", "big.log", { stored: reader.stored });
    expect(res.range!.start).toBeGreaterThan(info.storedSize / 2); // not from the start of the part
    await res.body.cancel();
    await expectRanges("big.log", body, [
      [11 * 1024 * 1024, 11 * 1024 * 1024 + 99],
      [5_000_000, 9_000_000],
    ]);
  });

  test("multipart: each part its own S2 stream; ranges across parts and partNumber", async () => {
    const parts = [textLike(5 * 1024 * 1024 + 3, 3), textLike(200_000, 4)];
    const up = await s3.send(new CreateMultipartUploadCommand({ Bucket: "zip", Key: "mp.txt" }));
    const etags: string[] = [];
    for (const [i, p] of parts.entries()) {
      const r = await s3.send(new UploadPartCommand({ Bucket: "zip", Key: "mp.txt", UploadId: up.UploadId, PartNumber: i + 1, Body: p }));
      expect(r.ETag).toBe(`"${md5hex(p)}"`);
      etags.push(r.ETag!);
    }
    await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: "zip",
        Key: "mp.txt",
        UploadId: up.UploadId,
        MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) },
      }),
    );
    const whole = Buffer.concat(parts);
    const info = await stored("mp.txt");
    expect(info.compression).toBe(S2_COMPRESSION_ALGORITHM);
    expect(info.storedSize).toBeLessThan(whole.length);
    const got = await s3.send(new GetObjectCommand({ Bucket: "zip", Key: "mp.txt" }));
    expect(Buffer.from(await bytesOf(got.Body)).equals(whole)).toBe(true);
    await expectRanges("mp.txt", whole, [[5 * 1024 * 1024 - 5, 5 * 1024 * 1024 + 20]]);
    const p2 = await s3.send(new GetObjectCommand({ Bucket: "zip", Key: "mp.txt", PartNumber: 2 }));
    expect(Buffer.from(await bytesOf(p2.Body)).equals(Buffer.from(parts[1]))).toBe(true);
  });

  test("compressed and encrypted (allow_encryption): compressed first, then DARE; whole and by range", async () => {
    const body = textLike(2_500_000, 5);
    const put = await s3.send(new PutObjectCommand({ Bucket: "zip", Key: "secret.log", Body: body, ServerSideEncryption: "AES256" }));
    expect(put.ETag).toBe(`"${md5hex(body)}"`);
    const info = await stored("secret.log");
    expect(info.compression).toBe(S2_COMPRESSION_ALGORITHM);
    expect(info.sse).toBeDefined();
    expect(info.storedSize).toBeLessThan(body.length / 2);
    expect(info.parts[0].index).toBeUndefined(); // MinIO never stores a plaintext index for encrypted data
    const got = await s3.send(new GetObjectCommand({ Bucket: "zip", Key: "secret.log" }));
    expect(got.ServerSideEncryption).toBe("AES256");
    expect(Buffer.from(await bytesOf(got.Body)).equals(Buffer.from(body))).toBe(true);
    await expectRanges("secret.log", body, [
      [65_530, 65_560],
      [2_400_000, 2_499_999],
    ]);
  });
});

const missing = s2toolMissing();
const skip = missing !== null && !process.env.CI;
if (skip) console.warn(`SKIP MinIO-compressed object test: ${missing} (set CI=1 to make this a failure)`);

describe.skipIf(skip)("an object MinIO compressed", () => {
  test("klauspost/compress's stream and MinIO-form index, laid out as MinIO stores them, are served by range", async () => {
    const bin = await buildS2Tool();
    if (bin === null) throw new Error(`s2tool cannot be built: ${missing}`);
    const body = new Uint8Array([...textLike(9 * 1024 * 1024, 7), ...pattern(1_000_000, 8)]);
    const indexFile = `${temp.make("bunker-zip-")}/index.bin`;
    const streamBytes = await s2toolOk(bin, ["compress", "-minio-index", indexFile], body);
    const index = new Uint8Array(await Bun.file(indexFile).arrayBuffer());
    expect(index.length).toBeGreaterThan(0);
    await h.bunker.store.putObject("zip", "from-minio.log", new Blob([streamBytes]).stream(), {
      size: streamBytes.length,
      actualSize: body.length,
      userMeta: {},
      sysMeta: { "X-Minio-Internal-compression": new TextEncoder().encode(S2_COMPRESSION_ALGORITHM) },
      check: () => ({ etag: md5hex(body), partIndex: index }),
    });
    const got = await s3.send(new GetObjectCommand({ Bucket: "zip", Key: "from-minio.log" }));
    expect(got.ETag).toBe(`"${md5hex(body)}"`);
    expect(Buffer.from(await bytesOf(got.Body)).equals(Buffer.from(body))).toBe(true);
    await expectRanges("from-minio.log", body, [
      [8 * 1024 * 1024, 8 * 1024 * 1024 + 10],
      [9 * 1024 * 1024 - 100, 9 * 1024 * 1024 + 100],
      [body.length - 1, body.length - 1],
    ]);
  }, 120_000);
});
