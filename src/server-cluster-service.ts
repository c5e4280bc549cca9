// Service restart and stop of a whole cluster, as MinIO's admin API does them: the server asked
// first checks that every peer can (each has a process hook from its main(); none is unreachable),
// then tells every peer, then acts itself. A peer that cannot is named and nothing happens.
import { AdminError, type ServiceControl } from "./admin/index.ts";
import type { Cluster } from "./server-cluster.ts";

export const SERVICE_METHOD = "admin.service";

type Action = "restart" | "stop";

function actionOf(args: { action?: unknown; check?: unknown }): Action {
  if (args.action !== "restart" && args.action !== "stop") throw new TypeError("admin.service needs action restart or stop");
  return args.action;
}

/**
 * Registers this server's side (answer, then restart or stop) and returns the control the admin
 * API uses here, or undefined when this process has no hook (an embedded server cannot).
 */
export function clusterService(cluster: Cluster, local: ServiceControl | undefined): ServiceControl | undefined {
  cluster.rpc.register(SERVICE_METHOD, async (args) => {
    const action = actionOf(args as { action?: unknown });
    if (!local) throw new Error(`${cluster.topology.nodes[cluster.topology.self].name} cannot ${action}: its process belongs to the program that started it`);
    // A check asks only whether we could; the real call acts once its answer is on its way.
    if ((args as { check?: unknown }).check !== true) setTimeout(() => (action === "restart" ? local.restart() : local.stop()), 0);
    return {};
  });
  if (!local) return undefined;
  const peers = cluster.clients.map((c, i) => ({ c, name: cluster.topology.nodes[i].name })).filter((p) => p.c !== undefined);
  const all = async (action: Action): Promise<void> => {
    const checks = await Promise.allSettled(peers.map((p) => p.c!.call(SERVICE_METHOD, { action, check: true }, { deadlineMs: 5_000 })));
    const refused = checks.flatMap((r, i) => (r.status === "rejected" ? [`${peers[i].name} (${(r.reason as Error).message})`] : []));
    if (refused.length > 0)
      throw new AdminError("ServiceUnavailable", `Cannot ${action} the cluster: ${refused.join("; ")} did not agree; nothing was done`, 503);
    await Promise.allSettled(peers.map((p) => p.c!.call(SERVICE_METHOD, { action }, { deadlineMs: 5_000 })));
  };
  return {
    prepare: (action: Action) => all(action),
    restart: () => local.restart(),
    stop: () => local.stop(),
  };
}
