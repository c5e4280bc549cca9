// Placement hashing against MinIO's own vectors (fixtures/vectors/placement-hashing.json),
// the SipHash paper's vectors, and a BigInt reference implementation on random inputs.
import { describe, expect, test } from "bun:test";
import { createSipHashMod, crcHashMod, defaultParity, deploymentKey, hashOrder, sipHash64, sipHashMod } from "./placement.ts";

interface Vector {
  keyHex: string;
  key?: string | null;
  cardinality: number;
  result?: number;
  order?: number[];
}
const VECTORS = await Bun.file(new URL("../../../shared/minio-format/fixtures/vectors/placement-hashing.json", import.meta.url)).json();
const fromHex = (h: string) => Uint8Array.from(h.match(/../g) ?? [], (x) => parseInt(x, 16));

describe("MinIO vectors", () => {
  const id: string = VECTORS.sipmod.deploymentId;

  test.each(VECTORS.sipmod.vectors as Vector[])("sipHashMod $keyHex", (v) => {
    expect(sipHashMod(fromHex(v.keyHex), v.cardinality, id)).toBe(v.result!);
    if (typeof v.key === "string") expect(sipHashMod(v.key, v.cardinality, id)).toBe(v.result!);
  });

  test.each(VECTORS.crcmod.vectors as Vector[])("crcHashMod $keyHex", (v) => {
    expect(crcHashMod(fromHex(v.keyHex), v.cardinality)).toBe(v.result!);
  });

  test.each(VECTORS.hashOrder.vectors as Vector[])("hashOrder $keyHex", (v) => {
    expect(hashOrder(fromHex(v.keyHex), v.cardinality)).toEqual(v.order!);
  });

  test.each(VECTORS.hashOrder.fixture_checks as { key: string; cardinality: number; order: number[] }[])("hashOrder($key) matches the fixture's EcDist", (v) =>
    expect(hashOrder(v.key, v.cardinality)).toEqual(v.order),
  );
});

// Straightforward 64-bit SipHash-2-4, to check the 32-bit-halves version.
const MASK = (1n << 64n) - 1n;
const rotl = (x: bigint, b: bigint) => ((x << b) | (x >> (64n - b))) & MASK;
function referenceSipHash(k0: bigint, k1: bigint, m: Uint8Array): bigint {
  let v0 = k0 ^ 0x736f6d6570736575n,
    v1 = k1 ^ 0x646f72616e646f6dn;
  let v2 = k0 ^ 0x6c7967656e657261n,
    v3 = k1 ^ 0x7465646279746573n;
  const round = () => {
    v0 = (v0 + v1) & MASK;
    v1 = rotl(v1, 13n) ^ v0;
    v0 = rotl(v0, 32n);
    v2 = (v2 + v3) & MASK;
    v3 = rotl(v3, 16n) ^ v2;
    v0 = (v0 + v3) & MASK;
    v3 = rotl(v3, 21n) ^ v0;
    v2 = (v2 + v1) & MASK;
    v1 = rotl(v1, 17n) ^ v2;
    v2 = rotl(v2, 32n);
  };
  const words = Math.floor(m.length / 8);
  for (let w = 0; w <= words; w++) {
    let word = w === words ? BigInt(m.length & 0xff) << 56n : 0n;
    for (let b = 0; b < 8 && w * 8 + b < m.length && (w < words || b < m.length % 8); b++) {
      word |= BigInt(m[w * 8 + b]) << BigInt(8 * b);
    }
    v3 ^= word;
    round();
    round();
    v0 ^= word;
  }
  v2 ^= 0xffn;
  for (let i = 0; i < 4; i++) round();
  return v0 ^ v1 ^ v2 ^ v3;
}

describe("SipHash-2-4", () => {
  const paperKey = "00010203-0405-0607-0809-0a0b0c0d0e0f";
  const prefix = (n: number) => Uint8Array.from({ length: n }, (_, i) => i);

  test("the SipHash paper's vectors (key 00..0f, message 00..n-1)", () => {
    expect(sipHash64(prefix(0), paperKey)).toBe(0x726fdb47dd0e0e31n);
    expect(sipHash64(prefix(1), paperKey)).toBe(0x74f839c593dc67fdn);
    expect(sipHash64(prefix(15), paperKey)).toBe(0xa129ca6149be45e5n);
    expect(sipHash64(prefix(63), paperKey)).toBe(0x958a324ceb064572n);
  });

  test("matches the BigInt reference for random keys and lengths 0..200", () => {
    for (let i = 0; i < 400; i++) {
      const id = crypto.randomUUID();
      const k = deploymentKey(id);
      const k0 = (BigInt(k[1]) << 32n) | BigInt(k[0]);
      const k1 = (BigInt(k[3]) << 32n) | BigInt(k[2]);
      const m = crypto.getRandomValues(new Uint8Array(i % 201));
      const want = referenceSipHash(k0, k1, m);
      expect(sipHash64(m, id)).toBe(want);
      for (const c of [1, 7, 200, 0x1fffff, 0x200000, 0x7fffffff]) {
        expect(sipHashMod(m, c, id)).toBe(Number(want % BigInt(c)));
      }
    }
  });

  test("a bound hasher gives the same answers across calls of any length and script", () => {
    const id = VECTORS.sipmod.deploymentId;
    const h = createSipHashMod(id);
    const keys = ["", "a", "object", "ü".repeat(200), "x".repeat(1000), "SH\u00d8RT", "😀/emoji", "object"];
    for (const key of keys) {
      const want = Number(sipHash64(new TextEncoder().encode(key), id) % 97n);
      expect(h(key, 97)).toBe(want);
    }
  });

  test("cardinality <= 0 gives -1; bad ids throw", () => {
    expect(sipHashMod("a", 0, crypto.randomUUID())).toBe(-1);
    expect(crcHashMod("a", 0)).toBe(-1);
    expect(hashOrder("a", 0)).toEqual([]);
    expect(() => sipHashMod("a", 4, "not-a-uuid")).toThrow('Invalid deployment id "not-a-uuid"');
  });
});

test("the default parity is re-exported for the object layer", () => {
  expect(defaultParity(16)).toBe(4);
});
