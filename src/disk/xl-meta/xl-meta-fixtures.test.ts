// Every real MinIO xl.meta fixture: decodes to the golden structure, signatures recompute,
// bodies re-encode to MinIO's exact bytes, and parse/toBytes/addVersion round trips hold.
import { describe, expect, test } from "bun:test";
import { MsgpackReader, MsgpackWriter } from "../../util/index.ts";
import type { FileInfo } from "../file-info.ts";
import { decodeVersionBody, headerFromBody, signature, XlMeta, BUNKER_WRITTEN_BY, compareHeaders } from "./index.ts";
import { writeDelete, writeObject } from "./version-body-encode.ts";
import { expectedFileInfo, hex, loadExpectedFiles, readFixture, rawVersionsV13, type ExpectedFile } from "../../../test/support/xl-meta-fixtures.ts";

const expectedFiles = await loadExpectedFiles();
const sigVectors = (await Bun.file("/work/shared/minio-format/fixtures/vectors/xlmeta-signatures.json").json()) as {
  files: Record<string, { versionIndex: number; signatureHex: string; recomputedHex: string }[]>;
};

/** MinIO rewrites these two versions on load (SPEC §2.6); the golden decode shows them as stored. */
const REWRITES: Record<string, { index: number; signatureHex: string; adjust: (fi: FileInfo) => void }> = {
  "minio-go-test-embedded/compressed-partidx.xl.meta": {
    index: 0,
    signatureHex: "8e5a6406",
    adjust: (fi) => fi.parts.forEach((p) => delete p.index),
  },
  "minio-go-test-embedded/timestamp-v0.xl.meta": {
    index: 0,
    signatureHex: "1e5fba4a",
    adjust: (fi) => {
      const utc = new TextEncoder().encode("2022-10-27T07:40:53.195813291Z");
      fi.sysMeta["x-minio-internal-replication-timestamp"] = utc;
      fi.sysMeta["x-minio-internal-replica-timestamp"] = utc;
    },
  },
};

const isV13 = (e: ExpectedFile) => e.format === "XL2 v1.3";
const withoutReadFields = ({ isLatest, numVersions, successorModTimeNs, ...rest }: FileInfo) => rest;

describe("xl.meta fixtures decode to the golden structure", () => {
  test("all 34 golden files are present", () => expect(expectedFiles.length).toBe(34));

  for (const exp of expectedFiles) {
    test(exp.fixture, async () => {
      const meta = XlMeta.parse(await readFixture(exp.fixture));
      const infos = meta.fileInfos("bucket", "object");
      expect(infos.length).toBe(exp.versions.length);
      // Legacy layouts are stored unsorted; match versions by id and mod time.
      const byKey = new Map(infos.map((fi, i) => [`${fi.versionId}|${fi.modTimeNs}`, i]));
      exp.versions.forEach((ev, storedIndex) => {
        const want = expectedFileInfo(ev, "bucket", "object");
        const rewrite = REWRITES[exp.fixture]?.index === storedIndex ? REWRITES[exp.fixture] : undefined;
        rewrite?.adjust(want);
        const i = byKey.get(`${want.versionId}|${want.modTimeNs}`)!;
        expect(i).toBeDefined();
        expect(withoutReadFields(infos[i])).toEqual(want);
        const h = meta.versions[i];
        expect(h.versionId).toBe(want.versionId);
        expect(h.modTimeNs).toBe(want.modTimeNs);
        expect(h.type).toBe(ev.body.Type as 1 | 2);
        if (!ev.header) return;
        expect(hex(h.signature)).toBe(rewrite?.signatureHex ?? ev.header.signatureHex);
        expect(h.flags).toBe(ev.header.flags);
        // Header version 2 has no EcN/EcM; MinIO keeps them 0 until it rewrites the version.
        const regenerated = rewrite !== undefined;
        expect(h.ecN).toBe(ev.header.ecN ?? (regenerated ? (want.erasure?.parityBlocks ?? 0) : 0));
        expect(h.ecM).toBe(ev.header.ecM ?? (regenerated ? (want.erasure?.dataBlocks ?? 0) : 0));
      });
      for (const [key, entry] of Object.entries(exp.inlineData?.entries ?? {})) {
        const data = meta.inlineData(key)!;
        expect(data.length).toBe(entry.length);
        expect(new Bun.CryptoHasher("sha256").update(data.subarray(32)).digest("hex")).toBe(entry.shardPayloadSha256);
        expect(meta.fileInfo("bucket", "object", key, { data: true }).data).toEqual(data);
      }
    });
  }
});

describe("signatures (SPEC §2.6)", () => {
  let total = 0;
  for (const [file, entries] of Object.entries(sigVectors.files)) {
    test(`${file} recomputes from the stored bodies`, async () => {
      const raw = rawVersionsV13(await readFixture(file));
      for (const e of entries) {
        const stored = new MsgpackReader(raw[e.versionIndex].header);
        stored.readArrayHeader();
        stored.readBin();
        stored.readBigInt();
        expect(hex(stored.readBin())).toBe(e.signatureHex);
        expect(hex(signature(decodeVersionBody(raw[e.versionIndex].body)))).toBe(e.recomputedHex);
        total++;
      }
    });
  }
  test("all 36 vector signatures were checked", () => expect(total).toBe(36));
});

