// ObjectStore: the ObjectLayer over pools → erasure sets → drives. Routes each key to its pool
// (pool-placement.ts) and set (pools.ts), runs bucket operations across every drive, merges
// listings across sets and pools, keeps bucket configuration, heals, and drains pools.
import { SYSTEM_VOLUME, type Drive } from "../../disk/index.ts";
import { Md5Offload, type ErasurePool } from "../../ec/index.ts";
import { NsClock, nsToDate } from "../../util/index.ts";
import { BucketMetaStore } from "./bucket-meta-store.ts";
import { HealQueue } from "./heal-queue.ts";
import { driveMrfPersistence, type MrfConfig } from "./mrf.ts";
import { healBucketDirs } from "./bucket-heal.ts";
import { LocalLocker, type NamespaceLocker } from "../ns-lock.ts";
import { ObjectError, isObjectError } from "../object-error.ts";
import { refuseDefaultRetention } from "../object-lock.ts";
import type * as L from "../object-layer.ts";
import { encodeDirObject } from "../object-info.ts";
import { defaultParity } from "../placement.ts";
import type { SetSettings } from "../set/context.ts";
import { ErasureSet } from "../set/erasure-set.ts";
import { healAll, type HealAllOptions, type HealAllResult } from "./heal.ts";
import { HealScanner, type ScannerOptions, type ScannerStats } from "./scanner.ts";
import { Refills, describeSet } from "./storage.ts";
import type { StorageInfo, StorageInfoOptions } from "../storage-info.ts";
import type { VersioningState } from "../set/put.ts";
import { deleteBucketDirs, makeBucketDirs } from "./buckets.ts";
import { listBucketsInPools, statBucketInPools } from "./pool-buckets.ts";
import { Decommissions, type DecommissionStatus } from "./pool-decommission.ts";
import { PoolRouter, type PlacementView } from "./pool-placement.ts";
import { PoolState, type PoolDecommission } from "./pool-state.ts";
import { ServerPool, poolSpace } from "./pools.ts";
import { pageObjects, pageVersions, walkOptionsFor } from "./listing.ts";
import { anythingBelow, listingEntries, mergedEntries } from "./merged-listing.ts";
import { Multipart } from "./multipart.ts";
import { copyObject, updateObjectMeta } from "./copy.ts";

const VERSIONING_NAMES = { unversioned: "Unversioned", enabled: "Enabled", suspended: "Suspended" } as const satisfies Record<
  VersioningState,
  L.BucketVersioning
>;

export interface ObjectStoreConfig {
  /**
   * Each pool's drives by erasure set and position (null: offline); `id` names the pool in the
   * persisted decommission state (its command-line argument; default "pool-<n>"), `settings`
   * override the store's for that pool (e.g. its own parity).
   */
  pools: { sets: (Drive | null)[][]; id?: string; settings?: Partial<SetSettings> }[];
  deploymentId: string;
  /** format.json distributionAlgo ("SIPMOD+PARITY", "SIPMOD" or "CRCMOD"). */
  distributionAlgo?: string;
  codec: ErasurePool;
  settings?: Partial<SetSettings>;
  locker?: NamespaceLocker;
  /** MD5 of request bodies (large ones in workers); server.ts injects it like the codec and closes it. Without one the store makes and closes its own. */
  md5?: Md5Offload;
  /** Called after this store created, deleted or reconfigured a bucket (a cluster tells its peers). */
  onBucketChange?: (bucket: string) => void;
  /** Operator log lines of background work (pool drains). */
  log?: (line: string) => void;
  /** Called when a pool's decommission status changed here (other servers re-read it: reloadPoolState). */
  onPoolsChange?: () => void;
  /** Free-space view and randomness of new-object placement across pools (tests make it deterministic). */
  placement?: PlacementView;
  /** The persisted list of owed heals (store/mrf.ts); defaults keep it on every drive. */
  mrf?: MrfConfig;
}

export class ObjectStore implements L.ObjectLayer {
  /** Every pool, by command-line position. */
  readonly pools: readonly ServerPool[];
  /** Every set of every pool (pool 0's first). */
  readonly sets: readonly ErasureSet[];
  /** Multipart uploads: routed to the upload's pool and set, listed across sets (store/multipart.ts). */
  readonly multipart: Multipart;
  readonly heals: HealQueue;
  readonly bucketMeta: BucketMetaStore;
  readonly #router: PoolRouter;
  readonly #poolState: PoolState;
  readonly #decommissions: Decommissions;
  readonly #known = new Set<string>();
  readonly #md5: Md5Offload;
  readonly #ownMd5: boolean;
  /** Drives being refilled by a running healAll (reported "healing"). */
  readonly #refills = new Refills();
  /** The background heal scanner, once startScanner ran (never by default, so test suites get none). */
  #scanner: HealScanner | undefined;

