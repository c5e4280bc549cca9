// S2 block decoding: the varint length header, then literal and copy tags, including S2's
// repeat copies (a copy-1 tag with offset 0 reuses the previous offset with a longer length).
// Every bound is checked before the bytes are touched: malformed input throws CompressError.
import { CompressError } from "./compress-error.ts";
import { S2_MAX_BLOCK_SIZE } from "./s2-frame.ts";

/** The decoded length a block announces, and how many bytes its varint header takes. */
export interface S2BlockHeader {
  /** Uncompressed length of the block. */
  length: number;
  /** Bytes of the uvarint length prefix. */
  headerLength: number;
}

/** Reads the uvarint length prefix of an S2 block (at most 5 bytes, value ≤ 2^32 − 1). */
export function s2DecodedLength(src: Uint8Array, start = 0, end = src.length): S2BlockHeader {
  let value = 0;
  let scale = 1;
  for (let i = start; i < end && i < start + 5; i++) {
    const b = src[i];
    value += (b & 0x7f) * scale;
    if (b < 0x80) {
      if (value > 0xffffffff) break;
      return { length: value, headerLength: i - start + 1 };
    }
    scale *= 128;
  }
  throw new CompressError("Corrupt", "Cannot decode an S2 block: its length header is malformed");
}

/** Decodes one whole S2 block; `maxLength` caps the announced size before anything is allocated. */
export function decodeS2Block(src: Uint8Array, maxLength = S2_MAX_BLOCK_SIZE): Uint8Array {
  const { length, headerLength } = s2DecodedLength(src);
  if (length > maxLength) throw new CompressError("Corrupt", `Cannot decode an S2 block of ${length} bytes: the limit is ${maxLength}`);
  const dst = new Uint8Array(length);
  decodeS2BlockInto(src, headerLength, src.length, dst);
  return dst;
}

/**
 * Decodes the tags in `src[start, end)` into all of `dst` (whose length is the block's decoded
 * length); the output must come out exactly that long.
 */
export function decodeS2BlockInto(src: Uint8Array, start: number, end: number, dst: Uint8Array): void {
  const d = decodeTags(src, start, end, dst);
  if (d < 0) throw new CompressError("Corrupt", `Cannot decode an S2 block: the tag at input byte ${~d} is malformed or reaches outside the block`);
  if (d !== dst.length) throw new CompressError("Corrupt", `Cannot decode an S2 block: it produced ${d} bytes but announced ${dst.length}`);
}

/**
 * The tag loop: returns the output length, or ~(input position) of the first bad tag. It never
 * throws, which keeps the hot loop free of exception sites. Tags: literal (00), copy-1 (01: 3-bit
 * length, 11-bit offset; offset 0 is S2's repeat of the previous offset with 0–3 extra length
 * bytes), copy-2 (10: 16-bit offset), copy-4 (11: 32-bit offset).
 */
function decodeTags(src: Uint8Array, start: number, end: number, dst: Uint8Array): number {
  const dLen = dst.length;
  const sv = new DataView(src.buffer, src.byteOffset, src.byteLength);
  const dv = new DataView(dst.buffer, dst.byteOffset, dst.byteLength);
  let s = start;
  let d = 0;
  let offset = 0;
  while (s < end) {
    const tag = src[s];
    const kind = tag & 3;
    let length = 0;
    if (kind === 0) {
      let x = tag >>> 2;
      if (x < 60) s += 1;
      else {
        const extra = x - 59;
        if (s + 1 + extra > end) return ~s;
        x = src[s + 1];
        if (extra > 1) x |= src[s + 2] << 8;
        if (extra > 2) x |= src[s + 3] << 16;
        if (extra > 3) x = (x | (src[s + 4] << 24)) >>> 0;
        s += 1 + extra;
      }
      length = x + 1;
      if (length > dLen - d || length > end - s) return ~s;
      if (length <= 32) {
        const e = d + length;
        while (d + 4 <= e) {
          dv.setInt32(d, sv.getInt32(s, true), true);
          d += 4;
          s += 4;
        }
        while (d < e) dst[d++] = src[s++];
      } else {
        dst.set(src.subarray(s, s + length), d);
        d += length;
        s += length;
      }
      continue;
    }
    if (kind === 1) {
      if (s + 2 > end) return ~s;
      const off = ((tag & 0xe0) << 3) | src[s + 1];
      length = ((tag >>> 2) & 7) + 4;
      s += 2;
      if (off !== 0) offset = off;
      else if (length >= 9) {
        const code = length - 4;
        if (code === 5) {
          if (s + 1 > end) return ~s;
          length = src[s] + 8;
          s += 1;
        } else if (code === 6) {
          if (s + 2 > end) return ~s;
          length = (src[s] | (src[s + 1] << 8)) + 260;
          s += 2;
        } else {
          if (s + 3 > end) return ~s;
          length = (src[s] | (src[s + 1] << 8) | (src[s + 2] << 16)) + 65540;
          s += 3;
        }
      }
    } else if (kind === 2) {
      if (s + 3 > end) return ~s;
      offset = src[s + 1] | (src[s + 2] << 8);
      length = 1 + (tag >>> 2);
      s += 3;
    } else {
      if (s + 5 > end) return ~s;
      offset = (src[s + 1] | (src[s + 2] << 8) | (src[s + 3] << 16) | (src[s + 4] << 24)) >>> 0;
      length = 1 + (tag >>> 2);
      s += 5;
    }
    if (offset <= 0 || d < offset || length > dLen - d) return ~s;
    let from = d - offset;
    if (length <= 32) {
      const e = d + length;
      // 4 bytes at a time reads only bytes already written when the offset is at least 4.
      if (offset >= 4) {
        while (d + 4 <= e) {
          dv.setInt32(d, dv.getInt32(from, true), true);
          d += 4;
          from += 4;
        }
      }
      while (d < e) dst[d++] = dst[from++];
    } else {
      const stop = d + length;
      while (d < stop) {
        const n = Math.min(d - from, stop - d);
        dst.copyWithin(d, from, from + n);
        d += n;
      }
    }
  }
  return d;
}
