// Which objects MinIO compresses: the `compression` config (enable, allow_encryption, extensions,
// mime_types) as LookupConfig reads it from the environment or stored settings, and the
// exclusion rules of excludeForCompression, plus the constants of the object layer's wiring.
import { CompressError } from "./compress-error.ts";

/** X-Minio-Internal-compression value of objects compressed with S2's stream format. */
export const S2_COMPRESSION_ALGORITHM = "klauspost/compress/s2";
/** The value MinIO's first releases wrote (golang/snappy streams); read-only, never written. */
export const LEGACY_COMPRESSION_ALGORITHM = "golang/snappy/LZ77";
/** Objects of at most this many bytes are stored as they are (MinIO: `size > minCompressibleSize`). */
export const MIN_COMPRESSIBLE_SIZE = 4096;
/** Parts of more than this many uncompressed bytes get a seek index in PartIdx (compMinIndexSize). */
export const COMPRESSION_INDEX_MIN_SIZE = 8 << 20;
/** Compressed streams of encrypted objects are padded to a multiple of this (compPadEncrypted). */
export const COMPRESSION_PAD_ENCRYPTED = 256;

export const DEFAULT_COMPRESSION_EXTENSIONS = [".txt", ".log", ".csv", ".json", ".tar", ".xml", ".bin"] as const;
export const DEFAULT_COMPRESSION_MIME_TYPES = ["text/*", "application/json", "application/xml", "binary/octet-stream"] as const;
/** Never compressed, whatever the configuration (standardExcludeCompressExtensions). */
export const EXCLUDED_EXTENSIONS = [".gz", ".bz2", ".rar", ".zip", ".7z", ".xz", ".mp4", ".mkv", ".mov", ".jpg", ".png", ".gif"] as const;
/** Never compressed (standardExcludeCompressContentTypes); the leading space of " application/x-compress" is MinIO's, so it never matches. */
export const EXCLUDED_MIME_TYPES = [
  "video/*",
  "audio/*",
  "application/zip",
  "application/x-gzip",
  "application/x-zip-compressed",
  " application/x-compress",
  "application/x-spoon",
] as const;

export interface CompressionPolicy {
  /** compression enable. */
  enabled: boolean;
  /** allow_encryption: compress objects that are also encrypted (then padded, see COMPRESSION_PAD_ENCRYPTED). */
  allowEncryption: boolean;
  /** Object-name suffixes to compress, compared case-insensitively; "*" matches every name. */
  extensions: readonly string[];
  /** Content-Type patterns to compress ('*' matches any run), compared case-sensitively as MinIO does. */
  mimeTypes: readonly string[];
}

/** Compression off, as a fresh MinIO deployment starts. */
export const COMPRESSION_OFF: CompressionPolicy = Object.freeze({
  enabled: false,
  allowEncryption: false,
  extensions: DEFAULT_COMPRESSION_EXTENSIONS,
  mimeTypes: DEFAULT_COMPRESSION_MIME_TYPES,
});

/** The compression sub-system as stored by `mc admin config set … compression` (all optional). */
export interface StoredCompressionConfig {
  enable?: string;
  allow_encryption?: string;
  extensions?: string;
  mime_types?: string;
}

/**
 * The policy from MinIO's environment variables over the stored settings (env wins when set):
 * MINIO_COMPRESS_ENABLE (or the older MINIO_COMPRESS), MINIO_COMPRESS_ALLOW_ENCRYPTION,
 * MINIO_COMPRESS_EXTENSIONS, MINIO_COMPRESS_MIME_TYPES (or the older MINIO_COMPRESS_MIMETYPES).
 * Unreadable values throw CompressError "InvalidArgument"; with compression off the rest is not read.
 */
