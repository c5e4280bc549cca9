// Benchmark of src/ec (`bun run bench:ec`): prints ONE JSON object. Per-core numbers run on
// the main thread; pool numbers go through ErasurePool with 1 and 2 workers. The memcpy
// ceiling is measured in the same run because numbers drift with the machine's load.
import { EcKernel } from "../../src/ec/ec-kernel.ts";
import { encodingMatrix, decodeMatrix } from "../../src/ec/gf256.ts";
import { loadNativeHighway } from "../../src/ec/highway-hash.ts";
import { BLOCK_SIZE, BITROT_KEY, ErasurePool, ReedSolomon, hashImplementation } from "../../src/ec/index.ts";

const CONFIGS: [number, number][] = [[2, 2], [4, 2], [8, 4], [12, 4]];
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
  const encode = rate(BLOCK_SIZE, () => kernel.mulMatrix(parity, [...Array(d).keys()].map(ptr), parity.map((_, r) => ptr(d + r)), size));
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
    // as erasureEncode does: copy the stream's bytes into a recycled block, release results
    const pending: Promise<void>[] = [];
    for (let i = 0; i < jobs; i++) {
      const input = pool.acquire(BLOCK_SIZE);
      input.set(block);
      pending.push(pool.encode(4, 2, BLOCK_SIZE, input).then((segs) => pool.release(segs)));
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
    encode_api_gbps,
    reconstruct_api_gbps,
    hash_wasm_gbps,
    hash_native_gbps,
    pool_wasm_hash_gbps,
    notes: {
      encode_gbps: "RS parity in kernel memory per core (the pool's path), GB/s of data, 1 MiB blocks",
      encode_api_gbps: "ReedSolomon.encode on JS arrays (copies in and out of WASM memory included)",
      pool_gbps: "4+2 encode + HighwayHash framing jobs of one 1 MiB block, keyed by workers, GB/s of data",
      cores: navigator.hardwareConcurrency,
    },
  }),
);
