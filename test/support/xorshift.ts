// Deterministic test bytes: xorshift32 from a starting state (fast, reproducible, not crypto).
// The test helpers that want pseudo-random buffers derive their state from a seed their own way.

export function xorshiftBytes(n: number, state: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = state >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}
