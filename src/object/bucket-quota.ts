// A bucket's quota as MinIO keeps it: the QuotaConfigJSON field of .metadata.bin (madmin's
// BucketQuota JSON), read whatever MinIO release wrote it and written as MinIO stores what
// madmin 2.0.7 sends, so MinIO reads our quotas and we read its.
import { ObjectError } from "./object-error.ts";

/** A quota document, decoded. */
export interface BucketQuota {
  /** Bytes the bucket may hold; 0: no quota. Newer MinIO's "size" wins over "quota" when set. */
  limit: number;
  /** "hard" is the only kind MinIO still has; releases before 2022 also wrote "fifo". "" when absent. */
  type: string;
  /** Newer madmin's bandwidth and request-rate fields (0 when absent); MinIO does not enforce them either. */
  rate: number;
  requests: number;
}

/** A non-negative integer field (absent: 0); JSON numbers past 2^53 cannot be held exactly and are refused. */
function byteCount(doc: Record<string, unknown>, name: string): number {
  const v = doc[name];
  if (v === undefined || v === null) return 0;
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0) {
    throw new ObjectError("InvalidArgument", `The quota's "${name}" must be a whole number of bytes from 0 to ${Number.MAX_SAFE_INTEGER}`);
  }
  return v;
}

/** Decodes quota JSON; malformed documents are ObjectError InvalidArgument (the message says what is wrong). */
export function parseBucketQuota(bytes: Uint8Array): BucketQuota {
  let doc: unknown;
  try {
    doc = JSON.parse(new TextDecoder().decode(bytes));
  } catch (err) {
    throw new ObjectError("InvalidArgument", `The quota is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) throw new ObjectError("InvalidArgument", "The quota must be a JSON object");
  const d = doc as Record<string, unknown>;
  const type = d.quotatype ?? "";
  if (typeof type !== "string") throw new ObjectError("InvalidArgument", 'The quota\'s "quotatype" must be a string');
  const size = byteCount(d, "size");
  const quota = byteCount(d, "quota");
  return { limit: size > 0 ? size : quota, type, rate: byteCount(d, "rate"), requests: byteCount(d, "requests") };
}

/** The stored form of a hard quota of `limit` bytes (what MinIO stores when madmin 2.0.7 sets one). */
export function encodeBucketQuota(limit: number): Uint8Array {
  return new TextEncoder().encode(JSON.stringify({ quota: limit, quotatype: "hard" }));
}

/** The limit a stored quota enforces: a hard quota's bytes, else null (none, or a kind that is not enforced). */
export function hardQuotaLimit(stored: Uint8Array | null): number | null {
  if (!stored || stored.length === 0) return null;
  const q = parseBucketQuota(stored);
  return q.limit > 0 && q.type === "hard" ? q.limit : null;
}
