// The heal calls: POST heal/[<bucket>[/<prefix>]] starts a heal sequence (madmin.HealOpts body),
// answers its status with ?clientToken=, or stops it with ?forceStop=true; POST
// background-heal/status reports the scanner, the owed heals and each set's drives (madmin.BgHealState).
import { isObjectError } from "../object/index.ts";
import { AdminError } from "./admin-error.ts";
import { jsonResponse, type AdminRequest } from "./admin-request.ts";
import { parseHealSettings, healTarget } from "./heal-settings.ts";
import type { HealSequence } from "./heal-sequence.ts";
import type { AdminRoute } from "./iam-routes.ts";
import { allDrives, madminDisk, parities, type MadminDisk } from "./madmin-disks.ts";
import type { ServerAdminDeps } from "./server-deps.ts";

const DRIVE_TIMEOUT_MS = 5_000;

/** madmin.HealStartSuccess (and HealStopSuccess, the same shape). */
function started(seq: HealSequence): Response {
  return jsonResponse({ clientToken: seq.token, clientAddress: seq.clientAddress, startTime: seq.startTime.toISOString() });
}

function boolParam(ctx: AdminRequest, name: string): boolean {
  const v = ctx.query.get(name);
  if (v === null || v === "" || v === "false") return false;
  if (v === "true") return true;
  throw new AdminError("XMinioAdminInvalidArgument", `"${name}" must be true or false`);
}

async function heal(ctx: AdminRequest, deps: ServerAdminDeps): Promise<Response> {
  const { bucket, prefix } = healTarget(ctx.url.pathname);
  const token = ctx.query.get("clientToken") ?? "";
  const forceStart = boolParam(ctx, "forceStart");
  const forceStop = boolParam(ctx, "forceStop");
  if (forceStart && forceStop) throw new AdminError("XMinioAdminInvalidArgument", "forceStart and forceStop cannot both be set");
  if (token !== "") return jsonResponse(deps.heals.status(bucket, prefix, token));
  if (forceStop) return started(await deps.heals.stop(bucket, prefix));
  const settings = parseHealSettings(ctx.body);
  if (settings.recreate) {
    throw new AdminError("NotImplemented", "Healing with recreate (rewriting every shard of whole objects) is not implemented; heal without it", 501);
  }
  if (bucket !== "") {
    await deps.store.getBucketInfo(bucket).catch((err: unknown) => {
      if (isObjectError(err, "NoSuchBucket")) throw new AdminError("NoSuchBucket", `The bucket "${bucket}" does not exist`, 404);
      throw err;
    });
  }
  return started(await deps.heals.start(bucket, prefix, settings, ctx.remoteAddress ?? "", forceStart));
}

/** madmin.BgHealState: this deployment's scanner and owed heals per server, and every set's drives. */
export async function backgroundHealState(deps: ServerAdminDeps): Promise<Record<string, unknown>> {
  const [view, props] = await Promise.all([
    deps.store.storageInfo({ timeoutMs: DRIVE_TIMEOUT_MS }),
    Promise.all(deps.servers.map((s) => s.properties().catch(() => null))),
  ]);
  const offline = deps.servers.filter((_, i) => !props[i]).map((s) => s.endpoint);
  const mrf: Record<string, unknown> = {};
  let scanned = 0;
  props.forEach((p, i) => {
    if (!p) return;
    scanned += p.heal.scanned;
    mrf[deps.servers[i].endpoint] = {
      items_healed: p.heal.mrfHealed,
      total_items: p.heal.mrfHealed + p.heal.mrfPending,
      ...(p.heal.mrfOldestMs !== undefined ? { started: new Date(p.heal.mrfOldestMs).toISOString() } : {}),
    };
  });
  const sets: Record<string, unknown>[] = [];
  for (const pool of view.pools) {
    for (const set of pool.sets) {
      const disks: MadminDisk[] = set.drives.map(madminDisk);
      const healing = disks.some((d) => d.healing);
      sets.push({
        id: `${set.pool}-${set.set}`,
        pool_index: set.pool,
        set_index: set.set,
        heal_status: healing ? "Healing" : "",
        heal_priority: healing ? "high" : "",
        disks,
      });
    }
  }
  const p = parities(view);
  return {
    offline_nodes: offline,
    ScannedItemsCount: scanned,
    HealDisks: allDrives(view)
      .filter((d) => d.state === "healing")
      .map((d) => d.endpoint),
    sets,
    mrf,
    sc_parity: { STANDARD: p.standard, REDUCED_REDUNDANCY: p.rrs },
  };
}

export function healRoutes(deps: ServerAdminDeps): Record<string, AdminRoute> {
  const route: AdminRoute = { method: "POST", action: "admin:Heal", handle: (ctx) => heal(ctx, deps) };
  return {
    heal: route,
    // heal/<bucket>[/<prefix>]: admin-api.ts looks these up by their first segment.
    "heal/*": route,
    "background-heal/status": { method: "POST", action: "admin:Heal", handle: async () => jsonResponse(await backgroundHealState(deps)) },
  };
}
