// What every operation on one erasure set needs: its drives by position, the codec pool,
// locks, clock, settings and drive health, plus the fan-out helper that calls drives in
// parallel with a deadline, so one hung drive costs one timeout, never a hang.
import { DriveError, type Drive } from "../../disk/index.ts";
import type { ErasurePool, Md5Offload } from "../../ec/index.ts";
import type { NsClock } from "../../util/index.ts";
import type { NamespaceLocker } from "../ns-lock.ts";
import { settleAll, type DriveResult } from "../quorum.ts";
import type { DriveHealth } from "./drive-health.ts";

export interface SetSettings {
  /** Parity for STANDARD objects. */
  standardParity: number;
  /** Parity for REDUCED_REDUNDANCY objects. */
  rrsParity: number;
  /** Largest shard file (payload bytes) kept inline in xl.meta on unversioned buckets. */
  inlineBlock: number;
  /** Erasure block size for new objects. */
  blockSize: number;
  /** A drive call that takes longer than this counts as failed (and takes the drive out of service). */
  driveTimeoutMs: number;
  /** How often a drive taken out of service is probed to bring it back. */
  driveProbeMs: number;
  /** Versions (delete markers included) one object may have; a write adding one more is refused. Infinity: no limit. */
  maxVersions: number;
}

export interface SetContext {
  /** Drives by set position; null where no drive could be opened. */
  readonly drives: readonly (Drive | null)[];
  readonly poolIndex: number;
  readonly setIndex: number;
  readonly deploymentId: string;
  readonly codec: ErasurePool;
  readonly locker: NamespaceLocker;
  readonly clock: NsClock;
  readonly settings: SetSettings;
  /** Which drives are in service; deadlines for every drive call. */
  readonly health: DriveHealth;
  /** MD5 of request bodies (large ones in a worker). */
  readonly md5: Md5Offload;
  /** Asks for a background heal of an object (deduplicated by the receiver). */
  readonly requestHeal: (volume: string, name: string, versionId: string) => void;
}

/** Calls `fn` on the drives at `positions` (default: all) in parallel, each with a deadline. */
export function fanOut<T>(ctx: SetContext, fn: (drive: Drive, position: number) => Promise<T>, positions?: readonly number[]): Promise<DriveResult<T>[]> {
  const which = positions ?? ctx.drives.map((_, i) => i);
  const results: Promise<T>[] = ctx.drives.map((drive, i) => {
    if (!which.includes(i)) return Promise.reject(new DriveError("Faulty", `drive ${i} not asked`));
    if (!drive) return Promise.reject(new DriveError("Faulty", `drive ${i} is offline`));
    return callDrive(ctx, i, (d) => fn(d, i));
  });
  return settleAll(results);
}

/** One call on the drive at `pos` under its deadline (refused at once while the drive is out of service). */
export function callDrive<T>(ctx: SetContext, pos: number, fn: (drive: Drive) => Promise<T>): Promise<T> {
  const drive = ctx.drives[pos];
  if (!drive) return Promise.reject(new DriveError("Faulty", `drive ${pos} is offline`));
  if (!ctx.health.isUp(pos)) return Promise.reject(new DriveError("Faulty", `${drive.endpoint} is out of service after missing a deadline`));
  return ctx.health.guardFor(pos)(fn(drive), () => `${drive.endpoint}: no answer within ${ctx.settings.driveTimeoutMs} ms`);
}
