// Test and benchmark inputs for src/compress: deterministic noise (incompressible) and
// log-like text (compressible), so failures and numbers reproduce run to run.

/** Pseudo-random bytes from a xorshift32 generator seeded with `seed`. */
export function noise(n: number, seed = 1): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed | 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** Access-log-like ASCII lines: repetitive words with varying numbers. */
export function textLike(n: number, seed = 0): Uint8Array {
  const words = ["GET", "PUT", "/bucket/object", "200", "404", "bytes=0-99", "user-agent", "minio", "bunker", "\n"];
  const parts: string[] = [];
  let len = 0;
  for (let i = 0; len < n; i++) {
    const w = `${words[(i * 7 + seed) % words.length]} ${(i * 31 + seed) % 1000} `;
    parts.push(w);
    len += w.length;
  }
  return new TextEncoder().encode(parts.join("")).subarray(0, n);
}
