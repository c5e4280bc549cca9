// S2 block encoding: a greedy LZ77 matcher (one 4-byte hash table, skip-ahead on misses) that
// emits S2 tags, using S2's repeat copies for repeated offsets and long matches. Its output
// differs from klauspost's encoders byte for byte but decodes with any S2 decoder.
import { CompressError } from "./compress-error.ts";
import { s2MaxEncodedLength } from "./s2-frame.ts";

const HASH_BITS = 16;
const HASH_SHIFT = 32 - HASH_BITS;
/** Below this many bytes a block is stored as one literal (as S2's encoders do). */
const S2_MIN_MATCHED_BLOCK = 32;
/** No match starts in the last bytes of a block, so 4-byte loads never read past it. */
const INPUT_MARGIN = 8;

/** Reusable S2 block encoder: owns its hash table, so hold one per writer. */
export class S2BlockEncoder {
  #table = new Int32Array(1 << HASH_BITS);

  /** Encodes `src` as a complete block (length varint included). */
  encode(src: Uint8Array): Uint8Array {
    const dst = new Uint8Array(s2MaxEncodedLength(src.length));
    let n = this.encodeInto(src, dst, 0, dst.length);
    // Matches can, rarely, cost more than they save: then the block is one literal run.
    if (n === 0) n = emitLiteral(dst, uvarintPut(dst, 0, src.length), dst.length, src, 0, src.length);
    return dst.subarray(0, n);
  }

  /**
   * Writes the block encoding of `src` at `dst[pos…]` and returns its length, or 0 when it would
   * not fit in `limit` bytes (the caller then stores the block uncompressed).
   */
  encodeInto(src: Uint8Array, dst: Uint8Array, pos: number, limit: number): number {
    if (src.length > 0xffffffff) throw new CompressError("InvalidArgument", `Cannot encode an S2 block of ${src.length} bytes`);
    if (limit > dst.length - pos) limit = dst.length - pos;
    const d = uvarintPut(dst, pos, src.length);
    const end = pos + limit;
    const out = src.length === 0 ? d : src.length < S2_MIN_MATCHED_BLOCK ? emitLiteral(dst, d, end, src, 0, src.length) : this.#matchAll(src, dst, d, end);
    return out < 0 ? 0 : out - pos;
  }

  /** The greedy match loop; returns the end of the output or −1 when it passes `end`. */
  #matchAll(src: Uint8Array, dst: Uint8Array, d: number, end: number): number {
    const table = this.#table;
    table.fill(-1);
    const view = new DataView(src.buffer, src.byteOffset, src.byteLength);
    const n = src.length;
    const sLimit = n - INPUT_MARGIN;
    let nextEmit = 0;
    let lastOffset = 0;
    let s = 1;
    outer: while (s <= sLimit) {
      let skip = 32;
      let cand: number;
      let cur: number;
      for (;;) {
        cur = view.getInt32(s, true);
        const h = Math.imul(cur, 0x1e35a7bd) >>> HASH_SHIFT;
        cand = table[h];
        table[h] = s;
        if (cand >= 0 && view.getInt32(cand, true) === cur) break;
        s += skip >>> 5;
        skip++;
        if (s > sLimit) break outer;
      }
      while (cand > 0 && s > nextEmit && src[cand - 1] === src[s - 1]) {
        cand--;
        s--;
      }
      if (s > nextEmit) {
        d = emitLiteral(dst, d, end, src, nextEmit, s);
        if (d < 0) return -1;
      }
      const base = s;
      s += 4;
      let c = cand + 4;
      while (s + 4 <= n && view.getInt32(s, true) === view.getInt32(c, true)) {
        s += 4;
        c += 4;
      }
      while (s < n && src[s] === src[c]) {
        s++;
        c++;
      }
      const offset = base - cand;
      if (end - d < 11) return -1;
      d = offset === lastOffset ? emitRepeat(dst, d, s - base) : emitCopy(dst, d, offset, s - base);
      lastOffset = offset;
      nextEmit = s;
      if (s > sLimit) break;
      // Index a position inside the match too, so the next search finds nearby repeats.
      const p = s - 2;
      table[Math.imul(view.getInt32(p, true), 0x1e35a7bd) >>> HASH_SHIFT] = p;
    }
    if (nextEmit < n) return emitLiteral(dst, d, end, src, nextEmit, n);
    return d;
  }
}

