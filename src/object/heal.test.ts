// A replaced drive: its directory is wiped, the store restarts (the empty drive is formatted
// into its slot and reported fresh), heal-on-read repairs what is read, healAll repairs the
// rest — versions, delete markers, directory objects, multipart objects, bucket metadata —
// and the drive is then shown to hold every shard (verified on disk and by reading through it).
import { describe, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { SYSTEM_VOLUME, XlMeta } from "../disk/index.ts";
import { useCodec } from "../../test/support/use-codec.ts";
import { bodyOf, md5hex, openTestStore, randomBytes, type TestStore } from "../../test/support/object-harness.ts";
import { combinations, damagedPositions, md5WithOnly } from "../../test/support/shard-check.ts";
import type { FaultyDrive } from "../../test/support/faulty-drive.ts";
import { MIN_PART_SIZE } from "./set/complete.ts";
import { encodeDirObject } from "./object-info.ts";

const { codec, temp } = useCodec();

const enc = new TextEncoder();
const VERSIONING_ON = enc.encode("<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>");

/** Every (bucket, key, versionId, md5) the store acknowledged; delete markers have md5 "". */
type Acked = { bucket: string; key: string; versionId: string; md5: string }[];

async function populate(t: TestStore): Promise<Acked> {
  const s = t.store;
  const acked: Acked = [];
  const put = async (bucket: string, key: string, size: number, seed: number) => {
    const data = randomBytes(size, seed);
    const info = await s.putObject(bucket, key, bodyOf(data), { size, userMeta: {} });
    acked.push({ bucket, key, versionId: info.versionId, md5: md5hex(data) });
  };
  await s.makeBucket("plain");
  await s.makeBucket("versioned");
  await s.setBucketConfig("versioned", "versioning", VERSIONING_ON);
  await s.setBucketConfig("plain", "policy", enc.encode('{"Version":"2012-10-17","Statement":[]}'));
  for (const [i, size] of [0, 10, 70_000, 400_000, 1_300_000].entries()) await put("plain", `obj-${i}`, size, i + 1);
  await put("plain", "dir/", 0, 9);
  await put("plain", "dir/nested/ünï 😀", 3_000, 10);
  for (let v = 0; v < 3; v++) await put("versioned", "doc", 20_000 + v * 150_000, 20 + v);
  const marker = await s.deleteObject("versioned", "doc");
  acked.push({ bucket: "versioned", key: "doc", versionId: marker.versionId, md5: "" });
  const id = await s.newMultipartUpload("versioned", "big", { userMeta: {} });
  const p1 = randomBytes(MIN_PART_SIZE, 31);
  const p2 = randomBytes(777_777, 32);
  const e1 = await s.putObjectPart("versioned", "big", id, 1, bodyOf(p1), { size: p1.length });
  const e2 = await s.putObjectPart("versioned", "big", id, 2, bodyOf(p2), { size: p2.length });
  const done = await s.completeMultipartUpload("versioned", "big", id, [
    { partNumber: 1, etag: e1.etag },
    { partNumber: 2, etag: e2.etag },
  ]);
  acked.push({ bucket: "versioned", key: "big", versionId: done.versionId, md5: md5hex(new Uint8Array([...p1, ...p2])) });
  return acked;
}

/** Version ids (newest first) in drive `pos`'s xl.meta of an object, read past any fault. */
async function versionsOn(t: TestStore, pos: number, bucket: string, key: string): Promise<string[]> {
  const d = t.store.sets[0].drives[pos] as FaultyDrive;
  try {
    return XlMeta.parse(await d.inner.readMetadata(bucket, encodeDirObject(key))).versions.map((h) => h.versionId);
  } catch {
    return [];
  }
}

async function expectEveryShardEverywhere(t: TestStore, acked: Acked): Promise<void> {
  const n = t.store.sets[0].drives.length;
  for (const a of acked) {
    const bad = await damagedPositions(t.store, a.bucket, encodeDirObject(a.key), a.versionId);
    expect(`${a.bucket}/${a.key}@${a.versionId}: ${bad.map((b) => `${b.position} ${b.why}`).join("; ")}`).toBe(`${a.bucket}/${a.key}@${a.versionId}: `);
    const reference = await versionsOn(t, 0, a.bucket, a.key);
    for (let pos = 1; pos < n; pos++) expect(await versionsOn(t, pos, a.bucket, a.key)).toEqual(reference);
  }
  for (const sys of ["buckets/plain/.metadata.bin", "buckets/versioned/.metadata.bin"]) {
    expect(await damagedPositions(t.store, SYSTEM_VOLUME, sys)).toEqual([]);
  }
}

for (const { n, parity, wire } of [
  { n: 4, parity: 2 },
  { n: 6, parity: 2 },
  { n: 4, parity: 2, wire: true },
  { n: 6, parity: 2, wire: true },
]) {
  describe(`${wire ? "WireDrive: " : ""}replaced drive, ${n} drives EC ${n - parity}+${parity}`, () => {
    test("wiped drive: formatted into its slot, healed on read and by healAll, then holds every shard", async () => {
      const t = await openTestStore(temp, codec, { drives: n, settings: { standardParity: parity }, wire });
      try {
        const acked = await populate(t);
        const victim = 1;
        const root = t.roots[victim];
        rmSync(root, { recursive: true, force: true });
        await t.reopen();
        expect(t.format!.freshDrives).toEqual([{ set: 0, position: victim }]);
        // everything still reads from the other drives
        for (const a of acked.filter((x) => x.md5)) {
          const r = await t.store.getObject(a.bucket, a.key, { versionId: a.versionId });
          expect(md5hex(new Uint8Array(await new Response(r.body).arrayBuffer()))).toBe(a.md5);
        }
        // heal on read: the reads above queued heals for what they touched
        await t.store.heals.drain();
        expect(await damagedPositions(t.store, "plain", "obj-4")).toEqual([]);
        const res = await t.store.healAll();
        expect(res.failed).toEqual([]);
        expect(res.buckets).toEqual(["plain", "versioned"]);
        // 7 in plain + 2 in versioned + 2 bucket metadata objects
        expect(res.objects).toBe(11);
        await expectEveryShardEverywhere(t, acked);
        // the replaced drive serves reads: every choice of d drives that includes it
        const drives = t.store.sets[0].drives as FaultyDrive[];
        const withVictim = combinations(n, n - parity).filter((c) => c.includes(victim));
        for (const a of acked.filter((x) => x.md5 && x.key !== "big")) {
          for (const online of withVictim) expect(await md5WithOnly(t.store, drives, online, a.bucket, a.key, a.versionId)).toBe(a.md5);
        }
        const big = acked.find((a) => a.key === "big")!;
        expect(await md5WithOnly(t.store, drives, withVictim[0], "versioned", "big")).toBe(big.md5);
        // bucket configuration survived, and a second pass finds nothing to do
        expect(await t.store.getBucketConfig("plain", "policy")).not.toBeNull();
        expect((await t.store.healAll({ deep: true })).healed).toBe(0);
      } finally {
        await t.close();
      }
    }, 60_000);
  });
}

describe.each([false, true])("healAll cleans up (WireDrive: %p)", (wire) => {
  test("a version that reached only one drive (a crashed write) is removed; nothing else is touched", async () => {
    const t = await openTestStore(temp, codec, { drives: 4, wire });
    try {
      await t.store.makeBucket("bkt");
      const data = randomBytes(300_000, 5);
      await t.store.putObject("bkt", "keep", bodyOf(data), { size: data.length, userMeta: {} });
      // a write that committed on one drive only: drives 1..3 refuse renameData
      const drives = t.store.sets[0].drives as FaultyDrive[];
      for (const d of drives.slice(1)) d.faults = { failOn: (m) => m === "renameData" };
      // with the undo also refused, drive 0 keeps the half-written version
      drives[0].faults = { failOn: (m) => m === "deleteVersion" || m === "writeAll" };
      const err = await t.store.putObject("bkt", "half", bodyOf(data), { size: data.length, userMeta: {} }).catch((e) => e);
      expect(err.kind).toBe("WriteQuorum");
      for (const d of drives) d.faults = {};
      expect(await versionsOn(t, 0, "bkt", "half")).toEqual(["null"]);
      expect((await t.store.listObjects("bkt", { maxKeys: 10 })).objects.map((o) => o.key)).toEqual(["keep"]);
      const res = await t.store.healAll();
      expect(res.failed).toEqual([]);
      expect(await versionsOn(t, 0, "bkt", "half")).toEqual([]);
      expect(await damagedPositions(t.store, "bkt", "keep")).toEqual([]);
    } finally {
      await t.close();
    }
  });
});
