// ErasurePool: a fixed set of Bun workers, each with its own WASM kernel, running encode and
// decode jobs (Reed-Solomon + bitrot framing in one hop). Buffers move by transfer, the queue
// is bounded (a submit waits for room), a crashed worker is replaced and its job rejected.
import { type DecodeResult, type HashChoice, planBlocks } from "./block-codec.ts";
import { CodecError } from "./codec-error.ts";
import { checkLayout } from "./layout.ts";
import { type JobReply, type JobRequest, fromWire, transferables } from "./pool-protocol.ts";
import { defaultWorkerEntry } from "./worker-entry.ts";

export interface ErasurePoolOptions {
  /** Worker threads (default: navigator.hardwareConcurrency). */
  workers?: number;
  /** Jobs waiting for a free worker before submits wait too (default: 2 per worker). */
  maxQueued?: number;
  /** HighwayHash path: "auto" = native addon where it loads, else WASM; "wasm" forces WASM. */
  hash?: HashChoice;
  /** Worker entry point; tests pass a faulty one. Default: erasure-worker (see worker-entry.ts). */
  workerUrl?: string | URL;
}

export interface PoolDecodeOptions {
  /** Also return freshly framed segments for every shard that was null or corrupt. */
  rebuild?: boolean;
  /**
   * Hand over (detach) the ArrayBuffers of segments that span them whole instead of copying
   * them; other segments are always copied.
   */
  transfer?: boolean;
}

type JobBody = JobRequest extends infer J ? (J extends JobRequest ? Omit<J, "id" | "hash"> : never) : never;

interface Job {
  body: JobBody;
  transfer: ArrayBuffer[];
  resolve(reply: JobReply): void;
  reject(err: unknown): void;
}

interface Slot {
  worker: Worker;
  job: Job | null;
}

/** True when `v` covers its whole (non-shared) ArrayBuffer, so transferring it detaches nothing else. */
function spansBuffer(v: Uint8Array): boolean {
  return v.buffer instanceof ArrayBuffer && v.byteOffset === 0 && v.byteLength === v.buffer.byteLength && v.byteLength > 0;
}

/** Recycled buffers kept per size, and sizes kept. */
const BANK_DEPTH = 8;
const BANK_SIZES = 8;

/** Consecutive crashes without a finished job after which the pool stops respawning. */
const CRASH_LIMIT = 8;

export class ErasurePool {
  readonly size: number;
  readonly #maxQueued: number;
  readonly #hash: HashChoice;
  readonly #url: string | URL;
  readonly #slots: Slot[] = [];
  readonly #queue: Job[] = [];
  readonly #roomWaiters: (() => void)[] = [];
  /** Recycled ArrayBuffers by size: fresh ones cost page faults on first touch. */
  readonly #bank = new Map<number, ArrayBuffer[]>();
  #nextId = 1;
  #closed = false;
  #crashes = 0;

  constructor(opts: ErasurePoolOptions = {}) {
    this.size = Math.max(1, Math.floor(opts.workers ?? navigator.hardwareConcurrency ?? 1));
    this.#maxQueued = Math.max(1, Math.floor(opts.maxQueued ?? 2 * this.size));
    this.#hash = opts.hash ?? "auto";
    this.#url = opts.workerUrl ?? defaultWorkerEntry();
    for (let i = 0; i < this.size; i++) this.#slots.push(this.#spawn());
  }

  /** Jobs waiting for a worker (not counting the ones running). */
  get queued(): number {
    return this.#queue.length;
  }

  /**
   * Encodes consecutive blocks of a stream (only the last may be short) into d+p framed
   * segments (per block: 32-byte HighwayHash-256 of the shard chunk, then the chunk).
   * `data`'s ArrayBuffer is transferred (detached) when `data` spans all of it; otherwise
   * the bytes are copied. The segments are views of one ArrayBuffer.
   */
  async encode(d: number, p: number, blockSize: number, data: Uint8Array): Promise<Uint8Array[]> {
    checkLayout({ d, p, blockSize });
    const payload = spansBuffer(data) ? data : data.slice();
    const outBytes = (d + p) * planBlocks(payload.length, blockSize, d).segmentLength;
    const spare = this.#bank.get(outBytes)?.pop();
    const body: JobBody = { op: "encode", d, p, blockSize, data: payload, spares: spare ? [spare] : undefined };
    const reply = await this.#submit(body, transferables([payload]).concat(spare ? [spare] : []));
    if (!reply.ok || reply.op !== "encode") throw new CodecError("WorkerCrashed", "Unexpected reply to an encode job");
    if (reply.input) this.#deposit(reply.input);
    const { buffer, segmentLength } = reply;
    return Array.from({ length: d + p }, (_, i) => new Uint8Array(buffer, i * segmentLength, segmentLength));
  }

