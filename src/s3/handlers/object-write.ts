// PutObject and CopyObject: stored metadata from headers, body verification (Content-MD5,
// SHA-256, checksums), conditional writes, and the copy rules (directives, copy-source
// conditions and versions, the "copy onto itself without changes" refusal).
import type { ObjectInfo } from "../../object/index.ts";
import { authorizeObject } from "../authorize.ts";
import { quotaWrite } from "../bucket-quota.ts";
import { emptyResponse, xmlResponse, type S3Context } from "../context.ts";
import { S3Error } from "../errors.ts";
import { normalizeTagging, storageClassFrom, userMetaFromHeaders } from "../object-headers.ts";
import { MAX_OBJECT_SIZE, prepareBody } from "../request-body.ts";
import { parseCopySource, readPreconditions, writePreconditions } from "../request-helpers.ts";
import { showVersionHeader } from "../versioning-state.ts";
import { encryptionHeaders } from "../sse/sse-keys.ts";
import { visibleEtag } from "../sse/sse-read.ts";
import { encryptObjectBody, encryptedCheck, writeEncryption } from "../sse/sse-write.ts";

async function writeHeaders(ctx: S3Context, info: ObjectInfo, bucket = ctx.bucket): Promise<Headers> {
  const h = new Headers({ etag: `"${info.etag}"` });
  if (await showVersionHeader(ctx, info, bucket)) h.set("x-amz-version-id", info.versionId);
  return h;
}

export async function putObject(ctx: S3Context): Promise<Response> {
  const body = prepareBody(ctx, MAX_OBJECT_SIZE);
  const sse = await writeEncryption(ctx, ctx.bucket, ctx.req.headers);
  const enc = sse ? await encryptObjectBody(ctx, ctx.bucket, ctx.key, sse, body.stream, body.size) : undefined;
  const info = await quotaWrite(ctx, ctx.bucket, ctx.key, body.size, () =>
    ctx.deps.layer.putObject(ctx.bucket, ctx.key, enc ? enc.stream : body.stream, {
      size: enc ? enc.size : body.size,
      actualSize: enc ? body.size : undefined,
      userMeta: userMetaFromHeaders(ctx.req.headers),
      sysMeta: enc?.sysMeta,
      storageClass: storageClassFrom(ctx.req.headers),
      preconditions: writePreconditions(ctx.req.headers),
      check: enc ? encryptedCheck(enc, body.check, body.size) : body.check,
      signal: ctx.req.signal,
    }),
  );
  const h = await writeHeaders(ctx, enc ? { ...info, etag: visibleEtag(info, enc.objectKey) } : info);
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
  if (self && directive === "COPY" && tagDirective === "COPY" && storageClass === undefined) {
    throw new S3Error(
      "InvalidRequest",
      "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.",
    );
  }
  await authorizeObject(ctx, "GetObject", src.bucket, src.key, src.versionId !== undefined);
  await ctx.deps.layer.getBucketInfo(src.bucket);
  // A copy is never stored in plaintext where the bucket says encrypt (its default, or auto-encryption).
  if (await writeEncryption(ctx, ctx.bucket, h)) {
    throw new S3Error("NotImplemented", "Copying into a bucket with default encryption (or with auto-encryption on) is not supported yet; nothing was stored.");
  }
  let userMeta: Record<string, string> = directive === "REPLACE" ? userMetaFromHeaders(h) : {};
  if (directive !== tagDirective) {
    // One directive copies, the other replaces: the copied half comes from the source's metadata.
    const srcInfo = await ctx.deps.layer.getObjectInfo(src.bucket, src.key, { versionId: src.versionId });
    if (directive === "COPY") userMeta = { ...srcInfo.userMeta, "content-type": srcInfo.contentType };
    else if (srcInfo.userMeta["X-Amz-Tagging"]) userMeta["X-Amz-Tagging"] = srcInfo.userMeta["X-Amz-Tagging"];
  }
  if (tagDirective === "REPLACE") {
    delete userMeta["X-Amz-Tagging"];
    const t = h.get("x-amz-tagging");
    if (t) userMeta["X-Amz-Tagging"] = normalizeTagging(t);
  }
  const effectiveDirective = directive === "REPLACE" || tagDirective === "REPLACE" ? "REPLACE" : "COPY";
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
      metadataDirective: effectiveDirective,
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
