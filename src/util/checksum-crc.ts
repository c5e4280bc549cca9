// The CRC families S3 uses for additional checksums: CRC-32 (Bun's native hash), CRC-32C and
// CRC-64/NVME (table-driven slice-by-8), plus `crcCombine` to join the CRCs of adjacent byte
// ranges without rereading them (S3 FULL_OBJECT multipart checksums).

/** A CRC kept as an unsigned number (32-bit) or bigint (64-bit) between updates. */
export type CrcKind = "CRC32" | "CRC32C" | "CRC64NVME";

/** Reflected polynomials of the three families. */
const CRC32C_POLY = 0x82f63b78;
const CRC64_POLY_LO = 0xac4bc9b5;
const CRC64_POLY_HI = 0x9a6c9329;
const CRC32_POLY_BIG = 0xedb88320n;
const CRC32C_POLY_BIG = 0x82f63b78n;
const CRC64_POLY_BIG = 0x9a6c9329ac4bc9b5n;

/** Slice-by-16 tables: 16 × 256 entries; for CRC-64 split into low and high 32-bit halves. */
interface Tables {
  c32c?: Uint32Array;
  c64lo?: Uint32Array;
  c64hi?: Uint32Array;
}

const SLICES = 16;

// Immutable lookup tables, computed on first use (not at import) and shared: they are constants.
const tables: Tables = {};

/** Word-at-a-time reads assume a little-endian host (every Bun target is); checked once. */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

function crc32cTable(): Uint32Array {
  if (tables.c32c) return tables.c32c;
  const t = new Uint32Array(SLICES * 256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ CRC32C_POLY : c >>> 1;
    t[i] = c >>> 0;
  }
  for (let s = 1; s < SLICES; s++) {
    for (let i = 0; i < 256; i++) {
      const prev = t[(s - 1) * 256 + i];
      t[s * 256 + i] = ((prev >>> 8) ^ t[prev & 0xff]) >>> 0;
    }
  }
  tables.c32c = t;
  return t;
}

function crc64Tables(): [Int32Array, Int32Array] {
  if (tables.c64lo && tables.c64hi) return [new Int32Array(tables.c64lo.buffer), new Int32Array(tables.c64hi.buffer)];
  const lo = new Uint32Array(SLICES * 256);
  const hi = new Uint32Array(SLICES * 256);
  for (let i = 0; i < 256; i++) {
    let l = i;
    let h = 0;
    for (let k = 0; k < 8; k++) {
      const bit = l & 1;
      l = (l >>> 1) | ((h & 1) << 31);
      h = h >>> 1;
      if (bit) {
        l ^= CRC64_POLY_LO;
        h ^= CRC64_POLY_HI;
      }
    }
    lo[i] = l >>> 0;
    hi[i] = h >>> 0;
  }
  for (let s = 1; s < SLICES; s++) {
    for (let i = 0; i < 256; i++) {
      const pl = lo[(s - 1) * 256 + i];
      const ph = hi[(s - 1) * 256 + i];
      const idx = pl & 0xff;
      lo[s * 256 + i] = (((pl >>> 8) | (ph << 24)) ^ lo[idx]) >>> 0;
      hi[s * 256 + i] = ((ph >>> 8) ^ hi[idx]) >>> 0;
    }
  }
  tables.c64lo = lo;
  tables.c64hi = hi;
  return [new Int32Array(lo.buffer), new Int32Array(hi.buffer)];
}

/** The 4-byte-aligned middle of `data` as little-endian words, and where it starts and ends. */
function alignedWords(data: Uint8Array): { head: number; words: Uint32Array } {
  if (!LITTLE_ENDIAN) return { head: data.length, words: new Uint32Array(0) };
  const head = Math.min(data.length, (4 - (data.byteOffset & 3)) & 3);
  const count = (data.length - head) >>> 2;
  if (count === 0) return { head, words: new Uint32Array(0) };
  return { head, words: new Uint32Array(data.buffer, data.byteOffset + head, count) };
}

/** CRC-32 (IEEE) continuing from `crc` (0 for a fresh one); Bun's native implementation. */
export function crc32Update(crc: number, data: Uint8Array): number {
  return Bun.hash.crc32(data, crc) >>> 0;
}

