// One heal sequence started through the admin API: in the background it heals the bucket(s) and
// every object under the path with the object layer's heal calls, one at a time, and buffers a
// madmin.HealResultItem per resource (drive states before and after) until the client collects them.
import type { DriveHealState, DriveStorageInfo, HealResult, ObjectLayer, StorageInfo } from "../object/index.ts";
import { SYSTEM_VOLUME_NAME, type HealSettings } from "./heal-settings.ts";

/** The object-layer calls a heal sequence makes. */
export type HealStore = Pick<ObjectLayer, "storageInfo" | "listBuckets" | "listObjectVersions" | "healObject" | "healBucket" | "listSystem">;

/** madmin.HealDriveInfo. */
export interface HealDrive {
  uuid: string;
  endpoint: string;
  state: string;
}

/** madmin.HealResultItem. */
export interface HealItem {
  resultId: number;
  type: "metadata" | "bucket" | "bucket-metadata" | "object";
  bucket: string;
  object: string;
  versionId: string;
  detail: string;
  diskCount: number;
  setCount: number;
  before: { drives: HealDrive[] };
  after: { drives: HealDrive[] };
  objectSize: number;
}

/** MinIO's summary words of a sequence. */
export type HealSummary = "not started" | "running" | "stopped" | "finished";

export interface SequenceLimits {
  /** Items buffered before the walk waits for the client to collect them. */
  maxItems: number;
  /** A walk that waited this long for the client is stopped, ms. */
  collectTimeoutMs: number;
  /** Drive deadline of the storage view taken at the start, ms. */
  driveTimeoutMs: number;
}

export class HealSequence {
  readonly token = crypto.randomUUID();
  readonly startTime = new Date();
  #summary: HealSummary = "not started";
  #detail = "";
  #items: HealItem[] = [];
  #nextId = 1;
  #failed = 0;
  #space: (() => void) | undefined;
  readonly #abort = new AbortController();
  /** When the sequence ended (ms since the epoch), 0 while it runs. */
  endedAt = 0;
  /** Settles when the walk ends, however it ends. */
  readonly done: Promise<void>;

