// Erasure-codes one request body onto the drives of a set (a PUT body or a multipart part):
// MD5 and length are taken on the way through, each drive gets its shard as a staged file
// (or in memory for inline objects), and failing drives are dropped while write quorum holds.
import { SYSTEM_VOLUME } from "../../disk/index.ts";
import { CodecError, bitrotFileSize, erasureEncode, type Md5Stream, type ShardSink } from "../../ec/index.ts";
import { ObjectError } from "../object-error.ts";
import type { SetContext } from "./context.ts";
import { DriveShardWriter, InlineShardCollector } from "./shard-io.ts";
import { writeQuorum } from "../quorum.ts";

export interface Layout {
  /** Data shards. */
  d: number;
  /** Parity shards. */
  p: number;
  blockSize: number;
  /** EcDist: 1-based shard number per drive position. */
  distribution: number[];
}

export interface EncodeResult {
  size: number;
  md5: Uint8Array;
  /** Inline shard bytes per drive position (inline writes only). */
  inline: (Uint8Array | null)[] | null;
  /** Drive positions that did not get their shard. */
  failed: Set<number>;
}

export interface EncodeOptions {
  /** Exact body length or -1. */
  expectedSize: number;
  /** Keep the shards in memory (for xl.meta) instead of writing files. */
  inline: boolean;
  /** Path under .minio.sys where each drive's shard file is staged. */
  stagingPath: string;
  signal?: AbortSignal;
}

/** Passes the body through while counting bytes and hashing MD5; enforces the declared size. */
function measured(body: ReadableStream<Uint8Array>, expected: number, md5: Md5Stream, out: { size: number; md5?: Uint8Array }): ReadableStream<Uint8Array> {
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      async transform(chunk, ctl) {
        out.size += chunk.length;
        if (expected >= 0 && out.size > expected) throw new ObjectError("InvalidArgument", `Body is longer than the declared ${expected} bytes`);
        await md5.update(chunk);
        ctl.enqueue(chunk);
      },
      async flush() {
        if (expected >= 0 && out.size < expected) throw new ObjectError("IncompleteBody", `Body ended after ${out.size} of ${expected} bytes`);
        out.md5 = await md5.digest();
      },
    }),
  );
}

/**
 * A body that fits in one block, encoded in one pool job: read whole into an exact buffer and
 * hashed in place. Skips the streaming cutter, which gives every stream a full-block buffer —
 * a page-faulting 1 MiB allocation that dominated small PUTs. Returns the failed shard indexes.
 */
async function encodeOneBlock(
  ctx: SetContext,
  layout: Layout,
  body: ReadableStream<Uint8Array>,
  size: number,
  md5: Md5Stream,
  sinks: (ShardSink | null)[],
  wq: number,
  out: { size: number; md5?: Uint8Array },
): Promise<number[]> {
  const data = new Uint8Array(size);
  for await (const chunk of body) {
    if (out.size + chunk.length > size) throw new ObjectError("InvalidArgument", `Body is longer than the declared ${size} bytes`);
    data.set(chunk, out.size);
    out.size += chunk.length;
    await md5.update(chunk);
  }
  if (out.size < size) throw new ObjectError("IncompleteBody", `Body ended after ${out.size} of ${size} bytes`);
  out.md5 = await md5.digest();
  const segments = await ctx.codec.encode(layout.d, layout.p, layout.blockSize, data);
  const failed: number[] = [];
  try {
    await Promise.all(sinks.map((sink, i) => sink?.write(segments[i]).catch(() => void failed.push(i))));
  } finally {
    ctx.codec.release(segments);
  }
  if (sinks.filter(Boolean).length - failed.length < wq)
    throw new ObjectError("WriteQuorum", `Fewer than ${wq} of ${sinks.length} drives could store the data`);
  return failed.sort((a, b) => a - b);
}

export async function encodeBody(ctx: SetContext, layout: Layout, body: ReadableStream<Uint8Array>, opts: EncodeOptions): Promise<EncodeResult> {
  const n = ctx.drives.length;
  const wq = writeQuorum(layout.d, layout.p);
  const fileSize = opts.expectedSize >= 0 ? bitrotFileSize(opts.expectedSize, layout.blockSize, layout.d) : -1;
  const sinks: (ShardSink | null)[] = new Array(n).fill(null);
  const writers: (DriveShardWriter | InlineShardCollector | null)[] = new Array(n).fill(null);
  ctx.drives.forEach((drive, pos) => {
    if (!drive || !ctx.health.isUp(pos)) return;
    const w = opts.inline ? new InlineShardCollector() : new DriveShardWriter(drive, SYSTEM_VOLUME, opts.stagingPath, fileSize, ctx.health.guardFor(pos));
    writers[pos] = w;
    sinks[layout.distribution[pos] - 1] = w;
  });
  const measure = { size: 0, md5: undefined as Uint8Array | undefined };
  const abortAll = (err: unknown) => {
    for (const w of writers) if (w instanceof DriveShardWriter) w.abort(err);
  };
  let failedShards: number[];
  const md5 = ctx.md5.start(opts.expectedSize);
  try {
    if (opts.expectedSize > 0 && opts.expectedSize <= layout.blockSize) {
      failedShards = await encodeOneBlock(ctx, layout, body, opts.expectedSize, md5, sinks, wq, measure);
    } else {
      const res = await erasureEncode(
        ctx.codec,
        { d: layout.d, p: layout.p, blockSize: layout.blockSize },
        measured(body, opts.expectedSize, md5, measure),
        sinks,
        wq,
        { signal: opts.signal },
      );
      failedShards = res.failed;
    }
  } catch (err) {
    await body.cancel(err).catch(() => {});
    md5.abort();
    abortAll(err);
    throw encodeFailure(err, n, wq);
  }
  const failed = new Set<number>();
  writers.forEach((w, pos) => {
    if (!w || failedShards.includes(layout.distribution[pos] - 1)) failed.add(pos);
  });
  await Promise.all(
    writers.map(async (w, pos) => {
      if (!(w instanceof DriveShardWriter) || failed.has(pos)) return;
      await w.close().catch(() => failed.add(pos));
    }),
  );
  if (n - failed.size < wq) {
    throw new ObjectError("WriteQuorum", `Only ${n - failed.size} of ${n} drives stored the data; ${wq} needed`);
  }
  const inline = opts.inline ? writers.map((w, pos) => (w instanceof InlineShardCollector && !failed.has(pos) ? w.bytes() : null)) : null;
  return { size: measure.size, md5: measure.md5!, inline, failed };
}

function encodeFailure(err: unknown, n: number, wq: number): unknown {
  if (err instanceof CodecError) {
    if (err.kind === "QuorumLost") return new ObjectError("WriteQuorum", `Fewer than ${wq} of ${n} drives could store the data`, { cause: err });
    if (err.cause !== undefined && !(err.cause instanceof CodecError)) return err.cause;
  }
  return err;
}
