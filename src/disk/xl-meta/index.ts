// disk/xl-meta: MinIO's per-object metadata file (xl.meta), decoded and encoded byte-exactly.
export { XlMeta } from "./xl-meta.ts";
export { signature, headerFromBody } from "./signature.ts";
export { compareHeaders, FLAG_FREE_VERSION, FLAG_INLINE_DATA, FLAG_USES_DATA_DIR, type XlVersionHeader } from "./version-header.ts";
export { decodeVersionBody } from "./version-body.ts";
export { encodeVersionBody, BUNKER_WRITTEN_BY } from "./version-body-encode.ts";
export { fileInfoToBody } from "./file-info-codec.ts";
export { UUID_PATTERN } from "./uuid.ts";
