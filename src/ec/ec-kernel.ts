// EcKernel: one instance of our WASM kernel (src/ec/kernel/ec-kernel.wat) and the layout of
// its memory. Callers place shard bytes in the data area and run GF(2^8) matrix products and
// HighwayHash-256 on them in place; every call is synchronous, so one instance = one user.
import { CodecError } from "./codec-error.ts";
import { gfMul } from "./gf256.ts";
import { kernelModule, sharedKernelModule } from "./kernel-module.ts";
import { BITROT_KEY } from "./layout.ts";

interface KernelExports {
  memory: WebAssembly.Memory;
  rs_mul1: MulFn;
  rs_mul2: MulFn;
  rs_mul3: MulFn;
  rs_mul4: MulFn;
  hh_init(st: number, key: number): void;
  hh_packets(st: number, ptr: number, n: number): void;
  hh_final(st: number, ptr: number, size: number, out: number): void;
  hh_hash(st: number, key: number, ptr: number, len: number, out: number): void;
}
type MulFn = (tbl: number, nIn: number, ins: number, outs: number, len: number) => void;

// Fixed memory map (bytes). Everything below DATA_BASE belongs to the kernel wrapper.
const HASH_STATE = 0; // 160: hash state + packet scratch
const KEY_PTR = 256; // 32: current hash key
const DIGEST_PTR = 320; // 32: last digest
const GF_TABLES = 1024; // 256 × 32: nibble tables of every coefficient
const IN_PTRS = 9216; // 256 × i32
const OUT_PTRS = 10240; // 4 × i32 (one output group)
const GROUP_TABLES = 12288; // ≤ 256 inputs × 4 outputs × 32
/** First byte callers may use for shard data. */
const DATA_BASE = 45056;
/** Position chunk when several output groups re-read the inputs (keeps them in L2). */
const CHUNK = 32768;

export class EcKernel {
  readonly #x: KernelExports;
  #mem: Uint8Array;
  #tablesFor: Uint8Array[] | null = null;
  #tablesFrom = 0;
  #gfReady = false;

  /**
   * A kernel with its own memory, or one working in `memory` (a shared memory of at least
   * DATA_BASE bytes; an encode arena). Kernels sharing a memory share the area below
   * DATA_BASE too: only one may run at a time, and each calls forgetTables() when it starts.
   */
  constructor(memory?: WebAssembly.Memory) {
    const instance = memory ? new WebAssembly.Instance(sharedKernelModule(), { env: { memory } }) : new WebAssembly.Instance(kernelModule(), {});
    this.#x = instance.exports as unknown as KernelExports;
    this.#mem = new Uint8Array(this.#x.memory.buffer);
    this.ensure(0);
    this.#mem = new Uint8Array(this.#x.memory.buffer);
    this.#mem.set(BITROT_KEY, KEY_PTR);
  }

