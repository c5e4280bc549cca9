// Request headers asking for what Bunker does not do yet: server-side encryption (SSE-S3,
// SSE-KMS, SSE-C, copy-source SSE-C), object-lock retention / legal hold on writes, and ACL
// headers granting anyone but the owner. They are validated as AWS validates them, then refused
// before anything is stored: a client that asked for encryption, WORM protection or sharing
// must never get a 200 for a plaintext, unprotected or private object.
import { checkAclHeaders } from "./acl.ts";
import type { S3Context } from "./context.ts";
import { S3Error } from "./errors.ts";
import { OWNER } from "./request-helpers.ts";
import type { S3Operation } from "../iam/index.ts";

const SSE = "x-amz-server-side-encryption";
const SSE_C = "x-amz-server-side-encryption-customer-";
const COPY_SSE_C = "x-amz-copy-source-server-side-encryption-customer-";
const KMS_HEADERS = [`${SSE}-aws-kms-key-id`, `${SSE}-context`, `${SSE}-bucket-key-enabled`];
const SSE_METHODS = new Set(["AES256", "aws:kms", "aws:kms:dsse"]);

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
const READS: ReadonlySet<S3Operation> = new Set(["GetObject", "HeadObject"]);
/** Operations that take ACL headers for what they create (Put*Acl check theirs themselves). */
const ACL_TAKERS: ReadonlySet<S3Operation> = new Set(["CreateBucket", "PutObject", "CopyObject", "CreateMultipartUpload", "PostObject"]);

const invalid = (message: string, name?: string, value?: string) =>
  new S3Error("InvalidArgument", message, { fields: { ArgumentName: name, ArgumentValue: value } });

/** Validates one SSE-C header group (`prefix` + algorithm / key / key-MD5) as AWS does; true when present. */
function checkCustomerKey(h: Headers, prefix: string): boolean {
  const algorithm = h.get(`${prefix}algorithm`);
  const key = h.get(`${prefix}key`);
  const md5 = h.get(`${prefix}key-md5`);
  if (algorithm === null && key === null && md5 === null) return false;
  if (algorithm === null)
    throw invalid("Requests specifying Server Side Encryption with Customer provided keys must provide a valid encryption algorithm.", `${prefix}algorithm`);
  if (algorithm !== "AES256")
    throw new S3Error("InvalidEncryptionAlgorithmError", "The encryption request you specified is not valid. The valid value is AES256.", {
      fields: { ArgumentName: `${prefix}algorithm`, ArgumentValue: algorithm },
    });
  if (key === null)
    throw invalid("Requests specifying Server Side Encryption with Customer provided keys must provide an appropriate secret key.", `${prefix}key`);
  const raw = /^[A-Za-z0-9+/]+={0,2}$/.test(key) ? Buffer.from(key, "base64") : undefined;
  if (raw?.length !== 32) throw invalid("The secret key was invalid for the specified algorithm.", `${prefix}key`);
  if (md5 === null)
    throw invalid(
      "Requests specifying Server Side Encryption with Customer provided keys must provide the client calculated MD5 of the secret key.",
      `${prefix}key-MD5`,
    );
  const want = new Bun.CryptoHasher("md5").update(raw).digest("base64");
  if (md5 !== want) throw invalid("The calculated MD5 hash of the key did not match the hash that was provided.", `${prefix}key-MD5`);
  return true;
}

/** x-amz-server-side-encryption and its KMS companions; true when any is present. */
function checkManagedKey(h: Headers): boolean {
  const method = h.get(SSE);
  const kms = KMS_HEADERS.filter((n) => h.has(n));
  if (method === null && kms.length === 0) return false;
  if (method !== null && !SSE_METHODS.has(method)) throw invalid("The encryption method specified is not supported", SSE, method);
  if (kms.length > 0 && method !== "aws:kms" && method !== "aws:kms:dsse") {
    throw invalid("Server Side Encryption with AWS KMS managed key requires HTTP header x-amz-server-side-encryption : aws:kms", kms[0]);
  }
  const context = h.get(`${SSE}-context`);
  if (context !== null) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(context, "base64").toString("utf8"));
    } catch {
      parsed = undefined;
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
      throw invalid("The encryption context must be base64-encoded JSON.", `${SSE}-context`, context);
  }
  const bucketKey = h.get(`${SSE}-bucket-key-enabled`);
  if (bucketKey !== null && !/^(true|false)$/i.test(bucketKey))
    throw invalid("x-amz-server-side-encryption-bucket-key-enabled must be true or false.", `${SSE}-bucket-key-enabled`, bucketKey);
  return true;
}

/**
 * Encryption headers on `op`: SSE-C over plain HTTP is refused first (as MinIO does), then bad
 * values and conflicts are InvalidArgument; a valid request for encryption is NotImplemented.
 */
export function refuseEncryption(op: S3Operation, h: Headers, secure: boolean): void {
  const write = WRITES.has(op);
  if (!write && !READS.has(op)) return;
  const copy = COPIES.has(op);
  const customerHeaders = [...h.keys()].some((n) => n.startsWith(SSE_C) || (copy && n.startsWith(COPY_SSE_C)));
  if (customerHeaders && !secure) {
    throw new S3Error("InvalidRequest", "Requests specifying Server Side Encryption with Customer provided keys must be made over a secure connection.");
  }
  const customer = checkCustomerKey(h, SSE_C);
  const sourceCustomer = copy && checkCustomerKey(h, COPY_SSE_C);
  if (!write) {
    // A valid customer key on a read goes on to the handler: the object layer refuses objects
    // MinIO encrypted (NotImplemented), and for a plaintext one the key is refused there
    // (refuseKeyOnPlaintext). SSE-S3/KMS headers have no meaning on a read at all.
    if (!customer && (h.has(SSE) || KMS_HEADERS.some((n) => h.has(n))))
      throw new S3Error("BadRequest", "Server-side encryption headers are not allowed on GET or HEAD requests.");
    return;
  }
  const managed = checkManagedKey(h);
  if (customer && managed) throw invalid("Server Side Encryption with Customer provided key is incompatible with the encryption method specified", SSE);
  if (customer || managed || sourceCustomer) {
    throw new S3Error("NotImplemented", "Server-side encryption is not supported by this server yet; nothing was stored.");
  }
}

/** ISO 8601 date-time as S3 takes it (e.g. 2030-01-01T00:00:00Z or with milliseconds/offset). */
const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Object-lock headers on a write: malformed values are InvalidArgument, a bucket without object
 * lock is InvalidRequest (as AWS answers), and valid retention or legal hold is NotImplemented.
 */
export async function refuseObjectLock(ctx: S3Context, op: S3Operation, h: Headers): Promise<void> {
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
  throw new S3Error("NotImplemented", "Object lock retention and legal hold on writes are not supported by this server yet; nothing was stored.");
}

/** x-amz-acl / x-amz-grant-* on a request that creates something: only owner-only ACLs pass. */
export function refuseAcl(op: S3Operation, h: Headers): void {
  if (ACL_TAKERS.has(op)) checkAclHeaders(h, OWNER.ID);
}

/** A GET/HEAD that sent a customer key for an object stored in plaintext: AWS's 400. */
export function refuseKeyOnPlaintext(h: Headers): void {
  if (h.has(`${SSE_C}algorithm`) || h.has(`${SSE_C}key`)) throw new S3Error("InvalidRequest", "The encryption parameters are not applicable to this object.");
}
