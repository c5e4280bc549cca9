// HighwayHash-256 against MinIO's and the library's vectors, on the WASM kernel (one-shot and
// streaming with random splits) and on the native addon when it loads here.
import { expect, test } from "bun:test";
import { EcKernel } from "./ec-kernel.ts";
import { HighwayHash256, bitrotSelfTest, hashImplementation, highwayHash256, loadNativeHighway } from "./highway-hash.ts";
import { BITROT_KEY, BITROT_KEY_HEX } from "./layout.ts";
import { fromHex, hex, pattern, readVector, rng, sha256 } from "../../test/support/ec-vectors.ts";

interface Case {
  key: Uint8Array;
  input: Uint8Array;
  hh256: string;
}

function allCases(): Case[] {
  const out: Case[] = [];
  const a = readVector("vectors/highwayhash.json");
  expect(a.bitrot_key_hex).toBe(BITROT_KEY_HEX);
  for (const c of a.bitrot_key_cases) {
    const input = c.input_hex !== undefined ? fromHex(c.input_hex) : pattern(c.length);
    expect(sha256(input)).toBe(c.input_sha256);
    out.push({ key: BITROT_KEY, input, hh256: c.hh256 });
  }
  const refKey = fromHex(a.reference_key_hex);
  for (const c of a.reference) out.push({ key: refKey, input: Uint8Array.from({ length: c.n }, (_, i) => i), hh256: c.hh256 });
  out.push({ key: new Uint8Array(32), input: new TextEncoder().encode(a.key_origin_check.string), hh256: BITROT_KEY_HEX });
  const b = readVector("fixtures/vectors/highwayhash256.json");
  for (const c of b.minio_key_cases) out.push({ key: BITROT_KEY, input: Uint8Array.from({ length: c.length }, (_, i) => i & 0xff), hh256: c.hh256 });
  const upKey = fromHex(b.upstream_vectors.key_hex);
  b.upstream_vectors.hh256.forEach((h: string, i: number) => out.push({ key: upKey, input: Uint8Array.from({ length: i }, (_, k) => k), hh256: h }));
  return out;
}

test("WASM one-shot: every vector of both vector files, and MinIO's self-test", () => {
  const kernel = new EcKernel();
  for (const c of allCases()) expect(hex(kernel.hashBytes(c.input, c.key))).toBe(c.hh256);
  expect(bitrotSelfTest((data) => kernel.hashBytes(data))).toBe(true);
});

test("WASM streaming: random update splits give the one-shot digest", () => {
  const kernel = new EcKernel();
  const r = rng(99);
  for (const c of allCases()) {
    const h = new HighwayHash256(c.key, kernel);
    let at = 0;
    while (at < c.input.length) {
      const n = Math.min(c.input.length - at, r.int(4) === 0 ? r.int(200_000) : r.int(70));
      h.update(c.input.subarray(at, at + n));
      at += n;
    }
    expect(hex(h.digest())).toBe(c.hh256);
  }
  const h = new HighwayHash256();
  h.digest();
  expect(() => h.digest()).toThrow();
});

test("highwayHash256 (default path) and the native addon where it loads", () => {
  for (const c of allCases()) expect(hex(highwayHash256(c.input, c.key))).toBe(c.hh256);
  const native = loadNativeHighway();
  expect(hashImplementation()).toBe(native ? "native" : "wasm");
  if (native) {
    const r = rng(5);
    const kernel = new EcKernel();
    for (let i = 0; i < 200; i++) {
      const data = r.bytes(r.int(3000));
      expect(hex(native.hash256(BITROT_KEY, data))).toBe(hex(kernel.hashBytes(data)));
    }
  }
  expect(() => highwayHash256(new Uint8Array(1), new Uint8Array(16))).toThrow();
});
