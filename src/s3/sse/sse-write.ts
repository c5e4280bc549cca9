// Encrypted and compressed writes: which encryption a write gets (its headers, else the bucket's
// default, else MINIO_KMS_AUTO_ENCRYPTION's SSE-S3), whether it is compressed (MINIO_COMPRESS_*),
// and the body as MinIO stores it (SPEC §8, §9): the plaintext MD5 taken on the way in, S2
// compression, one DARE 2.0 stream under the object key (or the part key), the ETag sealed and the
// checksum blob encrypted once the body is whole.
import { DareEncryptor, checksumKey, dareEncrypt, dareEncryptedSize, partKey, sealETag } from "../../crypto/index.ts";
import { COMPRESSION_PAD_ENCRYPTED, S2_COMPRESSION_ALGORITHM, S2Writer, partHasIndex, shouldCompress } from "../../compress/index.ts";
import { type BodyCheck, type BodyCheckResult, SYS_COMPRESSION, SYS_CRC } from "../../object/index.ts";
import { pullThrough } from "../../util/index.ts";
import type { S3Context } from "../context.ts";
import { S3Error } from "../errors.ts";
import { parseBucketEncryption } from "./bucket-encryption.ts";
import { newObjectKey } from "./sse-keys.ts";
import { type HeaderSource, type SseRequest, requestedEncryption } from "./sse-request.ts";

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

/** How a body is stored: under a DARE key, S2-compressed, both (compressed first), or as it is. */
export interface StoredForm {
  key?: Uint8Array;
  compress?: boolean;
}

/** A body on its way to the layer in its stored form, and what the layer is told of it. */
export interface StoredBody {
  stream: ReadableStream<Uint8Array>;
  /** Stored size, -1 when not known before the end (compressed, the form not known yet, or the plaintext size unknown). */
  size: number;
  /** The plaintext MD5, once the body ended. */
  md5(): Uint8Array;
  /** A compressed body's headerless seek index (PartIdx), once it ended, when the part gets one. */
  partIndex(): Uint8Array | undefined;
  /** Plaintext bytes that went through. */
  plainBytes(): number;
}

/** The stored size of `size` plaintext bytes in that form (-1: known only at the end). */
export function storedSizeOf(size: number, form: StoredForm): number {
  if (size < 0 || form.compress) return -1;
  return form.key ? dareEncryptedSize(size) : size;
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
  return {
    stream,
    size: known ? storedSizeOf(size, known) : -1,
    md5: () => (digest ??= new Uint8Array(hasher.digest())),
    partIndex: () => index,
    plainBytes: () => bytes,
  };
}

/** What a single-part write (PUT, POST, copy) hands the layer: its body as stored and the options that say so. */
export interface ObjectWrite {
  stream: ReadableStream<Uint8Array>;
  size: number;
  /** The object's own size, when the stored one differs. */
  actualSize?: number;
  sysMeta?: Record<string, Uint8Array>;
  check?: BodyCheck;
  /** Encrypted: the object key (the answer's ETag is opened with it). */
  objectKey?: Uint8Array;
}

/**
 * The body of a new object at bucket/key as it is stored: encrypted under a new object key when
 * `sse` asks, S2-compressed first when `compress`, or as it is; with the check that runs the
 * request's own (Content-MD5, checksums) on the plaintext and records MinIO's stored forms.
 */
export async function objectWrite(
  ctx: S3Context,
  bucket: string,
  key: string,
  how: { sse?: SseRequest; compress: boolean },
  plain: ReadableStream<Uint8Array>,
  size: number,
  plainCheck?: BodyCheck,
): Promise<ObjectWrite> {
  if (!how.sse && !how.compress) return { stream: plain, size, check: plainCheck };
  const made = how.sse ? await newObjectKey(ctx.deps.kms, bucket, key, how.sse) : undefined;
  const form = { key: made?.objectKey, compress: how.compress };
  const body = storedStream(plain, size, () => form, form);
  const sysMeta = { ...made?.sysMeta, ...(how.compress ? { [SYS_COMPRESSION]: new TextEncoder().encode(S2_COMPRESSION_ALGORITHM) } : {}) };
  return { stream: body.stream, size: body.size, actualSize: size, sysMeta, check: storedCheck(body, plainCheck, made?.objectKey), objectKey: made?.objectKey };
}

/**
 * The body check of a stored-form write: the request's own check on the plaintext MD5, then
 * MinIO's stored forms — the ETag (the plaintext MD5, sealed under an object key), the checksum
 * blob (encrypted under it), the part's S2 index and the object's actual size.
 */
function storedCheck(body: StoredBody, plainCheck: BodyCheck | undefined, objectKey: Uint8Array | undefined): BodyCheck {
  return async () => {
    const md5 = body.md5();
    const size = body.plainBytes();
    const checked = ((await plainCheck?.({ md5, size })) || {}) as Exclude<BodyCheckResult, void>;
    const sysMeta = { ...checked.sysMeta };
    if (objectKey && sysMeta[SYS_CRC]) sysMeta[SYS_CRC] = encryptChecksumBlob(objectKey, sysMeta[SYS_CRC]);
    const etag = objectKey ? sealETag(objectKey, md5) : md5;
    return { ...checked, sysMeta, etag: Buffer.from(etag).toString("hex"), partIndex: body.partIndex(), actualSize: size };
  };
}

/** Whether a new object (or upload) at bucket/key is compressed under the server's policy. */
export function compresses(ctx: S3Context, key: string, contentType: string | null, size: number, encrypted: boolean): boolean {
  const policy = ctx.deps.compression;
  if (!policy?.enabled) return false;
  return shouldCompress(policy, { key, contentType: contentType ?? "", size: size < 0 ? Number.MAX_SAFE_INTEGER : size, encrypted });
}

/** A part body in its upload's stored form (known once the layer found the upload): compressed, and/or under partKey(objectKey, partNumber). */
export function partBody(plain: ReadableStream<Uint8Array>, size: number, partNumber: number, form: () => { objectKey?: Uint8Array; compress: boolean }) {
  return storedStream(plain, size, () => {
    const f = form();
    return { key: f.objectKey ? partKey(f.objectKey, partNumber) : undefined, compress: f.compress };
  });
}

/** x-minio-internal-crc of an encrypted object: the blob DARE-encrypted under the checksum key. */
export function encryptChecksumBlob(objectKey: Uint8Array, blob: Uint8Array): Uint8Array {
  return dareEncrypt(checksumKey(objectKey), blob);
}
