// The storage view (ObjectLayer.storageInfo) in madmin's shapes: one madmin.Disk per drive (state
// spelled as MinIO does: "ok", "offline", "unformatted"), and the erasure backend summaries of the
// info and storageinfo calls (online/offline drives, parity, sets and drives per pool).
import type { DriveStorageInfo, StorageInfo } from "../object/index.ts";

/** madmin.Disk as 2.0.7 decodes it (omitted fields decode as zero). */
export interface MadminDisk {
  endpoint?: string;
  path?: string;
  healing?: boolean;
  state: string;
  uuid?: string;
  major: number;
  minor: number;
  totalspace?: number;
  usedspace?: number;
  availspace?: number;
  free_inodes?: number;
  pool_index: number;
  set_index: number;
  disk_index: number;
}

/** MinIO's drive state words: a drive that answered is "ok"; one without format.json "unformatted". */
export function driveState(d: DriveStorageInfo): string {
  if (d.state !== "offline") return "ok";
  return d.error === "unformatted" ? "unformatted" : "offline";
}

/** The drive's path on its server: the path of a drive URL, or the drive argument itself. */
function drivePath(endpoint: string): string {
  if (!/^https?:\/\//i.test(endpoint)) return endpoint;
  try {
    return decodeURIComponent(new URL(endpoint).pathname);
  } catch {
    return endpoint;
  }
}

export function madminDisk(d: DriveStorageInfo): MadminDisk {
  const info = d.info;
  return {
    endpoint: d.endpoint,
    path: drivePath(d.endpoint),
    ...(d.state === "healing" ? { healing: true } : {}),
    state: driveState(d),
    ...(info?.id ? { uuid: info.id } : {}),
    // Device numbers are not known to the drive layer; 0 is madmin's "unknown".
    major: 0,
    minor: 0,
    ...(info && info.total > 0 ? { totalspace: info.total, usedspace: info.used, availspace: info.free } : {}),
    ...(info && info.filesFree > 0 ? { free_inodes: info.filesFree } : {}),
    pool_index: d.pool,
    set_index: d.set,
    disk_index: d.position,
  };
}

/** Every drive of the view, pool by pool, set by set, in set position order. */
export function allDrives(view: StorageInfo): DriveStorageInfo[] {
  return view.pools.flatMap((p) => p.sets.flatMap((s) => s.drives));
}

/** The STANDARD and REDUCED_REDUNDANCY parity of the first pool (madmin 2.0.7 has one number for each). */
export function parities(view: StorageInfo): { standard: number; rrs: number } {
  const first = view.pools[0]?.sets[0];
  return { standard: first?.standardParity ?? 0, rrs: first?.rrsParity ?? 0 };
}

/** InfoMessage.backend: madmin.ErasureBackend. */
export function erasureBackend(view: StorageInfo): Record<string, unknown> {
  const drives = allDrives(view);
  const online = drives.filter((d) => d.state !== "offline").length;
  const p = parities(view);
  return { backendType: "Erasure", onlineDisks: online, offlineDisks: drives.length - online, standardSCParity: p.standard, rrSCParity: p.rrs };
}

/**
 * StorageInfo.Backend: madmin.BackendInfo, which has no JSON tags (Go field names; Type is the
 * BackendType enum, Erasure = 2). Online and offline drives are counted per server ("host:port").
 */
export function backendInfo(view: StorageInfo, serverName: (d: DriveStorageInfo) => string): Record<string, unknown> {
  const online: Record<string, number> = {};
  const offline: Record<string, number> = {};
  for (const d of allDrives(view)) {
    const name = serverName(d);
    online[name] ??= 0;
    offline[name] ??= 0;
    if (d.state !== "offline") online[name]++;
    else offline[name]++;
  }
  const p = parities(view);
  const firstSet = (i: number) => view.pools[i].sets[0];
  return {
    Type: 2,
    GatewayOnline: false,
    OnlineDisks: online,
    OfflineDisks: offline,
    StandardSCData: view.pools.map((_, i) => firstSet(i).driveCount - firstSet(i).standardParity),
    StandardSCParity: p.standard,
    RRSCData: view.pools.map((_, i) => firstSet(i).driveCount - firstSet(i).rrsParity),
    RRSCParity: p.rrs,
    TotalSets: view.pools.map((pool) => pool.sets.length),
    DrivesPerSet: view.pools.map((_, i) => firstSet(i).driveCount),
  };
}
