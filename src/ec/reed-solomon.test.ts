// Runs the Reed-Solomon contract suite against the WASM kernel, the TS reference and the worker
// pool, and checks kernel and reference against each other on thousands of random codes.
import { afterAll, expect, test } from "bun:test";
import { ReedSolomon } from "./reed-solomon.ts";
import { ReedSolomonReference } from "./reed-solomon-reference.ts";
import { reedSolomonCases } from "../../test/cases/reed-solomon.cases.ts";
import { encodingMatrix } from "./gf256.ts";
import { EcKernel } from "./ec-kernel.ts";
import { ErasurePool } from "./erasure-pool.ts";
import { readVector, rng } from "../../test/support/ec-vectors.ts";
import { PoolCodec } from "../../test/support/pool-codec.ts";

reedSolomonCases("ReedSolomon (WASM)", (d, p) => new ReedSolomon(d, p));
reedSolomonCases("ReedSolomonReference", (d, p) => new ReedSolomonReference(d, p));
// Every decode through a worker (inThreadBytes 0), none on this thread.
const pool = new ErasurePool({ workers: 2, hash: "wasm", inThreadBytes: 0 });
afterAll(() => pool.close());
reedSolomonCases("ErasurePool", (d, p) => new PoolCodec(pool, d, p));

test("encoding matrices: parity rows equal the vectors' for every listed d+p", () => {
  const rows = readVector("fixtures/vectors/reedsolomon.json").parity_rows.matrices as Record<string, number[][]>;
  for (const [k, want] of Object.entries(rows)) {
    const [d, p] = k.split("+").map(Number);
    expect(
      encodingMatrix(d, p)
        .slice(d)
        .map((r) => [...r]),
    ).toEqual(want);
  }
});

test("randomized: 3000 codes, lengths, erasure patterns; WASM (one shared kernel) = reference", () => {
  const kernel = new EcKernel();
  const wasm = new Map<string, ReedSolomon>();
  const ref = new Map<string, ReedSolomonReference>();
  const r = rng(20240611);
  for (let it = 0; it < 3000; it++) {
    const d = 1 + r.int(16);
    const p = r.int(Math.min(d, 16 - d) + 1);
    const key = `${d}+${p}`;
    if (!wasm.has(key)) {
      wasm.set(key, new ReedSolomon(d, p, kernel));
      ref.set(key, new ReedSolomonReference(d, p));
    }
    // mostly small, sometimes past the 64 KiB slab
    const len = r.int(60) === 0 ? 65536 + r.int(70000) : r.int(700);
    const a = Array.from({ length: d + p }, (_, i) => (i < d ? r.bytes(len) : new Uint8Array(len)));
    const b = a.map((s) => s.slice());
    wasm.get(key)!.encode(a);
    ref.get(key)!.encode(b);
    expect(Buffer.compare(Buffer.concat(a), Buffer.concat(b))).toBe(0);
    const lost: (Uint8Array | null)[] = a.slice();
    const drop = r.int(p + 1);
    for (let k = 0; k < drop; k++) lost[r.int(d + p)] = null;
    const dataOnly = r.int(2) === 0;
    wasm.get(key)!.reconstruct(lost, { dataOnly });
    for (let i = 0; i < d + p; i++) {
      if (lost[i]) expect(Buffer.compare(lost[i]!, b[i])).toBe(0);
      else expect(dataOnly && i >= d).toBe(true);
    }
  }
}, 120_000);
