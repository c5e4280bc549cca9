// Pool decommission on real drives: every version (objects, delete markers, multipart objects,
// bucket configuration) moves out of the drained pool with its id, mod time and ETag; the pool
// takes no new objects; the state survives a restart.
import { afterEach, expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { useCodec } from "../../../test/support/use-codec.ts";
import { bodyOf, md5hex, randomBytes, readAllBody } from "../../../test/support/object-harness.ts";
import { openPools, type PoolsStore } from "../../../test/support/pool-harness.ts";
import type { ObjectInfo } from "../object-layer.ts";
import type { VersioningState } from "../set/put.ts";

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

test("an object that lands in the pool behind the drain's first pass is moved by a later pass", async () => {
  t = await openPools(temp, codec, [4, 4]);
  await t.store.makeBucket("a-first");
  await t.store.makeBucket("b-second");
  t.free = [1e12, 0];
  await put("early", randomBytes(100, 1), "a-first");
  await put("other", randomBytes(100, 2), "b-second");
  t.free = [1e12, 1e12];
  // A server that has not heard of the drain yet writes into pool 1 after "a-first" was walked
  // (the drain asks for "b-second"'s versioning only once it is done with "a-first").
  const late = randomBytes(300, 3);
  const store = t.store as unknown as { versioning(bucket: string): Promise<VersioningState> };
  const versioning = store.versioning.bind(t.store);
  let wrote = false;
  store.versioning = async (bucket: string) => {
    if (bucket === "b-second" && !wrote) {
      wrote = true;
      await t.store.pools[0].setOf("late").put("a-first", "late", bodyOf(late), { size: late.length, userMeta: {} }, "unversioned");
    }
    return versioning(bucket);
  };
  const done = await t.store.decommissionPool(0);
  expect(wrote).toBe(true);
  expect([done.status, done.objectsFailed]).toEqual(["complete", 0]);
  expect(t.holds(0, "a-first", "late")).toBe(false);
  expect(t.holds(1, "a-first", "late")).toBe(true);
  expect(await readAllBody((await t.store.getObject("a-first", "late")).body)).toEqual(late);
});

test("a server that did not run the drain sees the pool closed once it reloads the pool state", async () => {
  t = await openPools(temp, codec, [4, 4]);
  await t.store.makeBucket("bkt");
  t.free = [1e12, 1e12];
  t.random = 0; // a new object goes to pool 1 while it is open
  await put("before", randomBytes(10, 1));
  expect(t.holds(0, "bkt", "before")).toBe(true);
  // The same drives opened by a second store: another server of the deployment, whose state
  // document was read before the drain began.
  const other = await t.openPeer();
  try {
    expect((await other.decommissionStatus()).map((s) => s.status)).toEqual(["active", "active"]);
    await t.store.beginDecommission(0);
    while (t.store.isDecommissionRunning(0)) await Bun.sleep(10);
    other.reloadPoolState();
    expect((await other.decommissionStatus()).map((s) => s.status)).toEqual(["complete", "active"]);
    await other.putObject("bkt", "after", bodyOf(randomBytes(10, 2)), { size: 10, userMeta: {} });
    expect(t.holds(0, "bkt", "after")).toBe(false);
    expect(t.holds(1, "bkt", "after")).toBe(true);
  } finally {
    await other.close();
  }
});

test("multipart versions move part for part: part reads, stored sizes and a transformed version's stored bytes are kept", async () => {
  t = await openPools(temp, codec, [4, 6]);
  t.free = [1e12, 0];
  await t.store.makeBucket("bkt");
  const MIN = 5 * 1024 * 1024;
  const plainParts = [randomBytes(MIN, 1), randomBytes(1234, 2)];
  const id = await t.store.newMultipartUpload("bkt", "mp", { userMeta: {} });
  const etags = [];
  for (const [i, p] of plainParts.entries()) etags.push((await t.store.putObjectPart("bkt", "mp", id, i + 1, bodyOf(p), { size: p.length })).etag);
  await t.store.completeMultipartUpload(
    "bkt",
    "mp",
    id,
    etags.map((etag, i) => ({ partNumber: i + 1, etag })),
  );
  // A transformed multipart version (stored bytes differ from the object's, as encrypted parts do).
  const sse = { "X-Minio-Internal-Server-Side-Encryption-Seal-Algorithm": new TextEncoder().encode("DAREv2-HMAC-SHA256") };
  const tid = await t.store.newMultipartUpload("bkt", "enc", { userMeta: {}, sysMeta: sse });
  const stored = [randomBytes(MIN + 32, 3), randomBytes(2000, 4)];
  const tetags = [];
  for (const [i, p] of stored.entries()) {
    tetags.push((await t.store.putObjectPart("bkt", "enc", tid, i + 1, bodyOf(p), { size: p.length, actualSize: p.length - 32 })).etag);
  }
  await t.store.completeMultipartUpload(
    "bkt",
    "enc",
    tid,
    tetags.map((etag, i) => ({ partNumber: i + 1, etag })),
  );
  const raw = (info: ObjectInfo) => ({ info, range: { start: 0, end: info.storedSize - 1 } });
  const before = await t.store.getObjectInfo("bkt", "enc", { stored: (info) => ({ info, range: null }) });

  t.free = [1e12, 1e12];
  const done = await t.store.decommissionPool(0);
  expect([done.status, done.objectsFailed]).toEqual(["complete", 0]);
  expect(t.holds(1, "bkt", "mp") && t.holds(1, "bkt", "enc")).toBe(true);
  const p2 = await t.store.getObject("bkt", "mp", { partNumber: 2 });
  expect(p2.partsCount).toBe(2);
  expect(md5hex(await readAllBody(p2.body))).toBe(md5hex(plainParts[1]));
  const after = await t.store.getObject("bkt", "enc", { stored: raw });
  expect(after.info.parts).toEqual(before.parts);
  expect([after.info.size, after.info.storedSize, after.info.etag, after.info.versionId]).toEqual([
    before.size,
    before.storedSize,
    before.etag,
    before.versionId,
  ]);
  expect(md5hex(await readAllBody(after.body))).toBe(md5hex(new Uint8Array([...stored[0], ...stored[1]])));
}, 120_000);
