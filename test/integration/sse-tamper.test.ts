// Damage to an encrypted object: a changed byte in one drive's shard is caught by bitrot and the
// read is served from the other drives (and the drive healed); bytes changed consistently on
// every drive — a package, the sealed key — fail the DARE check and are never served: an error
// response when it is the first package or the key, a body cut short (never wrong bytes) after.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { pattern, startS3, type S3Harness } from "../support/s3-harness.ts";
import { TempDirs } from "../support/temp-dirs.ts";

const temp = new TempDirs();
let h: S3Harness;
let s3: S3Client;
const body = pattern(3_000_000, 9);

beforeAll(async () => {
  h = await startS3(temp, { env: { MINIO_KMS_SECRET_KEY: `tamper-key:${Buffer.alloc(32, 1).toString("base64")}` } });
  s3 = h.client();
  await s3.send(new CreateBucketCommand({ Bucket: "tamper" }));
});
afterAll(async () => {
  await h?.close();
  temp.cleanup();
});

function partFiles(key: string): string[] {
  const out: string[] = [];
  for (const d of h.drives) {
    const dir = join(d, "tamper", key);
    for (const sub of readdirSync(dir)) {
      const p = join(dir, sub);
      if (statSync(p).isDirectory()) out.push(join(p, "part.1"));
    }
  }
  return out;
}

test("a byte changed on one drive is caught by bitrot; the read is whole and right", async () => {
  await s3.send(new PutObjectCommand({ Bucket: "tamper", Key: "one", Body: body, ServerSideEncryption: "AES256" }));
  const file = partFiles("one")[0];
  const bytes = readFileSync(file);
  bytes[100] ^= 0xff;
  writeFileSync(file, bytes);
  const got = await s3.send(new GetObjectCommand({ Bucket: "tamper", Key: "one" }));
  expect(Buffer.from(await got.Body!.transformToByteArray()).equals(Buffer.from(body))).toBe(true);
});

/** Stores `key` again through the layer: the same SSE metadata, with `change` applied to the ciphertext or the metadata. */
async function storeChanged(src: string, key: string, change: (c: Uint8Array, sse: Record<string, string>) => void): Promise<void> {
  const res = await h.bunker.store.getObject("tamper", src, { stored: (info) => ({ info, range: { start: 0, end: info.storedSize - 1 } }) });
  const ciphertext = new Uint8Array(await new Response(res.body).arrayBuffer());
  const sse = { ...res.info.sse! };
  change(ciphertext, sse);
  // The sealed key is bound to bucket/object, so the changed copy is stored over the source.
  await h.bunker.store.putObject("tamper", key, new Blob([ciphertext]).stream(), {
    size: ciphertext.length,
    actualSize: res.info.size,
    userMeta: {},
    sysMeta: Object.fromEntries(Object.entries(sse).map(([k, v]) => [k, new TextEncoder().encode(v)])),
    check: () => ({ etag: res.info.etag }),
  });
}

const outcome = (p: Promise<{ Body?: { transformToByteArray(): Promise<Uint8Array> } }>) =>
  p.then(
    async (r) => {
      try {
        const got = await r.Body!.transformToByteArray();
        return Buffer.from(got).equals(Buffer.from(body)) ? "right bytes" : `wrong bytes (${got.length})`;
      } catch {
        return "body cut short";
      }
    },
    (e: { name: string; $metadata?: { httpStatusCode?: number } }) => `${e.name} ${e.$metadata?.httpStatusCode}`,
  );

test("consistently changed data or keys are never served", async () => {
  for (const key of ["pkg0", "pkg40", "sealed"]) {
    await s3.send(new PutObjectCommand({ Bucket: "tamper", Key: key, Body: body, ServerSideEncryption: "AES256" }));
  }
  await storeChanged("pkg0", "pkg0", (c) => {
    c[40] ^= 1; // inside the first package
  });
  await storeChanged("pkg40", "pkg40", (c) => {
    c[40 * 65568 + 40] ^= 1; // inside the 41st, past the first block the read hands on
  });
  await storeChanged("sealed", "sealed", (_c, sse) => {
    const k = "X-Minio-Internal-Server-Side-Encryption-S3-Sealed-Key";
    const raw = Buffer.from(sse[k], "base64");
    raw[30] ^= 1;
    sse[k] = raw.toString("base64");
  });
  // A damaged package in the first block read is an error response (the answer has not started).
  expect(await outcome(s3.send(new GetObjectCommand({ Bucket: "tamper", Key: "pkg0" })))).toBe("XMinioObjectTampered 500");
  expect(await outcome(s3.send(new GetObjectCommand({ Bucket: "tamper", Key: "pkg40" })))).toBe("body cut short");
  expect(await outcome(s3.send(new GetObjectCommand({ Bucket: "tamper", Key: "sealed" })))).toBe("XMinioObjectTampered 500");
  // A range that avoids the changed package still reads.
  const r = await s3.send(new GetObjectCommand({ Bucket: "tamper", Key: "pkg40", Range: "bytes=0-65535" }));
  expect(await r.Body!.transformToByteArray()).toEqual(body.subarray(0, 65536));
});
