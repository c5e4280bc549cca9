// ErasurePool: a fixed set of Bun workers, each with its own WASM kernel, running encode and
// decode jobs (Reed-Solomon + bitrot framing in one hop). Encode jobs run in shared arenas, decode
// buffers move by transfer; the queue is bounded, a crashed worker is replaced, its jobs rejected.
import { type Arena, ArenaBank } from "./arena-bank.ts";
import { BlockCodec, type DecodeResult, type HashChoice, planBlocks } from "./block-codec.ts";
import { CodecError } from "./codec-error.ts";
import { ARENA_DATA, EncodeBatch, type KernelGeometry, kernelGeometry } from "./encode-batch.ts";
import { type Layout, checkLayout } from "./layout.ts";
import { type ForgetRequest, type JobReply, type JobRequest, fromWire, toWire, transferables } from "./pool-protocol.ts";
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
  /** Bytes of free encode arenas kept for reuse (default: 8 MiB per worker, at least 16 MiB). */
  arenaBytes?: number;
  /**
   * Decode jobs of at most this many object bytes run on the calling thread (default
   * IN_THREAD_DECODE_BYTES; 0 sends every job to a worker).
   */
  inThreadBytes?: number;
}

export interface PoolDecodeOptions {
  /** Also return freshly framed segments for every shard that was null or corrupt. */
  rebuild?: boolean;
  /**
   * Hand over (detach) the ArrayBuffers of segments that span them whole instead of copying
   * them; other segments are always copied. Small jobs decoded on the calling thread (see
   * inThreadBytes) neither copy nor detach: the caller must not count on either.
   */
  transfer?: boolean;
}

type JobBody = JobRequest extends infer J ? (J extends JobRequest ? Omit<J, "id" | "hash" | "buffer" | "memory"> : never) : never;

interface Job {
  body: JobBody;
  transfer: ArrayBuffer[];
  /** An encode job's arena, sent along the first time a worker runs a job in it. */
  arena?: Arena;
  resolve(reply: JobReply): void;
  reject(err: unknown): void;
}

interface Slot {
  worker: Worker;
  /** Jobs posted to the worker, oldest (running) first; it answers them in order. */
  jobs: Job[];
  /** Ids of the arenas this worker holds. */
  known: Set<number>;
}

/** True when `v` covers its whole (non-shared) ArrayBuffer, so transferring it detaches nothing else. */
function spansBuffer(v: Uint8Array): boolean {
  return v.buffer instanceof ArrayBuffer && v.byteOffset === 0 && v.byteLength === v.buffer.byteLength && v.byteLength > 0;
}

/** Bytes of the framed segments of `length` object bytes. */
function framedBytes(layout: Layout, length: number): number {
  return (layout.d + layout.p) * planBlocks(length, layout.blockSize, layout.d).segmentLength;
}

/**
 * Jobs posted to a worker at once: the next job waits in the worker's message queue, so the
 * worker does not idle for a round trip through the main thread (~70–100 µs) between jobs.
 */
const JOBS_PER_WORKER = 2;

/**
 * Framed bytes from which a job runs in place in a kernel arena. Below, copying in and out of
 * a worker's own kernel costs microseconds, less than a kernel instance per arena and worker.
 */
const IN_PLACE_BYTES = 256 * 1024;

/**
 * Decodes up to this size run on the calling thread: a worker hop costs that thread more than
 * the decode itself (2+2, native HighwayHash, calling-thread CPU per job in-thread vs through a
 * worker: 4 KiB 10 vs 33 µs, 64 KiB 37 vs 71 µs, 256 KiB 111 vs 178 µs), and it adds latency.
 */
const IN_THREAD_DECODE_BYTES = 256 * 1024;

/** Consecutive crashes without a finished job after which the pool stops respawning. */
const CRASH_LIMIT = 8;

export class ErasurePool {
  readonly size: number;
  readonly #maxQueued: number;
  readonly #hash: HashChoice;
  readonly #url: string | URL;
  readonly #inThreadBytes: number;
  /** The calling thread's codec for small decodes, created on first use. */
  #local: BlockCodec | undefined;
  readonly #slots: Slot[] = [];
  readonly #queue: Job[] = [];
  readonly #roomWaiters: (() => void)[] = [];
  /** Encode arenas, recycled: fresh memory costs page faults on first touch. */
  readonly #arenas: ArenaBank;
  /** Arenas gone from this thread, still to be dropped by the workers holding them. */
  #gone: number[] = [];
  #nextId = 1;
  #closed = false;
  #crashes = 0;

  constructor(opts: ErasurePoolOptions = {}) {
    this.size = Math.max(1, Math.floor(opts.workers ?? navigator.hardwareConcurrency ?? 1));
    this.#maxQueued = Math.max(1, Math.floor(opts.maxQueued ?? 2 * this.size));
    this.#hash = opts.hash ?? "auto";
    this.#url = opts.workerUrl ?? defaultWorkerEntry();
    this.#inThreadBytes = opts.inThreadBytes ?? IN_THREAD_DECODE_BYTES;
    this.#arenas = new ArenaBank(opts.arenaBytes ?? Math.max(16, 8 * this.size) * 2 ** 20, (id) => this.#forget(id));
    for (let i = 0; i < this.size; i++) this.#slots.push(this.#spawn());
  }

