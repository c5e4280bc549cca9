// PutObject and CopyObject: stored metadata from headers, body verification (Content-MD5,
// SHA-256, checksums), conditional writes, and the copy rules (directives, copy-source
// conditions and versions, the "copy onto itself without changes" refusal).
import { checkPreconditions, type ObjectInfo } from "../../object/index.ts";
import { authorizeObject } from "../authorize.ts";
import { quotaWrite } from "../bucket-quota.ts";
import { emptyResponse, xmlResponse, type S3Context } from "../context.ts";
import { S3Error } from "../errors.ts";
import { normalizeTagging, storageClassFrom, userMetaFromHeaders } from "../object-headers.ts";
import { MAX_OBJECT_SIZE, prepareBody } from "../request-body.ts";
import { parseCopySource, readPreconditions, writePreconditions } from "../request-helpers.ts";
import { showVersionHeader } from "../versioning-state.ts";
import { lockMetaOf } from "../unsupported-headers.ts";
import { encryptionHeaders } from "../sse/sse-keys.ts";
import { sseReader, visibleEtag } from "../sse/sse-read.ts";
import { COPY_SSE_C, type SseRequest, customerKeyOf, hasCustomerHeaders, hasManagedHeaders } from "../sse/sse-request.ts";
import { SSE_METADATA, sseDomainOf } from "../../crypto/index.ts";
import { compresses, objectWrite, writeEncryption } from "../sse/sse-write.ts";

async function writeHeaders(ctx: S3Context, info: ObjectInfo, bucket = ctx.bucket): Promise<Headers> {
  const h = new Headers({ etag: `"${info.etag}"` });
  if (await showVersionHeader(ctx, info, bucket)) h.set("x-amz-version-id", info.versionId);
  return h;
}

export async function putObject(ctx: S3Context): Promise<Response> {
  const body = prepareBody(ctx, MAX_OBJECT_SIZE);
  const sse = await writeEncryption(ctx, ctx.bucket, ctx.req.headers);
  const compress = compresses(ctx, ctx.key, ctx.req.headers.get("content-type"), body.size, sse !== undefined);
  const w = await objectWrite(ctx, ctx.bucket, ctx.key, { sse, compress }, body.stream, body.size, body.check);
  const info = await quotaWrite(ctx, ctx.bucket, ctx.key, body.size, () =>
    ctx.deps.layer.putObject(ctx.bucket, ctx.key, w.stream, {
      size: w.size,
      actualSize: w.actualSize,
      userMeta: { ...userMetaFromHeaders(ctx.req.headers), ...lockMetaOf(ctx.req.headers) },
      sysMeta: w.sysMeta,
      storageClass: storageClassFrom(ctx.req.headers),
      preconditions: writePreconditions(ctx.req.headers),
      check: w.check,
      signal: ctx.req.signal,
    }),
  );
  const h = await writeHeaders(ctx, { ...info, etag: visibleEtag(info, w.objectKey) });
  encryptionHeaders(h, info.sse, sse?.kind === "SSE-C" ? sse : undefined);
  const sum = body.checksum();
  if (sum) h.set(`x-amz-checksum-${sum.algorithm.toLowerCase()}`, sum.value);
  return emptyResponse(200, h);
}

