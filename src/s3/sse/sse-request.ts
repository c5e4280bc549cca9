// What a request asks of server-side encryption, read from its headers as AWS validates them:
// SSE-C keys (x-amz-server-side-encryption-customer-*, and x-amz-copy-source-… for a copy's
// source), SSE-S3 (AES256) and SSE-KMS (aws:kms with key id and context). Bad values are
// InvalidArgument before anything is read or stored.
import type { KmsContext } from "../../crypto/index.ts";
import { S3Error } from "../errors.ts";

export const SSE = "x-amz-server-side-encryption";
export const SSE_C = "x-amz-server-side-encryption-customer-";
export const COPY_SSE_C = "x-amz-copy-source-server-side-encryption-customer-";
export const SSE_KMS_KEY_ID = `${SSE}-aws-kms-key-id`;
export const SSE_CONTEXT = `${SSE}-context`;
export const SSE_BUCKET_KEY = `${SSE}-bucket-key-enabled`;
const KMS_HEADERS = [SSE_KMS_KEY_ID, SSE_CONTEXT, SSE_BUCKET_KEY];
/** MinIO names KMS keys with this ARN prefix in headers and configuration; the key id follows it. */
export const KMS_ARN_PREFIX = "arn:aws:kms:";

/** A client's SSE-C key: 32 bytes and the base64 MD5 it sent with them. */
export interface CustomerKey {
  key: Uint8Array;
  keyMd5: string;
}

/** The encryption a write asks for. */
export type SseRequest = { kind: "SSE-S3" } | { kind: "SSE-KMS"; keyId?: string; context?: KmsContext } | ({ kind: "SSE-C" } & CustomerKey);

const invalid = (message: string, name?: string, value?: string) =>
  new S3Error("InvalidArgument", message, { fields: { ArgumentName: name, ArgumentValue: value } });

/** Where the values come from: request headers, or a POST form's fields. */
export interface HeaderSource {
  get(name: string): string | null | undefined;
  has(name: string): boolean;
}

/** True when any header of the SSE-C group `prefix` is present. */
export function hasCustomerHeaders(h: HeaderSource, prefix = SSE_C): boolean {
  return h.has(`${prefix}algorithm`) || h.has(`${prefix}key`) || h.has(`${prefix}key-md5`);
}

/** The SSE-C key of group `prefix` (algorithm / key / key-MD5), validated as AWS does; undefined when absent. */
export function customerKeyOf(h: HeaderSource, prefix = SSE_C): CustomerKey | undefined {
  const algorithm = h.get(`${prefix}algorithm`) ?? null;
  const key = h.get(`${prefix}key`) ?? null;
  const md5 = h.get(`${prefix}key-md5`) ?? null;
  if (algorithm === null && key === null && md5 === null) return undefined;
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
  return { key: new Uint8Array(raw), keyMd5: want };
}

/** True when x-amz-server-side-encryption or one of its KMS companions is present. */
export function hasManagedHeaders(h: HeaderSource): boolean {
  return h.has(SSE) || KMS_HEADERS.some((n) => h.has(n));
}

/** x-amz-server-side-encryption (AES256 / aws:kms) and its KMS companions; undefined when absent. */
export function managedKeyOf(h: HeaderSource): SseRequest | undefined {
  const method = h.get(SSE) ?? null;
  const kms = KMS_HEADERS.filter((n) => h.has(n));
  if (method === null && kms.length === 0) return undefined;
  if (method !== null && method !== "AES256" && method !== "aws:kms" && method !== "aws:kms:dsse")
    throw invalid("The encryption method specified is not supported", SSE, method);
  if (kms.length > 0 && method !== "aws:kms" && method !== "aws:kms:dsse") {
    throw invalid("Server Side Encryption with AWS KMS managed key requires HTTP header x-amz-server-side-encryption : aws:kms", kms[0]);
  }
  const context = parseContext(h.get(SSE_CONTEXT) ?? null);
  const bucketKey = h.get(SSE_BUCKET_KEY) ?? null;
  if (bucketKey !== null && !/^(true|false)$/i.test(bucketKey))
    throw invalid("x-amz-server-side-encryption-bucket-key-enabled must be true or false.", SSE_BUCKET_KEY, bucketKey);
  if (method === "aws:kms:dsse") throw new S3Error("NotImplemented", "Dual-layer server-side encryption (aws:kms:dsse) is not supported; nothing was stored.");
  // S3 Bucket Keys are an AWS cost optimisation with no meaning here: the data key is per object either way.
  if (method === "AES256") return { kind: "SSE-S3" };
  const keyId = h.get(SSE_KMS_KEY_ID);
  return { kind: "SSE-KMS", keyId: keyId ? stripArn(keyId) : undefined, context };
}

/** A KMS key id as clients send it: "arn:aws:kms:<id>" or the bare id. */
export function stripArn(keyId: string): string {
  return keyId.startsWith(KMS_ARN_PREFIX) ? keyId.slice(KMS_ARN_PREFIX.length) : keyId;
}

function parseContext(context: string | null): KmsContext | undefined {
  if (context === null) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(context, "base64").toString("utf8"));
  } catch {
    parsed = undefined;
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed) || Object.values(parsed).some((v) => typeof v !== "string"))
    throw invalid("The encryption context must be base64-encoded JSON of string values.", SSE_CONTEXT, context);
  return parsed as KmsContext;
}

/** The encryption a write's headers ask for (SSE-C, or SSE-S3/KMS; both at once is InvalidArgument). */
export function requestedEncryption(h: HeaderSource): SseRequest | undefined {
  const customer = customerKeyOf(h);
  const managed = managedKeyOf(h);
  if (customer && managed) throw invalid("Server Side Encryption with Customer provided key is incompatible with the encryption method specified", SSE);
  return customer ? { kind: "SSE-C", ...customer } : managed;
}
