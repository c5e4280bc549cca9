// ObjectStore.storageInfo: asks every drive of every set for its info (each under a deadline)
// and reports drives, set quorums and pools as plain data, the one view admin/ reads.
import { writeQuorum } from "../quorum.ts";
import type { DriveStorageInfo, SetStorageInfo } from "../storage-info.ts";
import type { ErasureSet } from "../set/erasure-set.ts";
import { withDeadline } from "../../util/index.ts";

/** A drive by its place in the layout. */
export interface DrivePlace {
  pool: number;
  set: number;
  position: number;
}

/** Drives being refilled (counted, as two runs may refill the same drive), keyed "pool/set/position". */
export class Refills {
  readonly #running = new Map<string, number>();

  /** Runs `run` with `drives` reported as being refilled until it settles. */
  async during<T>(drives: readonly DrivePlace[], run: () => Promise<T>): Promise<T> {
    const keys = drives.map(placeKey);
    for (const k of keys) this.#running.set(k, (this.#running.get(k) ?? 0) + 1);
    try {
      return await run();
    } finally {
      for (const k of keys) {
        const n = (this.#running.get(k) ?? 1) - 1;
        if (n > 0) this.#running.set(k, n);
        else this.#running.delete(k);
      }
    }
  }

  /** Whether a drive is being refilled, frozen as of now. */
  snapshot(): (p: DrivePlace) => boolean {
    const now = new Set(this.#running.keys());
    return (p) => now.has(placeKey(p));
  }
}

function placeKey(p: DrivePlace): string {
  return `${p.pool}/${p.set}/${p.position}`;
}

/** Read and write quorum of a STANDARD object on a set of `drives` drives with `parity` parity drives. */
export function setQuorums(drives: number, parity: number): { read: number; write: number } {
  const data = drives - parity;
  return { read: data, write: writeQuorum(data, parity) };
}

/** One set's view; `healing` says whether a drive position is being refilled now. */
export async function describeSet(set: ErasureSet, timeoutMs: number, healing: (p: DrivePlace) => boolean): Promise<SetStorageInfo> {
  const q = setQuorums(set.drives.length, set.settings.standardParity);
  const drives = await Promise.all(
    set.drives.map(async (drive, position): Promise<DriveStorageInfo> => {
      const base = { pool: set.poolIndex, set: set.setIndex, position, endpoint: drive?.endpoint ?? "" };
      if (!drive) return { ...base, state: "offline", error: "not connected" };
      try {
        const info = await withDeadline(drive.info(), timeoutMs, () => new Error(`${drive.endpoint}: no answer within ${timeoutMs} ms`));
        if (info.id === "") return { ...base, state: "offline", info, error: "unformatted" };
        return { ...base, state: healing(base) ? "healing" : "online", info };
      } catch (err) {
        return { ...base, state: "offline", error: err instanceof Error ? err.message : String(err) };
      }
    }),
  );
  return {
    pool: set.poolIndex,
    set: set.setIndex,
    driveCount: set.drives.length,
    standardParity: set.settings.standardParity,
    rrsParity: set.settings.rrsParity,
    readQuorum: q.read,
    writeQuorum: q.write,
    drives,
  };
}
