// Bucket and object counts for the metrics endpoints. Counting means walking every version of
// every bucket, far too slow for a scrape, so (like MinIO's scanner) a walk runs in the
// background at most once per refresh interval and scrapes read its last finished result.
import { isObjectError } from "../object/index.ts";
import type { AdminStore } from "./admin-store.ts";

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
      const u = await this.#walkBucket(b.name).catch((err) => (isObjectError(err, "NoSuchBucket") ? null : Promise.reject(err)));
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
