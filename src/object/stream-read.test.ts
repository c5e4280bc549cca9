// GET and heal read each drive's shard range through one Drive.readFileStream per part: counted
// on the drives, and proven under faults — a stream that breaks or stalls part-way (the other
// shards take over; a stalled drive misses the deadline and is taken out of service), a client
// that goes away (every stream cancelled, no descriptor left open) — with nothing acknowledged lost.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { ErasurePool } from "../ec/index.ts";
import { TempDirs } from "../../test/support/temp-dirs.ts";
import { bodyOf, md5hex, openTestStore, randomBytes, readAllBody, type TestStore } from "../../test/support/object-harness.ts";
import { damagedPositions } from "../../test/support/shard-check.ts";
import type { DriveMethod, FaultyDrive } from "../../test/support/faulty-drive.ts";
import { MIN_PART_SIZE } from "./index.ts";

const temp = new TempDirs();
let codec: ErasurePool;
const MIB = 1 << 20;

beforeAll(() => {
  codec = new ErasurePool({ workers: 2 });
});
afterAll(async () => {
  await codec.close();
  temp.cleanup();
});

async function open(settings: { driveTimeoutMs?: number } = {}): Promise<TestStore> {
  const t = await openTestStore(temp, codec, { drives: 4, settings: { standardParity: 2, ...settings } });
  await t.store.makeBucket("bkt");
  return t;
}

async function put(t: TestStore, key: string, size: number, seed: number): Promise<string> {
  const data = randomBytes(size, seed);
  await t.store.putObject("bkt", key, bodyOf(data), { size, userMeta: {} });
  return md5hex(data);
}

const count = (drives: FaultyDrive[], m: DriveMethod) => drives.map((d) => d.calls.get(m) ?? 0);
const resetCounts = (drives: FaultyDrive[]) => drives.forEach((d) => d.calls.clear());

/** Set positions holding data shard 1 and the first parity shard (EC 2+2: shards 1 and 3). */
async function positionsOf(t: TestStore, key: string): Promise<{ data0: number; parity0: number }> {
  const fi = await t.drives[0].inner.readVersion("bkt", key, "", { readData: false });
  const dist = fi.erasure!.distribution;
  return { data0: dist.indexOf(1), parity0: dist.indexOf(3) };
}

function openFds(): number {
  try {
    return readdirSync("/proc/self/fd").length;
  } catch {
    return 0; // no /proc: the FaultyDrive stream count still checks the cancel
  }
}

test("GET streams each data drive's shard range once per part; no readFile per block", async () => {
  const t = await open();
  try {
    const single = await put(t, "single", 5 * MIB + 17, 1);
    resetCounts(t.drives);
    expect(md5hex(await readAllBody((await t.store.getObject("bkt", "single")).body))).toBe(single);
    expect(count(t.drives, "readFileStream").reduce((a, b) => a + b)).toBe(2);
    expect(count(t.drives, "readFile")).toEqual([0, 0, 0, 0]);

    // a range across blocks: one stream per data drive too
    resetCounts(t.drives);
    const r = await t.store.getObject("bkt", "single", { range: { start: MIB + 5, end: 4 * MIB } });
    expect((await readAllBody(r.body)).length).toBe(3 * MIB - 4);
    expect(count(t.drives, "readFileStream").reduce((a, b) => a + b)).toBe(2);
    expect(count(t.drives, "readFile")).toEqual([0, 0, 0, 0]);

    // two multi-block parts: one stream per data drive per part
    const id = await t.store.newMultipartUpload("bkt", "multi", { userMeta: {} });
    const p1 = randomBytes(MIN_PART_SIZE, 2);
    const p2 = randomBytes(3 * MIB + 5, 3);
    const e1 = await t.store.putObjectPart("bkt", "multi", id, 1, bodyOf(p1), { size: p1.length });
    const e2 = await t.store.putObjectPart("bkt", "multi", id, 2, bodyOf(p2), { size: p2.length });
    await t.store.completeMultipartUpload("bkt", "multi", id, [
      { partNumber: 1, etag: e1.etag },
      { partNumber: 2, etag: e2.etag },
    ]);
    resetCounts(t.drives);
    expect(md5hex(await readAllBody((await t.store.getObject("bkt", "multi")).body))).toBe(md5hex(new Uint8Array([...p1, ...p2])));
    expect(count(t.drives, "readFileStream").reduce((a, b) => a + b)).toBe(4);
    expect(count(t.drives, "readFile")).toEqual([0, 0, 0, 0]);
    expect(t.drives.map((d) => d.openStreams)).toEqual([0, 0, 0, 0]);
  } finally {
    await t.close();
  }
}, 30_000);

