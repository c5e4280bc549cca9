// ShardReader: reads the framed bytes of one block from the shard sources a read needs,
// data shards first, stepping past sources that are null, throw, or were found corrupt.
// Sources that can stream are read through one stream each for the rest of the window.
// Shared by erasureDecode and erasureHeal; it never verifies (the pool job does).
import { CodecError } from "./codec-error.ts";
import { HASH_SIZE, type Layout, blockCount, blockLength, shardSize } from "./layout.ts";
import { ShardStream } from "./shard-stream.ts";

/** One shard's framed file (offset/length in framed bytes). */
export interface ShardSource {
  /** Random access: one block, or a block read again after the stream moved past it. */
  read(offset: number, length: number): Promise<Uint8Array>;
  /**
   * A forward stream over [offset, offset+length), opened once where a read covers more than
   * one block; `chunk` is the framed block size (chunks of that size are handed on without a
   * copy). Its failure makes the shard missing from that block on.
   */
  stream?(offset: number, length: number, chunk: number): Promise<ReadableStream<Uint8Array>>;
}

/** Why reads fail after close() when no stream was open (shared: no stack trace per GET). */
const CLOSED = new CodecError("Aborted", "The shard reader was closed");

/** Blocks [first, last] of a part a reader serves (streams end at the last one). */
export interface BlockWindow {
  first: number;
  last: number;
}

export class ShardReader {
  /** Shards that were null or whose read threw. */
  readonly missing = new Set<number>();
  /** Shards with a chunk that failed verification. */
  readonly corrupt = new Set<number>();
  readonly #sources: (ShardSource | null)[];
  readonly #streams: (ShardStream | null)[];
  readonly #layout: Layout;
  readonly #totalLength: number;
  readonly #last: number;
  #closed: unknown = null;

  constructor(layout: Layout, sources: (ShardSource | null)[], totalLength: number, window?: BlockWindow) {
    const n = layout.d + layout.p;
    if (sources.length !== n) throw new CodecError("InvalidLayout", `Expected ${n} shard sources, got ${sources.length}`);
    this.#layout = layout;
    this.#sources = sources;
    this.#streams = sources.map(() => null);
    this.#totalLength = totalLength;
    this.#last = window?.last ?? blockCount(totalLength, layout.blockSize) - 1;
    sources.forEach((s, i) => s || this.missing.add(i));
  }

  /** Framed offset and length of block b in every shard file. */
  #frame(b: number): { offset: number; length: number } {
    const { d, blockSize } = this.#layout;
    return { offset: b * (shardSize(blockSize, d) + HASH_SIZE), length: HASH_SIZE + Math.ceil(blockLength(b, this.#totalLength, blockSize) / d) };
  }

  /** Block b of shard k: from its stream when the stream is still ahead, else one random read. */
  #read(k: number, b: number, offset: number, length: number): Promise<Uint8Array> {
    if (this.#closed !== null) return Promise.reject(this.#closed);
    const source = this.#sources[k]!;
    let s = this.#streams[k];
    if (!s && source.stream && b < this.#last) {
      const end = this.#frame(this.#last);
      const length = end.offset + end.length - offset;
      const open = Promise.resolve().then(() => source.stream!(offset, length, shardSize(this.#layout.blockSize, this.#layout.d) + HASH_SIZE));
      s = this.#streams[k] = new ShardStream(open, offset, offset + length);
    }
    return s?.accepts(offset, length) ? s.take(offset, length) : source.read(offset, length);
  }

  /** Cancels every open stream (a read that ended, failed or was abandoned); later reads fail. */
  close(reason?: unknown): void {
    // no error (and its stack trace) for the common read that opened no stream
    this.#closed ??= reason ?? (this.#streams.some(Boolean) ? new CodecError("Aborted", "The shard reader was closed") : CLOSED);
    for (const s of this.#streams) s?.cancel(this.#closed);
  }

  usable(i: number): boolean {
    return !this.missing.has(i) && !this.corrupt.has(i);
  }

  /**
   * Framed bytes of block b from `want` usable shards (lowest indexes first, skipping
   * `exclude`), or from every usable one when want is Infinity. Fewer → Unrecoverable.
   */
  async readBlock(b: number, want: number, exclude: ReadonlySet<number> = new Set()): Promise<(Uint8Array | null)[]> {
    const { d } = this.#layout;
    const { offset, length } = this.#frame(b);
    const segments: (Uint8Array | null)[] = this.#sources.map(() => null);
    let got = 0;
    for (let i = 0; i < this.#sources.length && got < want; ) {
      // read as many shards at once as are still needed
      const batch: number[] = [];
      for (; i < this.#sources.length && batch.length < want - got; i++) {
        if (this.usable(i) && !exclude.has(i)) batch.push(i);
      }
      const reads = await Promise.allSettled(batch.map((k) => this.#read(k, b, offset, length)));
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