  constructor(readonly config: ObjectStoreConfig) {
    const locker = config.locker ?? new LocalLocker();
    this.#ownMd5 = !config.md5;
    this.#md5 = config.md5 ?? new Md5Offload(Math.max(1, Math.floor((navigator.hardwareConcurrency ?? 2) / 2)));
    const clock = new NsClock();
    this.pools = config.pools.map((pool, poolIndex) => {
      const settings = poolSettings(pool.sets[0].length, { ...config.settings, ...pool.settings });
      const sets = pool.sets.map(
        (drives, setIndex) =>
          new ErasureSet({
            drives,
            poolIndex,
            setIndex,
            deploymentId: config.deploymentId,
            codec: config.codec,
            locker,
            clock,
            settings,
            md5: this.#md5,
            requestHeal: (v, name, id) => this.heals.request(v, name, id),
            drivesBack: () => this.heals.retryAll(),
          }),
      );
      return new ServerPool(poolIndex, pool.id ?? `pool-${poolIndex + 1}`, sets, config.deploymentId, config.distributionAlgo);
    });
    this.sets = this.pools.flatMap((p) => p.sets);
    const mrf = config.mrf ?? {};
    this.heals = new HealQueue((volume, name, versionId) => this.#healNow(volume, name, versionId), {
      ...mrf,
      persistence: mrf.persist === false ? undefined : driveMrfPersistence(this.sets, mrf.fileName ?? "local.json", mrf.persistOn),
    });
    this.#poolState = new PoolState(this.pools, locker);
    this.#router = new PoolRouter({
      pools: this.pools,
      closed: () => (this.pools.length === 1 ? Promise.resolve(new Set<number>()) : this.#poolState.closed()),
      timeoutMs: this.sets[0].settings.driveTimeoutMs,
      ...config.placement,
    });
    this.#decommissions = new Decommissions(this.pools, this.#poolState, {
      router: this.#router,
      buckets: async () => (await listBucketsInPools(this.pools)).map((b) => b.name),
      versioning: (bucket) => this.versioning(bucket),
      changed: () => this.config.onPoolsChange?.(),
      log: config.log,
      space: (pool) => poolSpace(pool, this.sets[0].settings.driveTimeoutMs),
    });
    this.bucketMeta = new BucketMetaStore({
      read: (name) => this.readSystem(name),
      write: (name, data) => this.writeSystem(name, data),
      remove: (name) => this.removeSystem(name),
    });
    this.multipart = new Multipart({
      sets: this.sets,
      newUploadSet: async (bucket, key) => (await this.#router.writePool(bucket, key, -1)).setOf(key),
      uploadSet: async (bucket, key, uploadId) => (await this.#router.uploadPool(bucket, key, uploadId)).setOf(key),
      requireBucket: (bucket) => this.requireBucket(bucket),
      writeVersioning: (bucket) => this.writeVersioning(bucket),
    });
  }

  /** Forgets what is cached of `bucket` (another server changed it); it is re-read on next use. */
  forgetBucket(bucket: string): void {
    this.#known.delete(bucket);
    this.bucketMeta.forget(bucket);
  }

  /** Forgets every cached bucket (a peer that was unreachable may have changed any). */
  forgetBuckets(): void {
    this.#known.clear();
    this.bucketMeta.forgetAll();
  }

  #changed(bucket: string): void {
    this.config.onBucketChange?.(bucket);
  }

  /** The set answering for `key` (the pool holding it, or its `versionId`); refuses names no drive can store. */
  async #readSet(bucket: string, key: string, versionId?: string): Promise<ErasureSet> {
    return (await this.#router.readPool(bucket, key, versionId || undefined)).setOf(key);
  }

  async #writeSet(bucket: string, key: string, size: number): Promise<ErasureSet> {
    return (await this.#router.writePool(bucket, key, size)).setOf(key);
  }

  async readSystem(name: string): Promise<Uint8Array | null> {
    try {
      const res = await (await this.#readSet(SYSTEM_VOLUME, name)).get(SYSTEM_VOLUME, name, {});
      return new Uint8Array(await new Response(res.body).arrayBuffer());
    } catch (err) {
      if (isObjectError(err, "NoSuchKey")) return null;
      throw err;
    }
  }

  async writeSystem(name: string, data: Uint8Array): Promise<void> {
    const set = await this.#writeSet(SYSTEM_VOLUME, name, data.length);
    await set.put(SYSTEM_VOLUME, name, new Response(data).body!, { size: data.length, userMeta: {} }, "unversioned");
  }

  async removeSystem(name: string): Promise<void> {
    const holders = this.pools.length === 1 ? [...this.pools] : (await this.#router.locate(SYSTEM_VOLUME, name)).map((l) => l.pool);
    for (const p of holders) {
      await p
        .setOf(name)
        .delete(SYSTEM_VOLUME, name, {}, "unversioned")
        .catch((err: unknown) => {
          if (!isObjectError(err, "NoSuchKey")) throw err;
        });
    }
  }

  async listSystem(prefix: string): Promise<string[]> {
    const names: string[] = [];
    for await (const e of mergedEntries(this.sets, { volume: SYSTEM_VOLUME, baseDir: prefix, recursive: true })) {
      if (e.kind === "object" && !e.versions[0]?.deleted) names.push(e.name);
    }
    return names;
  }

  /** One owed heal (store/heal-queue.ts), in every pool that has the name; true once every drive was reached. */
  async #healNow(volume: string, name: string, versionId: string): Promise<boolean> {
    if (name === "") return (await healBucketDirs(this.sets, volume)).offline === 0;
    let reached = true;
    for (const p of this.pools) {
      if (this.pools.length > 1 && !(await p.setFor(name).entry(volume, name))) continue;
      try {
        const res = await p.setFor(name).heal(volume, name, { versionId: versionId || undefined, deep: true });
        reached &&= res.offlineDrives.length === 0;
      } catch (err) {
        if (!isObjectError(err, "NoSuchBucket")) throw err; // nothing left to heal there
      }
    }
    return reached;
  }

  /**
   * Retries every owed heal now (a peer node came back: its drives fail fast rather than miss a
   * deadline, so no drive probe notices). Resolves once the retries have run.
   */
  async retryHeals(): Promise<void> {
    await this.heals.loaded;
    this.heals.retryAll();
    await this.heals.drain();
  }

  private async requireBucket(bucket: string): Promise<void> {
    if (this.#known.has(bucket)) return;
    await statBucketInPools(this.pools, bucket);
    this.#known.add(bucket);
  }

  private async versioning(bucket: string): Promise<VersioningState> {
    return this.bucketMeta.versioning(bucket);
  }

  /** The versioning state for a write that creates a version; refuses buckets whose lock rules we cannot apply. */
  private async writeVersioning(bucket: string): Promise<VersioningState> {
    refuseDefaultRetention(bucket, await this.bucketMeta.getConfig(bucket, "objectLock"));
    return this.bucketMeta.versioning(bucket);
  }

  async makeBucket(bucket: string, opts: { lockEnabled?: boolean } = {}): Promise<void> {
    const exists = await statBucketInPools(this.pools, bucket).then(
      () => true,
      (err) => (isObjectError(err, "NoSuchBucket") ? false : Promise.reject(err)),
    );
    if (exists) throw new ObjectError("BucketAlreadyOwnedByYou", `Bucket "${bucket}" already exists`, { bucket });
    if ((await makeBucketDirs(this.sets, bucket)) > 0) this.heals.request(bucket, "", "");
    this.bucketMeta.forget(bucket);
    await this.bucketMeta.create(bucket, new Date(), opts.lockEnabled ?? false);
    this.#known.add(bucket);
    this.#changed(bucket);
  }

  async getBucketInfo(bucket: string): Promise<L.BucketInfo> {
    const dirCreated = await statBucketInPools(this.pools, bucket);
    this.#known.add(bucket);
    const meta = await this.bucketMeta.get(bucket, dirCreated);
    const versioning = await this.versioning(bucket);
    return {
      name: bucket,
      created: meta.created > 0n ? nsToDate(meta.created) : dirCreated,
      lockEnabled: versioning === "enabled" && (await this.bucketMeta.getConfig(bucket, "objectLock")) !== null,
      versioning: VERSIONING_NAMES[versioning],
    };
  }

  async bucketVersioning(bucket: string): Promise<L.BucketVersioning> {
    await this.requireBucket(bucket);
    return VERSIONING_NAMES[await this.versioning(bucket)];
  }

  async listBuckets(): Promise<L.BucketInfo[]> {
    const dirs = await listBucketsInPools(this.pools);
    const out: L.BucketInfo[] = [];
    for (const d of dirs) {
      this.#known.add(d.name);
      const meta = await this.bucketMeta.get(d.name, d.created).catch(() => null);
      const versioning = meta ? await this.versioning(d.name).catch(() => "unversioned" as const) : "unversioned";
      out.push({
        name: d.name,
        created: meta && meta.created > 0n ? nsToDate(meta.created) : d.created,
        lockEnabled: false,
        versioning: VERSIONING_NAMES[versioning],
      });
    }
    return out.sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  async deleteBucket(bucket: string, opts: { force?: boolean } = {}): Promise<void> {
    await this.requireBucket(bucket);
    if (!opts.force) {
      const page = await this.listObjectVersions(bucket, { maxKeys: 1 });
      if (page.versions.length > 0 || page.prefixes.length > 0) throw new ObjectError("BucketNotEmpty", `The bucket "${bucket}" is not empty`, { bucket });
    }
    if ((await deleteBucketDirs(this.sets, bucket)) > 0) this.heals.request(bucket, "", "");
    this.#known.delete(bucket);
    await this.bucketMeta.remove(bucket).catch(() => {});
    this.#changed(bucket);
  }

  async getBucketConfig(bucket: string, kind: L.BucketConfigKind): Promise<Uint8Array | null> {
    await this.requireBucket(bucket);
    return this.bucketMeta.getConfig(bucket, kind);
  }

  async setBucketConfig(bucket: string, kind: L.BucketConfigKind, value: Uint8Array | null): Promise<void> {
    await this.requireBucket(bucket);
    await this.bucketMeta.setConfig(bucket, kind, value);
    this.#changed(bucket);
  }

  async putObject(bucket: string, key: string, body: ReadableStream<Uint8Array>, opts: L.PutObjectOptions): Promise<L.ObjectInfo> {
    await this.requireBucket(bucket);
    const versioning = await this.writeVersioning(bucket);
    return (await this.#writeSet(bucket, key, opts.size)).put(bucket, key, body, opts, versioning);
  }

  async getObject(bucket: string, key: string, opts: L.GetObjectOptions = {}): Promise<L.GetObjectResult> {
    await this.requireBucket(bucket);
    return (await this.#readSet(bucket, key, opts.versionId)).get(bucket, key, opts);
  }

  async getObjectInfo(bucket: string, key: string, opts: L.GetObjectOptions = {}): Promise<L.ObjectInfo> {
    await this.requireBucket(bucket);
    return (await this.#readSet(bucket, key, opts.versionId)).getInfo(bucket, key, opts);
  }

  async deleteObject(bucket: string, key: string, opts: L.DeleteObjectOptions = {}): Promise<L.DeleteObjectResult> {
    await this.requireBucket(bucket);
    const versioning = await this.versioning(bucket);
    return (await this.#deleteSet(bucket, key, opts.versionId)).delete(bucket, key, opts, versioning);
  }

  /** A delete goes where the key (or its version) lives; a marker for a key no pool has goes where a new object would. */
  async #deleteSet(bucket: string, key: string, versionId?: string): Promise<ErasureSet> {
    if (this.pools.length === 1) return this.pools[0].setOf(key);
    const found = await this.#router.locate(bucket, key);
    const hit = versionId ? (found.find((l) => l.entry.versions.some((v) => v.versionId === versionId)) ?? found[0]) : found[0];
    return (hit?.pool ?? (await this.#router.newPool(key, 0).catch(() => this.pools[0]))).setOf(key);
  }

  async copyObject(srcBucket: string, srcKey: string, dstBucket: string, dstKey: string, opts: L.CopyObjectOptions): Promise<L.ObjectInfo> {
    await this.requireBucket(srcBucket);
    await this.requireBucket(dstBucket);
    return copyObject(this, srcBucket, srcKey, dstBucket, dstKey, opts, await this.writeVersioning(dstBucket));
  }

  async updateObjectMeta(
    bucket: string,
    key: string,
    versionId: string,
    update: (meta: Record<string, string>) => Record<string, string>,
    opts: { lock?: boolean } = {},
  ): Promise<L.ObjectInfo> {
    await this.requireBucket(bucket);
    return updateObjectMeta(await this.#readSet(bucket, key, versionId), bucket, key, versionId, update, opts);
  }

  newMultipartUpload(bucket: string, key: string, opts: L.MultipartOptions): Promise<string> {
    return this.multipart.create(bucket, key, opts);
  }

  putObjectPart(
    bucket: string,
    key: string,
    uploadId: string,
    partNumber: number,
    body: ReadableStream<Uint8Array>,
    opts: L.PutPartOptions,
  ): Promise<L.PartInfo> {
    return this.multipart.putPart(bucket, key, uploadId, partNumber, body, opts);
  }

  listObjectParts(bucket: string, key: string, uploadId: string, opts: { partNumberMarker: number; maxParts: number }): Promise<L.ListPartsResult> {
    return this.multipart.listParts(bucket, key, uploadId, opts);
  }

  completeMultipartUpload(bucket: string, key: string, uploadId: string, parts: L.CompletePart[], opts: L.CompleteOptions = {}): Promise<L.ObjectInfo> {
    return this.multipart.complete(bucket, key, uploadId, parts, opts);
  }

  abortMultipartUpload(bucket: string, key: string, uploadId: string): Promise<void> {
    return this.multipart.abort(bucket, key, uploadId);
  }

  listMultipartUploads(bucket: string, opts: L.ListUploadsOptions): Promise<L.ListUploadsResult> {
    return this.multipart.listUploads(bucket, opts);
  }

  async listObjects(bucket: string, opts: L.ListObjectsOptions): Promise<L.ListObjectsResult> {
    await this.requireBucket(bucket);
    const prefix = opts.prefix ?? "";
    const walk = walkOptionsFor(bucket, prefix, opts.delimiter ?? "", opts.after);
    return pageObjects(
      listingEntries(this.sets, (k) => this.#entryOf(bucket, k), walk, prefix),
      bucket,
      opts,
      (p, v) => anythingBelow(this.sets, bucket, p, v),
    );
  }

  async listObjectVersions(bucket: string, opts: L.ListVersionsOptions): Promise<L.ListVersionsResult> {
    await this.requireBucket(bucket);
    const prefix = opts.prefix ?? "";
    const walk = walkOptionsFor(bucket, prefix, opts.delimiter ?? "", opts.keyMarker, !!opts.versionIdMarker);
    return pageVersions(
      listingEntries(this.sets, (k) => this.#entryOf(bucket, k), walk, prefix),
      bucket,
      opts,
      (p, v) => anythingBelow(this.sets, bucket, p, v),
    );
  }

  /** The entry of one key wherever it lives (newest pool first). */
  async #entryOf(bucket: string, key: string) {
    if (this.pools.length === 1) return this.pools[0].setOf(key).entry(bucket, key);
    return (await this.#router.locate(bucket, key))[0]?.entry ?? null;
  }

  /** Heals the object in every pool holding it (pool 0 when none does); answers with the newest pool's result. */
  async healObject(bucket: string, key: string, opts: L.HealOptions = {}): Promise<L.HealResult> {
    const name = encodeDirObject(key);
    const holders = this.pools.length === 1 ? [] : (await this.#router.locate(bucket, key)).map((l) => l.pool);
    const pools = holders.length > 0 ? holders : [this.pools[0]];
    const results: L.HealResult[] = [];
    for (const p of pools) results.push(await p.setFor(name).heal(bucket, name, opts));
    return results[0];
  }

  /** Completes a bucket a majority holds, or removes the stale copies of one a majority deleted. */
  async healBucket(bucket: string, opts: { dryRun?: boolean } = {}): Promise<L.BucketHealReport> {
    const r = await healBucketDirs(this.sets, bucket, opts);
    return { outcome: r.outcome, sets: this.sets.map((s, i) => ({ pool: s.poolIndex, set: s.setIndex, ...r.drives[i] })) };
  }

  /**
   * Heals every bucket and every object (user and .minio.sys configuration) of every set; for
   * a replaced drive (PoolFormat.freshDrives) and the background scanner.
   */
  async healAll(opts: HealAllOptions = {}): Promise<HealAllResult> {
    const only = opts.only;
    const sets = only ? this.sets.filter((s) => only(s.poolIndex, s.setIndex)) : this.sets;
    if (sets.length === 0) return { buckets: [], objects: 0, healed: 0, failed: [] };
    return this.#refills.during(opts.refill ?? [], async () => {
      if (this.pools.length === 1) return healAll(sets, opts);
      return healAll(
        sets,
        opts,
        (await listBucketsInPools(this.pools)).map((b) => b.name),
      );
    });
  }

  /**
   * Starts the background heal scanner (store/scanner.ts): healAll cycles until close, paced and
   * with a deep check every Nth cycle. Called once by server.ts; a second call returns the same scanner.
   */
  startScanner(opts: ScannerOptions = {}): HealScanner {
    this.#scanner ??= new HealScanner((o) => this.healAll(o), opts);
    this.#scanner.start();
    return this.#scanner;
  }

  /** Heal counters for the admin metrics: owed heals (MRF) and the scanner's totals (null: not started). */
  healStats(): { mrf: { started: number; failed: number; pending: number }; scanner: ScannerStats | null } {
    return { mrf: { started: this.heals.started, failed: this.heals.failed, pending: this.heals.size }, scanner: this.#scanner?.stats ?? null };
  }

  async storageInfo(opts: StorageInfoOptions = {}): Promise<StorageInfo> {
    const timeoutMs = opts.timeoutMs ?? this.sets[0].settings.driveTimeoutMs;
    const refilling = this.#refills.snapshot(); // as of the call, not of each drive's answer
    const pools = await Promise.all(
      this.pools.map(async (p) => ({ index: p.index, sets: await Promise.all(p.sets.map((s) => describeSet(s, timeoutMs, refilling))) })),
    );
    return { pools, heals: this.#healTotals() };
  }

  /** MRF and scanner counters folded into the one view the metrics export. */
  #healTotals(): StorageInfo["heals"] {
    const mrf = { started: this.heals.started, failed: this.heals.failed };
    const sc = this.#scanner?.stats;
    if (!sc) return mrf;
    return {
      started: mrf.started + sc.objectsScanned,
      failed: mrf.failed + sc.objectsFailed,
      healed: mrf.started - mrf.failed + sc.objectsHealed,
      lastActivityMs: sc.lastActivityMs || undefined,
    };
  }

  /**
   * Drains pool `index` into the others (closed to new objects at once, persisted, resumed
   * after a restart); resolves when it completes, fails or is canceled.
   */
  decommissionPool(index: number, opts: { signal?: AbortSignal } = {}): Promise<PoolDecommission> {
    return this.#decommissions.start(index, opts);
  }

  /** Starts the drain of pool `index` in the background; resolves once the pool is recorded as draining. */
  async beginDecommission(index: number): Promise<void> {
    const { done } = await this.#decommissions.begin(index);
    done.catch(() => {}); // its end is in the persisted record
  }

  /** Every pool's decommission state (live counters for a running drain). */
  decommissionStatus(): Promise<DecommissionStatus[]> {
    return this.#decommissions.status();
  }

  /** Whether this process runs the drain of pool `index` now. */
  isDecommissionRunning(index: number): boolean {
    return this.#decommissions.isRunning(index);
  }

  /** Stops the running drain of pool `index` (status "canceled"; the pool stays closed to new objects). */
  cancelDecommission(index: number): Promise<void> {
    return this.#decommissions.cancel(index);
  }

  /** Restarts in the background the drains a previous run left unfinished, of the pools `mine` accepts; their indexes. */
  resumeDecommission(mine?: (index: number) => boolean): Promise<number[]> {
    return this.pools.length === 1 ? Promise.resolve([]) : this.#decommissions.resume(mine);
  }

  /** Another server changed a pool's decommission state: read it again from the drives on next use. */
  reloadPoolState(): void {
    this.#poolState.reload();
  }

  /** Total and free bytes of pool `index`'s answering drives. */
  poolSpace(index: number): Promise<{ total: number; free: number }> {
    return poolSpace(this.pools[index], this.sets[0].settings.driveTimeoutMs);
  }

  /**
   * Probes the drives taken out of service after missing a deadline (this also happens in the
   * background); returns how many are back.
   */
  async probeDrives(): Promise<number> {
    const back = await Promise.all(this.sets.map((s) => s.probeDrives()));
    return back.reduce((n, b) => n + b.length, 0);
  }

  async close(): Promise<void> {
    await this.#scanner?.close();
    await this.#decommissions.close();
    for (const s of this.sets) s.close();
    await this.heals.close();
    if (this.#ownMd5) this.#md5.close();
  }
}

/** A pool's set settings: defaults for its drive count, then the store's and the pool's own. */
function poolSettings(n: number, given: Partial<SetSettings>): SetSettings {
  return {
    standardParity: defaultParity(n),
    rrsParity: n === 1 ? 0 : 1,
    inlineBlock: 128 * 1024,
    blockSize: 1 << 20,
    driveTimeoutMs: 30_000,
    driveProbeMs: 5_000,
    maxVersions: Number.POSITIVE_INFINITY,
    ...Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)),
  };
}
