// Object placement, pure and byte-for-byte MinIO's (SPEC §1.3, §3.1, §3.3): the erasure set of an
// object (SipHash-2-4 keyed by the deployment id, or CRCMOD), the shard order (hashOrder), parity
// defaults. SipHash runs on every request, so it works on 32-bit halves instead of BigInt.
// The default parity for a set size is shared with config/ through util/.
export { defaultParity, defaultRrsParity } from "../util/index.ts";

/** An object name as text, or raw bytes (names that are not valid UTF-8). */
export type PlacementKey = string | Uint8Array;

/** Set index of `key` among `cardinality` sets (MinIO's SIPMOD); -1 when cardinality <= 0. */
export type SetHasher = (key: PlacementKey, cardinality: number) => number;

// "somepseudorandomlygeneratedbytes", the SipHash initialisation constants, as 32-bit halves.
const IV = [0x736f6d65, 0x70736575, 0x646f7261, 0x6e646f6d, 0x6c796765, 0x6e657261, 0x74656462, 0x79746573];

/** The 16 key bytes of a UUID string (format.json "id") as four little-endian 32-bit words. */
export function deploymentKey(deploymentId: string): Uint32Array {
  const hex = deploymentId.replace(/-/g, "");
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new TypeError(`Invalid deployment id "${deploymentId}": expected a UUID`);
  const words = new Uint32Array(4);
  for (let w = 0; w < 4; w++) {
    let v = 0;
    for (let b = 3; b >= 0; b--) v = (v << 8) | parseInt(hex.slice((w * 4 + b) * 2, (w * 4 + b) * 2 + 2), 16);
    words[w] = v >>> 0;
  }
  return words;
}

/**
 * A SipHash-2-4 set hasher bound to one deployment id; reuses its buffers, so keep one per
 * object layer rather than calling `sipHashMod` per request.
 */
export function createSipHashMod(deploymentId: string): SetHasher {
  const init = initialState(deploymentKey(deploymentId));
  const out = new Int32Array(2);
  const encoder = new TextEncoder();
  let scratch = new Uint8Array(256);
  return (key, cardinality) => {
    if (cardinality <= 0) return -1;
    let bytes: Uint8Array;
    let len: number;
    if (typeof key === "string") {
      if (scratch.length < key.length * 3) scratch = new Uint8Array(key.length * 3);
      len = encoder.encodeInto(key, scratch).written;
      bytes = scratch;
    } else {
      bytes = key;
      len = key.length;
    }
    sipHash24(init, bytes, len, out);
    return mod64(out[0] >>> 0, out[1] >>> 0, cardinality);
  };
}

/** The full 64-bit SipHash-2-4 of `key` under the UUID `deploymentId` (for tests and tools). */
export function sipHash64(key: Uint8Array, deploymentId: string): bigint {
  const out = new Int32Array(2);
  sipHash24(initialState(deploymentKey(deploymentId)), key, key.length, out);
  return (BigInt(out[0] >>> 0) << 32n) | BigInt(out[1] >>> 0);
}

/** Set index of `key` with SipHash-2-4 keyed by `deploymentId` (convenience; see createSipHashMod). */
export function sipHashMod(key: PlacementKey, cardinality: number, deploymentId: string): number {
  return createSipHashMod(deploymentId)(key, cardinality);
}

/** Set index of `key` for legacy CRCMOD deployments: crc32-IEEE(key) mod cardinality. */
export function crcHashMod(key: PlacementKey, cardinality: number): number {
  if (cardinality <= 0) return -1;
  return Bun.hash.crc32(key) % cardinality;
}

/**
 * Shard order for a new object (xl.meta EcDist): start = crc32(key) mod n, then
 * order[i-1] = 1 + (start + i) mod n. `key` is "bucket/object". Readers use the stored order.
 */
export function hashOrder(key: PlacementKey, n: number): number[] {
  if (n <= 0) return [];
  const start = Bun.hash.crc32(key) % n;
  const order = new Array<number>(n);
  for (let i = 1; i <= n; i++) order[i - 1] = 1 + ((start + i) % n);
  return order;
}

/** v0..v3 after keying: k0 = key words 0 (low) and 1 (high), k1 = words 2 and 3. */
function initialState(k: Uint32Array): Int32Array {
  return new Int32Array([IV[0] ^ k[1], IV[1] ^ k[0], IV[2] ^ k[3], IV[3] ^ k[2], IV[4] ^ k[1], IV[5] ^ k[0], IV[6] ^ k[3], IV[7] ^ k[2]]);
}

