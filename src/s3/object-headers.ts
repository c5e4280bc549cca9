// Object metadata on the wire: which request headers become stored metadata (as MinIO stores
// them: standard headers lower-case, X-Amz-Meta-* in canonical case), and the response headers
// a GET/HEAD renders from an ObjectInfo (ETag, Last-Modified, user metadata, tag count…).
import type { ObjectInfo } from "../object/index.ts";
import { headerBytes, headerText } from "./auth/canonical.ts";
import { S3Error } from "./errors.ts";
import { decodeRfc2047, encodeRfc2047 } from "./rfc2047.ts";
import { validateMetadataHeaders } from "./validate.ts";

/** Standard headers stored with the object and returned on GET/HEAD. */
const STORED_HEADERS = [
  "content-type",
  "content-encoding",
  "content-disposition",
  "content-language",
  "cache-control",
  "expires",
  "x-amz-website-redirect-location",
];

export const STORAGE_CLASSES = new Set(["STANDARD", "REDUCED_REDUNDANCY"]);

/** Controls (TAB aside) and DEL: no header value may carry them, and CR/LF would split the answer. */
const CONTROL = /[\x00-\x08\x0a-\x1f\x7f]/;
/** AWS's limit for x-amz-website-redirect-location. */
const MAX_REDIRECT_BYTES = 2048;

/**
 * A request value a response will echo as a header: no control characters; with `latin1`, no
 * character beyond ISO-8859-1 either (AWS's rule for the response-* overrides, sent as is).
 */
export function checkHeaderValue(name: string, value: string, opts: { latin1?: boolean } = {}): void {
  const why = CONTROL.test(value)
    ? `The value of ${name} contains a control character.`
    : opts.latin1 && /[^\x00-\xff]/.test(value)
      ? "Header value cannot be represented using ISO-8859-1."
      : "";
  if (why) throw new S3Error("InvalidArgument", why, { fields: { ArgumentName: name, ArgumentValue: value } });
}

/** S3 stores a website redirect only as a path on this site or an http(s) URL. */
function checkRedirectLocation(value: string): void {
  if (!/^(\/|https?:\/\/)/.test(value) || Buffer.byteLength(value) > MAX_REDIRECT_BYTES) {
    throw new S3Error("InvalidArgument", "The website redirect location must have a prefix of 'http://' or 'https://' or '/'.", {
      fields: { ArgumentName: "x-amz-website-redirect-location", ArgumentValue: value },
    });
  }
}

/** Go's canonical header key ("x-amz-meta-my-key" → "X-Amz-Meta-My-Key"), how MinIO stores names. */
export function canonicalHeaderKey(name: string): string {
  return name.toLowerCase().replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase());
}

/** Stored metadata from request headers (PUT, CreateMultipartUpload, CopyObject REPLACE). */
export function userMetaFromHeaders(headers: Headers): Record<string, string> {
  validateMetadataHeaders(headers, { maxUserBytes: 2048, maxHeaderBytes: 8192 });
  const meta: Record<string, string> = {};
  for (const name of STORED_HEADERS) {
    const raw = headers.get(name);
    if (raw === null) continue;
    checkHeaderValue(name, raw);
    if (name === "x-amz-website-redirect-location") checkRedirectLocation(raw);
    const v = name === "content-encoding" ? storedContentEncoding(raw) : raw;
    if (v !== null) meta[name] = headerText(v);
  }
  headers.forEach((value, name) => {
    const lower = name.toLowerCase();
    if (!lower.startsWith("x-amz-meta-") || lower.length === "x-amz-meta-".length) return;
    checkHeaderValue(lower, value);
    // S3 stores the text an RFC 2047 encoded-word stands for (raw bytes: their UTF-8 text).
    meta[canonicalHeaderKey(lower)] = decodeRfc2047(headerText(value));
  });
  const tagging = headers.get("x-amz-tagging");
  if (tagging !== null) meta["X-Amz-Tagging"] = normalizeTagging(tagging);
  return meta;
}

/**
 * Content-Encoding as stored: the aws-chunked token only describes the request's framing, so S3
 * drops it ("aws-chunked,gzip" is stored as "gzip", "aws-chunked" alone as nothing); a value
 * without it is kept as sent.
 */
export function storedContentEncoding(value: string | null): string | null {
  if (value === null) return null;
  const tokens = value.split(",").map((t) => t.trim());
  if (!tokens.some((t) => t.toLowerCase() === "aws-chunked")) return value;
  const rest = tokens.filter((t) => t !== "" && t.toLowerCase() !== "aws-chunked");
  return rest.length === 0 ? null : rest.join(",");
}

export function storageClassFrom(headers: Headers): string | undefined {
  const sc = headers.get("x-amz-storage-class");
  if (sc === null || sc === "") return undefined;
  if (!STORAGE_CLASSES.has(sc)) throw new S3Error("InvalidStorageClass", undefined, { fields: { StorageClassRequested: sc } });
  return sc;
}

