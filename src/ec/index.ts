// ec/: bytes in, bytes out — MinIO-compatible Reed-Solomon (own WASM SIMD kernel), HighwayHash
// bitrot framing, the worker pool and the streaming encode/decode/heal on top. No fs, no net.
export { CodecError, type CodecErrorKind } from "./codec-error.ts";
export {
  BITROT_KEY,
  BITROT_KEY_HEX,
  BLOCK_SIZE,
  HASH_SIZE,
  type Layout,
  bitrotFileSize,
  blockCount,
  shardFileSize,
  shardSize,
} from "./layout.ts";
export { type ErasureCodec, type ReconstructOptions, splitBlock } from "./shards.ts";
export { ReedSolomon } from "./reed-solomon.ts";
export { ReedSolomonReference } from "./reed-solomon-reference.ts";
export { HighwayHash256, hashImplementation, highwayHash256 } from "./highway-hash.ts";
export { BlockCodec, type DecodeResult, type HashChoice } from "./block-codec.ts";
export { ErasurePool, type ErasurePoolOptions, type PoolDecodeOptions } from "./erasure-pool.ts";
export type { EncodeBatch } from "./encode-batch.ts";
export { type ByteSource, type ShardSink, type StreamOptions, erasureEncode } from "./erasure-encode.ts";
export { erasureDecode } from "./erasure-decode.ts";
export { erasureHeal } from "./erasure-heal.ts";
export type { ShardSource } from "./shard-reader.ts";
export { ShardStream } from "./shard-stream.ts";

/**
 * The worker entry point ErasurePool starts. `bun build --compile` must be given it as an
 * extra entry point (see the compile test): `bun build --compile app.ts <EC_WORKER_ENTRY>`.
 */
export const EC_WORKER_ENTRY = new URL("./erasure-worker.ts", import.meta.url).pathname;
