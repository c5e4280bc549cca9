// The slice of the object store that admin/ reads — sets and their drives, the heal queue's
// counters, buckets and version listings — typed structurally so ObjectStore fits as it is and
// tests can pass small fakes. Also probes every drive (with a deadline) for its state.
import type { BucketInfo, DriveInfo, ListVersionsOptions, ListVersionsResult } from "../object/index.ts";
import { withDeadline } from "../util/index.ts";

/** What Drive.info() reports. */
export type DriveStats = DriveInfo;

export interface AdminDrive {
  readonly endpoint: string;
  info(): Promise<DriveStats>;
}

export interface AdminSet {
  /** Drives by set position; null where no drive could be opened. */
  readonly drives: readonly (AdminDrive | null)[];
  readonly poolIndex: number;
  readonly setIndex: number;
  readonly settings: { readonly standardParity: number; readonly rrsParity: number };
}

export interface AdminStore {
  readonly sets: readonly AdminSet[];
  /** Background heal counters (heals started, heals that failed). */
  readonly heals: { readonly started: number; readonly failed: number };
  listBuckets(): Promise<BucketInfo[]>;
  listObjectVersions(bucket: string, opts: ListVersionsOptions): Promise<ListVersionsResult>;
}

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

/** Asks every drive of every set for its info, in parallel, each with a deadline. */
export async function probeDrives(store: AdminStore, opts: ProbeOptions): Promise<DriveState[]> {
  const jobs: Promise<DriveState>[] = [];
  for (const set of store.sets) {
    set.drives.forEach((drive, position) => {
      const base = {
        pool: set.poolIndex,
        set: set.setIndex,
        position,
        endpoint: drive?.endpoint ?? "",
        local: opts.isLocal?.(set.poolIndex, set.setIndex, position) ?? true,
      };
      if (!drive) {
        jobs.push(Promise.resolve({ ...base, online: false, error: "not connected" }));
        return;
      }
      jobs.push(
        withDeadline(drive.info(), opts.timeoutMs, () => new Error(`${drive.endpoint}: no answer within ${opts.timeoutMs} ms`)).then(
          (stats) => (stats.id === "" ? { ...base, online: false, stats, error: "unformatted" } : { ...base, online: true, stats }),
          (err: unknown) => ({ ...base, online: false, error: err instanceof Error ? err.message : String(err) }),
        ),
      );
    });
  }
  return Promise.all(jobs);
}
