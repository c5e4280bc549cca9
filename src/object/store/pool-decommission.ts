// Running decommissions: start (or resume) the drain of a pool, report its progress, cancel
// it; every state change is persisted (pool-state.ts) so a restart remembers and resumes it.
import { ObjectError } from "../object-error.ts";
import { drainPool, type DrainDeps } from "./decommission.ts";
import type { PoolDecommission, PoolState, PoolStatus } from "./pool-state.ts";
import type { ServerPool } from "./pools.ts";

/** One pool as decommission status reports it. */
export interface DecommissionStatus {
  index: number;
  /** The pool's command-line argument. */
  id: string;
  status: PoolStatus;
  /** Set once a decommission was started; counters are live while it runs. */
  decommission?: PoolDecommission;
}

/** Progress is written to the pools every this many keys (and at every state change). */
const PERSIST_EVERY = 64;
/** Walks of the pool before a drain that still finds new objects gives up (status failed). */
const MAX_PASSES = 8;

/** What the running drains tell and ask beyond the drain itself. */
export interface DecommissionHooks {
  /** A pool's status changed (a drain began or ended): other servers must re-read the state. */
  changed?(): void;
  /** Operator log lines (a drain's start and end). */
  log?(line: string): void;
  /** Total and free bytes of a pool's drives (for startSize; absent: not reported). */
  space?(pool: ServerPool): Promise<{ total: number; free: number }>;
}

export class Decommissions {
  readonly #running = new Map<number, { abort: AbortController; done: Promise<PoolDecommission>; rec: PoolDecommission }>();
  /** Set by close(): a drain stopped by shutdown stays "draining" on disk, to be resumed. */
  #closing = false;

  constructor(
    readonly pools: readonly ServerPool[],
    readonly state: PoolState,
    readonly deps: Omit<DrainDeps, "progress"> & DecommissionHooks,
  ) {}

  /** Drains pool `index` into the others; resolves with the final record (complete, failed or canceled). */
  async start(index: number, opts: { signal?: AbortSignal } = {}): Promise<PoolDecommission> {
    return (await this.begin(index, opts)).done;
  }

  /**
   * Starts (or joins) the drain of pool `index` and returns once the pool is recorded as
   * draining (closed to new objects); `done` resolves with the final record.
   */
  async begin(index: number, opts: { signal?: AbortSignal } = {}): Promise<{ done: Promise<PoolDecommission> }> {
    const pool = this.pools[index];
    if (!pool) throw new ObjectError("InvalidArgument", `There is no pool ${index + 1} (the deployment has ${this.pools.length})`);
    const running = this.#running.get(index);
    if (running) return { done: running.done };
    const closed = await this.state.closed();
    if (!this.pools.some((p) => p.index !== index && !closed.has(p.index))) {
      throw new ObjectError("InvalidArgument", `Pool ${index + 1} cannot be decommissioned: no other pool takes new objects`);
    }
    const old = await this.state.record(pool.id);
    if (old?.status === "complete") return { done: Promise.resolve(old) };
    const rec: PoolDecommission =
      old?.status === "draining"
        ? { ...old }
        : {
            id: pool.id,
            status: "draining",
            startTime: new Date().toISOString(),
            objectsMoved: 0,
            bytesMoved: 0,
            objectsFailed: 0,
            bytesFailed: 0,
            startFree: (await this.deps.space?.(pool))?.free,
          };
    await this.state.put(rec);
    this.deps.changed?.();
    this.deps.log?.(`Decommission of pool ${index + 1} (${pool.id}) ${old?.status === "draining" ? "resumed" : "started"}`);
    const abort = new AbortController();
    if (opts.signal?.aborted) abort.abort();
    else opts.signal?.addEventListener("abort", () => abort.abort(), { once: true });
    const done = this.#run(pool, rec, abort.signal).finally(() => this.#running.delete(index));
    this.#running.set(index, { abort, done, rec });
    return { done };
  }

