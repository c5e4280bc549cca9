// Reading transformed versions — encrypted (SPEC §8.5–8.7) and/or compressed (§9): the object
// key unsealed, the plaintext range (or part) mapped onto the stored bytes that hold it
// (stored-segments.ts), and only those read, decrypted and decompressed. The client sees the
// plaintext size, its ETag as MinIO shows it, and the checksums decrypted.
import { type Kms, checksumKey, dareDecrypt, isEncryptedMultipart, sseDomainOf, unsealETag } from "../../crypto/index.ts";
import { type ObjectInfo, type RangeSpec, type StoredView, partRange, resolveRange } from "../../object/index.ts";
import { S2_COMPRESSION_ALGORITHM } from "../../compress/index.ts";
import { S3Error } from "../errors.ts";
import { kmsError, storedObjectKey } from "./sse-keys.ts";
import { planSegments, readSegments, storedRangeOf } from "./stored-segments.ts";
import type { CustomerKey } from "./sse-request.ts";

const SEALED_ETAG = /^[0-9a-fA-F]{96}$/;

/** What a read of an encrypted version needs after the layer handed over its stored bytes. */
export interface SseReadPlan {
  view: StoredView;
  /** The plaintext range served, when a range or part was asked for. */
  range?: { start: number; end: number };
  partsCount?: number;
  /** Stored bytes in, verified plaintext of the range out. */
  decrypt(stored: ReadableStream<Uint8Array>): ReadableStream<Uint8Array>;
}

export interface SseReadOptions {
  range?: RangeSpec;
  partNumber?: number;
  customer?: CustomerKey;
}

/** A `stored` callback for the layer, and the plan it made once it was called (undefined: the version was not transformed). */
export function sseReader(kms: Kms | undefined, opts: SseReadOptions): { stored: (info: ObjectInfo) => Promise<StoredView>; plan(): SseReadPlan | undefined } {
  let plan: SseReadPlan | undefined;
  return {
    stored: async (info) => {
      plan = await planRead(kms, info, opts);
      return plan.view;
    },
    plan: () => plan,
  };
}

/** The version as the client sees it, with the object key (when it could be unsealed). */
export async function visibleInfo(
  kms: Kms | undefined,
  info: ObjectInfo,
  customer: CustomerKey | undefined,
): Promise<{ info: ObjectInfo; objectKey?: Uint8Array }> {
  checkCompression(info);
  if (!info.sse) {
    // Compressed only: a customer key has nothing to open (AWS's answer for a plaintext object).
    if (customer) throw new S3Error("InvalidRequest", "The encryption parameters are not applicable to this object.");
    return { info };
  }
  const objectKey = await storedObjectKey(kms, info, customer);
  let checksumBlob = info.checksumBlob;
  if (checksumBlob && checksumBlob.length > 0) {
    try {
      checksumBlob = dareDecrypt(checksumKey(objectKey), checksumBlob, { what: `the checksums of "${info.bucket}/${info.key}"` });
    } catch (err) {
      throw kmsError(err);
    }
  }
  return { info: { ...info, etag: visibleEtag(info, objectKey), checksumBlob }, objectKey };
}

/** Compressed versions are read when they are in S2 (MinIO's format since 2021); the older Snappy framing is not. */
function checkCompression(info: ObjectInfo): void {
  if (info.compression !== undefined && info.compression !== S2_COMPRESSION_ALGORITHM)
    throw new S3Error("NotImplemented", `"${info.key}" is stored compressed with ${info.compression}; only ${S2_COMPRESSION_ALGORITHM} is read.`);
}

/**
 * The ETag a client sees of an encrypted version: SSE-S3's sealed MD5 opened (with the object
 * key); SSE-KMS and SSE-C show the last 32 hex digits of the stored value, as MinIO does; a
 * multipart ETag is stored as it is shown.
 */
export function visibleEtag(info: Pick<ObjectInfo, "etag" | "sse">, objectKey?: Uint8Array): string {
  if (!SEALED_ETAG.test(info.etag)) return info.etag;
  const domain = info.sse ? sseDomainOf(info.sse) : null;
  if (domain === "SSE-S3" && objectKey) {
    try {
      return Buffer.from(unsealETag(objectKey, Buffer.from(info.etag, "hex"))).toString("hex");
    } catch (err) {
      throw kmsError(err);
    }
  }
  return info.etag.slice(-32);
}

/** Opened SSE-S3 ETags by their sealed form (random per version): a listing asks the KMS once per version, not per page. */
const openedEtags = new Map<string, string>();
const OPENED_ETAGS_MAX = 10_000;

/**
 * The ETag a listing shows: SSE-S3 versions are unsealed through the KMS (remembered), the rest
 * as visibleEtag. A KMS that cannot answer does not fail the listing: that entry shows the
 * sealed value's last 32 hex digits, as SSE-KMS ones do.
 */
export async function listedEtag(kms: Kms | undefined, info: ObjectInfo): Promise<string> {
  if (!info.sse || !SEALED_ETAG.test(info.etag) || sseDomainOf(info.sse) !== "SSE-S3" || !kms) return visibleEtag(info);
  const known = openedEtags.get(info.etag);
  if (known) return known;
  let etag: string;
  try {
    etag = visibleEtag(info, await storedObjectKey(kms, info, undefined));
  } catch {
    return visibleEtag(info);
  }
  if (openedEtags.size >= OPENED_ETAGS_MAX) openedEtags.delete(openedEtags.keys().next().value!);
  openedEtags.set(info.etag, etag);
  return etag;
}

async function planRead(kms: Kms | undefined, stored: ObjectInfo, opts: SseReadOptions): Promise<SseReadPlan> {
  const { info, objectKey } = await visibleInfo(kms, stored, opts.customer);
  const size = info.size;
  let start = 0;
  let length = size;
  let range: { start: number; end: number } | undefined;
  let partsCount: number | undefined;
  if (opts.partNumber !== undefined) {
    const part = partRange(info, opts.partNumber);
    start = part.start;
    length = part.end - part.start + 1;
    partsCount = info.parts.length;
    if (partsCount > 1 || size > 0) range = { start, end: start + length - 1 };
  } else if (opts.range) {
    range = resolveRange(opts.range, size);
    start = range.start;
    length = range.end - range.start + 1;
  }
  const segments = planSegments(info, start, length, objectKey, isEncryptedMultipart(info.sse ?? {}));
  return { view: { info, range: storedRangeOf(segments) }, range, partsCount, decrypt: (body) => readSegments(body, segments) };
}
