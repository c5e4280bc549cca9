// Reading encrypted versions (SPEC §8.5–8.7): the object key unsealed, the plaintext range (or
// part) mapped onto the DARE packages that hold it — for a multipart object, part by part, each
// its own stream under its part key — and only those stored bytes read and decrypted. The client
// sees the plaintext size, its ETag as MinIO shows it, and the checksums decrypted.
import {
  CryptoError,
  type DareRange,
  DareDecryptor,
  type Kms,
  checksumKey,
  dareDecrypt,
  dareEncryptedSize,
  dareMultipartRange,
  dareRange,
  isEncryptedMultipart,
  partKey,
  sseDomainOf,
  unsealETag,
} from "../../crypto/index.ts";
import { type ObjectInfo, type RangeSpec, type StoredView, resolveRange } from "../../object/index.ts";
import { pullThrough } from "../../util/index.ts";
import { S3Error } from "../errors.ts";
import { kmsError, storedObjectKey } from "./sse-keys.ts";
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
): Promise<{ info: ObjectInfo; objectKey: Uint8Array }> {
  refuseCompressed(info);
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

function refuseCompressed(info: ObjectInfo): void {
  if (info.compression !== undefined)
    throw new S3Error("NotImplemented", `"${info.key}" is stored compressed (${info.compression}); reading compressed objects is not supported yet.`);
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

/** The ETag a listing shows: SSE-S3 versions are unsealed through the KMS, the rest as visibleEtag. */
export async function listedEtag(kms: Kms | undefined, info: ObjectInfo): Promise<string> {
  if (!info.sse || !SEALED_ETAG.test(info.etag) || sseDomainOf(info.sse) !== "SSE-S3" || !kms) return visibleEtag(info);
  return visibleEtag(info, await storedObjectKey(kms, info, undefined));
}

async function planRead(kms: Kms | undefined, stored: ObjectInfo, opts: SseReadOptions): Promise<SseReadPlan> {
  if (!stored.sse) refuseCompressed(stored);
  const { info, objectKey } = await visibleInfo(kms, stored, opts.customer);
  const size = info.size;
  let start = 0;
  let length = size;
  let range: { start: number; end: number } | undefined;
  let partsCount: number | undefined;
  if (opts.partNumber !== undefined) {
    const count = Math.max(1, info.parts.length);
    if (opts.partNumber > count) {
      throw new S3Error("InvalidPartNumber", undefined, { fields: { PartNumberRequested: opts.partNumber, ActualPartCount: count } });
    }
    start = info.parts.slice(0, opts.partNumber - 1).reduce((n, p) => n + p.size, 0);
    length = info.parts.length === 0 ? size : info.parts[opts.partNumber - 1].size;
    partsCount = info.parts.length;
    if (partsCount > 1 || size > 0) range = { start, end: start + length - 1 };
  } else if (opts.range) {
    range = resolveRange(opts.range, size);
    start = range.start;
    length = range.end - range.start + 1;
  }
  const path = `"${info.bucket}/${info.key}"`;
  const tampered = (why: string) => new S3Error("XMinioObjectTampered", `The stored size of ${path} does not match its encryption: ${why}.`);
  let segments: { key: Uint8Array; range: DareRange; what: string }[];
  if (isEncryptedMultipart(info.sse ?? {})) {
    for (const p of info.parts) if (p.storedSize !== dareEncryptedSize(p.size)) throw tampered(`part ${p.number}`);
    segments = dareMultipartRange(info.parts, start, length).map((r) => ({
      key: partKey(objectKey, r.partNumber),
      range: r,
      what: `part ${r.partNumber} of ${path}`,
    }));
  } else {
    if (info.storedSize !== dareEncryptedSize(size)) throw tampered(`${info.storedSize} bytes hold no ${size}-byte DARE stream`);
    segments = length > 0 ? [{ key: objectKey, range: dareRange(size, start, length), what: path }] : [];
  }
  const first = segments[0];
  const last = segments.at(-1);
  const storedRange = first && last ? { start: first.range.cipherOffset, end: last.range.cipherOffset + last.range.cipherLength - 1 } : null;
  return { view: { info, range: storedRange }, range, partsCount, decrypt: (body) => decryptSegments(body, segments) };
}

/** Consecutive DARE streams (parts) read back to back, each decrypted under its own key and trimmed to its range. */
export function segmentsDecryptor(segments: readonly { key: Uint8Array; range: DareRange; what: string }[]): {
  push(chunk: Uint8Array, out: Uint8Array[]): void;
  end(): void;
} {
  let i = -1;
  let left = 0;
  let dec: DareDecryptor | undefined;
  const next = () => {
    i++;
    const s = segments[i];
    if (!s) return;
    left = s.range.cipherLength;
    dec = new DareDecryptor(s.key, {
      sequence: s.range.firstPackage,
      skip: s.range.skip,
      length: s.range.length,
      endsStream: s.range.endsStream,
      what: s.what,
    });
  };
  next();
  return {
    push(chunk, out) {
      let rest = chunk;
      while (rest.length > 0) {
        if (!dec || i >= segments.length)
          throw new CryptoError("Tampered", `Cannot decrypt ${segments.at(-1)?.what ?? "the object"}: more stored bytes than its packages`);
        const take = Math.min(left, rest.length);
        for (const p of dec.push(rest.subarray(0, take))) out.push(p);
        left -= take;
        rest = rest.subarray(take);
        if (left === 0) {
          dec.end();
          next();
        }
      }
    },
    end() {
      if (i < segments.length) {
        dec?.end();
        throw new CryptoError("Tampered", `Cannot decrypt ${segments[i].what}: the stored bytes ended early`);
      }
    },
  };
}

/**
 * The plaintext of `stored` (the segments' stored bytes), pulled as the reader asks, its
 * packages opened synchronously (no TransformStream hop).
 */
export function decryptSegments(
  stored: ReadableStream<Uint8Array>,
  segments: readonly { key: Uint8Array; range: DareRange; what: string }[],
): ReadableStream<Uint8Array> {
  const dec = segmentsDecryptor(segments);
  return pullThrough(stored, {
    transform(chunk, emit) {
      const out: Uint8Array[] = [];
      dec.push(chunk, out);
      for (const p of out) emit(p);
    },
    flush: () => dec.end(),
  });
}
