// The ObjectLayer interface: every object-store operation s3/ and admin/ may call, in plain
// data (no Request/Response). Implemented by ObjectStore over pools → sets → drives.
import type { StorageInfo, StorageInfoOptions } from "./storage-info.ts";

/** A bucket's versioning state, as S3 names it ("Unversioned": never turned on). */
export type BucketVersioning = "Unversioned" | "Enabled" | "Suspended";

export interface BucketInfo {
  name: string;
  created: Date;
  /** Object lock was enabled at creation (versioning is then always on). */
  lockEnabled: boolean;
  /** Versioning state (always "Enabled" for an object-lock bucket). */
  versioning: BucketVersioning;
}

/** A version (object or delete marker) as S3 describes it. */
export interface ObjectInfo {
  bucket: string;
  key: string;
  /** "null" for the null version, else a UUID. */
  versionId: string;
  isLatest: boolean;
  deleteMarker: boolean;
  /** Size the client sees (actual size). */
  size: number;
  /** Size of the stored bytes (after encryption or compression; equal to size otherwise). */
  storedSize: number;
  /** ETag without quotes ("<md5hex>" or "<md5hex>-<parts>"). */
  etag: string;
  modTime: Date;
  /** Exact modification time, Unix nanoseconds (version ordering, markers). */
  modTimeNs: bigint;
  /** Content-Type as stored (binary/octet-stream when the client sent none). */
  contentType: string;
  /** Stored user-visible metadata (MetaUsr) minus etag: content-*, cache-control, expires, X-Amz-Meta-*, tagging, lock fields. */
  userMeta: Record<string, string>;
  /** STANDARD or REDUCED_REDUNDANCY. */
  storageClass: string;
  /** Parts of a multipart object (number, actual and stored size); one entry for a simple object. */
  parts: { number: number; size: number; storedSize: number; etag?: string; index?: Uint8Array }[];
  /** MinIO's x-minio-internal-crc blob (additional checksums), when stored (encrypted for an encrypted version). */
  checksumBlob?: Uint8Array;
  /** Server-side encryption: the version's SSE MetaSys entries as text (SPEC §8.4); absent when not encrypted. */
  sse?: Record<string, string>;
  /** The compression algorithm the stored bytes are in (X-Minio-Internal-compression), when compressed. */
  compression?: string;
  /** Number of versions of this key (set by single-object reads). */
  numVersions?: number;
}

export interface Preconditions {
  /** Succeed only if the current ETag matches one of these ("*" = exists). */
  ifMatch?: string;
  /** Succeed only if the current ETag matches none of these ("*" = does not exist). */
  ifNoneMatch?: string;
  ifModifiedSince?: Date;
  ifUnmodifiedSince?: Date;
}

/** Called after the whole body was read, before anything becomes visible; throw to abort. */
export type BodyCheck = (digest: { md5: Uint8Array; size: number }) => BodyCheckResult | Promise<BodyCheckResult>;
/**
 * What a body check may add to the version: MetaSys entries (e.g. the checksum blob), and the
 * ETag to store instead of the MD5 of the stored bytes (an encrypted body's sealed ETag), and the
 * compression seek index of the part (PartIdx) when the body is compressed, and the object's own
 * size when the body is its stored form and that size was not known up front (actualSize -1).
 */
export type BodyCheckResult = void | { sysMeta?: Record<string, Uint8Array>; etag?: string; partIndex?: Uint8Array; actualSize?: number };

export interface PutObjectOptions {
  /** Exact body length, or -1 when unknown. */
  size: number;
  /** MetaUsr to store (content-type, x-amz-meta-*, tagging, lock fields…), already validated. */
  userMeta: Record<string, string>;
  /** Extra MetaSys entries (e.g. the checksum blob when known up front, SSE keys). */
  sysMeta?: Record<string, Uint8Array>;
  /**
   * The object's own size when the body is its encrypted or compressed form (recorded as
   * X-Minio-Internal-actual-size); `size` is then the stored size (or -1).
   */
  actualSize?: number;
  storageClass?: string;
  /** Conditional write (If-Match / If-None-Match), evaluated under the object's write lock. */
  preconditions?: Preconditions;
  /** Integrity checks on the finished body (Content-MD5, x-amz-checksum-*). */
  check?: BodyCheck;
  signal?: AbortSignal;
}

