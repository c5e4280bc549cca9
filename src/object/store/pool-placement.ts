// Which pool a key goes to. An existing key is found by asking every pool (newest wins when a
// past race left it in several); a new key goes to a pool picked at random, weighted by the free
// space of the set it would land in, among pools with room that are not being drained (MinIO's rule).
import { ObjectError } from "../object-error.ts";
import { readUpload } from "../set/multipart.ts";
import type { ErasureSet } from "../set/erasure-set.ts";
import { byNewest, drivesSpace, type Located, type ServerPool } from "./pools.ts";

/** How placement sees the pools; tests inject both to make it deterministic. */
export interface PlacementView {
  /**
   * Free bytes `set` (the key's set in pool `pool`) offers for new data. Default: the sum of
   * every answering drive's free space.
   */
  freeSpace?: (pool: number, set: ErasureSet) => Promise<number>;
  /** A number in [0, 1) for the weighted pick. Default Math.random. */
  random?: () => number;
}

export interface PoolRouterInit extends PlacementView {
  pools: readonly ServerPool[];
  /** Pools that take no new objects (draining or drained), by index. */
  closed: () => Promise<ReadonlySet<number>>;
  /** Deadline for each drive's free-space answer. */
  timeoutMs: number;
}

export class PoolRouter {
  readonly pools: readonly ServerPool[];
  readonly #init: PoolRouterInit;

  constructor(init: PoolRouterInit) {
    this.pools = init.pools;
    this.#init = init;
  }

  get single(): boolean {
    return this.pools.length === 1;
  }

  /** Every pool holding `key` in `volume`, newest latest version first. */
  async locate(volume: string, key: string): Promise<Located[]> {
    const found = await Promise.all(
      this.pools.map(async (pool): Promise<Located | null> => {
        const entry = await pool.setOf(key).entry(volume, key);
        return entry && entry.kind === "object" ? { pool, entry } : null;
      }),
    );
    return byNewest(found.filter((f): f is Located => f !== null));
  }

  /**
   * The pool that answers for `key` (reads, deletes, metadata updates): the pool holding
   * `versionId` when one is asked for, else the newest holder; pool 0 when none holds it (it
   * then answers NoSuchKey / NoSuchVersion itself).
   */
  async readPool(volume: string, key: string, versionId?: string): Promise<ServerPool> {
    if (this.single) return this.pools[0];
    const found = await this.locate(volume, key);
    const hit = versionId ? (found.find((l) => l.entry.versions.some((v) => v.versionId === versionId)) ?? found[0]) : found[0];
    return hit?.pool ?? this.pools[0];
  }

  /** The pool holding upload `uploadId` (every pool shares the deployment id, so each is asked); pool 0 when none does. */
  async uploadPool(bucket: string, key: string, uploadId: string): Promise<ServerPool> {
    if (this.single) return this.pools[0];
    const found = await Promise.all(
      this.pools.map((p) =>
        // A pool that cannot answer is not where the upload is known to be; pool 0 then reports.
        readUpload(p.setOf(key), bucket, key, uploadId).then(
          () => true,
          () => false,
        ),
      ),
    );
    return this.pools[found.indexOf(true)] ?? this.pools[0];
  }

  /**
   * Runs a read on the set holding `key`: the newest holder, or for a given version id each
   * holder in turn until one has it (a race may have left versions in two pools).
   */
  async read<T>(volume: string, key: string, versionId: string | undefined, fn: (set: ErasureSet) => Promise<T>): Promise<T> {
    if (this.single) return fn(this.pools[0].setOf(key));
    const holders = await this.locate(volume, key);
    if (holders.length === 0) return fn(this.pools[0].setOf(key));
    if (!versionId) return fn(holders[0].pool.setOf(key));
    const owner = holders.find((h) => h.entry.versions.some((v) => v.versionId === versionId)) ?? holders[0];
    return fn(owner.pool.setOf(key));
  }

  /**
   * The pool a delete (or a metadata update) of `key` goes to: the holder of `versionId`, else
   * the newest holder; a key no pool holds gets a delete marker where a new object would go.
   */
  async deletePool(volume: string, key: string, versionId: string | undefined): Promise<ServerPool> {
    if (this.single) return this.pools[0];
    const holders = await this.locate(volume, key);
    const owner = versionId ? holders.find((h) => h.entry.versions.some((v) => v.versionId === versionId)) : holders[0];
    if (owner) return owner.pool;
    if (holders.length > 0) return holders[0].pool;
    return this.newPool(key, 0).catch(() => this.pools[0]);
  }

  /**
   * The pool a write of `key` goes to: the newest pool holding it that still takes writes,
   * else a new pick (a key only in a draining pool moves on with its next version).
   */
  async writePool(volume: string, key: string, size: number): Promise<ServerPool> {
    if (this.single) return this.pools[0];
    const closed = await this.#init.closed();
    const holder = (await this.locate(volume, key)).find((l) => !closed.has(l.pool.index));
    return holder?.pool ?? this.newPool(key, size, closed);
  }

  /** A pool for a key no open pool holds: weighted by free space among pools with room. */
  async newPool(key: string, size: number, closed?: ReadonlySet<number>): Promise<ServerPool> {
    const shut = closed ?? (await this.#init.closed());
    const open = this.pools.filter((p) => !shut.has(p.index));
    if (this.single && open.length === 1) return open[0];
    const free = await Promise.all(open.map((p) => this.#freeFor(p, p.setOf(key))));
    const weights = open.map((p, i) => (free[i] > needed(p.setOf(key), size) ? free[i] : 0));
    const total = weights.reduce((a, b) => a + b, 0);
    if (total <= 0) {
      throw new ObjectError("StorageFull", `No server pool has room for "${key}" (${open.length} of ${this.pools.length} pools take new objects)`);
    }
    let at = (this.#init.random ?? Math.random)() * total;
    for (const [i, w] of weights.entries()) {
      if (w > 0 && at < w) return open[i];
      at -= w;
    }
    return open[weights.findLastIndex((w) => w > 0)];
  }

  async #freeFor(pool: ServerPool, set: ErasureSet): Promise<number> {
    if (this.#init.freeSpace) return this.#init.freeSpace(pool.index, set);
    return (await drivesSpace(set.drives, this.#init.timeoutMs)).free;
  }
}

/** Raw bytes an object of `size` takes on a set (data plus parity), 0 when the size is unknown. */
function needed(set: ErasureSet, size: number): number {
  if (size <= 0) return 0;
  const n = set.drives.length;
  const data = Math.max(1, n - set.settings.standardParity);
  return Math.ceil((size * n) / data);
}
