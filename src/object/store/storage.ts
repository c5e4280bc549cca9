// ObjectStore.storageInfo: asks every drive of every set for its info (each under a deadline)
// and reports drives, set quorums and pools as plain data, the one view admin/ reads.
import { writeQuorum } from "../quorum.ts";
import type { DriveStorageInfo, SetStorageInfo } from "../storage-info.ts";
import type { ErasureSet } from "../set/erasure-set.ts";
import { withDeadline } from "../set/drive-health.ts";

/** A drive by its place in the layout. */
export interface DrivePlace {
  pool: number;
  set: number;
  position: number;
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
        const info = await withDeadline(drive.info(), timeoutMs, () => `${drive.endpoint}: no answer within ${timeoutMs} ms`);
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
