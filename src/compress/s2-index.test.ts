import { describe, expect, test } from "bun:test";
import { CompressError } from "./compress-error.ts";
import { S2Index, S2IndexBuilder, loadS2Index, loadS2IndexHeaderless, removeIndexHeaders, restoreIndexHeaders } from "./s2-index.ts";

const MiB = 1 << 20;

function sample(blocks: number, est = MiB): S2Index {
  const b = new S2IndexBuilder(est);
  b.add(0, 0);
  let c = 10;
  for (let i = 0; i < blocks; i++) {
    b.add(c, i * est);
    c += 200_000 + ((i * 7919) % 5000);
  }
  return b.finish(Math.max(0, blocks * est - 123), c);
}

describe("S2IndexBuilder", () => {
  test("a repeated uncompressed offset moves its entry (the identifier chunk, then the first block)", () => {
    const b = new S2IndexBuilder(MiB);
    b.add(0, 0);
    b.add(10, 0);
    b.add(500, MiB);
    const idx = b.finish(2 * MiB, 900);
    expect(idx.toJSON()).toEqual({
      total_uncompressed: 2 * MiB,
      total_compressed: 900,
      offsets: [
        { compressed: 10, uncompressed: 0 },
        { compressed: 500, uncompressed: MiB },
      ],
      est_block_uncompressed: MiB,
    });
  });

  test("refuses entries that go backwards", () => {
    const b = new S2IndexBuilder(MiB);
    b.add(100, MiB);
    expect(() => b.add(50, 2 * MiB)).toThrow(CompressError);
    expect(() => b.add(200, 0)).toThrow(CompressError);
  });

  test("thins small-block indexes to ≥ 1 MiB apart while keeping over 1000 entries", () => {
    const b = new S2IndexBuilder(4096);
    for (let i = 0; i < 5000; i++) b.add(10 + i * 1000, i * 4096);
    const idx = b.finish(5000 * 4096, 10 + 5000 * 1000);
    // removeN grows while 4096·(n+1) < 1 MiB and 5000/(n+1) > 1000 → 4 (keep every 5th).
    expect(idx.length).toBe(1000);
    expect(idx.estBlockUncompressed).toBe(5 * 4096);
    expect(idx.uncompressedOffsets[1]).toBe(5 * 4096);
  });
});

describe("S2Index serialization", () => {
  test("round-trips with and without headers; the headerless form is 20 bytes shorter", () => {
    for (const idx of [sample(0), sample(1), sample(37), new S2IndexBuilder(MiB).finish(0, 0)]) {
      const full = idx.toBytes();
      const bare = idx.toBytes({ headers: false });
      expect(full.length - bare.length).toBe(20);
      expect(full[0]).toBe(0x99);
      expect(loadS2Index(full).toJSON()).toEqual(idx.toJSON());
      expect(loadS2IndexHeaderless(bare).toJSON()).toEqual(idx.toJSON());
      expect(removeIndexHeaders(full)).toEqual(bare);
      expect(restoreIndexHeaders(bare)).toEqual(full);
    }
  });

  test("irregular uncompressed offsets set the flag byte and still round-trip", () => {
    const b = new S2IndexBuilder(MiB);
    b.add(10, 0);
    b.add(1000, 5);
    b.add(3000, 3 * MiB + 17);
    const idx = b.finish(4 * MiB, 5000);
    expect(loadS2Index(idx.toBytes()).toJSON()).toEqual(idx.toJSON());
  });

  test("every truncation and every byte flip either loads or throws CompressError", () => {
    const full = sample(12).toBytes();
    for (let n = 0; n < full.length; n++) expect(() => loadS2Index(full.subarray(0, n))).toThrow(CompressError);
    for (let i = 0; i < full.length; i++) {
      for (const bit of [0x01, 0x80]) {
        const bad = full.slice();
        bad[i] ^= bit;
        try {
          loadS2Index(bad);
        } catch (err) {
          expect(err).toBeInstanceOf(CompressError);
        }
      }
    }
    expect(() => loadS2IndexHeaderless(new Uint8Array(0))).toThrow(CompressError);
    expect(() => removeIndexHeaders(new Uint8Array(10))).toThrow(CompressError);
  });
});

describe("S2Index.find", () => {
  const idx = sample(5);
  test("returns the chunk holding the offset", () => {
    expect(idx.find(0)).toEqual({ compressedOffset: 10, uncompressedOffset: 0 });
    expect(idx.find(MiB - 1)).toEqual({ compressedOffset: 10, uncompressedOffset: 0 });
    expect(idx.find(MiB)).toEqual({ compressedOffset: idx.compressedOffsets[1], uncompressedOffset: MiB });
    expect(idx.find(idx.totalUncompressed)).toEqual({ compressedOffset: idx.compressedOffsets[4], uncompressedOffset: 4 * MiB });
  });
  test("negative offsets count from the end", () => {
    expect(idx.find(-1)).toEqual(idx.find(idx.totalUncompressed - 1));
  });
  test("out of range and unknown sizes are refused", () => {
    expect(() => idx.find(idx.totalUncompressed + 1)).toThrow(CompressError);
    expect(() => idx.find(-idx.totalUncompressed - 1)).toThrow(CompressError);
    expect(() => new S2Index(-1, -1, MiB, [], []).find(0)).toThrow(CompressError);
  });
  test("an empty index finds (0, 0); large ones binary-search and never return before their first entry", () => {
    expect(new S2Index(100, 100, MiB, [], []).find(5)).toEqual({ compressedOffset: 0, uncompressedOffset: 0 });
    const c = Array.from({ length: 300 }, (_, i) => 1000 + i * 10);
    const u = Array.from({ length: 300 }, (_, i) => 50 + i * 100);
    const big = new S2Index(40_000, 5000, 100, c, u);
    expect(big.find(0)).toEqual({ compressedOffset: 1000, uncompressedOffset: 50 });
    expect(big.find(251)).toEqual({ compressedOffset: 1020, uncompressedOffset: 250 });
    const small = new S2Index(40_000, 5000, 100, c.slice(0, 10), u.slice(0, 10));
    expect(small.find(0)).toEqual({ compressedOffset: 0, uncompressedOffset: 0 });
  });
});
