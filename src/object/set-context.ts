// What every operation on one erasure set needs: its drives by position, the codec pool,
// locks, clock and settings, plus the fan-out helper that calls drives in parallel with a
// deadline, so one hung drive costs a timeout, never a hang.
import { DriveError, type Drive } from "../disk/index.ts";
import type { ErasurePool } from "../ec/index.ts";
import type { NsClock } from "../util/index.ts";
import type { NamespaceLocker } from "./ns-lock.ts";
import { settleAll, type DriveResult } from "./quorum.ts";

export interface SetSettings {
  /** Parity for STANDARD objects. */
  standardParity: number;
  /** Parity for REDUCED_REDUNDANCY objects. */
  rrsParity: number;
  /** Largest shard file (payload bytes) kept inline in xl.meta on unversioned buckets. */
  inlineBlock: number;
  /** Erasure block size for new objects. */
  blockSize: number;
  /** A drive call that takes longer than this counts as failed. */
  driveTimeoutMs: number;
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
  /** Asks for a background heal of an object (deduplicated by the receiver). */
  readonly requestHeal: (volume: string, name: string, versionId: string) => void;
}

/** Calls `fn` on the drives at `positions` (default: all) in parallel, each with a deadline. */
export function fanOut<T>(ctx: SetContext, fn: (drive: Drive, position: number) => Promise<T>, positions?: readonly number[]): Promise<DriveResult<T>[]> {
  const which = positions ?? ctx.drives.map((_, i) => i);
  const results: Promise<T>[] = ctx.drives.map((drive, i) => {
    if (!which.includes(i)) return Promise.reject(new DriveError("Faulty", `drive ${i} not asked`));
    if (!drive) return Promise.reject(new DriveError("Faulty", `drive ${i} is offline`));
    return withDeadline(fn(drive, i), ctx.settings.driveTimeoutMs, () => `${drive.endpoint}: no answer within ${ctx.settings.driveTimeoutMs} ms`);
  });
  return settleAll(results);
}

export function withDeadline<T>(p: Promise<T>, ms: number, what: () => string): Promise<T> {
  if (!Number.isFinite(ms) || ms <= 0) return p;
  let timer: ReturnType<typeof setTimeout>;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DriveError("Faulty", what())), ms);
  });
  p.catch(() => {}); // a late failure after the deadline must not become an unhandled rejection
  return Promise.race([p, deadline]).finally(() => clearTimeout(timer));
}
