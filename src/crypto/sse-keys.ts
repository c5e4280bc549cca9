// The per-object keys of MinIO's SSE (SPEC §8.3, §8.6): object key generation, sealing the
// object key under the external key (KMS data key or SSE-C client key) for one bucket/object,
// the multipart part keys, and the sealed ETag / checksum of encrypted objects.
import { createHash, createHmac, randomBytes } from "node:crypto";
import { posix } from "node:path";
import { CryptoError } from "./crypto-error.ts";
import type { DareCipher } from "./dare-package.ts";
import { dareDecrypt, dareEncrypt } from "./dare.ts";

/** The three kinds of SSE; each is bound into the sealing key so a sealed key cannot change kind. */
export type SseDomain = "SSE-S3" | "SSE-KMS" | "SSE-C";

/** How a sealed key was sealed: current writes, or the old SSE-C scheme (read only). */
export type SealAlgorithm = "DAREv2-HMAC-SHA256" | "DARE-SHA256";

/** An object key sealed for one bucket/object (MetaSys …-Iv, …-Sealed-Key, …-Seal-Algorithm). */
export interface SealedKey {
  /** 32 random bytes, fresh for every seal. */
  iv: Uint8Array;
  /** The 64-byte DARE package of the 32-byte object key. */
  key: Uint8Array;
  algorithm: SealAlgorithm;
}

export interface SealOptions {
  /** Source of the 32-byte IV and the 12-byte DARE nonce, read in that order; tests inject it. */
  random?: (size: number) => Uint8Array;
  /** DARE cipher of the sealed key (default AES-256-GCM). */
  cipher?: DareCipher;
}

const KEY_SIZE = 32;
const IV_SIZE = 32;
const SEALED_SIZE = 64;
const utf8 = (s: string) => new TextEncoder().encode(s);
const defaultRandom = (n: number) => new Uint8Array(randomBytes(n));

function hmacSha256(key: Uint8Array, ...parts: Uint8Array[]): Uint8Array {
  const mac = createHmac("sha256", key);
  for (const p of parts) mac.update(p);
  return new Uint8Array(mac.digest());
}

function take(random: (size: number) => Uint8Array, size: number): Uint8Array {
  const b = random(size);
  if (b.length !== size) throw new RangeError("The random source returned the wrong number of bytes");
  return new Uint8Array(b);
}

function checkKey(key: Uint8Array, name: string): void {
  if (key.length !== KEY_SIZE) throw new CryptoError("Malformed", `Cannot use a ${key.length}-byte ${name}: it must be ${KEY_SIZE} bytes`);
}

/** Go's path.Join: non-empty elements joined by "/", then cleaned (no "//", ".", "..", trailing "/"); "" when all are empty. */
export function goPathJoin(...elems: string[]): string {
  const parts = elems.filter((e) => e !== "");
  if (parts.length === 0) return "";
  const p = posix.normalize(parts.join("/"));
  return p.length > 1 && p.endsWith("/") ? p.slice(0, -1) : p;
}

/** A fresh object key: HMAC-SHA256(extKey, "object-encryption-key generation" ‖ 32 random bytes). */
export function generateObjectKey(extKey: Uint8Array, random: (size: number) => Uint8Array = defaultRandom): Uint8Array {
  checkKey(extKey, "external key");
  return hmacSha256(extKey, utf8("object-encryption-key generation"), take(random, 32));
}

/** The key that seals an object key: HMAC-SHA256(extKey, iv ‖ domain ‖ "DAREv2-HMAC-SHA256" ‖ path.Join(bucket, object)). */
export function sealingKey(extKey: Uint8Array, iv: Uint8Array, domain: SseDomain, bucket: string, object: string): Uint8Array {
  checkKey(extKey, "external key");
  if (iv.length !== IV_SIZE) throw new CryptoError("Malformed", `Cannot use a ${iv.length}-byte sealing IV: it must be ${IV_SIZE} bytes`);
  return hmacSha256(extKey, iv, utf8(domain), utf8("DAREv2-HMAC-SHA256"), utf8(goPathJoin(bucket, object)));
}

/** Seals `objectKey` for bucket/object under `extKey` with a fresh IV (DAREv2-HMAC-SHA256). */
export function sealObjectKey(objectKey: Uint8Array, extKey: Uint8Array, domain: SseDomain, bucket: string, object: string, opts: SealOptions = {}): SealedKey {
  checkKey(objectKey, "object key");
  const random = opts.random ?? defaultRandom;
  const iv = take(random, IV_SIZE);
  const key = dareEncrypt(sealingKey(extKey, iv, domain, bucket, object), objectKey, { random, cipher: opts.cipher });
  return { iv, key, algorithm: "DAREv2-HMAC-SHA256" };
}

