// FileInfo: one object version as stored on one drive, decoded from (and encoded to) xl.meta.
// This is the plain-data currency between disk/ and object/ (and, later, internode RPC).

/** Erasure layout of a version (xl.meta V2Obj `Ec*` fields). */
export interface ErasureInfo {
  /** EcM: number of data shards (k). */
  dataBlocks: number;
  /** EcN: number of parity shards (m). */
  parityBlocks: number;
  /** EcBSize: erasure block size in bytes (1 MiB today; 10 MiB in early-2021 objects). */
  blockSize: number;
  /** EcIndex: 1-based shard number held by the drive this FileInfo was read from / is written to. */
  index: number;
  /** EcDist: for drive position d (0-based) of the set, the 1-based shard number it holds. */
  distribution: number[];
}

/** One part of a version (PartNums/PartETags/PartSizes/PartASizes/PartIdx at the same index). */
export interface PartInfo {
  /** PartNums entry: the part number (1-based, may be sparse). */
  number: number;
  /** PartSizes entry: stored (pre-erasure, post-compression/encryption) size in bytes. */
  size: number;
  /** PartASizes entry: actual size before compression/encryption (= size when absent). */
  actualSize: number;
  /** PartETags entry; absent for completed objects (MinIO stores nil). */
  etag?: string;
  /** PartIdx entry: compression seek index, only for compressed parts that have one. */
  index?: Uint8Array;
}

/** A decoded version (object or delete marker) of `volume/name` as seen by one drive. */
export interface FileInfo {
  /** Bucket (or ".minio.sys"). */
  volume: string;
  /** Object name inside the volume, after `__XLDIR__` encoding of a trailing "/". */
  name: string;
  /** Canonical lower-case UUID, or "null" for the null version. */
  versionId: string;
  /** True for a delete marker (xl.meta Type 2). */
  deleted: boolean;
  /** Data directory UUID string ("" for delete markers and tiered versions). */
  dataDir: string;
  /** Modification time, Unix nanoseconds (MTime), exact. */
  modTimeNs: bigint;
  /** Total stored size (Size): sum of part sizes. */
  size: number;
  /** MetaUsr: user-visible metadata (etag, content-type, X-Amz-Meta-*...), keys as stored. */
  userMeta: Record<string, string>;
  /** MetaSys: internal metadata (keys start with x-minio-internal-), raw bytes. */
  sysMeta: Record<string, Uint8Array>;
  /** Parts in PartNums order (a 0-byte object has one part of size 0); empty for delete markers. */
  parts: PartInfo[];
  /** Erasure layout; undefined for delete markers. */
  erasure?: ErasureInfo;
  /** This drive's inline shard stream (bitrot framed), when the version is inlined in xl.meta. */
  data?: Uint8Array;
  /** `v` field: Unix seconds of the release that wrote the version (0 = unknown). */
  writtenBy: number;
  /** Header flag bit 0: a hidden "free version" (tiering leftover); skipped by listings and GET. */
  freeVersion?: boolean;
  /** Set when read: this version is the newest of the object. */
  isLatest?: boolean;
  /** Set when read: number of versions the object has on this drive. */
  numVersions?: number;
  /** Set when read: modification time (ns) of the next newer version, 0n if latest. */
  successorModTimeNs?: bigint;
}

export const NULL_VERSION_ID = "null";
