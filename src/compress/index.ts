// compress/: S2 (klauspost/compress/s2) blocks, streams and seek indexes as MinIO stores
// compressed objects, and MinIO's rule for which objects get compressed. A pure library.
export { CompressError, type CompressErrorKind } from "./compress-error.ts";
export { S2_DEFAULT_BLOCK_SIZE, S2_MAX_BLOCK_SIZE, S2_MIN_BLOCK_SIZE, maskedCrc32c } from "./s2-frame.ts";
export { decodeS2Block, s2DecodedLength } from "./s2-block-decode.ts";
export { S2BlockEncoder, encodeS2Block } from "./s2-block-encode.ts";
export { S2Writer, S2CompressStream, compressS2, type S2WriterOptions, type S2WriterResult } from "./s2-writer.ts";
export { S2Reader, S2DecompressStream, decompressS2, decompressS2Chunks, type S2ReaderOptions } from "./s2-reader.ts";
export {
  S2Index,
  S2IndexBuilder,
  loadS2Index,
  loadS2IndexHeaderless,
  removeIndexHeaders,
  restoreIndexHeaders,
  type S2IndexJson,
  type S2Seek,
} from "./s2-index.ts";
export { indexS2Stream } from "./s2-index-scan.ts";
export { loadPartIndex, partHasIndex, type PartSizes } from "./part-index.ts";
export {
  COMPRESSION_INDEX_MIN_SIZE,
  COMPRESSION_OFF,
  COMPRESSION_PAD_ENCRYPTED,
  DEFAULT_COMPRESSION_EXTENSIONS,
  DEFAULT_COMPRESSION_MIME_TYPES,
  EXCLUDED_EXTENSIONS,
  EXCLUDED_MIME_TYPES,
  LEGACY_COMPRESSION_ALGORITHM,
  MIN_COMPRESSIBLE_SIZE,
  S2_COMPRESSION_ALGORITHM,
  compressionPolicyFromEnv,
  shouldCompress,
  type CompressionCandidate,
  type CompressionPolicy,
  type StoredCompressionConfig,
} from "./compression-policy.ts";
