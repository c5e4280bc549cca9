// Validation of names and numbers that arrive in S3 requests, with the rules and answers MinIO
// gives: bucket names, object keys and prefixes (never able to leave a drive root), version and
// upload ids, max-keys, part numbers, and user-metadata headers.
import { percentDecodeBytes } from "./auth/canonical.ts";
import { S3Error } from "./errors.ts";

/** Longest object key in UTF-8 bytes. */
export const MAX_KEY_BYTES = 1024;
/** Longest path segment a POSIX file system stores (NAME_MAX); MinIO answers XMinioInvalidObjectName. */
export const MAX_SEGMENT_BYTES = 255;
export const MAX_PART_NUMBER = 10000;
/** Listing pages never exceed this many entries, whatever max-keys asks. */
export const MAX_LIST_KEYS = 1000;

const BUCKET_STRICT = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
// Existing buckets (created by older MinIO releases or by hand) may use upper case, '_' and ':'.
const BUCKET_RELAXED = /^[A-Za-z0-9][A-Za-z0-9._:-]{1,61}[A-Za-z0-9]$/;
const IPV4_LIKE = /^\d+\.\d+\.\d+\.\d+$/;
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** Bucket names MinIO reserves for itself. */
export function isReservedBucketName(name: string): boolean {
  return name === "minio" || name === ".minio.sys";
}

/**
 * S3 bucket naming: 3–63 characters of lower-case letters, digits, '.' and '-', starting and
 * ending alphanumeric, not shaped like an IPv4 address, no "..", ".-" or "-.". With
 * `strict: false` (requests on existing buckets) MinIO also tolerates upper case, '_' and ':'.
 */
export function isValidBucketName(name: string, strict = true): boolean {
  if (!(strict ? BUCKET_STRICT : BUCKET_RELAXED).test(name)) return false;
  if (IPV4_LIKE.test(name)) return false;
  return !name.includes("..") && !name.includes(".-") && !name.includes("-.");
}

export function validateBucketName(name: string, opts: { strict?: boolean } = {}): void {
  if (!isValidBucketName(name, opts.strict ?? true) || isReservedBucketName(name)) {
    throw new S3Error("InvalidBucketName", undefined, { fields: { BucketName: name } });
  }
}

/** A "." or ".." segment (spaces around it ignored, as MinIO does) anywhere in a slash path. */
export function hasBadPathComponent(path: string): boolean {
  return path
    .trim()
    .split("/")
    .some((seg) => {
      const t = seg.trim();
      return t === "." || t === "..";
    });
}

/** Well-formed UTF-16, i.e. encodable as UTF-8 without replacement characters. */
function isWellFormed(s: string): boolean {
  return !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s);
}

function invalidName(key: string, message?: string): S3Error {
  return new S3Error("XMinioInvalidObjectName", message, { fields: { Key: key } });
}

export interface KeyRules {
  /** Also refuse the characters Windows file systems cannot store (MinIO does on Windows). */
  windows?: boolean;
}

