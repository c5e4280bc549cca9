// Adapters between the codec's abstract shard sinks/sources and drives: a sink that streams
// framed segments into Drive.createFile (with backpressure and a per-write deadline), a sink
// that collects an inline shard in memory, and sources over a part file or inline bytes.
import { DriveError, type Drive } from "../disk/index.ts";
import type { ShardSink, ShardSource } from "../ec/index.ts";
import type { Guard } from "./drive-health.ts";

/** Streams segments into one drive file; `close()` resolves once the file is complete. */
export class DriveShardWriter implements ShardSink {
  readonly #writer: WritableStreamDefaultWriter<Uint8Array>;
  readonly #done: Promise<void>;
  #failure: unknown = null;

  constructor(
    readonly drive: Drive,
    volume: string,
    path: string,
    size: number,
    readonly guard: Guard,
  ) {
    const pipe = new TransformStream<Uint8Array, Uint8Array>(undefined, { highWaterMark: 2 }, { highWaterMark: 0 });
    this.#writer = pipe.writable.getWriter();
    this.#done = drive.createFile(volume, path, size, pipe.readable);
    this.#done.catch((err) => {
      this.#failure ??= err;
      this.#writer.abort(err).catch(() => {});
    });
  }

  async write(segment: Uint8Array): Promise<void> {
    if (this.#failure) throw this.#failure;
    // The codec reuses `segment` once we return, while the drive may still be writing it.
    const own = segment.slice();
    const wrote = (async () => {
      await this.#writer.ready;
      await this.#writer.write(own);
    })();
    try {
      await this.guard(wrote, () => `${this.drive.endpoint}: shard write missed the drive deadline`);
    } catch (err) {
      this.#failure ??= err;
      this.#writer.abort(err).catch(() => {});
      throw this.#failure;
    }
  }

  /** Ends the stream and waits for the drive to finish the file. */
  async close(): Promise<void> {
    if (this.#failure) throw this.#failure;
    await this.#writer.close().catch(() => {});
    await this.guard(this.#done, () => `${this.drive.endpoint}: shard file did not complete within the drive deadline`);
  }

  /** Gives up on the file (the drive removes the partial file). */
  abort(reason: unknown): void {
    this.#failure ??= reason;
    this.#writer.abort(reason).catch(() => {});
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

/** Framed shard bytes from a part file on a drive. */
export function driveShardSource(drive: Drive, volume: string, path: string, guard: Guard): ShardSource {
  return {
    read: (offset, length) => guard(drive.readFile(volume, path, offset, length), () => `${drive.endpoint}: read of "${volume}/${path}" missed the drive deadline`),
  };
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
