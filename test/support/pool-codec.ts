// ErasurePool seen as an ErasureCodec, so the Reed-Solomon contract suite (test/cases/
// reed-solomon.cases.ts) also runs through the workers: one block per call, shards framed with
// their HighwayHash like the shard files, parity and lost shards taken from the pool's answer.
import { HASH_SIZE, highwayHash256, type ErasurePool, type ReconstructOptions } from "../../src/ec/index.ts";
import { checkShards } from "../../src/ec/shards.ts";
import type { AnyCodec } from "../cases/reed-solomon.cases.ts";

export class PoolCodec implements AnyCodec {
  constructor(
    readonly pool: ErasurePool,
    readonly d: number,
    readonly p: number,
  ) {}

  async encode(shards: Uint8Array[]): Promise<void> {
    // The codec's argument rules first (the pool never sees separate shards).
    const size = checkShards(shards, this.d, this.p);
    const block = new Uint8Array(this.d * size);
    for (let i = 0; i < this.d && i < shards.length; i++) block.set(shards[i], i * size);
    // An empty block has no bytes to encode (and the pool refuses a zero block size).
    if (size === 0) return;
    const segments = await this.pool.encode(this.d, this.p, block.length, block);
    for (let i = this.d; i < this.d + this.p; i++) shards[i].set(segments[i].subarray(HASH_SIZE));
    this.pool.release(segments);
  }

  async reconstruct(shards: (Uint8Array | null)[], opts: ReconstructOptions = {}): Promise<void> {
    const size = checkShards(shards, this.d, this.p);
    if (shards.every((s) => s !== null)) return;
    const framed = shards.map((s) => (s ? frame(s) : null));
    const length = this.d * Math.max(size, 0);
    const got = await this.pool.decode(this.d, this.p, Math.max(length, 1), framed, length, { rebuild: true });
    shards.forEach((s, i) => {
      if (s !== null || (opts.dataOnly && i >= this.d)) return;
      shards[i] = i < this.d ? got.data.slice(i * size, (i + 1) * size) : got.rebuilt![i]!.slice(HASH_SIZE);
    });
  }
}

/** A shard as it sits in a shard file: HighwayHash-256 of the chunk, then the chunk. */
function frame(shard: Uint8Array): Uint8Array {
  const out = new Uint8Array(HASH_SIZE + shard.length);
  out.set(highwayHash256(shard));
  out.set(shard, HASH_SIZE);
  return out;
}
