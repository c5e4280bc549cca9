// EncodeBatch: the input of one encode job, written straight into its arena. In a kernel arena
// the bytes go where the job computes: each block's data chunks sit in the framed segments
// (hash room in front), so the worker encodes in place and the segments are read from there.
import type { Arena } from "./arena-bank.ts";
import { CodecError } from "./codec-error.ts";
import { HASH_SIZE, type Layout } from "./layout.ts";

/** First framed byte in a kernel arena; the kernel's own tables live below (DATA_BASE). */
export const ARENA_DATA = 65536;

/**
 * Where a kernel arena for `blocks` blocks keeps things. Every block is laid out as if full
 * (chunks of ceil(blockSize/d), frame = hash + chunk at b*frame of each segment); a short
 * last block is re-laid by the worker (relayoutShortBlock). Segment i starts at
 * ARENA_DATA + i*stride.
 */
export interface KernelGeometry {
  /** Chunk length of a full block. */
  full: number;
  /** Hash + chunk of a full block. */
  frame: number;
  /** Distance between segments. */
  stride: number;
  /** Arena bytes needed. */
  bytes: number;
}

export function kernelGeometry(layout: Layout, blocks: number): KernelGeometry {
  const full = Math.ceil(layout.blockSize / layout.d);
  const frame = HASH_SIZE + full;
  const stride = blocks * frame;
  return { full, frame, stride, bytes: ARENA_DATA + (layout.d + layout.p) * stride };
}

export class EncodeBatch {
  /** Object bytes the batch can take. */
  readonly capacity: number;
  readonly layout: Layout;
  readonly arena: Arena;
  /** Set for kernel arenas (in-place jobs); plain arenas hold the input contiguously at 0. */
  readonly geometry: KernelGeometry | null;
  readonly #view: Uint8Array;
  #length = 0;

  constructor(arena: Arena, layout: Layout, capacity: number, geometry: KernelGeometry | null) {
    if (geometry && (arena.kind !== "kernel" || geometry.bytes > arena.buffer.byteLength || capacity > (geometry.stride / geometry.frame) * layout.blockSize)) {
      throw new CodecError("InvalidLayout", `An arena of ${arena.buffer.byteLength} bytes cannot hold this encode batch`);
    }
    this.arena = arena;
    this.layout = layout;
    this.capacity = capacity;
    this.geometry = geometry;
    this.#view = new Uint8Array(arena.buffer);
  }

  /** Object bytes written so far. */
  get length(): number {
    return this.#length;
  }

  /** Copies as much of `bytes` as still fits; returns how many were taken. */
  write(bytes: Uint8Array): number {
    if (this.arena.state !== "input") throw new CodecError("InvalidLayout", "Cannot write to an encode batch after submitting it");
    const take = Math.min(bytes.length, this.capacity - this.#length);
    const g = this.geometry;
    if (!g) {
      this.#view.set(take === bytes.length ? bytes : bytes.subarray(0, take), this.#length);
      this.#length += take;
      return take;
    }
    const { blockSize } = this.layout;
    for (let from = 0; from < take; ) {
      const q = this.#length;
      const b = Math.floor(q / blockSize);
      const o = q - b * blockSize;
      const j = Math.floor(o / g.full);
      const r = o - j * g.full;
      // up to the end of this chunk, or of the block (its last chunk may be shorter)
      const n = Math.min(take - from, g.full - r, blockSize - o);
      this.#view.set(bytes.subarray(from, from + n), ARENA_DATA + j * g.stride + b * g.frame + HASH_SIZE + r);
      from += n;
      this.#length += n;
    }
    return take;
  }
}
