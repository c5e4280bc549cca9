// The ObjectLayer over two pools of different shapes (4 and 6 drives): new objects placed by
// free space, existing keys written where they live, reads, deletes, versions, multipart,
// listings, buckets and copies across pools, and a pool added on restart.
import { afterEach, expect, test } from "bun:test";
import { ObjectError } from "../object-error.ts";
import { useCodec } from "../../../test/support/use-codec.ts";
import { bodyOf, md5hex, randomBytes, readAllBody } from "../../../test/support/object-harness.ts";
import { openPools, type PoolsStore } from "../../../test/support/pool-harness.ts";
import { MIN_PART_SIZE } from "../set/complete.ts";

const { codec, temp } = useCodec();
let t: PoolsStore;
afterEach(async () => {
  await t?.close();
});

const VERSIONED = new TextEncoder().encode("<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>");

async function put(key: string, data: string | Uint8Array, bucket = "bkt") {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  return t.store.putObject(bucket, key, bodyOf(bytes), { size: bytes.length, userMeta: {} });
}

async function text(key: string, versionId?: string, bucket = "bkt"): Promise<string> {
  const r = await t.store.getObject(bucket, key, { versionId });
  return new TextDecoder().decode(await readAllBody(r.body));
}

async function kindOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "ok";
  } catch (err) {
    if (err instanceof ObjectError) return err.kind;
    throw err;
  }
}

test("new objects go to a pool weighted by free space; a pool with no room gets nothing; existing keys stay where they live", async () => {
  t = await openPools(temp, codec, [4, 6]);
  await t.store.makeBucket("bkt");
  t.free = [0, 1e12];
  for (let i = 0; i < 6; i++) await put(`a${i}`, `one ${i}`);
  for (let i = 0; i < 6; i++) expect([t.holds(0, "bkt", `a${i}`), t.holds(1, "bkt", `a${i}`)]).toEqual([false, true]);
  t.free = [1e12, 0];
  await put("b0", "zero");
  expect([t.holds(0, "bkt", "b0"), t.holds(1, "bkt", "b0")]).toEqual([true, false]);
  // Overwrites follow the key, whatever free space says.
  await put("a0", "two");
  expect(t.holds(0, "bkt", "a0")).toBe(false);
  expect(await text("a0")).toBe("two");
  // Weighted pick: pool 2 offers three times pool 1's space, so the top three quarters of [0, 1) go to it.
  t.free = [1e12, 3e12];
  t.random = 0.2;
  await put("w1", "x");
  t.random = 0.3;
  await put("w2", "x");
  expect([t.holds(0, "bkt", "w1"), t.holds(1, "bkt", "w2")]).toEqual([true, true]);
  t.free = [0, 0];
  expect(await kindOf(put("full", "x"))).toBe("StorageFull");
  expect(await text("w1")).toBe("x"); // reads do not care about free space
});

test("reads, versions, delete markers, deletes and listings span both pools", async () => {
  t = await openPools(temp, codec, [4, 6]);
  await t.store.makeBucket("bkt");
  await t.store.setBucketConfig("bkt", "versioning", VERSIONED);
  t.free = [1e12, 0];
  const v1 = await put("dir/k1", "k1 v1");
  t.free = [0, 1e12];
  const v2 = await put("dir/k1", "k1 v2"); // stays in pool 1 with its first version
  await put("dir/k2", "k2");
  await put("top", "top");
  expect([t.holds(0, "bkt", "dir/k1"), t.holds(1, "bkt", "dir/k1"), t.holds(1, "bkt", "dir/k2")]).toEqual([true, false, true]);
  expect(await text("dir/k1")).toBe("k1 v2");
  expect(await text("dir/k1", v1.versionId)).toBe("k1 v1");
  expect((await t.store.getObjectInfo("bkt", "dir/k2")).size).toBe(2);
  // A delete marker for a key no pool has goes where a new object would (pool 2 now).
  const dm = await t.store.deleteObject("bkt", "ghost");
  expect(dm.deleteMarker).toBe(true);
  expect(t.holds(1, "bkt", "ghost")).toBe(true);
  const list = await t.store.listObjects("bkt", { maxKeys: 100 });
  expect(list.objects.map((o) => o.key)).toEqual(["dir/k1", "dir/k2", "top"]);
  const byDir = await t.store.listObjects("bkt", { maxKeys: 100, delimiter: "/" });
  expect([byDir.prefixes, byDir.objects.map((o) => o.key)]).toEqual([["dir/"], ["top"]]);
  const versions = await t.store.listObjectVersions("bkt", { maxKeys: 100 });
  expect(versions.versions.map((v) => [v.key, v.versionId, v.deleteMarker])).toEqual([
    ["dir/k1", v2.versionId, false],
    ["dir/k1", v1.versionId, false],
    ["dir/k2", expect.any(String), false],
    ["ghost", dm.versionId, true],
    ["top", expect.any(String), false],
  ]);
  // Paging across pools: one key per page, in order.
  const keys: string[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await t.store.listObjects("bkt", { maxKeys: 1, after });
    keys.push(...page.objects.map((o) => o.key));
    if (!page.isTruncated) break;
    after = page.nextMarker;
  }
  expect(keys).toEqual(["dir/k1", "dir/k2", "top"]);
  // Deletes go to the pool holding the key or the version.
  await t.store.deleteObject("bkt", "dir/k1", { versionId: v1.versionId });
  expect(await kindOf(t.store.getObject("bkt", "dir/k1", { versionId: v1.versionId }))).toBe("NoSuchVersion");
  await t.store.deleteObject("bkt", "dir/k2");
  expect(await kindOf(t.store.getObject("bkt", "dir/k2"))).toBe("NoSuchKey");
  expect(t.holds(0, "bkt", "dir/k2")).toBe(false);
});

