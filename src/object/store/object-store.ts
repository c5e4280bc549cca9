// ObjectStore: the ObjectLayer over pools → erasure sets → drives. Routes each key to its set
// (SipHash of the name with the deployment id), runs bucket operations across every drive,
// merges listings across sets, keeps bucket configuration, and heals in the background.
import { SYSTEM_VOLUME, type Drive } from "../../disk/index.ts";
import { Md5Offload, type ErasurePool } from "../../ec/index.ts";
import { NsClock, nsToDate } from "../../util/index.ts";
import { BucketMetaStore } from "./bucket-meta-store.ts";
import { HealQueue } from "./heal-queue.ts";
import { LocalLocker, type NamespaceLocker } from "../ns-lock.ts";
import { ObjectError, isObjectError } from "../object-error.ts";
import { refuseDefaultRetention } from "../object-lock.ts";
import type * as L from "../object-layer.ts";
import { encodeDirObject } from "../object-info.ts";
import { checkObjectName } from "../object-name.ts";
import { createSipHashMod, crcHashMod, defaultParity } from "../placement.ts";
import type { SetSettings } from "../set/context.ts";
import { ErasureSet } from "../set/erasure-set.ts";
import { healAll, type HealAllOptions, type HealAllResult } from "./heal.ts";
import { Refills, describeSet } from "./storage.ts";
import type { StorageInfo, StorageInfoOptions } from "../storage-info.ts";
import type { VersioningState } from "../set/put.ts";
import { deleteBucketDirs, listBucketDirs, makeBucketDirs, statBucket } from "./buckets.ts";
import { pageObjects, pageVersions, walkOptionsFor } from "./listing.ts";
import { anythingBelow, listingEntries } from "./merged-listing.ts";
import { Multipart } from "./multipart.ts";
import { copyObject, updateObjectMeta } from "./copy.ts";

const VERSIONING_NAMES = { unversioned: "Unversioned", enabled: "Enabled", suspended: "Suspended" } as const satisfies Record<
  VersioningState,
  L.BucketVersioning
>;

export interface ObjectStoreConfig {
  /** Each pool's drives by erasure set and position (null: offline). */
  pools: { sets: (Drive | null)[][] }[];
  deploymentId: string;
  /** format.json distributionAlgo ("SIPMOD+PARITY", "SIPMOD" or "CRCMOD"). */
  distributionAlgo?: string;
  codec: ErasurePool;
  settings?: Partial<SetSettings>;
  locker?: NamespaceLocker;
  /** MD5 of request bodies (large ones in workers); server.ts injects it like the codec and closes it. Without one the store makes and closes its own. */
  md5?: Md5Offload;
}

export class ObjectStore implements L.ObjectLayer {
  readonly sets: ErasureSet[];
  /** Multipart uploads: routed to the object's set, listed across sets (store/multipart.ts). */
  readonly multipart: Multipart;
  readonly heals: HealQueue;
  readonly bucketMeta: BucketMetaStore;
  readonly #setIndex: (name: string, count: number) => number;
  readonly #known = new Set<string>();
  readonly #md5: Md5Offload;
  readonly #ownMd5: boolean;
  /** Drives being refilled by a running healAll (reported "healing"). */
  readonly #refills = new Refills();

  constructor(readonly config: ObjectStoreConfig) {
    const n = config.pools[0].sets[0].length;
    const settings: SetSettings = {
      standardParity: defaultParity(n),
      rrsParity: n === 1 ? 0 : 1,
      inlineBlock: 128 * 1024,
      blockSize: 1 << 20,
      driveTimeoutMs: 30_000,
      driveProbeMs: 5_000,
      ...config.settings,
    };
    const locker = config.locker ?? new LocalLocker();
    this.#ownMd5 = !config.md5;
    this.#md5 = config.md5 ?? new Md5Offload(Math.max(1, Math.floor((navigator.hardwareConcurrency ?? 2) / 2)));
    const clock = new NsClock();
    this.heals = new HealQueue((volume, name, versionId) => this.#healNow(volume, name, versionId));
    // Only pool 0 is served today; more pools are validated at start-up but not yet placed into.
    this.sets = config.pools[0].sets.map(
      (drives, setIndex) =>
        new ErasureSet({
          drives,
          poolIndex: 0,
          setIndex,
          deploymentId: config.deploymentId,
          codec: config.codec,
          locker,
          clock,
          settings,
          md5: this.#md5,
          requestHeal: (v, name, id) => this.heals.request(v, name, id),
        }),
    );
    this.#setIndex = config.distributionAlgo === "CRCMOD" ? (name, c) => crcHashMod(name, c) : createSipHashMod(config.deploymentId);
    this.bucketMeta = new BucketMetaStore({
      read: (name) => this.#readSystem(name),
      write: (name, data) => this.#writeSystem(name, data),
      remove: async (name) => void (await this.setFor(name).delete(SYSTEM_VOLUME, name, {}, "unversioned")),
    });
    this.multipart = new Multipart({
      sets: this.sets,
      setOf: (key) => this.setOf(key),
      requireBucket: (bucket) => this.requireBucket(bucket),
      writeVersioning: (bucket) => this.writeVersioning(bucket),
    });
  }

  /** The erasure set holding `name` (an encoded object name, without the bucket). */
  setFor(name: string): ErasureSet {
    return this.sets.length === 1 ? this.sets[0] : this.sets[this.#setIndex(name, this.sets.length)];
  }

  /** The set holding `key`; a key no drive can store is refused here, before any drive sees it. */
  setOf(key: string): ErasureSet {
    checkObjectName(key);
    return this.setFor(encodeDirObject(key));
  }

  async #readSystem(name: string): Promise<Uint8Array | null> {
    try {
      const res = await this.setFor(name).get(SYSTEM_VOLUME, name, {});
      return new Uint8Array(await new Response(res.body).arrayBuffer());
    } catch (err) {
      if (isObjectError(err, "NoSuchKey")) return null;
      throw err;
    }
  }

  async #writeSystem(name: string, data: Uint8Array): Promise<void> {
    await this.setFor(name).put(SYSTEM_VOLUME, name, new Response(data).body!, { size: data.length, userMeta: {} }, "unversioned");
  }

