// Bucket metadata (.minio.sys/buckets/<bucket>/.metadata.bin, SPEC §6): a 4-byte header and a
// msgpack map of 25 fields in Go's field order. Decoding tolerates missing and unknown fields
// (unknown ones are kept and written back after the known ones, so newer MinIO data survives).
import { MsgpackReader, MsgpackWriter } from "../util/index.ts";
import { DriveError } from "./drive-error.ts";

/** Go's zero time.Time in Unix nanoseconds (msgp writes it as seconds −62135596800). */
export const GO_ZERO_TIME_NS = -62135596800n * 1_000_000_000n;

/** Decoded .metadata.bin. Times are Unix nanoseconds; configs are the raw bytes MinIO stores (empty = none). */
export interface BucketMetadata {
  /** Name: the bucket name. */
  name: string;
  /** Created: bucket creation time. */
  created: bigint;
  /** LockEnabled: legacy flag, false today (object lock lives in ObjectLockConfigXML). */
  lockEnabled: boolean;
  /** PolicyConfigJSON: bucket policy JSON. */
  policyConfigJson: Uint8Array;
  /** NotificationConfigXML: S3 NotificationConfiguration. */
  notificationConfigXml: Uint8Array;
  /** LifecycleConfigXML: LifecycleConfiguration (MinIO adds ExpiryUpdatedAt). */
  lifecycleConfigXml: Uint8Array;
  /** ObjectLockConfigXML: ObjectLockConfiguration. */
  objectLockConfigXml: Uint8Array;
  /** VersioningConfigXML: VersioningConfiguration (may carry MinIO's ExcludedPrefixes/ExcludeFolders). */
  versioningConfigXml: Uint8Array;
  /** EncryptionConfigXML: ServerSideEncryptionConfiguration. */
  encryptionConfigXml: Uint8Array;
  /** TaggingConfigXML: bucket Tagging. */
  taggingConfigXml: Uint8Array;
  /** QuotaConfigJSON: quota JSON. */
  quotaConfigJson: Uint8Array;
  /** ReplicationConfigXML: ReplicationConfiguration. */
  replicationConfigXml: Uint8Array;
  /** BucketTargetsConfigJSON: remote targets JSON, DARE-encrypted when a KMS is configured. */
  bucketTargetsConfigJson: Uint8Array;
  /** BucketTargetsConfigMetaJSON: SSE metadata needed to decrypt the previous field. */
  bucketTargetsConfigMetaJson: Uint8Array;
  /** PolicyConfigUpdatedAt. */
  policyConfigUpdatedAt: bigint;
  /** ObjectLockConfigUpdatedAt. */
  objectLockConfigUpdatedAt: bigint;
  /** EncryptionConfigUpdatedAt. */
  encryptionConfigUpdatedAt: bigint;
  /** TaggingConfigUpdatedAt. */
  taggingConfigUpdatedAt: bigint;
  /** QuotaConfigUpdatedAt. */
  quotaConfigUpdatedAt: bigint;
  /** ReplicationConfigUpdatedAt. */
  replicationConfigUpdatedAt: bigint;
  /** VersioningConfigUpdatedAt. */
  versioningConfigUpdatedAt: bigint;
  /** LifecycleConfigUpdatedAt. */
  lifecycleConfigUpdatedAt: bigint;
  /** NotificationConfigUpdatedAt. */
  notificationConfigUpdatedAt: bigint;
  /** BucketTargetsConfigUpdatedAt. */
  bucketTargetsConfigUpdatedAt: bigint;
  /** BucketTargetsConfigMetaUpdatedAt. */
  bucketTargetsConfigMetaUpdatedAt: bigint;
  /** Fields this codec does not know, as [key, exact msgpack value], written back after the 25 known ones. */
  unknownFields?: [string, Uint8Array][];
}

type FieldKind = "str" | "time" | "bool" | "bin";
type KnownField = Exclude<keyof BucketMetadata, "unknownFields">;