  /** Jobs waiting for a worker (not counting the ones running). */
  get queued(): number {
    return this.#queue.length;
  }

  /**
   * Encodes consecutive blocks of a stream (only the last may be short) into d+p framed
   * segments (per block: 32-byte HighwayHash-256 of the shard chunk, then the chunk). The
   * segments are views of one shared arena, valid until given back with release() (one never
   * released is left to the garbage collector). `data` is copied into the arena, unless it
   * starts a buffer from acquire(): that is read in place and its memory holds the segments.
   */
  async encode(d: number, p: number, blockSize: number, data: Uint8Array): Promise<Uint8Array[]> {
    const layout = { d, p, blockSize };
    checkLayout(layout);
    const acquired = this.#arenas.of(data);
    const inPlace = acquired?.state === "input" && acquired.kind === "plain" && data.byteOffset === 0;
    if (inPlace && acquired.buffer.byteLength >= framedBytes(layout, data.length)) return this.#run(acquired, layout, null, data.length);
    const batch = this.batch(layout, data.length);
    batch.write(data);
    if (inPlace) this.#arenas.give(acquired); // too small for the segments: copied instead
    return this.encodeBatch(batch);
  }

  /**
   * An empty encode job for up to `capacity` object bytes: write() the stream into it (the
   * bytes land where the worker computes), then encodeBatch(). One never submitted may be
   * given back with release().
   */
  batch(layout: Layout, capacity: number): EncodeBatch {
    checkLayout(layout);
    if (framedBytes(layout, capacity) < IN_PLACE_BYTES) {
      const arena = this.#arenas.take("plain", Math.max(capacity, framedBytes(layout, capacity)), "input");
      return new EncodeBatch(arena, layout, capacity, null);
    }
    const geometry = kernelGeometry(layout, Math.max(1, Math.ceil(capacity / layout.blockSize)));
    return new EncodeBatch(this.#arenas.take("kernel", geometry.bytes, "input"), layout, capacity, geometry);
  }

  /** Encodes what was written to `batch`; see encode(). The batch cannot be written again. */
  encodeBatch(batch: EncodeBatch): Promise<Uint8Array[]> {
    return this.#run(batch.arena, batch.layout, batch.geometry, batch.length);
  }

  async #run(arena: Arena, layout: Layout, g: KernelGeometry | null, length: number): Promise<Uint8Array[]> {
    const { d, p, blockSize } = layout;
    if (arena.state !== "input") throw new CodecError("InvalidLayout", "Cannot submit an encode batch twice");
    arena.state = "busy";
    const blocks = g ? g.stride / g.frame : 0;
    let reply: JobReply;
    try {
      reply = await this.#submit({ op: "encode", d, p, blockSize, arena: arena.id, blocks, length }, [], arena);
    } catch (e) {
      // A worker that crashed or was stopped may still write to the arena as it dies.
      if (e instanceof CodecError && e.kind !== "WorkerCrashed" && e.kind !== "Closed") this.#arenas.give(arena);
      throw e;
    }
    if (!reply.ok || reply.op !== "encode") throw new CodecError("WorkerCrashed", "Unexpected reply to an encode job");
    arena.state = "output";
    const seg = reply.segmentLength;
    const at = (i: number) => (g ? ARENA_DATA + i * g.stride : i * seg);
    return Array.from({ length: d + p }, (_, i) => new Uint8Array(arena.buffer, at(i), seg));
  }

  /**
   * Verifies and decodes framed segments of the same blocks (null = shard unavailable) into
   * `dataLength` object bytes; see DecodeResult. Throws CodecError("Unrecoverable") with the
   * block and a lost shard when fewer than d shards verify. `data` (and `rebuilt`) are new
   * buffers the caller owns alone, whether a worker or (small jobs) this thread decoded them.
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
    if (dataLength <= this.#inThreadBytes) return this.#decodeHere(d, p, blockSize, segments, dataLength, opts.rebuild ?? false);
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

  /** A small decode on this thread; errors take the shape a worker's would (see fromWire). */
  #decodeHere(d: number, p: number, blockSize: number, segments: (Uint8Array | null)[], dataLength: number, rebuild: boolean): DecodeResult {
    if (this.#closed) throw new CodecError("Closed", "The erasure pool is closed");
    this.#local ??= new BlockCodec(this.#hash);
    try {
      return this.#local.decode(d, p, blockSize, segments, dataLength, rebuild);
    } catch (e) {
      throw fromWire(toWire(e));
    }
  }