function uvarintPut(dst: Uint8Array, d: number, v: number): number {
  while (v >= 0x80) {
    dst[d++] = (v & 0x7f) | 0x80;
    v = Math.floor(v / 128);
  }
  dst[d++] = v;
  return d;
}

/** A literal run src[from, to): tag (with 1–4 extra length bytes past 60) and the bytes. */
function emitLiteral(dst: Uint8Array, d: number, end: number, src: Uint8Array, from: number, to: number): number {
  const len = to - from;
  const n = len - 1;
  if (d + len + (n < 60 ? 1 : n < 1 << 8 ? 2 : n < 1 << 16 ? 3 : n < 1 << 24 ? 4 : 5) > end) return -1;
  if (n < 60) dst[d++] = n << 2;
  else if (n < 1 << 8) {
    dst[d++] = 60 << 2;
    dst[d++] = n;
  } else if (n < 1 << 16) {
    dst[d++] = 61 << 2;
    dst[d++] = n & 0xff;
    dst[d++] = n >>> 8;
  } else if (n < 1 << 24) {
    dst[d++] = 62 << 2;
    dst[d++] = n & 0xff;
    dst[d++] = (n >>> 8) & 0xff;
    dst[d++] = n >>> 16;
  } else {
    dst[d++] = 63 << 2;
    dst[d++] = n & 0xff;
    dst[d++] = (n >>> 8) & 0xff;
    dst[d++] = (n >>> 16) & 0xff;
    dst[d++] = n >>> 24;
  }
  if (len < 16) for (let i = from; i < to; i++) dst[d++] = src[i];
  else {
    dst.set(src.subarray(from, to), d);
    d += len;
  }
  return d;
}

/** A repeat of the previous offset (copy-1 tag with offset 0), length ≥ 4. */
function emitRepeat(dst: Uint8Array, d: number, length: number): number {
  if (length <= 8) {
    dst[d++] = ((length - 4) << 2) | 1;
    dst[d++] = 0;
  } else if (length < 264) {
    dst[d++] = (5 << 2) | 1;
    dst[d++] = 0;
    dst[d++] = length - 8;
  } else if (length < 65796) {
    const v = length - 260;
    dst[d++] = (6 << 2) | 1;
    dst[d++] = 0;
    dst[d++] = v & 0xff;
    dst[d++] = v >>> 8;
  } else {
    const v = length - 65540;
    dst[d++] = (7 << 2) | 1;
    dst[d++] = 0;
    dst[d++] = v & 0xff;
    dst[d++] = (v >>> 8) & 0xff;
    dst[d++] = v >>> 16;
  }
  return d;
}

/** A copy of `length` ≥ 4 bytes from `offset` back; long copies continue as a repeat. */
function emitCopy(dst: Uint8Array, d: number, offset: number, length: number): number {
  if (offset < 2048) {
    if (length <= 11) {
      dst[d++] = ((offset >>> 8) << 5) | ((length - 4) << 2) | 1;
      dst[d++] = offset & 0xff;
      return d;
    }
    if (length > 64) {
      dst[d++] = ((offset >>> 8) << 5) | (4 << 2) | 1;
      dst[d++] = offset & 0xff;
      return emitRepeat(dst, d, length - 8);
    }
  }
  const first = length > 64 ? 60 : length;
  if (offset < 65536) {
    dst[d++] = ((first - 1) << 2) | 2;
    dst[d++] = offset & 0xff;
    dst[d++] = offset >>> 8;
  } else {
    dst[d++] = ((first - 1) << 2) | 3;
    dst[d++] = offset & 0xff;
    dst[d++] = (offset >>> 8) & 0xff;
    dst[d++] = (offset >>> 16) & 0xff;
    dst[d++] = offset >>> 24;
  }
  return first === length ? d : emitRepeat(dst, d, length - first);
}

/** One-shot block encoding with a fresh encoder. */
export function encodeS2Block(src: Uint8Array): Uint8Array {
  return new S2BlockEncoder().encode(src);
}
