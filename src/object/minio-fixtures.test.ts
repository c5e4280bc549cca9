// Real MinIO drive directories served as they are: the cicd corpus (5 drives, EC 3+2, stored
// EcDist, one drive without xl.meta, a newer version below read quorum) and the inline/
// not-inline fixture (4 drives, two empty), then healed and read back from every d drives.
import { describe, expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { useCodec } from "../../test/support/use-codec.ts";
import { FIXTURES } from "../../test/support/temp-dirs.ts";
import { md5hex, openTestStore, readAllBody, type TestStore } from "../../test/support/object-harness.ts";
import { combinations, damagedPositions, md5WithOnly } from "../../test/support/shard-check.ts";
import type { FaultyDrive } from "../../test/support/faulty-drive.ts";

const CICD_MD5 = "9587ddd31fead633830366f45d221d56";
const OLD_VERSION = "50051050-62bc-4928-b0d3-65f4f828a0c7";
const NEW_VERSION = "163c7c9d-e856-41ed-93ae-2adccecc8211";
const INLINE_MD5 = "fffb6377948ebea75ad2b8058e849ef5";

const { codec, temp } = useCodec();

async function getMd5(t: TestStore, bucket: string, key: string, versionId?: string): Promise<string> {
  const r = await t.store.getObject(bucket, key, { versionId });
  return md5hex(await readAllBody(r.body));
}

async function openCicd(): Promise<TestStore> {
  const root = temp.copyOf(join(FIXTURES, "minio-cicd-corpus"));
  // No format.json: the command-line order disk1..disk5 is the set order, as MinIO's CI runs it.
  return openTestStore(temp, codec, { drives: 5, roots: [1, 2, 3, 4, 5].map((i) => join(root, `disk${i}`)) });
}

async function openInline(): Promise<TestStore> {
  const root = temp.copyOf(join(FIXTURES, "minio-xl-meta-inline-notinline"));
  for (const d of ["disk3", "disk4"]) mkdirSync(join(root, d));
  return openTestStore(temp, codec, { drives: 4, roots: [1, 2, 3, 4].map((i) => join(root, `disk${i}`)) });
}

describe("minio-cicd-corpus (5 drives, EC 3+2, EcDist [3,4,5,1,2])", () => {
  test("serves the version on read quorum with the stored EcDist; the newer one is not served", async () => {
    const t = await openCicd();
    try {
      const info = await t.store.getObjectInfo("bucket", "testobj");
      expect(info.versionId).toBe(OLD_VERSION);
      expect(info.size).toBe(644520);
      expect(info.etag).toBe(CICD_MD5);
      expect(await getMd5(t, "bucket", "testobj")).toBe(CICD_MD5);
      expect(await getMd5(t, "bucket", "testobj", OLD_VERSION)).toBe(CICD_MD5);
      const newer = await t.store.getObject("bucket", "testobj", { versionId: NEW_VERSION }).catch((e) => e);
      expect(newer.kind).toBe("NoSuchVersion");
      const ranged = await t.store.getObject("bucket", "testobj", { range: { start: 0, end: 3 } });
      expect(new TextDecoder().decode(await readAllBody(ranged.body))).toBe("PAR1");
      const listed = await t.store.listObjectVersions("bucket", { maxKeys: 10 });
      expect(listed.versions.map((v) => v.versionId)).toEqual([OLD_VERSION]);
    } finally {
      await t.close();
    }
  });

  test("heal gives every drive its shard; the result reads from every 3 of the 5 drives", async () => {
    const t = await openCicd();
    try {
      expect((await damagedPositions(t.store, "bucket", "testobj", OLD_VERSION)).map((s) => s.position)).toEqual([0, 4]);
      const res = await t.store.healObject("bucket", "testobj");
      expect(res.healedDrives).toEqual([0, 4]);
      expect(res.offlineDrives).toEqual([]);
      expect(await damagedPositions(t.store, "bucket", "testobj")).toEqual([]);
      // the version below quorum was dropped everywhere; the healed version is the only one
      for (const d of t.store.sets[0].drives) {
        const fi = await d!.readVersion("bucket", "testobj", "", { readData: false });
        expect(fi.versionId).toBe(OLD_VERSION);
        expect(fi.numVersions).toBe(1);
        expect(fi.erasure!.distribution).toEqual([3, 4, 5, 1, 2]);
      }
      const drives = t.store.sets[0].drives as FaultyDrive[];
      for (const online of combinations(5, 3)) expect(await md5WithOnly(t.store, drives, online, "bucket", "testobj")).toBe(CICD_MD5);
      // a second heal finds nothing to do, also after a restart
      await t.reopen();
      expect((await t.store.healObject("bucket", "testobj", { deep: true })).healedDrives).toEqual([]);
    } finally {
      await t.close();
    }
  });
});

describe("minio-xl-meta-inline-notinline (4 drives, 2 of them empty)", () => {
  test("serves the object from an inline shard on one drive and a part file on another", async () => {
    const t = await openInline();
    try {
      expect(await getMd5(t, "testbucket", "file")).toBe(INLINE_MD5);
      const info = await t.store.getObjectInfo("testbucket", "file");
      expect(info.size).toBe(132096);
      expect((await t.store.listObjects("testbucket", { maxKeys: 10 })).objects.map((o) => o.key)).toEqual(["file"]);
    } finally {
      await t.close();
    }
  });

  test("heal fills the two empty drives; every 2 of the 4 drives then read it", async () => {
    const t = await openInline();
    try {
      expect((await damagedPositions(t.store, "testbucket", "file")).map((s) => s.position)).toEqual([2, 3]);
      const res = await t.store.healObject("testbucket", "file");
      expect(res.healedDrives).toEqual([2, 3]);
      expect(await damagedPositions(t.store, "testbucket", "file")).toEqual([]);
      const drives = t.store.sets[0].drives as FaultyDrive[];
      for (const online of combinations(4, 2)) expect(await md5WithOnly(t.store, drives, online, "testbucket", "file")).toBe(INLINE_MD5);
      await t.reopen();
      expect((await t.store.healObject("testbucket", "file", { deep: true })).healedDrives).toEqual([]);
      expect(await getMd5(t, "testbucket", "file")).toBe(INLINE_MD5);
    } finally {
      await t.close();
    }
  });
});
