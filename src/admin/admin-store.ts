// The slice of the object layer that admin/ reads — its storage view (pools, sets with their
// quorums, drives with their state; heal counters), buckets and version listings — typed as a
// Pick of ObjectLayer so tests can pass small fakes; flattens the view for health and metrics.
import type { DriveInfo, ObjectLayer, SetStorageInfo } from "../object/index.ts";

/** What Drive.info() reports. */
export type DriveStats = DriveInfo;

/** One erasure set: drive count, parity, read and write quorum (ObjectLayer.storageInfo). */
export type AdminSet = SetStorageInfo;

export type AdminStore = Pick<ObjectLayer, "storageInfo" | "listBuckets" | "listObjectVersions">;

/** One drive as seen right now. */
export interface DriveState {
  pool: number;
  set: number;
  position: number;
  /** The drive's location (path or URL). */
  endpoint: string;
  /** Served by this process (counted by node metrics, excluded by maintenance checks). */
  local: boolean;
  /** Answered info() in time and is formatted. */
  online: boolean;
  /** Online and being refilled by the object layer's heal (a replaced drive). */
  healing?: boolean;
  stats?: DriveStats;
  /** Why it is offline. */
  error?: string;
}

export interface ProbeOptions {
  /** A drive that does not answer within this many ms counts as offline. */
  timeoutMs: number;
  /** Whether the drive at a set position is served by this process (default: all are). */
  isLocal?: (pool: number, set: number, position: number) => boolean;
}

/** The storage view flattened for health and metrics: sets, one state per drive, heal counters. */
export interface StorageView {
  sets: AdminSet[];
  states: DriveState[];
  heals: { started: number; failed: number; healed?: number; lastActivityMs?: number };
}

/** Asks the object layer for every drive's state (each drive answers under `timeoutMs`). */
export async function probeDrives(store: AdminStore, opts: ProbeOptions): Promise<StorageView> {
  const info = await store.storageInfo({ timeoutMs: opts.timeoutMs });
  const sets = info.pools.flatMap((p) => p.sets);
  const states = sets.flatMap((s) =>
    s.drives.map(
      (d): DriveState => ({
        pool: d.pool,
        set: d.set,
        position: d.position,
        endpoint: d.endpoint,
        local: opts.isLocal?.(d.pool, d.set, d.position) ?? true,
        online: d.state !== "offline",
        healing: d.state === "healing",
        ...(d.info ? { stats: d.info } : {}),
        ...(d.error !== undefined ? { error: d.error } : {}),
      }),
    ),
  );
  return { sets, states, heals: info.heals };
}
