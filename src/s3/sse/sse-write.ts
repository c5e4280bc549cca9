// Encrypted and compressed writes: which encryption a write gets (its headers, else the bucket's
// default, else MINIO_KMS_AUTO_ENCRYPTION's SSE-S3), whether it is compressed (MINIO_COMPRESS_*),
// and the body as MinIO stores it (SPEC §8, §9): the plaintext MD5 taken on the way in, S2
// compression, one DARE 2.0 stream under the object key (or the part key), the ETag sealed and the
// checksum blob encrypted once the body is whole.
import { DareEncryptor, checksumKey, dareEncrypt, dareEncryptedSize, partKey, sealETag, type SseDomain } from "../../crypto/index.ts";
import { COMPRESSION_PAD_ENCRYPTED, S2_COMPRESSION_ALGORITHM, S2Writer, partHasIndex, shouldCompress } from "../../compress/index.ts";
import { type BodyCheck, type BodyCheckResult, SYS_COMPRESSION } from "../../object/index.ts";
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
  /** Stored size, -1 when not known before the end (compressed, or the plaintext size unknown). */
  size: number;
  /** The SSE MetaSys entries to store with the version. */
  sysMeta: Record<string, Uint8Array>;
  /** The plaintext MD5, once the body ended. */
  md5(): Uint8Array;
  /** A compressed body's headerless seek index (PartIdx), once it ended, when the part gets one. */
  partIndex(): Uint8Array | undefined;
  /** Plaintext bytes that went through. */
  plainBytes(): number;
}

/** How a body is stored: under a DARE key, S2-compressed, both (compressed first), or as it is. */
export interface StoredForm {
  key?: Uint8Array;
  compress?: boolean;
}

/** A body on its way to the layer in its stored form, and what the layer is told of it. */
export interface StoredBody {
  stream: ReadableStream<Uint8Array>;
  size: number;
  md5(): Uint8Array;
  partIndex(): Uint8Array | undefined;
  plainBytes(): number;
}

/**
 * `plain` in its stored form: S2-compressed when asked (padded to 256 bytes when also encrypted,
 * as MinIO pads), then one DARE stream under the key; its plaintext MD5 taken. The form is asked
 * for at the first chunk (a part learns it once the layer found its upload); a form with neither
 * passes the bytes as they are, unhashed. `known` gives the form up front when it is (so the
 * stored size is known when nothing compresses).
 */
export function storedStream(plain: ReadableStream<Uint8Array>, size: number, form: () => StoredForm, known?: StoredForm): StoredBody {
  const hasher = new Bun.CryptoHasher("md5");
  let digest: Uint8Array | undefined;
  let index: Uint8Array | undefined;
  let bytes = 0;
  let state: { enc?: DareEncryptor; s2?: S2Writer; any: boolean } | undefined;
  const setup = () => {
    if (!state) {
      const f = form();
      const s2 = f.compress ? new S2Writer({ padding: f.key ? COMPRESSION_PAD_ENCRYPTED : 0 }) : undefined;
      state = { enc: f.key ? new DareEncryptor(f.key) : undefined, s2, any: Boolean(f.key || f.compress) };
    }
    return state;
  };
  const seal = (chunks: Uint8Array[], emit: (c: Uint8Array) => void) => {
    const { enc } = setup();
    for (const c of chunks) {
      if (enc) for (const p of enc.push(c)) emit(p);
      else emit(c);
    }
  };
  // Pulled, never piped ahead: no byte is read (or its form asked for) before the layer reads.
  const stream = pullThrough(plain, {
    transform(chunk, emit) {
      const st = setup();
      bytes += chunk.length;
      if (!st.any) return emit(chunk);
      hasher.update(chunk);
      seal(st.s2 ? st.s2.write(chunk) : [chunk], emit);
    },
    flush(emit) {
      const st = setup();
      if (st.s2) {
        const closed = st.s2.close();
        seal(closed.chunks, emit);
        // MinIO keeps an index for large parts only, and never a plaintext one for an encrypted part.
        if (!st.enc && partHasIndex(st.s2.uncompressedWritten)) index = closed.index.toBytes({ headers: false });
      }
      if (st.enc) for (const p of st.enc.end()) emit(p);
    },
  });
  const f = known;
  const storedSize = size < 0 || !f || f.compress ? -1 : f.key ? dareEncryptedSize(size) : size;
  return { stream, size: storedSize, md5: () => (digest ??= new Uint8Array(hasher.digest())), partIndex: () => index, plainBytes: () => bytes };
}

