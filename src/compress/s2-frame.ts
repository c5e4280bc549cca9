// The S2 stream framing (Snappy's framing format as klauspost/compress/s2 extends it): chunk
// types, size limits, the stream identifier and the masked CRC-32C every data chunk carries.
import { crc32cUpdate } from "../util/index.ts";
import { CompressError } from "./compress-error.ts";

/** Largest uncompressed block S2 allows, in a block or in one stream chunk (4 MiB). */
export const S2_MAX_BLOCK_SIZE = 4 << 20;
/** Smallest block size an S2 stream writer accepts (4 KiB). */
export const S2_MIN_BLOCK_SIZE = 4 << 10;
/** The writer's default block size, which MinIO keeps: 1 MiB of input per chunk. */
export const S2_DEFAULT_BLOCK_SIZE = 1 << 20;
/** Snappy-framed streams ("sNaPpY" identifier) may not hold blocks above 64 KiB. */
export const SNAPPY_MAX_BLOCK_SIZE = 1 << 16;

/** Chunk type bytes (first byte of every 4-byte chunk header). */
export const CHUNK_COMPRESSED = 0x00;
export const CHUNK_UNCOMPRESSED = 0x01;
/** The S2 seek index, a skippable chunk ("s2idx\0" … "\0xdi2s"). */
export const CHUNK_INDEX = 0x99;
export const CHUNK_PADDING = 0xfe;
export const CHUNK_STREAM_ID = 0xff;
/** Types 0x02–0x7f are reserved and unskippable; 0x80–0xfe may be skipped. */
export const FIRST_SKIPPABLE_CHUNK = 0x80;

/** 4-byte chunk header: type, then the body length as 24-bit little endian. */
export const CHUNK_HEADER_SIZE = 4;
/** Data chunks start their body with the masked CRC-32C of the uncompressed bytes. */
export const CHECKSUM_SIZE = 4;

/** The S2 stream identifier chunk: ff 06 00 00 "S2sTwO" (10 bytes, the first of every stream). */
export const S2_STREAM_IDENTIFIER = new Uint8Array([0xff, 0x06, 0x00, 0x00, 0x53, 0x32, 0x73, 0x54, 0x77, 0x4f]);
/** Body of the identifier Snappy writers use ("sNaPpY"); S2 readers accept it too. */
export const SNAPPY_MAGIC_BODY = new Uint8Array([0x73, 0x4e, 0x61, 0x50, 0x70, 0x59]);

/** The framing format's checksum: CRC-32C rotated right by 15 bits plus a constant, so CRCs of CRCs do not cancel. */
export function maskedCrc32c(data: Uint8Array): number {
  const c = crc32cUpdate(0, data);
  return (((c >>> 15) | (c << 17)) + 0xa282ead8) >>> 0;
}

/** Writes a chunk header at `pos`: type byte and 24-bit little-endian body length. */
export function putChunkHeader(dst: Uint8Array, pos: number, type: number, bodyLength: number): void {
  dst[pos] = type;
  dst[pos + 1] = bodyLength & 0xff;
  dst[pos + 2] = (bodyLength >>> 8) & 0xff;
  dst[pos + 3] = (bodyLength >>> 16) & 0xff;
}

export function putUint32LE(dst: Uint8Array, pos: number, v: number): void {
  dst[pos] = v & 0xff;
  dst[pos + 1] = (v >>> 8) & 0xff;
  dst[pos + 2] = (v >>> 16) & 0xff;
  dst[pos + 3] = (v >>> 24) & 0xff;
}

export function getUint32LE(src: Uint8Array, pos: number): number {
  return (src[pos] | (src[pos + 1] << 8) | (src[pos + 2] << 16) | (src[pos + 3] << 24)) >>> 0;
}

/** Largest block encoding of `n` input bytes: the length varint plus everything as one literal run. */
export function s2MaxEncodedLength(n: number): number {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new CompressError("InvalidArgument", `Cannot bound the S2 encoding of ${n} bytes`);
  let literalTag = 0;
  if (n > 0) literalTag = n <= 60 ? 1 : n <= 1 << 8 ? 2 : n <= 1 << 16 ? 3 : n <= 1 << 24 ? 4 : 5;
  return n + uvarintLength(n) + literalTag;
}

/** Bytes an unsigned LEB128 varint of `n` takes. */
export function uvarintLength(n: number): number {
  let len = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 128);
    len++;
  }
  return len;
}

/** Pieces joined into one buffer (the writer's and reader's whole-buffer forms). */
export function concat(parts: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
