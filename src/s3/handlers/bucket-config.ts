// Bucket configuration documents: versioning, tagging, policy, object-lock, canned ACLs, and
// honest "nothing configured" answers for the configurations we do not support yet.
import type { BucketConfigKind } from "../../object/index.ts";
import { emptyResponse, xmlResponse, type Handler, type S3Context } from "../context.ts";
import { S3Error, type S3ErrorCode } from "../errors.ts";
import { checkAclBody, checkAclHeaders } from "../acl.ts";
import { MAX_POLICY_BYTES, parsePolicy } from "../../iam/index.ts";
import { contentMd5, readSmallBody, readXmlBody } from "../request-body.ts";
import { checkBucketEncryption } from "../sse/bucket-encryption.ts";
import { KMS_ARN_PREFIX } from "../sse/sse-request.ts";
import { escapeXml, xmlDocument, xmlText } from "../xml.ts";
import { OWNER, parseTagSet, tagSetXml } from "../request-helpers.ts";

const utf8 = new TextEncoder();
const text = new TextDecoder();

function storedXml(body: string): Response {
  return new Response(body, { headers: { "content-type": "application/xml" } });
}

export async function getBucketVersioning(ctx: S3Context): Promise<Response> {
  const status = await ctx.deps.layer.bucketVersioning(ctx.bucket);
  return xmlResponse("VersioningConfiguration", status !== "Unversioned" ? { Status: status } : {});
}

export async function putBucketVersioning(ctx: S3Context): Promise<Response> {
  const doc = (await readXmlBody(ctx)).VersioningConfiguration as Record<string, unknown> | undefined;
  const status = doc ? xmlText(doc.Status) : undefined;
  if (status !== "Enabled" && status !== "Suspended")
    throw new S3Error("IllegalVersioningConfigurationException", "The versioning status must be Enabled or Suspended.");
  if (doc && xmlText(doc.MfaDelete) === "Enabled") throw new S3Error("NotImplemented", "MFA delete is not supported.");
  if (status === "Suspended" && (await ctx.deps.layer.getBucketConfig(ctx.bucket, "objectLock"))) {
    throw new S3Error("InvalidBucketState", "An Object Lock configuration is present on this bucket, so the versioning state cannot be changed.");
  }
  const xml = xmlDocument("VersioningConfiguration", { Status: status });
  await ctx.deps.layer.setBucketConfig(ctx.bucket, "versioning", utf8.encode(xml));
  return emptyResponse(200);
}

export async function getBucketTagging(ctx: S3Context): Promise<Response> {
  const stored = await ctx.deps.layer.getBucketConfig(ctx.bucket, "tagging");
  if (!stored) throw new S3Error("NoSuchTagSet", undefined, { fields: { BucketName: ctx.bucket } });
  return storedXml(text.decode(stored));
}

export async function putBucketTagging(ctx: S3Context): Promise<Response> {
  const tags = parseTagSet(await readXmlBody(ctx), 50);
  await ctx.deps.layer.setBucketConfig(ctx.bucket, "tagging", utf8.encode(tagSetXml(tags)));
  return emptyResponse(200);
}

export async function deleteBucketTagging(ctx: S3Context): Promise<Response> {
  await ctx.deps.layer.setBucketConfig(ctx.bucket, "tagging", null);
  return emptyResponse(204);
}

export async function getBucketPolicy(ctx: S3Context): Promise<Response> {
  const stored = await ctx.deps.layer.getBucketConfig(ctx.bucket, "policy");
  if (!stored) throw new S3Error("NoSuchBucketPolicy", undefined, { fields: { BucketName: ctx.bucket } });
  return new Response(stored, { headers: { "content-type": "application/json" } });
}

export async function putBucketPolicy(ctx: S3Context): Promise<Response> {
  // AWS's answer for a document over the limit, however it arrives (declared or streamed).
  const body = await readSmallBody(ctx, MAX_POLICY_BYTES).catch((err: unknown) =>
    Promise.reject(
      err instanceof S3Error && err.code === "MaxMessageLengthExceeded"
        ? new S3Error("PolicyTooLarge", `Policies must not exceed ${MAX_POLICY_BYTES} bytes.`)
        : err,
    ),
  );
  if (body.length === 0) throw new S3Error("MissingRequestBodyError");
  // A missing bucket is the answer before anything about the document (its resources name the bucket).
  await ctx.deps.layer.getBucketInfo(ctx.bucket);
  parsePolicy(body, { bucket: ctx.bucket });
  await ctx.deps.layer.setBucketConfig(ctx.bucket, "policy", body);
  return emptyResponse(204);
}

export async function deleteBucketPolicy(ctx: S3Context): Promise<Response> {
  await ctx.deps.layer.getBucketInfo(ctx.bucket);
  await ctx.deps.layer.setBucketConfig(ctx.bucket, "policy", null);
  return emptyResponse(204);
}

