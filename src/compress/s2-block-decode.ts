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

function corrupt(what: string, at: number): CompressError {
  return new CompressError("Corrupt", `Cannot decode an S2 block: ${what} at input byte ${at}`);
}

/**
 * Decodes the tags in `src[start, end)` into all of `dst` (whose length is the block's decoded
 * length); the output must come out exactly that long.
 */
export function decodeS2BlockInto(src: Uint8Array, start: number, end: number, dst: Uint8Array): void {
  const dLen = dst.length;
  let s = start;
  let d = 0;
  let offset = 0;
  while (s < end) {
    const tag = src[s];
    let length: number;
    switch (tag & 3) {
      case 0: {
        let x = tag >>> 2;
        if (x < 60) s += 1;
        else {
          const extra = x - 59;
          if (s + 1 + extra > end) throw corrupt("a literal header is cut off", s);
          x = src[s + 1];
          if (extra > 1) x |= src[s + 2] << 8;
          if (extra > 2) x |= src[s + 3] << 16;
          if (extra > 3) x = (x | (src[s + 4] << 24)) >>> 0;
          s += 1 + extra;
        }
        length = x + 1;
        if (length > dLen - d || length > end - s) throw corrupt("a literal runs past the block", s);
        if (length < 16) {
          for (let i = 0; i < length; i++) dst[d + i] = src[s + i];
        } else {
          dst.set(src.subarray(s, s + length), d);
        }
        d += length;
        s += length;
        continue;
      }
      case 1: {
        if (s + 2 > end) throw corrupt("a copy tag is cut off", s);
        const off = ((tag & 0xe0) << 3) | src[s + 1];
        length = (tag >>> 2) & 7;
        s += 2;
        if (off === 0) {
          // Repeat: the previous offset again; codes 5–7 carry a longer length in 1–3 bytes.
          if (length === 5) {
            if (s + 1 > end) throw corrupt("a repeat length is cut off", s);
            length = src[s] + 4;
            s += 1;
          } else if (length === 6) {
            if (s + 2 > end) throw corrupt("a repeat length is cut off", s);
            length = (src[s] | (src[s + 1] << 8)) + (1 << 8);
            s += 2;
          } else if (length === 7) {
            if (s + 3 > end) throw corrupt("a repeat length is cut off", s);
            length = (src[s] | (src[s + 1] << 8) | (src[s + 2] << 16)) + (1 << 16);
            s += 3;
          }
        } else {
          offset = off;
        }
        length += 4;
        break;
      }
      case 2: {
        if (s + 3 > end) throw corrupt("a copy tag is cut off", s);
        offset = src[s + 1] | (src[s + 2] << 8);
        length = 1 + (tag >>> 2);
        s += 3;
        break;
      }
      default: {
        if (s + 5 > end) throw corrupt("a copy tag is cut off", s);
        offset = (src[s + 1] | (src[s + 2] << 8) | (src[s + 3] << 16) | (src[s + 4] << 24)) >>> 0;
        length = 1 + (tag >>> 2);
        s += 5;
        break;
      }
    }
    if (offset <= 0 || d < offset || length > dLen - d) throw corrupt(`a copy (offset ${offset}, length ${length}) reaches outside the output`, s);
    let from = d - offset;
    if (offset >= length && length >= 32) {
      dst.copyWithin(d, from, from + length);
      d += length;
    } else {
      // Overlapping copies repeat the last `offset` bytes: copy forwards one byte at a time.
      const stop = d + length;
      while (d < stop) dst[d++] = dst[from++];
    }
  }
  if (d !== dLen) throw new CompressError("Corrupt", `Cannot decode an S2 block: it produced ${d} bytes but announced ${dLen}`);
}
