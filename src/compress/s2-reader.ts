// The S2 stream reader: a push parser over arbitrary input pieces that verifies each chunk's
// masked CRC-32C, skips padding/index/skippable chunks without buffering them, and can drop the
// first N uncompressed bytes (Reader.Skip) without decoding the chunks it passes over.
import { CompressError } from "./compress-error.ts";
import { decodeS2BlockInto, s2DecodedLength } from "./s2-block-decode.ts";
import {
  CHECKSUM_SIZE,
  CHUNK_COMPRESSED,
  CHUNK_HEADER_SIZE,
  CHUNK_STREAM_ID,
  CHUNK_UNCOMPRESSED,
  FIRST_SKIPPABLE_CHUNK,
  S2_MAX_BLOCK_SIZE,
  S2_STREAM_IDENTIFIER,
  SNAPPY_MAGIC_BODY,
  SNAPPY_MAX_BLOCK_SIZE,
  concat,
  getUint32LE,
  maskedCrc32c,
  s2MaxEncodedLength,
} from "./s2-frame.ts";

/** Plaintext the reader hands out: always in buffers it allocated. */
type Bytes = Uint8Array<ArrayBuffer>;

export interface S2ReaderOptions {
  /** Uncompressed bytes to drop before output starts (after an index seek: offset − uncompressedOffset). */
  skip?: number;
  /** The input starts at a chunk boundary inside a stream (a seek), not at the stream identifier. */
  ignoreStreamIdentifier?: boolean;
  /** Largest decoded block accepted; default 4 MiB (S2's maximum). */
  maxBlockSize?: number;
}

/** Push-style S2 stream decompressor: push() returns plaintext pieces, end() checks the stream ended cleanly. */
export class S2Reader {
  readonly #maxBlock: number;
  readonly #maxChunk: number;
  #skip: number;
  #sawIdentifier: boolean;
  #snappy = false;
  readonly #header = new Uint8Array(CHUNK_HEADER_SIZE);
  #headerHave = 0;
  #type = 0;
  /** Body bytes still to drop of a skippable chunk. */
  #skippable = 0;
  /** Body of a data chunk split across pushes, and how much of it has arrived. */
  #body: Uint8Array | null = null;
  #bodyHave = 0;
  /** Compressed bytes consumed, for error messages. */
  #consumed = 0;
  #produced = 0;
  #failed: CompressError | null = null;

  constructor(options: S2ReaderOptions = {}) {
    const skip = options.skip ?? 0;
    if (!Number.isSafeInteger(skip) || skip < 0) throw new CompressError("InvalidArgument", `Cannot skip ${skip} bytes of an S2 stream`);
    this.#skip = skip;
    this.#sawIdentifier = options.ignoreStreamIdentifier === true;
    this.#maxBlock = options.maxBlockSize ?? S2_MAX_BLOCK_SIZE;
    this.#maxChunk = s2MaxEncodedLength(this.#maxBlock) + CHECKSUM_SIZE;
  }

  /** Uncompressed bytes passed so far, skipped ones included. */
  get position(): number {
    return this.#produced;
  }

