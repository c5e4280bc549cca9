// ReedSolomon: MinIO-compatible Reed-Solomon on our WASM SIMD kernel. Shards are plain JS
// arrays, so bytes are copied through the kernel's memory in slabs (bounded memory, cache
// sized); the worker pool's block codec avoids even that by working in kernel memory.
import { checkCode } from "./codec-error.ts";
import { EcKernel } from "./ec-kernel.ts";
import { type Matrix, decodeMatrix, encodingMatrix } from "./gf256.ts";
import { type ErasureCodec, type ReconstructOptions, checkShards, planReconstruct } from "./shards.ts";

/** Bytes of each shard moved through kernel memory per step. */
const SLAB = 65536;

export class ReedSolomon implements ErasureCodec {
  readonly d: number;
  readonly p: number;
  readonly #matrix: Matrix;
  readonly #parityRows: Matrix;
  readonly #kernel: EcKernel;
  /** Decode rows by erasure pattern ("sources/targets"); a set sees few patterns. */
  readonly #decodeCache = new Map<string, Matrix>();

  constructor(d: number, p: number, kernel: EcKernel = new EcKernel()) {
    checkCode(d, p);
    this.d = d;
    this.p = p;
    this.#matrix = encodingMatrix(d, p);
    this.#parityRows = this.#matrix.slice(d);
    this.#kernel = kernel;
  }

  encode(shards: Uint8Array[]): void {
    const len = checkShards(shards, this.d, this.p);
    if (this.p === 0 || len <= 0) return;
    this.#apply(this.#parityRows, shards.slice(0, this.d), shards.slice(this.d), len);
  }

  reconstruct(shards: (Uint8Array | null)[], opts: ReconstructOptions = {}): void {
    const len = checkShards(shards, this.d, this.p);
    const { sources, targets } = planReconstruct(shards, this.d, opts.dataOnly ?? false);
    if (targets.length === 0) return;
    const key = `${sources.join(",")}/${targets.join(",")}`;
    let rows = this.#decodeCache.get(key);
    if (!rows) {
      rows = decodeMatrix(this.#matrix, sources, targets);
      if (this.#decodeCache.size > 64) this.#decodeCache.clear();
      this.#decodeCache.set(key, rows);
    }
    const outs = targets.map(() => new Uint8Array(len));
    this.#apply(
      rows,
      sources.map((s) => shards[s]!),
      outs,
      len,
    );
    targets.forEach((t, i) => (shards[t] = outs[i]));
  }

  /** outs[r] = Σ rows[r][j]·ins[j], slab by slab through kernel memory. */
  #apply(rows: Matrix, ins: Uint8Array[], outs: Uint8Array[], len: number): void {
    const slab = Math.min(SLAB, len);
    const stride = (slab + 63) & ~63;
    const base = this.#kernel.ensure(stride * (ins.length + outs.length));
    const inPtrs = ins.map((_, j) => base + j * stride);
    const outPtrs = outs.map((_, r) => base + (ins.length + r) * stride);
    for (let from = 0; from < len; from += slab) {
      const n = Math.min(slab, len - from);
      const mem = this.#kernel.memory;
      ins.forEach((s, j) => mem.set(s.subarray(from, from + n), inPtrs[j]));
      this.#kernel.mulMatrix(rows, inPtrs, outPtrs, n);
      outs.forEach((s, r) => s.set(mem.subarray(outPtrs[r], outPtrs[r] + n), from));
    }
  }
}
