// Bucket configuration (.minio.sys/buckets/<bucket>/.metadata.bin, MinIO's format): loaded
// lazily, cached, and written back as an erasure-coded system object. Also answers the one
// question the object layer itself needs: the bucket's versioning state.
import { decodeBucketMetadata, encodeBucketMetadata, newBucketMetadata, type BucketMetadata } from "../../disk/index.ts";
import type { BucketConfigKind } from "../object-layer.ts";
import type { VersioningState } from "../set/put.ts";
import { dateToNs } from "../../util/index.ts";

/** How the store reads and writes system objects (provided by ObjectStore). */
export interface SystemObjectIo {
  read(name: string): Promise<Uint8Array | null>;
  write(name: string, data: Uint8Array): Promise<void>;
  remove(name: string): Promise<void>;
}

/** Which .metadata.bin field holds each configuration, and its "updated at" companion. */
const FIELDS: Record<BucketConfigKind, { data: keyof BucketMetadata; updated?: keyof BucketMetadata }> = {
  policy: { data: "policyConfigJson", updated: "policyConfigUpdatedAt" },
  notification: { data: "notificationConfigXml", updated: "notificationConfigUpdatedAt" },
  lifecycle: { data: "lifecycleConfigXml", updated: "lifecycleConfigUpdatedAt" },
  objectLock: { data: "objectLockConfigXml", updated: "objectLockConfigUpdatedAt" },
  versioning: { data: "versioningConfigXml", updated: "versioningConfigUpdatedAt" },
  encryption: { data: "encryptionConfigXml", updated: "encryptionConfigUpdatedAt" },
  tagging: { data: "taggingConfigXml", updated: "taggingConfigUpdatedAt" },
  quota: { data: "quotaConfigJson", updated: "quotaConfigUpdatedAt" },
  replication: { data: "replicationConfigXml", updated: "replicationConfigUpdatedAt" },
};

export function metadataObjectName(bucket: string): string {
  return `buckets/${bucket}/.metadata.bin`;
}

const decoder = new TextDecoder();

export class BucketMetaStore {
  #cache = new Map<string, BucketMetadata>();

  constructor(readonly io: SystemObjectIo) {}

  /** The bucket's metadata; a bucket without .metadata.bin (older MinIO data) gets defaults. */
  async get(bucket: string, createdFallback?: Date): Promise<BucketMetadata> {
    const hit = this.#cache.get(bucket);
    if (hit) return hit;
    const bytes = await this.io.read(metadataObjectName(bucket));
    const meta = bytes ? decodeBucketMetadata(bytes) : newBucketMetadata(bucket, dateToNs(createdFallback ?? new Date(0)));
    this.#cache.set(bucket, meta);
    return meta;
  }

  async create(bucket: string, created: Date, lockEnabled: boolean): Promise<void> {
    const meta = newBucketMetadata(bucket, dateToNs(created));
    if (lockEnabled) {
      meta.objectLockConfigXml = new TextEncoder().encode(
        '<ObjectLockConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><ObjectLockEnabled>Enabled</ObjectLockEnabled></ObjectLockConfiguration>',
      );
      meta.versioningConfigXml = new TextEncoder().encode(
        '<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Status>Enabled</Status></VersioningConfiguration>',
      );
    }
    await this.io.write(metadataObjectName(bucket), encodeBucketMetadata(meta));
    this.#cache.set(bucket, meta);
  }

  async getConfig(bucket: string, kind: BucketConfigKind): Promise<Uint8Array | null> {
    const value = (await this.get(bucket))[FIELDS[kind].data] as Uint8Array;
    return value && value.length > 0 ? value : null;
  }

  async setConfig(bucket: string, kind: BucketConfigKind, value: Uint8Array | null): Promise<void> {
    // Read fresh, not from the cache: another server may have changed another field since.
    this.#cache.delete(bucket);
    const current = await this.get(bucket);
    const next: BucketMetadata = { ...current, [FIELDS[kind].data]: value ?? new Uint8Array() };
    const updated = FIELDS[kind].updated;
    if (updated) (next as unknown as Record<string, unknown>)[updated] = dateToNs(new Date());
    await this.io.write(metadataObjectName(bucket), encodeBucketMetadata(next));
    this.#cache.set(bucket, next);
  }

  async versioning(bucket: string): Promise<VersioningState> {
    const meta = await this.get(bucket);
    if (meta.lockEnabled || /<ObjectLockEnabled>\s*Enabled\s*<\/ObjectLockEnabled>/.test(decoder.decode(meta.objectLockConfigXml ?? new Uint8Array())))
      return "enabled";
    const status = /<Status>\s*(Enabled|Suspended)\s*<\/Status>/.exec(decoder.decode(meta.versioningConfigXml ?? new Uint8Array()));
    return status ? (status[1] === "Enabled" ? "enabled" : "suspended") : "unversioned";
  }

  async remove(bucket: string): Promise<void> {
    this.#cache.delete(bucket);
    await this.io.remove(metadataObjectName(bucket));
  }

  forget(bucket: string): void {
    this.#cache.delete(bucket);
  }

  /** Drops every cached bucket (a peer that was unreachable may have changed any of them). */
  forgetAll(): void {
    this.#cache.clear();
  }
}
