// src/compress against klauspost/compress/s2 itself (Debian's build, through test/support/s2tool):
// streams Go writes the way MinIO does decode with ours, ours decode with Go's reader, our
// indexes equal Go's and load in Go, seeks agree, and damaged input never crashes or hangs.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  CompressError,
  compressS2,
  decodeS2Block,
  decompressS2,
  encodeS2Block,
  indexS2Stream,
  loadS2Index,
  loadS2IndexHeaderless,
} from "../../src/compress/index.ts";
import { noise, textLike } from "../support/s2-data.ts";
import { buildS2Tool, s2tool, s2toolMissing, s2toolOk } from "../support/s2tool.ts";
import { TempDirs } from "../support/temp-dirs.ts";

const missing = s2toolMissing();
const skip = missing !== null && !process.env.CI;
if (skip) console.warn(`SKIP s2 interop tests: ${missing} (set CI=1 to make this a failure)`);

const MiB = 1 << 20;
const eq = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));
const temp = new TempDirs();
let bin: string;
let dir: string;

function mixed(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let p = 0, i = 0; p < n; p += 256 * 1024, i++) out.set((i % 3 === 1 ? noise : textLike)(Math.min(256 * 1024, n - p), i), p);
  return out;
}

const INPUTS: [string, Uint8Array][] = [
  ["empty", new Uint8Array(0)],
  ["1 byte", new Uint8Array([0x61])],
  ["random 3 MiB + 7", noise(3 * MiB + 7, 5)],
  ["text 2.5 MiB", textLike(2.5 * MiB)],
  ["mixed 10 MiB", mixed(10 * MiB)],
  ["zeros 1 MiB", new Uint8Array(MiB)],
];

/** Go's writer as MinIO configures it; returns the stream and both forms of CloseIndex. */
async function goCompress(data: Uint8Array, flags: string[] = []) {
  const idx = join(dir, "idx");
  const bare = join(dir, "bare");
  const stream = await s2toolOk(bin, ["compress", "-index", idx, "-minio-index", bare, ...flags], data);
  return { stream, index: new Uint8Array(readFileSync(idx)), bare: new Uint8Array(readFileSync(bare)) };
}