/** A byte range request, as parsed from a Range header; resolved against the size by the layer. */
export type RangeSpec = { start: number; end?: number } | { suffix: number };

export interface GetObjectOptions {
  /** "" or absent = latest; "null" = the null version. */
  versionId?: string;
  range?: RangeSpec;
  /** Return only this part of a multipart object (GET ?partNumber=). */
  partNumber?: number;
  preconditions?: Preconditions;
  /**
   * How to read a version stored transformed (encrypted or compressed): given its stored info,
   * what the client sees of it (for the preconditions) and which stored bytes to stream. Without
   * it such versions are refused (Unsupported): their stored bytes are never served as the
   * object. `range` and `partNumber` apply to untransformed versions only.
   */
  stored?: (info: ObjectInfo) => StoredView | Promise<StoredView>;
}

/** A transformed version as the reader sees it: the visible info and the stored bytes to stream. */
export interface StoredView {
  info: ObjectInfo;
  /** Inclusive range of the stored bytes (over all parts); null: none. */
  range: { start: number; end: number } | null;
}

export interface GetObjectResult {
  info: ObjectInfo;
  /** Resolved inclusive byte range, when one was asked for (of a transformed version: of its stored bytes). */
  range?: { start: number; end: number };
  /** Number of parts (when partNumber was asked for). */
  partsCount?: number;
  /** Lazy: nothing is read until pulled. Always consume or cancel it (it holds a read lock). */
  body: ReadableStream<Uint8Array>;
}

export interface DeleteObjectOptions {
  versionId?: string;
  /** Bucket versioning decides marker vs removal; object lock may forbid it. */
  bypassGovernance?: boolean;
  preconditions?: Preconditions;
}

export interface DeleteObjectResult {
  /** The version removed, or of the delete marker created. */
  versionId: string;
  deleteMarker: boolean;
}

export interface ListObjectsOptions {
  prefix?: string;
  delimiter?: string;
  /** Start after this key (marker / start-after / continuation). */
  after?: string;
  maxKeys: number;
}

export interface ListObjectsResult {
  objects: ObjectInfo[];
  prefixes: string[];
  isTruncated: boolean;
  /** Last key or prefix returned, to resume from. */
  nextMarker?: string;
}

export interface ListVersionsOptions {
  prefix?: string;
  delimiter?: string;
  keyMarker?: string;
  versionIdMarker?: string;
  maxKeys: number;
}

export interface ListVersionsResult {
  versions: ObjectInfo[];
  prefixes: string[];
  isTruncated: boolean;
  nextKeyMarker?: string;
  nextVersionIdMarker?: string;
}

export interface CopyObjectOptions {
  srcVersionId?: string;
  /** Conditions on the source (x-amz-copy-source-if-*). */
  srcPreconditions?: Preconditions;
  /** Range of the source to copy (UploadPartCopy). */
  srcRange?: RangeSpec;
  /** "COPY" keeps the source metadata; "REPLACE" uses userMeta. */
  metadataDirective: "COPY" | "REPLACE";
  userMeta: Record<string, string>;
  storageClass?: string;
  /** Conditions on the destination (conditional copy). */
  preconditions?: Preconditions;
  /** Told which source version is being copied (S3 reports it as x-amz-copy-source-version-id). */
  onSource?: (info: ObjectInfo) => void;
}

export interface MultipartOptions {
  userMeta: Record<string, string>;
  sysMeta?: Record<string, Uint8Array>;
  storageClass?: string;
}

export interface PartInfo {
  partNumber: number;
  etag: string;
  size: number;
  lastModified: Date;
  /** Checksums of this part keyed by algorithm name (CRC32, CRC32C, CRC64NVME, SHA1, SHA256), base64. */
  checksums?: Record<string, string>;
}

/** What a part's body check may record: its checksums by algorithm, the ETag to store instead of the stored bytes' MD5, its compression index. */
export type PartCheckResult = void | { checksums?: Record<string, string>; etag?: string; index?: Uint8Array };