  async #run(pool: ServerPool, rec: PoolDecommission, signal: AbortSignal): Promise<PoolDecommission> {
    let since = 0;
    const progress = async (r: PoolDecommission) => {
      if (++since < PERSIST_EVERY) return;
      since = 0;
      await this.state.put(r).catch(() => {}); // progress is advisory; the walk resumes from what is left
    };
    let status: PoolStatus;
    try {
      rec.lastError = undefined;
      status = await this.#passes(pool, rec, progress, signal);
    } catch (err) {
      status = this.#closing ? "draining" : signal.aborted ? "canceled" : "failed";
      if (!signal.aborted) rec.lastError = err instanceof Error ? err.message : String(err);
    }
    const final: PoolDecommission = { ...rec, status, endTime: status === "draining" ? undefined : new Date().toISOString() };
    await this.state.put(final).catch((err) => {
      if (this.#closing) return;
      this.deps.log?.(
        `Decommission of pool ${pool.index + 1} (${pool.id}) ${status}, but its state could not be recorded: ${err instanceof Error ? err.message : String(err)}`,
      );
      throw err;
    });
    if (status !== "draining") this.deps.changed?.();
    const moved = `${final.objectsMoved} versions (${final.bytesMoved} bytes) moved, ${final.objectsFailed} failed`;
    this.deps.log?.(`Decommission of pool ${pool.index + 1} (${pool.id}) ${status}: ${moved}${final.lastError ? ` (${final.lastError})` : ""}`);
    return final;
  }

  /**
   * Walks the pool until a pass finds nothing left to move: a server that had not yet heard of
   * the drain (or a multipart upload started before it) may still have written into the pool
   * behind the first pass. A pool that keeps receiving objects is not reported empty.
   */
  async #passes(pool: ServerPool, rec: PoolDecommission, progress: DrainDeps["progress"], signal: AbortSignal): Promise<PoolStatus> {
    for (let pass = 1; pass <= MAX_PASSES; pass++) {
      const before = rec.objectsMoved;
      await drainPool({ ...this.deps, progress }, pool, rec, signal);
      if (rec.objectsFailed > 0) return "failed";
      if (rec.objectsMoved === before) return "complete";
    }
    rec.lastError = `New objects were still arriving in pool ${pool.index + 1} after ${MAX_PASSES} passes`;
    return "failed";
  }

  /** Stops a running drain; the pool stays closed to new objects (as MinIO's cancel leaves it). */
  async cancel(index: number): Promise<void> {
    const running = this.#running.get(index);
    if (running) {
      running.abort.abort();
      await running.done;
      return;
    }
    // Recorded as draining but not running here (its server stopped): the record is ended as canceled.
    const pool = this.pools[index];
    const rec = pool ? await this.state.record(pool.id) : undefined;
    if (rec?.status !== "draining") throw new ObjectError("InvalidArgument", `Pool ${index + 1} is not being decommissioned`);
    await this.state.put({ ...rec, status: "canceled", endTime: new Date().toISOString() });
    this.deps.changed?.();
  }

  /**
   * Restarts the drains a previous run left "draining" (in the background), of the pools
   * `mine` accepts (in a cluster each pool's drain runs on one server); returns their indexes.
   */
  async resume(mine: (index: number) => boolean = () => true): Promise<number[]> {
    const doc = await this.state.get();
    const draining = this.pools.filter((p) => mine(p.index) && doc.pools.some((r) => r.id === p.id && r.status === "draining"));
    for (const p of draining) void this.start(p.index).catch(() => {});
    return draining.map((p) => p.index);
  }

  /** Whether this process is draining pool `index` now. */
  isRunning(index: number): boolean {
    return this.#running.has(index);
  }

  async status(): Promise<DecommissionStatus[]> {
    const doc = await this.state.get();
    return this.pools.map((p) => {
      const rec = this.#running.get(p.index)?.rec ?? doc.pools.find((r) => r.id === p.id);
      return { index: p.index, id: p.id, status: rec?.status ?? "active", decommission: rec ? { ...rec } : undefined };
    });
  }

  /** Cancels every running drain (shutdown); their state stays "draining" on disk to be resumed. */
  async close(): Promise<void> {
    this.#closing = true;
    const all = [...this.#running.values()];
    for (const r of all) r.abort.abort();
    await Promise.allSettled(all.map((r) => r.done));
  }
}
