// ShardStream: consecutive framed blocks of one shard taken from ONE forward byte stream (a
// drive's ranged read), so a GET or a heal asks each drive for one stream per part instead of
// one read per block. Chunks may have any size: a block that is a whole chunk is that chunk,
// one inside a chunk is a view of it, one across chunks is copied out.
import { CodecError } from "./codec-error.ts";

const readerOf = (s: ReadableStream<Uint8Array>) => s.getReader();

export class ShardStream {
  readonly #end: number;
  readonly #open: Promise<ReadableStream<Uint8Array>>;
  #reader: ReturnType<typeof readerOf> | null = null;
  /** Framed offset of the next byte the stream will hand out. */
  #pos: number;
  /** End of the last take() accepted: takes are served in the order they were asked. */
  #reserved: number;
  /** Unread rest of the current chunk. */
  #chunk: Uint8Array | null = null;
  /** The previous take; the next one starts when it settles. */
  #tail: Promise<unknown> = Promise.resolve();
  #failure: unknown = null;

  /** `open` yields the bytes [start, end) of the shard's framed file. */
  constructor(open: Promise<ReadableStream<Uint8Array>>, start: number, end: number) {
    this.#open = open;
    this.#pos = this.#reserved = start;
    this.#end = end;
    // until the first take awaits it, a failed open must not become an unhandled rejection
    open.catch(() => {});
  }

  /** Whether take(offset, length) may be asked: ahead of every earlier take, inside the range, not failed. */
  accepts(offset: number, length: number): boolean {
    return this.#failure === null && offset >= this.#reserved && offset + length <= this.#end;
  }

  /**
   * The framed bytes [offset, offset+length), skipping what lies between the previous take and
   * `offset`. Once the stream fails, this and every later take fail with the same error.
   */
  take(offset: number, length: number): Promise<Uint8Array> {
    if (!this.accepts(offset, length))
      return Promise.reject(this.#failure ?? new CodecError("InvalidLayout", `Shard stream cannot go back to ${offset} or past ${this.#end}`));
    this.#reserved = offset + length;
    const run = this.#tail.then(() => this.#take(offset, length));
    this.#tail = run.catch(() => {});
    return run;
  }

  /** Stops the stream (the drive closes its file); pending and later takes fail. */
  cancel(reason: unknown): void {
    this.#failure ??= reason;
    this.#chunk = null;
    if (this.#reader) void this.#reader.cancel(reason).catch(() => {});
    else void this.#open.then((s) => s.cancel(reason)).catch(() => {});
  }

  async #take(offset: number, length: number): Promise<Uint8Array> {
    try {
      if (this.#failure !== null) throw this.#failure;
      this.#reader ??= readerOf(await this.#open);
      while (this.#pos < offset) {
        const c = await this.#current();
        const n = Math.min(c.length, offset - this.#pos);
        this.#consume(c, n);
      }
      const c = await this.#current();
      if (c.length >= length) {
        this.#consume(c, length);
        return c.length === length ? c : c.subarray(0, length);
      }
      const out = new Uint8Array(length);
      for (let filled = 0; filled < length; ) {
        const part = await this.#current();
        const n = Math.min(part.length, length - filled);
        out.set(n === part.length ? part : part.subarray(0, n), filled);
        this.#consume(part, n);
        filled += n;
      }
      return out;
    } catch (err) {
      this.cancel(err);
      throw this.#failure;
    }
  }

  /** The unread rest of the current chunk, reading the next one when it is used up. */
  async #current(): Promise<Uint8Array> {
    while (!this.#chunk || this.#chunk.length === 0) {
      if (this.#failure !== null) throw this.#failure;
      const { done, value } = await this.#reader!.read();
      if (this.#failure !== null) throw this.#failure;
      if (done) throw new CodecError("Truncated", `Shard stream ended at ${this.#pos} of ${this.#end} bytes`);
      this.#chunk = value;
    }
    return this.#chunk;
  }

  #consume(c: Uint8Array, n: number): void {
    this.#pos += n;
    this.#chunk = n === c.length ? null : c.subarray(n);
  }
}
