// Arithmetic in GF(2^8) with polynomial 0x11D and generator 2, and the matrices MinIO's
// Reed-Solomon uses (SPEC §3.4): the systematic Vandermonde encoding matrix and the
// decode matrices that rebuild missing shards from any d survivors.
import { CodecError } from "./codec-error.ts";

/** exp[i] = 2^i for i in 0..509 (doubled so mul needs no modulo); log[x] for x ≥ 1. */
export interface GfTables {
  exp: Uint8Array;
  log: Uint8Array;
}

function buildTables(): GfTables {
  const exp = new Uint8Array(510);
  const log = new Uint8Array(256);
  let x = 1;
  for (let i = 0; i < 255; i++) {
    exp[i] = x;
    exp[i + 255] = x;
    log[x] = i;
    x <<= 1;
    if (x & 0x100) x ^= 0x11d;
  }
  return { exp, log };
}

// Immutable lookup tables, built on first use rather than at import time.
let tables: GfTables | undefined;
export function gfTables(): GfTables {
  return (tables ??= buildTables());
}

export function gfMul(a: number, b: number): number {
  if (a === 0 || b === 0) return 0;
  const t = gfTables();
  return t.exp[t.log[a] + t.log[b]];
}

function gfInv(a: number): number {
  if (a === 0) throw new CodecError("InvalidLayout", "Cannot invert zero in GF(2^8)");
  const t = gfTables();
  return t.exp[255 - t.log[a]];
}

/** a^n with 0^0 = 1, as the Vandermonde matrix needs. */
function gfPow(a: number, n: number): number {
  if (n === 0) return 1;
  if (a === 0) return 0;
  const t = gfTables();
  return t.exp[(t.log[a] * n) % 255];
}

/** Row-major matrix of GF(2^8) elements. */
export type Matrix = Uint8Array[];

function matMul(a: Matrix, b: Matrix): Matrix {
  const cols = b[0].length;
  return a.map((row) => {
    const out = new Uint8Array(cols);
    for (let c = 0; c < cols; c++) {
      let acc = 0;
      for (let k = 0; k < row.length; k++) acc ^= gfMul(row[k], b[k][c]);
      out[c] = acc;
    }
    return out;
  });
}

/** Inverse by Gauss-Jordan elimination; throws if the matrix is singular. */
function matInvert(m: Matrix): Matrix {
  const n = m.length;
  const w = m.map((row, r) => {
    const ext = new Uint8Array(2 * n);
    ext.set(row);
    ext[n + r] = 1;
    return ext;
  });
  for (let c = 0; c < n; c++) {
    let pivot = c;
    while (pivot < n && w[pivot][c] === 0) pivot++;
    if (pivot === n) throw new CodecError("InvalidLayout", "Cannot invert a singular GF(2^8) matrix");
    [w[c], w[pivot]] = [w[pivot], w[c]];
    const scale = gfInv(w[c][c]);
    for (let k = 0; k < 2 * n; k++) w[c][k] = gfMul(w[c][k], scale);
    for (let r = 0; r < n; r++) {
      const f = w[r][c];
      if (r === c || f === 0) continue;
      for (let k = 0; k < 2 * n; k++) w[r][k] ^= gfMul(f, w[c][k]);
    }
  }
  return w.map((row) => row.slice(n));
}

/** The (d+p)×d encoding matrix: Vandermonde V[r][c] = r^c times inverse(top d×d of V). */
export function encodingMatrix(d: number, p: number): Matrix {
  const v: Matrix = [];
  for (let r = 0; r < d + p; r++) v.push(Uint8Array.from({ length: d }, (_, c) => gfPow(r, c)));
  return matMul(v, matInvert(v.slice(0, d)));
}

/**
 * Coefficients that compute each shard in `targets` from the shards in `sources` (exactly d
 * distinct indexes): row t = E[targets[t]] · inverse(E[sources]).
 */
export function decodeMatrix(encoding: Matrix, sources: number[], targets: number[]): Matrix {
  const inv = matInvert(sources.map((s) => encoding[s]));
  return matMul(
    targets.map((t) => encoding[t]),
    inv,
  );
}