const BAD_TAGGING_HEADER = "The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters without tag name duplicates.";

/** One form-encoded component ("+" is a space); malformed escapes refuse the header. */
function decodeTagComponent(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, " "));
  } catch {
    throw new S3Error("InvalidArgument", BAD_TAGGING_HEADER);
  }
}

/**
 * Reads an x-amz-tagging header as S3 does: "&"-separated pairs, a bare key holding the empty
 * value, empty pairs skipped; a duplicate key or a pair with two "=" is InvalidArgument, more
 * than 10 tags BadRequest, keys over 128 and values over 256 characters InvalidTag.
 */
export function normalizeTagging(query: string): string {
  const tags = new Map<string, string>();
  for (const pair of query.split("&")) {
    if (pair === "") continue;
    const parts = pair.split("=");
    if (parts.length > 2) throw new S3Error("InvalidArgument", BAD_TAGGING_HEADER);
    const k = decodeTagComponent(parts[0]);
    const v = decodeTagComponent(parts[1] ?? "");
    checkTag(k, v);
    if (tags.has(k)) throw new S3Error("InvalidArgument", BAD_TAGGING_HEADER);
    tags.set(k, v);
  }
  checkTagCount(tags.size);
  return encodeTags(tags);
}

/** Key and value lengths (UTF-16 units, as S3 counts them). */
export function checkTag(k: string, v: string): void {
  if (k.length === 0 || k.length > 128) throw new S3Error("InvalidTag", "The TagKey you have provided is invalid");
  if (v.length > 256) throw new S3Error("InvalidTag", "The TagValue you have provided is invalid");
}

/** S3 answers more than 10 object tags (header or PutObjectTagging) with BadRequest. */
export function checkTagCount(count: number): void {
  if (count > 10) throw new S3Error("BadRequest", "Object tags cannot be greater than 10");
}

export function encodeTags(tags: Map<string, string>): string {
  return new URLSearchParams([...tags.entries()]).toString().replace(/\+/g, "%20");
}

export function decodeTags(stored: string | undefined): Map<string, string> {
  return new Map(stored ? new URLSearchParams(stored).entries() : []);
}

/** RFC 7231 date, as S3 sends Last-Modified. */
export function httpDate(d: Date): string {
  return d.toUTCString();
}

/** Headers describing the object on GET/HEAD (and the version header when versioning applies). */
export function objectHeaders(info: ObjectInfo, showVersion: boolean): Headers {
  const h = new Headers();
  h.set("etag", `"${info.etag}"`);
  h.set("last-modified", httpDate(info.modTime));
  // A stored value no header can carry (written by something else than S3 requests) is left out
  // rather than failing every GET of the object.
  if (!CONTROL.test(info.contentType)) h.set("content-type", headerBytes(info.contentType));
  h.set("accept-ranges", "bytes");
  if (showVersion) h.set("x-amz-version-id", info.versionId);
  for (const [k, v] of Object.entries(info.userMeta)) {
    const lower = k.toLowerCase();
    if (lower === "x-amz-tagging") {
      const count = decodeTags(v).size;
      if (count > 0) h.set("x-amz-tagging-count", String(count));
    } else if (CONTROL.test(v)) {
      // A stored value no header can carry is left out rather than failing every read.
    } else if (lower.startsWith("x-amz-meta-")) {
      // Mail-safe, as S3 answers: a value that is not US-ASCII goes out as "=?UTF-8?B?…?=".
      h.set(lower, encodeRfc2047(v));
    } else if (STORED_HEADERS.includes(lower)) {
      h.set(lower, headerBytes(v));
    } else if (lower.startsWith("x-amz-object-lock-")) {
      h.set(lower, v);
    }
  }
  if (info.storageClass !== "STANDARD") h.set("x-amz-storage-class", info.storageClass);
  return h;
}

const OVERRIDES: Record<string, string> = {
  "response-content-type": "content-type",
  "response-content-language": "content-language",
  "response-expires": "expires",
  "response-cache-control": "cache-control",
  "response-content-disposition": "content-disposition",
  "response-content-encoding": "content-encoding",
};

/** GET's response-* query parameters replace the stored headers (signed requests only, as S3 requires). */
export function applyResponseOverrides(h: Headers, query: URLSearchParams, signed: boolean): void {
  const set: [string, string][] = [];
  for (const [param, header] of Object.entries(OVERRIDES)) {
    const v = query.get(param);
    if (v === null) continue;
    if (!signed) throw new S3Error("InvalidRequest", "Request specific response headers cannot be used for anonymous GET requests.");
    checkHeaderValue(param, v, { latin1: true });
    set.push([header, v]);
  }
  for (const [header, v] of set) h.set(header, v);
}
