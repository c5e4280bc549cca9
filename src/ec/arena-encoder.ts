// ArenaEncoder: the worker side of an in-place encode job. The batch's bytes already sit in
// their framed segments inside a kernel arena (see EncodeBatch); this pads the chunks, computes
// parity into the parity segments and writes each chunk's HighwayHash in front of it. No copies,
// except re-laying a short last block whose chunks are shorter than a full block's.
import type { HashChoice } from "./block-codec.ts";
import { planBlocks } from "./block-codec.ts";
import { CodecError } from "./codec-error.ts";
import type { EcKernel } from "./ec-kernel.ts";
import { ARENA_DATA, kernelGeometry } from "./encode-batch.ts";
import { type Matrix, encodingMatrix } from "./gf256.ts";
import { type NativeHighway, loadNativeHighway } from "./highway-hash.ts";
import { BITROT_KEY, HASH_SIZE, checkLayout } from "./layout.ts";

export class ArenaEncoder {
  readonly #native: NativeHighway | null;
  readonly #parity = new Map<string, Matrix>();
  /** Scratch for re-laying a short block (grown on demand, kept). */
  #gather = new Uint8Array(0);

  constructor(hash: HashChoice) {
    this.#native = hash === "auto" ? loadNativeHighway() : null;
  }

  /**
   * Encodes the `length` bytes an EncodeBatch of `blocks` blocks wrote into `kernel`'s memory;
   * returns the segment length (segment i at ARENA_DATA + i*stride).
   */
  encode(kernel: EcKernel, d: number, p: number, blockSize: number, blocks: number, length: number): number {
    checkLayout({ d, p, blockSize });
    const g = kernelGeometry({ d, p, blockSize }, blocks);
    const plan = planBlocks(length, blockSize, d);
    if (plan.lengths.length > blocks || g.bytes > kernel.memory.length) {
      throw new CodecError("InvalidLayout", `Cannot encode ${length} bytes in an arena for ${blocks} blocks of ${d}+${p}`);
    }
    kernel.forgetTables();
    const rows = this.#rows(d, p);
    for (let b = 0; b < plan.lengths.length; b++) {
      const chunk = plan.chunks[b];
      const len = plan.lengths[b];
      const at = (i: number) => ARENA_DATA + i * g.stride + b * g.frame + HASH_SIZE;
      if (chunk < g.full) this.#relayout(kernel.memory, at, len, g.full, chunk, d);
      const mem = kernel.memory;
      // Arenas are recycled: MinIO's zero padding must be written.
      for (let j = 0; j < d; j++) {
        const valid = Math.max(0, Math.min(chunk, len - j * chunk));
        if (valid < chunk) mem.fill(0, at(j) + valid, at(j) + chunk);
      }
      const ins = Array.from({ length: d }, (_, j) => at(j));
      const outs = Array.from({ length: p }, (_, r) => at(d + r));
      kernel.mulMatrix(rows, ins, outs, chunk);
      for (let i = 0; i < d + p; i++) this.#hashInto(kernel, at(i), chunk);
    }
    return plan.segmentLength;
  }

  /** Moves a short block's bytes from full-chunk positions to chunks of `chunk` bytes. */
  #relayout(mem: Uint8Array, at: (i: number) => number, len: number, full: number, chunk: number, d: number): void {
    if (this.#gather.length < len) this.#gather = new Uint8Array(len);
    const tmp = this.#gather;
    for (let j = 0; j * full < len; j++) tmp.set(mem.subarray(at(j), at(j) + Math.min(full, len - j * full)), j * full);
    for (let j = 0; j < d && j * chunk < len; j++) mem.set(tmp.subarray(j * chunk, Math.min(len, (j + 1) * chunk)), at(j));
  }

  #hashInto(kernel: EcKernel, ptr: number, len: number): void {
    if (!this.#native) return kernel.hash(ptr, len, ptr - HASH_SIZE);
    const mem = kernel.memory;
    mem.set(this.#native.hash256(BITROT_KEY, mem.subarray(ptr, ptr + len)), ptr - HASH_SIZE);
  }

  #rows(d: number, p: number): Matrix {
    const key = `${d}+${p}`;
    let m = this.#parity.get(key);
    if (!m) this.#parity.set(key, (m = encodingMatrix(d, p).slice(d)));
    return m;
  }
}
