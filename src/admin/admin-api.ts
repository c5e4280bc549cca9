// The admin API under /minio/admin/v3/ that madmin clients (mc admin …) call: every request is
// authenticated first (SigV4, body hash checked: server.ts supplies the check, which the S3
// layer's verifier does), then routed to its call, which runs only if the caller's policies allow
// the call's admin: action. Unknown calls answer NotImplemented in madmin's JSON, never an S3
// answer, so no client mistakes it for success.
import { AdminError, adminErrorResponse } from "./admin-error.ts";
import type { AdminCaller, AdminRequest } from "./admin-request.ts";
import { isAllowed, type AdminRoute, type IamApiDeps } from "./iam-routes.ts";
import { IAM_TRANSFER_ROUTES } from "./iam-transfer-api.ts";
import { LDAP_ROUTES } from "./ldap-api.ts";
import { POLICY_ROUTES } from "./policies-api.ts";
import { handlePools, type PoolAdmin } from "./pools-api.ts";
import { healRoutes } from "./heal-api.ts";
import { infoRoutes } from "./info-api.ts";
import type { ServerAdminDeps } from "./server-deps.ts";
import { serviceRoutes } from "./service-api.ts";
import { SERVICE_ACCOUNT_ROUTES } from "./service-accounts-api.ts";
import { traceRoutes, type TraceApiDeps } from "./trace-api.ts";
import { logRoutes, type LogApiDeps } from "./log-api.ts";
import { quotaRoutes, type QuotaApiDeps } from "./quota-api.ts";
import { configRoutes, type ConfigKvApi } from "./config-api.ts";
import { kmsRoutes, V3_KMS_CALLS, type KmsApiDeps } from "./kms-api.ts";
import { USER_ROUTES } from "./users-api.ts";

export interface AdminApiDeps {
  /** Resolves to the signer of the request and its body; throws AdminError when it is not validly signed. */
  authenticate(req: Request, url: URL): Promise<AdminCaller>;
  /** The IAM calls; absent: they answer NotImplemented. */
  iam?: IamApiDeps;
  /** Pool decommission; absent: the pool calls answer NotImplemented. */
  pools?: PoolAdmin;
  /** Server info, storage and usage info, heal and service calls; absent: they answer NotImplemented. */
  server?: ServerAdminDeps;
  /** Live S3 request traces (mc admin trace): this server's hub, its name in them, and its peers in a cluster. */
  trace?: TraceApiDeps;
  /** The server's console log (mc admin logs); absent: the call answers NotImplemented. */
  log?: LogApiDeps;
  /** Bucket quotas (mc quota); absent: the calls answer NotImplemented. */
  quota?: QuotaApiDeps;
  /** The stored server configuration (mc admin config); absent: the calls answer NotImplemented. */
  config?: ConfigKvApi;
  /** The KMS calls (mc admin kms, /minio/kms/v1/…); absent: they answer NotImplemented. */
  kms?: KmsApiDeps;
  /** x-amz-id-2 / HostId of the error answers. */
  hostId?: string;
  /** Logs an unexpected failure (answered InternalError). */
  logError?(requestId: string, err: unknown): void;
}

export const ADMIN_PREFIX = "/minio/admin/";
const V3 = "/minio/admin/v3/";
/** madmin's KMS calls (doKMSRequest) go to /minio/kms/v1/…, signed as admin calls are. */
export const KMS_PREFIX = "/minio/kms/";
const KMS_V1 = "/minio/kms/v1/";

const IAM_ROUTES: Record<string, AdminRoute> = { ...USER_ROUTES, ...POLICY_ROUTES, ...SERVICE_ACCOUNT_ROUTES, ...IAM_TRANSFER_ROUTES, ...LDAP_ROUTES };

function requestId(): string {
  return crypto.randomUUID().replaceAll("-", "").slice(0, 16).toUpperCase();
}

/** The caller may make this call: its policies allow the action, or the route lets it act on itself. */
function authorizeRoute(route: AdminRoute, ctx: AdminRequest, iam: IamApiDeps): void {
  const action = typeof route.action === "function" ? route.action(ctx) : route.action;
  if (action && isAllowed(ctx, iam, action)) return;
  if (route.self?.(ctx, iam)) return;
  throw new AdminError("AccessDenied", "Access Denied.", 403);
}

