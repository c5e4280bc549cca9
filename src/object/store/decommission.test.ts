// Pool decommission on real drives: every version (objects, delete markers, multipart objects,
// bucket configuration) moves out of the drained pool with its id, mod time and ETag; the pool
// takes no new objects; the state survives a restart.
import { afterEach, expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { useCodec } from "../../../test/support/use-codec.ts";
import { bodyOf, md5hex, randomBytes, readAllBody } from "../../../test/support/object-harness.ts";
import { openPools, type PoolsStore } from "../../../test/support/pool-harness.ts";
import type { ObjectInfo } from "../object-layer.ts";

const { codec, temp } = useCodec();
let t: PoolsStore;
afterEach(async () => {
  await t?.close();
});

const VERSIONED = new TextEncoder().encode("<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>");

async function put(key: string, data: Uint8Array, bucket = "bkt") {
  return t.store.putObject(bucket, key, bodyOf(data), { size: data.length, userMeta: { "x-amz-meta-n": String(data.length) } });
}

const view = (v: ObjectInfo) => [v.key, v.versionId, v.modTimeNs, v.etag, v.deleteMarker, v.size, v.userMeta["x-amz-meta-n"] ?? ""];

test("decommissioning a pool moves every version out, keeps them intact, and closes the pool", async () => {
  t = await openPools(temp, codec, [4, 6]);
  t.free = [1e12, 0]; // everything starts in pool 1
  await t.store.makeBucket("bkt");
  await t.store.makeBucket("plain");
  await t.store.setBucketConfig("bkt", "versioning", VERSIONED);
  const data = new Map<string, Uint8Array>();
  for (let i = 0; i < 12; i++) {
    const bytes = randomBytes(i === 3 ? 300_000 : 100 + i, i + 1);
    data.set(`k${i % 4}/${i}`, bytes);
    await put(`k${i % 4}/${i}`, bytes);
  }
  const old = randomBytes(5000, 77);
  await put("k0/0", old); // a second version
  await t.store.deleteObject("bkt", "k1/1"); // a delete marker on top of a version
  await t.store.deleteObject("bkt", "never"); // a lone delete marker
  await put("p", randomBytes(10, 5), "plain");
  const id = await t.store.newMultipartUpload("bkt", "mp", { userMeta: {} });
  const part = randomBytes(3000, 8);
  const pi = await t.store.putObjectPart("bkt", "mp", id, 1, bodyOf(part), { size: part.length });
  const mp = await t.store.completeMultipartUpload("bkt", "mp", id, [{ partNumber: 1, etag: pi.etag }]);
  const before = (await t.store.listObjectVersions("bkt", { maxKeys: 1000 })).versions.map(view);
  expect(before.length).toBe(16);

  t.free = [1e12, 1e12];
  const done = await t.store.decommissionPool(0);
  // 16 versions, plain/p and the two buckets' .metadata.bin
  expect([done.status, done.objectsMoved, done.objectsFailed]).toEqual(["complete", 19, 0]);
  // Nothing of the buckets is left on pool 1's drives; everything is read back as it was.
  for (const r of t.roots[0]) for (const b of ["bkt", "plain"]) expect(readdirSync(`${r}/${b}`)).toEqual([]);
  expect((await t.store.listObjectVersions("bkt", { maxKeys: 1000 })).versions.map(view)).toEqual(before);
  for (const [key, bytes] of data) {
    if (key === "k0/0" || key === "k1/1") continue;
    expect(md5hex(await readAllBody((await t.store.getObject("bkt", key)).body))).toBe(md5hex(bytes));
  }
  expect(md5hex(await readAllBody((await t.store.getObject("bkt", "k0/0")).body))).toBe(md5hex(old));
  expect((await t.store.getObjectInfo("bkt", "mp")).etag).toBe(mp.etag);
  expect(await t.store.bucketVersioning("bkt")).toBe("Enabled");
  // The drained pool takes nothing new, even with all the space in the world.
  t.free = [1e15, 1e9];
  await put("after", randomBytes(10, 1));
  expect(t.holds(1, "bkt", "after")).toBe(true);

  // A restart remembers it.
  await t.reopen();
  const status = await t.store.decommissionStatus();
  expect(status.map((s) => [s.index, s.status])).toEqual([
    [0, "complete"],
    [1, "active"],
  ]);
  expect(status[0].decommission?.objectsMoved).toBe(done.objectsMoved);
  await put("after2", randomBytes(10, 2));
  expect(t.holds(0, "bkt", "after2")).toBe(false);
  expect((await t.store.listObjects("plain", { maxKeys: 10 })).objects.map((o) => o.key)).toEqual(["p"]);
});

test("decommission refuses the last open pool and a pool that does not exist; cancel leaves the pool closed", async () => {
  t = await openPools(temp, codec, [4, 4]);
  await t.store.makeBucket("bkt");
  expect(t.store.decommissionPool(5)).rejects.toThrow("no pool 6");
  const abort = new AbortController();
  abort.abort();
  t.free = [1e12, 0];
  for (let i = 0; i < 3; i++) await put(`x${i}`, randomBytes(10, i + 1));
  const canceled = await t.store.decommissionPool(0, { signal: abort.signal });
  expect(canceled.status).toBe("canceled");
  expect(t.store.decommissionPool(1)).rejects.toThrow("no other pool takes new objects");
  expect((await t.store.decommissionStatus()).map((s) => s.status)).toEqual(["canceled", "active"]);
  t.free = [1e12, 1e12];
  await put("y", randomBytes(10, 9));
  expect(t.holds(1, "bkt", "y")).toBe(true);
  // Starting again finishes the job.
  expect((await t.store.decommissionPool(0)).status).toBe("complete");
  expect((await t.store.listObjects("bkt", { maxKeys: 10 })).objects.map((o) => o.key)).toEqual(["x0", "x1", "x2", "y"]);
});

test("an overwrite made while the pool is closed is not replaced by the drained older copy", async () => {
  t = await openPools(temp, codec, [4, 4]);
  await t.store.makeBucket("bkt"); // unversioned: both copies are the "null" version
  t.free = [1e12, 0];
  const old = randomBytes(100, 1);
  await put("k", old);
  const abort = new AbortController();
  abort.abort();
  expect((await t.store.decommissionPool(0, { signal: abort.signal })).status).toBe("canceled");
  t.free = [1e12, 1e12];
  const fresh = randomBytes(120, 2);
  await put("k", fresh); // pool 1 is closed: the acknowledged overwrite lands in pool 2
  expect(t.holds(1, "bkt", "k")).toBe(true);
  const done = await t.store.decommissionPool(0);
  expect(done.status).toBe("complete");
  expect(t.holds(0, "bkt", "k")).toBe(false);
  expect(await readAllBody((await t.store.getObject("bkt", "k")).body)).toEqual(fresh);
  const versions = await t.store.listObjectVersions("bkt", { maxKeys: 10 });
  expect(versions.versions.map((v) => v.size)).toEqual([120]);
});
