// The read-only storage view (ObjectLayer.storageInfo): plain data about every pool, set and
// drive, so admin/ reports health, capacity and quorum without reaching into sets or drives.
import type { DriveInfo } from "../disk/index.ts";

/** One drive as seen right now. */
export interface DriveStorageInfo {
  pool: number;
  set: number;
  /** Position in its erasure set. */
  position: number;
  /** The drive's location (path or URL); "" where no drive could be opened. */
  endpoint: string;
  /**
   * "online": answered in time and is formatted; "healing": online and being refilled by a
   * running heal (a replaced drive); "offline": not opened, no answer in time, or unformatted.
   */
  state: "online" | "offline" | "healing";
  /** What the drive reported of itself (used/free/total bytes and inodes), when it answered. */
  info?: DriveInfo;
  /** Why it is offline. */
  error?: string;
}

/** One erasure set: its size, parity and the quorums writes and reads need. */
export interface SetStorageInfo {
  pool: number;
  set: number;
  driveCount: number;
  /** Parity drives of the STANDARD storage class. */
  standardParity: number;
  /** Parity drives of REDUCED_REDUNDANCY. */
  rrsParity: number;
  /** Drives a read of a STANDARD object needs (its data drives). */
  readQuorum: number;
  /** Drives a write of a STANDARD object needs (data drives, one more when data equals parity). */
  writeQuorum: number;
  drives: DriveStorageInfo[];
}

export interface PoolStorageInfo {
  index: number;
  sets: SetStorageInfo[];
}

export interface StorageInfo {
  pools: PoolStorageInfo[];
  /**
   * Heals since start: objects looked at (owed heals started + objects the scanner checked), how
   * many failed, how many were found whole or made whole, and when the scanner last worked (ms).
   */
  heals: { started: number; failed: number; healed?: number; lastActivityMs?: number };
}

export interface StorageInfoOptions {
  /** A drive that does not answer within this many ms is reported offline (default: the drive call deadline). */
  timeoutMs?: number;
}
