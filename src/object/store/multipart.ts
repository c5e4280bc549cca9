// Multipart uploads for ObjectStore (which holds one and delegates to it): routes each upload
// to its object's set in the pool chosen at create (ErasureSet.newMultipart / putPart /
// completeMultipart…) and lists uploads across every set of every pool.
import { SYSTEM_VOLUME } from "../../disk/index.ts";
import type * as L from "../object-layer.ts";
import type { ErasureSet } from "../set/erasure-set.ts";
import { SYS_UPLOAD_OBJECT, makeUploadId } from "../set/multipart.ts";
import type { VersioningState } from "../set/put.ts";
import { pageUploads } from "./listing.ts";
import { sysValue } from "../object-info.ts";

const decoder = new TextDecoder();

/** What Multipart needs from the store that holds it. */
export interface MultipartRouting {
  /** Every set of every pool. */
  readonly sets: readonly ErasureSet[];
  /** The set a new upload of `key` goes to (refuses names no drive can store). */
  newUploadSet(bucket: string, key: string): Promise<ErasureSet>;
  /** The set holding upload `uploadId` of `key` (the one to ask, and to say NoSuchUpload, when none does). */
  uploadSet(bucket: string, key: string, uploadId: string): Promise<ErasureSet>;
  /** Throws NoSuchBucket unless the bucket exists. */
  requireBucket(bucket: string): Promise<void>;
  /** The versioning state a new version is written under (refuses buckets whose lock rules we cannot apply). */
  writeVersioning(bucket: string): Promise<VersioningState>;
}

export class Multipart {
  constructor(readonly store: MultipartRouting) {}

  async create(bucket: string, key: string, opts: L.MultipartOptions): Promise<string> {
    await this.store.requireBucket(bucket);
    return (await this.store.newUploadSet(bucket, key)).newMultipart(bucket, key, opts, await this.store.writeVersioning(bucket));
  }

  async putPart(
    bucket: string,
    key: string,
    uploadId: string,
    partNumber: number,
    body: ReadableStream<Uint8Array>,
    opts: L.PutPartOptions,
  ): Promise<L.PartInfo> {
    await this.store.requireBucket(bucket);
    return (await this.store.uploadSet(bucket, key, uploadId)).putPart(bucket, key, uploadId, partNumber, body, opts);
  }

  async listParts(bucket: string, key: string, uploadId: string, opts: { partNumberMarker: number; maxParts: number }): Promise<L.ListPartsResult> {
    await this.store.requireBucket(bucket);
    return (await this.store.uploadSet(bucket, key, uploadId)).listParts(bucket, key, uploadId, opts.partNumberMarker, opts.maxParts);
  }

  async complete(bucket: string, key: string, uploadId: string, parts: L.CompletePart[], opts: L.CompleteOptions = {}): Promise<L.ObjectInfo> {
    await this.store.requireBucket(bucket);
    return (await this.store.uploadSet(bucket, key, uploadId)).completeMultipart(bucket, key, uploadId, parts, opts, await this.store.writeVersioning(bucket));
  }

  async abort(bucket: string, key: string, uploadId: string): Promise<void> {
    await this.store.requireBucket(bucket);
    return (await this.store.uploadSet(bucket, key, uploadId)).abortMultipart(bucket, key, uploadId);
  }

  /** Uploads in progress for `bucket`, across every set (each upload lives in its object's set). */
  async listUploads(bucket: string, opts: L.ListUploadsOptions): Promise<L.ListUploadsResult> {
    await this.store.requireBucket(bucket);
    const all: L.UploadInfo[] = [];
    for (const set of this.store.sets) {
      for await (const e of set.list({ volume: SYSTEM_VOLUME, baseDir: "multipart/", recursive: true })) {
        if (e.kind !== "object") continue;
        const fi = e.versions[0];
        const owner = sysValue(fi.sysMeta, SYS_UPLOAD_OBJECT);
        if (!owner) continue; // uploads started by MinIO do not record their key
        const full = decoder.decode(owner);
        if (!full.startsWith(`${bucket}/`)) continue;
        const uploadUuid = e.name.slice(e.name.lastIndexOf("/") + 1);
        all.push({
          key: full.slice(bucket.length + 1),
          uploadId: makeUploadId(set.deploymentId, uploadUuid),
          initiated: new Date(Number(fi.modTimeNs / 1_000_000n)),
          storageClass: fi.userMeta["x-amz-storage-class"] || "STANDARD",
        });
      }
    }
    return pageUploads(all, opts);
  }
}
