// Object tags (Get/Put/DeleteObjectTagging): stored as MinIO does, URL-encoded in the
// X-Amz-Tagging metadata of the version, changed without touching the data.
import { emptyResponse, type S3Context } from "../context.ts";
import { checkTagCount, decodeTags, encodeTags } from "../object-headers.ts";
import { readXmlBody } from "../request-body.ts";
import { validateVersionId } from "../validate.ts";
import { parseTagSet, tagSetXml } from "../request-helpers.ts";
import { showVersionHeader } from "../versioning-state.ts";
import type { ObjectInfo } from "../../object/index.ts";

/** The version header, only where S3 sends it (never for a bucket that never had versioning). */
async function versionHeaders(ctx: S3Context, info: ObjectInfo, extra: Record<string, string> = {}): Promise<Headers> {
  const h = new Headers(extra);
  if (await showVersionHeader(ctx, info)) h.set("x-amz-version-id", info.versionId);
  return h;
}

function versionOf(ctx: S3Context): string {
  const v = ctx.query.get("versionId") ?? "";
  if (v !== "") validateVersionId(v);
  return v;
}

export async function getObjectTagging(ctx: S3Context): Promise<Response> {
  const info = await ctx.deps.layer.getObjectInfo(ctx.bucket, ctx.key, { versionId: versionOf(ctx) || undefined });
  const headers = await versionHeaders(ctx, info, { "content-type": "application/xml" });
  return new Response(tagSetXml(decodeTags(info.userMeta["X-Amz-Tagging"])), { headers });
}

export async function putObjectTagging(ctx: S3Context): Promise<Response> {
  const tags = parseTagSet(await readXmlBody(ctx), Infinity);
  checkTagCount(tags.size);
  const info = await ctx.deps.layer.updateObjectMeta(ctx.bucket, ctx.key, versionOf(ctx), (m) => {
    const next = { ...m };
    if (tags.size > 0) next["X-Amz-Tagging"] = encodeTags(tags);
    else delete next["X-Amz-Tagging"];
    return next;
  });
  return emptyResponse(200, await versionHeaders(ctx, info));
}

export async function deleteObjectTagging(ctx: S3Context): Promise<Response> {
  const info = await ctx.deps.layer.updateObjectMeta(ctx.bucket, ctx.key, versionOf(ctx), (m) => {
    const next = { ...m };
    delete next["X-Amz-Tagging"];
    return next;
  });
  return emptyResponse(204, await versionHeaders(ctx, info));
}
