// object/: object semantics over pools → sets → Drive[]; the only thing s3/ and admin/ call.
export * from "./object-error.ts";
export * from "./object-layer.ts";
export * from "./placement.ts";
export { ObjectStore, type ObjectStoreConfig } from "./object-store.ts";
export { loadPoolFormat, type PoolDrives, type PoolFormat } from "./format.ts";
export { LocalLocker, type NamespaceLocker } from "./ns-lock.ts";
export type { SetSettings } from "./set-context.ts";
export type { HealAllOptions, HealAllResult } from "./store-heal.ts";
export { checkPreconditions, etagMatches } from "./preconditions.ts";
export { MIN_PART_SIZE, multipartEtag } from "./set-complete.ts";
/** What a drive reports of itself, for admin/ (which does not reach below object/). */
export type { DriveInfo } from "../disk/index.ts";