export async function copyObject(ctx: S3Context): Promise<Response> {
  const src = parseCopySource(ctx.req.headers.get("x-amz-copy-source"));
  const h = ctx.req.headers;
  const directive = (h.get("x-amz-metadata-directive") ?? "COPY").toUpperCase();
  const tagDirective = (h.get("x-amz-tagging-directive") ?? "COPY").toUpperCase();
  if (directive !== "COPY" && directive !== "REPLACE") throw new S3Error("InvalidArgument", "Unknown metadata directive.");
  if (tagDirective !== "COPY" && tagDirective !== "REPLACE") throw new S3Error("InvalidArgument", "Unknown tagging directive.");
  const storageClass = storageClassFrom(h);
  const self = src.bucket === ctx.bucket && src.key === ctx.key && src.versionId === undefined;
  // New encryption (another type, or an SSE-C key rotation) is a change, as AWS counts it.
  const reencrypts = hasManagedHeaders(h) || hasCustomerHeaders(h);
  if (self && directive === "COPY" && tagDirective === "COPY" && storageClass === undefined && !reencrypts) {
    throw new S3Error(
      "InvalidRequest",
      "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.",
    );
  }
  await authorizeObject(ctx, "GetObject", src.bucket, src.key, src.versionId !== undefined);
  await ctx.deps.layer.getBucketInfo(src.bucket);
  const metaFor = (srcInfo: ObjectInfo): Record<string, string> => {
    let userMeta: Record<string, string> = directive === "REPLACE" ? userMetaFromHeaders(h) : { ...srcInfo.userMeta, "content-type": srcInfo.contentType };
    if (directive === "REPLACE" && tagDirective === "COPY" && srcInfo.userMeta["X-Amz-Tagging"]) {
      userMeta = { ...userMeta, "X-Amz-Tagging": srcInfo.userMeta["X-Amz-Tagging"] };
    }
    if (tagDirective === "REPLACE") {
      delete userMeta["X-Amz-Tagging"];
      const t = h.get("x-amz-tagging");
      if (t) userMeta["X-Amz-Tagging"] = normalizeTagging(t);
    }
    return userMeta;
  };
  // The source is opened once, encrypted or not: a plain source copied to a plain destination
  // goes on to the layer's copy (a metadata rewrite onto itself), anything else is decrypted
  // here and written again under the destination's own key.
  const reader = sseReader(ctx.deps.kms, { customer: customerKeyOf(h, COPY_SSE_C) });
  const res = await ctx.deps.layer.getObject(src.bucket, src.key, { versionId: src.versionId, stored: reader.stored });
  const plan = reader.plan();
  // Asked for, the bucket's default, auto-encryption — else an SSE-S3/KMS source keeps its kind:
  // a copy (a metadata update onto itself above all) never drops the KMS's protection silently.
  let dst: SseRequest | undefined;
  try {
    dst = (await writeEncryption(ctx, ctx.bucket, h)) ?? managedKindOf(res.info.sse);
  } catch (err) {
    await res.body.cancel().catch(() => {});
    throw err;
  }
  if (!plan && !dst) {
    await res.body.cancel().catch(() => {});
    if (customerKeyOf(h, COPY_SSE_C))
      throw new S3Error("InvalidRequest", "The encryption parameters are not applicable to the copy source: it is not encrypted.");
    return layerCopy(ctx, src, metaFor(res.info), directive === "REPLACE" || tagDirective === "REPLACE" ? "REPLACE" : "COPY", storageClass);
  }
  try {
    checkPreconditions(res.info, readPreconditions(h, "x-amz-copy-source-"), src.key, "copy-source");
  } catch (err) {
    await res.body.cancel().catch(() => {});
    throw err;
  }
  const size = res.info.size;
  const plain = plan ? plan.decrypt(res.body) : res.body;
  const userMeta = metaFor(res.info);
  const compress = compresses(ctx, ctx.key, userMeta["content-type"] ?? res.info.contentType, size, dst !== undefined);
  const w = await objectWrite(ctx, ctx.bucket, ctx.key, { sse: dst, compress }, plain, size);
  const info = await quotaWrite(ctx, ctx.bucket, ctx.key, size, () =>
    ctx.deps.layer.putObject(ctx.bucket, ctx.key, w.stream, {
      size: w.size,
      actualSize: w.actualSize,
      userMeta,
      sysMeta: w.sysMeta,
      storageClass: storageClass ?? (res.info.storageClass !== "STANDARD" ? res.info.storageClass : undefined),
      preconditions: writePreconditions(h),
      check: w.check,
      signal: ctx.req.signal,
    }),
  );
  const headers = await writeHeaders(ctx, info);
  headers.delete("etag");
  encryptionHeaders(headers, info.sse, dst?.kind === "SSE-C" ? dst : undefined);
  if (await showVersionHeader(ctx, res.info, src.bucket)) headers.set("x-amz-copy-source-version-id", res.info.versionId);
  const etag = visibleEtag(info, w.objectKey);
  return xmlResponse("CopyObjectResult", { LastModified: info.modTime, ETag: `"${etag}"` }, { headers });
}

/** The SSE-S3 or SSE-KMS encryption (key id, context) of a stored version; undefined for SSE-C and plaintext. */
function managedKindOf(sse: Record<string, string> | undefined): SseRequest | undefined {
  const domain = sse ? sseDomainOf(sse) : null;
  if (domain === "SSE-S3") return { kind: "SSE-S3" };
  if (domain !== "SSE-KMS") return undefined;
  const stored = sse![SSE_METADATA.kmsContext];
  const context = stored ? (JSON.parse(Buffer.from(stored, "base64").toString("utf8")) as Record<string, string>) : undefined;
  return { kind: "SSE-KMS", keyId: sse![SSE_METADATA.kmsKeyId], context };
}

/** A plaintext object copied to a plaintext destination, by the layer (a self-copy rewrites metadata only). */
async function layerCopy(
  ctx: S3Context,
  src: { bucket: string; key: string; versionId?: string },
  userMeta: Record<string, string>,
  metadataDirective: "COPY" | "REPLACE",
  storageClass: string | undefined,
): Promise<Response> {
  const h = ctx.req.headers;
  let copied: ObjectInfo | undefined;
  // The copy's size is the source's, known once the layer has found it (and before it writes).
  const info = await quotaWrite(ctx, ctx.bucket, ctx.key, null, (admit) =>
    ctx.deps.layer.copyObject(src.bucket, src.key, ctx.bucket, ctx.key, {
      onSource: (i) => {
        admit(i.size);
        copied = i;
      },
      srcVersionId: src.versionId,
      srcPreconditions: readPreconditions(h, "x-amz-copy-source-"),
      metadataDirective,
      userMeta,
      storageClass,
      preconditions: writePreconditions(h),
    }),
  );
  const headers = await writeHeaders(ctx, info);
  headers.delete("etag");
  if (copied && (await showVersionHeader(ctx, copied, src.bucket))) headers.set("x-amz-copy-source-version-id", copied.versionId);
  return xmlResponse("CopyObjectResult", { LastModified: info.modTime, ETag: `"${info.etag}"` }, { headers });
}
