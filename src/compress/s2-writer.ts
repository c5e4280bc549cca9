// The S2 stream writer: cuts input into fixed blocks (1 MiB by default, as MinIO writes), frames
// each as a compressed chunk or, when compression does not pay, an uncompressed one, pads the
// end like WriterPadding and builds the seek index as klauspost's Writer does.
import { CompressError } from "./compress-error.ts";
import { S2BlockEncoder } from "./s2-block-encode.ts";
import {
  CHECKSUM_SIZE,
  CHUNK_COMPRESSED,
  CHUNK_HEADER_SIZE,
  CHUNK_PADDING,
  CHUNK_UNCOMPRESSED,
  S2_DEFAULT_BLOCK_SIZE,
  S2_MAX_BLOCK_SIZE,
  S2_MIN_BLOCK_SIZE,
  S2_STREAM_IDENTIFIER,
  concat,
  maskedCrc32c,
  putChunkHeader,
  putUint32LE,
  s2MaxEncodedLength,
  uvarintLength,
} from "./s2-frame.ts";
import { type S2Index, S2IndexBuilder } from "./s2-index.ts";

/** Output chunks: always in buffers the writer allocated. */
type Bytes = Uint8Array<ArrayBuffer>;

export interface S2WriterOptions {
  /** Uncompressed bytes per chunk, 4 KiB–4 MiB; default 1 MiB (MinIO never changes it). */
  blockSize?: number;
  /** Pad the stream to a multiple of this many bytes at close, as WriterPadding(n); 0 or 1: no padding. */
  padding?: number;
  /** Fills the padding chunk's body; default: random bytes (MinIO uses a seeded PRNG; the bytes are never read). */
  paddingSource?: (dst: Uint8Array) => void;
}

/** What close() hands back: the last output chunks and the stream's index. */
export interface S2WriterResult {
  chunks: Bytes[];
  /** The seek index (totalCompressed −1 when padded, as S2 records it). */
  index: S2Index;
}

const OBUF_HEADER = CHUNK_HEADER_SIZE + CHECKSUM_SIZE;
const MAX_PADDING = 4 << 20;

/** Push-style S2 stream compressor: write() returns finished chunks, close() the rest and the index. */
export class S2Writer {
  readonly #blockSize: number;
  readonly #padding: number;
  readonly #fill: (dst: Uint8Array) => void;
  readonly #encoder = new S2BlockEncoder();
  readonly #index: S2IndexBuilder;
  #buf: Uint8Array;
  #bufLen = 0;
  #scratch: Bytes | null = null;
  #written = 0;
  #uncompressed = 0;
  #wroteIdentifier = false;
  #closed = false;

  constructor(options: S2WriterOptions = {}) {
    const blockSize = options.blockSize ?? S2_DEFAULT_BLOCK_SIZE;
    if (!Number.isInteger(blockSize) || blockSize < S2_MIN_BLOCK_SIZE || blockSize > S2_MAX_BLOCK_SIZE) {
      throw new CompressError("InvalidArgument", `Cannot write S2 blocks of ${blockSize} bytes: use 4 KiB to 4 MiB`);
    }
    const padding = options.padding ?? 0;
    if (!Number.isInteger(padding) || padding < 0 || padding > MAX_PADDING) {
      throw new CompressError("InvalidArgument", `Cannot pad an S2 stream to a multiple of ${padding} bytes: use 1 to 4 MiB`);
    }
    this.#blockSize = blockSize;
    this.#padding = padding;
    this.#fill = options.paddingSource ?? fillRandom;
    this.#index = new S2IndexBuilder(blockSize);
    this.#buf = new Uint8Array(blockSize);
  }

  /** Compressed bytes emitted so far (padding excluded until close). */
  get written(): number {
    return this.#written;
  }

  /** Uncompressed bytes accepted so far. */
  get uncompressedWritten(): number {
    return this.#uncompressed + this.#bufLen;
  }

