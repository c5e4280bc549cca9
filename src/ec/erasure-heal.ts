// erasureHeal: rebuilds whole framed shard streams for the shard indexes that have a sink,
// from the good sources (verified chunk by chunk), block by block and in order; a source that
// streams is read through one stream for the whole part.
import { CodecError } from "./codec-error.ts";
import { atBlock } from "./erasure-decode.ts";
import { type ShardSink, type StreamOptions, throwIfAborted } from "./erasure-encode.ts";
import type { ErasurePool } from "./erasure-pool.ts";
import { type Layout, blockCount, checkLayout } from "./layout.ts";
import { type ShardSource, ShardReader } from "./shard-reader.ts";

async function healBlock(pool: ErasurePool, reader: ShardReader, layout: Layout, b: number, len: number, targets: Set<number>) {
  const { d, p, blockSize } = layout;
  for (let attempt = 0; ; attempt++) {
    // never read a shard being rebuilt: it is passed as null so the job re-frames it
    const segments = await reader.readBlock(b, attempt === 0 ? d : Infinity, targets);
    try {
      const r = await pool.decode(d, p, blockSize, segments, len, { rebuild: true, transfer: true });
      for (const c of r.corrupt) reader.corrupt.add(c);
      return r.rebuilt!;
    } catch (e) {
      if (!(e instanceof CodecError) || e.kind !== "Unrecoverable") throw e;
      if (attempt > 0) throw atBlock(e, b);
    }
  }
}

export async function erasureHeal(
  pool: ErasurePool,
  layout: Layout,
  sources: (ShardSource | null)[],
  sinks: (ShardSink | null)[],
  totalLength: number,
  opts: StreamOptions = {},
): Promise<{ corrupt: number[]; missing: number[]; failed: number[] }> {
  checkLayout(layout);
  const { d, p, blockSize } = layout;
  if (sinks.length !== d + p) throw new CodecError("InvalidLayout", `Expected ${d + p} shard sinks, got ${sinks.length}`);
  const reader = new ShardReader(layout, sources, totalLength);
  const live = sinks.slice();
  const targets = new Set(live.flatMap((s, i) => (s ? [i] : [])));
  const failed: number[] = [];
  const blocks = blockCount(totalLength, blockSize);
  const inflight: Promise<(Uint8Array | null)[]>[] = [];
  let next = 0;
  try {
    for (let b = 0; b < blocks && live.some(Boolean); b++) {
      while (next < blocks && inflight.length < pool.size + 1) {
        const job = healBlock(pool, reader, layout, next, Math.min(blockSize, totalLength - next * blockSize), targets);
        job.catch(() => {});
        inflight.push(job);
        next++;
      }
      throwIfAborted(opts.signal);
      const rebuilt = await inflight.shift()!;
      await Promise.all(
        live.map(async (sink, i) => {
          if (!sink) return;
          try {
            await sink.write(rebuilt[i]!);
          } catch {
            live[i] = null;
            failed.push(i);
          }
        }),
      );
    }
  } finally {
    // healed, failed or stopped early (every sink gone): no shard stream stays open
    reader.close();
  }
  return { ...reader.report(), failed: failed.sort((x, y) => x - y) };
}
