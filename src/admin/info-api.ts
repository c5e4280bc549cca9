// The admin information calls: info (madmin.InfoMessage: deployment, counts and usage, one entry
// per server with its drives), storageinfo (madmin.StorageInfo) and datausageinfo
// (madmin.DataUsageInfo). Drives come from the store's storage view, counts from the usage walk.
import type { DriveStorageInfo } from "../object/index.ts";
import { jsonResponse } from "./admin-request.ts";
import type { AdminRoute } from "./iam-routes.ts";
import { allDrives, backendInfo, erasureBackend, madminDisk } from "./madmin-disks.ts";
import type { ServerAdminDeps, ServerProps } from "./server-deps.ts";
import type { UsageCache, UsageSnapshot } from "./usage-cache.ts";

/** A drive that does not answer within this long is reported offline. */
const DRIVE_TIMEOUT_MS = 5_000;
/** How long a call waits for the first usage walk before answering without counts. */
const FIRST_USAGE_WAIT_MS = 10_000;
/** Go's zero time: madmin's "never" for lastUpdate. */
const ZERO_TIME = "0001-01-01T00:00:00Z";

/** The last finished usage walk; before the first one, waits a bounded time for it (null if it does not finish). */
export async function usageSnapshot(usage: UsageCache, waitMs = FIRST_USAGE_WAIT_MS): Promise<UsageSnapshot | null> {
  const snap = usage.snapshot();
  if (snap) return snap;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), waitMs);
  });
  try {
    return await Promise.race([usage.refresh().catch(() => null), late]);
  } finally {
    clearTimeout(timer);
  }
}

function serverProperties(deps: ServerAdminDeps, index: number, props: ServerProps | null, drives: DriveStorageInfo[]): Record<string, unknown> {
  const s = deps.servers[index];
  const mine = drives.filter((d) => deps.serverOf(d.pool, d.set, d.position) === index);
  const out: Record<string, unknown> = {
    state: props ? "online" : "offline",
    endpoint: s.endpoint,
    scheme: s.scheme,
    drives: mine.map(madminDisk),
    // 1-based, as mc prints it; a server's first drive names its pool.
    ...(mine.length > 0 ? { poolNumber: mine[0].pool + 1 } : {}),
    mem_stats: { Alloc: props?.heapUsed ?? 0, TotalAlloc: 0, Mallocs: 0, Frees: 0, HeapAlloc: props?.heapUsed ?? 0 },
  };
  if (props) {
    Object.assign(out, {
      uptime: props.uptime,
      version: props.version,
      ...(props.commitID ? { commitID: props.commitID } : {}),
      network: props.network,
      num_cpu: props.numCpu,
      runtime_version: props.runtimeVersion,
    });
  }
  return out;
}

/** madmin.InfoMessage. */
export async function infoMessage(deps: ServerAdminDeps): Promise<Record<string, unknown>> {
  const [view, buckets, props, usage] = await Promise.all([
    deps.store.storageInfo({ timeoutMs: DRIVE_TIMEOUT_MS }),
    deps.store.listBuckets().then(
      (b) => ({ count: b.length }),
      (err: unknown) => ({ count: 0, error: err instanceof Error ? err.message : String(err) }),
    ),
    Promise.all(deps.servers.map((s) => s.properties().catch(() => null))),
    usageSnapshot(deps.usage),
  ]);
  const drives = allDrives(view);
  const notYet = "The first usage scan has not finished yet";
  return {
    mode: "online",
    ...(deps.domains.length > 0 ? { domain: [...deps.domains] } : {}),
    ...(deps.region ? { region: deps.region } : {}),
    deploymentID: deps.deploymentId,
    buckets,
    objects: usage ? { count: usage.totals.objects } : { count: 0, error: notYet },
    versions: usage ? { count: usage.totals.versions } : { count: 0, error: notYet },
    usage: usage ? { size: usage.totals.bytes } : { size: 0, error: notYet },
    backend: erasureBackend(view),
    servers: deps.servers.map((_, i) => serverProperties(deps, i, props[i], drives)),
  };
}

/** madmin.StorageInfo. */
export async function storageInfoMessage(deps: ServerAdminDeps): Promise<Record<string, unknown>> {
  const view = await deps.store.storageInfo({ timeoutMs: DRIVE_TIMEOUT_MS });
  const name = (d: DriveStorageInfo) => deps.servers[deps.serverOf(d.pool, d.set, d.position)]?.endpoint ?? "";
  return { Disks: allDrives(view).map(madminDisk), Backend: backendInfo(view, name) };
}

/** madmin.DataUsageInfo; nothing here is replicated or tiered, so those totals are truly zero. */
export async function dataUsageMessage(deps: ServerAdminDeps): Promise<Record<string, unknown>> {
  const snap = await usageSnapshot(deps.usage);
  const replication = {
    objectsPendingReplicationTotalSize: 0,
    objectsFailedReplicationTotalSize: 0,
    objectsPendingReplicationCount: 0,
    objectsFailedReplicationCount: 0,
  };
  const buckets: Record<string, unknown> = {};
  const sizes: Record<string, number> = {};
  for (const [name, u] of snap?.buckets ?? []) {
    buckets[name] = {
      size: u.bytes,
      ...replication,
      objectsReplicatedTotalSize: 0,
      objectReplicaTotalSize: 0,
      versionsCount: u.versions,
      objectsCount: u.objects,
    };
    sizes[name] = u.bytes;
  }
  return {
    lastUpdate: snap ? snap.finishedAt.toISOString() : ZERO_TIME,
    objectsCount: snap?.totals.objects ?? 0,
    objectsTotalSize: snap?.totals.bytes ?? 0,
    ...replication,
    objectsReplicatedTotalSize: 0,
    objectsReplicaTotalSize: 0,
    bucketsCount: snap?.buckets.size ?? 0,
    bucketsUsageInfo: buckets,
    bucketsSizes: sizes,
  };
}

export function infoRoutes(deps: ServerAdminDeps): Record<string, AdminRoute> {
  return {
    info: { method: "GET", action: "admin:ServerInfo", handle: async () => jsonResponse(await infoMessage(deps)) },
    storageinfo: { method: "GET", action: "admin:StorageInfo", handle: async () => jsonResponse(await storageInfoMessage(deps)) },
    datausageinfo: { method: "GET", action: "admin:DataUsageInfo", handle: async () => jsonResponse(await dataUsageMessage(deps)) },
  };
}