  constructor(
    readonly store: HealStore,
    readonly bucket: string,
    readonly prefix: string,
    readonly settings: HealSettings,
    readonly clientAddress: string,
    readonly limits: SequenceLimits,
  ) {
    this.#summary = "running";
    this.done = this.#run().then(
      () => this.#end("finished", this.#failed > 0 ? `${this.#failed} item(s) could not be healed; see their detail` : ""),
      (err) => this.#end("stopped", this.#abort.signal.aborted ? this.#detail : err instanceof Error ? err.message : String(err)),
    );
  }

  get ended(): boolean {
    return this.endedAt !== 0;
  }

  /** Stops the walk after the resource in hand. */
  stop(reason: string): Promise<void> {
    if (!this.ended && !this.#abort.signal.aborted) {
      this.#detail = reason;
      this.#abort.abort();
      this.#space?.();
    }
    return this.done;
  }

  /** madmin.HealTaskStatus with the items found since the last call (which are then handed over). */
  status(): Record<string, unknown> {
    const items = this.#items.splice(0);
    this.#space?.();
    return {
      summary: this.#summary,
      detail: this.#detail,
      startTime: this.startTime.toISOString(),
      settings: this.settings,
      ...(items.length ? { items } : {}),
    };
  }

  #end(summary: HealSummary, detail: string): void {
    this.#summary = summary;
    this.#detail = detail;
    this.endedAt = Date.now();
  }

  async #run(): Promise<void> {
    const view = await this.store.storageInfo({ timeoutMs: this.limits.driveTimeoutMs });
    const everything = this.bucket === "";
    const buckets = everything ? (await this.store.listBuckets()).map((b) => b.name) : [this.bucket];
    if (everything && this.settings.recursive) {
      for (const name of await this.store.listSystem("config/")) await this.#object(view, SYSTEM_VOLUME_NAME, name, 0, "metadata");
    }
    for (const bucket of buckets) {
      this.#check();
      await this.#bucket(view, bucket);
      await this.#object(view, SYSTEM_VOLUME_NAME, `buckets/${bucket}/.metadata.bin`, 0, "bucket-metadata");
      if (this.settings.recursive) await this.#objects(view, bucket);
      else if (this.prefix !== "") await this.#object(view, bucket, this.prefix, 0, "object");
    }
  }

  #check(): void {
    if (this.#abort.signal.aborted) throw new Error(this.#detail);
  }

  /** Every object under the prefix, each once (its versions are healed together). */
  async #objects(view: StorageInfo, bucket: string): Promise<void> {
    let keyMarker: string | undefined;
    let versionIdMarker: string | undefined;
    let last: string | undefined;
    for (;;) {
      this.#check();
      const page = await this.store.listObjectVersions(bucket, { prefix: this.prefix, maxKeys: 1000, keyMarker, versionIdMarker });
      for (const v of page.versions) {
        if (v.key === last) continue;
        last = v.key;
        await this.#object(view, bucket, v.key, v.deleteMarker ? 0 : v.size, "object");
      }
      if (!page.isTruncated || page.nextKeyMarker === undefined) return;
      keyMarker = page.nextKeyMarker;
      versionIdMarker = page.nextVersionIdMarker;
    }
  }

  async #bucket(view: StorageInfo, bucket: string): Promise<void> {
    let r: Awaited<ReturnType<HealStore["healBucket"]>>;
    try {
      r = await this.store.healBucket(bucket, { dryRun: this.settings.dryRun });
    } catch (err) {
      this.#failed++;
      const item = {
        type: "bucket" as const,
        bucket,
        object: "",
        versionId: "",
        diskCount: 0,
        setCount: 0,
        before: { drives: [] },
        after: { drives: [] },
        objectSize: 0,
      };
      return this.#push({ ...item, detail: err instanceof Error ? err.message : String(err) });
    }
    const drives = r.sets.flatMap((s) => s.before.map((state, pos) => ({ info: driveAt(view, s.pool, s.set, pos), before: state, after: s.after[pos] })));
    const detail = r.outcome === "unknown" ? "Too few drives answered to tell whether the bucket exists" : "";
    if (detail) this.#failed++;
    await this.#push({
      type: "bucket",
      bucket,
      object: "",
      versionId: "",
      detail,
      diskCount: drives.length,
      setCount: r.sets.length,
      before: { drives: drives.map((d) => healDrive(d.info, d.before)) },
      after: { drives: drives.map((d) => healDrive(d.info, d.after)) },
      objectSize: 0,
    });
  }

  async #object(view: StorageInfo, bucket: string, key: string, size: number, type: HealItem["type"]): Promise<void> {
    this.#check();
    let r: HealResult;
    try {
      r = await this.store.healObject(bucket, key, { deep: this.settings.scanMode === 2, dryRun: this.settings.dryRun, remove: this.settings.remove });
    } catch (err) {
      this.#failed++;
      const item = { type, bucket, object: key, versionId: "", diskCount: 0, setCount: 0, before: { drives: [] }, after: { drives: [] }, objectSize: size };
      return this.#push({ ...item, detail: err instanceof Error ? err.message : String(err) });
    }
    // Gone since it was listed (or never there, for a named object or absent bucket metadata).
    if (r.versions === 0 && r.healedDrives.length === 0) return;
    const set = view.pools[r.pool]?.sets[r.set];
    const after = r.before.map((s, pos): DriveHealState => (s === "offline" ? "offline" : r.healedDrives.includes(pos) ? "ok" : s));
    await this.#push({
      type,
      bucket,
      object: key,
      versionId: "",
      detail: "",
      diskCount: r.before.length,
      setCount: view.pools[r.pool]?.sets.length ?? 0,
      before: { drives: r.before.map((s, pos) => healDrive(set?.drives[pos], s)) },
      after: { drives: after.map((s, pos) => healDrive(set?.drives[pos], s)) },
      objectSize: size,
    });
  }

  /** Buffers an item; waits while the client has not collected maxItems of them (stopping past the time-out). */
  async #push(item: Omit<HealItem, "resultId">): Promise<void> {
    while (this.#items.length >= this.limits.maxItems) {
      this.#check();
      const collected = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), this.limits.collectTimeoutMs);
        this.#space = () => {
          clearTimeout(timer);
          resolve(true);
        };
      });
      this.#space = undefined;
      if (!collected) {
        this.#detail = `The client did not collect the heal results within ${Math.round(this.limits.collectTimeoutMs / 1000)} s`;
        this.#abort.abort();
      }
    }
    this.#check();
    this.#items.push({ resultId: this.#nextId++, ...item });
  }
}

function driveAt(view: StorageInfo, pool: number, set: number, position: number): DriveStorageInfo | undefined {
  return view.pools[pool]?.sets[set]?.drives[position];
}

function healDrive(d: DriveStorageInfo | undefined, state: DriveHealState): HealDrive {
  return { uuid: d?.info?.id ?? "", endpoint: d?.endpoint ?? "", state };
}
