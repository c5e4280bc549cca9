// UsageCache over a fake store: counts across pages, one walk at a time, a new walk only when
// the last one is older than the refresh interval, buckets vanishing mid-walk, and close().
import { expect, test } from "bun:test";
import { ObjectError, type ListVersionsOptions, type ListVersionsResult, type ObjectInfo } from "../object/index.ts";
import type { AdminStore } from "./admin-store.ts";
import { UsageCache } from "./usage-cache.ts";

const version = (key: string, n: number, o: Partial<ObjectInfo> = {}): ObjectInfo =>
  ({
    bucket: "b",
    key,
    versionId: `v${n}`,
    isLatest: n === 0,
    deleteMarker: false,
    size: 10,
    etag: "",
    modTime: new Date(0),
    modTimeNs: 0n,
    contentType: "",
    userMeta: {},
    storageClass: "STANDARD",
    parts: [],
    ...o,
  }) as ObjectInfo;

function fakeStore(data: Record<string, ObjectInfo[]>, gone = new Set<string>()) {
  const calls = { list: 0, pages: 0 };
  const store: AdminStore = {
    storageInfo: async () => ({ pools: [], heals: { started: 0, failed: 0 } }),
    async listBuckets() {
      calls.list++;
      return Object.keys(data).map((name) => ({ name, created: new Date(0), lockEnabled: false, versioning: "Unversioned" as const }));
    },
    async listObjectVersions(bucket: string, o: ListVersionsOptions): Promise<ListVersionsResult> {
      calls.pages++;
      if (gone.has(bucket)) throw new ObjectError("NoSuchBucket", `no ${bucket}`, { bucket });
      const all = data[bucket];
      const start = o.keyMarker === undefined ? 0 : all.findIndex((v) => v.key === o.keyMarker && v.versionId === o.versionIdMarker) + 1;
      const versions = all.slice(start, start + o.maxKeys);
      const last = versions.at(-1);
      const isTruncated = start + o.maxKeys < all.length;
      return {
        versions,
        prefixes: [],
        isTruncated,
        nextKeyMarker: isTruncated ? last?.key : undefined,
        nextVersionIdMarker: isTruncated ? last?.versionId : undefined,
      };
    },
  };
  return { store, calls };
}

test("counts objects, versions, delete markers and bytes across pages", async () => {
  const { store, calls } = fakeStore({
    a: [version("k1", 0), version("k1", 1), version("k2", 0, { deleteMarker: true, size: 0 }), version("k2", 1), version("k3", 0, { size: 5 })],
    b: [],
  });
  const snap = await new UsageCache(store, { pageSize: 2 }).refresh();
  expect(snap.buckets.get("a")).toEqual({ objects: 2, versions: 5, deleteMarkers: 1, bytes: 35 });
  expect(snap.buckets.get("b")).toEqual({ objects: 0, versions: 0, deleteMarkers: 0, bytes: 0 });
  expect(snap.totals).toEqual({ objects: 2, versions: 5, deleteMarkers: 1, bytes: 35 });
  expect(calls.pages).toBe(3 + 1);
});

test("snapshot() returns the last walk and starts a new one only when it is stale", async () => {
  const { store, calls } = fakeStore({ a: [version("k", 0)] });
  let now = 1_000_000;
  const cache = new UsageCache(store, { refreshMs: 60_000, now: () => now });
  expect(cache.snapshot()).toBeNull(); // starts the first walk
  expect(cache.snapshot()).toBeNull(); // joins it rather than starting another
  const first = await cache.refresh();
  expect(calls.list).toBe(1);
  expect(cache.snapshot()).toBe(first);
  now += 59_999;
  cache.snapshot();
  expect(calls.list).toBe(1);
  now += 1;
  expect(cache.snapshot()).toBe(first); // the old result while the new walk runs
  await cache.refresh();
  expect(calls.list).toBe(2);
  await cache.close();
  now += 120_000;
  cache.snapshot();
  expect(calls.list).toBe(2);
});

test("a bucket deleted during the walk is skipped; other failures keep the previous snapshot", async () => {
  const gone = new Set(["x"]);
  const { store } = fakeStore({ a: [version("k", 0)], x: [version("k", 0)] }, gone);
  const cache = new UsageCache(store);
  const snap = await cache.refresh();
  expect([...snap.buckets.keys()]).toEqual(["a"]);
  store.listBuckets = async () => {
    throw new Error("drives gone");
  };
  await expect(cache.refresh()).rejects.toThrow("drives gone");
  expect(cache.snapshot()).toBe(snap);
});

test("quotas: load counts one bucket on demand, joins a running count, recounts when stale; a walk feeds the ledger", async () => {
  const data = { a: [version("k1", 0), version("k2", 0)], other: [version("k", 0)] };
  const { store, calls } = fakeStore(data, new Set(["missing-bucket"]));
  let now = 1_000_000;
  const cache = new UsageCache(store, { refreshMs: 60_000, now: () => now });
  await Promise.all([cache.load("a"), cache.load("a")]);
  expect([cache.bytes("a"), calls.pages, calls.list]).toEqual([20, 1, 0]);
  cache.adjust("a", 5);
  await cache.load("a"); // known and fresh: nothing counted
  expect([cache.bytes("a"), calls.pages]).toEqual([25, 1]);
  now += 60_000;
  data.a.push(version("k3", 0));
  await cache.load("a"); // stale: recounted in the background
  await Bun.sleep(0);
  expect([cache.bytes("a"), calls.pages]).toEqual([30, 2]);
  await cache.refresh();
  expect(cache.bytes("other")).toBe(10);
  cache.forget("a");
  expect(cache.ledger.known("a")).toBe(false);
  await cache.load("missing-bucket"); // an unknown bucket counts as empty
  expect(cache.bytes("missing-bucket")).toBe(0);
});
