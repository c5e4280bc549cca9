// SSE object keys as MinIO stores them in an object version's MetaSys (SPEC §8.4, §8.7): the
// metadata key names, telling SSE-S3 / SSE-KMS / SSE-C apart, unsealing the object key through
// the KMS (or the SSE-C client key), and making a fresh sealed key with its metadata for a write.
import { CryptoError } from "./crypto-error.ts";
import { type KmsContext, decodeBase64, kmsContextJson } from "./kms-builtin.ts";
import type { Kms } from "./kms.ts";
import { type SealAlgorithm, type SealedKey, type SseDomain, generateObjectKey, goPathJoin, sealObjectKey, unsealObjectKey } from "./sse-keys.ts";

/** The MetaSys keys of an encrypted object version (values are strings; binary values base64). */
export const SSE_METADATA = {
  /** "DAREv2-HMAC-SHA256", or "DARE-SHA256" for old SSE-C writes. */
  sealAlgorithm: "X-Minio-Internal-Server-Side-Encryption-Seal-Algorithm",
  /** base64 of the 32-byte sealing IV. */
  iv: "X-Minio-Internal-Server-Side-Encryption-Iv",
  /** SSE-S3: base64 of the 64-byte sealed object key. */
  s3SealedKey: "X-Minio-Internal-Server-Side-Encryption-S3-Sealed-Key",
  /** SSE-KMS: base64 of the 64-byte sealed object key. */
  kmsSealedKey: "X-Minio-Internal-Server-Side-Encryption-Kms-Sealed-Key",
  /** SSE-C: base64 of the 64-byte sealed object key. */
  ssecSealedKey: "X-Minio-Internal-Server-Side-Encryption-Sealed-Key",
  /** SSE-S3 / SSE-KMS: the KMS key name that made the data key. */
  kmsKeyId: "X-Minio-Internal-Server-Side-Encryption-S3-Kms-Key-Id",
  /** SSE-S3 / SSE-KMS: base64 of the KMS ciphertext of the data key (binary or legacy JSON form). */
  kmsDataKey: "X-Minio-Internal-Server-Side-Encryption-S3-Kms-Sealed-Key",
  /** SSE-KMS, optional: base64 of the client's KMS context JSON. */
  kmsContext: "X-Minio-Internal-Server-Side-Encryption-Context",
  /** Present (value "") on multipart objects: each part is its own stream under partKey(). */
  multipart: "X-Minio-Internal-Encrypted-Multipart",
} as const;

/** An object version's MetaSys, or the part of it read here. */
export type SseMetadata = Readonly<Record<string, string>>;

/** What SSE needs of a KMS. */
export type SseKms = Kms;

/** The external key an object is sealed under, as a GET or PUT supplies it. */
export interface SseKeySource {
  /** SSE-S3 / SSE-KMS: the configured KMS. */
  kms?: SseKms;
  /** SSE-C: the client's 32-byte key. */
  customerKey?: Uint8Array;
}

/** The kind of SSE of a version, null when it is not encrypted; checked in MinIO's order (KMS, S3, C). */
export function sseDomainOf(meta: SseMetadata): SseDomain | null {
  if (meta[SSE_METADATA.kmsSealedKey] !== undefined) return "SSE-KMS";
  if (meta[SSE_METADATA.s3SealedKey] !== undefined) return "SSE-S3";
  if (meta[SSE_METADATA.ssecSealedKey] !== undefined) return "SSE-C";
  return null;
}

/** True when each part of the object is its own DARE stream keyed by partKey(objectKey, partNumber). */
export function isEncryptedMultipart(meta: SseMetadata): boolean {
  return meta[SSE_METADATA.multipart] !== undefined;
}

/** The KMS context of the data key: {bucket: "bucket/object"}, for SSE-KMS merged into the client's stored context. */
export function sseKmsContext(domain: SseDomain, bucket: string, object: string, meta: SseMetadata = {}): KmsContext {
  const own = { [bucket]: goPathJoin(bucket, object) };
  const stored = meta[SSE_METADATA.kmsContext];
  if (domain !== "SSE-KMS" || stored === undefined || stored === "") return own;
  const bad = (why: string) => new CryptoError("Malformed", `Cannot read the SSE-KMS context of "${own[bucket]}": ${why}`);
  const json = decodeBase64(stored);
  if (json === null) throw bad("not base64");
  let ctx: unknown;
  try {
    ctx = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(json));
  } catch (err) {
    throw new CryptoError("Malformed", `Cannot read the SSE-KMS context of "${own[bucket]}": not JSON`, { cause: err });
  }
  if (typeof ctx !== "object" || ctx === null || Array.isArray(ctx)) throw bad("not a JSON object");
  if (Object.values(ctx).some((v) => typeof v !== "string")) throw bad("a value is not a string");
  const merged = ctx as Record<string, string>;
  return Object.hasOwn(merged, bucket) ? merged : { ...merged, ...own };
}

function sealedKeyName(domain: SseDomain): string {
  return domain === "SSE-S3" ? SSE_METADATA.s3SealedKey : domain === "SSE-KMS" ? SSE_METADATA.kmsSealedKey : SSE_METADATA.ssecSealedKey;
}

