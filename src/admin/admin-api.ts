// The admin API under /minio/admin/v3/ that madmin clients (mc admin …) call: every request is
// authorized first (SigV4 by an admin; server.ts supplies the check, which the S3 layer's
// verifier does), then routed. Only the pool calls exist yet; every other admin path answers
// NotImplemented in madmin's JSON, never an S3 answer, so no client mistakes it for success.
import { AdminError, adminErrorResponse } from "./admin-error.ts";
import { handlePools, type PoolAdmin } from "./pools-api.ts";

export interface AdminApiDeps {
  /** Resolves when the request is signed by an identity allowed to administer; throws AdminError otherwise. */
  authorize(req: Request, url: URL): Promise<void>;
  /** Pool decommission; absent: the pool calls answer NotImplemented. */
  pools?: PoolAdmin;
  /** x-amz-id-2 / HostId of the error answers. */
  hostId?: string;
  /** Logs an unexpected failure (answered InternalError). */
  logError?(requestId: string, err: unknown): void;
}

export const ADMIN_PREFIX = "/minio/admin/";
const V3 = "/minio/admin/v3/";

function requestId(): string {
  return crypto.randomUUID().replaceAll("-", "").slice(0, 16).toUpperCase();
}

/** Answers every path under /minio/admin/. */
export function createAdminApi(deps: AdminApiDeps): (req: Request, url: URL, path: string) => Promise<Response> {
  const startedAt = new Date().toISOString();
  return async (req, url, path) => {
    const id = requestId();
    try {
      await deps.authorize(req, url);
      if (!path.startsWith(V3))
        throw new AdminError("NotImplemented", `Admin API version "${path.slice(ADMIN_PREFIX.length).split("/")[0]}" is not served; use v3`);
      const [group, call, ...rest] = path.slice(V3.length).split("/");
      if (group === "pools" && call && rest.length === 0 && deps.pools) return await handlePools(deps.pools, call, req, url, startedAt);
      throw new AdminError("NotImplemented", `The admin call ${path.slice(V3.length)} is not implemented`);
    } catch (err) {
      if (err instanceof AdminError) return adminErrorResponse(err, path, id, deps.hostId);
      deps.logError?.(id, err);
      return adminErrorResponse(new AdminError("InternalError", "We encountered an internal error, please try again.", 500), path, id, deps.hostId);
    }
  };
}