/** Checks shared by keys and listing prefixes; the prefix may be empty and end in "/". */
function checkPath(key: string, rules: KeyRules): void {
  if (Buffer.byteLength(key, "utf8") > MAX_KEY_BYTES) throw new S3Error("KeyTooLongError", undefined, { fields: { Key: key } });
  if (key.startsWith("/")) throw invalidName(key, "Object name contains a leading slash.");
  if (!isWellFormed(key)) throw invalidName(key);
  if (key.includes("\u0000") || key.includes("//") || hasBadPathComponent(key)) throw invalidName(key);
  if ((rules.windows ?? process.platform === "win32") && /[:*?"|<>]/.test(key)) throw invalidName(key);
  for (const seg of key.split("/")) {
    if (Buffer.byteLength(seg, "utf8") > MAX_SEGMENT_BYTES) throw invalidName(key, "A path segment of the object name is longer than 255 bytes.");
  }
}

/**
 * An object key as MinIO accepts it: non-empty, ≤ 1024 UTF-8 bytes, no leading "/", no "//",
 * no "." or ".." segment, no NUL, valid UTF-8, segments ≤ 255 bytes. Together these keep
 * `<drive>/<bucket>/<key>` inside the bucket directory whatever a lower layer does.
 * No backslash either, on every platform: MinIO treats "\" as a separator when it looks for
 * "..", our drives refuse it (a Windows drive would take it for one), and a key no drive
 * can store is the client's mistake (400), not a quorum failure (503).
 */
export function validateObjectKey(key: string, rules: KeyRules = {}): void {
  if (key === "") throw invalidName(key, "Object name cannot be empty.");
  checkPath(key, rules);
  if (key.includes("\\")) throw invalidName(key, "Object name contains a backslash.");
}

/**
 * Whether some valid key starts with `prefix`: the key rules, except that the last segment may
 * still be continued ("a/.." prefixes "a/..b"). A listing whose prefix names no possible key
 * is simply empty (AWS takes any prefix), not an error.
 */
export function prefixCanMatch(prefix: string, rules: KeyRules = {}): boolean {
  if (prefix === "") return true;
  const cut = prefix.lastIndexOf("/");
  const last = prefix.slice(cut + 1);
  if (Buffer.byteLength(prefix, "utf8") > MAX_KEY_BYTES || Buffer.byteLength(last, "utf8") > MAX_SEGMENT_BYTES) return false;
  if (prefix.includes("\u0000") || !isWellFormed(prefix)) return false;
  if ((rules.windows ?? process.platform === "win32") && /[\\:*?"|<>]/.test(prefix)) return false;
  if (cut < 0) return true;
  try {
    // The complete segments decide; a prefix ending in "/" may itself be a (directory) key.
    checkPath(cut === prefix.length - 1 ? prefix : `${prefix.slice(0, cut + 1)}x`, { ...rules, windows: false });
    return true;
  } catch {
    return false;
  }
}

/** A listing prefix (or marker / start-after): the key rules, but empty is fine. */
export function validateObjectPrefix(prefix: string, rules: KeyRules = {}): void {
  if (prefix !== "") checkPath(prefix, rules);
}

/** Percent-decodes a key from the request path, refusing byte sequences that are not UTF-8. */
export function decodeObjectKey(raw: string): string {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(percentDecodeBytes(raw));
  } catch {
    throw invalidName(raw, "Object name is not valid UTF-8.");
  }
}

/** "null" or a UUID; anything else is InvalidArgument. */
export function validateVersionId(versionId: string): void {
  if (versionId !== "null" && !UUID.test(versionId)) {
    throw new S3Error("InvalidArgument", "Invalid version id specified.", { fields: { ArgumentName: "versionId", ArgumentValue: versionId } });
  }
}

/** max-keys / max-uploads / max-parts: a non-negative integer, capped at 1000; absent → 1000. */
export function parseMaxKeys(value: string | null, name = "max-keys"): number {
  if (value === null || value === "") return MAX_LIST_KEYS;
  if (!/^\d{1,10}$/.test(value.trim()) || Number(value) > 2147483647) {
    throw new S3Error("InvalidArgument", `Argument ${name} must be an integer between 0 and 2147483647.`, {
      fields: { ArgumentName: name, ArgumentValue: value },
    });
  }
  return Math.min(Number(value), MAX_LIST_KEYS);
}

/** partNumber: an integer 1..10000, digits only (S3 accepts leading zeros, not spaces or signs). */
export function parsePartNumber(value: string | null): number {
  const n = value !== null && /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(n >= 1 && n <= MAX_PART_NUMBER)) {
    throw new S3Error("InvalidArgument", `Part number must be an integer between 1 and ${MAX_PART_NUMBER}, inclusive`, {
      fields: { ArgumentName: "partNumber", ArgumentValue: value ?? "" },
    });
  }
  return n;
}

/**
 * Upload ids are ours (base64url, SPEC §5) and end up in directory names: anything outside the
 * alphabet cannot name an upload, and is answered NoSuchUpload like an unknown id.
 */
export function validateUploadId(uploadId: string): void {
  if (!/^[A-Za-z0-9_-]{1,1024}={0,2}$/.test(uploadId)) {
    throw new S3Error("NoSuchUpload", undefined, { fields: { UploadId: uploadId } });
  }
}

export interface MetadataLimits {
  /** Sum of x-amz-meta-* names (without the prefix) and values, in UTF-8 bytes. AWS: 2 KiB. */
  maxUserBytes?: number;
  /** Sum of all header names and values. AWS: 8 KiB. */
  maxHeaderBytes?: number;
}

/**
 * User-metadata headers: MinIO-internal names are refused (InvalidArgument); sizes over the
 * limits are MetadataTooLarge. MinIO itself enforces no size limit, so pass the limits you want.
 */
export function validateMetadataHeaders(headers: Headers, limits: MetadataLimits = {}): void {
  let user = 0;
  let total = 0;
  headers.forEach((value, name) => {
    const lower = name.toLowerCase();
    if (lower.startsWith("x-minio-internal-")) throw new S3Error("InvalidArgument", "Your metadata headers are not supported.");
    const size = Buffer.byteLength(name) + Buffer.byteLength(value);
    total += size;
    if (lower.startsWith("x-amz-meta-")) user += size - "x-amz-meta-".length;
  });
  if ((limits.maxUserBytes !== undefined && user > limits.maxUserBytes) || (limits.maxHeaderBytes !== undefined && total > limits.maxHeaderBytes)) {
    throw new S3Error("MetadataTooLarge");
  }
}
