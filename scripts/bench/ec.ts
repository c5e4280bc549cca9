// Benchmark of src/ec (`bun run bench:ec`): prints ONE JSON object. Per-core numbers run on
// the main thread; pool numbers go through ErasurePool with 1 and 2 workers, next to the same
// work done by plain threads with no pool (the ceiling). Ceilings are measured in the same run
// because numbers drift with the machine's load. This file is also the ceiling threads' entry.
import { ArenaBank } from "../../src/ec/arena-bank.ts";
import { ArenaEncoder } from "../../src/ec/arena-encoder.ts";
import { EcKernel } from "../../src/ec/ec-kernel.ts";
import { EncodeBatch, kernelGeometry } from "../../src/ec/encode-batch.ts";
import { encodingMatrix, decodeMatrix } from "../../src/ec/gf256.ts";
import { loadNativeHighway } from "../../src/ec/highway-hash.ts";
import { BLOCK_SIZE, BITROT_KEY, ErasurePool, ReedSolomon, erasureEncode, hashImplementation } from "../../src/ec/index.ts";

const CONFIGS: [number, number][] = [
  [2, 2],
  [4, 2],
  [8, 4],
  [12, 4],
];
const MIN_SECONDS = 0.4;

/** Runs fn until MIN_SECONDS have passed (after a warm-up) and returns GB/s of `bytes` per call. */
function rate(bytes: number, fn: () => void): number {
  for (let i = 0; i < 5; i++) fn();
  let calls = 0;
  const start = performance.now();
  let elapsed = 0;
  do {
    fn();
    calls++;
    elapsed = (performance.now() - start) / 1000;
  } while (elapsed < MIN_SECONDS);
  return round((calls * bytes) / elapsed / 1e9);
}

const round = (x: number) => Math.round(x * 100) / 100;

function memcpy(): number {
  const src = new Uint8Array(64 << 20).fill(1);
  const dst = new Uint8Array(64 << 20);
  return rate(src.length, () => dst.set(src));
}

/** RS in kernel memory (the pool's path): GF products only, no copies. */
function kernelRates(kernel: EcKernel, d: number, p: number) {
  const size = Math.ceil(BLOCK_SIZE / d);
  const stride = (size + 63) & ~63;
  const base = kernel.ensure((d + p) * stride);
  kernel.memory.fill(7, base, base + d * stride);
  const ptr = (i: number) => base + i * stride;
  const E = encodingMatrix(d, p);
  const parity = E.slice(d);
  const encode = rate(BLOCK_SIZE, () =>
    kernel.mulMatrix(
      parity,
      [...Array(d).keys()].map(ptr),
      parity.map((_, r) => ptr(d + r)),
      size,
    ),
  );
  // p data shards missing: rebuild them from the other data shards and the parity
  const sources = [...Array(d + p).keys()].slice(p, p + d);
  const targets = [...Array(p).keys()];
  const rows = decodeMatrix(E, sources, targets);
  const reconstruct = rate(BLOCK_SIZE, () => kernel.mulMatrix(rows, sources.map(ptr), targets.map(ptr), size));
  return { encode, reconstruct };
}

/** The public ReedSolomon API on plain JS arrays: includes copies in and out of kernel memory. */
function apiRates(d: number, p: number) {
  const rs = new ReedSolomon(d, p);
  const size = Math.ceil(BLOCK_SIZE / d);
  const shards = Array.from({ length: d + p }, () => new Uint8Array(size).fill(3));
  const encode = rate(BLOCK_SIZE, () => rs.encode(shards));
  const reconstruct = rate(BLOCK_SIZE, () => {
    const s: (Uint8Array | null)[] = shards.slice();
    for (let i = 0; i < p; i++) s[i] = null;
    rs.reconstruct(s, { dataOnly: true });
  });
  return { encode, reconstruct };
}

async function poolRate(workers: number, hash: "auto" | "wasm"): Promise<number> {
  const pool = new ErasurePool({ workers, hash });
  const block = new Uint8Array(BLOCK_SIZE).fill(9);
  const inflight = workers * 2;
  const run = async (jobs: number) => {
    // as erasureEncode does: write the stream's bytes into a batch (its arena), release results
    const pending: Promise<void>[] = [];
    for (let i = 0; i < jobs; i++) {
      const batch = pool.batch({ d: 4, p: 2, blockSize: BLOCK_SIZE }, BLOCK_SIZE);
      batch.write(block);
      pending.push(pool.encodeBatch(batch).then((segs) => pool.release(segs)));
      if (pending.length >= inflight) await pending.shift();
    }
    await Promise.all(pending);
  };
  await run(20);
  let jobs = 0;
  const start = performance.now();
  while (performance.now() - start < MIN_SECONDS * 2000) {
    await run(16);
    jobs += 16;
  }
  const seconds = (performance.now() - start) / 1000;
  await pool.close();
  return round((jobs * BLOCK_SIZE) / seconds / 1e9);
}

const LAYOUT = { d: 4, p: 2, blockSize: BLOCK_SIZE };

/**
 * Ceiling thread: a pool job's work on a 1 MiB block in one arena, in a loop, for `ms`; with
 * `write`, also the copy of the block into the arena (done by the pool's caller). Posts GB/s.
 */
