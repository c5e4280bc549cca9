// The persisted decommission state of the pools: a JSON document of ours (not MinIO's msgpack
// pool.bin) at .minio.sys/config/bunker-pools.json, written to every pool so that it survives
// a restart and the draining of any one pool; the copy with the highest generation wins.
import { SYSTEM_VOLUME } from "../../disk/index.ts";
import type { NamespaceLocker } from "../ns-lock.ts";
import { isObjectError } from "../object-error.ts";
import type { ServerPool } from "./pools.ts";

export const POOL_STATE_NAME = "config/bunker-pools.json";

/** active: takes new objects; draining: being emptied; complete: empty, may be removed; canceled/failed: stopped, takes no new objects. */
export type PoolStatus = "active" | "draining" | "complete" | "canceled" | "failed";

/** One pool's decommission record (only pools ever decommissioned have one). */
export interface PoolDecommission {
  /** The pool's command-line argument: indexes shift when a drained pool is removed. */
  id: string;
  status: PoolStatus;
  /** When the drain was started (ISO 8601). */
  startTime: string;
  /** When it completed, failed or was canceled (ISO 8601). */
  endTime?: string;
  /** Versions (objects and delete markers) moved to other pools. */
  objectsMoved: number;
  /** Bytes of those versions (client-visible sizes). */
  bytesMoved: number;
  /** Versions that could not be moved in the last pass (they stay in the pool). */
  objectsFailed: number;
  /** Bytes of those versions. */
  bytesFailed: number;
  /** Free bytes of the pool when the drain started (madmin's startSize). */
  startFree?: number;
  /** The first failure of the last pass, for the operator. */
  lastError?: string;
}

/** The document on disk. */
export interface PoolStateDoc {
  /** Format version of this document (1). */
  version: 1;
  /** Raised on every write; the highest copy across pools is current. */
  generation: number;
  pools: PoolDecommission[];
}

const EMPTY: PoolStateDoc = { version: 1, generation: 0, pools: [] };

function parse(bytes: Uint8Array): PoolStateDoc | null {
  try {
    const doc = JSON.parse(new TextDecoder().decode(bytes)) as PoolStateDoc;
    return doc && doc.version === 1 && Array.isArray(doc.pools) && typeof doc.generation === "number" ? doc : null;
  } catch {
    return null;
  }
}

async function readFrom(pool: ServerPool): Promise<PoolStateDoc | null> {
  try {
    const res = await pool.setFor(POOL_STATE_NAME).get(SYSTEM_VOLUME, POOL_STATE_NAME, {});
    return parse(new Uint8Array(await new Response(res.body).arrayBuffer()));
  } catch (err) {
    if (isObjectError(err, "NoSuchKey", "ReadQuorum")) return null;
    throw err;
  }
}

/** Held around every read-modify-write of the document (not the document's own name: its write locks that). */
const STATE_LOCK = `${SYSTEM_VOLUME}/config/bunker-pools.lock`;

/**
 * Loads once, then keeps the document in memory (reload() drops it when another server changed
 * it); every change re-reads the document under a lock and is written to every pool, so two
 * servers draining different pools do not overwrite each other's records.
 */
export class PoolState {
  #doc: Promise<PoolStateDoc> | undefined;

  constructor(
    readonly pools: readonly ServerPool[],
    readonly locker?: NamespaceLocker,
  ) {}

  async get(): Promise<PoolStateDoc> {
    this.#doc ??= this.#load();
    return this.#doc;
  }

  /** Forgets the cached document: the next get() reads the drives again. */
  reload(): void {
    this.#doc = undefined;
  }

  #load(): Promise<PoolStateDoc> {
    const loading: Promise<PoolStateDoc> = Promise.all(this.pools.map(readFrom)).then(
      (docs) => docs.reduce<PoolStateDoc>((best, d) => (d && d.generation > best.generation ? d : best), EMPTY),
      (err) => {
        if (this.#doc === loading) this.#doc = undefined;
        throw err;
      },
    );
    return loading;
  }

  /** The record of pool `id`, if it was ever decommissioned. */
  async record(id: string): Promise<PoolDecommission | undefined> {
    return (await this.get()).pools.find((p) => p.id === id);
  }

  /** Indexes of the pools that take no new objects. */
  async closed(): Promise<ReadonlySet<number>> {
    const doc = await this.get();
    const shut = new Set(doc.pools.filter((p) => p.status !== "active").map((p) => p.id));
    return new Set(this.pools.filter((p) => shut.has(p.id)).map((p) => p.index));
  }

  /** Replaces pool `rec.id`'s record and writes the document to every pool (a quorum of pools must take it). */
  async put(rec: PoolDecommission): Promise<void> {
    const release = this.locker ? await this.locker.lock([STATE_LOCK], "write") : undefined;
    try {
      await this.#put(rec);
    } finally {
      release?.();
    }
  }

  async #put(rec: PoolDecommission): Promise<void> {
    // Fresh from the drives: another server may have changed another pool's record meanwhile.
    const cur = this.pools.length > 1 ? await this.#load() : await this.get();
    const next: PoolStateDoc = { version: 1, generation: cur.generation + 1, pools: [...cur.pools.filter((p) => p.id !== rec.id), { ...rec }] };
    this.#doc = Promise.resolve(next);
    const bytes = new TextEncoder().encode(JSON.stringify(next));
    const results = await Promise.allSettled(
      this.pools.map((p) =>
        p.setFor(POOL_STATE_NAME).put(SYSTEM_VOLUME, POOL_STATE_NAME, new Response(bytes).body!, { size: bytes.length, userMeta: {} }, "unversioned"),
      ),
    );
    const failed = results.find((r) => r.status === "rejected");
    if (failed && results.filter((r) => r.status === "fulfilled").length * 2 <= results.length) throw (failed as PromiseRejectedResult).reason;
  }
}