test("a drive whose stream fails part-way: the GET is right from the other shards, and nothing is lost", async () => {
  const t = await open();
  try {
    const md5 = await put(t, "obj", 6 * MIB + 3, 4);
    const { data0, parity0 } = await positionsOf(t, "obj");
    t.drives[data0].faults = { streamFailAfter: 2 * MIB };
    resetCounts(t.drives);
    expect(md5hex(await readAllBody((await t.store.getObject("bkt", "obj")).body))).toBe(md5);
    expect(count(t.drives, "readFileStream")[parity0]).toBe(1);
    // the parity stream opens at the first block that needs it; a block in flight before that one is one readFile
    expect(count(t.drives, "readFile").reduce((a, b) => a + b)).toBeLessThanOrEqual(1);
    expect(t.drives.map((d) => d.openStreams)).toEqual([0, 0, 0, 0]);
    t.drives[data0].faults = {};
    await t.store.heals.drain();
    expect(md5hex(await readAllBody((await t.store.getObject("bkt", "obj")).body))).toBe(md5);
    expect(await damagedPositions(t.store, "bkt", "obj")).toEqual([]);
  } finally {
    await t.close();
  }
}, 30_000);

test("a drive whose stream stalls part-way misses the deadline: the GET completes from the others, the drive goes out of service", async () => {
  const t = await open({ driveTimeoutMs: 1_000 });
  try {
    const md5 = await put(t, "obj", 6 * MIB + 3, 5);
    const { data0 } = await positionsOf(t, "obj");
    t.drives[data0].faults = { streamHangAfter: MIB };
    expect(md5hex(await readAllBody((await t.store.getObject("bkt", "obj")).body))).toBe(md5);
    expect(t.store.sets[0].health.isUp(data0)).toBe(false);
    expect(t.drives.map((d) => d.openStreams)).toEqual([0, 0, 0, 0]);
    t.drives[data0].faults = {};
    t.drives[data0].release();
    expect(await t.store.probeDrives()).toBeGreaterThanOrEqual(0);
    expect(t.store.sets[0].health.isUp(data0)).toBe(true);
    expect(md5hex(await readAllBody((await t.store.getObject("bkt", "obj")).body))).toBe(md5);
  } finally {
    await t.close();
  }
}, 30_000);

test("a client that goes away mid-body: every drive stream is cancelled and no file descriptor stays open", async () => {
  const t = await open();
  try {
    const md5 = await put(t, "big", 24 * MIB + 1, 6);
    await readAllBody((await t.store.getObject("bkt", "big")).body); // warm: lazily opened handles stay out of the count
    const before = openFds();
    for (let round = 0; round < 3; round++) {
      const reader = (await t.store.getObject("bkt", "big")).body.getReader();
      await reader.read();
      await reader.cancel(new Error("client went away"));
      for (let i = 0; i < 50 && t.drives.some((d) => d.openStreams > 0); i++) await Bun.sleep(20);
      expect(t.drives.map((d) => d.openStreams)).toEqual([0, 0, 0, 0]);
    }
    for (let i = 0; i < 50 && openFds() > before; i++) await Bun.sleep(20);
    expect(openFds()).toBeLessThanOrEqual(before);
    expect(md5hex(await readAllBody((await t.store.getObject("bkt", "big")).body))).toBe(md5);
  } finally {
    await t.close();
  }
}, 30_000);

test("heal rebuilds a lost shard from one stream per good drive, and deep heal verifies through one stream per part", async () => {
  const t = await open();
  try {
    const md5 = await put(t, "obj", 5 * MIB + 9, 7);
    const { data0 } = await positionsOf(t, "obj");
    const fi = await t.drives[data0].inner.readVersion("bkt", "obj", "", { readData: false });
    await t.drives[data0].inner.delete("bkt", `obj/${fi.dataDir}`, { recursive: true });
    resetCounts(t.drives);
    const res = await t.store.healObject("bkt", "obj", {});
    expect(res.healedDrives).toEqual([data0]);
    expect(count(t.drives, "readFileStream").reduce((a, b) => a + b)).toBe(2);
    expect(count(t.drives, "readFile")).toEqual([0, 0, 0, 0]);
    expect(await damagedPositions(t.store, "bkt", "obj")).toEqual([]);

    resetCounts(t.drives);
    expect((await t.store.healObject("bkt", "obj", { deep: true })).healedDrives).toEqual([]);
    expect(count(t.drives, "readFileStream")).toEqual([1, 1, 1, 1]);
    expect(count(t.drives, "readFile")).toEqual([0, 0, 0, 0]);
    expect(t.drives.map((d) => d.openStreams)).toEqual([0, 0, 0, 0]);
    expect(md5hex(await readAllBody((await t.store.getObject("bkt", "obj")).body))).toBe(md5);
  } finally {
    await t.close();
  }
}, 30_000);
