// Sizes of MinIO's erasure layout (SPEC §3.2, §4): block → shard chunk sizes, shard file
// payload and framed (bitrot) file sizes, and the fixed bitrot key.
import { CodecError, checkCode } from "./codec-error.ts";

/** Erasure block size MinIO uses for new data (EcBSize). */
export const BLOCK_SIZE = 1048576;
/** Bytes of one HighwayHash-256 digest in front of every shard chunk. */
export const HASH_SIZE = 32;

/** MinIO's fixed HighwayHash key (HH-256 under a zero key of the first 100 decimals of π). */
export const BITROT_KEY_HEX = "4be734fa8e238acd263e83e6bb968552040f935da39f441497e09d1322de36a0";
export const BITROT_KEY: Uint8Array = Uint8Array.from(BITROT_KEY_HEX.match(/../g)!, (h) => parseInt(h, 16));

/** How an object part is erasure coded. */
export interface Layout {
  /** Data shards (EcM). */
  d: number;
  /** Parity shards (EcN). */
  p: number;
  /** Erasure block size (EcBSize), 1 MiB for new data. */
  blockSize: number;
}

export function checkLayout(l: Layout): void {
  checkCode(l.d, l.p);
  if (!Number.isSafeInteger(l.blockSize) || l.blockSize < 1) {
    throw new CodecError("InvalidLayout", `Cannot use erasure block size ${l.blockSize}`);
  }
}

/** Shard chunk length of a full block: ceil(blockSize / d). */
export function shardSize(blockSize: number, d: number): number {
  return Math.ceil(blockSize / d);
}

/** Payload bytes of one shard file for a part of `totalLength` bytes (MinIO ShardFileSize). */
export function shardFileSize(totalLength: number, blockSize: number, d: number): number {
  if (totalLength <= 0) return 0;
  return Math.floor(totalLength / blockSize) * shardSize(blockSize, d) + Math.ceil((totalLength % blockSize) / d);
}

/** Bytes on disk of one bitrot-framed shard file: payload plus one hash per chunk. */
export function bitrotFileSize(totalLength: number, blockSize: number, d: number): number {
  const payload = shardFileSize(totalLength, blockSize, d);
  return payload + HASH_SIZE * Math.ceil(payload / shardSize(blockSize, d));
}

/** Number of erasure blocks in a part of `totalLength` bytes. */
export function blockCount(totalLength: number, blockSize: number): number {
  return Math.ceil(totalLength / blockSize);
}

/** Object bytes held by block `b` of a part of `totalLength` bytes. */
export function blockLength(b: number, totalLength: number, blockSize: number): number {
  return Math.min(blockSize, totalLength - b * blockSize);
}
