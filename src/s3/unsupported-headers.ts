// Request headers checked before any handler runs: server-side encryption (validated as AWS
// does), object-lock retention / legal hold on writes (validated and authorized; copies refused),
// and ACL headers granting anyone but the owner. What we do not do is refused before
// anything is stored: a client that asked for encryption, WORM protection or sharing must never
// get a 200 for a plaintext, unprotected or private object.
import { checkAclHeaders } from "./acl.ts";
import type { S3Context } from "./context.ts";
import { S3Error } from "./errors.ts";
import { OWNER } from "./request-helpers.ts";
import type { S3Operation } from "../iam/index.ts";
import { allowsAction } from "./authorize.ts";
import { COPY_SSE_C, SSE, customerKeyOf, hasCustomerHeaders, hasManagedHeaders, managedKeyOf } from "./sse/sse-request.ts";

/** Operations that store an object (or a part of one) from the request. */
const WRITES: ReadonlySet<S3Operation> = new Set([
  "PutObject",
  "CopyObject",
  "CreateMultipartUpload",
  "UploadPart",
  "UploadPartCopy",
  "CompleteMultipartUpload",
  "PostObject",
]);
/** Operations whose source is another object, so copy-source SSE-C headers apply. */
const COPIES: ReadonlySet<S3Operation> = new Set(["CopyObject", "UploadPartCopy"]);
/** Operations that create a new object version and may ask for its lock. */
const LOCKABLE: ReadonlySet<S3Operation> = new Set(["PutObject", "CopyObject", "CreateMultipartUpload", "PostObject"]);
const READS: ReadonlySet<S3Operation> = new Set(["GetObject", "HeadObject", "GetObjectAttributes"]);
/** Operations that take ACL headers for what they create (Put*Acl check theirs themselves). */
const ACL_TAKERS: ReadonlySet<S3Operation> = new Set(["CreateBucket", "PutObject", "CopyObject", "CreateMultipartUpload", "PostObject"]);

const invalid = (message: string, name?: string, value?: string) =>
  new S3Error("InvalidArgument", message, { fields: { ArgumentName: name, ArgumentValue: value } });

/**
 * Encryption headers on `op`: SSE-C over plain HTTP is refused first (as MinIO does, unless
 * allowed), then bad values and conflicts are InvalidArgument; every write that takes them
 * encrypts (sse/), so valid ones go on to the handlers.
 */
export function checkEncryptionHeaders(op: S3Operation, h: Headers, secure: boolean, customerKeysOverHttp = false): void {
  const write = WRITES.has(op);
  if (!write && !READS.has(op)) return;
  const copy = COPIES.has(op);
  const customerHeaders = hasCustomerHeaders(h) || (copy && hasCustomerHeaders(h, COPY_SSE_C));
  if (customerHeaders && !secure && !customerKeysOverHttp) {
    throw new S3Error("InvalidRequest", "Requests specifying Server Side Encryption with Customer provided keys must be made over a secure connection.");
  }
  // Validated here, before anything is read; the handlers take them from the headers again.
  const customer = customerKeyOf(h) !== undefined;
  if (copy) customerKeyOf(h, COPY_SSE_C);
  if (!write) {
    // A valid customer key on a read goes on: the read checks it against the version's encryption.
    if (!customer && hasManagedHeaders(h)) throw new S3Error("BadRequest", "Server-side encryption headers are not allowed on GET or HEAD requests.");
    return;
  }
  const managed = managedKeyOf(h) !== undefined;
  if (customer && managed) throw invalid("Server Side Encryption with Customer provided key is incompatible with the encryption method specified", SSE);
}

/** ISO 8601 date-time as S3 takes it (e.g. 2030-01-01T00:00:00Z or with milliseconds/offset). */
const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Object-lock headers on a write: malformed values are InvalidArgument, a bucket without object
 * lock is InvalidRequest (as AWS answers), a caller not allowed s3:PutObjectRetention (mode and
 * date) or s3:PutObjectLegalHold (legal hold) is AccessDenied. PutObject, CreateMultipartUpload
 * and PostObject store them (lockMetaOf); on a copy they are NotImplemented, never ignored.
 */
export async function checkObjectLockHeaders(ctx: S3Context, op: S3Operation, h: Headers, key = ctx.key, accessKey?: string): Promise<void> {
  if (!LOCKABLE.has(op)) return;
  const mode = h.get("x-amz-object-lock-mode");
  const until = h.get("x-amz-object-lock-retain-until-date");
  const hold = h.get("x-amz-object-lock-legal-hold");
  if (mode === null && until === null && hold === null) return;
  if (mode !== null && mode !== "GOVERNANCE" && mode !== "COMPLIANCE") throw invalid("Unknown wormMode directive.", "x-amz-object-lock-mode", mode);
  if (until !== null && (!ISO_DATE.test(until) || Number.isNaN(Date.parse(until)))) {
    throw invalid("The retain until date must be provided in ISO 8601 format", "x-amz-object-lock-retain-until-date", until);
  }
  if ((mode === null) !== (until === null)) throw invalid("x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied");
  if (until !== null && Date.parse(until) <= Date.now())
    throw invalid("The retain until date must be in the future!", "x-amz-object-lock-retain-until-date", until);
  if (hold !== null && hold !== "ON" && hold !== "OFF") throw invalid("Legal Hold must be either of 'ON' or 'OFF'", "x-amz-object-lock-legal-hold", hold);
  if (!(await ctx.deps.layer.getBucketInfo(ctx.bucket)).lockEnabled) throw new S3Error("InvalidRequest", "Bucket is missing Object Lock Configuration");
  if (op === "CopyObject") {
    throw new S3Error("NotImplemented", "Object lock retention and legal hold on copies are not supported by this server yet; nothing was stored.");
  }
  if (mode !== null && !(await allowsAction(ctx, "s3:PutObjectRetention", ctx.bucket, key, accessKey))) throw new S3Error("AccessDenied");
  if (hold !== null && !(await allowsAction(ctx, "s3:PutObjectLegalHold", ctx.bucket, key, accessKey))) throw new S3Error("AccessDenied");
}

/** The lock fields a write's (checked) headers ask for, as MinIO stores them in the version's metadata. */
export function lockMetaOf(h: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  const mode = h.get("x-amz-object-lock-mode");
  const until = h.get("x-amz-object-lock-retain-until-date");
  const hold = h.get("x-amz-object-lock-legal-hold");
  if (mode !== null && until !== null) {
    out["X-Amz-Object-Lock-Mode"] = mode;
    out["X-Amz-Object-Lock-Retain-Until-Date"] = new Date(until).toISOString();
  }
  if (hold !== null) out["X-Amz-Object-Lock-Legal-Hold"] = hold;
  return out;
}

/** x-amz-acl / x-amz-grant-* on a request that creates something: only owner-only ACLs pass. */
export function refuseAcl(op: S3Operation, h: Headers): void {
  if (ACL_TAKERS.has(op)) checkAclHeaders(h, OWNER.ID);
}

/** A GET/HEAD that sent a customer key for an object stored in plaintext: AWS's 400. */
export function refuseKeyOnPlaintext(h: Headers): void {
  if (hasCustomerHeaders(h)) throw new S3Error("InvalidRequest", "The encryption parameters are not applicable to this object.");
}
