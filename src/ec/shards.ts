// What every Reed-Solomon implementation here shares: the codec interface, MinIO's block
// split (ceil(len/d) per shard, zero padding at the end), and argument checks.
import { CodecError, checkCode } from "./codec-error.ts";

export interface ReconstructOptions {
  /** Rebuild only missing data shards (MinIO ReconstructData); parity entries stay null. */
  dataOnly?: boolean;
}

/** A Reed-Solomon codec over GF(2^8) with MinIO's matrix; all shards of a call share one length. */
export interface ErasureCodec {
  readonly d: number;
  readonly p: number;
  /** Fills shards d..d+p-1 from shards 0..d-1. */
  encode(shards: Uint8Array[]): void;
  /** Fills the null entries (only data ones with dataOnly) from any d present shards. */
  reconstruct(shards: (Uint8Array | null)[], opts?: ReconstructOptions): void;
}

/** Splits one block into d data shards of ceil(len/d) bytes (zero padded) plus p zeroed parity shards. */
export function splitBlock(block: Uint8Array, d: number, p: number): Uint8Array[] {
  checkCode(d, p);
  const size = Math.ceil(block.length / d);
  const all = new Uint8Array(size * (d + p));
  all.set(block);
  return Array.from({ length: d + p }, (_, i) => all.subarray(i * size, (i + 1) * size));
}

/** Checks the shard array shape and returns the common shard length. */
export function checkShards(shards: readonly (Uint8Array | null)[], d: number, p: number): number {
  if (shards.length !== d + p) {
    throw new CodecError("InvalidLayout", `Expected ${d + p} shards for ${d}+${p}, got ${shards.length}`);
  }
  let len = -1;
  shards.forEach((s, i) => {
    if (!s) return;
    if (len === -1) len = s.length;
    else if (s.length !== len) {
      throw new CodecError("InvalidLayout", `Shard ${i} has ${s.length} bytes, expected ${len}`, { shard: i });
    }
  });
  return len;
}

/** Indexes to rebuild and the first d present shards to rebuild them from. */
export function planReconstruct(shards: readonly (Uint8Array | null)[], d: number, dataOnly: boolean): { sources: number[]; targets: number[] } {
  const sources: number[] = [];
  const targets: number[] = [];
  shards.forEach((s, i) => {
    if (s) {
      if (sources.length < d) sources.push(i);
    } else if (i < d || !dataOnly) targets.push(i);
  });
  if (targets.length > 0 && sources.length < d) {
    throw new CodecError("Unrecoverable", `Cannot rebuild shards: only ${sources.length} of ${shards.length} present, ${d} needed`);
  }
  return { sources, targets };
}
