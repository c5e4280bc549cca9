// Cluster health as MinIO computes it: per erasure set, drives online against the read quorum
// (data drives) and write quorum (data drives, one more when data equals parity); maintenance
// mode asks "would we stay healthy without this node's drives?". Drives being healed (a replaced
// drive refilled in the background) are counted per set, as MinIO reports them. The quorums
// themselves come from the object layer's storage view.
import type { AdminSet, DriveState } from "./admin-store.ts";

export interface SetHealth {
  pool: number;
  set: number;
  /** Drives counted online (in maintenance mode: online and not local). */
  online: number;
  readQuorum: number;
  writeQuorum: number;
  healthy: boolean;
  healthyRead: boolean;
  /** Drives of the set being healed now. */
  healing: number;
}

/** A drive by its place in the layout. */
export interface DrivePosition {
  pool: number;
  set: number;
  position: number;
}

export interface HealthResult {
  /** Every set has write quorum. */
  healthy: boolean;
  /** Every set has read quorum. */
  healthyRead: boolean;
  /** Largest write quorum of any set (the x-minio-write-quorum header). */
  writeQuorum: number;
  /** Largest read quorum of any set (x-minio-read-quorum). */
  readQuorum: number;
  /** Drives being healed now (replaced drives being refilled). */
  healingDrives: number;
  sets: SetHealth[];
}

/** Drives of set `s` being healed: those the storage view reports, and those the caller names. */
function healingPositions(s: AdminSet, states: readonly DriveState[], named: readonly DrivePosition[]): number {
  const positions = new Set<number>();
  for (const d of states) if (d.healing && d.pool === s.pool && d.set === s.set) positions.add(d.position);
  for (const d of named) if (d.pool === s.pool && d.set === s.set) positions.add(d.position);
  return positions.size;
}

/** Pure: the health verdict for `sets` given probed drive states. */
export function evaluateHealth(
  sets: readonly AdminSet[],
  states: readonly DriveState[],
  opts: { maintenance?: boolean; healing?: readonly DrivePosition[] } = {},
): HealthResult {
  const result: HealthResult = { healthy: true, healthyRead: true, writeQuorum: 0, readQuorum: 0, healingDrives: 0, sets: [] };
  for (const s of sets) {
    const q = { read: s.readQuorum, write: s.writeQuorum };
    const online = states.filter((d) => d.pool === s.pool && d.set === s.set && d.online && !(opts.maintenance && d.local)).length;
    const healing = healingPositions(s, states, opts.healing ?? []);
    const h: SetHealth = {
      pool: s.pool,
      set: s.set,
      online,
      readQuorum: q.read,
      writeQuorum: q.write,
      healthy: online >= q.write,
      healthyRead: online >= q.read,
      healing,
    };
    result.healingDrives += healing;
    result.sets.push(h);
    result.healthy &&= h.healthy;
    result.healthyRead &&= h.healthyRead;
    result.writeQuorum = Math.max(result.writeQuorum, q.write);
    result.readQuorum = Math.max(result.readQuorum, q.read);
  }
  return result;
}
