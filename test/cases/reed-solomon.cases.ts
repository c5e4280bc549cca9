// Contract suite for every ErasureCodec (DESIGN.md §5): MinIO's vectors byte for byte
// (encode, reconstruct, the start-up self-test) and round trips, run against the WASM
// ReedSolomon, the TypeScript reference and ErasurePool (through an adapter) alike.
import { describe, expect, test } from "bun:test";
import { CodecError, type ErasureCodec, type ReconstructOptions, splitBlock } from "../../src/ec/index.ts";
import { fromHex, hex, pattern, readVector, rng, sha256 } from "../support/ec-vectors.ts";

/** An ErasureCodec, or one whose calls answer later (ErasurePool runs them on workers). */
export interface AnyCodec {
  readonly d: number;
  readonly p: number;
  encode(shards: Uint8Array[]): void | Promise<void>;
  reconstruct(shards: (Uint8Array | null)[], opts?: ReconstructOptions): void | Promise<void>;
}

type MakeCodec = (d: number, p: number) => ErasureCodec | AnyCodec;

/** Splits and encodes one block the way MinIO does. */
async function encodeBlock(codec: AnyCodec, block: Uint8Array): Promise<Uint8Array[]> {
  const shards = splitBlock(block, codec.d, codec.p);
  await codec.encode(shards);
  return shards;
}

/** The CodecError a call threw or rejected with (fails the test if there was none). */
async function codecErrorOf(run: () => unknown): Promise<CodecError> {
  let err: unknown;
  try {
    await run();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(CodecError);
  return err as CodecError;
}

export function reedSolomonCases(name: string, make: MakeCodec): void {
  const codecs = new Map<string, AnyCodec>();
  const codec = (d: number, p: number) => {
    const key = `${d}+${p}`;
    if (!codecs.has(key)) codecs.set(key, make(d, p));
    return codecs.get(key)!;
  };

  describe(`${name}: MinIO vectors`, () => {
    test("erasure self-test: 60 configs, xxHash64 of index ‖ shard and every shard's bytes", async () => {
      const v = readVector("fixtures/vectors/reedsolomon.json");
      const input = Uint8Array.from({ length: 256 }, (_, i) => i);
      for (const c of v.cases) {
        const shards = await encodeBlock(codec(c.dataShards, c.parityShards), input);
        const parts = shards.flatMap((s, i) => [Uint8Array.of(i), s]);
        const h = Bun.hash.xxHash64(Buffer.concat(parts)).toString(16).padStart(16, "0");
        expect(h).toBe(c.xxhash64);
        expect(shards.map(hex)).toEqual(c.shardsHex);
      }
      const selftest = readVector("vectors/reedsolomon.json").minio_selftest;
      for (const c of selftest) {
        const shards = await encodeBlock(codec(c.d, c.p), input);
        const h = Bun.hash.xxHash64(Buffer.concat(shards.flatMap((s, i) => [Uint8Array.of(i), s])));
        expect(BigInt(c.xxhash64)).toBe(h);
      }
    });

    test("every config and length: each block's shards and each shard stream", async () => {
      const v = readVector("vectors/reedsolomon.json");
      for (const c of v.cases) {
        const input = pattern(c.length);
        expect(sha256(input)).toBe(c.input_sha256);
        const streams: Uint8Array[][] = Array.from({ length: c.d + c.p }, () => []);
        for (const blk of c.blocks) {
          const shards = await encodeBlock(codec(c.d, c.p), input.subarray(blk.offset, blk.offset + blk.len));
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

    test("reconstruct and reconstructData with the dropped patterns of the vectors", async () => {
      const v = readVector("vectors/reedsolomon.json");
      for (const c of v.reconstruct) {
        const shards: (Uint8Array | null)[] = await encodeBlock(codec(c.d, c.p), pattern(c.length));
        for (const i of c.dropped) shards[i] = null;
        await codec(c.d, c.p).reconstruct(shards, { dataOnly: c.method === "ReconstructData" });
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
    test("p = 0 encodes nothing and reconstructs nothing", async () => {
      const shards = await encodeBlock(codec(1, 0), fromHex("00ff10"));
      expect(shards.map(hex)).toEqual(["00ff10"]);
    });

    test("fewer than d shards → CodecError Unrecoverable", async () => {
      const shards: (Uint8Array | null)[] = await encodeBlock(codec(3, 2), pattern(300));
      shards[0] = shards[2] = shards[4] = null;
      expect((await codecErrorOf(() => codec(3, 2).reconstruct(shards))).kind).toBe("Unrecoverable");
    });

    test("mismatched shard lengths and counts are rejected", async () => {
      await codecErrorOf(() => codec(2, 1).encode([new Uint8Array(4), new Uint8Array(5), new Uint8Array(4)]));
      await codecErrorOf(() => codec(2, 1).encode([new Uint8Array(4), new Uint8Array(4)]));
      await codecErrorOf(() => make(0, 1).encode([new Uint8Array(4), new Uint8Array(4)]));
    });

    test("random blocks survive any p erasures (same instances reused)", async () => {
      const r = rng(7);
      for (let it = 0; it < 200; it++) {
        const d = 1 + r.int(16);
        const p = r.int(Math.min(d, 16 - d) + 1);
        const block = r.bytes(r.int(5000));
        const original = await encodeBlock(codec(d, p), block);
        const shards: (Uint8Array | null)[] = original.map((s) => s.slice());
        const drop = new Set<number>();
        while (drop.size < p) drop.add(r.int(d + p));
        for (const i of drop) shards[i] = null;
        await codec(d, p).reconstruct(shards);
        expect(shards.map((s) => hex(s!))).toEqual(original.map(hex));
      }
    });
  });
}
