// The background heal scanner over a real store: a part file one byte short is found by the
// normal (size) check and rewritten, a flipped byte only by the deep (bitrot) check of every Nth
// cycle, the rate limit paces objects, and cycles repeat in the background until close.
import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync, readdirSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { useCodec } from "../../test/support/use-codec.ts";
import { bodyOf, md5hex, openTestStore, randomBytes, readAllBody, type TestStore } from "../../test/support/object-harness.ts";
import { HealScanner, type ScannerOptions } from "./store/scanner.ts";

const { codec, temp } = useCodec();

/** The one part.1 of `key` on drive `i` (the object is big enough not to be inline). */
function partFile(t: TestStore, i: number, bucket: string, key: string): string {
  const dir = join(t.roots[i], bucket, key);
  const dataDirs = readdirSync(dir).filter((n) => n !== "xl.meta");
  expect(dataDirs).toHaveLength(1);
  const p = join(dir, dataDirs[0], "part.1");
  expect(existsSync(p)).toBe(true);
  return p;
}

async function withObjects(run: (t: TestStore, data: Uint8Array) => Promise<void>): Promise<void> {
  const t = await openTestStore(temp, codec, { drives: 4, mrf: { persist: false } });
  try {
    await t.store.makeBucket("bkt");
    const data = randomBytes(1_500_000, 7);
    await t.store.putObject("bkt", "big", bodyOf(data), { size: data.length, userMeta: {} });
    for (let i = 0; i < 3; i++) await t.store.putObject("bkt", `small-${i}`, bodyOf(`s${i}`), { size: 2, userMeta: {} });
    await run(t, data);
  } finally {
    await t.close();
  }
}

const quiet: ScannerOptions = { log: () => {} };