/** What a part write (and Complete) is told of its upload: its user metadata and how its parts are stored. */
export interface UploadMeta {
  userMeta: Record<string, string>;
  /** The upload's SSE MetaSys entries as text (as ObjectInfo.sse), when it is encrypted. */
  sse?: Record<string, string>;
  /** The compression its parts are stored in (as ObjectInfo.compression), when compressed. */
  compression?: string;
}

export interface PutPartOptions {
  /** Exact length of the body (the stored bytes), or -1. */
  size: number;
  /** The part's own size when the body is its encrypted or compressed form (the part's actual size). */
  actualSize?: number;
  /**
   * Called once the upload is found, before the body is read (e.g. to choose a checksum, or a
   * part key); awaited. It may give the body's size anew (an encrypted upload's parts are stored
   * larger than sent).
   */
  onUpload?: (upload: UploadMeta) => void | { size?: number } | Promise<void | { size?: number }>;
  /** Runs on the finished part; `upload` carries the upload's metadata (e.g. its checksum algorithm). */
  check?: (digest: { md5: Uint8Array; size: number }, upload: UploadMeta) => PartCheckResult | Promise<PartCheckResult>;
  signal?: AbortSignal;
}

export interface ListPartsResult {
  parts: PartInfo[];
  isTruncated: boolean;
  nextPartNumberMarker: number;
  initiated: Date;
  userMeta: Record<string, string>;
  storageClass: string;
}

export interface UploadInfo {
  key: string;
  uploadId: string;
  initiated: Date;
  storageClass: string;
}

export interface ListUploadsOptions {
  prefix?: string;
  delimiter?: string;
  keyMarker?: string;
  uploadIdMarker?: string;
  maxUploads: number;
}

export interface ListUploadsResult {
  uploads: UploadInfo[];
  prefixes: string[];
  isTruncated: boolean;
  nextKeyMarker?: string;
  nextUploadIdMarker?: string;
}

export interface CompletePart {
  partNumber: number;
  etag: string;
  checksums?: Record<string, string>;
}

/** A validated part of a completing upload, in the client's order. */
export interface CompletedPart {
  partNumber: number;
  etag: string;
  /** Actual (client-visible) size. */
  size: number;
  /** Checksums recorded when the part was uploaded, keyed by algorithm. */
  checksums?: Record<string, string>;
}

/** What completing may add: MetaSys entries (e.g. the checksum blob) and upload-time MetaUsr keys to drop. */
export type CompleteFinishResult = void | { sysMeta?: Record<string, Uint8Array>; dropUserMeta?: string[] };

export interface CompleteOptions {
  /** Conditional write on the destination (If-Match / If-None-Match). */
  preconditions?: Preconditions;
  /**
   * Runs under the upload's lock once the part list is valid, before anything is committed;
   * throwing refuses the completion and leaves the upload as it was.
   */
  finish?: (parts: CompletedPart[], upload: UploadMeta) => CompleteFinishResult | Promise<CompleteFinishResult>;
}

/** Bucket configuration documents stored in .metadata.bin, as raw bytes (XML or JSON). */
export type BucketConfigKind = "policy" | "notification" | "lifecycle" | "objectLock" | "versioning" | "encryption" | "tagging" | "quota" | "replication";

export interface HealResult {
  bucket: string;
  key: string;
  /** Drives (by set position) that were missing or corrupt and were rewritten. */
  healedDrives: number[];
  /** Drives still missing data after the heal (offline). */
  offlineDrives: number[];
  /** The pool and set whose drive positions these are. */
  pool: number;
  set: number;
  /** Each drive's state before the heal, by set position (what a dry run reports and leaves). */
  before: DriveHealState[];
  /** Versions a quorum of drives agreed on (0: nothing of the object is left to heal). */
  versions: number;
}

/** A drive as a heal found it: whole, lacking a version or its shards, with damaged data, or not answering. */
export type DriveHealState = "ok" | "missing" | "corrupt" | "offline";

export interface HealOptions {
  versionId?: string;
  /** Verify every bitrot frame, not just sizes. */
  deep?: boolean;
  /** Only find what is damaged: nothing is rewritten or removed. */
  dryRun?: boolean;
  /** Remove versions that can never reach quorum (default true; false leaves them). */
  remove?: boolean;
}

