// MD5 of request bodies off the main thread. MD5 is inherently serial (~450 MB/s per core) and
// was the largest single cost of a large PUT on the thread that also cuts blocks and feeds the
// drives; a worker hashes a copy of each chunk while the main thread goes on. Small bodies are
// hashed in place: a worker round trip costs more than hashing them. Bounded: a stream that
// runs ahead of its worker waits.

/** Bodies at least this long (or of unknown length) are hashed in a worker. */
export const OFFLOAD_MIN_BYTES = 1 << 20;
/** Bytes a stream may have posted and not yet hashed before update() waits. */
const MAX_AHEAD = 8 << 20;
/** Chunks are gathered into buffers of this size (fewer messages), which the worker hands back. */
const BATCH = 1 << 20;
/** Recycled batch buffers kept (fresh ones cost page faults on first touch). */
const SPARE_BUFFERS = 32;

/** The worker: one CryptoHasher per stream id; hands each batch buffer back so the sender can pace itself and reuse it. */
const WORKER_SOURCE = `
const hashers = new Map();
self.onmessage = (e) => {
  const m = e.data;
  let h = hashers.get(m.id);
  if (!h) { h = new Bun.CryptoHasher("md5"); hashers.set(m.id, h); }
  if (m.buf) { h.update(new Uint8Array(m.buf, 0, m.len)); self.postMessage({ id: m.id, ack: m.len, buf: m.buf }, [m.buf]); }
  if (m.end) { hashers.delete(m.id); self.postMessage({ id: m.id, digest: m.abort ? null : new Uint8Array(h.digest()) }); }
};`;

/** One body's running MD5. */
export interface Md5Stream {
  /** Adds bytes (the caller may reuse `chunk` afterwards); may wait when the worker is behind. */
  update(chunk: Uint8Array): void | Promise<void>;
  digest(): Promise<Uint8Array>;
  /** Drops the stream (body failed). */
  abort(): void;
}

interface Pending {
  ahead: number;
  wake?: () => void;
  done?: (digest: Uint8Array | null) => void;
}

class InPlaceMd5 implements Md5Stream {
  readonly #h = new Bun.CryptoHasher("md5");
  update(chunk: Uint8Array): void {
    this.#h.update(chunk);
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.#h.digest());
  }
  abort(): void {}
}

export class Md5Offload {
  readonly #workers: Worker[] = [];
  readonly #streams = new Map<number, Pending>();
  readonly #url: string;
  readonly #spare: Uint8Array<ArrayBuffer>[] = [];
  #nextId = 1;

  constructor(readonly workers = 1) {
    this.#url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: "application/javascript" }));
  }

  #worker(id: number): Worker {
    const i = id % Math.max(1, this.workers);
    if (!this.#workers[i]) {
      const w = new Worker(this.#url);
      w.onmessage = (e: MessageEvent) => this.#onMessage(e.data);
      w.unref?.();
      this.#workers[i] = w;
    }
    return this.#workers[i];
  }

  #onMessage(m: { id: number; ack?: number; buf?: ArrayBuffer; digest?: Uint8Array | null }): void {
    if (m.buf && m.buf.byteLength === BATCH && this.#spare.length < SPARE_BUFFERS) this.#spare.push(new Uint8Array(m.buf));
    const s = this.#streams.get(m.id);
    if (!s) return;
    if (m.ack !== undefined) {
      s.ahead -= m.ack;
      if (s.ahead <= MAX_AHEAD && s.wake) {
        const wake = s.wake;
        s.wake = undefined;
        wake();
      }
    }
    if (m.digest !== undefined) {
      this.#streams.delete(m.id);
      s.done?.(m.digest);
    }
  }

  /** A stream for a body of `expectedSize` bytes (-1: unknown). */
  start(expectedSize: number): Md5Stream {
    if (expectedSize >= 0 && expectedSize < OFFLOAD_MIN_BYTES) return new InPlaceMd5();
    const id = this.#nextId++;
    const worker = this.#worker(id);
    const state: Pending = { ahead: 0 };
    this.#streams.set(id, state);
    let batch: Uint8Array<ArrayBuffer> | null = null;
    let fill = 0;
    let ended = false;
    const post = () => {
      if (!batch || fill === 0) return;
      state.ahead += fill;
      worker.postMessage({ id, buf: batch.buffer, len: fill }, [batch.buffer]);
      batch = null;
      fill = 0;
    };
    const end = (abort: boolean) => {
      ended = true;
      worker.postMessage({ id, end: true, abort });
    };
    return {
      update: (chunk) => {
        for (let off = 0; off < chunk.length; ) {
          batch ??= this.#spare.pop() ?? new Uint8Array(BATCH);
          const n = Math.min(BATCH - fill, chunk.length - off);
          batch.set(chunk.subarray(off, off + n), fill);
          fill += n;
          off += n;
          if (fill === BATCH) post();
        }
        if (state.ahead > MAX_AHEAD) return new Promise<void>((r) => (state.wake = r));
      },
      digest: () =>
        new Promise<Uint8Array>((resolve, reject) => {
          state.done = (d) => (d ? resolve(d) : reject(new Error("MD5 stream aborted")));
          post();
          end(false);
        }),
      abort: () => {
        if (!ended) end(true);
        state.wake?.();
      },
    };
  }

  close(): void {
    for (const w of this.#workers) w?.terminate();
    this.#workers.length = 0;
    for (const s of this.#streams.values()) s.done?.(null);
    this.#streams.clear();
    URL.revokeObjectURL(this.#url);
  }
}
