// DeleteObject and DeleteObjects (quiet mode, versions, up to 1000 keys, Content-MD5 required):
// per-key failures are reported in the result, never as a failed request.
import { allowsAction, authorizeObject } from "../authorize.ts";
import { QuotaDeletes } from "../bucket-quota.ts";
import { emptyResponse, rawXmlResponse, type S3Context } from "../context.ts";
import { S3Error, toS3Error } from "../errors.ts";
import { readXmlBody } from "../request-body.ts";
import { validateObjectKey, validateVersionId } from "../validate.ts";
import { asArray, xmlElement, xmlText } from "../xml.ts";

export async function deleteObject(ctx: S3Context): Promise<Response> {
  const versionId = ctx.query.get("versionId") ?? undefined;
  if (versionId !== undefined) validateVersionId(versionId);
  // Conditional delete (If-Match): a stale ETag must not remove what someone else wrote.
  const ifMatch = ctx.req.headers.get("if-match") ?? undefined;
  const quota = await QuotaDeletes.open(ctx, ctx.bucket);
  const bypassGovernance = await bypassesGovernance(ctx, ctx.key);
  const res = await quota.run(ctx, ctx.key, versionId, () =>
    ctx.deps.layer.deleteObject(ctx.bucket, ctx.key, {
      versionId,
      bypassGovernance,
      preconditions: ifMatch === undefined ? undefined : { ifMatch },
    }),
  );
  const h = new Headers();
  if (res.versionId) h.set("x-amz-version-id", res.versionId);
  if (res.deleteMarker) h.set("x-amz-delete-marker", "true");
  return emptyResponse(204, h);
}

const MAX_DELETE_KEYS = 1000;

export async function deleteObjects(ctx: S3Context): Promise<Response> {
  const doc = (await readXmlBody(ctx, { contentMd5: "required" })).Delete as Record<string, unknown> | undefined;
  if (!doc) throw new S3Error("MalformedXML");
  const objects = asArray(doc.Object as Record<string, unknown> | Record<string, unknown>[] | undefined);
  if (objects.length === 0 || objects.length > MAX_DELETE_KEYS) throw new S3Error("MalformedXML", `A delete request names 1 to ${MAX_DELETE_KEYS} keys.`);
  const quiet = (xmlText(doc.Quiet) ?? "").toLowerCase() === "true";
  await ctx.deps.layer.getBucketInfo(ctx.bucket);
  const quota = await QuotaDeletes.open(ctx, ctx.bucket);
  let out = "";
  for (const o of objects) {
    const key = xmlText(o.Key) ?? "";
    const versionId = xmlText(o.VersionId) || undefined;
    try {
      validateObjectKey(key);
      if (versionId !== undefined) validateVersionId(versionId);
      await authorizeObject(ctx, "DeleteObject", ctx.bucket, key, versionId !== undefined);
      const bypassGovernance = await bypassesGovernance(ctx, key);
      const res = await quota.run(ctx, key, versionId, () => ctx.deps.layer.deleteObject(ctx.bucket, key, { versionId, bypassGovernance }));
      if (quiet) continue;
      const deleted: Record<string, string | boolean | undefined> = { Key: key, VersionId: versionId };
      if (res.deleteMarker) {
        deleted.DeleteMarker = true;
        deleted.DeleteMarkerVersionId = res.versionId;
      }
      out += xmlElement("Deleted", deleted);
    } catch (err) {
      const e = toS3Error(err);
      if (e.code === "InternalError") ctx.deps.logError?.(ctx.requestId, err);
      out += xmlElement("Error", { Key: key, VersionId: versionId, Code: e.code, Message: e.message });
    }
  }
  return rawXmlResponse("DeleteResult", out);
}

/**
 * `x-amz-bypass-governance-retention: true` from a caller allowed s3:BypassGovernanceRetention
 * on the object; without that permission the header changes nothing (the version stays
 * protected), as AWS does.
 */
async function bypassesGovernance(ctx: S3Context, key: string): Promise<boolean> {
  if ((ctx.req.headers.get("x-amz-bypass-governance-retention") ?? "").trim().toLowerCase() !== "true") return false;
  return allowsAction(ctx, "s3:BypassGovernanceRetention", ctx.bucket, key);
}