/** The route of a call: by its whole path, else by its first segment ("heal/*" takes heal/<bucket>/<prefix>). */
function findRoute(routes: Record<string, AdminRoute>, call: string): AdminRoute | undefined {
  if (Object.hasOwn(routes, call)) return routes[call];
  const wild = `${call.split("/")[0]}/*`;
  return call.includes("/") && Object.hasOwn(routes, wild) ? routes[wild] : undefined;
}

async function routeIam(call: string, ctx: AdminRequest, iam: IamApiDeps, routes: Record<string, AdminRoute>): Promise<Response> {
  const route = findRoute(routes, call);
  if (!route) throw new AdminError("NotImplemented", `The admin call ${call} is not implemented`);
  const methods = typeof route.method === "string" ? [route.method] : route.method;
  if (!methods.includes(ctx.req.method)) throw new AdminError("MethodNotAllowed", `The admin call ${call} takes ${methods.join(" or ")}`);
  authorizeRoute(route, ctx, iam);
  return route.handle(ctx, iam);
}

/** The call a path names ("kms/…" for both KMS prefixes), or NotImplemented for an API version not served. */
function adminCall(path: string): string {
  if (path.startsWith(KMS_PREFIX)) {
    if (!path.startsWith(KMS_V1))
      throw new AdminError("NotImplemented", `KMS API version "${path.slice(KMS_PREFIX.length).split("/")[0]}" is not served; use v1`);
    return `kms/${path.slice(KMS_V1.length)}`;
  }
  if (!path.startsWith(V3))
    throw new AdminError("NotImplemented", `Admin API version "${path.slice(ADMIN_PREFIX.length).split("/")[0]}" is not served; use v3`);
  const call = path.slice(V3.length);
  // Only the KMS calls older MinIO served under the admin API; the rest are /minio/kms/v1/ only.
  if (call.startsWith("kms/") && !V3_KMS_CALLS.has(call))
    throw new AdminError("NotImplemented", `The admin call ${call} is not implemented; use /minio/kms/v1/`);
  return call;
}

/** Answers every path under /minio/admin/ and /minio/kms/. */
export function createAdminApi(deps: AdminApiDeps): (req: Request, url: URL, path: string, remoteAddress?: string) => Promise<Response> {
  const startedAt = new Date().toISOString();
  const server = deps.server;
  const base = deps.trace ? { ...IAM_ROUTES, ...traceRoutes(deps.trace) } : IAM_ROUTES;
  const extra = {
    ...(deps.log ? logRoutes(deps.log) : {}),
    ...(deps.quota ? quotaRoutes(deps.quota) : {}),
    ...(deps.config ? configRoutes(deps.config) : {}),
    ...(deps.kms ? kmsRoutes(deps.kms) : {}),
  };
  const routes = server ? { ...base, ...extra, ...infoRoutes(server), ...healRoutes(server), ...serviceRoutes(server) } : { ...base, ...extra };
  return async (req, url, path, remoteAddress) => {
    const id = requestId();
    try {
      const caller = await deps.authenticate(req, url);
      const call = adminCall(path);
      const ctx: AdminRequest = { ...caller, req, url, query: url.searchParams, remoteAddress };
      const [group, sub, ...rest] = call.split("/");
      if (group === "pools" && sub && rest.length === 0 && deps.pools) {
        if (deps.iam && !isAllowed(ctx, deps.iam, "admin:Decommission")) throw new AdminError("AccessDenied", "Access Denied.", 403);
        if (!deps.iam && caller.identity.kind !== "root") throw new AdminError("AccessDenied", "Access Denied.", 403);
        return await handlePools(deps.pools, sub, req, url, startedAt);
      }
      if (deps.iam) return await routeIam(call, ctx, deps.iam, routes);
      if (caller.identity.kind !== "root") throw new AdminError("AccessDenied", "Access Denied.", 403);
      throw new AdminError("NotImplemented", `The admin call ${call} is not implemented`);
    } catch (err) {
      if (err instanceof AdminError) return adminErrorResponse(err, path, id, deps.hostId);
      deps.logError?.(id, err);
      return adminErrorResponse(new AdminError("InternalError", "We encountered an internal error, please try again.", 500), path, id, deps.hostId);
    }
  };
}
