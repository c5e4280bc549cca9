// madmin's pool calls: GET pools/list, GET pools/status?pool=, POST pools/decommission?pool=
// (one pool argument or several, comma separated; `by-id=true` takes indexes instead) and POST
// pools/cancel?pool=, answered with madmin's PoolStatus JSON. Running a drain is the PoolAdmin's
// business (in a cluster it runs on the pool's first server, whichever server was asked).
import { isObjectError, type DecommissionStatus } from "../object/index.ts";
import { AdminError } from "./admin-error.ts";

/** One pool as the admin API shows it: its decommission state and its drives' capacity. */
export interface PoolView extends DecommissionStatus {
  /** Bytes of the pool's answering drives. */
  total: number;
  /** Free bytes of those drives. */
  free: number;
}

/** What the pool calls act on (server.ts wires the object store, and peers in a cluster). */
export interface PoolAdmin {
  list(): Promise<PoolView[]>;
  /** Starts draining pool `index`; resolves once it is recorded as draining. */
  start(index: number): Promise<void>;
  /** Stops the drain of pool `index` (it stays closed to new objects). */
  cancel(index: number): Promise<void>;
}

/** madmin's PoolStatus. */
interface PoolStatusJson {
  id: number;
  cmdline: string;
  lastUpdate: string;
  decommissionInfo?: {
    startTime: string;
    startSize: number;
    totalSize: number;
    currentSize: number;
    complete: boolean;
    failed: boolean;
    canceled: boolean;
    objectsDecommissioned: number;
    objectsDecommissionedFailed: number;
    bytesDecommissioned: number;
    bytesDecommissionedFailed: number;
  };
}

function toJson(p: PoolView, startedAt: string): PoolStatusJson {
  const d = p.decommission;
  const out: PoolStatusJson = { id: p.index, cmdline: p.id, lastUpdate: d?.endTime ?? d?.startTime ?? startedAt };
  if (!d) return out;
  out.decommissionInfo = {
    startTime: d.startTime,
    startSize: d.startFree ?? p.free,
    totalSize: p.total,
    currentSize: p.free,
    complete: d.status === "complete",
    failed: d.status === "failed",
    canceled: d.status === "canceled",
    objectsDecommissioned: d.objectsMoved,
    objectsDecommissionedFailed: d.objectsFailed,
    bytesDecommissioned: d.bytesMoved,
    bytesDecommissionedFailed: d.bytesFailed,
  };
  return out;
}

function json(value: unknown): Response {
  return new Response(JSON.stringify(value), { status: 200, headers: { "content-type": "application/json" } });
}

const invalid = (message?: string) => new AdminError("XMinioAdminInvalidArgument", message);

/** The pools a `pool` query value names (command-line arguments, or indexes with by-id=true). */
function named(pools: readonly PoolView[], value: string | null, byId: boolean): PoolView[] {
  if (!value) throw invalid("The pool parameter is required");
  return value.split(",").map((v) => {
    const hit = byId ? (/^\d+$/.test(v) ? pools[Number(v)] : undefined) : pools.find((p) => p.id === v);
    if (!hit) throw invalid(`specified pool '${v}' not found, please specify a valid pool`);
    return hit;
  });
}

/** Object-layer refusals become admin errors; anything else is the caller's to report. */
function translate(err: unknown): never {
  if (isObjectError(err, "InvalidArgument")) throw invalid((err as Error).message);
  throw err;
}

async function decommission(admin: PoolAdmin, pools: readonly PoolView[], targets: PoolView[]): Promise<Response> {
  if (pools.length === 1) throw new AdminError("NotImplemented", "Decommission needs a deployment with more than one server pool");
  if (pools.some((p) => p.status === "draining")) throw new AdminError("XMinioDecommissionNotAllowed", "decommission is already in progress");
  for (const t of targets) {
    if (t.status === "complete") throw new AdminError("XMinioDecommissionNotAllowed", "decommission is complete, please remove the servers from command-line");
  }
  for (const t of targets) await admin.start(t.index).catch(translate);
  return new Response(null, { status: 200 });
}

/** Answers `pools/<call>`; throws AdminError for refusals. */
export async function handlePools(admin: PoolAdmin, call: string, req: Request, url: URL, startedAt: string): Promise<Response> {
  const method = call === "list" || call === "status" ? "GET" : call === "decommission" || call === "cancel" ? "POST" : null;
  if (!method) throw new AdminError("NotImplemented", `The admin call pools/${call} is not implemented`);
  if (req.method !== method) throw new AdminError("MethodNotAllowed", `pools/${call} takes ${method}, not ${req.method}`);
  const pools = await admin.list();
  if (call === "list") return json(pools.map((p) => toJson(p, startedAt)));
  const byId = url.searchParams.get("by-id") === "true";
  const targets = named(pools, url.searchParams.get("pool"), byId);
  if (call === "decommission") return decommission(admin, pools, targets);
  if (targets.length !== 1) throw invalid("Name one pool");
  if (call === "status") return json(toJson(targets[0], startedAt));
  if (targets[0].status !== "draining") throw new AdminError("XMinioDecommissionNotAllowed", "decommission is not in progress");
  await admin.cancel(targets[0].index).catch(translate);
  return new Response(null, { status: 200 });
}