function ceilingThread(ev: MessageEvent<{ write: boolean; ms: number }>): void {
  const g = kernelGeometry(LAYOUT, 1);
  const arena = new ArenaBank(0, () => {}).take("kernel", g.bytes, "input");
  const kernel = new EcKernel(arena.memory);
  const encoder = new ArenaEncoder("auto");
  const block = new Uint8Array(BLOCK_SIZE).fill(9);
  let jobs = 0;
  const start = performance.now();
  while (performance.now() - start < ev.data.ms) {
    if (ev.data.write) {
      arena.state = "input";
      new EncodeBatch(arena, LAYOUT, BLOCK_SIZE, g).write(block);
    }
    encoder.encode(kernel, 4, 2, BLOCK_SIZE, 1, BLOCK_SIZE);
    jobs++;
  }
  postMessage((jobs * BLOCK_SIZE) / ((performance.now() - start) / 1000) / 1e9);
}

/** GB/s of `threads` ceiling threads together (see ceilingThread). */
async function ceilingRate(threads: number, write: boolean): Promise<number> {
  const workers = Array.from({ length: threads }, () => new Worker(import.meta.url));
  const run = (w: Worker, ms: number) => new Promise<number>((res) => ((w.onmessage = (e) => res(e.data)), w.postMessage({ write, ms })));
  await Promise.all(workers.map((w) => run(w, 200)));
  const rates = await Promise.all(workers.map((w) => run(w, MIN_SECONDS * 2000)));
  for (const w of workers) w.terminate();
  return round(rates.reduce((a, b) => a + b, 0));
}

/** erasureEncode of a stream of 64 KiB chunks into sinks that take each segment at once. */
async function streamRate(workers: number): Promise<number> {
  const pool = new ErasurePool({ workers });
  const chunk = new Uint8Array(64 << 10).fill(7);
  const sinks = Array.from({ length: 6 }, () => ({ write: async () => {} }));
  const run = async (mib: number) => {
    const source = (async function* () {
      for (let i = 0; i < mib * 16; i++) yield chunk;
    })();
    await erasureEncode(pool, LAYOUT, source, sinks, 5);
  };
  await run(16);
  const start = performance.now();
  await run(256);
  const seconds = (performance.now() - start) / 1000;
  await pool.close();
  return round((256 * 2 ** 20) / seconds / 1e9);
}

async function main(): Promise<void> {
  const kernel = new EcKernel();
  const encode_gbps: Record<string, number> = {};
  const reconstruct_gbps: Record<string, number> = {};
  const encode_api_gbps: Record<string, number> = {};
  const reconstruct_api_gbps: Record<string, number> = {};
  const memcpyBefore = memcpy();
  for (const [d, p] of CONFIGS) {
    const key = `${d}+${p}`;
    ({ encode: encode_gbps[key], reconstruct: reconstruct_gbps[key] } = kernelRates(kernel, d, p));
    ({ encode: encode_api_gbps[key], reconstruct: reconstruct_api_gbps[key] } = apiRates(d, p));
  }
  const hashBase = kernel.ensure(BLOCK_SIZE);
  kernel.memory.fill(5, hashBase, hashBase + BLOCK_SIZE);
  const hash_wasm_gbps = rate(BLOCK_SIZE, () => kernel.hash(hashBase, BLOCK_SIZE, hashBase - 64));
  const native = loadNativeHighway();
  const nativeInput = new Uint8Array(BLOCK_SIZE).fill(5);
  const hash_native_gbps = native ? rate(BLOCK_SIZE, () => native.hash256(BITROT_KEY, nativeInput)) : null;
  const hash_impl = hashImplementation();
  const pool_gbps = { "1": await poolRate(1, "auto"), "2": await poolRate(2, "auto") };
  const pool_wasm_hash_gbps = { "1": await poolRate(1, "wasm"), "2": await poolRate(2, "wasm") };
  // One pool worker gets its input written by the main thread on the other core: its ceiling is
  // the job alone. Two workers share both cores with that writing: their ceiling includes it.
  const pool_ceiling_gbps = { "1": await ceilingRate(1, false), "2": await ceilingRate(2, true) };
  const stream_gbps = { "1": await streamRate(1), "2": await streamRate(2) };
  const memcpy_gbps = Math.max(memcpyBefore, memcpy());

  console.log(
    JSON.stringify({
      encode_gbps,
      reconstruct_gbps,
      hash_gbps: hash_impl === "native" ? hash_native_gbps : hash_wasm_gbps,
      hash_impl,
      pool_gbps,
      memcpy_gbps,
      pool_speedup: round(pool_gbps["2"] / pool_gbps["1"]),
      pool_ceiling_gbps,
      pool_ceiling_speedup: round(pool_ceiling_gbps["2"] / pool_ceiling_gbps["1"]),
      stream_gbps,
      encode_api_gbps,
      reconstruct_api_gbps,
      hash_wasm_gbps,
      hash_native_gbps,
      pool_wasm_hash_gbps,
      notes: {
        encode_gbps: "RS parity in kernel memory per core (the pool's path), GB/s of data, 1 MiB blocks",
        encode_api_gbps: "ReedSolomon.encode on JS arrays (copies in and out of WASM memory included)",
        pool_gbps: "4+2 encode + HighwayHash framing jobs of one 1 MiB block, keyed by workers, GB/s of data",
        pool_ceiling_gbps: "the same work in plain threads, no pool: 1 = the job alone, 2 = two threads each writing its block and encoding it",
        stream_gbps: "erasureEncode 4+2 of 256 MiB in 64 KiB chunks, sinks that take each segment at once, keyed by workers",
        cores: navigator.hardwareConcurrency,
      },
    }),
  );
}

declare const self: Worker;
if (Bun.isMainThread) await main();
else self.onmessage = ceilingThread;
