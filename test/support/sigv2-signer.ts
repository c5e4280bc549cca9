// An independent AWS Signature Version 2 signer for tests, written from the AWS "Signing and
// authenticating REST requests (AWS signature version 2)" page rather than from the server's
// verifier: header form (Authorization: AWS key:sig) and query-string form (Expires/Signature).
import { createHmac } from "node:crypto";

/**
 * The sub-resources the AWS page (and the clients that follow it) put in the CanonicalizedResource,
 * plus the response-header overrides. Other query parameters are not signed.
 */
export const AWS_DOC_SUBRESOURCES: ReadonlySet<string> = new Set([
  "acl",
  "delete",
  "lifecycle",
  "location",
  "logging",
  "notification",
  "partNumber",
  "policy",
  "requestPayment",
  "torrent",
  "uploadId",
  "uploads",
  "versionId",
  "versioning",
  "versions",
  "website",
  "response-cache-control",
  "response-content-disposition",
  "response-content-encoding",
  "response-content-language",
  "response-content-type",
  "response-expires",
]);

export interface V2Request {
  method: string;
  /** The path as it travels ("/bucket/a%20b"), without the bucket when virtual-hosted. */
  path: string;
  /** The query as it travels, without "?" ("uploads=&x=1"); AWSAccessKeyId/Expires/Signature are added by presign. */
  query?: string;
  /** Header lines as sent; a name may repeat (each line travels on its own). */
  headers?: [string, string][];
  /** Bucket named by the Host header (virtual-hosted style): it opens the resource. */
  virtualHostBucket?: string;
  /** Sign an empty value as "name=" (botocore signs the query as it is written) instead of "name". */
  keepEmptyEquals?: boolean;
  /** The sub-resources this client signs (default: the AWS page's list). */
  subresources?: ReadonlySet<string>;
  accessKey: string;
  secret: string;
  /** Corrupt the signature after computing it (one base64 character changed). */
  tamper?: boolean;
}

/** "Content-MD5" etc. by case-insensitive name: the first line's value, or "" when absent. */
function positional(headers: [string, string][], name: string): string {
  return headers.find(([n]) => n.toLowerCase() === name)?.[1].trim() ?? "";
}

/**
 * CanonicalizedAmzHeaders: lower-case x-amz-* names, sorted; repeated names folded into one line
 * with the values comma-separated and no whitespace between them; unfolded; trimmed around ":".
 */
export function canonicalizedAmzHeaders(headers: [string, string][]): string {
  const byName = new Map<string, string[]>();
  for (const [n, v] of headers) {
    const name = n.trim().toLowerCase();
    if (!name.startsWith("x-amz-")) continue;
    byName.set(name, [...(byName.get(name) ?? []), v.replace(/\s*\r?\n\s*/g, " ").trim()]);
  }
  return [...byName.keys()]
    .sort()
    .map((n) => `${n}:${byName.get(n)!.join(",")}\n`)
    .join("");
}

/**
 * CanonicalizedResource: ["/" bucket] + the undecoded path + the addressed sub-resources,
 * sorted by name, "&"-separated, each with "=value" only if it has a value (decoded).
 */
export function canonicalizedResource(r: Pick<V2Request, "path" | "query" | "virtualHostBucket" | "subresources" | "keepEmptyEquals">): string {
  const signed = r.subresources ?? AWS_DOC_SUBRESOURCES;
  const subs: [string, string][] = [];
  for (const piece of (r.query ?? "").split("&")) {
    if (piece === "") continue;
    const eq = piece.indexOf("=");
    const name = decodeURIComponent(eq < 0 ? piece : piece.slice(0, eq));
    if (!signed.has(name)) continue;
    const value = eq < 0 ? undefined : decodeURIComponent(piece.slice(eq + 1).replace(/\+/g, " "));
    subs.push([name, value === undefined || (value === "" && !r.keepEmptyEquals) ? name : `${name}=${value}`]);
  }
  subs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const suffix = subs.length === 0 ? "" : "?" + subs.map((s) => s[1]).join("&");
  return (r.virtualHostBucket ? `/${r.virtualHostBucket}` : "") + r.path + suffix;
}

/** Verb \n Content-MD5 \n Content-Type \n Date-or-Expires \n CanonicalizedAmzHeaders CanonicalizedResource. */
export function v2StringToSign(r: V2Request, dateLine: string): string {
  const h = r.headers ?? [];
  return `${r.method}\n${positional(h, "content-md5")}\n${positional(h, "content-type")}\n${dateLine}\n${canonicalizedAmzHeaders(h)}${canonicalizedResource(r)}`;
}

function signature(r: V2Request, text: string): string {
  const sig = createHmac("sha1", r.secret).update(text, "utf8").digest("base64");
  return r.tamper ? (sig[0] === "A" ? "B" : "A") + sig.slice(1) : sig;
}

/**
 * The Authorization header value. The Date line is the Date header, or empty when x-amz-date is
 * sent (the page: x-amz-date replaces Date, which is then signed as "").
 */
export function signV2(r: V2Request): string {
  const h = r.headers ?? [];
  const dateLine = h.some(([n]) => n.toLowerCase() === "x-amz-date") ? "" : positional(h, "date");
  return `AWS ${r.accessKey}:${signature(r, v2StringToSign(r, dateLine))}`;
}

/** Header lines plus the Authorization line, ready for fetch() or a raw request. */
export function signedV2Headers(r: V2Request): [string, string][] {
  return [...(r.headers ?? []), ["authorization", signV2(r)]];
}

/** Query-string authentication: the query to send (the original plus AWSAccessKeyId, Expires, Signature). */
export function presignV2Query(r: V2Request, expiresEpochSeconds: number): string {
  const sig = signature(r, v2StringToSign(r, String(expiresEpochSeconds)));
  const auth = `AWSAccessKeyId=${encodeURIComponent(r.accessKey)}&Expires=${expiresEpochSeconds}&Signature=${encodeURIComponent(sig)}`;
  return r.query ? `${r.query}&${auth}` : auth;
}
