// Background heals owed by partial writes, partial deletes and damaged reads: deduplicated by
// object version, run a few at a time off the request path, kept (and persisted through an
// MrfPersistence) until a heal reached every drive, retried when drives come back and on a timer.
import { mrfKey, type MrfEntry, type MrfPersistence } from "./mrf.ts";

/** Heals one entry; resolves true once every drive was reached (the entry is then done). */
export type HealJob = (volume: string, name: string, versionId: string) => Promise<boolean>;

export interface HealQueueOptions {
  concurrency?: number;
  /** Where the owed heals are kept across restarts (none: memory only). */
  persistence?: MrfPersistence;
  /** Longest time a change to the list waits before it is saved. */
  flushMs?: number;
  /** How often owed heals are retried; an entry that keeps failing waits longer (doubling, up to maxBackoffMs). */
  retryMs?: number;
  maxBackoffMs?: number;
  /** Entries beyond this are dropped oldest first (the scanner still finds them). */
  maxEntries?: number;
}

interface Owed extends MrfEntry {
  /** Failed attempts since queued (this run). */
  tries: number;
  /** Not retried by the timer before this (ms since the epoch). */
  nextAt: number;
}

export class HealQueue {
  readonly #owed = new Map<string, Owed>();
  readonly #ready = new Set<string>();
  readonly #running = new Set<string>();
  /** Keys asked for again while running: run once more afterwards. */
  readonly #again = new Set<string>();
  #idle: (() => void)[] = [];
  #closed = false;
  #dirty = false;
  #flushTimer: ReturnType<typeof setTimeout> | undefined;
  #saving: Promise<void> | undefined;
  readonly #retryTimer: ReturnType<typeof setInterval> | undefined;
  readonly #opts: Required<Omit<HealQueueOptions, "persistence">> & { persistence?: MrfPersistence };
  /** Resolves once the persisted list was read back (retryAll waits for it). */
  readonly loaded: Promise<void>;
  /** Heal attempts started, and those that failed or could not reach every drive (metrics). */
  started = 0;
  failed = 0;

  constructor(
    readonly job: HealJob,
    opts: HealQueueOptions = {},
  ) {
    this.#opts = { concurrency: 1, flushMs: 1_000, retryMs: 15_000, maxBackoffMs: 300_000, maxEntries: 100_000, ...opts };
    this.loaded = this.#load();
    if (opts.persistence || opts.retryMs !== undefined) {
      this.#retryTimer = setInterval(() => this.retryAll(false), this.#opts.retryMs);
      (this.#retryTimer as { unref?: () => void }).unref?.();
    }
  }

  async #load(): Promise<void> {
    const entries = await this.#opts.persistence?.load().catch(() => []);
    for (const e of entries ?? []) this.#add(e.volume, e.name, e.versionId, e.queuedAt);
  }

  /** Heals owed now (queued, running or waiting for a retry). */
  get size(): number {
    return this.#owed.size;
  }

  /** The owed heals (for tests and the admin API). */
  entries(): MrfEntry[] {
    return [...this.#owed.values()].map(({ volume, name, versionId, queuedAt }) => ({ volume, name, versionId, queuedAt }));
  }

  request(volume: string, name: string, versionId: string): void {
    if (this.#closed) return;
    this.#add(volume, name, versionId, Date.now());
  }

  #add(volume: string, name: string, versionId: string, queuedAt: number): void {
    const key = mrfKey({ volume, name, versionId });
    if (this.#running.has(key)) this.#again.add(key);
    if (!this.#owed.has(key)) {
      this.#owed.set(key, { volume, name, versionId, queuedAt, tries: 0, nextAt: 0 });
      this.#trim();
      this.#changed();
    }
    if (!this.#running.has(key)) this.#ready.add(key);
    queueMicrotask(() => this.#pump());
  }

  #trim(): void {
    for (const key of this.#owed.keys()) {
      if (this.#owed.size <= this.#opts.maxEntries) return;
      if (this.#running.has(key)) continue;
      this.#owed.delete(key);
      this.#ready.delete(key);
    }
  }

  /** Queues every owed heal again: all of them (`force`, e.g. a drive or peer came back) or those whose backoff ran out. */
  retryAll(force = true): void {
    if (this.#closed) return;
    const now = Date.now();
    for (const [key, e] of this.#owed) if ((force || e.nextAt <= now) && !this.#running.has(key)) this.#ready.add(key);
    this.#pump();
  }

  #pump(): void {
    while (this.#running.size < this.#opts.concurrency && this.#ready.size > 0 && !this.#closed) {
      const key = this.#ready.values().next().value!;
      this.#ready.delete(key);
      const e = this.#owed.get(key);
      if (e) this.#run(key, e);
    }
    if (this.#running.size === 0 && this.#ready.size === 0) for (const r of this.#idle.splice(0)) r();
  }

  #run(key: string, e: Owed): void {
    this.#running.add(key);
    this.started++;
    this.job(e.volume, e.name, e.versionId)
      .catch(() => false)
      .then((done) => {
        this.#running.delete(key);
        const again = this.#again.delete(key);
        if (done && !again) {
          this.#owed.delete(key);
          this.#changed();
        } else if (!done) {
          this.failed++;
          e.tries++;
          e.nextAt = Date.now() + Math.min(this.#opts.retryMs * 2 ** (e.tries - 1), this.#opts.maxBackoffMs);
        }
        if (again) this.#ready.add(key);
        this.#pump();
      });
  }

  #changed(): void {
    this.#dirty = true;
    if (!this.#opts.persistence || this.#flushTimer || this.#closed) return;
    this.#flushTimer = setTimeout(() => {
      this.#flushTimer = undefined;
      void this.flush();
    }, this.#opts.flushMs);
    (this.#flushTimer as { unref?: () => void }).unref?.();
  }

  /** Saves the list now if it changed (one save at a time; a change during a save is saved after it). */
  async flush(): Promise<void> {
    while (this.#saving) await this.#saving;
    if (!this.#dirty || !this.#opts.persistence) return;
    this.#dirty = false;
    this.#saving = this.#opts.persistence
      .save(this.entries())
      .catch(() => {
        this.#dirty = true;
      })
      .finally(() => (this.#saving = undefined));
    await this.#saving;
  }

  /** Resolves once nothing is queued or running (entries waiting for a retry do not count). */
  async drain(): Promise<void> {
    await this.loaded;
    while (this.#running.size > 0 || this.#ready.size > 0) await new Promise<void>((r) => this.#idle.push(r));
  }

  /** Stops retrying, waits for running heals, and saves what is still owed. */
  async close(): Promise<void> {
    await this.loaded;
    this.#closed = true;
    this.#ready.clear();
    if (this.#retryTimer) clearInterval(this.#retryTimer);
    if (this.#flushTimer) clearTimeout(this.#flushTimer);
    this.#flushTimer = undefined;
    while (this.#running.size > 0) await new Promise<void>((r) => this.#idle.push(r));
    await this.flush();
  }
}