test("multipart: the upload's pool is chosen at create; parts, listing and completion find it", async () => {
  t = await openPools(temp, codec, [4, 6]);
  await t.store.makeBucket("bkt");
  t.free = [0, 1e12];
  const id1 = await t.store.newMultipartUpload("bkt", "big", { userMeta: {} });
  t.free = [1e12, 0];
  const id0 = await t.store.newMultipartUpload("bkt", "other", { userMeta: {} });
  const uploads = await t.store.listMultipartUploads("bkt", { maxUploads: 10 });
  expect(uploads.uploads.map((u) => [u.key, u.uploadId])).toEqual([
    ["big", id1],
    ["other", id0],
  ]);
  const a = randomBytes(MIN_PART_SIZE, 3);
  const b = randomBytes(1000, 4);
  const p1 = await t.store.putObjectPart("bkt", "big", id1, 1, bodyOf(a), { size: a.length });
  const p2 = await t.store.putObjectPart("bkt", "big", id1, 2, bodyOf(b), { size: b.length });
  expect((await t.store.listObjectParts("bkt", "big", id1, { partNumberMarker: 0, maxParts: 10 })).parts.length).toBe(2);
  expect(await kindOf(t.store.putObjectPart("bkt", "big", id0, 1, bodyOf(b), { size: b.length }))).toBe("NoSuchUpload");
  await t.store.completeMultipartUpload("bkt", "big", id1, [
    { partNumber: 1, etag: p1.etag },
    { partNumber: 2, etag: p2.etag },
  ]);
  expect([t.holds(0, "bkt", "big"), t.holds(1, "bkt", "big")]).toEqual([false, true]);
  const got = await readAllBody((await t.store.getObject("bkt", "big")).body);
  expect(md5hex(got)).toBe(md5hex(new Uint8Array([...a, ...b])));
  await t.store.abortMultipartUpload("bkt", "other", id0);
  expect((await t.store.listMultipartUploads("bkt", { maxUploads: 10 })).uploads).toEqual([]);
});

test("buckets, bucket configuration, copies and storageInfo cover every pool", async () => {
  t = await openPools(temp, codec, [4, 6]);
  await t.store.makeBucket("src");
  await t.store.makeBucket("dst");
  expect(await kindOf(t.store.makeBucket("src"))).toBe("BucketAlreadyOwnedByYou");
  expect((await t.store.listBuckets()).map((b) => b.name)).toEqual(["dst", "src"]);
  await t.store.setBucketConfig("dst", "versioning", VERSIONED);
  expect(await t.store.bucketVersioning("dst")).toBe("Enabled");
  t.free = [1e12, 0];
  await put("obj", "copied across pools", "src");
  t.free = [0, 1e12];
  await t.store.copyObject("src", "obj", "dst", "obj", { metadataDirective: "COPY", userMeta: {} });
  expect([t.holds(0, "src", "obj"), t.holds(1, "dst", "obj")]).toEqual([true, true]);
  expect(await text("obj", undefined, "dst")).toBe("copied across pools");
  const info = await t.store.storageInfo({ timeoutMs: 2_000 });
  expect(info.pools.map((p) => [p.index, p.sets.length, p.sets[0].driveCount, p.sets[0].standardParity])).toEqual([
    [0, 1, 4, 2],
    [1, 1, 6, 3],
  ]);
  expect((await t.store.healObject("src", "obj")).offlineDrives).toEqual([]);
  const healed = await t.store.healAll();
  expect(healed.failed).toEqual([]);
  expect(healed.buckets).toEqual(["dst", "src"]);
  expect(await kindOf(t.store.deleteBucket("src"))).toBe("BucketNotEmpty");
  await t.store.deleteObject("src", "obj");
  await t.store.deleteBucket("src");
  expect((await t.store.listBuckets()).map((b) => b.name)).toEqual(["dst"]);
  expect(await kindOf(t.store.getBucketInfo("src"))).toBe("NoSuchBucket");
});

test("a pool added on restart: every object stays readable, the new pool takes the bucket and new objects", async () => {
  t = await openPools(temp, codec, [4]);
  await t.store.makeBucket("bkt");
  await t.store.setBucketConfig("bkt", "versioning", VERSIONED);
  const v1 = await put("k", "first");
  await put("k", "second");
  const id = await t.store.newMultipartUpload("bkt", "mp", { userMeta: {} });
  const part = randomBytes(2000, 9);
  const p = await t.store.putObjectPart("bkt", "mp", id, 1, bodyOf(part), { size: part.length });
  await t.store.completeMultipartUpload("bkt", "mp", id, [{ partNumber: 1, etag: p.etag }]);
  await t.reopen([4, 6]);
  t.free = [0, 1e12];
  expect(await text("k")).toBe("second");
  expect(await text("k", v1.versionId)).toBe("first");
  expect(md5hex(await readAllBody((await t.store.getObject("bkt", "mp")).body))).toBe(md5hex(part));
  expect(await t.store.bucketVersioning("bkt")).toBe("Enabled");
  await put("new", "in pool 2");
  await put("k", "third"); // an existing key stays in pool 1
  expect([t.holds(1, "bkt", "new"), t.holds(0, "bkt", "k"), t.holds(1, "bkt", "k")]).toEqual([true, true, false]);
  expect((await t.store.listObjects("bkt", { maxKeys: 10 })).objects.map((o) => o.key)).toEqual(["k", "mp", "new"]);
  expect((await t.store.listObjectVersions("bkt", { maxKeys: 10 })).versions.length).toBe(5);
});
