// ChaCha20 (RFC 8439 §2.3–2.4) and HChaCha20 (draft-irtf-cfrg-xchacha §2.2) in plain TypeScript:
// Bun's node:crypto has no chacha20 cipher, and the inputs here (config objects, admin bodies,
// 32-byte data keys) are small enough that a scalar implementation is plenty.

const SIGMA = [0x61707865, 0x3320646e, 0x79622d32, 0x6b206574]; // "expand 32-byte k"

function rotl(x: number, n: number): number {
  return (x << n) | (x >>> (32 - n));
}

/** Runs the 20 ChaCha rounds on `x` in place (10 column + 10 diagonal rounds). */
function rounds(x: Uint32Array): void {
  const qr = (a: number, b: number, c: number, d: number) => {
    x[a] = (x[a] + x[b]) | 0;
    x[d] = rotl(x[d] ^ x[a], 16);
    x[c] = (x[c] + x[d]) | 0;
    x[b] = rotl(x[b] ^ x[c], 12);
    x[a] = (x[a] + x[b]) | 0;
    x[d] = rotl(x[d] ^ x[a], 8);
    x[c] = (x[c] + x[d]) | 0;
    x[b] = rotl(x[b] ^ x[c], 7);
  };
  for (let i = 0; i < 10; i++) {
    qr(0, 4, 8, 12);
    qr(1, 5, 9, 13);
    qr(2, 6, 10, 14);
    qr(3, 7, 11, 15);
    qr(0, 5, 10, 15);
    qr(1, 6, 11, 12);
    qr(2, 7, 8, 13);
    qr(3, 4, 9, 14);
  }
}

function view(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

/** The initial state: constants, 32-byte key, then 16 bytes of counter/nonce words. */
function initState(key: Uint8Array, tail: Uint8Array): Uint32Array {
  if (key.length !== 32) throw new RangeError(`ChaCha20 needs a 32-byte key, got ${key.length} bytes`);
  if (tail.length !== 16) throw new RangeError(`ChaCha20 state tail must be 16 bytes, got ${tail.length}`);
  const s = new Uint32Array(16);
  s.set(SIGMA);
  const k = view(key);
  for (let i = 0; i < 8; i++) s[4 + i] = k.getUint32(4 * i, true);
  const t = view(tail);
  for (let i = 0; i < 4; i++) s[12 + i] = t.getUint32(4 * i, true);
  return s;
}

/**
 * XORs `input` with the ChaCha20 key stream for (key, 12-byte nonce) starting at block `counter`
 * (RFC 8439 §2.4). Encryption and decryption are the same operation.
 */
export function chacha20Xor(key: Uint8Array, nonce: Uint8Array, counter: number, input: Uint8Array): Uint8Array {
  if (nonce.length !== 12) throw new RangeError(`ChaCha20 needs a 12-byte nonce, got ${nonce.length} bytes`);
  const blocks = Math.ceil(input.length / 64);
  if (counter < 0 || counter + blocks > 0x1_0000_0000) throw new RangeError("ChaCha20 block counter would overflow");
  const tail = new Uint8Array(16);
  tail.set(nonce, 4);
  const state = initState(key, tail);
  const x = new Uint32Array(16);
  const ks = new Uint8Array(64);
  const ksView = view(ks);
  const out = new Uint8Array(input.length);
  for (let b = 0; b < blocks; b++) {
    state[12] = counter + b;
    x.set(state);
    rounds(x);
    for (let i = 0; i < 16; i++) ksView.setUint32(4 * i, (x[i] + state[i]) >>> 0, true);
    const off = 64 * b;
    const n = Math.min(64, input.length - off);
    for (let i = 0; i < n; i++) out[off + i] = input[off + i] ^ ks[i];
  }
  return out;
}

/** HChaCha20(key, 16-byte nonce) → 32-byte subkey: the rounds without the final addition, words 0–3 and 12–15. */
export function hchacha20(key: Uint8Array, nonce16: Uint8Array): Uint8Array {
  const x = initState(key, nonce16);
  rounds(x);
  const out = new Uint8Array(32);
  const o = view(out);
  for (let i = 0; i < 4; i++) {
    o.setUint32(4 * i, x[i], true);
    o.setUint32(16 + 4 * i, x[12 + i], true);
  }
  return out;
}