export async function getBucketPolicyStatus(ctx: S3Context): Promise<Response> {
  const stored = await ctx.deps.layer.getBucketConfig(ctx.bucket, "policy");
  const isPublic = stored !== null && /"Principal"\s*:\s*("\*"|\{\s*"AWS"\s*:\s*("\*"|\[\s*"\*"\s*\]))/.test(text.decode(stored));
  return xmlResponse("PolicyStatus", { IsPublic: isPublic ? "TRUE" : "FALSE" });
}

export async function getObjectLockConfig(ctx: S3Context): Promise<Response> {
  const stored = await ctx.deps.layer.getBucketConfig(ctx.bucket, "objectLock");
  if (!stored) throw new S3Error("ObjectLockConfigurationNotFoundError");
  return storedXml(text.decode(stored));
}

/** Single-tenant store: the owner has FULL_CONTROL and nothing else is granted. */
export async function getAcl(ctx: S3Context): Promise<Response> {
  if (ctx.key) await ctx.deps.layer.getObjectInfo(ctx.bucket, ctx.key, { versionId: ctx.query.get("versionId") ?? undefined });
  else await ctx.deps.layer.getBucketInfo(ctx.bucket);
  const grantee = `<Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser"><ID>${escapeXml(OWNER.ID)}</ID><DisplayName>${OWNER.DisplayName}</DisplayName></Grantee>`;
  const body = xmlDocument("AccessControlPolicy", { Owner: OWNER, AccessControlList: { Grant: { Permission: "FULL_CONTROL" } } }).replace(
    "<Grant>",
    `<Grant>${grantee}`,
  );
  return storedXml(body);
}

/**
 * Put{Bucket,Object}Acl: ACL headers or an AccessControlPolicy body (not both, not neither),
 * accepted only when they grant nobody but the owner (acl.ts); nothing is stored either way.
 */
export async function putAcl(ctx: S3Context): Promise<Response> {
  const body = await readSmallBody(ctx, 64 * 1024);
  if (ctx.key) await ctx.deps.layer.getObjectInfo(ctx.bucket, ctx.key, { versionId: ctx.query.get("versionId") ?? undefined });
  else await ctx.deps.layer.getBucketInfo(ctx.bucket);
  const byHeaders = checkAclHeaders(ctx.req.headers, OWNER.ID);
  if (byHeaders && body.length > 0)
    throw new S3Error("UnexpectedContent", "This request does not support content: give the ACL in headers or in the body, not both.");
  if (!byHeaders) {
    if (body.length === 0)
      throw new S3Error("MissingSecurityHeader", "Your request was missing a required header: x-amz-acl, x-amz-grant-* or an AccessControlPolicy body.");
    checkAclBody(body, OWNER.ID);
  }
  return emptyResponse(200);
}

/** GET of a configuration we do not support: none configured, unless MinIO stored one. */
export function notConfigured(code: S3ErrorCode, kind?: BucketConfigKind): Handler {
  return readOnlyConfig(kind, (ctx) => {
    throw new S3Error(code, undefined, { fields: { BucketName: ctx.bucket } });
  });
}

/** GET of a configuration whose "none" is an empty document. */
export function emptyDocument(root: string, kind?: BucketConfigKind): Handler {
  return readOnlyConfig(kind, () => xmlResponse(root, {}));
}

/**
 * GET only: a configuration MinIO stored (a migrated bucket) is shown as it is, though not
 * acted on; without one, `none` answers.
 */
function readOnlyConfig(kind: BucketConfigKind | undefined, none: (ctx: S3Context) => Response): Handler {
  return async (ctx) => {
    if (ctx.req.method !== "GET") throw new S3Error("NotImplemented");
    await ctx.deps.layer.getBucketInfo(ctx.bucket);
    const stored = kind ? await ctx.deps.layer.getBucketConfig(ctx.bucket, kind) : null;
    return stored && stored.length > 0 ? storedXml(text.decode(stored)) : none(ctx);
  };
}

export async function requestPayment(ctx: S3Context): Promise<Response> {
  await ctx.deps.layer.getBucketInfo(ctx.bucket);
  return xmlResponse("RequestPaymentConfiguration", { Payer: "BucketOwner" });
}

/** PutBucketEncryption: one default rule, checked against this server's KMS, stored as MinIO stores it. */
export async function putBucketEncryption(ctx: S3Context): Promise<Response> {
  await ctx.deps.layer.getBucketInfo(ctx.bucket);
  const body = await readSmallBody(ctx);
  const md5 = contentMd5(ctx.req.headers);
  if (md5 && !Buffer.from(new Bun.CryptoHasher("md5").update(body).digest()).equals(Buffer.from(md5))) throw new S3Error("BadDigest");
  const sse = checkBucketEncryption(body, ctx.deps.kms);
  const apply =
    sse.kind === "SSE-KMS"
      ? { SSEAlgorithm: "aws:kms", ...(sse.keyId ? { KMSMasterKeyID: `${KMS_ARN_PREFIX}${sse.keyId}` } : {}) }
      : { SSEAlgorithm: "AES256" };
  const xml = xmlDocument("ServerSideEncryptionConfiguration", { Rule: { ApplyServerSideEncryptionByDefault: apply } });
  await ctx.deps.layer.setBucketConfig(ctx.bucket, "encryption", utf8.encode(xml));
  return emptyResponse(200);
}

export async function getBucketEncryption(ctx: S3Context): Promise<Response> {
  await ctx.deps.layer.getBucketInfo(ctx.bucket);
  const stored = await ctx.deps.layer.getBucketConfig(ctx.bucket, "encryption");
  if (!stored || stored.length === 0) throw new S3Error("ServerSideEncryptionConfigurationNotFoundError", undefined, { fields: { BucketName: ctx.bucket } });
  return storedXml(text.decode(stored));
}

export async function deleteBucketEncryption(ctx: S3Context): Promise<Response> {
  await ctx.deps.layer.getBucketInfo(ctx.bucket);
  await ctx.deps.layer.setBucketConfig(ctx.bucket, "encryption", null);
  return emptyResponse(204);
}