  /** Adds input; returns the chunks completed by it (possibly none). The input is not retained. */
  write(data: Uint8Array): Bytes[] {
    if (this.#closed) throw new CompressError("InvalidArgument", "Cannot write to a closed S2 writer");
    const out: Bytes[] = [];
    const bs = this.#blockSize;
    let p = 0;
    if (this.#bufLen > 0) {
      const n = Math.min(bs - this.#bufLen, data.length);
      this.#buf.set(data.subarray(0, n), this.#bufLen);
      this.#bufLen += n;
      p = n;
      if (this.#bufLen < bs) return out;
      this.#emitBlock(this.#buf, out);
      this.#bufLen = 0;
    }
    // Whole blocks straight from the caller's bytes; only a tail is copied.
    for (; data.length - p >= bs; p += bs) this.#emitBlock(data.subarray(p, p + bs), out);
    if (p < data.length) {
      this.#buf.set(data.subarray(p), 0);
      this.#bufLen = data.length - p;
    }
    return out;
  }

  /** Flushes the last block, pads, and returns the final chunks with the index. */
  close(): S2WriterResult {
    if (this.#closed) throw new CompressError("InvalidArgument", "Cannot close an S2 writer twice");
    this.#closed = true;
    const chunks: Bytes[] = [];
    if (this.#bufLen > 0) this.#emitBlock(this.#buf.subarray(0, this.#bufLen), chunks);
    this.#bufLen = 0;
    const padded = this.#padding > 1;
    const index = this.#index.finish(this.#uncompressed, padded ? -1 : this.#written);
    if (padded) {
      const add = paddingSize(this.#written, this.#padding);
      if (add > 0) {
        const frame = new Uint8Array(add);
        putChunkHeader(frame, 0, CHUNK_PADDING, add - CHUNK_HEADER_SIZE);
        this.#fill(frame.subarray(CHUNK_HEADER_SIZE));
        chunks.push(frame);
        this.#written += add;
      }
    }
    return { chunks, index };
  }

  #emitBlock(block: Uint8Array, out: Bytes[]): void {
    if (!this.#wroteIdentifier) {
      this.#wroteIdentifier = true;
      this.#index.add(0, 0);
      out.push(S2_STREAM_IDENTIFIER.slice());
      this.#written += S2_STREAM_IDENTIFIER.length;
    }
    const len = block.length;
    const crc = maskedCrc32c(block);
    // Compressed only when it saves at least 1/32 (and 6 bytes), the bar S2's encoders set.
    const limit = uvarintLength(len) + len - (len >>> 5) - 6;
    let frame: Bytes;
    let n = 0;
    if (limit > 0) {
      this.#scratch ??= new Uint8Array(OBUF_HEADER + s2MaxEncodedLength(this.#blockSize));
      n = this.#encoder.encodeInto(block, this.#scratch, OBUF_HEADER, limit);
    }
    if (n > 0) {
      frame = this.#scratch!.slice(0, OBUF_HEADER + n);
      putChunkHeader(frame, 0, CHUNK_COMPRESSED, CHECKSUM_SIZE + n);
    } else {
      frame = new Uint8Array(OBUF_HEADER + len);
      frame.set(block, OBUF_HEADER);
      putChunkHeader(frame, 0, CHUNK_UNCOMPRESSED, CHECKSUM_SIZE + len);
    }
    putUint32LE(frame, CHUNK_HEADER_SIZE, crc);
    this.#index.add(this.#written, this.#uncompressed);
    this.#written += frame.length;
    this.#uncompressed += len;
    out.push(frame);
  }
}

/** Bytes of padding chunk that bring `written` to a multiple of `multiple` (0, or at least 4 for the header). */
export function paddingSize(written: number, multiple: number): number {
  const left = written % multiple;
  if (left === 0) return 0;
  let add = multiple - left;
  while (add < CHUNK_HEADER_SIZE) add += multiple;
  return add;
}

function fillRandom(dst: Uint8Array): void {
  for (let i = 0; i < dst.length; i += 65536) crypto.getRandomValues(dst.subarray(i, Math.min(dst.length, i + 65536)));
}

/** Compresses a whole buffer into one S2 stream. */
export function compressS2(data: Uint8Array, options?: S2WriterOptions): { stream: Bytes; index: S2Index } {
  const w = new S2Writer(options);
  const parts = w.write(data);
  const { chunks, index } = w.close();
  parts.push(...chunks);
  return { stream: concat(parts), index };
}

/** A TransformStream compressing plaintext into an S2 stream; `index` settles when the input ends. */
export class S2CompressStream extends TransformStream<Uint8Array, Bytes> {
  readonly index: Promise<S2Index>;

  constructor(options?: S2WriterOptions) {
    const writer = new S2Writer(options);
    let resolve!: (i: S2Index) => void;
    let reject!: (e: unknown) => void;
    const index = new Promise<S2Index>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // A caller that never awaits the index must not see an unhandled rejection.
    index.catch(() => {});
    super({
      transform(chunk, controller) {
        try {
          for (const c of writer.write(chunk)) controller.enqueue(c);
        } catch (err) {
          reject(err);
          throw err;
        }
      },
      flush(controller) {
        try {
          const { chunks, index: idx } = writer.close();
          for (const c of chunks) controller.enqueue(c);
          resolve(idx);
        } catch (err) {
          reject(err);
          throw err;
        }
      },
    });
    this.index = index;
  }
}