/** CRC-32C (Castagnoli) continuing from `crc` (0 for a fresh one). */
export function crc32cUpdate(crc: number, data: Uint8Array): number {
  const t = crc32cTable();
  let c = ~crc >>> 0;
  const { head, words: w } = alignedWords(data);
  for (let i = 0; i < head; i++) c = t[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  let j = 0;
  for (; w.length - j >= 4; j += 4) {
    const a = c ^ w[j],
      b = w[j + 1],
      d = w[j + 2],
      e = w[j + 3];
    c =
      t[3840 + (a & 0xff)] ^
      t[3584 + ((a >>> 8) & 0xff)] ^
      t[3328 + ((a >>> 16) & 0xff)] ^
      t[3072 + (a >>> 24)] ^
      t[2816 + (b & 0xff)] ^
      t[2560 + ((b >>> 8) & 0xff)] ^
      t[2304 + ((b >>> 16) & 0xff)] ^
      t[2048 + (b >>> 24)] ^
      t[1792 + (d & 0xff)] ^
      t[1536 + ((d >>> 8) & 0xff)] ^
      t[1280 + ((d >>> 16) & 0xff)] ^
      t[1024 + (d >>> 24)] ^
      t[768 + (e & 0xff)] ^
      t[512 + ((e >>> 8) & 0xff)] ^
      t[256 + ((e >>> 16) & 0xff)] ^
      t[e >>> 24];
  }
  for (let i = head + j * 4; i < data.length; i++) c = t[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

/** CRC-64/NVME continuing from `crc` (0n for a fresh one). */
export function crc64nvmeUpdate(crc: bigint, data: Uint8Array): bigint {
  const [tl, th] = crc64Tables();
  let lo = ~Number(crc & 0xffffffffn) >>> 0;
  let hi = ~Number(crc >> 32n) >>> 0;
  const { head, words: w } = alignedWords(data);
  for (let i = 0; i < head; i++) {
    const idx = (lo ^ data[i]) & 0xff;
    lo = ((lo >>> 8) | (hi << 24)) ^ tl[idx];
    hi = (hi >>> 8) ^ th[idx];
  }
  let j = 0;
  for (; w.length - j >= 4; j += 4) {
    const a = lo ^ w[j],
      b = hi ^ w[j + 1],
      c = w[j + 2],
      d = w[j + 3];
    const k0 = 3840 + (a & 0xff),
      k1 = 3584 + ((a >>> 8) & 0xff),
      k2 = 3328 + ((a >>> 16) & 0xff);
    const k3 = 3072 + (a >>> 24),
      k4 = 2816 + (b & 0xff),
      k5 = 2560 + ((b >>> 8) & 0xff);
    const k6 = 2304 + ((b >>> 16) & 0xff),
      k7 = 2048 + (b >>> 24),
      k8 = 1792 + (c & 0xff);
    const k9 = 1536 + ((c >>> 8) & 0xff),
      k10 = 1280 + ((c >>> 16) & 0xff),
      k11 = 1024 + (c >>> 24);
    const k12 = 768 + (d & 0xff),
      k13 = 512 + ((d >>> 8) & 0xff),
      k14 = 256 + ((d >>> 16) & 0xff),
      k15 = d >>> 24;
    lo = tl[k0] ^ tl[k1] ^ tl[k2] ^ tl[k3] ^ tl[k4] ^ tl[k5] ^ tl[k6] ^ tl[k7] ^ tl[k8] ^ tl[k9] ^ tl[k10] ^ tl[k11] ^ tl[k12] ^ tl[k13] ^ tl[k14] ^ tl[k15];
    hi = th[k0] ^ th[k1] ^ th[k2] ^ th[k3] ^ th[k4] ^ th[k5] ^ th[k6] ^ th[k7] ^ th[k8] ^ th[k9] ^ th[k10] ^ th[k11] ^ th[k12] ^ th[k13] ^ th[k14] ^ th[k15];
  }
  for (let i = head + j * 4; i < data.length; i++) {
    const idx = (lo ^ data[i]) & 0xff;
    lo = ((lo >>> 8) | (hi << 24)) ^ tl[idx];
    hi = (hi >>> 8) ^ th[idx];
  }
  return (BigInt(~hi >>> 0) << 32n) | BigInt(~lo >>> 0);
}

/** Width and reflected polynomial of each family, for the combination math. */
function params(kind: CrcKind): { width: number; poly: bigint } {
  switch (kind) {
    case "CRC32":
      return { width: 32, poly: CRC32_POLY_BIG };
    case "CRC32C":
      return { width: 32, poly: CRC32C_POLY_BIG };
    case "CRC64NVME":
      return { width: 64, poly: CRC64_POLY_BIG };
  }
}

/** a·b mod P in the reflected representation (the top bit is x^0). */
function multModP(a: bigint, b: bigint, width: number, poly: bigint): bigint {
  let m = 1n << BigInt(width - 1);
  let p = 0n;
  while (m !== 0n) {
    if (a & m) {
      p ^= b;
      if ((a & (m - 1n)) === 0n) break;
    }
    m >>= 1n;
    b = b & 1n ? (b >> 1n) ^ poly : b >> 1n;
  }
  return p;
}

/** x^(8·len) mod P: the operator that shifts a CRC over `len` zero bytes. */
function xPow8n(len: number, width: number, poly: bigint): bigint {
  let p = 1n << BigInt(width - 1); // x^0
  let sq = 1n << BigInt(width - 2); // x^1
  // Square up to x^8 first (one byte = 8 bit shifts), then binary exponentiation on len.
  for (let k = 0; k < 3; k++) sq = multModP(sq, sq, width, poly);
  let n = BigInt(len);
  while (n > 0n) {
    if (n & 1n) p = multModP(sq, p, width, poly);
    sq = multModP(sq, sq, width, poly);
    n >>= 1n;
  }
  return p;
}

/**
 * CRC of A‖B from crc(A), crc(B) and the byte length of B (all three families use
 * init = xorout = all ones, so the finished values combine directly).
 */
export function crcCombine(kind: CrcKind, crcA: bigint, crcB: bigint, lengthB: number): bigint {
  if (lengthB === 0) return crcA;
  const { width, poly } = params(kind);
  return multModP(xPow8n(lengthB, width, poly), crcA, width, poly) ^ crcB;
}
