// XlMeta semantics: version ordering, null-version replacement, delete markers, free
// versions, inline data keys, data dir reference counts, update and delete.
import { describe, expect, test } from "bun:test";
import type { FileInfo } from "../file-info.ts";
import { MsgpackWriter } from "../../util/index.ts";
import { compareHeaders, encodeVersionBody, fileInfoToBody, signature, XlMeta, FLAG_FREE_VERSION, FLAG_INLINE_DATA, FLAG_USES_DATA_DIR } from "./index.ts";
import { ecIndexOffset } from "./version-body.ts";

const DIR_A = "11111111-2222-4333-8444-555555555555";
const DIR_B = "66666666-7777-4888-9999-aaaaaaaaaaaa";
const ID_1 = "0b4d5c1e-6f00-4a6b-9c3d-2e1f00000001";
const ID_2 = "0b4d5c1e-6f00-4a6b-9c3d-2e1f00000002";
const ID_3 = "0b4d5c1e-6f00-4a6b-9c3d-2e1f00000003";

function obj(versionId: string, modTimeNs: bigint, extra: Partial<FileInfo> = {}): FileInfo {
  const size = extra.size ?? 10;
  return {
    volume: "bkt",
    name: "obj",
    versionId,
    deleted: false,
    dataDir: DIR_A,
    modTimeNs,
    size,
    userMeta: { etag: "0123456789abcdef0123456789abcdef", "content-type": "text/plain" },
    sysMeta: {},
    parts: [{ number: 1, size, actualSize: size }],
    erasure: { dataBlocks: 2, parityBlocks: 2, blockSize: 1048576, index: 1, distribution: [1, 2, 3, 4] },
    writtenBy: 0,
    ...extra,
  };
}

function marker(versionId: string, modTimeNs: bigint, extra: Partial<FileInfo> = {}): FileInfo {
  return {
    volume: "bkt",
    name: "obj",
    versionId,
    deleted: true,
    dataDir: "",
    modTimeNs,
    size: 0,
    userMeta: {},
    sysMeta: {},
    parts: [],
    writtenBy: 0,
    ...extra,
  };
}

const reload = (m: XlMeta) => XlMeta.parse(m.toBytes());
const ids = (m: XlMeta) => m.versions.map((h) => h.versionId);
const data = (...b: number[]) => new Uint8Array(b);

