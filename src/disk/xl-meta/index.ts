// disk/xl-meta: MinIO's per-object metadata file (xl.meta), decoded and encoded byte-exactly.
export { XlMeta, type FileInfoOptions } from "./xl-meta.ts";
export { signature, headerFromBody, META_INLINE_DATA, META_FREE_VERSION } from "./signature.ts";
export {
  compareHeaders, headersEqual, FLAG_FREE_VERSION, FLAG_INLINE_DATA, FLAG_USES_DATA_DIR,
  OBJECT_TYPE, DELETE_TYPE, LEGACY_TYPE, type XlVersionHeader, type XlVersionType,
} from "./version-header.ts";
export { decodeVersionBody, type XlVersionBody, type XlObjectBody, type XlDeleteBody } from "./version-body.ts";
export { encodeVersionBody, BUNKER_WRITTEN_BY } from "./version-body-encode.ts";
export { bodyToFileInfo, fileInfoToBody, isInternalKey } from "./file-info-codec.ts";
export { UUID_PATTERN, uuidFromBytes, uuidToBytes } from "./uuid.ts";
