// Test-only helpers for ec tests: where the read-only MinIO fixtures live, the vector
// input pattern, hex and SHA-256 helpers. Never imported by product code.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";

/** ../shared/minio-format beside the repository (DESIGN.md §5: read-only truth). */
export const FORMAT_DIR = resolve(import.meta.dir, "../../../shared/minio-format");

// biome-ignore lint/suspicious/noExplicitAny: JSON vectors are untyped data; each test names the shape it reads
export function readVector<T = any>(rel: string): T {
  return JSON.parse(readFileSync(resolve(FORMAT_DIR, rel), "utf8")) as T;
}

export function readFixture(rel: string): Uint8Array {
  return new Uint8Array(readFileSync(resolve(FORMAT_DIR, rel)));
}

/** The vectors' input: byte i = (i*7 + 3) mod 256. */
export function pattern(length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (i * 7 + 3) & 0xff;
  return out;
}

export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
}

export function fromHex(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, "hex"));
}

export function sha256(bytes: Uint8Array): string {
  return new Bun.CryptoHasher("sha256").update(bytes).digest("hex");
}

/** Deterministic PRNG (xorshift32) so randomized tests can be replayed from their seed. */
export function rng(seed: number): { int(n: number): number; bytes(n: number): Uint8Array } {
  let s = seed >>> 0 || 1;
  const next = () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
  return {
    int: (n) => next() % n,
    bytes: (n) => {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = next() & 0xff;
      return out;
    },
  };
}
