// The PartIdx entries of MinIO's own compressed-partidx.xl.meta (Test_xlMetaV2Shallow_Load/comp-index)
// through our index loader. The first part's entry is a well-formed S2 index, but of another
// stream (35.5 MB uncompressed; the part holds 5.4 MB): one of the "bogus" indexes releases
// 2023-12-02 … 2024-10-29 wrote for parts ≤ 8 MiB, which MinIO drops on load.
import { expect, test } from "bun:test";
import { CompressError, loadPartIndex, loadS2IndexHeaderless } from "../../src/compress/index.ts";
import { XlMeta } from "../../src/disk/index.ts";
import { FIXTURES, readFixture } from "../support/xl-meta-fixtures.ts";

const NAME = "minio-go-test-embedded/compressed-partidx.xl.meta";

async function storedParts() {
  const golden = await Bun.file(`${FIXTURES}/expected/${NAME.replace("/", "__")}.json`).json();
  const obj = golden.versions[0].body.V2Obj;
  const idx: ({ hex: string } | { str: string })[] = obj.PartIdx;
  return obj.PartSizes.map((size: number, i: number) => ({
    size,
    actualSize: obj.PartASizes[i] as number,
    index: "hex" in idx[i] ? new Uint8Array(Buffer.from(idx[i].hex, "hex")) : new Uint8Array(0),
  }));
}

test("the fixture's part 1 index loads as an S2 index, but one that does not describe part 1", async () => {
  const [p1, p2] = await storedParts();
  const idx = loadS2IndexHeaderless(p1.index);
  expect(idx.estBlockUncompressed).toBe(1 << 20);
  expect(idx.totalUncompressed).toBe(35505861);
  expect(idx.totalCompressed).toBe(10037178);
  expect(idx.length).toBe(34);
  expect(p1.actualSize).toBe(5413867);
  let err: unknown;
  try {
    loadPartIndex(p1.index, { actualSize: p1.actualSize, compressedSize: p1.size });
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(CompressError);
  expect((err as CompressError).kind).toBe("Corrupt");
  expect((err as Error).message).toContain("5413867");
  // Part 2 stored an empty entry: nothing to load, refused as such rather than misread.
  expect(p2.index.length).toBe(0);
  expect(() => loadS2IndexHeaderless(p2.index)).toThrow(CompressError);
});

test("our xl.meta reader drops the bogus indexes as MinIO does", async () => {
  const meta = XlMeta.parse(await readFixture(NAME));
  const fi = meta.fileInfo("bucket", "object", "");
  expect(fi.parts.length).toBe(2);
  for (const part of fi.parts) expect(part.index === undefined || part.index.length === 0).toBe(true);
});