describe("XlMeta versions", () => {
  test("fileInfo({ like }) reuses another drive's decode only when just EcIndex differs", () => {
    const drive = (index: number, extra: Partial<FileInfo> = {}) => {
      const m = XlMeta.empty();
      m.addVersion(
        obj(ID_1, 100n, { ...extra, erasure: { dataBlocks: 2, parityBlocks: 2, blockSize: 1048576, index, distribution: [1, 2, 3, 4] }, data: data(index, 9) }),
      );
      return reload(m);
    };
    const first = drive(1);
    const firstFi = first.fileInfo("bkt", "obj", ID_1, { data: true });
    // Same length, other bytes: a different etag, a different size, a different EcIndex.
    const cases: [XlMeta, Partial<FileInfo>][] = [
      [drive(3), {}],
      [drive(2, { userMeta: { etag: "f123456789abcdef0123456789abcdef", "content-type": "text/plain" } }), {}],
      [drive(4, { size: 11, parts: [{ number: 1, size: 11, actualSize: 11 }] }), {}],
    ];
    for (const [m] of cases) {
      const alone = reload(XlMeta.parse(m.toBytes())).fileInfo("bkt", "obj", ID_1, { data: true });
      const borrowed = m.fileInfo("bkt", "obj", ID_1, { data: true, like: first });
      expect(borrowed).toEqual(alone);
      expect(borrowed.erasure!.index).toBe(alone.erasure!.index);
      expect(borrowed.data).toEqual(data(alone.erasure!.index, 9));
    }
    expect(cases[1][0].fileInfo("bkt", "obj", ID_1, { like: first }).userMeta.etag).toBe("f123456789abcdef0123456789abcdef");
    expect(cases[2][0].fileInfo("bkt", "obj", ID_1, { like: first }).size).toBe(11);
    // The shortcut applies to what we write: EcIndex is found, one byte, and the only difference.
    const bodies = [1, 3].map((index) =>
      encodeVersionBody(
        fileInfoToBody(obj(ID_1, 100n, { erasure: { dataBlocks: 2, parityBlocks: 2, blockSize: 1048576, index, distribution: [1, 2, 3, 4] } })),
      ),
    );
    const at = ecIndexOffset(bodies[0]);
    expect([bodies[0][at], bodies[1][at]]).toEqual([1, 3]);
    expect(bodies[0].filter((b, i) => b !== bodies[1][i]).length).toBe(1);
    expect(ecIndexOffset(encodeVersionBody(fileInfoToBody(marker(ID_1, 5n))))).toBe(-1);
    // The template is left as it was.
    expect(first.fileInfo("bkt", "obj", ID_1, { data: true })).toEqual(firstFi);
  });

  test("an empty xl.meta has no versions and nothing to read", () => {
    const m = XlMeta.empty();
    expect(m.versions).toEqual([]);
    expect(() => m.fileInfo("bkt", "obj", "")).toThrow(expect.objectContaining({ kind: "FileNotFound" }));
    expect(() => m.fileInfo("bkt", "obj", ID_1)).toThrow(expect.objectContaining({ kind: "VersionNotFound" }));
    expect(reload(m).versions).toEqual([]);
  });

  test("versions stay newest first with isLatest, successor and count", () => {
    const m = XlMeta.empty();
    m.addVersion(obj(ID_1, 100n));
    m.addVersion(obj(ID_2, 300n));
    m.addVersion(obj(ID_3, 200n));
    const r = reload(m);
    expect(ids(r)).toEqual([ID_2, ID_3, ID_1]);
    expect(r.fileInfo("bkt", "obj", "")).toMatchObject({ versionId: ID_2, isLatest: true, successorModTimeNs: 0n, numVersions: 3 });
    expect(r.fileInfo("bkt", "obj", ID_1)).toMatchObject({ isLatest: false, successorModTimeNs: 200n });
    expect(r.fileInfos("bkt", "obj").map((f) => f.successorModTimeNs)).toEqual([0n, 300n, 200n]);
  });

  test("the null version is replaced in place whatever its type", () => {
    const m = XlMeta.empty();
    m.addVersion(obj("null", 100n, { data: data(1, 2, 3) }));
    expect(m.inlineData("null")).toEqual(data(1, 2, 3));
    m.addVersion(marker("null", 200n));
    expect(m.versions.map((h) => [h.versionId, h.type])).toEqual([["null", 2]]);
    expect(m.inlineData("null")).toBeUndefined();
    m.addVersion(obj("", 300n, { data: data(9) }));
    const r = reload(m);
    expect(r.versions.map((h) => [h.versionId, h.type])).toEqual([["null", 1]]);
    expect(r.fileInfo("bkt", "obj", "null", { data: true }).data).toEqual(data(9));
  });

  test("replacing a version with a new mod time re-sorts", () => {
    const m = XlMeta.empty();
    m.addVersion(obj(ID_1, 100n));
    m.addVersion(obj(ID_2, 200n));
    m.addVersion(obj(ID_1, 300n));
    expect(ids(m)).toEqual([ID_1, ID_2]);
    expect(m.versions.length).toBe(2);
  });

  test("equal mod times: a new version goes before existing ones, as MinIO inserts", () => {
    const m = XlMeta.empty();
    m.addVersion(obj(ID_1, 100n));
    m.addVersion(marker(ID_2, 100n));
    expect(ids(m)).toEqual([ID_2, ID_1]);
    expect(ids(reload(m))).toEqual([ID_2, ID_1]);
    // A full sort (legacy load, re-sort after a mod time change) puts objects first.
    expect(compareHeaders(m.versions[1], m.versions[0])).toBeLessThan(0);
  });

  test("delete markers: type 2, no data dir, empty MetaSys, latest hides nothing", () => {
    const m = XlMeta.empty();
    m.addVersion(obj(ID_1, 100n));
    m.addVersion(marker(ID_2, 200n));
    const r = reload(m);
    expect(r.versions[0]).toMatchObject({ type: 2, flags: 0, ecN: 0, ecM: 0 });
    expect(r.fileInfo("bkt", "obj", "")).toMatchObject({ versionId: ID_2, deleted: true, dataDir: "", parts: [], sysMeta: {} });
    expect(r.versions[1]).toMatchObject({ type: 1, flags: FLAG_USES_DATA_DIR, ecN: 2, ecM: 2 });
  });

  test("free versions are skipped for the latest version but readable by id", () => {
    const m = XlMeta.empty();
    m.addVersion(obj(ID_1, 100n));
    m.addVersion(marker(ID_2, 200n, { freeVersion: true }));
    const r = reload(m);
    expect(r.versions[0].flags).toBe(FLAG_FREE_VERSION);
    expect(r.fileInfo("bkt", "obj", "")).toMatchObject({ versionId: ID_1, isLatest: true, numVersions: 1 });
    expect(r.fileInfo("bkt", "obj", ID_2)).toMatchObject({ freeVersion: true, deleted: true });
    const onlyFree = XlMeta.empty();
    onlyFree.addVersion(marker(ID_2, 200n, { freeVersion: true }));
    expect(() => onlyFree.fileInfo("bkt", "obj", "")).toThrow(expect.objectContaining({ kind: "FileNotFound" }));
  });

  test("signature() of a FileInfo equals the stored header signature", () => {
    const m = XlMeta.empty();
    const fi = obj(ID_1, 123456789n, { userMeta: { "X-Amz-Meta-A": "b" }, sysMeta: { "X-Minio-Internal-actual-size": data(0x31) } });
    m.addVersion(fi);
    expect(m.versions[0].signature).toEqual(signature(fi));
    // EcIndex differs per drive but never changes the signature.
    expect(signature({ ...fi, erasure: { ...fi.erasure!, index: 3 } })).toEqual(signature(fi));
  });

  test("version ids: upper case matches, junk is VersionNotFound, bad FileInfo is a RangeError", () => {
    const m = XlMeta.empty();
    m.addVersion(obj(ID_1, 1n));
    expect(m.fileInfo("bkt", "obj", ID_1.toUpperCase()).versionId).toBe(ID_1);
    expect(() => m.fileInfo("bkt", "obj", "not-a-uuid")).toThrow(expect.objectContaining({ kind: "VersionNotFound" }));
    expect(() => m.addVersion(obj("not-a-uuid", 1n))).toThrow(RangeError);
    expect(() => m.addVersion(obj(ID_2, 1n, { erasure: undefined }))).toThrow(RangeError);
  });

  test("internal keys in userMeta are stored in MetaSys; transient keys are dropped", () => {
    const m = XlMeta.empty();
    m.addVersion(
      obj(ID_1, 1n, { userMeta: { "X-Minio-Internal-compression": "klauspost/compress/s2", a: "b" }, sysMeta: { "x-minio-internal-healing": data(1) } }),
    );
    const fi = reload(m).fileInfo("bkt", "obj", ID_1);
    expect(fi.userMeta).toEqual({ a: "b" });
    expect(Object.keys(fi.sysMeta)).toEqual(["X-Minio-Internal-compression"]);
  });

  test("a tiered (transitioned) version does not use its data dir", () => {
    const m = XlMeta.empty();
    m.addVersion(obj(ID_1, 1n, { sysMeta: { "x-minio-internal-transition-status": new TextEncoder().encode("complete") } }));
    expect(m.versions[0].flags).toBe(0);
    expect(m.dataDirRefs(DIR_A)).toBe(0);
  });
});

