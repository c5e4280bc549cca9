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
export const DEFAULT_CONTENT_TYPE = "binary/octet-stream";

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
    etag,
    modTime: nsToDate(fi.modTimeNs),
    modTimeNs: fi.modTimeNs,
    contentType,
    userMeta,
    storageClass,
    parts: fi.parts.map((p) => ({ number: p.number, size: p.actualSize, etag: p.etag })),
    checksumBlob: sysValue(fi.sysMeta, SYS_CRC),
    numVersions: fi.numVersions,
  };
}