  /**
   * A buffer for `bytes` of encode input, in a shared arena: fill it and pass it (or a prefix
   * of it) to encode(), which reads it in place and writes the segments over it. Give
   * `layout` so the arena has room for the segments too (else encode() copies). A buffer not
   * passed to encode() may be given back with release().
   */
  acquire(bytes: number, layout?: Layout): Uint8Array {
    const room = layout ? Math.max(bytes, framedBytes(layout, bytes)) : bytes;
    return new Uint8Array(this.#arenas.take("plain", room, "input").buffer, 0, bytes);
  }

  /**
   * Gives back encode segments (or an acquired buffer, or a batch never submitted) the caller
   * is done with, so later jobs reuse their memory. Nothing may read them after this. Other
   * buffers are ignored.
   */
  release(segments: readonly Uint8Array[] | Uint8Array | ArrayBuffer | EncodeBatch): void {
    if (segments instanceof EncodeBatch) return void (segments.arena.state === "input" && this.#arenas.give(segments.arena));
    const view = segments instanceof Uint8Array ? segments : segments instanceof ArrayBuffer ? undefined : segments[0];
    const arena = view && this.#arenas.of(view);
    if (arena && (arena.state === "input" || arena.state === "output")) this.#arenas.give(arena);
  }

  /** Rejects queued and running jobs with CodecError("Closed") and stops the workers. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const closed = () => new CodecError("Closed", "The erasure pool was closed");
    for (const job of this.#queue.splice(0)) job.reject(closed());
    for (const wake of this.#roomWaiters.splice(0)) wake();
    const exits = this.#slots.map((slot) => {
      for (const job of slot.jobs.splice(0)) job.reject(closed());
      const exited = new Promise<void>((res) => slot.worker.addEventListener("close", () => res(), { once: true }));
      slot.worker.terminate();
      return Promise.race([exited, Bun.sleep(1000)]);
    });
    await Promise.all(exits);
  }

  async #submit(body: JobBody, transfer: ArrayBuffer[], arena?: Arena): Promise<JobReply> {
    while (!this.#closed && this.#queue.length >= this.#maxQueued) {
      await new Promise<void>((wake) => this.#roomWaiters.push(wake));
    }
    if (this.#closed) throw new CodecError("Closed", "The erasure pool is closed");
    const reply = await new Promise<JobReply>((resolve, reject) => {
      this.#queue.push({ body, transfer, arena, resolve, reject });
      this.#pump();
    });
    if (!reply.ok) throw fromWire(reply.error);
    return reply;
  }

  /** Hands queued jobs to workers, idle ones first. */
  #pump(): void {
    for (let load = 0; load < JOBS_PER_WORKER; load++) {
      for (const slot of this.#slots) {
        if (slot.jobs.length === load && this.#queue.length > 0) this.#post(slot, this.#queue.shift()!);
      }
    }
  }

  #post(slot: Slot, job: Job): void {
    this.#roomWaiters.shift()?.();
    const msg = { ...job.body, id: this.#nextId++, hash: this.#hash } as JobRequest;
    const first = job.arena !== undefined && !slot.known.has(job.arena.id);
    if (first && msg.op === "encode") {
      if (job.arena!.memory) msg.memory = job.arena!.memory;
      else msg.buffer = job.arena!.buffer;
    }
    try {
      slot.worker.postMessage(msg, job.transfer);
    } catch (e) {
      job.reject(new CodecError("InvalidLayout", "Cannot hand the job to a worker", { cause: e }));
      return;
    }
    if (first) slot.known.add(job.arena!.id);
    slot.jobs.push(job);
    slot.worker.ref();
  }

  /**
   * An arena was garbage-collected here (let go by the bank, or never released): the workers
   * holding it drop it too. FinalizationRegistry calls come one by one, so ids are batched.
   */
  #forget(id: number): void {
    if (this.#closed || this.#gone.push(id) > 1) return;
    queueMicrotask(() => {
      const ids = this.#gone;
      this.#gone = [];
      for (const slot of this.#slots) {
        const held = ids.filter((i) => slot.known.delete(i));
        if (held.length > 0) slot.worker.postMessage({ op: "forget", arenas: held } satisfies ForgetRequest);
      }
    });
  }

  #spawn(): Slot {
    const worker = new Worker(this.#url);
    const slot: Slot = { worker, jobs: [], known: new Set() };
    worker.unref();
    worker.onmessage = (ev: MessageEvent<JobReply>) => {
      const job = slot.jobs.shift();
      if (slot.jobs.length === 0) worker.unref();
      this.#crashes = 0;
      job?.resolve(ev.data);
      this.#pump();
    };
    worker.onerror = (ev: ErrorEvent) => this.#crashed(slot, ev.message || "uncaught error");
    worker.addEventListener("close", () => this.#crashed(slot, "worker exited"));
    return slot;
  }

  /** Replaces a dead worker, failing the jobs posted to it (the running one and the next). */
  #crashed(slot: Slot, reason: string): void {
    const at = this.#slots.indexOf(slot);
    if (at === -1 || this.#closed) return;
    slot.worker.terminate();
    for (const job of slot.jobs.splice(0)) job.reject(new CodecError("WorkerCrashed", `Erasure worker ${at} crashed while running a job: ${reason}`));
    if (++this.#crashes > CRASH_LIMIT) {
      for (const j of this.#queue.splice(0)) j.reject(new CodecError("WorkerCrashed", `Erasure workers keep crashing: ${reason}`));
      for (const wake of this.#roomWaiters.splice(0)) wake();
    }
    this.#slots[at] = this.#spawn();
    this.#pump();
  }
}
