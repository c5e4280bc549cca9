// Which DARE packages a ranged read of an SSE object needs (SPEC §8.5): plaintext byte offset o
// is in package ⌊o / 64 KiB⌋, which starts at ciphertext byte 65568·⌊o / 64 KiB⌋ and is
// decrypted with that index as its sequence number. Multipart objects: one stream per part.
import { DARE_PACKAGE_SIZE, DARE_PAYLOAD_SIZE } from "./dare-package.ts";
import { dareEncryptedSize } from "./dare.ts";

/** The packages covering a plaintext range of one DARE stream, and how to trim them. */
export interface DareRange {
  /** Index of the first package read = the sequence number to decrypt it with. */
  firstPackage: number;
  /** One past the last package read. */
  endPackage: number;
  /** Where the first package starts in the ciphertext stream (for a part: in the object's ciphertext). */
  cipherOffset: number;
  /** Ciphertext bytes to read from cipherOffset: whole packages only. */
  cipherLength: number;
  /** Plaintext bytes to drop from the start of the first package. */
  skip: number;
  /** Plaintext bytes to keep after the skip. */
  length: number;
  /** The last package read is the stream's final one: decrypt with endsStream true. */
  endsStream: boolean;
}

function checkRange(size: number, offset: number, length: number): void {
  for (const [name, v] of [
    ["size", size],
    ["offset", offset],
    ["length", length],
  ] as const) {
    if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`Range ${name} must be a non-negative integer, got ${v}`);
  }
  if (offset + length > size) throw new RangeError(`Range ${offset}+${length} is beyond the ${size}-byte plaintext`);
}

/** The packages of a `plaintextSize`-byte stream that hold plaintext bytes [offset, offset + length). */
export function dareRange(plaintextSize: number, offset: number, length: number): DareRange {
  checkRange(plaintextSize, offset, length);
  const first = Math.floor(offset / DARE_PAYLOAD_SIZE);
  if (length === 0)
    return { firstPackage: first, endPackage: first, cipherOffset: first * DARE_PACKAGE_SIZE, cipherLength: 0, skip: 0, length: 0, endsStream: false };
  const end = Math.ceil((offset + length) / DARE_PAYLOAD_SIZE);
  const total = Math.ceil(plaintextSize / DARE_PAYLOAD_SIZE);
  const cipherOffset = first * DARE_PACKAGE_SIZE;
  const cipherEnd = Math.min(end * DARE_PACKAGE_SIZE, dareEncryptedSize(plaintextSize));
  return {
    firstPackage: first,
    endPackage: end,
    cipherOffset,
    cipherLength: cipherEnd - cipherOffset,
    skip: offset - first * DARE_PAYLOAD_SIZE,
    length,
    endsStream: end === total,
  };
}

/** One part of an encrypted multipart object, in stored order. */
export interface DarePart {
  /** The part number (keys the part: partKey(objectKey, number)). */
  number: number;
  /** Plaintext size of the part (PartASizes / actual size). */
  size: number;
}

/** The slice of one part a multipart range needs; cipherOffset counts from the start of the object's ciphertext. */
export interface DarePartRange extends DareRange {
  /** Index of the part in the list given. */
  partIndex: number;
  /** Its part number. */
  partNumber: number;
}

/**
 * The per-part package ranges of plaintext [offset, offset + length) of a multipart SSE object
 * whose parts are each their own DARE stream (sequence from 0), stored back to back.
 */
export function dareMultipartRange(parts: readonly DarePart[], offset: number, length: number): DarePartRange[] {
  const total = parts.reduce((n, p) => n + p.size, 0);
  checkRange(total, offset, length);
  const out: DarePartRange[] = [];
  let plainStart = 0;
  let cipherStart = 0;
  for (const [i, part] of parts.entries()) {
    const lo = Math.max(offset, plainStart);
    const hi = Math.min(offset + length, plainStart + part.size);
    if (hi > lo) {
      const r = dareRange(part.size, lo - plainStart, hi - lo);
      out.push({ ...r, cipherOffset: cipherStart + r.cipherOffset, partIndex: i, partNumber: part.number });
    }
    plainStart += part.size;
    cipherStart += dareEncryptedSize(part.size);
    if (plainStart >= offset + length) break;
  }
  return out;
}
