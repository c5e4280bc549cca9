// Adapters between the codec's abstract shard sinks/sources and drives: a sink that streams
// framed segments into Drive.createFile (zero-copy, paced by the drive, with a deadline per
// write), a sink that collects an inline shard in memory, and sources over a part file (ranged
// reads and streams, under the drive deadline) or inline bytes.
import { DriveError, type Drive } from "../../disk/index.ts";
import type { ShardSink, ShardSource } from "../../ec/index.ts";
import type { Guard } from "./drive-health.ts";

/**
 * Streams segments into one drive file; `close()` resolves once the file is complete. Zero-copy:
 * a segment is handed to the drive as it is, and write() resolves only when the drive asks for
 * the next chunk — by the Drive contract it is then done with this one — so the codec may
 * recycle the segment's memory as soon as write() returns.
 */
export class DriveShardWriter implements ShardSink {
  readonly #done: Promise<void>;
  #controller!: ReadableStreamDefaultController<Uint8Array>;
  #failure: unknown = null;
  /** The drive is waiting for a chunk (a read is pending). */
  #demanded = false;
  #onDemand: (() => void) | null = null;
  #fulfil: (() => void) | null = null;

  constructor(
    readonly drive: Drive,
    volume: string,
    path: string,
    size: number,
    readonly guard: Guard,
  ) {
    const body = new ReadableStream<Uint8Array>(
      {
        start: (c) => void (this.#controller = c),
        pull: () =>
          new Promise<void>((resolve) => {
            this.#fulfil = resolve;
            this.#demanded = true;
            this.#wake();
          }),
        cancel: (reason) => this.#fail(reason ?? new DriveError("Faulty", `${drive.endpoint}: stopped reading the shard`)),
      },
      { highWaterMark: 0 },
    );
    this.#done = drive.createFile(volume, path, size, body);
    this.#done.catch((err) => this.#fail(err));
  }

  #wake(): void {
    const w = this.#onDemand;
    this.#onDemand = null;
    w?.();
  }

  #fail(err: unknown): void {
    this.#failure ??= err;
    this.#wake();
  }

  /** Resolves when the drive asks for a chunk (or fails). */
  async #demand(): Promise<void> {
    while (!this.#demanded && !this.#failure) await new Promise<void>((r) => (this.#onDemand = r));
    if (this.#failure) throw this.#failure;
  }

  async write(segment: Uint8Array): Promise<void> {
    if (this.#failure) throw this.#failure;
    try {
      await this.guard(this.#demand(), () => `${this.drive.endpoint}: shard write missed the drive deadline`);
      this.#demanded = false;
      this.#controller.enqueue(segment);
      this.#fulfil?.();
      // The drive asking for the next chunk means it is done with this one.
      await this.guard(this.#demand(), () => `${this.drive.endpoint}: shard write missed the drive deadline`);
    } catch (err) {
      this.abort(err);
      throw this.#failure;
    }
  }

  /** Ends the stream and waits for the drive to finish the file. */
  async close(): Promise<void> {
    if (this.#failure) throw this.#failure;
    await this.guard(this.#demand(), () => `${this.drive.endpoint}: shard file did not complete within the drive deadline`);
    this.#controller.close();
    this.#fulfil?.();
    await this.guard(this.#done, () => `${this.drive.endpoint}: shard file did not complete within the drive deadline`);
  }

  /** Gives up on the file (the drive removes the partial file). */
  abort(reason: unknown): void {
    if (this.#failure && this.#failure !== reason) return;
    this.#fail(reason);
    try {
      this.#controller.error(reason);
    } catch {
      // already closed or errored
    }
  }
}

/** Collects one shard's framed segments in memory (inline objects). */
export class InlineShardCollector implements ShardSink {
  #parts: Uint8Array[] = [];
  #size = 0;

  async write(segment: Uint8Array): Promise<void> {
    this.#parts.push(segment.slice()); // the codec reuses `segment` after we return
    this.#size += segment.length;
  }

  bytes(): Uint8Array {
    if (this.#parts.length === 1) return this.#parts[0];
    const out = new Uint8Array(this.#size);
    let off = 0;
    for (const p of this.#parts) {
      out.set(p, off);
      off += p.length;
    }
    return out;
  }
}

/**
 * Framed shard bytes from a part file on a drive: one block by readFile, or a run of blocks by
 * one readFileStream. Opening the stream and every chunk it yields are held to the drive
 * deadline like a readFile: a drive that stops answering mid-stream is taken out of service
 * and its stream cancelled (the file closed).
 */
export function driveShardSource(drive: Drive, volume: string, path: string, guard: Guard): ShardSource {
  const late = () => `${drive.endpoint}: read of "${volume}/${path}" missed the drive deadline`;
  return {
    read: (offset, length) => guard(drive.readFile(volume, path, offset, length), late),
    stream: async (offset, length, chunk) => guardedStream(await guard(drive.readFileStream(volume, path, offset, length, { chunk }), late), guard, late),
  };
}

/** `source` with every read under `guard`; a read that fails or misses the deadline cancels the source. */
function guardedStream(source: ReadableStream<Uint8Array>, guard: Guard, late: () => string): ReadableStream<Uint8Array> {
  const reader = source.getReader();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        let next: Awaited<ReturnType<typeof reader.read>>;
        try {
          next = await guard(reader.read(), late);
        } catch (err) {
          void reader.cancel(err).catch(() => {});
          throw err;
        }
        if (next.done) controller.close();
        else controller.enqueue(next.value);
      },
      cancel: (reason) => reader.cancel(reason),
    },
    // the drive's stream already reads one chunk ahead; this one only passes chunks on
    { highWaterMark: 0 },
  );
}

/** Framed shard bytes held inline in xl.meta. */
export function inlineShardSource(data: Uint8Array): ShardSource {
  return {
    read: async (offset, length) => {
      if (offset + length > data.length) throw new DriveError("Corrupt", `inline shard has ${data.length} bytes, wanted ${offset + length}`);
      return data.subarray(offset, offset + length);
    },
  };
}
