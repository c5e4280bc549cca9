// The persisted MRF list: a write or delete that missed a drive is owed a heal, the debt
// survives a restart, and it is paid once the drive is back — when a probe brings it back, on
// the periodic retry (a peer's drives fail fast and are never "brought back"), or on retryHeals().
import { describe, expect, test } from "bun:test";
import { SYSTEM_VOLUME, XlMeta } from "../disk/index.ts";
import { useCodec } from "../../test/support/use-codec.ts";
import { bodyOf, openTestStore, randomBytes, type TestStore } from "../../test/support/object-harness.ts";
import { decodeMrf, encodeMrf, MRF_DIR } from "./store/mrf.ts";
import { encodeDirObject } from "./object-info.ts";

const { codec, temp } = useCodec();
const VERSIONING_ON = new TextEncoder().encode("<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>");

/** Version ids in drive `i`'s own xl.meta of `key` (past any injected fault); [] when it has none. */
async function versionsOn(t: TestStore, i: number, bucket: string, key: string): Promise<string[]> {
  try {
    return XlMeta.parse(await t.drives[i].inner.readMetadata(bucket, encodeDirObject(key))).versions.map((h) => h.versionId);
  } catch {
    return [];
  }
}

/** Waits (bounded) until `cond` holds; the bound only keeps a broken build from hanging. */
async function eventually(cond: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (await cond()) return;
    await Bun.sleep(25);
  }
  throw new Error(`never happened: ${what}`);
}

async function mrfOnDisk(t: TestStore, i: number): Promise<string[]> {
  try {
    return decodeMrf(await t.drives[i].inner.readAll(SYSTEM_VOLUME, `${MRF_DIR}/local.json`)).map((e) => `${e.volume}/${e.name}`);
  } catch {
    return [];
  }
}

describe("persisted MRF", () => {
  test("a PUT that missed a drive is owed a heal that survives a restart and is paid once the drive is back", async () => {
    const t = await openTestStore(temp, codec, { drives: 4, mrf: { retryMs: 3_600_000 } });
    try {
      await t.store.makeBucket("b");
      t.drives[3].faults.offline = true;
      await t.store.putObject("b", "k", bodyOf(randomBytes(200_000, 3)), { size: 200_000, userMeta: {} });
      await t.store.heals.drain();
      expect(t.store.heals.entries().map((e) => e.name)).toEqual(["k"]);
      // The list is saved on close; nothing else (no read, no scanner) would heal drive 4 after the restart.
      await t.store.close();
      expect(await mrfOnDisk(t, 0)).toEqual(["b/k"]);
      expect(await mrfOnDisk(t, 3)).toEqual([]);
      t.drives[3].faults.offline = false;
      await t.reopen();
      await t.store.retryHeals();
      expect(await versionsOn(t, 3, "b", "k")).toEqual(await versionsOn(t, 0, "b", "k"));
      expect(t.store.heals.size).toBe(0);
      await t.store.heals.flush();
      expect(await mrfOnDisk(t, 0)).toEqual([]);
    } finally {
      await t.close();
    }
  });

  test("deletes that missed a drive are owed too: the version and the marker reach it once it is back", async () => {
    const t = await openTestStore(temp, codec, { drives: 4, mrf: { retryMs: 3_600_000 } });
    try {
      await t.store.makeBucket("v");
      await t.store.setBucketConfig("v", "versioning", VERSIONING_ON);
      const a = await t.store.putObject("v", "doc", bodyOf("one"), { size: 3, userMeta: {} });
      const b = await t.store.putObject("v", "doc", bodyOf("two"), { size: 3, userMeta: {} });
      t.drives[1].faults.offline = true;
      await t.store.deleteObject("v", "doc", { versionId: a.versionId });
      const marker = await t.store.deleteObject("v", "doc");
      await t.store.heals.drain();
      expect(t.store.heals.size).toBe(2);
      t.drives[1].faults.offline = false;
      await t.store.retryHeals();
      expect(await versionsOn(t, 1, "v", "doc")).toEqual([marker.versionId, b.versionId]);
      expect(t.store.heals.size).toBe(0);
    } finally {
      await t.close();
    }
  });

  test("drives that fail fast (a peer node down) are healed by the periodic retry, without anyone asking", async () => {
    const t = await openTestStore(temp, codec, { drives: 4, mrf: { retryMs: 40, maxBackoffMs: 80 } });
    try {
      await t.store.makeBucket("b");
      t.drives[2].faults.offline = true;
      await t.store.putObject("b", "k", bodyOf(randomBytes(1000, 5)), { size: 1000, userMeta: {} });
      await t.store.heals.drain();
      expect(await versionsOn(t, 2, "b", "k")).toEqual([]);
      t.drives[2].faults.offline = false;
      await eventually(async () => (await versionsOn(t, 2, "b", "k")).length === 1, "the periodic retry heals the drive");
      await eventually(async () => t.store.heals.size === 0, "the entry is dropped once healed");
    } finally {
      await t.close();
    }
  });

  test("a drive that missed a deadline is healed as soon as the probe brings it back", async () => {
    const t = await openTestStore(temp, codec, { drives: 4, settings: { driveTimeoutMs: 150, driveProbeMs: 30 }, mrf: { retryMs: 3_600_000 } });
    try {
      await t.store.makeBucket("b");
      t.drives[0].faults.hangOn = () => true;
      await t.store.putObject("b", "k", bodyOf(randomBytes(5000, 7)), { size: 5000, userMeta: {} });
      expect(t.store.sets[0].health.isUp(0)).toBe(false);
      await t.store.heals.drain();
      expect(t.store.heals.size).toBe(1);
      t.drives[0].faults.hangOn = undefined;
      t.drives[0].release();
      await eventually(async () => (await versionsOn(t, 0, "b", "k")).length === 1, "the probe's drive-back triggers the heal");
    } finally {
      await t.close();
    }
  });

  test("a bucket deleted while a drive was away is removed from it once it is back", async () => {
    const t = await openTestStore(temp, codec, { drives: 4, mrf: { retryMs: 3_600_000 } });
    try {
      await t.store.makeBucket("gone");
      await t.store.putObject("gone", "x", bodyOf("x"), { size: 1, userMeta: {} });
      await t.store.deleteObject("gone", "x");
      t.drives[3].faults.offline = true;
      await t.store.deleteBucket("gone");
      t.drives[3].faults.offline = false;
      await t.store.retryHeals();
      expect((await t.drives[3].inner.listVols()).map((v) => v.name)).not.toContain("gone");
      expect((await t.store.listBuckets()).map((b) => b.name)).toEqual([]);
    } finally {
      await t.close();
    }
  });

  test("the list file: round trip, and garbage reads as an empty list instead of failing the start", () => {
    const entries = [{ volume: "b", name: "a/b", versionId: "", queuedAt: 5 }];
    expect(decodeMrf(encodeMrf(entries))).toEqual(entries);
    for (const bad of ["", "{", "null", "[]", '{"version":2,"entries":[]}', '{"version":1,"entries":[{"volume":1}]}']) {
      expect(decodeMrf(new TextEncoder().encode(bad))).toEqual([]);
    }
  });
});
