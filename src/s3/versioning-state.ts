// Whether responses carry x-amz-version-id: always once a bucket has had versioning turned on
// (S3 then reports "null" for the null version), never for a never-versioned bucket.
import type { ObjectInfo } from "../object/index.ts";
import type { S3Context } from "./context.ts";

export async function bucketVersioned(ctx: S3Context, bucket = ctx.bucket): Promise<boolean> {
  return (await ctx.deps.layer.bucketVersioning(bucket)) !== "Unversioned";
}

export async function showVersionHeader(ctx: S3Context, info: ObjectInfo, bucket = ctx.bucket): Promise<boolean> {
  return info.versionId !== "null" || (await bucketVersioned(ctx, bucket));
}
