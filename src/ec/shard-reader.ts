// ShardReader: reads the framed bytes of one block from the shard sources a read needs,
// data shards first, stepping past sources that are null, throw, or were found corrupt.
// Shared by erasureDecode and erasureHeal; it never verifies (the pool job does).
import { CodecError } from "./codec-error.ts";
import { HASH_SIZE, type Layout, blockLength, shardSize } from "./layout.ts";

/** Random access to one shard's framed file (offset/length in framed bytes). */
export interface ShardSource {
  read(offset: number, length: number): Promise<Uint8Array>;
}

export class ShardReader {
  /** Shards that were null or whose read threw. */
  readonly missing = new Set<number>();
  /** Shards with a chunk that failed verification. */
  readonly corrupt = new Set<number>();
  readonly #sources: (ShardSource | null)[];
  readonly #layout: Layout;
  readonly #totalLength: number;

  constructor(layout: Layout, sources: (ShardSource | null)[], totalLength: number) {
    const n = layout.d + layout.p;
    if (sources.length !== n) throw new CodecError("InvalidLayout", `Expected ${n} shard sources, got ${sources.length}`);
    this.#layout = layout;
    this.#sources = sources;
    this.#totalLength = totalLength;
    sources.forEach((s, i) => s || this.missing.add(i));
  }

  usable(i: number): boolean {
    return !this.missing.has(i) && !this.corrupt.has(i);
  }

  /**
   * Framed bytes of block b from `want` usable shards (lowest indexes first, skipping
   * `exclude`), or from every usable one when want is Infinity. Fewer → Unrecoverable.
   */
  async readBlock(b: number, want: number, exclude: ReadonlySet<number> = new Set()): Promise<(Uint8Array | null)[]> {
    const { d, blockSize } = this.#layout;
    const offset = b * (shardSize(blockSize, d) + HASH_SIZE);
    const length = HASH_SIZE + Math.ceil(blockLength(b, this.#totalLength, blockSize) / d);
    const segments: (Uint8Array | null)[] = this.#sources.map(() => null);
    let got = 0;
    for (let i = 0; i < this.#sources.length && got < want; ) {
      // read as many shards at once as are still needed
      const batch: number[] = [];
      for (; i < this.#sources.length && batch.length < want - got; i++) {
        if (this.usable(i) && !exclude.has(i)) batch.push(i);
      }
      const reads = await Promise.allSettled(batch.map((k) => this.#sources[k]!.read(offset, length)));
      reads.forEach((r, k) => {
        if (r.status === "fulfilled") {
          segments[batch[k]] = r.value;
          got++;
        } else this.missing.add(batch[k]);
      });
    }
    if (got < Math.min(want, d)) {
      const lost = [...this.missing, ...this.corrupt].sort((x, y) => x - y);
      throw new CodecError("Unrecoverable", `Cannot read block ${b}: only ${got} shards readable, ${d} needed (missing or corrupt: ${lost.join(", ")})`, {
        block: b,
        shard: lost[0],
      });
    }
    return segments;
  }

  /** Sorted lists for callers that heal. */
  report(): { corrupt: number[]; missing: number[] } {
    const sorted = (s: Set<number>) => [...s].sort((x, y) => x - y);
    return { corrupt: sorted(this.corrupt), missing: sorted(this.missing) };
  }
}
