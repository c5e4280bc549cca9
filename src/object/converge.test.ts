// Convergence after downtime: drives go away (one of four, or three of "node B"'s four in an
// 8-drive set over WireDrive), new keys, new versions, deletes, delete markers, version deletes
// and a bucket delete happen meanwhile, then the drives come back. While they are back but not
// yet healed, listings and GETs agree with what was acknowledged (nothing deleted comes back,
// no key is listed that GET cannot read); after the owed heals ran, every drive's xl.meta
// matches the rest and the returned drives alone can serve the data.
import { describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { XlMeta } from "../disk/index.ts";
import { useCodec } from "../../test/support/use-codec.ts";
import { bodyOf, md5hex, openTestStore, randomBytes, readAllBody, type TestStore, type TestStoreOptions } from "../../test/support/object-harness.ts";
import { encodeDirObject } from "./object-info.ts";
import { isObjectError } from "./object-error.ts";

const { codec, temp } = useCodec();
const VERSIONING_ON = new TextEncoder().encode("<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>");

/** Every key the scenario ever touched. */
const KEYS = { plain: ["gone", "keep", "new-small", "new-big"], ver: ["doc", "marked", "vdel"] } as const;

/** What a drive's own xl.meta says of a key (id, type, mod time per version); null when it has none. */
async function onDrive(t: TestStore, i: number, bucket: string, key: string): Promise<string[] | null> {
  try {
    const meta = XlMeta.parse(await t.drives[i].inner.readMetadata(bucket, encodeDirObject(key)));
    return meta.versions.map((h) => `${h.versionId}/${h.type}/${h.modTimeNs}`);
  } catch {
    return null;
  }
}

/** A listing as one comparable list of "key@version" (markers flagged). */
async function versionsListed(t: TestStore, bucket: string): Promise<string[]> {
  const page = await t.store.listObjectVersions(bucket, { maxKeys: 1000 });
  return page.versions.map((v) => `${v.key}@${v.versionId}${v.deleteMarker ? " marker" : ""}`);
}

async function keysListed(t: TestStore, bucket: string): Promise<string[]> {
  return (await t.store.listObjects(bucket, { maxKeys: 1000 })).objects.map((o) => o.key);
}

async function md5Of(t: TestStore, bucket: string, key: string, versionId?: string): Promise<string> {
  const got = await t.store.getObject(bucket, key, { versionId });
  return md5hex(await readAllBody(got.body));
}

async function put(t: TestStore, bucket: string, key: string, size: number, seed: number, acked: Map<string, string>): Promise<string> {
  const data = randomBytes(size, seed);
  const info = await t.store.putObject(bucket, key, bodyOf(data), { size, userMeta: {} });
  acked.set(`${bucket}/${key}@${info.versionId}`, md5hex(data));
  return info.versionId;
}

/** What the store acknowledged: md5 per live "bucket/key@version", and the views while drives were down. */
interface Expected {
  acked: Map<string, string>;
  listed: Record<string, string[]>;
  keys: Record<string, string[]>;
}

async function snapshot(t: TestStore, acked: Map<string, string>): Promise<Expected> {
  const listed: Record<string, string[]> = {};
  const keys: Record<string, string[]> = {};
  for (const b of ["plain", "ver"]) {
    listed[b] = await versionsListed(t, b);
    keys[b] = await keysListed(t, b);
  }
  return { acked, listed, keys };
}

/** Writes while every drive is up, then (with `down` offline) the changes the returning drives will miss. */
async function scenario(t: TestStore, down: number[]): Promise<Expected> {
  const s = t.store;
  const acked = new Map<string, string>();
  await s.makeBucket("plain");
  await s.makeBucket("ver");
  await s.makeBucket("doomed");
  await s.setBucketConfig("ver", "versioning", VERSIONING_ON);
  await put(t, "plain", "gone", 300_000, 1, acked);
  await put(t, "plain", "keep", 40, 2, acked);
  await put(t, "ver", "doc", 50, 3, acked);
  await put(t, "ver", "doc", 60, 4, acked);
  await put(t, "ver", "marked", 70, 5, acked);
  await put(t, "ver", "vdel", 80, 6, acked);
  const vdelLatest = await put(t, "ver", "vdel", 400_000, 7, acked);

  for (const i of down) t.drives[i].faults.offline = true;
  await put(t, "plain", "new-small", 10, 8, acked);
  await put(t, "plain", "new-big", 1_500_000, 9, acked);
  acked.delete("plain/keep@null");
  await put(t, "plain", "keep", 41, 10, acked);
  await put(t, "ver", "doc", 2_000_000, 11, acked);
  await s.deleteObject("plain", "gone");
  acked.delete("plain/gone@null");
  expect((await s.deleteObject("ver", "marked")).deleteMarker).toBe(true);
  await s.deleteObject("ver", "vdel", { versionId: vdelLatest });
  acked.delete(`ver/vdel@${vdelLatest}`);
  await s.deleteBucket("doomed");
  return snapshot(t, acked);
}

/** Listings equal what was acknowledged; every listed key and version reads back whole; deleted ones do not. */
async function expectServes(t: TestStore, want: Expected): Promise<void> {
  for (const b of ["plain", "ver"]) {
    expect(await versionsListed(t, b)).toEqual(want.listed[b]);
    expect(await keysListed(t, b)).toEqual(want.keys[b]);
    for (const key of want.keys[b]) expect(want.acked.get(`${b}/${key}@${(await t.store.getObjectInfo(b, key)).versionId}`)).toBe(await md5Of(t, b, key));
  }
  for (const [id, md5] of want.acked) {
    const [bk, versionId] = id.split("@");
    const [bucket, key] = [bk.slice(0, bk.indexOf("/")), bk.slice(bk.indexOf("/") + 1)];
    expect(await md5Of(t, bucket, key, versionId === "null" ? undefined : versionId)).toBe(md5);
  }
  expect(want.keys.plain).toEqual(["keep", "new-big", "new-small"]);
  expect(want.keys.ver).toEqual(["doc", "vdel"]);
  for (const key of ["gone"]) expect(await t.store.getObject("plain", key).catch((e) => e)).toSatisfy((e) => isObjectError(e, "NoSuchKey"));
  expect(await t.store.getObject("ver", "marked").catch((e) => e)).toSatisfy((e) => isObjectError(e, "NoSuchKey"));
  expect((await t.store.listBuckets()).map((b) => b.name)).toEqual(["plain", "ver"]);
}

/** After healing: every drive holds exactly what the others hold, and the deleted things nowhere. */
async function expectConverged(t: TestStore, returned: number[]): Promise<void> {
  const steady = t.drives.findIndex((_, i) => !returned.includes(i));
  for (const [bucket, keys] of Object.entries(KEYS)) {
    for (const key of keys) {
      const want = await onDrive(t, steady, bucket, key);
      for (let i = 0; i < t.drives.length; i++) expect({ i, key, has: await onDrive(t, i, bucket, key) }).toEqual({ i, key, has: want });
    }
  }
  expect(await onDrive(t, steady, "plain", "gone")).toBeNull();
  for (const root of t.roots) expect(existsSync(join(root, "doomed"))).toBe(false);
}

/** With as many always-up drives offline as parity allows, the returned drives must carry the reads. */
async function expectReadableThrough(t: TestStore, returned: number[], parity: number, want: Expected): Promise<void> {
  const others = t.drives.map((_, i) => i).filter((i) => !returned.includes(i));
  const off = others.slice(0, parity);
  for (const i of off) t.drives[i].faults.offline = true;
  try {
    for (const [id, md5] of want.acked) {
      const [bk, versionId] = id.split("@");
      const cut = bk.indexOf("/");
      expect(await md5Of(t, bk.slice(0, cut), bk.slice(cut + 1), versionId === "null" ? undefined : versionId)).toBe(md5);
    }
  } finally {
    for (const i of off) t.drives[i].faults.offline = false;
  }
}

const cases: { name: string; opts: TestStoreOptions; down: number[]; parity: number }[] = [
  { name: "4 drives, one away", opts: { drives: 4 }, down: [2], parity: 2 },
  { name: "8 drives as two nodes of four over WireDrive, three of node B's drives away", opts: { drives: 8, wire: true }, down: [5, 6, 7], parity: 4 },
];

describe("convergence after downtime", () => {
  for (const c of cases) {
    test(`${c.name}: served right before healing, identical on every drive after`, { timeout: 30_000 }, async () => {
      const t = await openTestStore(temp, codec, { ...c.opts, mrf: { retryMs: 3_600_000 } });
      try {
        const want = await scenario(t, c.down);
        for (const i of c.down) t.drives[i].faults.offline = false;
        // Back but not healed: the stale drives must not bring anything back.
        await expectServes(t, want);
        await t.store.retryHeals();
        expect(t.store.heals.size).toBe(0);
        await expectConverged(t, c.down);
        await expectServes(t, want);
        await expectReadableThrough(t, c.down, c.parity, want);
      } finally {
        await t.close();
      }
    });
  }

  for (const took of [1, 2]) {
    test(`a delete marker that reached only ${took} of 4 drives (the DELETE failed) leaves no ghost, before or after healing`, async () => {
      const t = await openTestStore(temp, codec, { drives: 4, mrf: { retryMs: 3_600_000 } });
      try {
        await t.store.makeBucket("ver");
        await t.store.setBucketConfig("ver", "versioning", VERSIONING_ON);
        const v = await t.store.putObject("ver", "k", bodyOf("data"), { size: 4, userMeta: {} });
        for (let i = took; i < 4; i++) t.drives[i].faults.failOn = (m) => m === "deleteVersion";
        expect(await t.store.deleteObject("ver", "k").catch((e) => e)).toSatisfy((e) => isObjectError(e, "WriteQuorum"));
        for (const d of t.drives) d.faults.failOn = undefined;
        /** Listed exactly when GET serves it, and the version stays readable by id. */
        const agree = async () => {
          const listed = (await keysListed(t, "ver")).includes("k");
          const got = await t.store.getObject("ver", "k").then(
            async (r) => (await readAllBody(r.body)).length === 4,
            (e) => (isObjectError(e, "NoSuchKey") ? false : Promise.reject(e)),
          );
          expect(listed).toBe(got);
          expect(await md5Of(t, "ver", "k", v.versionId)).toBe(md5hex(new TextEncoder().encode("data")));
          return listed;
        };
        const before = await agree();
        await t.store.retryHeals();
        expect(await agree()).toBe(before);
        const want = await onDrive(t, 0, "ver", "k");
        for (let i = 1; i < 4; i++) expect(await onDrive(t, i, "ver", "k")).toEqual(want);
      } finally {
        await t.close();
      }
    });
  }

  test("a restart while the drives are still away keeps what they are owed", async () => {
    const t = await openTestStore(temp, codec, { drives: 4, mrf: { retryMs: 3_600_000 } });
    try {
      const want = await scenario(t, [1]);
      await t.reopen(); // drive 2 is still away: this run opens without it
      await t.store.heals.drain(); // the reloaded entries are tried at once, and stay owed
      expect(t.store.heals.size).toBeGreaterThan(0);
      await expectServes(t, want);
      t.drives[1].faults.offline = false;
      await t.reopen(); // back: the list read from the drives is all that says what it missed
      await t.store.retryHeals();
      await expectConverged(t, [1]);
      await expectReadableThrough(t, [1], 2, want);
    } finally {
      await t.close();
    }
  });
});
