// erasureDecode: framed shard sources → the object bytes of one range. Reads only the blocks
// covering the range, data shards first (no reconstruction while they are good), and falls
// back to other shards when a read throws or a chunk fails verification. Shard streams are
// closed however the read ends.
import { CodecError } from "./codec-error.ts";
import { type StreamOptions, throwIfAborted } from "./erasure-encode.ts";
import type { ErasurePool } from "./erasure-pool.ts";
import { type Layout, checkLayout } from "./layout.ts";
import { type ShardSource, ShardReader } from "./shard-reader.ts";

/** The pool numbers blocks from 0 within a job; callers want the block of the part. */
export function atBlock(e: CodecError, b: number): CodecError {
  const msg = e.message.replace(/^Cannot decode block \d+/, `Cannot decode block ${b}`);
  return new CodecError(e.kind, msg, { block: b, shard: e.shard, cause: e });
}

/** Decodes block b: d shards first; on failure, again with every usable shard. */
async function decodeBlock(pool: ErasurePool, reader: ShardReader, layout: Layout, b: number, dataLength: number): Promise<Uint8Array> {
  const { d, p, blockSize } = layout;
  for (let attempt = 0; ; attempt++) {
    const segments = await reader.readBlock(b, attempt === 0 ? d : Infinity);
    try {
      const r = await pool.decode(d, p, blockSize, segments, dataLength, { transfer: true });
      for (const c of r.corrupt) reader.corrupt.add(c);
      return r.data;
    } catch (e) {
      if (!(e instanceof CodecError) || e.kind !== "Unrecoverable") throw e;
      if (attempt > 0) throw atBlock(e, b);
      // Some of the d chunks failed verification; the retry verifies them again and reports them.
    }
  }
}

/**
 * Writes [offset, offset+length) of the part to `write`, in order. Every chunk is a view of a
 * buffer this call created (decoded by a worker and transferred here): the caller owns it alone
 * and may keep it or free it once written.
 */
export async function erasureDecode(
  pool: ErasurePool,
  layout: Layout,
  sources: (ShardSource | null)[],
  totalLength: number,
  offset: number,
  length: number,
  write: (chunk: Uint8Array) => void | Promise<void>,
  opts: StreamOptions = {},
): Promise<{ corrupt: number[]; missing: number[] }> {
  checkLayout(layout);
  if (!(offset >= 0 && length >= 0 && offset + length <= totalLength && Number.isSafeInteger(offset + length))) {
    throw new CodecError("InvalidLayout", `Cannot read range ${offset}+${length} of a ${totalLength}-byte part`);
  }
  if (length === 0) return new ShardReader(layout, sources, totalLength).report();
  const { blockSize } = layout;
  const first = Math.floor(offset / blockSize);
  const last = Math.floor((offset + length - 1) / blockSize);
  const reader = new ShardReader(layout, sources, totalLength, { first, last });
  const maxInflight = pool.size + 1;
  const inflight: Promise<Uint8Array>[] = [];
  const start = (b: number) => {
    const job = decodeBlock(pool, reader, layout, b, Math.min(blockSize, totalLength - b * blockSize));
    job.catch(() => {}); // awaited in order below; avoid an unhandled rejection meanwhile
    inflight.push(job);
  };
  let next = first;
  try {
    for (let b = first; b <= last; b++) {
      while (next <= last && inflight.length < maxInflight) start(next++);
      throwIfAborted(opts.signal);
      const data = await inflight.shift()!;
      const from = b === first ? offset - b * blockSize : 0;
      const to = b === last ? offset + length - b * blockSize : data.length;
      await write(from === 0 && to === data.length ? data : data.subarray(from, to));
    }
  } finally {
    // done, failed or abandoned by the client: no shard stream stays open
    reader.close();
  }
  return reader.report();
}
