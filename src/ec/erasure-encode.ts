// erasureEncode: object stream → blocks → pool (RS + bitrot framing) → one framed stream per
// shard sink. Several blocks are in flight, but each sink is written strictly in order;
// a sink that throws is dropped, and the write fails once fewer than writeQuorum remain.
import { CodecError } from "./codec-error.ts";
import type { EncodeBatch } from "./encode-batch.ts";
import type { ErasurePool } from "./erasure-pool.ts";
import { type Layout, checkLayout } from "./layout.ts";

/**
 * Where one shard's framed bytes go (a drive's part file, an inline buffer, …). The segment
 * may be a view of pool memory (a SharedArrayBuffer) that the next job overwrites once
 * write() resolves: copy it if you need it longer.
 */
export interface ShardSink {
  write(segment: Uint8Array): Promise<void>;
}

export interface StreamOptions {
  signal?: AbortSignal;
}

export type ByteSource = ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CodecError("Aborted", "The erasure stream was aborted", { cause: signal.reason });
}

/** Writes segment i of every batch to sink i, in batch order; tracks sinks that failed. */
class SinkSet {
  readonly failed: number[] = [];
  readonly #sinks: (ShardSink | null)[];
  readonly #quorum: number;

  constructor(sinks: (ShardSink | null)[], quorum: number) {
    this.#sinks = sinks.slice();
    this.#quorum = quorum;
    this.#check();
  }

  async write(segments: Uint8Array[]): Promise<void> {
    await Promise.all(
      this.#sinks.map(async (sink, i) => {
        if (!sink) return;
        try {
          await sink.write(segments[i]);
        } catch {
          this.#sinks[i] = null; // never written again
          this.failed.push(i);
        }
      }),
    );
    this.#check();
  }

  #check(): void {
    const live = this.#sinks.filter(Boolean).length;
    if (live < this.#quorum) {
      throw new CodecError("QuorumLost", `Cannot keep writing: ${live} shard sinks left, ${this.#quorum} needed`, {
        shard: this.failed.at(-1),
      });
    }
  }
}

/**
 * Blocks per pool job. Measured (4+2, 1 MiB blocks, 5 interleaved runs): 4 blocks per job
 * streamed within noise of 1 (median 1.70 vs 1.60 GB/s with one worker, 1.88 vs 1.85 with
 * two) while holding 4× the memory per stream (pool.size + 1 arenas of ~1.6 MB per block).
 */
const BLOCKS_PER_JOB = 1;

export async function erasureEncode(
  pool: ErasurePool,
  layout: Layout,
  source: ByteSource,
  sinks: (ShardSink | null)[],
  writeQuorum: number,
  opts: StreamOptions = {},
): Promise<{ size: number; failed: number[] }> {
  checkLayout(layout);
  const { d, p, blockSize } = layout;
  if (sinks.length !== d + p) throw new CodecError("InvalidLayout", `Expected ${d + p} shard sinks, got ${sinks.length}`);
  throwIfAborted(opts.signal);
  const out = new SinkSet(sinks, writeQuorum);
  const inflight: Promise<Uint8Array[]>[] = [];
  const maxInflight = pool.size + 1;
  const cutter = new BatchCutter(
    source,
    () => pool.batch(layout, BLOCKS_PER_JOB * blockSize),
    (batch) => pool.release(batch),
  );
  let size = 0;
  const drainOne = async () => {
    const segments = await inflight.shift()!;
    await out.write(segments);
    pool.release(segments); // ShardSink contract: a segment is not used after write() resolves
  };
  try {
    for (let batch = await cutter.next(); batch; batch = await cutter.next()) {
      throwIfAborted(opts.signal);
      size += batch.length;
      inflight.push(pool.encodeBatch(batch));
      while (inflight.length >= maxInflight) await drainOne();
    }
    while (inflight.length > 0) {
      throwIfAborted(opts.signal);
      await drainOne();
    }
    return { size, failed: out.failed.sort((a, b) => a - b) };
  } catch (e) {
    for (const job of inflight) job.catch(() => {}); // results nobody will write
    await cutter.cancel();
    throw e;
  }
}

/**
 * Cuts a byte stream into encode batches (see EncodeBatch): the stream's bytes are copied once,
 * straight to where the worker encodes them.
 */
class BatchCutter {
  readonly #it: AsyncIterator<Uint8Array>;
  readonly #alloc: () => EncodeBatch;
  readonly #free: (batch: EncodeBatch) => void;
  #carry: Uint8Array | undefined;

  constructor(source: ByteSource, alloc: () => EncodeBatch, free: (batch: EncodeBatch) => void) {
    this.#it = (source as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
    this.#alloc = alloc;
    this.#free = free;
  }

  /** The next batch (full, or holding the end of the stream), or null at the end of the stream. */
  async next(): Promise<EncodeBatch | null> {
    const batch = this.#alloc();
    while (batch.length < batch.capacity) {
      if (!this.#carry) {
        let r: IteratorResult<Uint8Array>;
        try {
          r = await this.#it.next();
        } catch (e) {
          this.#free(batch);
          throw new CodecError("SourceFailed", "Cannot read the object stream", { cause: e });
        }
        if (r.done) break;
        this.#carry = r.value;
      }
      const took = batch.write(this.#carry);
      this.#carry = took < this.#carry.length ? this.#carry.subarray(took) : undefined;
    }
    if (batch.length === 0) {
      this.#free(batch);
      return null;
    }
    return batch;
  }

  /** Stops the source (cancels a ReadableStream) after a failure. */
  async cancel(): Promise<void> {
    await this.#it.return?.().catch(() => {});
  }
}