  async #healNow(volume: string, name: string, versionId: string): Promise<void> {
    await this.setFor(name).heal(volume, name, { versionId: versionId || undefined, deep: true });
  }

  private async requireBucket(bucket: string): Promise<void> {
    if (this.#known.has(bucket)) return;
    await statBucket(this.sets, bucket);
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
    const exists = await statBucket(this.sets, bucket).then(
      () => true,
      (err) => (isObjectError(err, "NoSuchBucket") ? false : Promise.reject(err)),
    );
    if (exists) throw new ObjectError("BucketAlreadyOwnedByYou", `Bucket "${bucket}" already exists`, { bucket });
    await makeBucketDirs(this.sets, bucket);
    this.bucketMeta.forget(bucket);
    await this.bucketMeta.create(bucket, new Date(), opts.lockEnabled ?? false);
    this.#known.add(bucket);
  }

  async getBucketInfo(bucket: string): Promise<L.BucketInfo> {
    const dirCreated = await statBucket(this.sets, bucket);
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
    const dirs = await listBucketDirs(this.sets);
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
    await deleteBucketDirs(this.sets, bucket);
    this.#known.delete(bucket);
    await this.bucketMeta.remove(bucket).catch(() => {});
  }

  async getBucketConfig(bucket: string, kind: L.BucketConfigKind): Promise<Uint8Array | null> {
    await this.requireBucket(bucket);
    return this.bucketMeta.getConfig(bucket, kind);
  }

  async setBucketConfig(bucket: string, kind: L.BucketConfigKind, value: Uint8Array | null): Promise<void> {
    await this.requireBucket(bucket);
    await this.bucketMeta.setConfig(bucket, kind, value);
  }

  async putObject(bucket: string, key: string, body: ReadableStream<Uint8Array>, opts: L.PutObjectOptions): Promise<L.ObjectInfo> {
    await this.requireBucket(bucket);
    return this.setOf(key).put(bucket, key, body, opts, await this.writeVersioning(bucket));
  }

  async getObject(bucket: string, key: string, opts: L.GetObjectOptions = {}): Promise<L.GetObjectResult> {
    await this.requireBucket(bucket);
    return this.setOf(key).get(bucket, key, opts);
  }

  async getObjectInfo(bucket: string, key: string, opts: L.GetObjectOptions = {}): Promise<L.ObjectInfo> {
    await this.requireBucket(bucket);
    return this.setOf(key).getInfo(bucket, key, opts);
  }

  async deleteObject(bucket: string, key: string, opts: L.DeleteObjectOptions = {}): Promise<L.DeleteObjectResult> {
    await this.requireBucket(bucket);
    return this.setOf(key).delete(bucket, key, opts, await this.versioning(bucket));
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
  ): Promise<L.ObjectInfo> {
    await this.requireBucket(bucket);
    return updateObjectMeta(this.setOf(key), bucket, key, versionId, update);
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
      listingEntries(this.sets, (k) => this.setOf(k), walk, bucket, prefix),
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
      listingEntries(this.sets, (k) => this.setOf(k), walk, bucket, prefix),
      bucket,
      opts,
      (p, v) => anythingBelow(this.sets, bucket, p, v),
    );
  }

  async healObject(bucket: string, key: string, opts: { versionId?: string; deep?: boolean } = {}): Promise<L.HealResult> {
    const name = encodeDirObject(key);
    return this.setFor(name).heal(bucket, name, opts);
  }

  async healBucket(bucket: string): Promise<void> {
    await makeBucketDirs(this.sets, bucket).catch(() => {});
  }

  /**
   * Heals every bucket and every object (user and .minio.sys configuration) of every set; for
   * a replaced drive (PoolFormat.freshDrives) and the background scanner.
   */
  async healAll(opts: HealAllOptions = {}): Promise<HealAllResult> {
    return this.#refills.during(opts.refill ?? [], () => healAll(this.sets, opts));
  }

  async storageInfo(opts: StorageInfoOptions = {}): Promise<StorageInfo> {
    const timeoutMs = opts.timeoutMs ?? this.sets[0].settings.driveTimeoutMs;
    const refilling = this.#refills.snapshot(); // as of the call, not of each drive's answer
    const sets = await Promise.all(this.sets.map((s) => describeSet(s, timeoutMs, refilling)));
    // Only pool 0 is served today (see the constructor).
    return { pools: [{ index: 0, sets }], heals: { started: this.heals.started, failed: this.heals.failed } };
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
    for (const s of this.sets) s.close();
    await this.heals.close();
    if (this.#ownMd5) this.#md5.close();
  }
}