  /** The whole linear memory; re-read after ensure() because growing replaces the buffer. */
  get memory(): Uint8Array {
    if (this.#mem.byteLength === 0 || this.#mem.buffer !== this.#x.memory.buffer) this.#mem = new Uint8Array(this.#x.memory.buffer);
    return this.#mem;
  }

  /** Makes [DATA_BASE, DATA_BASE+bytes) addressable and returns DATA_BASE. */
  ensure(bytes: number): number {
    const need = DATA_BASE + bytes + 64;
    const have = this.#x.memory.buffer.byteLength;
    if (need > have) {
      try {
        if (need > 0xffff0000) throw new RangeError("beyond 4 GiB");
        this.#x.memory.grow(Math.ceil((need - have) / 65536));
      } catch (e) {
        throw new CodecError("InvalidLayout", `Cannot map ${bytes} bytes into the erasure kernel`, { cause: e });
      }
    }
    return DATA_BASE;
  }

  /** Another kernel may have used this memory's coefficient tables since our last call. */
  forgetTables(): void {
    this.#tablesFor = null;
  }

  /**
   * outs[r] = XOR_j rows[r][j] · ins[j] over `len` bytes; ins/outs are memory offsets.
   * Outputs are computed four at a time so each input is read once per four outputs.
   */
  mulMatrix(rows: Uint8Array[], ins: number[], outs: number[], len: number): void {
    if (rows.length === 0 || len === 0) return;
    if (!this.#gfReady) this.#fillGfTables();
    const groups = Math.ceil(rows.length / 4);
    const step = groups > 1 ? CHUNK : len;
    for (let from = 0; from < len; from += step) {
      const n = Math.min(step, len - from);
      for (let g = 0; g < groups; g++) {
        const group = rows.slice(g * 4, g * 4 + 4);
        this.#loadTables(rows, g * 4, group.length, ins.length);
        const view = new Int32Array(this.#x.memory.buffer);
        for (let j = 0; j < ins.length; j++) view[(IN_PTRS >> 2) + j] = ins[j] + from;
        for (let r = 0; r < group.length; r++) view[(OUT_PTRS >> 2) + r] = outs[g * 4 + r] + from;
        const fn = [this.#x.rs_mul1, this.#x.rs_mul2, this.#x.rs_mul3, this.#x.rs_mul4][group.length - 1];
        fn(GROUP_TABLES, ins.length, IN_PTRS, OUT_PTRS, n);
      }
    }
  }

  /** HighwayHash-256 of `len` bytes at `ptr` under BITROT_KEY (or the key last set), digest at `out`. */
  hash(ptr: number, len: number, out: number): void {
    this.#x.hh_hash(HASH_STATE, KEY_PTR, ptr, len, out);
  }

  /** One-shot hash of JS bytes (copied in) under `key`. */
  hashBytes(data: Uint8Array, key: Uint8Array = BITROT_KEY): Uint8Array {
    const base = this.ensure(data.length);
    const mem = this.memory;
    mem.set(key, KEY_PTR);
    mem.set(data, base);
    this.#x.hh_hash(HASH_STATE, KEY_PTR, base, data.length, DIGEST_PTR);
    const digest = mem.slice(DIGEST_PTR, DIGEST_PTR + 32);
    if (key !== BITROT_KEY) mem.set(BITROT_KEY, KEY_PTR);
    return digest;
  }

  /** Streaming pieces: `state` is a caller-owned 128-byte snapshot swapped in and out. */
  hashInit(state: Uint8Array, key: Uint8Array): void {
    const mem = this.memory;
    mem.set(key, KEY_PTR);
    this.#x.hh_init(HASH_STATE, KEY_PTR);
    state.set(mem.subarray(HASH_STATE, HASH_STATE + 128));
    mem.set(BITROT_KEY, KEY_PTR);
  }

  /** Absorbs whole 32-byte packets of `data` into `state`. */
  hashPackets(state: Uint8Array, data: Uint8Array): void {
    const base = this.ensure(data.length);
    const mem = this.memory;
    mem.set(state, HASH_STATE);
    mem.set(data, base);
    this.#x.hh_packets(HASH_STATE, base, data.length >>> 5);
    state.set(mem.subarray(HASH_STATE, HASH_STATE + 128));
  }

  /** Absorbs the last (< 32) bytes and returns the digest; `state` is spent. */
  hashFinal(state: Uint8Array, tail: Uint8Array): Uint8Array {
    const base = this.ensure(tail.length);
    const mem = this.memory;
    mem.set(state, HASH_STATE);
    mem.set(tail, base);
    this.#x.hh_final(HASH_STATE, base, tail.length, DIGEST_PTR);
    return mem.slice(DIGEST_PTR, DIGEST_PTR + 32);
  }

  // Built on first use so hash-only kernels start fast.
  #fillGfTables(): void {
    this.#gfReady = true;
    const mem = this.memory;
    for (let c = 0; c < 256; c++) {
      for (let x = 0; x < 16; x++) {
        mem[GF_TABLES + c * 32 + x] = gfMul(c, x);
        mem[GF_TABLES + c * 32 + 16 + x] = gfMul(c, x << 4);
      }
    }
  }

  /** Expands coefficients rows[first..first+g) into the group table layout rs_mulG expects. */
  #loadTables(rows: Uint8Array[], first: number, g: number, nIn: number): void {
    if (this.#tablesFor === rows && this.#tablesFrom === first) return;
    const mem = this.memory;
    for (let j = 0; j < nIn; j++) {
      for (let r = 0; r < g; r++) {
        const c = rows[first + r][j];
        mem.copyWithin(GROUP_TABLES + (j * g + r) * 32, GF_TABLES + c * 32, GF_TABLES + c * 32 + 32);
      }
    }
    this.#tablesFor = rows;
    this.#tablesFrom = first;
  }
}
