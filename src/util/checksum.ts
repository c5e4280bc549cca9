// S3 additional checksums (x-amz-checksum-*): the algorithm union, streaming checksummers,
// base64 rendering and the two multipart forms (COMPOSITE "checksum of checksums-N" and
// FULL_OBJECT CRC combination). MinIO's stored blob lives in checksum-blob.ts.
import { crc32cUpdate, crc32Update, crc64nvmeUpdate, crcCombine, type CrcKind } from "./checksum-crc.ts";

export type ChecksumAlgorithm = "CRC32" | "CRC32C" | "CRC64NVME" | "SHA1" | "SHA256";

export const CHECKSUM_ALGORITHMS: readonly ChecksumAlgorithm[] = ["CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256"];

/** How a multipart object's checksum was formed (x-amz-checksum-type). */
export type ChecksumType = "COMPOSITE" | "FULL_OBJECT";

/** Raw digest length in bytes of each algorithm. */
export function checksumByteLength(algorithm: ChecksumAlgorithm): number {
  switch (algorithm) {
    case "CRC32":
    case "CRC32C":
      return 4;
    case "CRC64NVME":
      return 8;
    case "SHA1":
      return 20;
    case "SHA256":
      return 32;
  }
}

/** The request/response header carrying this algorithm's value, e.g. `x-amz-checksum-crc32c`. */
export function checksumHeaderName(algorithm: ChecksumAlgorithm): string {
  return `x-amz-checksum-${algorithm.toLowerCase()}`;
}

/** Parses an algorithm name as clients send it (`crc32c`, `CRC32C`); undefined if unknown. */
export function parseChecksumAlgorithm(name: string): ChecksumAlgorithm | undefined {
  const upper = name.trim().toUpperCase();
  return (CHECKSUM_ALGORITHMS as readonly string[]).includes(upper) ? (upper as ChecksumAlgorithm) : undefined;
}

/** Maps a header name like `x-amz-checksum-sha256` to its algorithm. */
export function algorithmOfChecksumHeader(header: string): ChecksumAlgorithm | undefined {
  const lower = header.toLowerCase();
  if (!lower.startsWith("x-amz-checksum-")) return undefined;
  return parseChecksumAlgorithm(lower.slice("x-amz-checksum-".length));
}

/** CRC families can be combined across parts; the SHA ones cannot. */
export function isCrcAlgorithm(algorithm: ChecksumAlgorithm): algorithm is CrcKind {
  return algorithm === "CRC32" || algorithm === "CRC32C" || algorithm === "CRC64NVME";
}

/** An incremental checksum over a byte stream. */
export interface Checksummer {
  readonly algorithm: ChecksumAlgorithm;
  update(data: Uint8Array): void;
  /** The raw digest (big-endian for CRCs, as S3 renders them). Call once. */
  digest(): Uint8Array;
}

class CrcChecksummer implements Checksummer {
  #crc32 = 0;
  #crc64 = 0n;
  constructor(readonly algorithm: CrcKind) {}
  update(data: Uint8Array): void {
    if (this.algorithm === "CRC64NVME") this.#crc64 = crc64nvmeUpdate(this.#crc64, data);
    else if (this.algorithm === "CRC32C") this.#crc32 = crc32cUpdate(this.#crc32, data);
    else this.#crc32 = crc32Update(this.#crc32, data);
  }
  digest(): Uint8Array {
    return this.algorithm === "CRC64NVME" ? crcToBytes(this.#crc64, 8) : crcToBytes(BigInt(this.#crc32), 4);
  }
}

class ShaChecksummer implements Checksummer {
  readonly #hasher: Bun.CryptoHasher;
  constructor(readonly algorithm: "SHA1" | "SHA256") {
    this.#hasher = new Bun.CryptoHasher(algorithm === "SHA1" ? "sha1" : "sha256");
  }
  update(data: Uint8Array): void {
    this.#hasher.update(data);
  }
  digest(): Uint8Array {
    return new Uint8Array(this.#hasher.digest());
  }
}

export function createChecksummer(algorithm: ChecksumAlgorithm): Checksummer {
  return isCrcAlgorithm(algorithm) ? new CrcChecksummer(algorithm) : new ShaChecksummer(algorithm);
}

/** One-shot checksum of a buffer. */
export function checksumOf(algorithm: ChecksumAlgorithm, data: Uint8Array): Uint8Array {
  const c = createChecksummer(algorithm);
  c.update(data);
  return c.digest();
}

/** A CRC value as `width` big-endian bytes. */
export function crcToBytes(crc: bigint, width: number): Uint8Array {
  const out = new Uint8Array(width);
  for (let i = width - 1; i >= 0; i--) {
    out[i] = Number(crc & 0xffn);
    crc >>= 8n;
  }
  return out;
}

/** Big-endian bytes back to a CRC value. */
export function bytesToCrc(bytes: Uint8Array): bigint {
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return v;
}

export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}

/**
 * Strict base64 decoding of a checksum value: canonical padding, no whitespace, and the
 * length `algorithm` requires. Undefined when the text is not such a value (InvalidDigest).
 */
export function decodeChecksum(algorithm: ChecksumAlgorithm, base64: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64) || base64.length % 4 !== 0) return undefined;
  const raw = new Uint8Array(Buffer.from(base64, "base64"));
  if (raw.length !== checksumByteLength(algorithm) || toBase64(raw) !== base64) return undefined;
  return raw;
}

/**
 * COMPOSITE multipart checksum: the algorithm applied to the concatenated raw part checksums,
 * rendered `base64-N` (N = number of parts).
 */
export function compositeChecksum(algorithm: ChecksumAlgorithm, parts: readonly Uint8Array[]): { raw: Uint8Array; value: string } {
  const c = createChecksummer(algorithm);
  for (const p of parts) c.update(p);
  const raw = c.digest();
  return { raw, value: `${toBase64(raw)}-${parts.length}` };
}

/**
 * FULL_OBJECT multipart checksum for CRC algorithms: the CRC of the whole object computed
 * from the part CRCs and sizes, as if the parts had been hashed as one stream.
 */
export function combineCrcParts(algorithm: CrcKind, parts: readonly { checksum: Uint8Array; size: number }[]): Uint8Array {
  const width = algorithm === "CRC64NVME" ? 8 : 4;
  let acc = 0n;
  let first = true;
  for (const p of parts) {
    const crc = bytesToCrc(p.checksum);
    acc = first ? crc : crcCombine(algorithm, acc, crc, p.size);
    first = false;
  }
  return crcToBytes(acc, width);
}