export function compressionPolicyFromEnv(env: Record<string, string | undefined>, stored: StoredCompressionConfig = {}): CompressionPolicy {
  const get = (name: string, fallback: string | undefined) => {
    const v = env[name];
    return v === undefined || v === "" ? (fallback ?? "") : v;
  };
  const enable = get("MINIO_COMPRESS", undefined) || get("MINIO_COMPRESS_ENABLE", stored.enable ?? "off");
  const enabled = readBool("MINIO_COMPRESS_ENABLE", enable);
  if (!enabled) return COMPRESSION_OFF;
  const allowEncryption = readBool("MINIO_COMPRESS_ALLOW_ENCRYPTION", get("MINIO_COMPRESS_ALLOW_ENCRYPTION", stored.allow_encryption ?? "off"));
  const extensions = get("MINIO_COMPRESS_EXTENSIONS", stored.extensions ?? DEFAULT_COMPRESSION_EXTENSIONS.join(","));
  const legacyMime = get("MINIO_COMPRESS_MIMETYPES", undefined);
  const mimeTypes = legacyMime || get("MINIO_COMPRESS_MIME_TYPES", stored.mime_types ?? DEFAULT_COMPRESSION_MIME_TYPES.join(","));
  return Object.freeze({
    enabled,
    allowEncryption,
    extensions: extensions === "" ? [] : readList("MINIO_COMPRESS_EXTENSIONS", extensions),
    mimeTypes: mimeTypes === "" ? [] : readList(legacyMime ? "MINIO_COMPRESS_MIMETYPES" : "MINIO_COMPRESS_MIME_TYPES", mimeTypes),
  });
}

/** MinIO's config.ParseBool: Go's strconv.ParseBool words plus on/off and enabled/disabled. */
function readBool(name: string, text: string): boolean {
  if (["1", "t", "T", "true", "TRUE", "True", "on", "ON", "On"].includes(text) || text.toLowerCase() === "enabled") return true;
  if (["0", "f", "F", "false", "FALSE", "False", "off", "OFF", "Off"].includes(text) || text.toLowerCase() === "disabled") return false;
  throw new CompressError("InvalidArgument", `Cannot read ${name}="${text}": use "on" or "off"`);
}

/** A comma-separated include list; as MinIO, items are not trimmed and may be neither empty nor "/". */
function readList(name: string, text: string): string[] {
  const items = text.split(",");
  for (const item of items) {
    if (item === "" || item === "/")
      throw new CompressError("InvalidArgument", `Cannot read ${name}="${text}": an extension or MIME type cannot be ${item === "" ? "empty" : '"/"'}`);
  }
  return items;
}

/** What the write path knows about an object when it decides. */
export interface CompressionCandidate {
  /** Object key (only its suffix matters). */
  key: string;
  /** The request's Content-Type, "" when absent. */
  contentType: string;
  /** Uncompressed size; −1 when unknown (then MinIO does not compress). */
  size: number;
  /** Server-side encryption was requested for it. */
  encrypted?: boolean;
}

/** Whether MinIO would store this object compressed (isCompressible && size > 4096). */
export function shouldCompress(policy: CompressionPolicy, object: CompressionCandidate): boolean {
  if (!policy.enabled || !(object.size > MIN_COMPRESSIBLE_SIZE)) return false;
  if (object.encrypted && !policy.allowEncryption) return false;
  if (hasSuffix(object.key, EXCLUDED_EXTENSIONS) || matchesAny(EXCLUDED_MIME_TYPES, object.contentType)) return false;
  if (policy.extensions.length === 0 && policy.mimeTypes.length === 0) return true;
  return hasSuffix(object.key, policy.extensions) || matchesAny(policy.mimeTypes, object.contentType);
}

function hasSuffix(key: string, list: readonly string[]): boolean {
  const k = key.toLowerCase();
  return list.some((v) => v === "*" || k.endsWith(v.toLowerCase()));
}

function matchesAny(patterns: readonly string[], value: string): boolean {
  return patterns.some((p) => wildcardMatch(p, value));
}

/** MinIO's wildcard.MatchSimple: '*' matches any run of characters, everything else itself. */
export function wildcardMatch(pattern: string, value: string): boolean {
  if (pattern === "") return value === "";
  if (pattern === "*") return true;
  const parts = pattern.split("*");
  if (parts.length === 1) return pattern === value;
  const first = parts[0];
  const last = parts[parts.length - 1];
  if (!value.startsWith(first) || value.length < first.length + last.length || !value.endsWith(last)) return false;
  let at = first.length;
  const stop = value.length - last.length;
  for (let i = 1; i < parts.length - 1; i++) {
    const found = value.indexOf(parts[i], at);
    if (found < 0 || found + parts[i].length > stop) return false;
    at = found + parts[i].length;
  }
  return true;
}
