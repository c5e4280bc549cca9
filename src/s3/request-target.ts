// Which bucket and key a request addresses: path style (/bucket/key) always, virtual-host
// style (bucket.domain/key) for the configured domains. Keys are percent-decoded from the raw
// path and validated here, once, before anything else sees them.
import { S3Error } from "./errors.ts";
import { decodeObjectKey, isValidBucketName, validateObjectKey } from "./validate.ts";

export interface RequestTarget {
  /** "" for service-level requests (ListBuckets). */
  bucket: string;
  /** "" for bucket-level requests. */
  key: string;
  /** The bucket came from the Host header. */
  virtualHost: boolean;
}

/** The bucket named by a virtual-host Host header under one of `domains`, or "". */
export function virtualHostBucket(host: string | null, domains: readonly string[]): string {
  if (!host || domains.length === 0) return "";
  const name = host.replace(/:\d+$/, "").toLowerCase();
  for (const d of domains) {
    const domain = d.toLowerCase();
    if (name.endsWith(`.${domain}`)) return name.slice(0, -domain.length - 1);
  }
  return "";
}

export function parseTarget(url: URL, host: string | null, domains: readonly string[]): RequestTarget {
  const vhost = virtualHostBucket(host, domains);
  const path = url.pathname;
  if (vhost) {
    const rawKey = path.startsWith("/") ? path.slice(1) : path;
    return { bucket: vhost, key: rawKey ? checkedKey(rawKey) : "", virtualHost: true };
  }
  const trimmed = path.replace(/^\/+/, "");
  if (trimmed === "") return { bucket: "", key: "", virtualHost: false };
  const slash = trimmed.indexOf("/");
  const bucket = decodeURIComponentSafe(slash < 0 ? trimmed : trimmed.slice(0, slash));
  const rawKey = slash < 0 ? "" : trimmed.slice(slash + 1);
  return { bucket, key: rawKey ? checkedKey(rawKey) : "", virtualHost: false };
}

function checkedKey(raw: string): string {
  const key = decodeObjectKey(raw);
  validateObjectKey(key);
  return key;
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new S3Error("InvalidBucketName", undefined, { fields: { BucketName: s } });
  }
}

/** Bucket names for anything but CreateBucket: MinIO's relaxed rules (existing buckets may be older). */
export function checkBucketName(bucket: string, strict: boolean): void {
  if (!isValidBucketName(bucket, strict)) throw new S3Error("InvalidBucketName", undefined, { fields: { BucketName: bucket } });
}
