// A listing of a large namespace reads only what its page needs: 20,000 objects (100 directories
// of 200), and the first page of 10 — flat, by "/" delimiter, or from a marker deep inside —
// comes back after the drives handed out a few dozen entries, not 20,000. Counted, not timed.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { useCodec } from "../../test/support/use-codec.ts";
import { bodyOf, openTestStore, type TestStore } from "../../test/support/object-harness.ts";
import type { FaultyDrive } from "../../test/support/faulty-drive.ts";

const DIRS = 100;
const PER_DIR = 200;
const { codec, temp } = useCodec();
let t: TestStore;

const dirName = (i: number) => `dir${String(i).padStart(3, "0")}`;
const objName = (j: number) => `obj${String(j).padStart(4, "0")}`;

beforeAll(async () => {
  const parent = temp.makeInMemory("bunker-scale-");
  t = await openTestStore(temp, codec, { drives: 4, roots: [1, 2, 3, 4].map((i) => `${parent}/d${i}`) });
  await t.store.makeBucket("big");
  await t.store.putObject("big", "template", bodyOf("x"), { size: 1, userMeta: {} });
  // Each drive's xl.meta of one small inline object, copied under 20,000 names: real objects,
  // laid down without 20,000 PUTs (xl.meta does not name its object).
  for (const [pos, root] of t.roots.entries()) {
    const meta = await (t.drives[pos] as FaultyDrive).inner.readMetadata("big", "template");
    for (let i = 0; i < DIRS; i++) {
      mkdirSync(`${root}/big/${dirName(i)}`);
      for (let j = 0; j < PER_DIR; j++) {
        const dir = `${root}/big/${dirName(i)}/${objName(j)}`;
        mkdirSync(dir);
        writeFileSync(`${dir}/xl.meta`, meta);
      }
    }
  }
  await t.store.deleteObject("big", "template");
}, 120_000);
afterAll(async () => {
  await t.close();
});

/** Entries all drives handed out while `fn` ran. */
async function walkedDuring(fn: () => Promise<void>): Promise<number> {
  for (const d of t.drives) d.walked = 0;
  await fn();
  return t.drives.reduce((n, d) => n + d.walked, 0);
}

describe("a large namespace is listed lazily", () => {
  test("the namespace is complete (spot checks)", async () => {
    const last = await t.store.listObjects("big", { prefix: `${dirName(DIRS - 1)}/`, maxKeys: 1000 });
    expect(last.objects.length).toBe(PER_DIR);
    expect((await t.store.getObjectInfo("big", `${dirName(42)}/${objName(7)}`)).size).toBe(1);
  });

  test("first page of 10, flat: a few dozen entries read", async () => {
    let keys: string[] = [];
    const walked = await walkedDuring(async () => {
      const page = await t.store.listObjects("big", { maxKeys: 10 });
      keys = page.objects.map((o) => o.key);
      expect(page.isTruncated).toBe(true);
    });
    expect(keys).toEqual(Array.from({ length: 10 }, (_, j) => `${dirName(0)}/${objName(j)}`));
    expect(walked).toBeLessThan(100);
  });

  test("first page of 10 prefixes by delimiter: each prefix costs one look below it", async () => {
    let prefixes: string[] = [];
    const walked = await walkedDuring(async () => {
      prefixes = (await t.store.listObjects("big", { delimiter: "/", maxKeys: 10 })).prefixes;
    });
    expect(prefixes).toEqual(Array.from({ length: 10 }, (_, i) => `${dirName(i)}/`));
    expect(walked).toBeLessThan(200);
  });

  test("a page from a marker deep inside, and a page of versions: still a few dozen", async () => {
    const marker = `${dirName(77)}/${objName(150)}`;
    let keys: string[] = [];
    const walked = await walkedDuring(async () => {
      keys = (await t.store.listObjects("big", { after: marker, maxKeys: 10 })).objects.map((o) => o.key);
    });
    expect(keys).toEqual(Array.from({ length: 10 }, (_, j) => `${dirName(77)}/${objName(151 + j)}`));
    expect(walked).toBeLessThan(100);
    const versionsWalked = await walkedDuring(async () => {
      const page = await t.store.listObjectVersions("big", { keyMarker: marker, maxKeys: 10 });
      expect(page.versions.length).toBe(10);
    });
    expect(versionsWalked).toBeLessThan(100);
  });

  test("a page across the end of a directory continues into the next one", async () => {
    const page = await t.store.listObjects("big", { after: `${dirName(3)}/${objName(PER_DIR - 3)}`, maxKeys: 5 });
    expect(page.objects.map((o) => o.key)).toEqual([
      `${dirName(3)}/${objName(PER_DIR - 2)}`,
      `${dirName(3)}/${objName(PER_DIR - 1)}`,
      `${dirName(4)}/${objName(0)}`,
      `${dirName(4)}/${objName(1)}`,
      `${dirName(4)}/${objName(2)}`,
    ]);
  });
});
