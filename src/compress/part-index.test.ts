import { expect, test } from "bun:test";
import { textLike } from "../../test/support/s2-data.ts";
import { CompressError } from "./compress-error.ts";
import { loadPartIndex, partHasIndex } from "./part-index.ts";
import { compressS2 } from "./s2-writer.ts";

test("parts over 8 MiB get an index", () => {
  expect(partHasIndex(8 << 20)).toBe(false);
  expect(partHasIndex((8 << 20) + 1)).toBe(true);
});

test("loadPartIndex accepts the part's own index and refuses one of another stream", () => {
  const data = textLike(3 << 20);
  const { stream, index } = compressS2(data);
  const bare = index.toBytes({ headers: false });
  expect(loadPartIndex(bare, { actualSize: data.length, compressedSize: stream.length }).toJSON()).toEqual(index.toJSON());
  expect(loadPartIndex(bare, { actualSize: data.length }).length).toBe(3);
  expect(() => loadPartIndex(bare, { actualSize: data.length - 1 })).toThrow(CompressError);
  expect(() => loadPartIndex(bare, { actualSize: data.length, compressedSize: stream.length + 1 })).toThrow(CompressError);
  // Padded (encrypted) streams record no compressed total: only the uncompressed one is checked.
  const padded = compressS2(data, { padding: 256 }).index.toBytes({ headers: false });
  expect(loadPartIndex(padded, { actualSize: data.length, compressedSize: 12345 }).totalCompressed).toBe(-1);
  expect(() => loadPartIndex(new Uint8Array([1, 2, 3]), { actualSize: 1 })).toThrow(CompressError);
});
