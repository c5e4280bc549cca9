// The framing of every RPC body, both directions: [type u8][length u32 BE][payload]. DATA
// frames carry stream bytes (≤ 1 MiB each), VALUE frames one CBOR value, ERROR one CBOR
// WireError, END says the sender finished: a body that stops without END or ERROR was cut.
// "cbor-x/decode" and "cbor-x/encode" (pure JS), not "cbor-x": the main entry loads the native
// cbor-extract, which under Bun 1.4 truncates strings inside maps and can abort the process.
import { decode } from "cbor-x/decode";
import { encode } from "cbor-x/encode";
import { RpcError } from "./rpc-error.ts";
import { fromWireError, toWireError } from "./rpc-wire-error.ts";

export const FRAME_DATA = 1;
export const FRAME_VALUE = 2;
export const FRAME_ERROR = 3;
export const FRAME_END = 4;
const HEADER = 5;
/** Largest DATA payload: bounds what one frame holds in memory on either side. */
export const MAX_DATA_FRAME = 1 << 20;
/** Largest VALUE/ERROR payload (whole small files, FileInfo with inline data). */
const MAX_VALUE_FRAME = 64 << 20;

export interface Frame {
  /** FRAME_DATA, FRAME_VALUE, FRAME_ERROR or FRAME_END. */
  type: number;
  /** The frame's bytes, in a buffer of their own. */
  payload: Uint8Array;
}

/** One frame in a buffer of its own (the payload is copied: the caller may reuse it at once). */
export function frame(type: number, payload?: Uint8Array): Uint8Array {
  const n = payload?.length ?? 0;
  const out = new Uint8Array(HEADER + n);
  out[0] = type;
  new DataView(out.buffer).setUint32(1, n);
  if (payload) out.set(payload, HEADER);
  return out;
}

export const valueFrame = (value: unknown): Uint8Array => frame(FRAME_VALUE, encode(value));
export const errorFrame = (err: unknown): Uint8Array => frame(FRAME_ERROR, encode(toWireError(err)));
export const endFrame = (): Uint8Array => frame(FRAME_END);

/** DATA frames for `chunk`, split so none exceeds MAX_DATA_FRAME. */
export function dataFrames(chunk: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let off = 0; off < chunk.length; off += MAX_DATA_FRAME) out.push(frame(FRAME_DATA, chunk.subarray(off, off + MAX_DATA_FRAME)));
  return out;
}

export function decodeValue(f: Frame): unknown {
  try {
    return decode(f.payload);
  } catch (err) {
    throw new RpcError("Protocol", "A CBOR value from the peer does not decode", { cause: err });
  }
}

/** The error an ERROR frame describes. */
export function frameError(f: Frame): Error {
  try {
    return fromWireError(decode(f.payload));
  } catch (err) {
    return new RpcError("Protocol", "An error frame from the peer does not decode", { cause: err });
  }
}

/** What FrameReader needs of a stream reader (structural: Bun and DOM reader types differ). */
type StreamReader = { read(): Promise<{ done: boolean; value?: Uint8Array }>; cancel(reason?: unknown): Promise<void> };
type Guard = <T>(p: Promise<T>) => Promise<T>;

export interface FrameReaderOptions {
  /** Each read of the body goes through this (a deadline); replaceable as the call proceeds. */
  guard?: Guard;
  /** The error for a body that ends mid-frame or without END (default: Unreachable). */
  cut?: () => Error;
}

/** Reads frames off a byte stream; each payload is a buffer of its own. */
export class FrameReader {
  readonly #reader: StreamReader;
  readonly #cut: (() => Error) | undefined;
  #guard: Guard | undefined;
  #pending: Frame | undefined;
  #chunk: Uint8Array = new Uint8Array(0);
  #pos = 0;
  #eof = false;

  constructor(body: ReadableStream<Uint8Array>, opts: FrameReaderOptions = {}) {
    this.#reader = body.getReader() as StreamReader;
    this.#guard = opts.guard;
    this.#cut = opts.cut;
  }