/**
 * The object key inside `sealed`. A wrong external key, another bucket/object or domain, and
 * changed bytes all fail as Tampered. DARE-SHA256 (old SSE-C writes) derives SHA-256(extKey ‖ iv)
 * and opens a DARE 1.0 package.
 */
export function unsealObjectKey(sealed: SealedKey, extKey: Uint8Array, domain: SseDomain, bucket: string, object: string): Uint8Array {
  const what = `the sealed ${domain} key of "${goPathJoin(bucket, object)}"`;
  if (sealed.key.length !== SEALED_SIZE) throw new CryptoError("Malformed", `Cannot unseal ${what}: it is ${sealed.key.length} bytes, not ${SEALED_SIZE}`);
  let key: Uint8Array;
  if (sealed.algorithm === "DAREv2-HMAC-SHA256") {
    if (sealed.key[0] !== 0x20) throw new CryptoError("Malformed", `Cannot unseal ${what}: not a DARE 2.0 package`);
    key = sealingKey(extKey, sealed.iv, domain, bucket, object);
  } else if (sealed.algorithm === "DARE-SHA256") {
    checkKey(extKey, "external key");
    if (domain !== "SSE-C") throw new CryptoError("Unsupported", `Cannot unseal ${what}: DARE-SHA256 sealing exists only for SSE-C`);
    if (sealed.key[0] !== 0x10) throw new CryptoError("Malformed", `Cannot unseal ${what}: not a DARE 1.0 package`);
    if (sealed.iv.length !== IV_SIZE) throw new CryptoError("Malformed", `Cannot unseal ${what}: the IV is ${sealed.iv.length} bytes, not ${IV_SIZE}`);
    key = new Uint8Array(createHash("sha256").update(extKey).update(sealed.iv).digest());
  } else {
    throw new CryptoError("Unsupported", `Cannot unseal ${what}: unknown seal algorithm ${JSON.stringify(sealed.algorithm)}`);
  }
  const objectKey = dareDecrypt(key, sealed.key, { what });
  if (objectKey.length !== KEY_SIZE)
    throw new CryptoError("Malformed", `Cannot unseal ${what}: it holds ${objectKey.length} bytes, not a ${KEY_SIZE}-byte key`);
  return objectKey;
}

/** The key of part `partNumber` of a multipart SSE object: HMAC-SHA256(objectKey, LE32(partNumber)). */
export function partKey(objectKey: Uint8Array, partNumber: number): Uint8Array {
  checkKey(objectKey, "object key");
  if (!Number.isInteger(partNumber) || partNumber < 0 || partNumber > 0xffff_ffff) throw new RangeError(`Part number must be a uint32, got ${partNumber}`);
  const n = new Uint8Array(4);
  new DataView(n.buffer).setUint32(0, partNumber, true);
  return hmacSha256(objectKey, n);
}

/** The key that seals the ETag of a single-part SSE object: HMAC-SHA256(objectKey, "SSE-etag"). */
export function etagKey(objectKey: Uint8Array): Uint8Array {
  checkKey(objectKey, "object key");
  return hmacSha256(objectKey, utf8("SSE-etag"));
}

/** The key that seals `x-minio-internal-crc` of an SSE object: HMAC-SHA256(objectKey, "object-checksum"). */
export function checksumKey(objectKey: Uint8Array): Uint8Array {
  checkKey(objectKey, "object key");
  return hmacSha256(objectKey, utf8("object-checksum"));
}

/** The stored form of a single-part SSE object's ETag (its 16-byte MD5): one DARE package, 48 bytes for an MD5. */
export function sealETag(objectKey: Uint8Array, etag: Uint8Array, opts: SealOptions = {}): Uint8Array {
  return dareEncrypt(etagKey(objectKey), etag, { random: opts.random, cipher: opts.cipher });
}

/** The MD5 inside a sealed ETag (stored etag, hex-decoded). */
export function unsealETag(objectKey: Uint8Array, sealed: Uint8Array): Uint8Array {
  if (sealed.length === 0) throw new CryptoError("Malformed", "Cannot unseal an empty ETag");
  return dareDecrypt(etagKey(objectKey), sealed, { what: "the sealed ETag" });
}
