// ec/: bytes in, bytes out — MinIO-compatible Reed-Solomon (own WASM SIMD kernel), HighwayHash
// bitrot framing, the worker pool and the streaming encode/decode/heal on top. No fs, no net.
export { CodecError } from "./codec-error.ts";
export { BITROT_KEY, BLOCK_SIZE, HASH_SIZE, bitrotFileSize, shardFileSize, shardSize } from "./layout.ts";
export { type ErasureCodec, type ReconstructOptions, splitBlock } from "./shards.ts";
export { ReedSolomon } from "./reed-solomon.ts";
export { hashImplementation, highwayHash256 } from "./highway-hash.ts";
export { ErasurePool, type ErasurePoolOptions } from "./erasure-pool.ts";
export { type ShardSink, erasureEncode } from "./erasure-encode.ts";
export { erasureDecode } from "./erasure-decode.ts";
export { erasureHeal } from "./erasure-heal.ts";
export type { ShardSource } from "./shard-reader.ts";
export { Md5Offload, type Md5Stream } from "./md5-offload.ts";
export { ShardStream } from "./shard-stream.ts";

/**
 * The worker entry point ErasurePool starts. `bun build --compile` must be given it as an
 * extra entry point (see the compile test): `bun build --compile app.ts <EC_WORKER_ENTRY>`.
 */
export const EC_WORKER_ENTRY = new URL("./erasure-worker.ts", import.meta.url).pathname;
