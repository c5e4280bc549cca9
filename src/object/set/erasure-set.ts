// ErasureSet: one erasure set (its drives by position, codec, locks, clock, settings, drive
// health) and every operation on it as a method. The methods delegate to one file per
// operation in this folder (put.ts, get.ts, complete.ts, list.ts, heal.ts…), which take the set.
import type { Drive, WalkOptions } from "../../disk/index.ts";
import type { ErasurePool, Md5Offload } from "../../ec/index.ts";
import type { NsClock } from "../../util/index.ts";
import type { NamespaceLocker } from "../ns-lock.ts";
import type * as L from "../object-layer.ts";
import { completeMultipartUpload } from "./complete.ts";
import type { SetContext, SetSettings } from "./context.ts";
import { deleteObject } from "./delete.ts";
import { DriveHealth } from "./drive-health.ts";
import { getObject, getObjectInfo } from "./get.ts";
import { healObject } from "./heal.ts";
import { entryFor, walkSet, type ListedEntry } from "./list.ts";
import { abortMultipartUpload, listObjectParts, newMultipartUpload, putObjectPart } from "./multipart.ts";
import { putObject, type VersioningState } from "./put.ts";

/** What a set is built from; the store hands the same codec, locker, clock, settings and MD5 pool to every set. */
export interface ErasureSetInit {
  drives: readonly (Drive | null)[];
  poolIndex: number;
  setIndex: number;
  deploymentId: string;
  codec: ErasurePool;
  locker: NamespaceLocker;
  clock: NsClock;
  settings: SetSettings;
  md5: Md5Offload;
  requestHeal: (volume: string, name: string, versionId: string) => void;
  /** Called when drives taken out of service answer again (owed heals can reach them now). */
  drivesBack?: (positions: number[]) => void;
}

export class ErasureSet implements SetContext {
  readonly drives: readonly (Drive | null)[];
  readonly poolIndex: number;
  readonly setIndex: number;
  readonly deploymentId: string;
  readonly codec: ErasurePool;
  readonly locker: NamespaceLocker;
  readonly clock: NsClock;
  readonly settings: SetSettings;
  readonly health: DriveHealth;
  readonly md5: Md5Offload;
  readonly requestHeal: (volume: string, name: string, versionId: string) => void;

  constructor(init: ErasureSetInit) {
    this.drives = init.drives;
    this.poolIndex = init.poolIndex;
    this.setIndex = init.setIndex;
    this.deploymentId = init.deploymentId;
    this.codec = init.codec;
    this.locker = init.locker;
    this.clock = init.clock;
    this.settings = init.settings;
    this.md5 = init.md5;
    this.requestHeal = init.requestHeal;
    this.health = new DriveHealth(init.drives, init.settings.driveTimeoutMs, init.settings.driveProbeMs, init.drivesBack);
  }

  /** PUT of a whole object (put.ts). */
  put(bucket: string, key: string, body: ReadableStream<Uint8Array>, opts: L.PutObjectOptions, versioning: VersioningState): Promise<L.ObjectInfo> {
    return putObject(this, bucket, key, body, opts, versioning);
  }

  /** GET: the elected version's info and a stream of its bytes (get.ts). */
  get(bucket: string, key: string, opts: L.GetObjectOptions): Promise<L.GetObjectResult> {
    return getObject(this, bucket, key, opts);
  }

  /** HEAD (get.ts). */
  getInfo(bucket: string, key: string, opts: L.GetObjectOptions): Promise<L.ObjectInfo> {
    return getObjectInfo(this, bucket, key, opts);
  }

  /** DELETE of an object or one version; may write a delete marker (delete.ts). */
  delete(bucket: string, key: string, opts: L.DeleteObjectOptions, versioning: VersioningState): Promise<L.DeleteObjectResult> {
    return deleteObject(this, bucket, key, opts, versioning);
  }

  /** Starts a multipart upload (multipart.ts). */
  newMultipart(bucket: string, key: string, opts: L.MultipartOptions, versioning: VersioningState): Promise<string> {
    return newMultipartUpload(this, bucket, key, opts, versioning);
  }

  /** Stores one part of an upload (multipart.ts). */
  putPart(bucket: string, key: string, uploadId: string, partNumber: number, body: ReadableStream<Uint8Array>, opts: L.PutPartOptions): Promise<L.PartInfo> {
    return putObjectPart(this, bucket, key, uploadId, partNumber, body, opts);
  }

  /** Lists the parts stored for an upload (multipart.ts). */
  listParts(bucket: string, key: string, uploadId: string, partNumberMarker: number, maxParts: number): Promise<L.ListPartsResult> {
    return listObjectParts(this, bucket, key, uploadId, partNumberMarker, maxParts);
  }

  /** Commits an upload's parts as one object version (complete.ts). */
  completeMultipart(
    bucket: string,
    key: string,
    uploadId: string,
    parts: L.CompletePart[],
    opts: L.CompleteOptions,
    versioning: VersioningState,
  ): Promise<L.ObjectInfo> {
    return completeMultipartUpload(this, bucket, key, uploadId, parts, opts.preconditions, versioning, opts.finish);
  }

  /** Drops an upload and its parts (multipart.ts). */
  abortMultipart(bucket: string, key: string, uploadId: string): Promise<void> {
    return abortMultipartUpload(this, bucket, key, uploadId);
  }

  /** Walks this set's drives in key order, yielding quorum-elected entries (list.ts). */
  list(opts: WalkOptions): AsyncGenerator<ListedEntry> {
    return walkSet(this, opts);
  }

  /** The entry of one exact name, or null (list.ts). */
  entry(volume: string, name: string): Promise<ListedEntry | null> {
    return entryFor(this, volume, name);
  }

  /** Heals one object (`name` already encoded) on this set's drives (heal.ts). */
  heal(volume: string, name: string, opts: L.HealOptions): Promise<L.HealResult> {
    return healObject(this, volume, name, opts);
  }

  /** Probes the drives taken out of service; returns the positions that are back. */
  probeDrives(): Promise<number[]> {
    return this.health.probe();
  }

  close(): void {
    this.health.close();
  }
}
