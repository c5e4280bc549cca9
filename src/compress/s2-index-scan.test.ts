import { expect, test } from "bun:test";
import { textLike } from "../../test/support/s2-data.ts";
import { CompressError } from "./compress-error.ts";
import { indexS2Stream } from "./s2-index-scan.ts";
import { compressS2 } from "./s2-writer.ts";

test("indexes a stream by its chunk headers; the first data chunk sets the block estimate", () => {
  const { stream } = compressS2(textLike(50_000), { blockSize: 16384 });
  const idx = indexS2Stream(stream);
  expect(idx.estBlockUncompressed).toBe(16384);
  expect(idx.uncompressedOffsets).toEqual([0, 16384, 32768, 49152]);
  expect(idx.totalUncompressed).toBe(50_000);
  expect(idx.totalCompressed).toBe(stream.length);
  expect(indexS2Stream(new Uint8Array(0)).length).toBe(0);
});

test("refuses broken framing", () => {
  const { stream } = compressS2(textLike(50_000), { blockSize: 16384 });
  expect(() => indexS2Stream(stream.subarray(10))).toThrow(CompressError);
  expect(() => indexS2Stream(stream.subarray(0, stream.length - 1))).toThrow(CompressError);
  expect(() => indexS2Stream(stream.subarray(0, 12))).toThrow(CompressError);
  const reserved = stream.slice();
  reserved[10] = 0x05;
  expect(() => indexS2Stream(reserved)).toThrow(CompressError);
});
