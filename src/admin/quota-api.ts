// madmin's bucket quota calls (mc quota set / info / clear): PUT set-bucket-quota?bucket= with a
// madmin.BucketQuota body ({"quota": bytes, "quotatype": "hard"}; 0 removes the quota) and GET
// get-bucket-quota?bucket=. Only hard quotas exist, and only what the S3 write paths enforce is
// stored: FIFO (removed from MinIO) and bandwidth or request-rate limits are refused.
import { encodeBucketQuota, isObjectError, parseBucketQuota, type ObjectLayer } from "../object/index.ts";
import { AdminError } from "./admin-error.ts";
import { emptyAdminResponse, jsonResponse, requireParam, type AdminRequest } from "./admin-request.ts";
import type { AdminRoute } from "./iam-routes.ts";

export interface QuotaApiDeps {
  store: Pick<ObjectLayer, "getBucketInfo" | "getBucketConfig" | "setBucketConfig">;
  /** Forgets a bucket's usage count when its quota changes, so the next write counts it afresh. */
  forgetUsage(bucket: string): void;
}

/** Runs an object-layer call, answering a missing bucket as MinIO's admin API does. */
async function onBucket<T>(bucket: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (isObjectError(err, "NoSuchBucket", "InvalidBucketName")) throw new AdminError("NoSuchBucket", `The specified bucket "${bucket}" does not exist`, 404);
    if (isObjectError(err, "InvalidArgument")) throw new AdminError("XMinioAdminInvalidArgument", (err as Error).message);
    throw err;
  }
}

/** The quota limit a set-bucket-quota body asks for (0: none), refusing what is not enforced. */
export function requestedLimit(body: Uint8Array): number {
  if (body.length === 0) throw new AdminError("XMinioAdminInvalidArgument", 'The request needs a quota body: {"quota": bytes, "quotatype": "hard"}');
  let q: ReturnType<typeof parseBucketQuota>;
  try {
    q = parseBucketQuota(body);
  } catch (err) {
    throw new AdminError("XMinioAdminInvalidArgument", (err as Error).message);
  }
  if (q.rate > 0 || q.requests > 0)
    throw new AdminError("NotImplemented", "Bucket bandwidth (rate) and request-count limits are not implemented; only a hard size quota is", 501);
  if (q.type.toLowerCase() === "fifo")
    throw new AdminError(
      "InvalidRequest",
      'FIFO quotas (deleting the oldest objects to make room) were removed from MinIO and are not implemented; set a "hard" quota, and expire objects with lifecycle rules',
    );
  if (q.limit === 0) return 0;
  if (q.type !== "hard") throw new AdminError("XMinioAdminInvalidArgument", `The quota type must be "hard", not "${q.type}"`);
  return q.limit;
}

async function setQuota(ctx: AdminRequest, deps: QuotaApiDeps): Promise<Response> {
  const bucket = requireParam(ctx, "bucket");
  await onBucket(bucket, () => deps.store.getBucketInfo(bucket));
  const limit = requestedLimit(ctx.body);
  await onBucket(bucket, () => deps.store.setBucketConfig(bucket, "quota", limit === 0 ? null : encodeBucketQuota(limit)));
  deps.forgetUsage(bucket);
  return emptyAdminResponse();
}

async function getQuota(ctx: AdminRequest, deps: QuotaApiDeps): Promise<Response> {
  const bucket = requireParam(ctx, "bucket");
  await onBucket(bucket, () => deps.store.getBucketInfo(bucket));
  const stored = await onBucket(bucket, () => deps.store.getBucketConfig(bucket, "quota"));
  const q = stored ? await onBucket(bucket, async () => parseBucketQuota(stored)) : null;
  if (!q || q.limit === 0) throw new AdminError("XMinioAdminNoSuchQuotaConfiguration", `Bucket "${bucket}" has no quota`, 404);
  return jsonResponse({ quota: q.limit, size: q.limit, ...(q.type ? { quotatype: q.type } : {}) });
}

export function quotaRoutes(deps: QuotaApiDeps): Record<string, AdminRoute> {
  return {
    "set-bucket-quota": { method: "PUT", action: "admin:SetBucketQuota", handle: (ctx) => setQuota(ctx, deps) },
    "get-bucket-quota": { method: "GET", action: "admin:GetBucketQuota", handle: (ctx) => getQuota(ctx, deps) },
  };
}