describe.skipIf(skip)("S2 interop with klauspost/compress/s2", () => {
  beforeAll(async () => {
    const b = await buildS2Tool();
    if (b === null) throw new Error(`s2tool cannot be built: ${missing}`);
    bin = b;
    dir = temp.make("bunker-s2-");
  }, 120_000);
  afterAll(() => temp.cleanup());

  for (const [name, data] of INPUTS) {
    test(`${name}: Go's stream decodes with ours, ours with Go's`, async () => {
      const go = await goCompress(data);
      expect(eq(decompressS2(go.stream), data)).toBe(true);
      const ours = compressS2(data).stream;
      expect(eq(await s2toolOk(bin, ["decompress"], ours), data)).toBe(true);
    });

    test(`${name}: indexes agree with Go's (writer, IndexStream, headerless form)`, async () => {
      const go = await goCompress(data);
      // The same stream scanned by both: byte-identical JSON.
      const goScan = JSON.parse(new TextDecoder().decode(await s2toolOk(bin, ["index"], go.stream)));
      expect(indexS2Stream(go.stream).toJSON()).toEqual(goScan);
      // Go's CloseIndex loads with ours, in both forms, and re-serializes to the same bytes.
      const fromGo = loadS2Index(go.index);
      expect(loadS2IndexHeaderless(go.bare).toJSON()).toEqual(fromGo.toJSON());
      expect(fromGo.toBytes()).toEqual(go.index);
      expect(fromGo.toBytes({ headers: false })).toEqual(go.bare);
      // Our writer's index equals Go's scan of our stream (the estimate is the block size, which
      // a scan only learns from a full first block).
      const ours = compressS2(data);
      const scanOurs = JSON.parse(new TextDecoder().decode(await s2toolOk(bin, ["index"], ours.stream)));
      if (data.length >= MiB) expect(ours.index.toJSON()).toEqual(scanOurs);
      else expect(ours.index.toJSON().offsets).toEqual(scanOurs.offsets);
      // Our headerless index loads in Go; Find agrees at several offsets.
      const bare = ours.index.toBytes({ headers: false });
      const goJson = JSON.parse(new TextDecoder().decode(await s2toolOk(bin, ["load-index", "-headerless"], bare)));
      expect(goJson).toEqual(ours.index.toJSON());
      // (s2tool reads a negative -find as "no find", so offsets from the end are unit-tested only.)
      for (const off of [0, 1, MiB - 1, MiB, 5 * MiB + 3, data.length]) {
        if (off > data.length) continue;
        const found = JSON.parse(new TextDecoder().decode(await s2toolOk(bin, ["load-index", "-headerless", "-find", String(off)], bare)));
        const mine = ours.index.find(off);
        expect({ compressed: mine.compressedOffset, uncompressed: mine.uncompressedOffset }).toEqual(found);
      }
    });
  }

  test("padded streams (WriterPadding 256 and 1 MiB) decode with ours; ours pad as Go's and decode in Go", async () => {
    const data = textLike(3 * MiB + 1000);
    for (const pad of [256, MiB]) {
      const go = await goCompress(data, ["-pad", String(pad)]);
      expect(go.stream.length % pad).toBe(0);
      expect(eq(decompressS2(go.stream), data)).toBe(true);
      expect(loadS2Index(go.index).totalCompressed).toBe(-1);
      const ours = compressS2(data, { padding: pad });
      expect(ours.stream.length % pad).toBe(0);
      expect(ours.index.totalCompressed).toBe(-1);
      expect(eq(await s2toolOk(bin, ["decompress"], ours.stream), data)).toBe(true);
    }
  });

  test("small blocks and a reduced index (4 KiB blocks, 5000 of them) match Go", async () => {
    const data = mixed(5000 * 4096);
    const go = await goCompress(data, ["-block", "4096", "-concurrency", "1"]);
    expect(eq(decompressS2(go.stream), data)).toBe(true);
    const ours = compressS2(data, { blockSize: 4096 });
    const goIdx = loadS2Index(go.index);
    // The encoders differ, so only the compressed offsets may differ: the thinning is the same.
    expect(ours.index.estBlockUncompressed).toBe(goIdx.estBlockUncompressed);
    expect(ours.index.uncompressedOffsets).toEqual(goIdx.uncompressedOffsets);
    expect(ours.index.totalUncompressed).toBe(goIdx.totalUncompressed);
    expect(goIdx.length).toBeLessThan(5000);
  });

  test("skip and index seeks agree with Go's Reader.Skip", async () => {
    const data = mixed(10 * MiB);
    const go = await goCompress(data);
    const idx = loadS2IndexHeaderless(go.bare);
    for (const off of [0, 17, MiB, 4 * MiB + 12345, data.length - 1, data.length]) {
      const viaGo = await s2toolOk(bin, ["decompress", "-skip", String(off)], go.stream);
      expect(eq(viaGo, data.subarray(off))).toBe(true);
      expect(eq(decompressS2(go.stream, { skip: off }), viaGo)).toBe(true);
      // MinIO's ranged read: start at the chunk Find names, ignore the missing identifier, skip the rest.
      const at = idx.find(off);
      const tail = go.stream.subarray(at.compressedOffset);
      const seek = { ignoreStreamIdentifier: at.compressedOffset > 0, skip: off - at.uncompressedOffset };
      expect(eq(decompressS2(tail, seek), viaGo)).toBe(true);
      const goSeek = await s2toolOk(bin, ["decompress", ...(seek.ignoreStreamIdentifier ? ["-mid-stream"] : []), "-skip", String(seek.skip)], tail);
      expect(eq(goSeek, viaGo)).toBe(true);
    }
  });

  test("blocks: Go decodes our encoder's blocks, we decode EncodeBetter and Encode blocks", async () => {
    for (const data of [new Uint8Array(0), textLike(100), mixed(MiB), noise(70_000), new Uint8Array(4 * MiB)]) {
      expect(eq(await s2toolOk(bin, ["block-decode"], encodeS2Block(data)), data)).toBe(true);
      expect(eq(decodeS2Block(await s2toolOk(bin, ["block-encode"], data)), data)).toBe(true);
      expect(eq(decodeS2Block(await s2toolOk(bin, ["block-encode", "-fast"], data)), data)).toBe(true);
    }
  });

  test("damaged Go streams are CompressError for us and errors for Go, never a crash or a hang", async () => {
    const data = mixed(2 * MiB + 999);
    const { stream } = await goCompress(data);
    const damaged: Uint8Array[] = [stream.subarray(0, stream.length - 1), stream.subarray(0, 9), stream.subarray(0, 300_000)];
    for (const at of [4, 10, 14, 20, 5000, 700_000, stream.length - 3]) {
      const bad = stream.slice();
      bad[at] ^= 0x55;
      damaged.push(bad);
    }
    for (const bad of damaged) {
      let err: unknown;
      try {
        decompressS2(bad);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(CompressError);
      expect((await s2tool(bin, ["decompress"], bad)).code).not.toBe(0);
    }
  });
});
