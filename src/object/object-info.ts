// Converting between what drives store (FileInfo, encoded names) and what S3 sees
// (ObjectInfo, keys): directory-object names, actual sizes, storage class, content type.
import type { FileInfo } from "../disk/index.ts";
import type { ObjectInfo } from "./object-layer.ts";
import { nsToDate } from "../util/index.ts";

/** Directory objects ("a/b/") live in a directory named "a/b__XLDIR__". */
export const XLDIR_SUFFIX = "__XLDIR__";

export function encodeDirObject(key: string): string {
  return key.endsWith("/") ? key.slice(0, -1) + XLDIR_SUFFIX : key;
}

export function decodeDirObject(name: string): string {
  return name.endsWith(XLDIR_SUFFIX) ? name.slice(0, -XLDIR_SUFFIX.length) + "/" : name;
}

export const SYS_ACTUAL_SIZE = "X-Minio-Internal-actual-size";
export const SYS_INLINE_DATA = "x-minio-internal-inline-data";
export const SYS_CRC = "x-minio-internal-crc";
export const SYS_ERASURE_UPGRADED = "x-minio-internal-erasure-upgraded";
export const SYS_COMPRESSION = "X-Minio-Internal-compression";
export const DEFAULT_CONTENT_TYPE = "binary/octet-stream";
/** MetaSys keys of server-side encryption (SPEC §8.4), compared in lower case. */
const SSE_PREFIX = "x-minio-internal-server-side-encryption";
const SSE_MULTIPART = "x-minio-internal-encrypted-multipart";

/** The SSE entries of MetaSys as text (key as stored), or undefined when the version is not encrypted. */
export function sseMetaOf(sysMeta: Record<string, Uint8Array>): Record<string, string> | undefined {
  let out: Record<string, string> | undefined;
  for (const [k, v] of Object.entries(sysMeta)) {
    const lower = k.toLowerCase();
    if (!lower.startsWith(SSE_PREFIX) && lower !== SSE_MULTIPART) continue;
    out ??= {};
    out[k] = new TextDecoder().decode(v);
  }
  return out;
}

/** True when the stored bytes are not the object's bytes: encrypted or compressed. */
export function isTransformed(info: Pick<ObjectInfo, "sse" | "compression">): boolean {
  return info.sse !== undefined || info.compression !== undefined;
}

/** Case-insensitive lookup in MetaSys (MinIO writes some keys in varying case). */
export function sysValue(sysMeta: Record<string, Uint8Array>, key: string): Uint8Array | undefined {
  return metaValue(sysMeta, key);
}

/** A metadata entry by key, whatever case it was stored in (MinIO canonicalises some keys). */
export function metaValue<T>(meta: Record<string, T>, key: string): T | undefined {
  if (key in meta) return meta[key];
  const lower = key.toLowerCase();
  for (const k of Object.keys(meta)) if (k.toLowerCase() === lower) return meta[k];
  return undefined;
}

export function actualSize(fi: FileInfo): number {
  const v = sysValue(fi.sysMeta, SYS_ACTUAL_SIZE);
  if (v) {
    const n = Number(new TextDecoder().decode(v));
    if (Number.isSafeInteger(n) && n >= 0) return n;
  }
  return fi.size;
}

export function toObjectInfo(bucket: string, fi: FileInfo): ObjectInfo {
  const userMeta = { ...fi.userMeta };
  const etag = userMeta.etag ?? "";
  delete userMeta.etag;
  const contentType = userMeta["content-type"] ?? DEFAULT_CONTENT_TYPE;
  delete userMeta["content-type"];
  const storageClass = userMeta["x-amz-storage-class"] && userMeta["x-amz-storage-class"] !== "" ? userMeta["x-amz-storage-class"] : "STANDARD";
  delete userMeta["x-amz-storage-class"];
  return {
    bucket,
    key: decodeDirObject(fi.name),
    versionId: fi.versionId,
    isLatest: fi.isLatest ?? true,
    deleteMarker: fi.deleted,
    size: fi.deleted ? 0 : actualSize(fi),
    storedSize: fi.deleted ? 0 : fi.size,
    etag,
    modTime: nsToDate(fi.modTimeNs),
    modTimeNs: fi.modTimeNs,
    contentType,
    userMeta,
    storageClass,
    parts: fi.parts.map((p) => ({ number: p.number, size: p.actualSize, storedSize: p.size, etag: p.etag, ...(p.index ? { index: p.index } : {}) })),
    checksumBlob: sysValue(fi.sysMeta, SYS_CRC),
    sse: sseMetaOf(fi.sysMeta),
    compression: (() => {
      const c = sysValue(fi.sysMeta, SYS_COMPRESSION);
      return c ? new TextDecoder().decode(c) : undefined;
    })(),
    numVersions: fi.numVersions,
  };
}
