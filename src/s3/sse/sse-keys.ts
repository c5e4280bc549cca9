// Object keys of encrypted versions at the S3 layer: a fresh sealed key for a write (through the
// KMS or the client's SSE-C key), the key of a stored version for a read, and the S3 errors for
// every way that can fail — no KMS, an unknown KMS key, a missing or wrong customer key, a KMS
// that does not answer. Keys never appear in messages.
import { CryptoError, type Kms, SSE_METADATA, type SseDomain, createSseObjectKey, sseDomainOf, unsealSseObjectKey } from "../../crypto/index.ts";
import type { ObjectInfo } from "../../object/index.ts";
import { S3Error } from "../errors.ts";
import { type CustomerKey, KMS_ARN_PREFIX, type SseRequest } from "./sse-request.ts";

export const KMS_NOT_CONFIGURED = "Server side encryption specified but KMS is not configured";

/** A new object key for bucket/key, sealed as `sse` asks, and the MetaSys entries to store (and as text, as ObjectInfo.sse reads them). */
export async function newObjectKey(
  kms: Kms | undefined,
  bucket: string,
  key: string,
  sse: SseRequest,
  opts: { multipart?: boolean } = {},
): Promise<{ objectKey: Uint8Array; sysMeta: Record<string, Uint8Array>; sse: Record<string, string>; domain: SseDomain }> {
  if (sse.kind !== "SSE-C" && !kms) throw new S3Error("NotImplemented", KMS_NOT_CONFIGURED);
  if (sse.kind === "SSE-KMS" && sse.keyId !== undefined && kms && sse.keyId !== kms.keyId) {
    // One KMS key is configured (MinIO's rule for the built-in key and for KES's default key).
    throw new S3Error("KMS.NotFoundException", `The KMS key "${sse.keyId}" does not exist; this server encrypts with "${kms.keyId}".`);
  }
  try {
    const made = await createSseObjectKey(sse.kind, bucket, key, sse.kind === "SSE-C" ? { customerKey: sse.key } : { kms }, {
      keyId: sse.kind === "SSE-KMS" ? sse.keyId : undefined,
      context: sse.kind === "SSE-KMS" ? sse.context : undefined,
      multipart: opts.multipart,
    });
    const sysMeta = Object.fromEntries(Object.entries(made.metadata).map(([k, v]) => [k, new TextEncoder().encode(v)]));
    return { objectKey: made.objectKey, sysMeta, sse: made.metadata, domain: sse.kind };
  } catch (err) {
    throw kmsError(err);
  }
}

/**
 * The object key of a stored encrypted version. SSE-C needs the client's key (missing:
 * InvalidRequest, wrong: AccessDenied, as AWS answers); SSE-S3/KMS need the KMS, and a customer
 * key sent for them is InvalidRequest.
 */
export async function storedObjectKey(
  kms: Kms | undefined,
  info: Pick<ObjectInfo, "bucket" | "key" | "sse">,
  customer: CustomerKey | undefined,
): Promise<Uint8Array> {
  const meta = info.sse ?? {};
  const domain = sseDomainOf(meta);
  if (domain === null) throw new S3Error("InternalError", `"${info.bucket}/${info.key}" has SSE metadata naming no key`);
  if (domain === "SSE-C" && !customer) {
    throw new S3Error(
      "InvalidRequest",
      "The object was stored using a form of Server Side Encryption. The correct parameters must be provided to retrieve the object.",
    );
  }
  if (domain !== "SSE-C" && customer) throw new S3Error("InvalidRequest", "The encryption parameters are not applicable to this object.");
  if (domain !== "SSE-C" && !kms) throw new S3Error("NotImplemented", `The object is encrypted with ${domain}, but no KMS is configured`);
  try {
    return (await unsealSseObjectKey(meta, info.bucket, info.key, domain === "SSE-C" ? { customerKey: customer!.key } : { kms })).objectKey;
  } catch (err) {
    if (domain === "SSE-C" && err instanceof CryptoError && err.kind === "Tampered") {
      throw new S3Error("AccessDenied", "The SSE-C key does not open this object: it was encrypted with another key.", { cause: err });
    }
    throw kmsError(err);
  }
}

/** CryptoErrors of the KMS or the stored metadata as S3 errors; anything else as it is. */
export function kmsError(err: unknown): unknown {
  if (!(err instanceof CryptoError)) return err;
  switch (err.kind) {
    case "WrongKey":
      return new S3Error("KMS.NotFoundException", `The KMS does not have the key: ${err.message}`, { cause: err });
    case "Unavailable":
    case "Denied":
      return new S3Error("XMinioKMSUnavailable", `The KMS cannot be used now: ${err.message}`, { cause: err });
    case "Tampered":
      return new S3Error("XMinioObjectTampered", `The object's keys do not open: ${err.message}`, { cause: err });
    default:
      return new S3Error("XMinioObjectTampered", `The object's encryption metadata cannot be read: ${err.message}`, { cause: err });
  }
}

/** The response headers that say how a version is encrypted (x-amz-server-side-encryption…). */
export function encryptionHeaders(h: Headers, sse: Record<string, string> | undefined, customer?: CustomerKey): void {
  const domain = sse ? sseDomainOf(sse) : null;
  if (domain === "SSE-S3") h.set("x-amz-server-side-encryption", "AES256");
  else if (domain === "SSE-KMS") {
    h.set("x-amz-server-side-encryption", "aws:kms");
    const keyId = sse![SSE_METADATA.kmsKeyId];
    if (keyId) h.set("x-amz-server-side-encryption-aws-kms-key-id", `${KMS_ARN_PREFIX}${keyId}`);
    const context = sse![SSE_METADATA.kmsContext];
    if (context) h.set("x-amz-server-side-encryption-context", context);
  } else if (domain === "SSE-C") {
    h.set("x-amz-server-side-encryption-customer-algorithm", "AES256");
    if (customer) h.set("x-amz-server-side-encryption-customer-key-md5", customer.keyMd5);
  }
}