/** The V2Obj/DelObj span inside a stored body, and ours re-encoded from the decoded form. */
function innerSpans(body: Uint8Array): { stored: Uint8Array; ours: Uint8Array } {
  const r = new MsgpackReader(body);
  const decoded = decodeVersionBody(body);
  for (let n = r.readMapHeader(); n > 0; n--) {
    const key = r.readKey();
    const span = r.raw();
    if (key !== "V2Obj" && key !== "DelObj") continue;
    const w = new MsgpackWriter();
    if (decoded.object) writeObject(w, decoded.object, false);
    else writeDelete(w, decoded.deleteMarker!, false);
    return { stored: span, ours: w.bytes() };
  }
  throw new Error("No object in body");
}

describe("bodies re-encode to MinIO's exact bytes", () => {
  for (const exp of expectedFiles.filter(isV13)) {
    test(exp.fixture, async () => {
      for (const { body } of rawVersionsV13(await readFixture(exp.fixture))) {
        const { stored, ours } = innerSpans(body);
        expect(hex(ours)).toBe(hex(stored));
      }
    });
  }
});

describe("round trips", () => {
  for (const exp of expectedFiles) {
    test(`parse → toBytes → parse keeps ${exp.fixture}`, async () => {
      const bytes = await readFixture(exp.fixture);
      const a = XlMeta.parse(bytes);
      const b = XlMeta.parse(a.toBytes());
      expect(b.versions).toEqual(a.versions);
      const withData = (m: XlMeta) => m.versions.map((h) => m.fileInfo("v", "o", h.versionId, { data: true }));
      expect(withData(b)).toEqual(withData(a));
      expect(XlMeta.parse(a.toBytesWithoutData()).fileInfos("v", "o")).toEqual(a.fileInfos("v", "o"));
      if (isV13(exp) && exp.headerVersion === 3 && exp.metaVersion === 3) expect(hex(a.toBytes())).toBe(hex(bytes));
    });

    test(`FileInfo → addVersion → toBytes → parse keeps ${exp.fixture}`, async () => {
      const meta = XlMeta.parse(await readFixture(exp.fixture));
      for (const h of meta.versions) {
        const fi = meta.fileInfo("bkt", "obj", h.versionId, { data: true });
        const fresh = XlMeta.empty();
        fresh.addVersion(fi);
        const back = XlMeta.parse(fresh.toBytes());
        const again = back.fileInfo("bkt", "obj", h.versionId, { data: true });
        expect(again).toEqual({ ...fi, writtenBy: BUNKER_WRITTEN_BY, isLatest: true, numVersions: 1, successorModTimeNs: 0n });
        // The signature other drives (written by MinIO) hold for this version is reproduced.
        expect(hex(back.versions[0].signature)).toBe(hex(h.signature));
        expect(back.versions[0].flags).toBe(h.flags);
      }
    });
  }
});

describe("legacy and special files", () => {
  test("the 855-version v1.2 file loads sorted with headers equal to the bodies' headers", async () => {
    const meta = XlMeta.parse(await readFixture("minio-testdata/xl.meta-v1.2"));
    const hs = meta.versions;
    expect(hs.length).toBe(855);
    for (let i = 1; i < hs.length; i++) {
      expect(compareHeaders(hs[i - 1], hs[i])).toBeLessThan(0);
      expect(hs[i - 1].modTimeNs >= hs[i].modTimeNs).toBe(true);
    }
    const reloaded = XlMeta.parse(meta.toBytes());
    const raw = rawVersionsV13(meta.toBytes());
    raw.forEach(({ body }, i) => expect(headerFromBody(decodeVersionBody(body))).toEqual(reloaded.versions[i]));
    expect(reloaded.versions).toEqual(hs);
  });

  test("the corrupt MinIO test file is rejected as Corrupt", async () => {
    const bytes = Bun.gunzipSync(await readFixture("minio-testdata/xl.meta-corrupt.gz"));
    expect(bytes.length).toBe(7864320);
    expect(() => XlMeta.parse(bytes)).toThrow(expect.objectContaining({ name: "DriveError", kind: "Corrupt" }));
  });

  test("a checksum mismatch is Corrupt", async () => {
    const bytes = (await readFixture("rustfs-captured-minio/small.txt.xl.meta")).slice();
    bytes[40] ^= 1;
    expect(() => XlMeta.parse(bytes)).toThrow(/Checksum mismatch/);
  });

  test("legacy xl.json is refused with a clear message; empty input is FileNotFound", () => {
    const json = new TextEncoder().encode('{"version":"1.0.1","format":"xl"}');
    expect(() => XlMeta.parse(json)).toThrow(/legacy xl.json/);
    expect(() => XlMeta.parse(new Uint8Array(0))).toThrow(expect.objectContaining({ kind: "FileNotFound" }));
  });

  test("v1.0 layout keeps its 10 MiB block size and gets a v1.3 header", async () => {
    const meta = XlMeta.parse(await readFixture("minio-testdata/xl.meta-v1.0"));
    const fi = meta.fileInfo("b", "o", "");
    expect(fi.erasure?.blockSize).toBe(10485760);
    expect(meta.versions[0]).toMatchObject({ versionId: "null", type: 1, flags: 2, ecM: 2, ecN: 2 });
    expect(Array.from(meta.toBytes().subarray(0, 8))).toEqual([0x58, 0x4c, 0x32, 0x20, 1, 0, 3, 0]);
  });
});