/** (hi·2^32 + lo) mod c without BigInt while the intermediate stays below 2^53. */
function mod64(hi: number, lo: number, c: number): number {
  if (c <= 0x1fffff) return ((hi % c) * 0x100000000 + lo) % c;
  return Number(((BigInt(hi) << 32n) | BigInt(lo)) % BigInt(c));
}

/**
 * SipHash-2-4 of `len` bytes of `m` from the keyed state `init` (v0h v0l v1h v1l v2h v2l v3h
 * v3l); writes the 64-bit result to out[0] (high) and out[1] (low). One function with the
 * state in int32 locals so the JIT keeps it in registers.
 */
function sipHash24(init: Int32Array, m: Uint8Array, len: number, out: Int32Array): void {
  let v0h = init[0],
    v0l = init[1],
    v1h = init[2],
    v1l = init[3];
  let v2h = init[4],
    v2l = init[5],
    v3h = init[6],
    v3l = init[7];
  const end = len - (len % 8);
  let mh = 0,
    ml = 0,
    t = 0,
    n = 2;
  for (let i = 0; n === 2; i += 8) {
    if (i < end) {
      ml = m[i] | (m[i + 1] << 8) | (m[i + 2] << 16) | (m[i + 3] << 24);
      mh = m[i + 4] | (m[i + 5] << 8) | (m[i + 6] << 16) | (m[i + 7] << 24);
    } else if (i === end) {
      // Last word: remaining bytes little-endian, length mod 256 in the top byte.
      ml = 0;
      mh = (len & 0xff) << 24;
      for (let j = end; j < len; j++) {
        const shift = (j - end) * 8;
        if (shift < 32) ml |= m[j] << shift;
        else mh |= m[j] << (shift - 32);
      }
    } else {
      // Finalisation: no message word, v2 ^= 0xff, four rounds.
      mh = 0;
      ml = 0;
      v2l ^= 0xff;
      n = 4;
    }
    v3h ^= mh;
    v3l ^= ml;
    // Everything stays int32 (JSC keeps uint32 values above 2^31 as doubles): the carry out
    // of a low-word sum s = a + b is bit 31 of (a & b) | ((a | b) & ~s).
    for (let r = 0; r < n; r++) {
      // v0 += v1; v1 = rotl(v1, 13); v1 ^= v0; v0 = rotl(v0, 32)
      t = (v0l + v1l) | 0;
      v0h = (((v0h + v1h) | 0) + (((v0l & v1l) | ((v0l | v1l) & ~t)) >>> 31)) | 0;
      v0l = t;
      t = (v1h << 13) | (v1l >>> 19);
      v1l = (v1l << 13) | (v1h >>> 19);
      v1h = t;
      v1h ^= v0h;
      v1l ^= v0l;
      t = v0h;
      v0h = v0l;
      v0l = t;
      // v2 += v3; v3 = rotl(v3, 16); v3 ^= v2
      t = (v2l + v3l) | 0;
      v2h = (((v2h + v3h) | 0) + (((v2l & v3l) | ((v2l | v3l) & ~t)) >>> 31)) | 0;
      v2l = t;
      t = (v3h << 16) | (v3l >>> 16);
      v3l = (v3l << 16) | (v3h >>> 16);
      v3h = t;
      v3h ^= v2h;
      v3l ^= v2l;
      // v0 += v3; v3 = rotl(v3, 21); v3 ^= v0
      t = (v0l + v3l) | 0;
      v0h = (((v0h + v3h) | 0) + (((v0l & v3l) | ((v0l | v3l) & ~t)) >>> 31)) | 0;
      v0l = t;
      t = (v3h << 21) | (v3l >>> 11);
      v3l = (v3l << 21) | (v3h >>> 11);
      v3h = t;
      v3h ^= v0h;
      v3l ^= v0l;
      // v2 += v1; v1 = rotl(v1, 17); v1 ^= v2; v2 = rotl(v2, 32)
      t = (v2l + v1l) | 0;
      v2h = (((v2h + v1h) | 0) + (((v2l & v1l) | ((v2l | v1l) & ~t)) >>> 31)) | 0;
      v2l = t;
      t = (v1h << 17) | (v1l >>> 15);
      v1l = (v1l << 17) | (v1h >>> 15);
      v1h = t;
      v1h ^= v2h;
      v1l ^= v2l;
      t = v2h;
      v2h = v2l;
      v2l = t;
    }
    v0h ^= mh;
    v0l ^= ml;
  }
  out[0] = v0h ^ v1h ^ v2h ^ v3h;
  out[1] = v0l ^ v1l ^ v2l ^ v3l;
}
