// One server pool as the store serves it: its erasure sets and its own key → set hash (the
// pool's set count, the deployment id every pool shares), plus the newest-wins rule used when
// more than one pool answers for the same key.
import type { Drive, FileInfo } from "../../disk/index.ts";
import { withDeadline } from "../../util/index.ts";
import { encodeDirObject } from "../object-info.ts";
import { checkObjectName } from "../object-name.ts";
import { createSipHashMod, crcHashMod, type SetHasher } from "../placement.ts";
import type { ErasureSet } from "../set/erasure-set.ts";
import type { ListedEntry } from "../set/list.ts";

export class ServerPool {
  readonly #hash: SetHasher;

  constructor(
    /** Position on the command line (0-based); changes when an earlier pool is removed. */
    readonly index: number,
    /** Stable name of the pool (its command-line argument), used in the persisted pool state. */
    readonly id: string,
    readonly sets: readonly ErasureSet[],
    deploymentId: string,
    distributionAlgo: string | undefined,
  ) {
    this.#hash = distributionAlgo === "CRCMOD" ? (name, c) => crcHashMod(name, c) : createSipHashMod(deploymentId);
  }

  /** The set of this pool holding `name` (an encoded object name, without the bucket). */
  setFor(name: string): ErasureSet {
    return this.sets.length === 1 ? this.sets[0] : this.sets[this.#hash(name, this.sets.length)];
  }

  /** The set holding `key`; a key no drive can store is refused here, before any drive sees it. */
  setOf(key: string): ErasureSet {
    checkObjectName(key);
    return this.setFor(encodeDirObject(key));
  }
}

/** Total and free bytes of `drives` that answer within `timeoutMs` (offline or unformatted drives count 0). */
export async function drivesSpace(drives: readonly (Drive | null)[], timeoutMs: number): Promise<{ total: number; free: number }> {
  const answers = await Promise.allSettled(
    drives.map((d) => (d ? withDeadline(d.info(), timeoutMs, () => new Error(`${d.endpoint}: no answer within ${timeoutMs} ms`)) : Promise.reject())),
  );
  let total = 0;
  let free = 0;
  for (const a of answers) {
    if (a.status !== "fulfilled" || a.value.id === "") continue;
    total += a.value.total;
    free += a.value.free;
  }
  return { total, free };
}

/** Total and free bytes of `pool`'s drives. */
export function poolSpace(pool: ServerPool, timeoutMs: number): Promise<{ total: number; free: number }> {
  return drivesSpace(
    pool.sets.flatMap((s) => s.drives),
    timeoutMs,
  );
}

/** Where a key lives: the pool and its entry (versions newest first). */
export interface Located {
  pool: ServerPool;
  entry: Extract<ListedEntry, { kind: "object" }>;
}

/** Mod time of an entry's latest version (delete markers included). */
export function latestModTime(entry: { versions: readonly FileInfo[] }): bigint {
  return entry.versions[0]?.modTimeNs ?? -1n;
}

/** The pools that hold the key, newest latest version first (a past race may have put it in several). */
export function byNewest(found: readonly Located[]): Located[] {
  return [...found].sort((a, b) => {
    const d = latestModTime(b.entry) - latestModTime(a.entry);
    return d > 0n ? 1 : d < 0n ? -1 : a.pool.index - b.pool.index;
  });
}