  /**
   * Verifies and decodes framed segments of the same blocks (null = shard unavailable) into
   * `dataLength` object bytes; see DecodeResult. Throws CodecError("Unrecoverable") with the
   * block and a lost shard when fewer than d shards verify.
   */
  async decode(
    d: number,
    p: number,
    blockSize: number,
    segments: (Uint8Array | null)[],
    dataLength: number,
    opts: PoolDecodeOptions = {},
  ): Promise<DecodeResult> {
    checkLayout({ d, p, blockSize });
    if (segments.length !== d + p) throw new CodecError("InvalidLayout", `Expected ${d + p} segments for ${d}+${p}, got ${segments.length}`);
    // Structured clone would copy a view's whole ArrayBuffer: send exact copies instead,
    // unless the caller lets us hand over buffers the segments span completely.
    const own = segments.map((s) => (s && !(opts.transfer && spansBuffer(s)) ? s.slice() : s));
    const body: JobBody = { op: "decode", d, p, blockSize, segments: own, dataLength, rebuild: opts.rebuild ?? false };
    const reply = await this.#submit(body, transferables(own));
    if (!reply.ok || reply.op !== "decode") throw new CodecError("WorkerCrashed", "Unexpected reply to a decode job");
    const result: DecodeResult = { data: reply.data, corrupt: reply.corrupt };
    if (reply.rebuilt) result.rebuilt = reply.rebuilt;
    return result;
  }

  /**
   * A block buffer of `bytes`, recycled from earlier encode inputs when one is free; pass it
   * whole to encode() and it comes back here once the worker has read it.
   */
  acquire(bytes: number): Uint8Array {
    const b = this.#bank.get(bytes)?.pop();
    return b ? new Uint8Array(b) : new Uint8Array(bytes);
  }

  /**
   * Gives back an encode result (or any buffer) the caller is done with, so later jobs fill
   * it instead of allocating. Nothing may read the segments after this.
   */
  release(segments: readonly Uint8Array[] | ArrayBuffer): void {
    const buffer = segments instanceof ArrayBuffer ? segments : segments[0]?.buffer;
    if (buffer instanceof ArrayBuffer && buffer.byteLength > 0) this.#deposit(buffer);
  }

  #deposit(buffer: ArrayBuffer): void {
    let list = this.#bank.get(buffer.byteLength);
    if (!list) {
      if (this.#bank.size >= BANK_SIZES) this.#bank.delete(this.#bank.keys().next().value!);
      this.#bank.set(buffer.byteLength, (list = []));
    }
    if (list.length < BANK_DEPTH) list.push(buffer);
  }

  /** Rejects queued and running jobs with CodecError("Closed") and stops the workers. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const closed = () => new CodecError("Closed", "The erasure pool was closed");
    for (const job of this.#queue.splice(0)) job.reject(closed());
    for (const wake of this.#roomWaiters.splice(0)) wake();
    const exits = this.#slots.map((slot) => {
      slot.job?.reject(closed());
      slot.job = null;
      const exited = new Promise<void>((res) => slot.worker.addEventListener("close", () => res(), { once: true }));
      slot.worker.terminate();
      return Promise.race([exited, Bun.sleep(1000)]);
    });
    await Promise.all(exits);
  }

  async #submit(body: JobBody, transfer: ArrayBuffer[]): Promise<JobReply> {
    while (!this.#closed && this.#queue.length >= this.#maxQueued) {
      await new Promise<void>((wake) => this.#roomWaiters.push(wake));
    }
    if (this.#closed) throw new CodecError("Closed", "The erasure pool is closed");
    const reply = await new Promise<JobReply>((resolve, reject) => {
      this.#queue.push({ body, transfer, resolve, reject });
      this.#pump();
    });
    if (!reply.ok) throw fromWire(reply.error);
    return reply;
  }

  /** Hands queued jobs to idle workers. */
  #pump(): void {
    for (const slot of this.#slots) {
      if (slot.job || this.#queue.length === 0) continue;
      const job = this.#queue.shift()!;
      this.#roomWaiters.shift()?.();
      slot.job = job;
      slot.worker.ref();
      const msg = { ...job.body, id: this.#nextId++, hash: this.#hash } as JobRequest;
      try {
        slot.worker.postMessage(msg, job.transfer);
      } catch (e) {
        slot.job = null;
        job.reject(new CodecError("InvalidLayout", "Cannot hand the job to a worker", { cause: e }));
      }
    }
  }

  #spawn(): Slot {
    const worker = new Worker(this.#url);
    const slot: Slot = { worker, job: null };
    worker.unref();
    worker.onmessage = (ev: MessageEvent<JobReply>) => {
      const job = slot.job;
      slot.job = null;
      worker.unref();
      this.#crashes = 0;
      job?.resolve(ev.data);
      this.#pump();
    };
    worker.onerror = (ev: ErrorEvent) => this.#crashed(slot, ev.message || "uncaught error");
    worker.addEventListener("close", () => this.#crashed(slot, "worker exited"));
    return slot;
  }

  /** Replaces a dead worker, failing the job it was running. */
  #crashed(slot: Slot, reason: string): void {
    const at = this.#slots.indexOf(slot);
    if (at === -1 || this.#closed) return;
    slot.worker.terminate();
    const job = slot.job;
    slot.job = null;
    job?.reject(new CodecError("WorkerCrashed", `Erasure worker ${at} crashed while running a job: ${reason}`));
    if (++this.#crashes > CRASH_LIMIT) {
      for (const j of this.#queue.splice(0)) j.reject(new CodecError("WorkerCrashed", `Erasure workers keep crashing: ${reason}`));
      for (const wake of this.#roomWaiters.splice(0)) wake();
    }
    this.#slots[at] = this.#spawn();
    this.#pump();
  }
}
