// Bucket and object counts for the metrics endpoints and bucket quotas. Counting means walking
// every version of every bucket, far too slow for a scrape, so (like MinIO's scanner) a walk runs
// in the background at most once per refresh interval and scrapes read its last finished result;
// quotas read the ledger (usage-ledger.ts): each bucket's last count plus this server's writes since.
import { isObjectError } from "../object/index.ts";
import type { AdminStore } from "./admin-store.ts";
import { UsageLedger, type Reservation } from "./usage-ledger.ts";

export interface BucketUsage {
  /** Keys whose latest version is an object (not a delete marker). */
  objects: number;
  /** All versions, delete markers included. */
  versions: number;
  deleteMarkers: number;
  /** Bytes of every version that is not a delete marker. */
  bytes: number;
}

export interface UsageSnapshot {
  /** When the walk that produced it finished. */
  finishedAt: Date;
  /** How long the walk took, ms. */
  tookMs: number;
  buckets: Map<string, BucketUsage>;
  totals: BucketUsage;
}

export interface UsageCacheOptions {
  /** A walk older than this is redone on the next read, ms (default 5 minutes). */
  refreshMs?: number;
  /** Versions per listing call (default 1000). */
  pageSize?: number;
  /** Clock in ms (tests). */
  now?: () => number;
  /** Where a failed walk is reported (default: nowhere; the previous snapshot stays). */
  onError?: (err: unknown) => void;
}

const empty = (): BucketUsage => ({ objects: 0, versions: 0, deleteMarkers: 0, bytes: 0 });

export class UsageCache {
  #snapshot: UsageSnapshot | null = null;
  #running: Promise<UsageSnapshot> | null = null;
  #startedAt = -Infinity;
  #closed = false;
  /** Each bucket's bytes between counts, for quotas. */
  readonly ledger = new UsageLedger();
  /** Counts of single buckets in progress (a walk's, or one a quota asked for), one per bucket. */
  readonly #counts = new Map<string, Promise<BucketUsage>>();

  constructor(
    readonly store: AdminStore,
    readonly opts: UsageCacheOptions = {},
  ) {}

  /** The last finished walk (null before the first); starts a new walk when that one is stale. */
  snapshot(): UsageSnapshot | null {
    const now = (this.opts.now ?? Date.now)();
    if (!this.#running && !this.#closed && now - this.#startedAt >= (this.opts.refreshMs ?? 5 * 60_000)) {
      this.refresh().catch((err) => this.opts.onError?.(err));
    }
    return this.#snapshot;
  }

  /** Walks now (or joins the walk in progress) and resolves with its result. */
  refresh(): Promise<UsageSnapshot> {
    if (this.#running) return this.#running;
    this.#startedAt = (this.opts.now ?? Date.now)();
    this.#running = this.#walk().finally(() => {
      this.#running = null;
    });
    return this.#running;
  }

  /** Stops starting walks; a walk in progress ends at its next page. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#running?.catch(() => {});
  }

  async #walk(): Promise<UsageSnapshot> {
    const started = performance.now();
    const buckets = new Map<string, BucketUsage>();
    const totals = empty();
    for (const b of await this.store.listBuckets()) {
      // A bucket removed while we walk is simply not counted.
      const u = await this.#count(b.name).catch((err) => (isObjectError(err, "NoSuchBucket") ? null : Promise.reject(err)));
      if (!u) continue;
      buckets.set(b.name, u);
      totals.objects += u.objects;
      totals.versions += u.versions;
      totals.deleteMarkers += u.deleteMarkers;
      totals.bytes += u.bytes;
    }
    this.#snapshot = { finishedAt: new Date((this.opts.now ?? Date.now)()), tookMs: performance.now() - started, buckets, totals };
    return this.#snapshot;
  }

  /**
   * Makes the bucket's bytes known to the ledger: counts it now when no count has finished, and
   * recounts it in the background once its count is older than the refresh interval (which also
   * brings in what other servers of a cluster wrote).
   */
  async load(bucket: string): Promise<void> {
    if (this.ledger.known(bucket)) {
      const stale = (this.opts.now ?? Date.now)() - this.ledger.countedAt(bucket) >= (this.opts.refreshMs ?? 5 * 60_000);
      if (stale && !this.#closed) this.#count(bucket).catch((err) => this.opts.onError?.(err));
      return;
    }
    await this.#count(bucket).catch((err) => (isObjectError(err, "NoSuchBucket") ? undefined : Promise.reject(err)));
  }

  /** The bucket's bytes as this server knows them (after load). */
  bytes(bucket: string): number {
    return this.ledger.bytes(bucket);
  }

  reserve(bucket: string, bytes: number): Reservation {
    return this.ledger.reserve(bucket, bytes);
  }

  /** Bytes an acknowledged write added (positive) or delete freed (negative). */
  adjust(bucket: string, delta: number): void {
    this.ledger.adjust(bucket, delta);
  }

  /** Forgets the bucket's count (its quota changed): the next load counts it again. */
  forget(bucket: string): void {
    this.ledger.forget(bucket);
    this.#counts.delete(bucket);
  }

  /** Counts one bucket, joining a count of it already running, and feeds the ledger. */
  #count(bucket: string): Promise<BucketUsage> {
    const running = this.#counts.get(bucket);
    if (running) return running;
    const token = this.ledger.beginCount(bucket);
    const now = () => (this.opts.now ?? Date.now)();
    const counting: Promise<BucketUsage> = this.#walkBucket(bucket)
      .then(
        (u) => {
          this.ledger.endCount(token, u.bytes, now());
          return u;
        },
        (err) => {
          this.ledger.endCount(token, null, now());
          throw err;
        },
      )
      .finally(() => {
        if (this.#counts.get(bucket) === counting) this.#counts.delete(bucket);
      });
    this.#counts.set(bucket, counting);
    return counting;
  }

  async #walkBucket(bucket: string): Promise<BucketUsage> {
    const u = empty();
    let keyMarker: string | undefined;
    let versionIdMarker: string | undefined;
    do {
      if (this.#closed) throw new Error("Usage walk stopped: the server is shutting down");
      const page = await this.store.listObjectVersions(bucket, { maxKeys: this.opts.pageSize ?? 1000, keyMarker, versionIdMarker });
      for (const v of page.versions) {
        u.versions++;
        if (v.deleteMarker) u.deleteMarkers++;
        else u.bytes += v.size;
        if (v.isLatest && !v.deleteMarker) u.objects++;
      }
      if (!page.isTruncated) break;
      keyMarker = page.nextKeyMarker;
      versionIdMarker = page.nextVersionIdMarker;
    } while (keyMarker !== undefined);
    return u;
  }
}
