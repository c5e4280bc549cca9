// POST service?action=restart|stop|freeze|unfreeze. Restart and stop answer first, then run the
// process hook main() passed in (the same drain as SIGTERM; restart then re-executes the process);
// in a cluster every server restarts or stops (server-cluster-service.ts); a server without the
// hook (embedded) answers NotImplemented, as do freeze and unfreeze.
import { AdminError } from "./admin-error.ts";
import { emptyAdminResponse, type AdminRequest } from "./admin-request.ts";
import type { AdminRoute } from "./iam-routes.ts";
import type { ServerAdminDeps } from "./server-deps.ts";

/** The admin: action each service action needs (freeze and unfreeze share one, as in MinIO). */
const ACTIONS: Record<string, string> = {
  restart: "admin:ServiceRestart",
  stop: "admin:ServiceStop",
  freeze: "admin:ServiceFreeze",
  unfreeze: "admin:ServiceFreeze",
};

function serviceAction(ctx: AdminRequest): string {
  const action = ctx.query.get("action") ?? "";
  if (!Object.hasOwn(ACTIONS, action)) {
    throw new AdminError("XMinioAdminInvalidArgument", `The service action must be restart, stop, freeze or unfreeze, not "${action}"`);
  }
  return action;
}

async function service(ctx: AdminRequest, deps: ServerAdminDeps): Promise<Response> {
  const action = serviceAction(ctx);
  if (action === "freeze" || action === "unfreeze") {
    throw new AdminError("NotImplemented", `Service ${action} (holding every S3 call until unfrozen) is not implemented`, 501);
  }
  const control = deps.service;
  if (!control) {
    throw new AdminError(
      "NotImplemented",
      deps.serviceRefusal ?? `Service ${action} is not available here: this server's process belongs to the program or service manager that started it`,
      501,
    );
  }
  await control.prepare?.(action as "restart" | "stop");
  // After the answer is on its way: the drain waits for in-flight requests, this one included.
  setTimeout(() => (action === "restart" ? control.restart() : control.stop()), 0);
  return emptyAdminResponse(200);
}

export function serviceRoutes(deps: ServerAdminDeps): Record<string, AdminRoute> {
  return {
    service: { method: "POST", action: (ctx) => ACTIONS[serviceAction(ctx)], handle: (ctx) => service(ctx, deps) },
  };
}
