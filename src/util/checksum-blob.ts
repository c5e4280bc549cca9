// MinIO's `x-minio-internal-crc` checksum blob (minio-format SPEC §2.13): a concatenation of
// entries `uvarint(type) ‖ raw checksum [‖ uvarint(partCount) [‖ raw part checksums]]`.
import { checksumByteLength, type ChecksumAlgorithm } from "./checksum.ts";

/** Type bits of one entry, as MinIO spells them. */
export const MINIO_CHECKSUM_BITS = {
  Trailing: 1,
  SHA256: 2,
  SHA1: 4,
  CRC32: 8,
  CRC32C: 16,
  Invalid: 32,
  Multipart: 64,
  IncludesMultipart: 128,
  CRC64NVME: 256,
  FullObject: 512,
} as const;

/** One decoded entry of the blob. */
export interface MinioChecksumEntry {
  /** The base algorithm (exactly one algorithm bit is set per entry). */
  algorithm: ChecksumAlgorithm;
  /** Raw checksum of the object (for multipart: of the whole upload, per `fullObject`). */
  raw: Uint8Array;
  /** The value arrived in an aws-chunked trailer rather than a header. */
  trailing?: boolean;
  /** FULL_OBJECT multipart checksum (no `-N` suffix when rendered). */
  fullObject?: boolean;
  /** Present for multipart objects: the part count and, when stored, each part's raw checksum. */
  multipart?: { count: number; parts?: Uint8Array[] };
}

const ALGORITHM_BITS: readonly [ChecksumAlgorithm, number][] = [
  ["SHA256", MINIO_CHECKSUM_BITS.SHA256],
  ["SHA1", MINIO_CHECKSUM_BITS.SHA1],
  ["CRC32", MINIO_CHECKSUM_BITS.CRC32],
  ["CRC32C", MINIO_CHECKSUM_BITS.CRC32C],
  ["CRC64NVME", MINIO_CHECKSUM_BITS.CRC64NVME],
];

function writeUvarint(out: number[], value: number): void {
  let v = value;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
}

/** Reads a uvarint at `pos`; undefined when truncated or longer than a safe integer allows. */
function readUvarint(b: Uint8Array, pos: number): { value: number; next: number } | undefined {
  let value = 0;
  let scale = 1;
  for (let i = pos; i < b.length && i < pos + 8; i++) {
    value += (b[i] & 0x7f) * scale;
    if ((b[i] & 0x80) === 0) return { value, next: i + 1 };
    scale *= 0x80;
  }
  return undefined;
}

/** The type word of an entry. */
export function minioChecksumType(entry: MinioChecksumEntry): number {
  const bit = ALGORITHM_BITS.find(([a]) => a === entry.algorithm)![1];
  let t = bit;
  if (entry.trailing) t |= MINIO_CHECKSUM_BITS.Trailing;
  if (entry.fullObject) t |= MINIO_CHECKSUM_BITS.FullObject;
  if (entry.multipart) {
    t |= MINIO_CHECKSUM_BITS.Multipart;
    if (entry.multipart.parts) t |= MINIO_CHECKSUM_BITS.IncludesMultipart;
  }
  return t;
}

/** Serializes entries into the blob stored under `x-minio-internal-crc`. */
export function encodeMinioChecksums(entries: readonly MinioChecksumEntry[]): Uint8Array {
  const out: number[] = [];
  for (const e of entries) {
    const len = checksumByteLength(e.algorithm);
    if (e.raw.length !== len) throw new RangeError(`${e.algorithm} checksum must be ${len} bytes, got ${e.raw.length}`);
    writeUvarint(out, minioChecksumType(e));
    out.push(...e.raw);
    if (!e.multipart) continue;
    writeUvarint(out, e.multipart.count);
    for (const p of e.multipart.parts ?? []) {
      if (p.length !== len) throw new RangeError(`${e.algorithm} part checksum must be ${len} bytes`);
      out.push(...p);
    }
    if (e.multipart.parts && e.multipart.parts.length !== e.multipart.count) {
      throw new RangeError(`Part checksum count ${e.multipart.parts.length} differs from part count ${e.multipart.count}`);
    }
  }
  return Uint8Array.from(out);
}

/**
 * Parses the blob. Like MinIO's reader it stops at the first entry it cannot read (unknown
 * type, truncation) and returns what came before, so a damaged tail never hides good entries.
 */
export function decodeMinioChecksums(blob: Uint8Array): MinioChecksumEntry[] {
  const entries: MinioChecksumEntry[] = [];
  let pos = 0;
  while (pos < blob.length) {
    const t = readUvarint(blob, pos);
    if (!t) break;
    const algo = ALGORITHM_BITS.find(([, bit]) => (t.value & bit) !== 0);
    if (!algo || t.value & MINIO_CHECKSUM_BITS.Invalid) break;
    const len = checksumByteLength(algo[0]);
    if (t.next + len > blob.length) break;
    const entry: MinioChecksumEntry = { algorithm: algo[0], raw: blob.slice(t.next, t.next + len) };
    if (t.value & MINIO_CHECKSUM_BITS.Trailing) entry.trailing = true;
    if (t.value & MINIO_CHECKSUM_BITS.FullObject) entry.fullObject = true;
    pos = t.next + len;
    if (t.value & MINIO_CHECKSUM_BITS.Multipart) {
      const count = readUvarint(blob, pos);
      if (!count) break;
      pos = count.next;
      entry.multipart = { count: count.value };
      if (t.value & MINIO_CHECKSUM_BITS.IncludesMultipart) {
        if (pos + count.value * len > blob.length) break;
        const parts: Uint8Array[] = [];
        for (let i = 0; i < count.value; i++) parts.push(blob.slice(pos + i * len, pos + (i + 1) * len));
        entry.multipart.parts = parts;
        pos += count.value * len;
      }
    }
    entries.push(entry);
  }
  return entries;
}
