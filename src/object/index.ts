// object/: object semantics over pools → sets → Drive[]; the only thing s3/ and admin/ call.
//
// Two hops to any behaviour: ObjectStore (store/object-store.ts) routes each call to the
// ErasureSet (set/erasure-set.ts) that holds the key; each set method names the file doing it.
//   PUT               ObjectStore.putObject               → ErasureSet.put               (set/put.ts)
//   GET / HEAD        ObjectStore.getObject / getObjectInfo → ErasureSet.get / getInfo   (set/get.ts)
//   DELETE            ObjectStore.deleteObject            → ErasureSet.delete            (set/delete.ts)
//   multipart         ObjectStore.completeMultipartUpload → store.multipart (store/multipart.ts)
//                       → ErasureSet.completeMultipart (set/complete.ts); parts: set/multipart.ts
//   listing           ObjectStore.listObjects / listObjectVersions → ErasureSet.list (set/list.ts)
//                       on every set, merged in store/merged-listing.ts, paged in store/listing.ts
//   heal              ObjectStore.healObject              → ErasureSet.heal              (set/heal.ts);
//                       every object: ObjectStore.healAll → store/heal.ts → ErasureSet.heal
//   buckets           ObjectStore.makeBucket / deleteBucket … → store/buckets.ts, store/bucket-meta-store.ts
//   storage view      ObjectStore.storageInfo → store/storage.ts (drives, set quorums, healing)
//   pools             every call picks its pool first: store/pool-placement.ts (existing key → its pool,
//                       new key → weighted by free space), store/pools.ts (key → set per pool);
//                       decommission: store/pool-decommission.ts → store/decommission.ts, state in store/pool-state.ts
// Shared by both folders: quorum.ts (quorum arithmetic), placement.ts (key → set, parity),
// object-info.ts (FileInfo → ObjectInfo), preconditions.ts, ns-lock.ts, format.ts.
export * from "./object-error.ts";
export * from "./object-layer.ts";
export type * from "./storage-info.ts";
export * from "./placement.ts";
export { ObjectStore, type ObjectStoreConfig } from "./store/object-store.ts";
export type { ErasureSet } from "./set/erasure-set.ts";
export { loadPoolFormat, type LoadFormatOptions, type PoolDrives, type PoolFormat } from "./format.ts";
export { LocalLocker, type NamespaceLocker, type Release } from "./ns-lock.ts";
export type { SetSettings } from "./set/context.ts";
export type { HealAllOptions, HealAllResult } from "./store/heal.ts";
export type { PlacementView } from "./store/pool-placement.ts";
export type { PoolDecommission, PoolStatus } from "./store/pool-state.ts";
export type { DecommissionStatus } from "./store/pool-decommission.ts";
export { HealScanner, type CycleResult, type ScannerOptions, type ScannerStats } from "./store/scanner.ts";
export { MRF_DIR, type MrfConfig, type MrfEntry } from "./store/mrf.ts";
export { checkPreconditions, etagMatches } from "./preconditions.ts";
export { SYS_ACTUAL_SIZE, SYS_COMPRESSION, SYS_CRC, isTransformed, sseMetaOf } from "./object-info.ts";
export { partRange, resolveRange } from "./set/get.ts";
export { MIN_PART_SIZE, multipartEtag } from "./set/complete.ts";
/** What a drive reports of itself, for admin/ (which does not reach below object/). */
export type { DriveInfo } from "../disk/index.ts";
export { writeQuorum } from "./quorum.ts";
export { encodeBucketQuota, hardQuotaLimit, parseBucketQuota, type BucketQuota } from "./bucket-quota.ts";