/** Go field name, our field, msgpack kind — in MinIO's struct order, which is the write order. */
const FIELDS: readonly (readonly [string, KnownField, FieldKind])[] = [
  ["Name", "name", "str"],
  ["Created", "created", "time"],
  ["LockEnabled", "lockEnabled", "bool"],
  ["PolicyConfigJSON", "policyConfigJson", "bin"],
  ["NotificationConfigXML", "notificationConfigXml", "bin"],
  ["LifecycleConfigXML", "lifecycleConfigXml", "bin"],
  ["ObjectLockConfigXML", "objectLockConfigXml", "bin"],
  ["VersioningConfigXML", "versioningConfigXml", "bin"],
  ["EncryptionConfigXML", "encryptionConfigXml", "bin"],
  ["TaggingConfigXML", "taggingConfigXml", "bin"],
  ["QuotaConfigJSON", "quotaConfigJson", "bin"],
  ["ReplicationConfigXML", "replicationConfigXml", "bin"],
  ["BucketTargetsConfigJSON", "bucketTargetsConfigJson", "bin"],
  ["BucketTargetsConfigMetaJSON", "bucketTargetsConfigMetaJson", "bin"],
  ["PolicyConfigUpdatedAt", "policyConfigUpdatedAt", "time"],
  ["ObjectLockConfigUpdatedAt", "objectLockConfigUpdatedAt", "time"],
  ["EncryptionConfigUpdatedAt", "encryptionConfigUpdatedAt", "time"],
  ["TaggingConfigUpdatedAt", "taggingConfigUpdatedAt", "time"],
  ["QuotaConfigUpdatedAt", "quotaConfigUpdatedAt", "time"],
  ["ReplicationConfigUpdatedAt", "replicationConfigUpdatedAt", "time"],
  ["VersioningConfigUpdatedAt", "versioningConfigUpdatedAt", "time"],
  ["LifecycleConfigUpdatedAt", "lifecycleConfigUpdatedAt", "time"],
  ["NotificationConfigUpdatedAt", "notificationConfigUpdatedAt", "time"],
  ["BucketTargetsConfigUpdatedAt", "bucketTargetsConfigUpdatedAt", "time"],
  ["BucketTargetsConfigMetaUpdatedAt", "bucketTargetsConfigMetaUpdatedAt", "time"],
];

/** .metadata.bin header: uint16 LE format = 1, uint16 LE version = 1. */
const FORMAT = 1;
const VERSION = 1;

/**
 * Metadata for a new bucket as MinIO creates it: empty configs, every UpdatedAt = Created.
 * (MinIO's own defaults for a missing field are the zero time; this is for fresh buckets.)
 */
export function newBucketMetadata(name: string, createdNs: bigint): BucketMetadata {
  const m = { name, lockEnabled: false } as Record<KnownField, unknown>;
  for (const [, field, kind] of FIELDS) {
    if (kind === "bin") m[field] = new Uint8Array(0);
    else if (kind === "time") m[field] = createdNs;
  }
  return m as unknown as BucketMetadata;
}

/** Decodes a .metadata.bin body; DriveError("Corrupt") on a bad header or malformed msgpack. */
export function decodeBucketMetadata(bytes: Uint8Array): BucketMetadata {
  if (bytes.length < 4) throw new DriveError("Corrupt", `Bucket metadata of ${bytes.length} bytes has no header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const format = view.getUint16(0, true);
  const version = view.getUint16(2, true);
  if (format !== FORMAT || version !== VERSION) throw new DriveError("Corrupt", `Unknown bucket metadata format ${format} version ${version}`);
  // Fields missing from the file keep Go's zero values: empty configs, zero times.
  const m = newBucketMetadata("", GO_ZERO_TIME_NS);
  const set = m as unknown as Record<KnownField, unknown>;
  try {
    const r = new MsgpackReader(bytes, 4);
    for (let n = r.readMapHeader(); n > 0; n--) {
      const key = r.readKey();
      const field = FIELDS.find(([go]) => go === key);
      if (!field) (m.unknownFields ??= []).push([key, r.raw().slice()]);
      else if (r.tryNil()) continue;
      else if (field[2] === "str") set[field[1]] = r.readText();
      else if (field[2] === "time") set[field[1]] = r.readTimeNs();
      else if (field[2] === "bool") set[field[1]] = r.readBool();
      else set[field[1]] = r.readBinOrStr().slice();
    }
  } catch (err) {
    throw new DriveError("Corrupt", `Cannot decode bucket metadata: ${(err as Error).message}`, { cause: err });
  }
  return m;
}

/** Encodes a .metadata.bin body exactly as MinIO writes it (map16 of 25, ext5 times, empty bins as c4 00). */
export function encodeBucketMetadata(m: BucketMetadata): Uint8Array {
  const extra = m.unknownFields ?? [];
  let size = 64 + extra.reduce((n, [k, v]) => n + k.length + v.length + 8, 0);
  for (const [, field, kind] of FIELDS) if (kind === "bin") size += (m[field] as Uint8Array).length + 40;
  const w = new MsgpackWriter(size + 25 * 40);
  w.raw(new Uint8Array([FORMAT, 0, VERSION, 0]));
  w.mapHeader(FIELDS.length + extra.length); // 25 → map16 (de 00 19), as msgp writes it
  for (const [go, field, kind] of FIELDS) {
    w.str(go);
    const v = m[field];
    if (kind === "str") w.str(v as string);
    else if (kind === "time") w.timeNs(v as bigint);
    else if (kind === "bool") w.bool(v as boolean);
    else w.bin(v as Uint8Array);
  }
  for (const [key, raw] of extra) {
    w.str(key);
    w.raw(raw);
  }
  return w.bytes();
}
