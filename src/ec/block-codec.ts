// BlockCodec: what one pool job does, synchronously, in one kernel's memory — blocks of an
// object stream in, MinIO's bitrot-framed shard segments out (encode), and back (decode:
// verify every chunk used, reconstruct from any d good shards, optionally re-frame lost ones).
import { CodecError } from "./codec-error.ts";
import { EcKernel } from "./ec-kernel.ts";
import { type Matrix, decodeMatrix, encodingMatrix } from "./gf256.ts";
import { type NativeHighway, loadNativeHighway } from "./highway-hash.ts";
import { BITROT_KEY, HASH_SIZE, checkLayout } from "./layout.ts";

/** Where each block of a stream lies: object offset/length, chunk length, framed offset. */
export interface BlockPlan {
  /** Object bytes of each block. */
  lengths: number[];
  /** Shard chunk length of each block: ceil(length / d). */
  chunks: number[];
  /** Offset of each block's hash inside a framed segment. */
  framed: number[];
  /** Bytes of one framed segment (same for every shard). */
  segmentLength: number;
}

export function planBlocks(length: number, blockSize: number, d: number): BlockPlan {
  const plan: BlockPlan = { lengths: [], chunks: [], framed: [], segmentLength: 0 };
  for (let off = 0; off < length; off += blockSize) {
    const len = Math.min(blockSize, length - off);
    plan.lengths.push(len);
    plan.chunks.push(Math.ceil(len / d));
    plan.framed.push(plan.segmentLength);
    plan.segmentLength += HASH_SIZE + Math.ceil(len / d);
  }
  return plan;
}

export interface DecodeResult {
  /** The object bytes of the blocks, verified or rebuilt from verified chunks. */
  data: Uint8Array;
  /** Shards whose chunks failed verification (or whose segment had the wrong length). */
  corrupt: number[];
  /** With rebuild: fresh framed segments for every shard that was null or corrupt. */
  rebuilt?: (Uint8Array | null)[];
}

export type HashChoice = "auto" | "wasm";

/** Room in front of every decode slot for the chunk's digest. */
const SLOT_ROOM = 64;

export class BlockCodec {
  readonly #kernel = new EcKernel();
  readonly #native: NativeHighway | null;
  readonly #matrices = new Map<string, Matrix>();
  readonly #digest = new Uint8Array(HASH_SIZE);

  constructor(hash: HashChoice = "auto") {
    this.#native = hash === "auto" ? loadNativeHighway() : null;
  }

  get hashImpl(): "wasm" | "native" {
    return this.#native ? "native" : "wasm";
  }

  /**
   * Encodes `data` (consecutive blocks; only the last may be short) into d+p framed segments,
   * laid out back to back in one ArrayBuffer (segment i at i*segmentLength): a new one, or
   * one `reuse(bytes)` hands back (at least `bytes` long).
   */
  encode(
    d: number,
    p: number,
    blockSize: number,
    data: Uint8Array,
    reuse?: (bytes: number) => ArrayBuffer | undefined,
  ): { buffer: ArrayBuffer; segmentLength: number } {
    checkLayout({ d, p, blockSize });
    const bytes = (d + p) * planBlocks(data.length, blockSize, d).segmentLength;
    // A fresh ArrayBuffer costs page faults on first touch; a recycled one is only a copy.
    const buffer = reuse?.(bytes) ?? new ArrayBuffer(bytes);
    const segmentLength = this.encodeInto(d, p, blockSize, data, new Uint8Array(buffer, 0, bytes));
    return { buffer, segmentLength };
  }

