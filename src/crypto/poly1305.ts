// Poly1305 one-time authenticator (RFC 8439 §2.5) in plain TypeScript. The accumulator lives in
// ten 13-bit limbs held in doubles, so every product sum stays far below 2^53 and is exact;
// key clamping and the final reduction mod 2^130−5 use BigInt because they run once per message.

const LIMBS = 10;
const BITS = 13;
const MASK = (1 << BITS) - 1;
const P = (1n << 130n) - 5n;

/** Little-endian bytes → BigInt. */
function leToBigInt(b: Uint8Array): bigint {
  let v = 0n;
  for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
  return v;
}

/** Fills `out` with the 13-bit limbs of the 17-byte little-endian value in `block` (plus two zero bytes of slack). */
function toLimbs(block: Uint8Array, out: Float64Array): void {
  for (let k = 0; k < LIMBS; k++) {
    const bit = BITS * k;
    const q = bit >> 3;
    out[k] = ((block[q] | (block[q + 1] << 8) | (block[q + 2] << 16)) >>> (bit & 7)) & MASK;
  }
}

/** Poly1305 tag (16 bytes) of `msg` under the 32-byte one-time key (r ‖ s). */
export function poly1305(key: Uint8Array, msg: Uint8Array): Uint8Array {
  if (key.length !== 32) throw new RangeError(`Poly1305 needs a 32-byte key, got ${key.length} bytes`);
  const rBig = leToBigInt(key.subarray(0, 16)) & 0x0ffffffc0ffffffc0ffffffc0fffffffn;
  const r = new Float64Array(LIMBS);
  for (let k = 0; k < LIMBS; k++) r[k] = Number((rBig >> BigInt(BITS * k)) & BigInt(MASK));
  const r5 = r.map((v) => 5 * v); // 2^130 ≡ 5 (mod p): limb products that wrap past limb 9 fold back ×5
  const h = new Float64Array(LIMBS);
  const m = new Float64Array(LIMBS);
  const d = new Float64Array(LIMBS);
  const block = new Uint8Array(19);
  for (let off = 0; off < msg.length; off += 16) {
    const n = Math.min(16, msg.length - off);
    block.fill(0);
    block.set(msg.subarray(off, off + n));
    block[n] = 1; // the 2^(8n) bit: byte 16 for a full block, right after the data for a short last one
    toLimbs(block, m);
    for (let k = 0; k < LIMBS; k++) h[k] += m[k];
    for (let i = 0; i < LIMBS; i++) {
      let sum = 0;
      for (let j = 0; j <= i; j++) sum += h[j] * r[i - j];
      for (let j = i + 1; j < LIMBS; j++) sum += h[j] * r5[i - j + LIMBS];
      d[i] = sum;
    }
    let carry = 0;
    for (let i = 0; i < LIMBS; i++) {
      const v = d[i] + carry;
      carry = Math.floor(v / (MASK + 1));
      h[i] = v - carry * (MASK + 1);
    }
    h[0] += carry * 5;
    carry = Math.floor(h[0] / (MASK + 1));
    h[0] -= carry * (MASK + 1);
    h[1] += carry;
  }
  let acc = 0n;
  for (let k = LIMBS - 1; k >= 0; k--) acc = (acc << BigInt(BITS)) + BigInt(h[k]);
  const tag = ((acc % P) + leToBigInt(key.subarray(16, 32))) & ((1n << 128n) - 1n);
  const out = new Uint8Array(16);
  for (let i = 0; i < 16; i++) out[i] = Number((tag >> BigInt(8 * i)) & 0xffn);
  return out;
}
