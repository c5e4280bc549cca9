// The storage view: quorum arithmetic per set (as MinIO computes it), and storageInfo on a real
// 4-drive store: every drive's state and capacity, a missing drive offline, a refill "healing".
import { afterAll, beforeAll, expect, test } from "bun:test";
import { ErasurePool } from "../../ec/index.ts";
import { TempDirs } from "../../../test/support/temp-dirs.ts";
import { openTestStore, type TestStore } from "../../../test/support/object-harness.ts";
import { setQuorums } from "./storage.ts";

test("write quorum is the data drive count, one more when data equals parity", () => {
  expect(setQuorums(4, 2)).toEqual({ read: 2, write: 3 });
  expect(setQuorums(6, 3)).toEqual({ read: 3, write: 4 });
  expect(setQuorums(6, 2)).toEqual({ read: 4, write: 4 });
  expect(setQuorums(16, 4)).toEqual({ read: 12, write: 12 });
  expect(setQuorums(2, 1)).toEqual({ read: 1, write: 2 });
  expect(setQuorums(1, 0)).toEqual({ read: 1, write: 1 });
});

let codec: ErasurePool;
const temp = new TempDirs();
let t: TestStore;
beforeAll(async () => {
  codec = new ErasurePool({ workers: 1 });
  t = await openTestStore(temp, codec, { drives: 4 });
});
afterAll(async () => {
  await t.close();
  await codec.close();
  temp.cleanup();
});

test("storageInfo: every drive with its capacity, set quorums, one pool; an unplugged drive or one past the deadline is offline", async () => {
  const all = await t.store.storageInfo({ timeoutMs: 2_000 });
  expect(all.pools.map((p) => p.index)).toEqual([0]);
  const [set] = all.pools[0].sets;
  expect({ ...set, drives: undefined }).toEqual({
    pool: 0,
    set: 0,
    driveCount: 4,
    standardParity: 2,
    rrsParity: 1,
    readQuorum: 2,
    writeQuorum: 3,
    drives: undefined,
  });
  expect(set.drives.map((d) => [d.position, d.endpoint, d.state])).toEqual(t.roots.map((r, i) => [i, r, "online"]));
  for (const d of set.drives) expect(d.info!.total).toBeGreaterThanOrEqual(d.info!.used);
  expect(all.heals).toEqual({ started: 0, failed: 0 });
  // Plain data: what crosses to admin/ (and later the wire) survives a structured clone unchanged.
  expect(structuredClone(all)).toEqual(all);

  t.drives[1].faults = { offline: true };
  t.drives[2].faults = { hangOn: (m) => m === "info" };
  try {
    const now = (await t.store.storageInfo({ timeoutMs: 50 })).pools[0].sets[0].drives;
    expect(now.map((d) => d.state)).toEqual(["online", "offline", "offline", "online"]);
    expect(now[1].error).toContain("offline");
    expect(now[2].error).toContain("no answer within 50 ms");
  } finally {
    t.drives[1].faults = {};
    t.drives[2].faults = {};
    t.drives[2].release();
  }
});

test("storageInfo: drives a running healAll refills are reported healing until it ends", async () => {
  await t.store.makeBucket("refill");
  const run = t.store.healAll({ refill: [{ pool: 0, set: 0, position: 3 }] });
  const seen = (await t.store.storageInfo()).pools[0].sets[0].drives.map((d) => d.state);
  await run;
  expect(seen).toEqual(["online", "online", "online", "healing"]);
  expect((await t.store.storageInfo()).pools[0].sets[0].drives.map((d) => d.state)).toEqual(["online", "online", "online", "online"]);
});

test("BucketInfo.versioning: Unversioned, then Enabled, then Suspended (getBucketInfo, listBuckets, bucketVersioning)", async () => {
  await t.store.makeBucket("vers");
  const state = async () => [
    (await t.store.getBucketInfo("vers")).versioning,
    (await t.store.listBuckets()).find((b) => b.name === "vers")!.versioning,
    await t.store.bucketVersioning("vers"),
  ];
  expect(await state()).toEqual(["Unversioned", "Unversioned", "Unversioned"]);
  const xml = (s: string) =>
    new TextEncoder().encode(`<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Status>${s}</Status></VersioningConfiguration>`);
  await t.store.setBucketConfig("vers", "versioning", xml("Enabled"));
  expect(await state()).toEqual(["Enabled", "Enabled", "Enabled"]);
  await t.store.setBucketConfig("vers", "versioning", xml("Suspended"));
  expect(await state()).toEqual(["Suspended", "Suspended", "Suspended"]);
  await t.store.makeBucket("locked", { lockEnabled: true });
  expect((await t.store.getBucketInfo("locked")).versioning).toBe("Enabled");
  await expect(t.store.bucketVersioning("missing")).rejects.toMatchObject({ kind: "NoSuchBucket" });
});
