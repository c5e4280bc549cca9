// Messages between ErasurePool and its workers, and the worker side of the protocol
// (serveJobs): run each job on the worker's own BlockCodec and post the result back with
// its buffers transferred. Errors cross as plain data and become CodecErrors again.
import { BlockCodec, type HashChoice } from "./block-codec.ts";
import { CodecError, type CodecErrorKind } from "./codec-error.ts";

export type JobRequest =
  | { id: number; op: "encode"; hash: HashChoice; d: number; p: number; blockSize: number; data: Uint8Array }
  | {
      id: number;
      op: "decode";
      hash: HashChoice;
      d: number;
      p: number;
      blockSize: number;
      segments: (Uint8Array | null)[];
      dataLength: number;
      rebuild: boolean;
    };

export interface WireError {
  kind?: CodecErrorKind;
  message: string;
  shard?: number;
  block?: number;
}

export type JobReply =
  | { id: number; ok: true; op: "encode"; buffer: ArrayBuffer; segmentLength: number }
  | { id: number; ok: true; op: "decode"; data: Uint8Array; corrupt: number[]; rebuilt?: (Uint8Array | null)[] }
  | { id: number; ok: false; error: WireError };

export function toWire(e: unknown): WireError {
  if (e instanceof CodecError) return { kind: e.kind, message: e.message, shard: e.shard, block: e.block };
  return { message: e instanceof Error ? e.message : String(e) };
}

export function fromWire(w: WireError): CodecError {
  return new CodecError(w.kind ?? "WorkerCrashed", w.message, { shard: w.shard, block: w.block });
}

/** Buffers a message can hand over without copying: each distinct whole ArrayBuffer once. */
export function transferables(views: readonly (Uint8Array | null | undefined)[]): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  for (const v of views) {
    if (v && v.buffer instanceof ArrayBuffer && v.byteLength > 0) out.add(v.buffer);
  }
  return [...out];
}

export function runJob(codecs: Map<HashChoice, BlockCodec>, job: JobRequest): { reply: JobReply; transfer: ArrayBuffer[] } {
  let codec = codecs.get(job.hash);
  if (!codec) codecs.set(job.hash, (codec = new BlockCodec(job.hash)));
  if (job.op === "encode") {
    const r = codec.encode(job.d, job.p, job.blockSize, job.data);
    return { reply: { id: job.id, ok: true, op: "encode", ...r }, transfer: [r.buffer] };
  }
  const r = codec.decode(job.d, job.p, job.blockSize, job.segments, job.dataLength, job.rebuild);
  const reply: JobReply = { id: job.id, ok: true, op: "decode", data: r.data, corrupt: r.corrupt };
  if (r.rebuilt) reply.rebuilt = r.rebuilt;
  return { reply, transfer: transferables([r.data, ...(r.rebuilt ?? [])]) };
}

/** Worker side: answers every JobRequest posted to `scope`, one at a time. */
export function serveJobs(scope: { onmessage: unknown; postMessage(msg: unknown, transfer?: ArrayBuffer[]): void }): void {
  const codecs = new Map<HashChoice, BlockCodec>();
  scope.onmessage = (ev: MessageEvent<JobRequest>) => {
    const job = ev.data;
    try {
      const { reply, transfer } = runJob(codecs, job);
      scope.postMessage(reply, transfer);
    } catch (e) {
      scope.postMessage({ id: job.id, ok: false, error: toWire(e) } satisfies JobReply);
    }
  };
}