/** Decodes one base64 metadata value; Malformed when absent or not base64. */
function binary(meta: SseMetadata, name: string, path: string): Uint8Array {
  const v = decodeBase64(meta[name]);
  if (v === null)
    throw new CryptoError("Malformed", `Cannot read the SSE metadata of "${path}": ${name} is ${meta[name] === undefined ? "missing" : "not base64"}`);
  return v;
}

/** The sealed key of an encrypted version as stored; Malformed when a key is missing or bad. */
export function readSealedKey(meta: SseMetadata, bucket: string, object: string): { domain: SseDomain; sealed: SealedKey } {
  const path = goPathJoin(bucket, object);
  const domain = sseDomainOf(meta);
  if (domain === null) throw new CryptoError("Malformed", `Cannot read the SSE metadata of "${path}": the object is not encrypted`);
  const algorithm = meta[SSE_METADATA.sealAlgorithm];
  if (algorithm !== "DAREv2-HMAC-SHA256" && algorithm !== "DARE-SHA256") {
    throw new CryptoError("Unsupported", `Cannot read the SSE metadata of "${path}": seal algorithm ${JSON.stringify(algorithm ?? null)}`);
  }
  const sealed = { iv: binary(meta, SSE_METADATA.iv, path), key: binary(meta, sealedKeyName(domain), path), algorithm: algorithm as SealAlgorithm };
  return { domain, sealed };
}

/** The object key of an encrypted version (SPEC §8.7): data key from the KMS or the client, then unseal. */
export async function unsealSseObjectKey(
  meta: SseMetadata,
  bucket: string,
  object: string,
  source: SseKeySource,
): Promise<{ domain: SseDomain; objectKey: Uint8Array }> {
  const { domain, sealed } = readSealedKey(meta, bucket, object);
  const path = goPathJoin(bucket, object);
  let extKey: Uint8Array;
  if (domain === "SSE-C") {
    if (source.customerKey === undefined) throw new CryptoError("WrongKey", `Cannot unseal the SSE-C key of "${path}": no client key given`);
    extKey = source.customerKey;
  } else {
    if (source.kms === undefined) throw new CryptoError("WrongKey", `Cannot unseal the ${domain} key of "${path}": no KMS is configured`);
    const keyId = meta[SSE_METADATA.kmsKeyId];
    if (keyId === undefined) throw new CryptoError("Malformed", `Cannot read the SSE metadata of "${path}": ${SSE_METADATA.kmsKeyId} is missing`);
    extKey = await source.kms.decrypt(keyId, binary(meta, SSE_METADATA.kmsDataKey, path), sseKmsContext(domain, bucket, object, meta));
  }
  return { domain, objectKey: unsealObjectKey(sealed, extKey, domain, bucket, object) };
}

export interface CreateSseKeyOptions {
  /** SSE-KMS: the key name the client asked for; it must be the KMS's key. */
  keyId?: string;
  /** SSE-KMS: the client's context; stored, and bound to the data key with {bucket: path}. */
  context?: KmsContext;
  /** Marks the object multipart (each part keyed by partKey). */
  multipart?: boolean;
  /** Source of the object key seed (32), IV (32) and DARE nonce (12), in that order; tests inject it. */
  random?: (size: number) => Uint8Array;
}

/** A fresh object key for a write, sealed for bucket/object, and the MetaSys entries to store with the version. */
export async function createSseObjectKey(
  domain: SseDomain,
  bucket: string,
  object: string,
  source: SseKeySource,
  opts: CreateSseKeyOptions = {},
): Promise<{ objectKey: Uint8Array; metadata: Record<string, string> }> {
  const path = goPathJoin(bucket, object);
  const b64 = (b: Uint8Array) => Buffer.from(b).toString("base64");
  const metadata: Record<string, string> = {};
  let extKey: Uint8Array;
  if (domain === "SSE-C") {
    if (source.customerKey === undefined) throw new CryptoError("WrongKey", `Cannot encrypt "${path}" with SSE-C: no client key given`);
    extKey = source.customerKey;
  } else {
    const kms = source.kms;
    if (kms === undefined) throw new CryptoError("WrongKey", `Cannot encrypt "${path}" with ${domain}: no KMS is configured`);
    const ctx = opts.context;
    if (domain === "SSE-KMS" && ctx !== undefined && Object.keys(ctx).length > 0)
      metadata[SSE_METADATA.kmsContext] = b64(new TextEncoder().encode(kmsContextJson(ctx)));
    const dek = await kms.generateKey(sseKmsContext(domain, bucket, object, metadata), opts.keyId);
    metadata[SSE_METADATA.kmsKeyId] = kms.keyId;
    metadata[SSE_METADATA.kmsDataKey] = b64(dek.ciphertext);
    extKey = dek.plaintext;
  }
  const objectKey = generateObjectKey(extKey, opts.random);
  const sealed = sealObjectKey(objectKey, extKey, domain, bucket, object, { random: opts.random });
  metadata[SSE_METADATA.sealAlgorithm] = sealed.algorithm;
  metadata[SSE_METADATA.iv] = b64(sealed.iv);
  metadata[sealedKeyName(domain)] = b64(sealed.key);
  if (opts.multipart) metadata[SSE_METADATA.multipart] = "";
  return { objectKey, metadata };
}