  /**
   * Feeds compressed bytes and yields the plaintext they complete, one block (≤ 4 MiB) per step,
   * decoding lazily: a few KiB of input can hold gigabytes of zeros, so streaming callers pull.
   * Drain it before the next decode() or end(), and leave `input` unchanged until then.
   */
  *decode(input: Uint8Array): Generator<Bytes, void, undefined> {
    if (this.#failed) throw this.#failed;
    try {
      yield* this.#decode(input);
    } catch (err) {
      this.#failed = err instanceof CompressError ? err : new CompressError("Corrupt", "Cannot decode the S2 stream", { cause: err });
      throw this.#failed;
    }
  }

  /** decode() collected into an array: for inputs whose plaintext is known to be small. */
  push(input: Uint8Array): Bytes[] {
    return Array.from(this.decode(input));
  }

  /** Declares the input finished; throws Truncated inside a chunk or before the requested skip. */
  end(): void {
    if (this.#failed) throw this.#failed;
    if (this.#headerHave > 0 || this.#body !== null || this.#skippable > 0) {
      this.#failed = new CompressError("Truncated", `Cannot decode the S2 stream: it ends inside a chunk at byte ${this.#consumed}`);
      throw this.#failed;
    }
    if (this.#skip > 0) {
      this.#failed = new CompressError("Truncated", `Cannot skip to uncompressed byte ${this.#produced + this.#skip}: the stream ends at ${this.#produced}`);
      throw this.#failed;
    }
  }

  *#decode(input: Uint8Array): Generator<Bytes, void, undefined> {
    let p = 0;
    const n = input.length;
    while (p < n) {
      if (this.#skippable > 0) {
        const k = Math.min(this.#skippable, n - p);
        this.#skippable -= k;
        p += k;
        this.#consumed += k;
        continue;
      }
      if (this.#body !== null) {
        const body = this.#body;
        const k = Math.min(body.length - this.#bodyHave, n - p);
        body.set(input.subarray(p, p + k), this.#bodyHave);
        this.#bodyHave += k;
        p += k;
        if (this.#bodyHave < body.length) continue;
        this.#body = null;
        const data = this.#chunk(body, true);
        this.#consumed += body.length;
        if (data) yield data;
        continue;
      }
      if (this.#headerHave < CHUNK_HEADER_SIZE) {
        if (this.#headerHave === 0 && n - p >= CHUNK_HEADER_SIZE) {
          this.#header.set(input.subarray(p, p + CHUNK_HEADER_SIZE));
          this.#headerHave = CHUNK_HEADER_SIZE;
          p += CHUNK_HEADER_SIZE;
        } else {
          this.#header[this.#headerHave++] = input[p++];
          if (this.#headerHave < CHUNK_HEADER_SIZE) continue;
        }
        this.#consumed += CHUNK_HEADER_SIZE;
      }
      const len = this.#startChunk();
      this.#headerHave = 0;
      if (len < 0) continue;
      if (n - p >= len) {
        // The whole body is here: decode straight from the input.
        const data = this.#chunk(input.subarray(p, p + len), false);
        p += len;
        this.#consumed += len;
        if (data) yield data;
      } else {
        this.#body = new Uint8Array(len);
        this.#bodyHave = 0;
      }
    }
  }

  /** Checks a chunk header; returns the body length to collect, or −1 for a skippable chunk. */
  #startChunk(): number {
    const h = this.#header;
    const type = h[0];
    const len = h[1] | (h[2] << 8) | (h[3] << 16);
    const at = this.#consumed - CHUNK_HEADER_SIZE;
    if (!this.#sawIdentifier && type !== CHUNK_STREAM_ID) {
      throw new CompressError("Corrupt", `Cannot decode the S2 stream: it starts with chunk type 0x${type.toString(16)}, not the stream identifier`);
    }
    this.#type = type;
    if (type === CHUNK_COMPRESSED || type === CHUNK_UNCOMPRESSED) {
      if (len < CHECKSUM_SIZE)
        throw new CompressError("Corrupt", `Cannot decode the S2 stream: the chunk at byte ${at} is ${len} bytes, shorter than its checksum`);
      if (len > this.#maxChunk)
        throw new CompressError("Corrupt", `Cannot decode the S2 stream: the chunk at byte ${at} is ${len} bytes, over the block limit`);
      return len;
    }
    if (type === CHUNK_STREAM_ID) {
      if (len !== S2_STREAM_IDENTIFIER.length - CHUNK_HEADER_SIZE)
        throw new CompressError("Corrupt", `Cannot decode the S2 stream: the stream identifier at byte ${at} is ${len} bytes`);
      return len;
    }
    if (type < FIRST_SKIPPABLE_CHUNK)
      throw new CompressError("Unsupported", `Cannot decode the S2 stream: reserved chunk type 0x${type.toString(16)} at byte ${at}`);
    this.#skippable = len;
    return -1;
  }

  /** Handles one complete chunk body and returns its plaintext, if any; `owned`: the body buffer is ours, no copy needed. */
  #chunk(body: Uint8Array, owned: boolean): Bytes | null {
    const at = this.#consumed - CHUNK_HEADER_SIZE;
    if (this.#type === CHUNK_STREAM_ID) {
      this.#sawIdentifier = true;
      if (sameBytes(body, S2_STREAM_IDENTIFIER, CHUNK_HEADER_SIZE)) this.#snappy = false;
      else if (sameBytes(body, SNAPPY_MAGIC_BODY, 0)) this.#snappy = true;
      else throw new CompressError("Corrupt", `Cannot decode the S2 stream: unknown stream identifier at byte ${at}`);
      return null;
    }
    const crc = getUint32LE(body, 0);
    const limit = this.#snappy ? SNAPPY_MAX_BLOCK_SIZE : this.#maxBlock;
    let data: Bytes;
    if (this.#type === CHUNK_COMPRESSED) {
      const { length, headerLength } = s2DecodedLength(body, CHECKSUM_SIZE);
      if (length > limit) throw new CompressError("Corrupt", `Cannot decode the S2 stream: the block at byte ${at} decodes to ${length} bytes, over ${limit}`);
      if (this.#skip >= length) {
        this.#skip -= length;
        this.#produced += length;
        return null;
      }
      data = new Uint8Array(length);
      decodeS2BlockInto(body, CHECKSUM_SIZE + headerLength, body.length, data);
    } else {
      const length = body.length - CHECKSUM_SIZE;
      if (length > limit) throw new CompressError("Corrupt", `Cannot decode the S2 stream: the block at byte ${at} holds ${length} bytes, over ${limit}`);
      if (this.#skip >= length) {
        this.#skip -= length;
        this.#produced += length;
        return null;
      }
      data = owned ? (body.subarray(CHECKSUM_SIZE) as Bytes) : body.slice(CHECKSUM_SIZE);
    }
    if (maskedCrc32c(data) !== crc) throw new CompressError("Checksum", `Cannot decode the S2 stream: the chunk at byte ${at} fails its CRC-32C check`);
    this.#produced += data.length;
    if (this.#skip > 0) {
      data = data.subarray(this.#skip);
      this.#skip = 0;
    }
    return data.length > 0 ? data : null;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array, bFrom: number): boolean {
  if (a.length !== b.length - bFrom) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[bFrom + i]) return false;
  return true;
}

/** Decompresses a whole S2 stream held in memory. */
export function decompressS2(stream: Uint8Array, options?: S2ReaderOptions): Bytes {
  const r = new S2Reader(options);
  const parts = r.push(stream);
  r.end();
  return parts.length === 1 ? parts[0] : concat(parts);
}

/** Decompresses an async (or sync) sequence of compressed pieces into plaintext blocks, one per pull. */
export async function* decompressS2Chunks(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, options?: S2ReaderOptions): AsyncGenerator<Bytes> {
  const r = new S2Reader(options);
  for await (const piece of source) yield* r.decode(piece);
  r.end();
}

/**
 * A {writable, readable} pair (use with pipeThrough) from S2 stream bytes to plaintext. Blocks are
 * decoded as the readable side pulls, so a small compressed input cannot flood memory, and a
 * write settles once its input is decoded. Errors are CompressError on both sides.
 */
export class S2DecompressStream {
  readonly writable: WritableStream<Uint8Array>;
  readonly readable: ReadableStream<Bytes>;

  constructor(options?: S2ReaderOptions) {
    const r = new S2Reader(options);
    // The input being decoded, and the write waiting for it to be consumed.
    let pending: { blocks: Generator<Bytes, void, undefined>; done: () => void; fail: (e: unknown) => void } | null = null;
    let closed = false;
    let failure: unknown = null;
    let wakeReader: (() => void) | null = null;
    const wake = () => {
      wakeReader?.();
      wakeReader = null;
    };
    this.readable = new ReadableStream<Bytes>(
      {
        async pull(controller) {
          for (;;) {
            if (failure !== null) throw failure;
            if (pending) {
              let step: IteratorResult<Bytes, void>;
              try {
                step = pending.blocks.next();
              } catch (err) {
                failure = err;
                pending.fail(err);
                pending = null;
                throw err;
              }
              if (!step.done) return controller.enqueue(step.value);
              pending.done();
              pending = null;
            }
            if (closed) {
              try {
                r.end();
              } catch (err) {
                failure = err;
                throw err;
              }
              return controller.close();
            }
            await new Promise<void>((resolve) => {
              wakeReader = resolve;
            });
          }
        },
        cancel(reason) {
          failure = reason ?? new CompressError("InvalidArgument", "The S2 plaintext stream was cancelled");
          pending?.fail(failure);
          pending = null;
        },
      },
      { highWaterMark: 0 },
    );
    this.writable = new WritableStream<Uint8Array>({
      write(chunk) {
        if (failure !== null) throw failure;
        return new Promise<void>((done, fail) => {
          pending = { blocks: r.decode(chunk), done, fail };
          wake();
        });
      },
      close() {
        closed = true;
        wake();
      },
      abort(reason) {
        failure = reason;
        wake();
      },
    });
  }
}