  set guard(g: Guard | undefined) {
    this.#guard = g;
  }

  /** Hands `f` out again as the next frame (a frame read to decide how to go on). */
  putBack(f: Frame): void {
    this.#pending = f;
  }

  cutError(): Error {
    return this.#cut?.() ?? new RpcError("Unreachable", "The connection to the peer was cut mid-message");
  }

  /** More bytes into #chunk; false at the end of the body. */
  async #fill(): Promise<boolean> {
    while (this.#pos >= this.#chunk.length) {
      if (this.#eof) return false;
      let r: { done: boolean; value?: Uint8Array };
      try {
        r = await (this.#guard ? this.#guard(this.#reader.read()) : this.#reader.read());
      } catch (err) {
        if (err instanceof RpcError) throw err;
        throw new RpcError("Unreachable", `${this.cutError().message}: ${(err as Error)?.message ?? err}`, { cause: err });
      }
      if (r.done) {
        this.#eof = true;
        return false;
      }
      this.#chunk = r.value ?? new Uint8Array(0);
      this.#pos = 0;
    }
    return true;
  }

  async #exact(n: number): Promise<Uint8Array> {
    const out = new Uint8Array(n);
    let got = 0;
    while (got < n) {
      if (!(await this.#fill())) throw this.cutError();
      const take = Math.min(n - got, this.#chunk.length - this.#pos);
      out.set(this.#chunk.subarray(this.#pos, this.#pos + take), got);
      this.#pos += take;
      got += take;
    }
    return out;
  }

  /** The next frame, or null when the body ended cleanly between frames. */
  async next(): Promise<Frame | null> {
    if (this.#pending) {
      const f = this.#pending;
      this.#pending = undefined;
      return f;
    }
    if (!(await this.#fill())) return null;
    const head = await this.#exact(HEADER);
    const type = head[0];
    const length = new DataView(head.buffer).getUint32(1);
    const limit = type === FRAME_DATA ? MAX_DATA_FRAME : MAX_VALUE_FRAME;
    if (type < FRAME_DATA || type > FRAME_END || length > limit) throw new RpcError("Protocol", `Bad frame from the peer (type ${type}, ${length} bytes)`);
    return { type, payload: await this.#exact(length) };
  }

  /** The next frame, which must exist (a missing one means the body was cut). */
  async expect(): Promise<Frame> {
    const f = await this.next();
    if (!f) throw this.cutError();
    return f;
  }

  /** After END: the body must end here (reading to its end also lets the connection be reused). */
  async expectEof(): Promise<void> {
    if ((await this.next()) !== null) throw new RpcError("Protocol", "The peer sent frames after the end of a message");
  }

  cancel(reason?: unknown): Promise<void> {
    return this.#reader.cancel(reason).catch(() => {});
  }
}

/**
 * The DATA frames of `reader` as a byte stream (one chunk per frame): closes at END, errors with
 * the far side's error at ERROR, and errors (never ends cleanly) when the body stops without either.
 */
export function dataStream(reader: FrameReader, onDone?: (err?: unknown) => void): ReadableStream<Uint8Array> {
  let finished = false;
  const done = (err?: unknown) => {
    if (finished) return;
    finished = true;
    onDone?.(err);
  };
  const fail = (c: ReadableStreamDefaultController<Uint8Array>, err: unknown) => {
    done(err);
    c.error(err);
  };
  return new ReadableStream<Uint8Array>(
    {
      async pull(c) {
        let f: Frame;
        try {
          f = await reader.expect();
          if (f.type === FRAME_END) await reader.expectEof();
        } catch (err) {
          return fail(c, err);
        }
        if (f.type === FRAME_DATA) return c.enqueue(f.payload);
        if (f.type === FRAME_END) {
          done();
          return c.close();
        }
        const err = f.type === FRAME_ERROR ? frameError(f) : new RpcError("Protocol", `Unexpected frame type ${f.type} in a byte stream`);
        await reader.cancel(err);
        fail(c, err);
      },
      async cancel(reason) {
        done(reason ?? new Error("The reader cancelled the stream"));
        await reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}