describe("XlMeta inline data", () => {
  test("inline data is keyed by version id and returned only when asked", () => {
    const m = XlMeta.empty();
    const sysMeta = { "x-minio-internal-inline-data": new TextEncoder().encode("true") };
    m.addVersion(obj(ID_1, 1n, { data: data(1), sysMeta }));
    m.addVersion(obj("null", 2n, { data: data(2), sysMeta }));
    const r = reload(m);
    expect(r.versions.map((h) => h.flags)).toEqual([FLAG_USES_DATA_DIR | FLAG_INLINE_DATA, FLAG_USES_DATA_DIR | FLAG_INLINE_DATA]);
    expect(r.inlineData(ID_1)).toEqual(data(1));
    expect(r.inlineData("null")).toEqual(data(2));
    expect(r.fileInfo("bkt", "obj", ID_1).data).toBeUndefined();
    expect(r.fileInfos("bkt", "obj").every((f) => f.data === undefined)).toBe(true);
    expect(XlMeta.parse(r.toBytesWithoutData()).inlineData(ID_1)).toBeUndefined();
  });

  test("a 0-byte object gets an empty entry; a non-inline rewrite drops stale data", () => {
    const m = XlMeta.empty();
    m.addVersion(obj(ID_1, 1n, { size: 0, parts: [{ number: 1, size: 0, actualSize: 0 }] }));
    expect(reload(m).inlineData(ID_1)).toEqual(new Uint8Array(0));
    m.addVersion(obj(ID_1, 1n, { size: 5 }));
    expect(reload(m).inlineData(ID_1)).toBeUndefined();
    const bytes = m.toBytes();
    expect(bytes.length).toBe(XlMeta.parse(bytes).toBytesWithoutData().length);
  });

  test("2021-era files keyed by data dir are still found", () => {
    const m = XlMeta.empty();
    m.addVersion(obj(ID_1, 1n, { size: 3 }));
    const w = new MsgpackWriter();
    w.raw(m.toBytes());
    w.raw(data(0x01));
    w.mapHeader(1);
    w.str(DIR_A);
    w.bin(data(7, 8, 9));
    const r = XlMeta.parse(w.bytes());
    expect(r.inlineData(ID_1)).toEqual(data(7, 8, 9));
    expect(r.fileInfo("bkt", "obj", "", { data: true }).data).toEqual(data(7, 8, 9));
    r.deleteVersion(ID_1);
    expect(r.toBytes().length).toBe(r.toBytesWithoutData().length);
  });

  test("updateVersion replaces metadata and keeps inline data", () => {
    const m = XlMeta.empty();
    m.addVersion(obj(ID_1, 1n, { data: data(4, 5) }));
    m.updateVersion(obj(ID_1, 1n, { userMeta: { etag: "x", "X-Amz-Meta-New": "yes" } }));
    const fi = reload(m).fileInfo("bkt", "obj", ID_1, { data: true });
    expect(fi.userMeta).toEqual({ etag: "x", "X-Amz-Meta-New": "yes" });
    expect(fi.data).toEqual(data(4, 5));
    expect(() => m.updateVersion(obj(ID_2, 1n))).toThrow(expect.objectContaining({ kind: "VersionNotFound" }));
  });
});

