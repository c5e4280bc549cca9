// Encrypted writes: which encryption a write gets (its headers, else the bucket's default, else
// MINIO_KMS_AUTO_ENCRYPTION's SSE-S3), and the body as MinIO stores it (SPEC §8): the plaintext
// MD5 taken on the way in, one DARE 2.0 stream under the object key (or the part key), the ETag
// sealed and the checksum blob encrypted once the body is whole.
import { DareEncryptor, checksumKey, dareEncrypt, dareEncryptedSize, partKey, sealETag, type SseDomain } from "../../crypto/index.ts";
import type { BodyCheck, BodyCheckResult } from "../../object/index.ts";
import { pullThrough } from "../../util/index.ts";
import type { S3Context } from "../context.ts";
import { S3Error } from "../errors.ts";
import { parseBucketEncryption } from "./bucket-encryption.ts";
import { newObjectKey } from "./sse-keys.ts";
import { type HeaderSource, type SseRequest, requestedEncryption } from "./sse-request.ts";

const CRC = "x-minio-internal-crc";

/** The encryption of a new object at bucket/key: asked for, the bucket's default, or auto-encryption; undefined: none. */
export async function writeEncryption(ctx: S3Context, bucket: string, h: HeaderSource): Promise<SseRequest | undefined> {
  const asked = requestedEncryption(h);
  if (asked) return asked;
  const stored = await ctx.deps.layer.getBucketConfig(bucket, "encryption");
  if (stored && stored.length > 0) {
    try {
      return parseBucketEncryption(stored);
    } catch (err) {
      // A stored default we cannot read must not turn into plaintext writes.
      throw new S3Error("InvalidRequest", `The bucket's default encryption cannot be applied: ${(err as Error).message}`, { cause: err });
    }
  }
  return ctx.deps.autoEncryption ? { kind: "SSE-S3" } : undefined;
}

/** An object body on its way to the layer encrypted: what to hand it and what to tell it. */
export interface EncryptedBody {
  domain: SseDomain;
  objectKey: Uint8Array;
  stream: ReadableStream<Uint8Array>;
  /** Stored (ciphertext) size, -1 when the plaintext size is unknown. */
  size: number;
  /** The SSE MetaSys entries to store with the version. */
  sysMeta: Record<string, Uint8Array>;
  /** The plaintext MD5, once the body ended. */
  md5(): Uint8Array;
}

/**
 * `plain` encrypted as one DARE stream under `key` (the object key, or a part key), its plaintext
 * MD5 taken. The key is asked for at the first chunk (a part learns it once the layer found its
 * upload); undefined there: the bytes pass as they are, unhashed (a plaintext upload's part).
 */
export function encryptStream(
  plain: ReadableStream<Uint8Array>,
  size: number,
  key: () => Uint8Array | undefined,
): { stream: ReadableStream<Uint8Array>; size: number; md5(): Uint8Array } {
  const hasher = new Bun.CryptoHasher("md5");
  let digest: Uint8Array | undefined;
  let enc: DareEncryptor | null | undefined;
  const encryptor = () => {
    if (enc === undefined) {
      const k = key();
      enc = k ? new DareEncryptor(k) : null;
    }
    return enc;
  };
  // Pulled, never piped ahead: no byte is read (or its key asked for) before the layer reads.
  const stream = pullThrough(plain, {
    transform(chunk, emit) {
      const e = encryptor();
      if (!e) return emit(chunk);
      hasher.update(chunk);
      for (const p of e.push(chunk)) emit(p);
    },
    flush(emit) {
      const e = encryptor();
      if (e) for (const p of e.end()) emit(p);
    },
  });
  return {
    stream,
    size: size >= 0 ? dareEncryptedSize(size) : -1,
    md5: () => (digest ??= new Uint8Array(hasher.digest())),
  };
}

/** A new object key for bucket/key and its body encrypted under it (a single-part object). */
export async function encryptObjectBody(
  ctx: S3Context,
  bucket: string,
  key: string,
  sse: SseRequest,
  plain: ReadableStream<Uint8Array>,
  size: number,
): Promise<EncryptedBody> {
  const made = await newObjectKey(ctx.deps.kms, bucket, key, sse);
  const enc = encryptStream(plain, size, () => made.objectKey);
  return { ...made, ...enc };
}

/** The SSE entries of an upload's (text) MetaSys, or undefined when the upload is not encrypted. */
export function uploadEncryption(sysMeta: Record<string, string>): Record<string, string> | undefined {
  const entries = Object.entries(sysMeta).filter(([k]) => {
    const lower = k.toLowerCase();
    return lower.startsWith("x-minio-internal-server-side-encryption") || lower === "x-minio-internal-encrypted-multipart";
  });
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}

/** A part body, encrypted under partKey(objectKey, partNumber) when its upload turns out to be encrypted. */
export function partBody(plain: ReadableStream<Uint8Array>, size: number, partNumber: number, objectKey: () => Uint8Array | undefined) {
  return encryptStream(plain, size, () => {
    const k = objectKey();
    return k ? partKey(k, partNumber) : undefined;
  });
}

/**
 * The body check of an encrypted write: the request's own check (Content-MD5, checksums) on the
 * plaintext MD5, then MinIO's stored forms — the sealed ETag and the encrypted checksum blob.
 */
export function encryptedCheck(body: EncryptedBody, plainCheck: BodyCheck, plainSize: number): BodyCheck {
  return async () => {
    const md5 = body.md5();
    const checked = ((await plainCheck({ md5, size: plainSize })) || {}) as Exclude<BodyCheckResult, void>;
    const sysMeta = { ...checked.sysMeta };
    if (sysMeta[CRC]) sysMeta[CRC] = encryptChecksumBlob(body.objectKey, sysMeta[CRC]);
    return { sysMeta, etag: Buffer.from(sealETag(body.objectKey, md5)).toString("hex") };
  };
}

/** x-minio-internal-crc of an encrypted object: the blob DARE-encrypted under the checksum key. */
export function encryptChecksumBlob(objectKey: Uint8Array, blob: Uint8Array): Uint8Array {
  return dareEncrypt(checksumKey(objectKey), blob);
}
