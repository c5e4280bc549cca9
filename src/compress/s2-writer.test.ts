import { describe, expect, test } from "bun:test";
import { noise, textLike } from "../../test/support/s2-data.ts";
import { CompressError } from "./compress-error.ts";
import { S2_STREAM_IDENTIFIER } from "./s2-frame.ts";
import { indexS2Stream } from "./s2-index-scan.ts";
import { decompressS2 } from "./s2-reader.ts";
import { S2CompressStream, S2Writer, compressS2, paddingSize } from "./s2-writer.ts";

const MiB = 1 << 20;

/** [type, body length] of every chunk in a stream. */
function chunks(stream: Uint8Array): [number, number][] {
  const out: [number, number][] = [];
  for (let p = 0; p < stream.length; ) {
    const len = stream[p + 1] | (stream[p + 2] << 8) | (stream[p + 3] << 16);
    out.push([stream[p], len]);
    p += 4 + len;
  }
  return out;
}

describe("S2Writer", () => {
  test("an empty input is an empty stream (as klauspost writes it), with an empty index", () => {
    const { stream, index } = compressS2(new Uint8Array(0));
    expect(stream.length).toBe(0);
    expect(index.toJSON()).toEqual({ total_uncompressed: 0, total_compressed: 0, offsets: null, est_block_uncompressed: MiB });
  });

  test("frames 1 MiB blocks after the stream identifier; text compresses, noise stays uncompressed", () => {
    const data = new Uint8Array(2 * MiB + 5000);
    data.set(textLike(MiB), 0);
    data.set(noise(MiB + 5000), MiB);
    const { stream, index } = compressS2(data);
    expect(stream.subarray(0, 10)).toEqual(S2_STREAM_IDENTIFIER);
    const types = chunks(stream);
    expect(types.map(([t]) => t)).toEqual([0xff, 0x00, 0x01, 0x01]);
    expect(types[2][1]).toBe(MiB + 4);
    expect(Buffer.from(decompressS2(stream)).equals(Buffer.from(data))).toBe(true);
    expect(index.toJSON()).toEqual(indexS2Stream(stream).toJSON());
    expect(index.uncompressedOffsets).toEqual([0, MiB, 2 * MiB]);
    expect(index.compressedOffsets[0]).toBe(10);
  });

  test("a tiny block is stored uncompressed", () => {
    const { stream } = compressS2(new Uint8Array([1, 2, 3]));
    expect(chunks(stream)).toEqual([
      [0xff, 6],
      [0x01, 7],
    ]);
  });

  test("the same output whatever the write sizes", () => {
    const data = textLike(3 * MiB + 777);
    const whole = compressS2(data).stream;
    const w = new S2Writer();
    const parts: Uint8Array[] = [];
    for (let p = 0, step = 1; p < data.length; p += step, step = (step * 7 + 13) % 300_000) parts.push(...w.write(data.subarray(p, p + step)));
    parts.push(...w.close().chunks);
    expect(Buffer.concat(parts).equals(Buffer.from(whole))).toBe(true);
  });

  test("padding brings the stream to a multiple of N with one 0xfe chunk; the index then has no compressed size", () => {
    for (const pad of [256, 4096, 1 << 20]) {
      const data = textLike(100_000 + pad);
      const { stream, index } = compressS2(data, { padding: pad, paddingSource: (b) => b.fill(0xaa) });
      expect(stream.length % pad).toBe(0);
      const last = chunks(stream).at(-1)!;
      expect(last[0]).toBe(0xfe);
      expect(index.totalCompressed).toBe(-1);
      expect(Buffer.from(decompressS2(stream)).equals(Buffer.from(data))).toBe(true);
    }
  });

  test("paddingSize follows calcSkippableFrame (never a frame shorter than its header)", () => {
    expect(paddingSize(256, 256)).toBe(0);
    expect(paddingSize(250, 256)).toBe(6);
    expect(paddingSize(254, 256)).toBe(258);
    expect(paddingSize(1, 2)).toBe(5);
  });

  test("refuses bad options and use after close", () => {
    expect(() => new S2Writer({ blockSize: 1000 })).toThrow(CompressError);
    expect(() => new S2Writer({ blockSize: 8 << 20 })).toThrow(CompressError);
    expect(() => new S2Writer({ padding: -1 })).toThrow(CompressError);
    const w = new S2Writer();
    w.close();
    expect(() => w.write(new Uint8Array(1))).toThrow(CompressError);
    expect(() => w.close()).toThrow(CompressError);
  });

  test("small block sizes and their index", () => {
    const data = textLike(100_000);
    const { stream, index } = compressS2(data, { blockSize: 4096 });
    expect(index.length).toBe(Math.ceil(100_000 / 4096));
    expect(index.estBlockUncompressed).toBe(4096);
    expect(Buffer.from(decompressS2(stream)).equals(Buffer.from(data))).toBe(true);
  });
});

describe("S2CompressStream", () => {
  test("pipes through a web stream and resolves the index", async () => {
    const data = textLike(2 * MiB + 3);
    const t = new S2CompressStream();
    const out = new Response(new Blob([data]).stream().pipeThrough(t));
    const stream = new Uint8Array(await out.arrayBuffer());
    expect(stream).toEqual(compressS2(data).stream);
    expect((await t.index).toJSON()).toEqual(compressS2(data).index.toJSON());
  });
});
