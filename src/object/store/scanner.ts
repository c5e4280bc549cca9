// The background heal scanner: healAll over and over until closed, at a bounded rate of objects
// per second, checking sizes and presence every cycle and every bitrot frame every Nth cycle,
// with running totals the admin metrics export (minio_heal_objects_*) and one log line per cycle.
import type { HealAllOptions, HealAllResult, ObjectOutcome } from "./heal.ts";

export interface ScannerOptions {
  /** Most objects visited per second (0: no limit). Ours: BUNKER_SCANNER_OBJECTS_PER_SECOND. */
  objectsPerSecond?: number;
  /**
   * A deep (bitrot) check every Nth cycle: 1 = every cycle (MINIO_HEAL_BITROTSCAN=on), 0 = never
   * (MINIO_HEAL_BITROTSCAN=off, MinIO's default). Ours: BUNKER_SCANNER_DEEP_EVERY.
   */
  deepEvery?: number;
  /** Pause between the end of one cycle and the start of the next, ms. */
  cycleIntervalMs?: number;
  /** The sets this scanner walks, asked every cycle (default all; in a cluster each server takes its share). */
  only?: (pool: number, set: number) => boolean;
  /** Where the line per cycle goes (default console.log). */
  log?: (line: string) => void;
  /** How the rate limit waits (tests pass one that records the waits); resolves early on abort. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** Totals since the scanner started (what admin exports under MinIO's heal metric names). */
export interface ScannerStats {
  /** Cycles finished. */
  cycles: number;
  /** Objects visited (minio_heal_objects_total). */
  objectsScanned: number;
  /** Objects that had at least one drive rewritten (minio_heal_objects_heal_total). */
  objectsHealed: number;
  /** Objects whose heal failed (minio_heal_objects_errors_total). */
  objectsFailed: number;
  /** When the scanner last visited an object, ms since the epoch; 0 before the first (minio_heal_time_last_activity_nano_seconds is now minus this). */
  lastActivityMs: number;
  /** Whether a cycle is running now. */
  running: boolean;
}

/** One finished cycle. */
export interface CycleResult extends HealAllResult {
  /** The cycle's number (1 = first). */
  cycle: number;
  /** Whether bitrot frames were verified. */
  deep: boolean;
  /** Wall time of the cycle, ms. */
  elapsedMs: number;
}

export type HealAllFn = (opts: HealAllOptions) => Promise<HealAllResult>;

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done);
  });
}

export class HealScanner {
  readonly #heal: HealAllFn;
  readonly #opts: Required<Omit<ScannerOptions, "only">> & Pick<ScannerOptions, "only">;
  readonly #stop = new AbortController();
  readonly #stats: ScannerStats = { cycles: 0, objectsScanned: 0, objectsHealed: 0, objectsFailed: 0, lastActivityMs: 0, running: false };
  #loop: Promise<void> | undefined;
  #waiters: { resolve: (r: CycleResult) => void; reject: (err: Error) => void }[] = [];

  constructor(heal: HealAllFn, opts: ScannerOptions = {}) {
    this.#heal = heal;
    this.#opts = {
      objectsPerSecond: 0,
      deepEvery: 0,
      cycleIntervalMs: 60_000,
      log: (line) => console.log(line),
      sleep: abortableSleep,
      ...opts,
    };
    for (const k of ["objectsPerSecond", "deepEvery", "cycleIntervalMs"] as const) {
      const v = this.#opts[k];
      if (!Number.isFinite(v) || v < 0) throw new RangeError(`Scanner option ${k} must be a non-negative number, not ${v}`);
    }
  }

  get stats(): ScannerStats {
    return { ...this.#stats };
  }

  /** Runs cycles in the background until close(); a second call does nothing. */
  start(): void {
    if (this.#loop || this.#stop.signal.aborted) return;
    this.#loop = this.#run();
  }

  async #run(): Promise<void> {
    while (!this.#stop.signal.aborted) {
      try {
        await this.runCycle();
      } catch (err) {
        // healAll reports per-object failures itself; this is a failure to list at all (e.g. no quorum).
        this.#opts.log(`heal scanner: cycle failed: ${err instanceof Error ? err.message : String(err)}`);
      }
      await this.#opts.sleep(this.#opts.cycleIntervalMs, this.#stop.signal);
    }
  }

  /** Runs one cycle now (the background loop calls this; tests and admin may too). */
  async runCycle(): Promise<CycleResult> {
    const cycle = this.#stats.cycles + 1;
    const every = this.#opts.deepEvery;
    const deep = every > 0 && cycle % every === 0;
    const started = performance.now();
    this.#stats.running = true;
    try {
      const result = await this.#heal({ deep, signal: this.#stop.signal, onObject: this.#pace(), only: this.#opts.only });
      const done: CycleResult = { ...result, cycle, deep, elapsedMs: performance.now() - started };
      this.#stats.cycles = cycle;
      this.#opts.log(
        `heal scanner: cycle ${cycle}${deep ? " (deep)" : ""}: ${done.objects} objects visited, ${done.healed} healed, ${done.failed.length} failed in ${(done.elapsedMs / 1000).toFixed(1)} s`,
      );
      for (const w of this.#waiters.splice(0)) w.resolve(done);
      return done;
    } finally {
      this.#stats.running = false;
    }
  }

  /** Counts each object's outcome and waits so that at most objectsPerSecond are visited. */
  #pace(): (outcome: ObjectOutcome) => Promise<void> {
    const rate = this.#opts.objectsPerSecond;
    const start = performance.now();
    let visited = 0;
    return async (outcome) => {
      this.#stats.objectsScanned++;
      if (outcome === "healed") this.#stats.objectsHealed++;
      if (outcome === "failed") this.#stats.objectsFailed++;
      this.#stats.lastActivityMs = Date.now();
      visited++;
      if (rate > 0) await this.#opts.sleep(start + (visited * 1000) / rate - performance.now(), this.#stop.signal);
    };
  }

  /** Resolves with the next cycle to finish; rejects if the scanner is closed first. */
  nextCycle(): Promise<CycleResult> {
    if (this.#stop.signal.aborted) return Promise.reject(new Error("The heal scanner is closed"));
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }

  /** Stops after the object in hand and waits for the loop to end. */
  async close(): Promise<void> {
    this.#stop.abort();
    await this.#loop;
    for (const w of this.#waiters.splice(0)) w.reject(new Error("The heal scanner was closed before the next cycle ended"));
  }
}
