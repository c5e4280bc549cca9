// The persisted MRF ("most recently failed") list: the heals a partial write or delete still owes,
// kept as a small JSON file on the drives so a restart picks them up again. Every copy is a
// full list; loading takes the union, which is safe because healing a healthy object is a no-op.
import { SYSTEM_VOLUME, type Drive } from "../../disk/index.ts";
import { callDrive, type SetContext } from "../set/context.ts";

/** Where the list lives on each drive: under .minio.sys, in a folder of ours MinIO never reads. */
export const MRF_DIR = "bunker/mrf";

/** One owed heal, as stored. */
export interface MrfEntry {
  /** Bucket, or ".minio.sys" for configuration objects. */
  volume: string;
  /** Encoded object name; "" means the bucket itself (its directories). */
  name: string;
  /** Version to heal; "" for every version of the object. */
  versionId: string;
  /** When the heal was first owed (ms since the epoch): kept across retries and restarts. */
  queuedAt: number;
}

/** The file's shape. */
interface MrfFile {
  /** Format version of this file (1). */
  version: 1;
  /** Owed heals, oldest first. */
  entries: MrfEntry[];
}

/** Where the heal queue loads and saves its list. */
export interface MrfPersistence {
  load(): Promise<MrfEntry[]>;
  save(entries: readonly MrfEntry[]): Promise<void>;
}

export function encodeMrf(entries: readonly MrfEntry[]): Uint8Array {
  const file: MrfFile = { version: 1, entries: entries.map((e) => ({ volume: e.volume, name: e.name, versionId: e.versionId, queuedAt: e.queuedAt })) };
  return new TextEncoder().encode(JSON.stringify(file));
}

/** Entries of one copy; a copy that is unreadable, of another version or malformed yields none (never a crash). */
export function decodeMrf(data: Uint8Array): MrfEntry[] {
  let file: unknown;
  try {
    file = JSON.parse(new TextDecoder().decode(data));
  } catch {
    return [];
  }
  const f = file as Partial<MrfFile> | null;
  if (f?.version !== 1 || !Array.isArray(f.entries)) return [];
  return f.entries.filter(
    (e): e is MrfEntry =>
      !!e && typeof e.volume === "string" && e.volume !== "" && typeof e.name === "string" && typeof e.versionId === "string" && typeof e.queuedAt === "number",
  );
}

/**
 * The list on every drive of every set that `persistOn` accepts (all by default; in a cluster
 * the lead passes "local drives only"), as `.minio.sys/bunker/mrf/<fileName>`: one file name per
 * node, so nodes sharing drives never overwrite each other's lists.
 */
export function driveMrfPersistence(sets: readonly SetContext[], fileName: string, persistOn: (d: Drive) => boolean = () => true): MrfPersistence {
  const path = `${MRF_DIR}/${fileName}`;
  const targets = sets.flatMap((s) => s.drives.flatMap((d, pos) => (d && persistOn(d) ? [{ s, pos }] : [])));
  return {
    async load() {
      const copies = await Promise.allSettled(targets.map(({ s, pos }) => callDrive(s, pos, (d) => d.readAll(SYSTEM_VOLUME, path))));
      const byKey = new Map<string, MrfEntry>();
      for (const c of copies) {
        if (c.status !== "fulfilled") continue;
        for (const e of decodeMrf(c.value)) {
          const k = mrfKey(e);
          const had = byKey.get(k);
          if (!had || had.queuedAt > e.queuedAt) byKey.set(k, e);
        }
      }
      return [...byKey.values()].sort((a, b) => a.queuedAt - b.queuedAt);
    },
    async save(entries) {
      const data = encodeMrf(entries);
      // A drive that is down keeps its older copy: loading takes the union, so nothing owed is lost.
      await Promise.allSettled(targets.map(({ s, pos }) => callDrive(s, pos, (d) => d.writeAll(SYSTEM_VOLUME, path, data))));
    },
  };
}

export function mrfKey(e: { volume: string; name: string; versionId: string }): string {
  return `${e.volume}/${e.name}\u0000${e.versionId}`;
}

/** ObjectStoreConfig.mrf: where and how often the owed heals are saved and retried. */
export interface MrfConfig {
  /** false: keep the list in memory only. */
  persist?: boolean;
  /** File name under .minio.sys/bunker/mrf/ (in a cluster: one per node, e.g. the node's host:port). */
  fileName?: string;
  /** Drives that hold the list (in a cluster: this node's local drives). */
  persistOn?: (d: Drive) => boolean;
  /** Longest wait before a change to the list is saved (default 1 s). */
  flushMs?: number;
  /** How often owed heals are retried (default 15 s; doubling per failed try up to maxBackoffMs). */
  retryMs?: number;
  maxBackoffMs?: number;
}