  /**
   * Like encode(), but writes the segments to `out[0 .. (d+p)*segmentLength)` and returns
   * segmentLength. `out` may overlap `data` (a pool arena holds both): every input byte is
   * read into kernel memory before the first output byte is written.
   */
  encodeInto(d: number, p: number, blockSize: number, data: Uint8Array, out: Uint8Array): number {
    checkLayout({ d, p, blockSize });
    const n = d + p;
    const plan = planBlocks(data.length, blockSize, d);
    const seg = plan.segmentLength;
    if (out.length < n * seg) throw new CodecError("InvalidLayout", `Cannot write ${n * seg} framed bytes into ${out.length}`);
    const base = this.#kernel.ensure(n * seg);
    const parityRows = this.#matrix(d, p).slice(d);
    for (let b = 0; b < plan.lengths.length; b++) {
      const chunk = plan.chunks[b];
      const ptr = (i: number) => base + i * seg + plan.framed[b] + HASH_SIZE;
      const mem = this.#kernel.memory;
      const start = b * blockSize;
      const end = start + plan.lengths[b];
      for (let j = 0; j < d; j++) {
        const from = Math.min(start + j * chunk, end);
        const to = Math.min(from + chunk, end);
        mem.set(data.subarray(from, to), ptr(j));
        // Kernel memory is reused across jobs: MinIO's zero padding must be written.
        if (to - from < chunk) mem.fill(0, ptr(j) + (to - from), ptr(j) + chunk);
      }
      const dataPtrs = Array.from({ length: d }, (_, j) => ptr(j));
      const parityPtrs = Array.from({ length: p }, (_, r) => ptr(d + r));
      this.#kernel.mulMatrix(parityRows, dataPtrs, parityPtrs, chunk);
      for (let i = 0; i < n; i++) this.#hashInto(ptr(i), chunk, ptr(i) - HASH_SIZE);
    }
    out.set(this.#kernel.memory.subarray(base, base + n * seg));
    return seg;
  }

  /** Decodes framed segments of the same blocks; see DecodeResult. */
  decode(d: number, p: number, blockSize: number, segments: readonly (Uint8Array | null)[], dataLength: number, rebuild = false): DecodeResult {
    checkLayout({ d, p, blockSize });
    const n = d + p;
    if (segments.length !== n) throw new CodecError("InvalidLayout", `Expected ${n} segments for ${d}+${p}, got ${segments.length}`);
    const plan = planBlocks(dataLength, blockSize, d);
    const corrupt = new Set<number>();
    segments.forEach((s, i) => s && s.length !== plan.segmentLength && corrupt.add(i));
    const maxChunk = Math.max(0, ...plan.chunks);
    // Slot k (k < n: shard k's chunk, n + j: rebuilt shard j) at base + k*stride, with
    // SLOT_ROOM bytes in front for its digest.
    const stride = SLOT_ROOM + ((maxChunk + 63) & ~63);
    const base = this.#kernel.ensure(stride * (n + n)) + SLOT_ROOM;
    const out = new Uint8Array(dataLength);
    const chosen: number[][] = [];
    for (let b = 0; b < plan.lengths.length; b++) {
      chosen.push(this.#verifyBlock(b, plan, segments, corrupt, base, stride, d, rebuild));
      this.#decodeBlock(b, plan, segments, chosen[b], base, stride, d, p, out, b * blockSize);
    }
    const result: DecodeResult = { data: out, corrupt: [...corrupt].sort((x, y) => x - y) };
    if (rebuild) result.rebuilt = this.#rebuild(plan, segments, corrupt, chosen, base, stride, d, p);
    return result;
  }

  /** Verifies chunks of block b (data shards first) until d good ones; returns their indexes. */
  #verifyBlock(
    b: number,
    plan: BlockPlan,
    segments: readonly (Uint8Array | null)[],
    corrupt: Set<number>,
    base: number,
    stride: number,
    d: number,
    all: boolean,
  ): number[] {
    const good: number[] = [];
    const chunk = plan.chunks[b];
    for (let i = 0; i < segments.length && (all || good.length < d); i++) {
      const seg = segments[i];
      if (!seg || corrupt.has(i)) continue;
      const framed = seg.subarray(plan.framed[b], plan.framed[b] + HASH_SIZE + chunk);
      if (this.#verify(framed, base + i * stride)) good.push(i);
      else corrupt.add(i);
    }
    if (good.length < d) {
      const lost = segments.map((_s, i) => i).filter((i) => !good.includes(i));
      throw new CodecError(
        "Unrecoverable",
        `Cannot decode block ${b}: ${good.length} of ${segments.length} shards verified, ${d} needed (unavailable or corrupt: ${lost.join(", ")})`,
        { block: b, shard: lost[0] },
      );
    }
    return good.slice(0, d);
  }

  /** Writes block b's object bytes to out[at..]: straight copies, or reconstruction. */
  #decodeBlock(
    b: number,
    plan: BlockPlan,
    segments: readonly (Uint8Array | null)[],
    sources: number[],
    base: number,
    stride: number,
    d: number,
    p: number,
    out: Uint8Array,
    at: number,
  ): void {
    const chunk = plan.chunks[b];
    const len = plan.lengths[b];
    const missing = Array.from({ length: d }, (_, j) => j).filter((j) => !sources.includes(j));
    if (missing.length > 0) {
      this.#stage(b, plan, segments, sources, base, stride, false);
      const rows = this.#decodeRows(d, p, sources, missing);
      const outPtrs = missing.map((j) => base + (segments.length + j) * stride);
      this.#kernel.mulMatrix(
        rows,
        sources.map((s) => base + s * stride),
        outPtrs,
        chunk,
      );
    }
    const mem = this.#kernel.memory;
    for (let j = 0; j < d; j++) {
      const take = Math.min(chunk, len - j * chunk);
      if (take <= 0) break;
      const src = missing.includes(j)
        ? mem.subarray(base + (segments.length + j) * stride, base + (segments.length + j) * stride + take)
        : segments[j]!.subarray(plan.framed[b] + HASH_SIZE, plan.framed[b] + HASH_SIZE + take);
      out.set(src, at + j * chunk);
    }
  }

