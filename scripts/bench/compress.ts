// Benchmark of src/compress (`bun run bench:compress`): prints ONE JSON object. 64 MiB of
// log-like text and of random bytes go through S2Writer and S2Reader in 1 MiB pieces (the
// object layer's block size) on the main thread. Ceilings measured in the same run over the
// same bytes: memcpy (Uint8Array.set), CRC-32C (our util code, which every chunk pays once on
// each side) and node:zlib deflateRaw level 1 / inflateRaw (a native general-purpose codec).
import { deflateRawSync, inflateRawSync } from "node:zlib";
import { S2Reader, S2Writer } from "../../src/compress/index.ts";
import { crc32cUpdate } from "../../src/util/index.ts";
import { noise, textLike } from "../../test/support/s2-data.ts";

const SIZE = 64 << 20;
const PIECE = 1 << 20;
const RUNS = 3;

const round = (x: number, digits = 1) => Number(x.toFixed(digits));

/** Best MiB/s of `bytes` over RUNS runs of fn (after one warm-up run). */
function mibps(bytes: number, fn: () => void): number {
  fn();
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    fn();
    best = Math.min(best, performance.now() - t);
  }
  return round(bytes / (1 << 20) / (best / 1000));
}

function compress(data: Uint8Array): Uint8Array[] {
  const w = new S2Writer();
  const out: Uint8Array[] = [];
  for (let p = 0; p < data.length; p += PIECE) out.push(...w.write(data.subarray(p, p + PIECE)));
  out.push(...w.close().chunks);
  return out;
}

/** Re-cuts the stream into 1 MiB pieces, as drive reads deliver it. */
function pieces(chunks: Uint8Array[]): Uint8Array[] {
  const all = Buffer.concat(chunks);
  const out: Uint8Array[] = [];
  for (let p = 0; p < all.length; p += PIECE) out.push(all.subarray(p, p + PIECE));
  return out;
}

function decompress(input: Uint8Array[]): number {
  const r = new S2Reader();
  let n = 0;
  for (const piece of input) for (const out of r.push(piece)) n += out.length;
  r.end();
  return n;
}

function measure(data: Uint8Array) {
  const stream = pieces(compress(data));
  const compressedBytes = stream.reduce((n, p) => n + p.length, 0);
  if (decompress(stream) !== data.length) throw new Error("round trip lost bytes");
  const deflated: Buffer[] = [];
  for (let p = 0; p < data.length; p += PIECE) deflated.push(deflateRawSync(data.subarray(p, p + PIECE), { level: 1 }));
  const dst = new Uint8Array(data.length);
  const compressMiBps = mibps(data.length, () => compress(data));
  const decompressMiBps = mibps(data.length, () => decompress(stream));
  const memcpyMiBps = mibps(data.length, () => dst.set(data));
  const crc32cMiBps = mibps(data.length, () => crc32cUpdate(0, data));
  const deflateRaw1MiBps = mibps(data.length, () => {
    for (let p = 0; p < data.length; p += PIECE) deflateRawSync(data.subarray(p, p + PIECE), { level: 1 });
  });
  const inflateRawMiBps = mibps(data.length, () => {
    for (const d of deflated) inflateRawSync(d);
  });
  return {
    compressedRatio: round(compressedBytes / data.length, 3),
    deflateRaw1Ratio: round(deflated.reduce((n, d) => n + d.length, 0) / data.length, 3),
    compressMiBps,
    decompressMiBps,
    ceilings: { memcpyMiBps, crc32cMiBps, deflateRaw1MiBps, inflateRawMiBps },
    compressVsDeflateRaw1: round(compressMiBps / deflateRaw1MiBps, 2),
    decompressVsInflateRaw: round(decompressMiBps / inflateRawMiBps, 2),
    decompressVsMemcpy: round(decompressMiBps / memcpyMiBps, 3),
  };
}

const result = {
  sizeMiB: SIZE >> 20,
  pieceMiB: PIECE >> 20,
  runs: RUNS,
  text: measure(textLike(SIZE)),
  random: measure(noise(SIZE)),
};
console.log(JSON.stringify(result, null, 1));
