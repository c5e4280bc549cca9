// DARE streams (minio/sio, SPEC §8.5) on whole buffers: the payload encryption of SSE objects and
// of sealed object keys / ETags. Writes version 2.0 (64 KiB packages, final flag); reads 2.0 and
// the old 1.0. Sizes map plaintext ↔ ciphertext; dareDecryptPackages serves a package range.
import { randomBytes } from "node:crypto";
import { TAG_SIZE } from "./aead.ts";
import { CryptoError } from "./crypto-error.ts";
import {
  DARE_HEADER_SIZE,
  DARE_MAX_SEQUENCE,
  DARE_PACKAGE_SIZE,
  DARE_PAYLOAD_SIZE,
  type DareCipher,
  checkDareKey,
  dareAead,
  dareCipherId,
  dareOpenState,
  darePackageLength,
  openDarePackage,
  sealDarePackage,
} from "./dare-package.ts";

const OVERHEAD = DARE_HEADER_SIZE + TAG_SIZE;
const NONCE_SIZE = 12;

export interface DareEncryptOptions {
  /** Sequence number of the first package (default 0). */
  sequence?: number;
  /** Default AES-256-GCM (what MinIO picks on CPUs with AES-NI). */
  cipher?: DareCipher;
  /** Source of the 12-byte stream nonce; tests inject it. Bit 7 of its first byte is cleared (it is the final flag). */
  random?: (size: number) => Uint8Array;
}

export interface DareDecryptOptions {
  /** Sequence number of the first package (default 0; a range starting at package i uses i). */
  sequence?: number;
  /** Names the stream in error messages, e.g. `object "b/k"`. */
  what?: string;
}

export interface DarePackagesOptions extends DareDecryptOptions {
  /**
   * true: the last package given must end the stream (v2: carry the final flag); false: it must
   * not; unset: either. A range that reaches the end of the object passes true, so a stored
   * stream cut at a package boundary is caught.
   */
  endsStream?: boolean;
}

/** Ciphertext size of `n` plaintext bytes: 32 bytes per started 64 KiB package; 0 → 0. */
export function dareEncryptedSize(n: number): number {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`Plaintext size must be a non-negative integer, got ${n}`);
  const rest = n % DARE_PAYLOAD_SIZE;
  return Math.floor(n / DARE_PAYLOAD_SIZE) * DARE_PACKAGE_SIZE + (rest > 0 ? rest + OVERHEAD : 0);
}

/** Plaintext size of a `n`-byte DARE stream; Malformed when no stream has that size. */
export function dareDecryptedSize(n: number): number {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`Ciphertext size must be a non-negative integer, got ${n}`);
  const rest = n % DARE_PACKAGE_SIZE;
  if (rest > 0 && rest <= OVERHEAD) throw new CryptoError("Malformed", `Cannot size a DARE stream of ${n} bytes: its last package would be ${rest} bytes`);
  return Math.floor(n / DARE_PACKAGE_SIZE) * DARE_PAYLOAD_SIZE + (rest > 0 ? rest - OVERHEAD : 0);
}

/** Encrypts a whole buffer into one DARE 2.0 stream; empty plaintext gives an empty stream. */
export function dareEncrypt(key: Uint8Array, plaintext: Uint8Array, opts: DareEncryptOptions = {}): Uint8Array {
  checkDareKey(key, "DARE encryption");
  const seq = opts.sequence ?? 0;
  const count = Math.ceil(plaintext.length / DARE_PAYLOAD_SIZE);
  if (!Number.isInteger(seq) || seq < 0 || seq + Math.max(count, 1) - 1 > DARE_MAX_SEQUENCE) {
    throw new RangeError(`DARE sequence numbers ${seq}..${seq + count - 1} do not fit in 32 bits`);
  }
  const cipher = opts.cipher ?? "AES-256-GCM";
  const aead = dareAead(cipher, key);
  const id = dareCipherId(cipher);
  const nonce = dareNonce(opts.random);
  const out = new Uint8Array(dareEncryptedSize(plaintext.length));
  for (let i = 0; i < count; i++) {
    const payload = plaintext.subarray(i * DARE_PAYLOAD_SIZE, (i + 1) * DARE_PAYLOAD_SIZE);
    out.set(sealDarePackage(aead, id, nonce, seq + i, payload, i === count - 1), i * DARE_PACKAGE_SIZE);
  }
  return out;
}

/** A fresh stream nonce with the final-flag bit clear. */
export function dareNonce(random?: (size: number) => Uint8Array): Uint8Array {
  const nonce = (random ?? ((n: number) => new Uint8Array(randomBytes(n))))(NONCE_SIZE);
  if (nonce.length !== NONCE_SIZE) throw new RangeError("The random source returned the wrong number of bytes");
  const copy = new Uint8Array(nonce); // never a view of the caller's bytes
  copy[0] &= 0x7f;
  return copy;
}

/**
 * Decrypts a whole DARE stream (2.0, or 1.0 for very old data). Nothing is returned unless
 * every package verifies and, for 2.0, the last one carries the final flag. An empty input is
 * the empty stream (the format cannot tell it from a stream cut to nothing).
 */
export function dareDecrypt(key: Uint8Array, ciphertext: Uint8Array, opts: DareDecryptOptions = {}): Uint8Array {
  return dareDecryptPackages(key, ciphertext, { ...opts, endsStream: true });
}

/**
 * Decrypts consecutive whole packages [i, j) of a stream, `sequence` = i (= plaintext offset /
 * 64 KiB of the first one). Every package but the last given must be a full, non-final one.
 */
export function dareDecryptPackages(key: Uint8Array, ciphertext: Uint8Array, opts: DarePackagesOptions = {}): Uint8Array {
  const what = opts.what ?? "DARE stream";
  const st = dareOpenState(key, opts.sequence ?? 0, what);
  if (ciphertext.length === 0) {
    if (opts.endsStream === true && st.seq !== 0) throw new CryptoError("Tampered", `Cannot decrypt ${what}: no packages from package ${st.seq} on`);
    return new Uint8Array(0);
  }
  const ends: number[] = [];
  let plainSize = 0;
  for (let at = 0; at < ciphertext.length; ) {
    const len = ciphertext.length - at >= 4 ? darePackageLength(ciphertext.subarray(at)) : Number.POSITIVE_INFINITY;
    if (at + len > ciphertext.length) throw new CryptoError("Tampered", `Cannot decrypt ${what}: truncated package at byte ${at}`);
    at += len;
    ends.push(at);
    plainSize += len - OVERHEAD;
  }
  const out = new Uint8Array(plainSize);
  let start = 0;
  let pos = 0;
  for (const end of ends) {
    const plain = openDarePackage(st, ciphertext.subarray(start, end));
    out.set(plain, pos);
    pos += plain.length;
    start = end;
  }
  if (opts.endsStream !== undefined && st.version === 0x20 && st.final !== opts.endsStream) {
    const why = st.final ? "the stream ends before the last package asked for" : "the final package is missing (truncated stream)";
    throw new CryptoError("Tampered", `Cannot decrypt ${what}: ${why}`);
  }
  return out;
}