  /** New framed segments for every shard that was null or corrupt. */
  #rebuild(
    plan: BlockPlan,
    segments: readonly (Uint8Array | null)[],
    corrupt: Set<number>,
    chosen: number[][],
    base: number,
    stride: number,
    d: number,
    p: number,
  ): (Uint8Array | null)[] {
    const n = d + p;
    const targets = segments.map((_s, i) => i).filter((i) => !segments[i] || corrupt.has(i));
    const rebuilt: (Uint8Array | null)[] = segments.map(() => null);
    if (targets.length === 0) return rebuilt;
    for (const t of targets) rebuilt[t] = new Uint8Array(plan.segmentLength);
    for (let b = 0; b < plan.lengths.length; b++) {
      const chunk = plan.chunks[b];
      this.#stage(b, plan, segments, chosen[b], base, stride, true);
      const rows = this.#decodeRows(d, p, chosen[b], targets);
      const outPtrs = targets.map((t) => base + (n + t) * stride);
      this.#kernel.mulMatrix(
        rows,
        chosen[b].map((s) => base + s * stride),
        outPtrs,
        chunk,
      );
      targets.forEach((t, k) => {
        this.#hashInto(outPtrs[k], chunk, outPtrs[k] - HASH_SIZE);
        const mem = this.#kernel.memory;
        rebuilt[t]!.set(mem.subarray(outPtrs[k] - HASH_SIZE, outPtrs[k] + chunk), plan.framed[b]);
      });
    }
    return rebuilt;
  }

  /**
   * Copies the source chunks of block b into their kernel slots. Right after verifying
   * block b the WASM path already has them there (`again` = false skips the copy).
   */
  #stage(b: number, plan: BlockPlan, segments: readonly (Uint8Array | null)[], sources: number[], base: number, stride: number, again: boolean): void {
    if (!this.#native && !again) return;
    const mem = this.#kernel.memory;
    const from = plan.framed[b] + HASH_SIZE;
    for (const s of sources) mem.set(segments[s]!.subarray(from, from + plan.chunks[b]), base + s * stride);
  }

  /** Checks one framed chunk (hash ‖ chunk). The WASM path leaves the chunk at `slot`. */
  #verify(framed: Uint8Array, slot: number): boolean {
    const chunk = framed.subarray(HASH_SIZE);
    let digest: Uint8Array;
    if (this.#native) digest = this.#native.hash256(BITROT_KEY, chunk);
    else {
      const mem = this.#kernel.memory;
      mem.set(chunk, slot);
      this.#kernel.hash(slot, chunk.length, slot - HASH_SIZE);
      digest = this.#digest;
      digest.set(this.#kernel.memory.subarray(slot - HASH_SIZE, slot));
    }
    for (let k = 0; k < HASH_SIZE; k++) if (digest[k] !== framed[k]) return false;
    return true;
  }

  #hashInto(ptr: number, len: number, out: number): void {
    if (this.#native) this.#kernel.memory.set(this.#native.hash256(BITROT_KEY, this.#kernel.memory.subarray(ptr, ptr + len)), out);
    else this.#kernel.hash(ptr, len, out);
  }

  #decodeRows(d: number, p: number, sources: number[], targets: number[]): Matrix {
    const key = `${d}+${p}:${sources.join(",")}/${targets.join(",")}`;
    let m = this.#matrices.get(key);
    if (!m) {
      if (this.#matrices.size > 256) this.#matrices.clear();
      this.#matrices.set(key, (m = decodeMatrix(this.#matrix(d, p), sources, targets)));
    }
    return m;
  }

  #matrix(d: number, p: number): Matrix {
    const key = `${d}+${p}`;
    let m = this.#matrices.get(key);
    if (!m) this.#matrices.set(key, (m = encodingMatrix(d, p)));
    return m;
  }
}
