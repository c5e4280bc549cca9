// Type 3 (legacy, xl.json-era) versions: no fixture holds one, so these build a V1Obj with
// the Go field names of SPEC §2.10 and check decoding, byte preservation and replacement.
import { describe, expect, test } from "bun:test";
import { MsgpackWriter } from "../../util/index.ts";
import { decodeVersionBody, headerFromBody, signature, XlMeta } from "./index.ts";
import { encodeHeader } from "./version-header.ts";
import { metadataCrc } from "./xl-meta-parse.ts";

const MOD_TIME_S = 1_560_000_000n;

/** Writes string or int map entries (the map header is the caller's). */
function entries(w: MsgpackWriter, pairs: [string, string | number][]): void {
  for (const [k, v] of pairs) {
    w.str(k);
    if (typeof v === "string") w.str(v);
    else w.int(v);
  }
}

/** A Type 3 version body: {Type: 3, V1Obj: {...}, v: 0}. */
function legacyBody(opts: { index?: number; release?: string; size?: number } = {}): Uint8Array {
  const size = opts.size ?? 100;
  const w = new MsgpackWriter();
  w.mapHeader(3);
  entries(w, [["Type", 3]]);
  w.str("V1Obj");
  w.mapHeader(9);
  entries(w, [
    ["Version", "1.0.1"],
    ["Format", "xl"],
  ]);
  w.str("Stat");
  w.mapHeader(2);
  entries(w, [["Size", size]]);
  w.str("ModTime");
  w.time(MOD_TIME_S, 5);
  w.str("Erasure");
  w.mapHeader(6);
  entries(w, [
    ["Algorithm", "klauspost/reedsolomon/vandermonde"],
    ["DataBlocks", 2],
    ["ParityBlocks", 2],
    ["BlockSize", 10485760],
    ["Index", opts.index ?? 3],
  ]);
  w.str("Distribution");
  w.arrayHeader(4);
  for (const d of [3, 4, 1, 2]) w.int(d);
  w.str("Minio");
  w.mapHeader(1);
  entries(w, [["Release", opts.release ?? "RELEASE.2019-06-01T00-00-00Z"]]);
  w.str("Meta");
  w.mapHeader(3);
  entries(w, [
    ["etag", "abc"],
    ["content-type", "text/plain"],
    ["X-Minio-Internal-foo", "bar"],
  ]);
  w.str("Parts");
  w.arrayHeader(1);
  w.mapHeader(4);
  entries(w, [
    ["Number", 1],
    ["Size", size],
    ["ActualSize", size],
    ["ETag", ""],
  ]);
  entries(w, [
    ["VersionID", ""],
    ["DataDir", "legacy"],
    ["v", 0],
  ]);
  return w.bytes();
}

/** An XL2 v1.3 file holding exactly the given bodies (headers regenerated from them). */
function v13File(bodies: Uint8Array[]): Uint8Array {
  const meta = new MsgpackWriter();
  meta.uint(3);
  meta.uint(3);
  meta.int(bodies.length);
  for (const body of bodies) {
    const h = new MsgpackWriter();
    encodeHeader(h, headerFromBody(decodeVersionBody(body)));
    meta.bin(h.bytes());
    meta.bin(body);
  }
  const w = new MsgpackWriter();
  w.raw(new Uint8Array([0x58, 0x4c, 0x32, 0x20, 1, 0, 3, 0]));
  w.bin(meta.view());
  w.raw(new Uint8Array([0xce, 0, 0, 0, 0]));
  const out = w.bytes();
  new DataView(out.buffer).setUint32(out.length - 4, metadataCrc(meta.view()));
  return out;
}

describe("legacy (Type 3) versions", () => {
  test("decode to a FileInfo of the null version with the legacy data dir", () => {
    const m = XlMeta.parse(v13File([legacyBody()]));
    expect(m.versions[0]).toMatchObject({ versionId: "null", type: 3, flags: 0, ecN: 0, ecM: 0, modTimeNs: MOD_TIME_S * 1_000_000_000n + 5n });
    const fi = m.fileInfo("b", "o", "");
    expect(fi).toMatchObject({
      versionId: "null",
      deleted: false,
      dataDir: "legacy",
      size: 100,
      modTimeNs: MOD_TIME_S * 1_000_000_000n + 5n,
      userMeta: { etag: "abc", "content-type": "text/plain" },
      sysMeta: { "X-Minio-Internal-foo": new TextEncoder().encode("bar") },
      parts: [{ number: 1, size: 100, actualSize: 100 }],
      erasure: { dataBlocks: 2, parityBlocks: 2, blockSize: 10485760, index: 3, distribution: [3, 4, 1, 2] },
    });
    expect(m.dataDirRefs("legacy")).toBe(1);
  });

  test("the signature ignores the drive index and release, but not the content", () => {
    const sig = (o: Parameters<typeof legacyBody>[0]) => signature(decodeVersionBody(legacyBody(o)));
    expect(sig({ index: 1, release: "x" })).toEqual(sig({}));
    expect(sig({ size: 101 })).not.toEqual(sig({}));
  });

  test("the stored body is written back byte for byte", () => {
    const body = legacyBody();
    const out = XlMeta.parse(v13File([body])).toBytes();
    expect(Buffer.from(out).includes(Buffer.from(body))).toBe(true);
  });

  test("writing the null version replaces the legacy version", () => {
    const m = XlMeta.parse(v13File([legacyBody()]));
    m.addVersion({
      volume: "b",
      name: "o",
      versionId: "null",
      deleted: false,
      dataDir: "11111111-2222-4333-8444-555555555555",
      modTimeNs: 1n,
      size: 1,
      userMeta: {},
      sysMeta: {},
      parts: [{ number: 1, size: 1, actualSize: 1 }],
      erasure: { dataBlocks: 2, parityBlocks: 2, blockSize: 1048576, index: 1, distribution: [1, 2, 3, 4] },
      writtenBy: 0,
    });
    expect(m.versions.map((h) => h.type)).toEqual([1]);
    expect(m.dataDirRefs("legacy")).toBe(0);
  });
});
