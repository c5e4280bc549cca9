// Plain TypeScript Reed-Solomon (byte at a time, log/exp tables): slow and obviously right,
// the yardstick the WASM kernel and the worker pool are tested against.
import { checkCode } from "./codec-error.ts";
import { type Matrix, decodeMatrix, encodingMatrix, gfTables } from "./gf256.ts";
import { type ErasureCodec, type ReconstructOptions, checkShards, planReconstruct } from "./shards.ts";

export class ReedSolomonReference implements ErasureCodec {
  readonly d: number;
  readonly p: number;
  readonly #matrix: Matrix;

  constructor(d: number, p: number) {
    checkCode(d, p);
    this.d = d;
    this.p = p;
    this.#matrix = encodingMatrix(d, p);
  }

  encode(shards: Uint8Array[]): void {
    checkShards(shards, this.d, this.p);
    const inputs = shards.slice(0, this.d);
    for (let r = 0; r < this.p; r++) mulRow(this.#matrix[this.d + r], inputs, shards[this.d + r]);
  }

  reconstruct(shards: (Uint8Array | null)[], opts: ReconstructOptions = {}): void {
    const len = checkShards(shards, this.d, this.p);
    const { sources, targets } = planReconstruct(shards, this.d, opts.dataOnly ?? false);
    if (targets.length === 0) return;
    const rows = decodeMatrix(this.#matrix, sources, targets);
    const inputs = sources.map((s) => shards[s]!);
    targets.forEach((t, i) => {
      const out = new Uint8Array(len);
      mulRow(rows[i], inputs, out);
      shards[t] = out;
    });
  }
}

function mulRow(coeffs: Uint8Array, inputs: Uint8Array[], out: Uint8Array): void {
  const { exp, log } = gfTables();
  out.fill(0);
  inputs.forEach((input, j) => {
    const c = coeffs[j];
    if (c === 0) return;
    const lc = log[c];
    for (let i = 0; i < out.length; i++) {
      const x = input[i];
      if (x !== 0) out[i] ^= exp[lc + log[x]];
    }
  });
}
