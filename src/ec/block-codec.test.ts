// BlockCodec (one pool job, in-thread) against MinIO's bitrot-framed shard files: the
// generated vectors and the real 3+2 shard files of the minio-cicd-corpus fixture.
import { describe, expect, test } from "bun:test";
import { BlockCodec, planBlocks } from "./block-codec.ts";
import { CodecError } from "./codec-error.ts";
import { ReedSolomonReference } from "./reed-solomon-reference.ts";
import { BLOCK_SIZE, HASH_SIZE, bitrotFileSize, shardFileSize, shardSize } from "./layout.ts";
import { hex, pattern, readFixture, readVector, rng, sha256 } from "../../test/support/ec-vectors.ts";

const CORPUS = "fixtures/minio-cicd-corpus";
/** part.1 of each drive, placed at EcIndex-1 (fixtures/README.md §1). */
const CORPUS_SHARDS = ["disk4", "disk5", "disk1", "disk2", "disk3"].map(
  (disk) => `${CORPUS}/${disk}/bucket/testobj/2b4f7e41-df82-4a5e-a3c1-8df87f83332f/part.1`,
);
const CORPUS_SIZE = 644520;
const CORPUS_MD5 = "9587ddd31fead633830366f45d221d56";

const md5 = (b: Uint8Array) => new Bun.CryptoHasher("md5").update(b).digest("hex");
const segmentsOf = (r: { buffer: ArrayBuffer; segmentLength: number }, n: number) =>
  Array.from({ length: n }, (_, i) => new Uint8Array(r.buffer, i * r.segmentLength, r.segmentLength));

for (const mode of ["wasm", "auto"] as const) {
  describe(`BlockCodec (hash ${mode})`, () => {
    const codec = new BlockCodec(mode);

    test("bitrot-stream vectors: every drive's file byte for byte, and decoded back", () => {
      const v = readVector("vectors/bitrot-stream.json");
      for (const c of v.cases) {
        const input = pattern(c.object_size);
        expect(shardSize(c.block_size, c.d)).toBe(c.shard_size);
        expect(shardFileSize(c.object_size, c.block_size, c.d)).toBe(c.shard_file_size);
        expect(bitrotFileSize(c.object_size, c.block_size, c.d)).toBe(c.expected_file_size);
        const segs = segmentsOf(codec.encode(c.d, c.p, c.block_size, input), c.d + c.p);
        for (const f of c.files) {
          const seg = segs[f.shard_index];
          expect(seg.length).toBe(f.length);
          if (f.hex !== undefined) expect(hex(seg)).toBe(f.hex);
          expect(sha256(seg)).toBe(f.sha256);
          if (f.chunk_hashes) {
            const plan = planBlocks(c.object_size, c.block_size, c.d);
            expect(plan.framed.map((o) => hex(seg.subarray(o, o + HASH_SIZE)))).toEqual(f.chunk_hashes);
          }
        }
        // any p shards lost, data still comes back
        const lost: (Uint8Array | null)[] = segs.slice();
        for (let i = 0; i < c.p; i++) lost[(i * 3) % (c.d + c.p)] = null;
        const out = codec.decode(c.d, c.p, c.block_size, lost, c.object_size);
        expect(sha256(out.data)).toBe(c.input_sha256);
        expect(out.corrupt).toEqual([]);
      }
    }, 60_000);

    test("encoding block by block gives the same bytes as one multi-block job", () => {
      const input = pattern(3 * 65536 + 77);
      const whole = segmentsOf(codec.encode(4, 2, 65536, input), 6);
      const parts: Uint8Array[][] = Array.from({ length: 6 }, () => []);
      for (let off = 0; off < input.length; off += 65536) {
        const segs = segmentsOf(codec.encode(4, 2, 65536, input.subarray(off, off + 65536)), 6);
        segs.forEach((s, i) => parts[i].push(s));
      }
      expect(whole.map(hex)).toEqual(parts.map((p) => hex(Buffer.concat(p))));
    });

    test("minio-cicd-corpus: rebuild the object (MD5), re-encode parity byte for byte", () => {
      const files = CORPUS_SHARDS.map(readFixture);
      for (const f of files) expect(f.length).toBe(bitrotFileSize(CORPUS_SIZE, BLOCK_SIZE, 3));
      const out = codec.decode(3, 2, BLOCK_SIZE, files, CORPUS_SIZE);
      expect(md5(out.data)).toBe(CORPUS_MD5);
      expect(out.corrupt).toEqual([]);
      const again = segmentsOf(codec.encode(3, 2, BLOCK_SIZE, out.data), 5);
      again.forEach((seg, i) => expect(Buffer.compare(seg, files[i])).toBe(0));
      // parity only from the data chunks, via the reference codec
      const shards = files.map((f) => f.slice(HASH_SIZE));
      const ref: Uint8Array[] = [...shards.slice(0, 3), new Uint8Array(shards[0].length), new Uint8Array(shards[0].length)];
      new ReedSolomonReference(3, 2).encode(ref);
      expect(hex(ref[3])).toBe(hex(shards[3]));
      expect(hex(ref[4])).toBe(hex(shards[4]));
    });

    test("minio-cicd-corpus: a flipped byte in any shard is detected, named, and routed around", () => {
      const files = CORPUS_SHARDS.map(readFixture);
      const r = rng(3);
      for (let s = 0; s < 5; s++) {
        const spots = [0, 31, 32, 33, files[s].length - 1, ...Array.from({ length: 25 }, () => r.int(files[s].length))];
        for (const at of spots) {
          const bad = files.slice();
          bad[s] = files[s].slice();
          bad[s][at] ^= 1 << r.int(8);
          const out = codec.decode(3, 2, BLOCK_SIZE, bad, CORPUS_SIZE, true);
          expect(out.corrupt).toEqual([s]);
          expect(md5(out.data)).toBe(CORPUS_MD5);
          expect(Buffer.compare(out.rebuilt![s]!, files[s])).toBe(0);
        }
      }
      // with three shards bad the block cannot be decoded: the error names block and shard
      const bad = files.map((f) => f.slice());
      for (const s of [0, 2, 4]) bad[s][100] ^= 0xff;
      try {
        codec.decode(3, 2, BLOCK_SIZE, bad, CORPUS_SIZE);
        throw new Error("expected Unrecoverable");
      } catch (e) {
        expect(e).toBeInstanceOf(CodecError);
        expect((e as CodecError).kind).toBe("Unrecoverable");
        expect((e as CodecError).block).toBe(0);
        expect((e as CodecError).shard).toBe(0);
      }
    });

    test("rebuild re-frames missing shards; wrong-length segments count as corrupt", () => {
      const input = pattern(2 * 4096 + 5);
      const segs = segmentsOf(codec.encode(2, 2, 4096, input), 4);
      const given: (Uint8Array | null)[] = [null, segs[1], segs[2].subarray(0, 10), segs[3]];
      const out = codec.decode(2, 2, 4096, given, input.length, true);
      expect(hex(out.data)).toBe(hex(input));
      expect(out.corrupt).toEqual([2]);
      expect(hex(out.rebuilt![0]!)).toBe(hex(segs[0]));
      expect(hex(out.rebuilt![2]!)).toBe(hex(segs[2]));
      expect(out.rebuilt![1]).toBeNull();
      expect(codec.decode(2, 2, 4096, [null, null, null, null], 0).data.length).toBe(0);
    });
  });
}
