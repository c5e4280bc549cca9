// Contract suite for every ErasureCodec (DESIGN.md §5): MinIO's vectors byte for byte
// (encode, reconstruct, the start-up self-test) and round trips, run against the WASM
// ReedSolomon and the TypeScript reference alike.
import { describe, expect, test } from "bun:test";
import { CodecError } from "./codec-error.ts";
import { type ErasureCodec, splitBlock } from "./shards.ts";
import { fromHex, hex, pattern, readVector, rng, sha256 } from "./test-support.ts";

type MakeCodec = (d: number, p: number) => ErasureCodec;

/** Splits and encodes one block the way MinIO does. */
function encodeBlock(codec: ErasureCodec, block: Uint8Array): Uint8Array[] {
  const shards = splitBlock(block, codec.d, codec.p);
  codec.encode(shards);
  return shards;
}

export function reedSolomonCases(name: string, make: MakeCodec): void {
  const codecs = new Map<string, ErasureCodec>();
  const codec = (d: number, p: number) => {
    const key = `${d}+${p}`;
    if (!codecs.has(key)) codecs.set(key, make(d, p));
    return codecs.get(key)!;
  };

  describe(`${name}: MinIO vectors`, () => {
    test("erasure self-test: 60 configs, xxHash64 of index ‖ shard and every shard's bytes", () => {
      const v = readVector("fixtures/vectors/reedsolomon.json");
      const input = Uint8Array.from({ length: 256 }, (_, i) => i);
      for (const c of v.cases) {
        const shards = encodeBlock(codec(c.dataShards, c.parityShards), input);
        const parts = shards.flatMap((s, i) => [Uint8Array.of(i), s]);
        const h = Bun.hash.xxHash64(Buffer.concat(parts)).toString(16).padStart(16, "0");
        expect(h).toBe(c.xxhash64);
        expect(shards.map(hex)).toEqual(c.shardsHex);
      }
      const selftest = readVector("vectors/reedsolomon.json").minio_selftest;
      for (const c of selftest) {
        const shards = encodeBlock(codec(c.d, c.p), input);
        const h = Bun.hash.xxHash64(Buffer.concat(shards.flatMap((s, i) => [Uint8Array.of(i), s])));
        expect(BigInt(c.xxhash64)).toBe(h);
      }
    });

    test("every config and length: each block's shards and each shard stream", () => {
      const v = readVector("vectors/reedsolomon.json");
      for (const c of v.cases) {
        const input = pattern(c.length);
        expect(sha256(input)).toBe(c.input_sha256);
        const streams: Uint8Array[][] = Array.from({ length: c.d + c.p }, () => []);
        for (const blk of c.blocks) {
          const shards = encodeBlock(codec(c.d, c.p), input.subarray(blk.offset, blk.offset + blk.len));
          for (const s of blk.shards) {
            expect(shards[s.index].length).toBe(s.len);
            if (s.hex) expect(hex(shards[s.index])).toBe(s.hex);
            else expect(sha256(shards[s.index])).toBe(s.sha256);
            streams[s.index].push(shards[s.index]);
          }
        }
        const streamHashes = streams.map((parts) => sha256(Buffer.concat(parts)));
        expect(streamHashes).toEqual(c.shard_stream_sha256);
      }
    });

    test("reconstruct and reconstructData with the dropped patterns of the vectors", () => {
      const v = readVector("vectors/reedsolomon.json");
      for (const c of v.reconstruct) {
        const shards: (Uint8Array | null)[] = encodeBlock(codec(c.d, c.p), pattern(c.length));
        for (const i of c.dropped) shards[i] = null;
        codec(c.d, c.p).reconstruct(shards, { dataOnly: c.method === "ReconstructData" });
        for (const r of c.restored ?? []) {
          const got = shards[r.index]!;
          if (r.hex) expect(hex(got)).toBe(r.hex);
          else expect(sha256(got)).toBe(r.sha256);
        }
        if (c.method === "ReconstructData") {
          for (const i of c.dropped) if (i >= c.d) expect(shards[i]).toBeNull();
        }
      }
    });
  });

  describe(`${name}: behaviour`, () => {
    test("p = 0 encodes nothing and reconstructs nothing", () => {
      const shards = encodeBlock(codec(1, 0), fromHex("00ff10"));
      expect(shards.map(hex)).toEqual(["00ff10"]);
    });

    test("fewer than d shards → CodecError Unrecoverable", () => {
      const shards: (Uint8Array | null)[] = encodeBlock(codec(3, 2), pattern(300));
      shards[0] = shards[2] = shards[4] = null;
      let err: unknown;
      try {
        codec(3, 2).reconstruct(shards);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(CodecError);
      expect((err as CodecError).kind).toBe("Unrecoverable");
    });

    test("mismatched shard lengths and counts are rejected", () => {
      expect(() => codec(2, 1).encode([new Uint8Array(4), new Uint8Array(5), new Uint8Array(4)])).toThrow(CodecError);
      expect(() => codec(2, 1).encode([new Uint8Array(4), new Uint8Array(4)])).toThrow(CodecError);
      expect(() => make(0, 1)).toThrow(CodecError);
    });

    test("random blocks survive any p erasures (same instances reused)", () => {
      const r = rng(7);
      for (let it = 0; it < 200; it++) {
        const d = 1 + r.int(16);
        const p = r.int(Math.min(d, 16 - d) + 1);
        const block = r.bytes(r.int(5000));
        const original = encodeBlock(codec(d, p), block);
        const shards: (Uint8Array | null)[] = original.map((s) => s.slice());
        const drop = new Set<number>();
        while (drop.size < p) drop.add(r.int(d + p));
        for (const i of drop) shards[i] = null;
        codec(d, p).reconstruct(shards);
        expect(shards.map((s) => hex(s!))).toEqual(original.map(hex));
      }
    });
  });
}
