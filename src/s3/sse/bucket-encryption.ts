// A bucket's default encryption (PutBucketEncryption / Get / Delete): MinIO's one-rule
// ServerSideEncryptionConfiguration, stored as the client's XML in .metadata.bin as MinIO stores
// it, and the encryption it gives writes that ask for none.
import type { Kms } from "../../crypto/index.ts";
import { S3Error } from "../errors.ts";
import { parseXml, xmlText } from "../xml.ts";
import { KMS_NOT_CONFIGURED } from "./sse-keys.ts";
import { type SseRequest, stripArn } from "./sse-request.ts";

const malformed = (why: string) => new S3Error("MalformedXML", `The ServerSideEncryptionConfiguration is not valid: ${why}.`);

/** The default a stored or sent configuration gives; MalformedXML when it is not one MinIO accepts. */
export function parseBucketEncryption(xml: Uint8Array | string): SseRequest {
  const doc = parseXml(typeof xml === "string" ? new TextEncoder().encode(xml) : xml, { maxBytes: 64 * 1024 });
  const root = doc.ServerSideEncryptionConfiguration as Record<string, unknown> | undefined;
  if (!root || typeof root !== "object") throw malformed("no ServerSideEncryptionConfiguration element");
  const rules = Array.isArray(root.Rule) ? root.Rule : root.Rule === undefined ? [] : [root.Rule];
  if (rules.length !== 1) throw malformed(`exactly one Rule is allowed, found ${rules.length}`);
  const rule = rules[0] as Record<string, unknown>;
  const apply = rule?.ApplyServerSideEncryptionByDefault as Record<string, unknown> | undefined;
  if (!apply || typeof apply !== "object") throw malformed("the Rule has no ApplyServerSideEncryptionByDefault");
  const algorithm = xmlText(apply.SSEAlgorithm);
  const keyId = xmlText(apply.KMSMasterKeyID);
  const bucketKey = xmlText(rule.BucketKeyEnabled);
  if (bucketKey !== undefined && bucketKey !== "true" && bucketKey !== "false") throw malformed("BucketKeyEnabled must be true or false");
  if (algorithm === "AES256") {
    if (keyId) throw malformed("KMSMasterKeyID is allowed only with SSEAlgorithm aws:kms");
    return { kind: "SSE-S3" };
  }
  if (algorithm === "aws:kms") return { kind: "SSE-KMS", keyId: keyId ? stripArn(keyId) : undefined };
  if (algorithm === "aws:kms:dsse") throw new S3Error("NotImplemented", "Dual-layer server-side encryption (aws:kms:dsse) is not supported.");
  throw malformed(`unknown SSEAlgorithm ${JSON.stringify(algorithm ?? "")}`);
}

/** Checks a configuration a client sends against this server's KMS before it is stored. */
export function checkBucketEncryption(xml: Uint8Array, kms: Kms | undefined): SseRequest {
  const sse = parseBucketEncryption(xml);
  if (!kms) throw new S3Error("NotImplemented", KMS_NOT_CONFIGURED);
  if (sse.kind === "SSE-KMS" && sse.keyId !== undefined && sse.keyId !== kms.keyId) {
    throw new S3Error("KMS.NotFoundException", `The KMS key "${sse.keyId}" does not exist; this server encrypts with "${kms.keyId}".`);
  }
  return sse;
}