describe("XlMeta delete and data dirs", () => {
  test("deleteVersion returns the removed version and its inline data goes too", () => {
    const m = XlMeta.empty();
    m.addVersion(obj(ID_1, 1n, { data: data(1) }));
    m.addVersion(obj(ID_2, 2n, { dataDir: DIR_B }));
    const gone = m.deleteVersion(ID_1);
    expect(gone).toMatchObject({ versionId: ID_1, dataDir: DIR_A, size: 10 });
    expect(ids(m)).toEqual([ID_2]);
    expect(m.inlineData(ID_1)).toBeUndefined();
    expect(reload(m).toBytes().length).toBe(m.toBytesWithoutData().length);
    expect(() => m.deleteVersion(ID_1)).toThrow(expect.objectContaining({ kind: "VersionNotFound" }));
  });

  test('deleting "" or "null" removes the null version', () => {
    const m = XlMeta.empty();
    m.addVersion(obj("null", 1n));
    expect(m.deleteVersion("").versionId).toBe("null");
    m.addVersion(marker("null", 2n));
    expect(m.deleteVersion("null").deleted).toBe(true);
    expect(m.versions.length).toBe(0);
  });

  test("dataDirRefs counts versions sharing a data dir", () => {
    const m = XlMeta.empty();
    m.addVersion(obj(ID_1, 1n));
    m.addVersion(obj(ID_2, 2n));
    m.addVersion(obj(ID_3, 3n, { dataDir: DIR_B }));
    m.addVersion(marker("null", 4n));
    expect(m.dataDirRefs(DIR_A)).toBe(2);
    expect(m.dataDirRefs(DIR_B)).toBe(1);
    m.deleteVersion(ID_1);
    expect(reload(m).dataDirRefs(DIR_A)).toBe(1);
    expect(m.dataDirRefs("00000000-0000-0000-0000-000000000001")).toBe(0);
  });
});