describe("heal scanner", () => {
  test("a part file truncated by one byte fails the normal check and is rewritten from the other shards", async () => {
    await withObjects(async (t, data) => {
      const file = partFile(t, 2, "bkt", "big");
      const original = readFileSync(file);
      truncateSync(file, original.length - 1);
      const scanner = new HealScanner((o) => t.store.healAll(o), { ...quiet, deepEvery: 0 });
      const cycle = await scanner.runCycle();
      expect(cycle.deep).toBe(false);
      expect(cycle.failed).toEqual([]);
      expect(cycle.healed).toBe(1);
      expect(scanner.stats.objectsHealed).toBe(1);
      // Rewritten byte for byte (same data dir, same shard), and the object reads back whole.
      expect(Buffer.compare(readFileSync(partFile(t, 2, "bkt", "big")), original)).toBe(0);
      const got = await t.store.getObject("bkt", "big");
      expect(md5hex(await readAllBody(got.body))).toBe(md5hex(data));
      // Healthy now: the next cycle rewrites nothing.
      expect((await scanner.runCycle()).healed).toBe(0);
      await scanner.close();
    });
  });

  test("a scanner walks only the sets it is given (a cluster's other servers scan the rest)", async () => {
    await withObjects(async (t, data) => {
      const file = partFile(t, 2, "bkt", "big");
      const original = readFileSync(file);
      truncateSync(file, original.length - 1);
      let mine = false;
      const asked: string[] = [];
      const only = (pool: number, set: number) => (asked.push(`${pool}/${set}`), mine);
      const scanner = new HealScanner((o) => t.store.healAll(o), { ...quiet, only });
      const skipped = await scanner.runCycle();
      expect([skipped.objects, skipped.healed]).toEqual([0, 0]);
      expect(asked).toEqual(["0/0"]);
      expect(readFileSync(file).length).toBe(original.length - 1); // not this server's set: left alone
      mine = true; // the set's scanning server went away; this one takes over
      const took = await scanner.runCycle();
      expect([took.objects > 0, took.healed]).toEqual([true, 1]);
      expect(Buffer.compare(readFileSync(partFile(t, 2, "bkt", "big")), original)).toBe(0);
      expect(md5hex(await readAllBody((await t.store.getObject("bkt", "big")).body))).toBe(md5hex(data));
      await scanner.close();
    });
  });

  test("a flipped byte passes the size check and is caught by the deep check of every Nth cycle", async () => {
    await withObjects(async (t) => {
      const file = partFile(t, 1, "bkt", "big");
      const bytes = readFileSync(file);
      const original = Buffer.from(bytes);
      bytes[bytes.length >> 1] ^= 0x5a;
      writeFileSync(file, bytes);
      const scanner = new HealScanner((o) => t.store.healAll(o), { ...quiet, deepEvery: 2 });
      const first = await scanner.runCycle();
      expect([first.deep, first.healed]).toEqual([false, 0]);
      const second = await scanner.runCycle();
      expect([second.deep, second.healed]).toEqual([true, 1]);
      expect(Buffer.compare(readFileSync(file), original)).toBe(0);
      expect(scanner.stats).toMatchObject({ cycles: 2, objectsHealed: 1, objectsFailed: 0 });
      await scanner.close();
    });
  });

  test("the rate limit spaces objects: n objects at r per second wait about (n / r) s in all", async () => {
    await withObjects(async (t) => {
      const waits: number[] = [];
      const scanner = new HealScanner((o) => t.store.healAll(o), {
        ...quiet,
        objectsPerSecond: 2,
        sleep: async (ms) => void waits.push(ms),
      });
      const cycle = await scanner.runCycle();
      // Every object visited (4 user objects plus the bucket's configuration under .minio.sys).
      expect(cycle.objects).toBeGreaterThanOrEqual(4);
      expect(waits).toHaveLength(cycle.objects);
      // The recorded sleeps do not wait, so the k-th asks for what is left of k / r seconds.
      waits.forEach((ms, k) => expect(ms).toBeLessThanOrEqual((k + 1) * 500));
      expect(waits.at(-1)!).toBeGreaterThanOrEqual(cycle.objects * 500 - cycle.elapsedMs);
      expect(scanner.stats.objectsScanned).toBe(cycle.objects);
      expect(scanner.stats.lastActivityMs).toBeGreaterThan(0);
      await scanner.close();
    });
  });

  test("cycles repeat in the background until close, with one log line each", async () => {
    await withObjects(async (t) => {
      const lines: string[] = [];
      const scanner = new HealScanner((o) => t.store.healAll(o), { log: (l) => lines.push(l), cycleIntervalMs: 0 });
      const next = scanner.nextCycle();
      scanner.start();
      expect((await next).cycle).toBe(1);
      expect((await scanner.nextCycle()).cycle).toBe(2);
      await scanner.close();
      const after = scanner.stats.cycles;
      expect(after).toBeGreaterThanOrEqual(2);
      expect(scanner.stats.running).toBe(false);
      await Bun.sleep(20);
      expect(scanner.stats.cycles).toBe(after);
      expect(lines.length).toBe(after);
      await expect(scanner.nextCycle()).rejects.toThrow("closed");
      expect(lines[0]).toMatch(/^heal scanner: cycle 1: \d+ objects visited, 0 healed, 0 failed in /);
    });
  });

  test("ObjectStore.startScanner runs it in the background, healStats shows it, and close stops it", async () => {
    await withObjects(async (t) => {
      expect(t.store.healStats().scanner).toBeNull();
      const file = partFile(t, 0, "bkt", "big");
      truncateSync(file, 100);
      const scanner = t.store.startScanner({ ...quiet, cycleIntervalMs: 60_000 });
      expect(t.store.startScanner()).toBe(scanner);
      const first = await scanner.nextCycle();
      expect(first.healed).toBe(1);
      expect(t.store.healStats().scanner).toMatchObject({ cycles: 1, objectsHealed: 1, objectsFailed: 0 });
      expect(t.store.healStats().scanner!.objectsScanned).toBe(first.objects);
      // The storage view the admin metrics export folds the scanner's counts in.
      const heals = (await t.store.storageInfo()).heals;
      expect(heals.started).toBe(t.store.heals.started + first.objects);
      expect(heals.healed).toBe(t.store.heals.started - t.store.heals.failed + 1);
      expect(heals.lastActivityMs).toBeGreaterThan(0);
      // close() (in withObjects) ends the loop while it waits out the interval, without hanging.
    });
  });

  test("bad options are refused cleanly", () => {
    const heal = async () => ({ buckets: [], objects: 0, healed: 0, failed: [] });
    expect(() => new HealScanner(heal, { objectsPerSecond: -1 })).toThrow(RangeError);
    expect(() => new HealScanner(heal, { deepEvery: Number.NaN })).toThrow(RangeError);
  });
});