/** `plain` encrypted as one DARE stream under `key` (undefined: as it is). */
export function encryptStream(plain: ReadableStream<Uint8Array>, size: number, key: () => Uint8Array | undefined): StoredBody {
  const body = storedStream(plain, size, () => ({ key: key() }));
  return { ...body, size: size >= 0 ? dareEncryptedSize(size) : -1 };
}

/** A new object key for bucket/key and its body stored under it (a single-part object), compressed first when `compress`. */
export async function encryptObjectBody(
  ctx: S3Context,
  bucket: string,
  key: string,
  sse: SseRequest,
  plain: ReadableStream<Uint8Array>,
  size: number,
  compress = false,
): Promise<EncryptedBody> {
  const made = await newObjectKey(ctx.deps.kms, bucket, key, sse);
  const form = { key: made.objectKey, compress };
  const body = storedStream(plain, size, () => form, form);
  const sysMeta = compress ? { ...made.sysMeta, [SYS_COMPRESSION]: new TextEncoder().encode(S2_COMPRESSION_ALGORITHM) } : made.sysMeta;
  return { ...made, sysMeta, ...body };
}

/** A plaintext body S2-compressed (MINIO_COMPRESS_*), with the MetaSys entry that says so. */
export function compressedBody(plain: ReadableStream<Uint8Array>, size: number): StoredBody & { sysMeta: Record<string, Uint8Array> } {
  const form = { compress: true };
  return { ...storedStream(plain, size, () => form, form), sysMeta: { [SYS_COMPRESSION]: new TextEncoder().encode(S2_COMPRESSION_ALGORITHM) } };
}

/** Whether a new object (or upload) at bucket/key is compressed under the server's policy. */
export function compresses(ctx: S3Context, key: string, contentType: string | null, size: number, encrypted: boolean): boolean {
  const policy = ctx.deps.compression;
  if (!policy?.enabled) return false;
  return shouldCompress(policy, { key, contentType: contentType ?? "", size: size < 0 ? Number.MAX_SAFE_INTEGER : size, encrypted });
}

/** The body check of a compressed (not encrypted) write: the request's check on the plaintext MD5, which is also the ETag. */
export function compressedCheck(body: StoredBody, plainCheck: BodyCheck): BodyCheck {
  return async () => {
    const md5 = body.md5();
    const size = body.plainBytes();
    const checked = ((await plainCheck({ md5, size })) || {}) as Exclude<BodyCheckResult, void>;
    return { ...checked, etag: Buffer.from(md5).toString("hex"), partIndex: body.partIndex(), actualSize: size };
  };
}

/** A part body in its upload's stored form (known once the layer found the upload): compressed, and/or under partKey(objectKey, partNumber). */
export function partBody(plain: ReadableStream<Uint8Array>, size: number, partNumber: number, form: () => { objectKey?: Uint8Array; compress: boolean }) {
  return storedStream(plain, size, () => {
    const f = form();
    return { key: f.objectKey ? partKey(f.objectKey, partNumber) : undefined, compress: f.compress };
  });
}

/** The stored size of a part body of `size` plaintext bytes in that form (-1: known only at the end). */
export function partStoredSize(size: number, form: { objectKey?: Uint8Array; compress: boolean }): number {
  if (form.compress || size < 0) return -1;
  return form.objectKey ? dareEncryptedSize(size) : size;
}

/**
 * The body check of an encrypted write: the request's own check (Content-MD5, checksums) on the
 * plaintext MD5, then MinIO's stored forms — the sealed ETag and the encrypted checksum blob.
 */
export function encryptedCheck(body: EncryptedBody, plainCheck: BodyCheck): BodyCheck {
  return async () => {
    const md5 = body.md5();
    const size = body.plainBytes();
    const checked = ((await plainCheck({ md5, size })) || {}) as Exclude<BodyCheckResult, void>;
    const sysMeta = { ...checked.sysMeta };
    if (sysMeta[CRC]) sysMeta[CRC] = encryptChecksumBlob(body.objectKey, sysMeta[CRC]);
    return { sysMeta, etag: Buffer.from(sealETag(body.objectKey, md5)).toString("hex"), partIndex: body.partIndex(), actualSize: size };
  };
}

/** x-minio-internal-crc of an encrypted object: the blob DARE-encrypted under the checksum key. */
export function encryptChecksumBlob(objectKey: Uint8Array, blob: Uint8Array): Uint8Array {
  return dareEncrypt(checksumKey(objectKey), blob);
}
