// Test and benchmark inputs for src/compress: deterministic noise (incompressible) and
// log-like text (compressible), so failures and numbers reproduce run to run.
import { xorshiftBytes } from "./xorshift.ts";

/** Pseudo-random bytes from a xorshift32 generator seeded with `seed`. */
export function noise(n: number, seed = 1): Uint8Array {
  return xorshiftBytes(n, seed | 1);
}

/** Access-log-like ASCII lines: fixed field names, random ids, paths and numbers (S2 keeps ~30% of it). */
export function textLike(n: number, seed = 0): Uint8Array {
  const words = ["photos", "logs", "backup", "reports", "2026", "daily", "user", "tmp", "archive", "data", "index", "v2"];
  const methods = ["GET", "GET", "GET", "PUT", "HEAD", "DELETE"];
  let x = (seed * 2654435761 + 1) | 1;
  const next = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
  const out = new Uint8Array(n);
  const enc = new TextEncoder();
  let at = 0;
  for (let i = 0; at < n; i++) {
    const r = next();
    const path = `${words[r % 12]}/${words[(r >>> 4) % 12]}/${(r >>> 8) % 10000}.json`;
    const line = `2026-12-08T00:${String((i >> 6) % 60).padStart(2, "0")}:${String(i % 60).padStart(2, "0")}.${String(next() % 1000).padStart(3, "0")}Z INFO request id=${next().toString(16).padStart(8, "0")} method=${methods[r % 6]} path=/bucket/${path} status=${r % 17 === 0 ? 404 : 200} bytes=${next() % 100000} took=${next() % 500}ms\n`;
    const { written } = enc.encodeInto(line, out.subarray(at));
    at += written;
  }
  return out;
}
