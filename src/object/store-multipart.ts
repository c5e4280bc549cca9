// The multipart half of ObjectStore: routes each upload to its object's set and lists
// uploads across sets. Kept apart so object-store.ts stays about routing and buckets.
import { SYSTEM_VOLUME } from "../disk/index.ts";
import type * as L from "./object-layer.ts";
import type { SetContext } from "./set-context.ts";
import { completeMultipartUpload } from "./set-complete.ts";
import { walkSet } from "./set-list.ts";
import { SYS_UPLOAD_OBJECT, abortMultipartUpload, listObjectParts, makeUploadId, newMultipartUpload, putObjectPart } from "./set-multipart.ts";
import type { VersioningState } from "./set-put.ts";
import { pageUploads } from "./store-listing.ts";
import { sysValue } from "./object-info.ts";

const decoder = new TextDecoder();

export abstract class ObjectStoreMultipart {
  abstract readonly sets: SetContext[];
  protected abstract setOf(key: string): SetContext;
  protected abstract requireBucket(bucket: string): Promise<void>;
  protected abstract versioning(bucket: string): Promise<VersioningState>;
  protected abstract writeVersioning(bucket: string): Promise<VersioningState>;

  async newMultipartUpload(bucket: string, key: string, opts: L.MultipartOptions): Promise<string> {
    await this.requireBucket(bucket);
    return newMultipartUpload(this.setOf(key), bucket, key, opts, await this.writeVersioning(bucket));
  }

  async putObjectPart(bucket: string, key: string, uploadId: string, partNumber: number, body: ReadableStream<Uint8Array>, opts: L.PutPartOptions): Promise<L.PartInfo> {
    await this.requireBucket(bucket);
    return putObjectPart(this.setOf(key), bucket, key, uploadId, partNumber, body, opts);
  }

  async listObjectParts(bucket: string, key: string, uploadId: string, opts: { partNumberMarker: number; maxParts: number }): Promise<L.ListPartsResult> {
    await this.requireBucket(bucket);
    return listObjectParts(this.setOf(key), bucket, key, uploadId, opts.partNumberMarker, opts.maxParts);
  }

  async completeMultipartUpload(bucket: string, key: string, uploadId: string, parts: L.CompletePart[], opts: L.CompleteOptions = {}): Promise<L.ObjectInfo> {
    await this.requireBucket(bucket);
    return completeMultipartUpload(this.setOf(key), bucket, key, uploadId, parts, opts.preconditions, await this.writeVersioning(bucket), opts.finish);
  }

  async abortMultipartUpload(bucket: string, key: string, uploadId: string): Promise<void> {
    await this.requireBucket(bucket);
    return abortMultipartUpload(this.setOf(key), bucket, key, uploadId);
  }

  async listMultipartUploads(bucket: string, opts: L.ListUploadsOptions): Promise<L.ListUploadsResult> {
    await this.requireBucket(bucket);
    const all: L.UploadInfo[] = [];
    for (const set of this.sets) {
      for await (const e of walkSet(set, { volume: SYSTEM_VOLUME, baseDir: "multipart/", recursive: true })) {
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
