// The SSE rows of `bun run bench:object`: 64 MiB and 4 KiB PUT/GET encrypted with SSE-S3 (the
// built-in KMS key, DARE 2.0 AES-256-GCM, as the S3 layer does it) next to the same without
// encryption, on the same store in the same run; and the runtime's raw AES-256-GCM throughput
// over the same bytes in 64 KiB packages (the ceiling of encryption alone).
import { createCipheriv, randomBytes } from "node:crypto";
import { BuiltinKms, DareEncryptor } from "../../src/crypto/index.ts";
import type { ObjectStore } from "../../src/object/index.ts";
import { newObjectKey } from "../../src/s3/sse/sse-keys.ts";
import { sseReader } from "../../src/s3/sse/sse-read.ts";
import { storedStream } from "../../src/s3/sse/sse-write.ts";
import { bodyOf, drain } from "./streams.ts";

const MIB = 1024 * 1024;

const round = (x: number) => Math.round(x * 10) / 10;

async function seconds(f: () => Promise<void>): Promise<number> {
  const t = performance.now();
  await f();
  return (performance.now() - t) / 1000;
}

/** AES-256-GCM over `data` in 64 KiB packages, as DARE seals them: MiB/s. */
function aesCeiling(data: Uint8Array): { raw_gcm_mib_s: number; dare_encrypt_mib_s: number } {
  const key = randomBytes(32);
  const iv = randomBytes(12);
  let t = performance.now();
  for (let off = 0; off < data.length; off += 65536) {
    const c = createCipheriv("aes-256-gcm", key, iv);
    c.update(data.subarray(off, off + 65536));
    c.final();
    c.getAuthTag();
  }
  const raw = data.length / MIB / ((performance.now() - t) / 1000);
  t = performance.now();
  const enc = new DareEncryptor(key);
  for (let off = 0; off < data.length; off += MIB) enc.push(data.subarray(off, off + MIB));
  enc.end();
  const dare = data.length / MIB / ((performance.now() - t) / 1000);
  return { raw_gcm_mib_s: round(raw), dare_encrypt_mib_s: round(dare) };
}

/** Plain and SSE-S3 PUT/GET of `size`-byte objects, `count` each, one at a time. */
async function pair(store: ObjectStore, kms: BuiltinKms, data: Uint8Array, size: number, count: number) {
  const body = data.subarray(0, size);
  const rows: Record<string, { put_mib_s: number; get_mib_s: number; put_ops_s: number; get_ops_s: number }> = {};
  for (const mode of ["plain", "sse-s3"] as const) {
    const keys = Array.from({ length: count }, (_, i) => `sse-bench/${mode}/${size}/${i}`);
    const put = await seconds(async () => {
      for (const key of keys) {
        if (mode === "plain") {
          await store.putObject("bench", key, bodyOf(body), { size, userMeta: {} });
          continue;
        }
        const made = await newObjectKey(kms, "bench", key, { kind: "SSE-S3" });
        const form = { key: made.objectKey };
        const enc = storedStream(bodyOf(body), size, () => form, form);
        await store.putObject("bench", key, enc.stream, { size: enc.size, actualSize: size, userMeta: {}, sysMeta: made.sysMeta });
      }
    });
    const get = await seconds(async () => {
      for (const key of keys) {
        const reader = mode === "plain" ? undefined : sseReader(kms, {});
        const res = await store.getObject("bench", key, { stored: reader?.stored });
        const plan = reader?.plan();
        const got = await drain(plan ? plan.decrypt(res.body) : res.body);
        if (got !== size) throw new Error(`GET returned ${got} of ${size} bytes`);
      }
    });
    rows[mode] = {
      put_mib_s: round((size * count) / MIB / put),
      get_mib_s: round((size * count) / MIB / get),
      put_ops_s: round(count / put),
      get_ops_s: round(count / get),
    };
    for (const key of keys) await store.deleteObject("bench", key);
  }
  const ratio = (a: number, b: number) => (b ? Math.round((1000 * a) / b) / 1000 : null);
  return {
    ...rows,
    put_sse_vs_plain: ratio(rows["sse-s3"].put_mib_s, rows.plain.put_mib_s),
    get_sse_vs_plain: ratio(rows["sse-s3"].get_mib_s, rows.plain.get_mib_s),
  };
}

export async function sseRows(store: ObjectStore, data: Uint8Array): Promise<object> {
  const kms = new BuiltinKms(`bench-key:${Buffer.from(randomBytes(32)).toString("base64")}`);
  return {
    "64m": await pair(store, kms, data, 64 * MIB, 4),
    "4k": await pair(store, kms, data, 4096, 200),
    ceiling: aesCeiling(data.subarray(0, 64 * MIB)),
  };
}