/** What healing a bucket's directories found and did, per set. */
export interface BucketHealReport {
  /** "made": the bucket exists and was completed; "removed": a majority lacked it and stale copies went; "unknown": too few drives answered. */
  outcome: "made" | "removed" | "unknown";
  sets: { pool: number; set: number; before: DriveHealState[]; after: DriveHealState[] }[];
}

export interface ObjectLayer {
  makeBucket(bucket: string, opts?: { lockEnabled?: boolean }): Promise<void>;
  getBucketInfo(bucket: string): Promise<BucketInfo>;
  /** BucketInfo.versioning alone, without asking the drives again for a bucket already known (the per-request read). */
  bucketVersioning(bucket: string): Promise<BucketVersioning>;
  listBuckets(): Promise<BucketInfo[]>;
  deleteBucket(bucket: string, opts?: { force?: boolean }): Promise<void>;
  getBucketConfig(bucket: string, kind: BucketConfigKind): Promise<Uint8Array | null>;
  setBucketConfig(bucket: string, kind: BucketConfigKind, value: Uint8Array | null): Promise<void>;

  putObject(bucket: string, key: string, body: ReadableStream<Uint8Array>, opts: PutObjectOptions): Promise<ObjectInfo>;
  getObject(bucket: string, key: string, opts?: GetObjectOptions): Promise<GetObjectResult>;
  getObjectInfo(bucket: string, key: string, opts?: GetObjectOptions): Promise<ObjectInfo>;
  deleteObject(bucket: string, key: string, opts?: DeleteObjectOptions): Promise<DeleteObjectResult>;
  copyObject(srcBucket: string, srcKey: string, dstBucket: string, dstKey: string, opts: CopyObjectOptions): Promise<ObjectInfo>;
  /**
   * Replaces user metadata (tags, content headers) of a version without touching data, under
   * its write lock. Object-lock fields are kept as they are unless `opts.lock` is set: only the
   * retention and legal-hold operations change them, their `update` judging the change.
   */
  updateObjectMeta(
    bucket: string,
    key: string,
    versionId: string,
    update: (meta: Record<string, string>) => Record<string, string>,
    opts?: { lock?: boolean },
  ): Promise<ObjectInfo>;

  listObjects(bucket: string, opts: ListObjectsOptions): Promise<ListObjectsResult>;
  listObjectVersions(bucket: string, opts: ListVersionsOptions): Promise<ListVersionsResult>;

  newMultipartUpload(bucket: string, key: string, opts: MultipartOptions): Promise<string>;
  putObjectPart(bucket: string, key: string, uploadId: string, partNumber: number, body: ReadableStream<Uint8Array>, opts: PutPartOptions): Promise<PartInfo>;
  listObjectParts(bucket: string, key: string, uploadId: string, opts: { partNumberMarker: number; maxParts: number }): Promise<ListPartsResult>;
  completeMultipartUpload(bucket: string, key: string, uploadId: string, parts: CompletePart[], opts?: CompleteOptions): Promise<ObjectInfo>;
  abortMultipartUpload(bucket: string, key: string, uploadId: string): Promise<void>;
  listMultipartUploads(bucket: string, opts: ListUploadsOptions): Promise<ListUploadsResult>;

  healObject(bucket: string, key: string, opts?: HealOptions): Promise<HealResult>;
  healBucket(bucket: string, opts?: { dryRun?: boolean }): Promise<BucketHealReport>;

  /** Every pool, set and drive as seen now (each drive asked for its info, with a deadline). */
  storageInfo(opts?: StorageInfoOptions): Promise<StorageInfo>;

  /**
   * Configuration objects under .minio.sys (IAM, server config), named relative to it
   * ("config/iam/format.json"): small, unversioned, erasure-coded like MinIO's. null: absent.
   */
  readSystem(name: string): Promise<Uint8Array | null>;
  writeSystem(name: string, data: Uint8Array): Promise<void>;
  /** Removes the object from every pool holding it; absent is not an error. */
  removeSystem(name: string): Promise<void>;
  /** Names of the configuration objects below `prefix` (ends with "/"), recursively, in key order. */
  listSystem(prefix: string): Promise<string[]>;

  /** Stops background work and waits for it. */
  close(): Promise<void>;
}
