// Listing against a model of S3 semantics: a random versioned namespace (keys with "/",
// multi-byte and astral-plane characters, keys that are prefixes of others, directory objects,
// null versions, delete markers, suspended versioning) on two erasure sets, listed page by page
// with small max-keys over prefix / delimiter (incl. non-"/") / marker / version-id-marker
// combinations, every page compared with the model.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { useCodec } from "../../test/support/use-codec.ts";
import { bodyOf, md5hex, openTestStore, randomBytes, type TestStore } from "../../test/support/object-harness.ts";
import { ListingModel, compareUtf8, type ModelItem } from "../../test/support/listing-model.ts";
import type { ObjectInfo } from "./object-layer.ts";

const { codec, temp } = useCodec();
let t: TestStore;
const model = new ListingModel();
const enc = new TextEncoder();

/** Small deterministic PRNG (mulberry32), so a failure reproduces. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = rng(20240607);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];

const CHARS = ["a", "b", "a", "é", "€", "😀", "z", "-", "0", "ab"];
function randomKey(): string {
  const segs = Array.from({ length: 1 + Math.floor(rand() * 3) }, () => Array.from({ length: 1 + Math.floor(rand() * 2) }, () => pick(CHARS)).join(""));
  return segs.join("/") + (rand() < 0.2 ? "/" : "");
}

async function setVersioning(status: "Enabled" | "Suspended"): Promise<void> {
  await t.store.setBucketConfig("lst", "versioning", enc.encode(`<VersioningConfiguration><Status>${status}</Status></VersioningConfiguration>`));
}

/** PUT that the model follows; keys refused by the store (below an object) stay out of it. */
async function put(key: string, versioning: "unversioned" | "enabled" | "suspended"): Promise<void> {
  const data = randomBytes(Math.floor(rand() * 40), Math.floor(rand() * 1e9));
  let info: ObjectInfo;
  try {
    info = await t.store.putObject("lst", key, bodyOf(data), { size: data.length, userMeta: {} });
  } catch (err) {
    if ((err as { kind?: string }).kind === "ParentIsObject") return;
    throw err;
  }
  model.put(key, { versionId: info.versionId, deleteMarker: false, etag: md5hex(data), size: data.length }, versioning !== "enabled");
}

async function buildNamespace(): Promise<void> {
  await t.store.makeBucket("lst");
  for (let i = 0; i < 50; i++) await put(randomKey(), "unversioned");
  for (const [phase, versioning] of [
    ["Enabled", "enabled"],
    ["Suspended", "suspended"],
    ["Enabled", "enabled"],
  ] as const) {
    await setVersioning(phase);
    for (let i = 0; i < 60; i++) {
      const known = model.sortedKeys();
      const r = rand();
      if (r < 0.55 || known.length === 0) await put(rand() < 0.5 && known.length ? pick(known) : randomKey(), versioning);
      else if (r < 0.8) {
        const key = pick(known);
        const res = await t.store.deleteObject("lst", key);
        model.put(key, { versionId: res.versionId, deleteMarker: true, etag: "", size: 0 }, versioning === "suspended");
      } else {
        const key = pick(known);
        const v = pick(model.keys.get(key)!);
        await t.store.deleteObject("lst", key, { versionId: v.versionId });
        model.deleteVersion(key, v.versionId);
      }
    }
  }
}

beforeAll(async () => {
  // 8 drives as 2 sets of 4: listings merge across sets. A fixed deployment id fixes which set
  // each key lands in, so the namespace (and which keys are refused below an object) repeats.
  t = await openTestStore(temp, codec, { drives: 8, setDriveCount: 4, deploymentId: "5b0e7e5c-5d4e-4a55-9c1c-6f0c1d2b3a49" });
  await buildNamespace();
}, 120_000);
afterAll(async () => {
  await t.close();
});

const objKey = (o: ObjectInfo) => `${o.key}|${o.versionId}|${o.deleteMarker}|${o.isLatest}|${o.etag}|${o.size}`;
const modelKey = (i: ModelItem & { kind: "object" }) =>
  `${i.key}|${i.version.versionId}|${i.version.deleteMarker}|${i.isLatest}|${i.version.etag}|${i.version.size}`;
const split = (items: ModelItem[]) => ({
  objects: items.flatMap((i) => (i.kind === "object" ? [modelKey(i)] : [])),
  prefixes: items.flatMap((i) => (i.kind === "prefix" ? [i.prefix] : [])),
});

/** ListObjects page by page from `marker`, each page compared with the model; returns pages read. */
async function walkObjects(prefix: string, delimiter: string, marker: string | undefined, maxKeys: number): Promise<number> {
  let pages = 0;
  for (;;) {
    const want = ListingModel.page(model.objectItems(prefix, delimiter, marker), maxKeys);
    const got = await t.store.listObjects("lst", { prefix, delimiter, after: marker, maxKeys });
    const label = JSON.stringify({ prefix, delimiter, marker, maxKeys });
    expect({ label, objects: got.objects.map(objKey), prefixes: got.prefixes, truncated: got.isTruncated }).toEqual({
      label,
      ...split(want.items),
      truncated: want.isTruncated,
    });
    if (want.items.length > 0) expect(got.nextMarker).toBe(want.nextMarker);
    pages++;
    if (!got.isTruncated) return pages;
    marker = got.nextMarker;
  }
}

async function walkVersions(
  prefix: string,
  delimiter: string,
  keyMarker: string | undefined,
  versionIdMarker: string | undefined,
  maxKeys: number,
): Promise<number> {
  let pages = 0;
  for (;;) {
    const want = ListingModel.page(model.versionItems(prefix, delimiter, keyMarker, versionIdMarker), maxKeys);
    const got = await t.store.listObjectVersions("lst", { prefix, delimiter, keyMarker, versionIdMarker, maxKeys });
    const label = JSON.stringify({ prefix, delimiter, keyMarker, versionIdMarker, maxKeys });
    const w = split(want.items);
    expect({ label, versions: got.versions.map(objKey), prefixes: got.prefixes, truncated: got.isTruncated }).toEqual({
      label,
      versions: w.objects,
      prefixes: w.prefixes,
      truncated: want.isTruncated,
    });
    if (want.items.length > 0) expect([got.nextKeyMarker, got.nextVersionIdMarker]).toEqual([want.nextMarker, want.nextVersionIdMarker]);
    pages++;
    if (!got.isTruncated) return pages;
    keyMarker = got.nextKeyMarker;
    versionIdMarker = got.nextVersionIdMarker;
  }
}

const DELIMITERS = ["", "/", "a", "é", "😀", "-", "b/"];

/** Prefixes: "", every proper prefix of some keys (mid-character in UTF-16 avoided), a missing one. */
function prefixes(): string[] {
  const keys = model.sortedKeys();
  const out = new Set<string>(["", "zz-none", "a/", "😀"]);
  for (let i = 0; i < 12; i++) {
    const k = pick(keys);
    const chars = [...k];
    out.add(chars.slice(0, 1 + Math.floor(rand() * chars.length)).join(""));
  }
  return [...out].sort(compareUtf8);
}

describe("listing matches the S3 model", () => {
  test("the namespace is what the test means it to be", () => {
    const keys = model.sortedKeys();
    const latestMarkers = keys.filter((k) => model.keys.get(k)![0].deleteMarker).length;
    expect(keys.length).toBeGreaterThanOrEqual(50);
    // with two sets, an object and an object below it can both exist (MinIO allows it too)
    expect(keys.some((k) => keys.some((o) => o.startsWith(`${k}/`)))).toBe(true);
    expect(latestMarkers).toBeGreaterThan(3);
    expect(keys.some((k) => k.endsWith("/"))).toBe(true);
    expect(keys.some((k) => /\p{Extended_Pictographic}/u.test(k))).toBe(true);
    expect(keys.some((k) => keys.some((o) => o !== k && o.startsWith(k)))).toBe(true);
    expect(keys.some((k) => model.keys.get(k)!.some((v) => v.versionId === "null"))).toBe(true);
  });

  test("ListObjects: every prefix × delimiter, whole pages and max-keys 2", async () => {
    for (const prefix of prefixes())
      for (const delimiter of DELIMITERS) for (const maxKeys of [1000, 2]) await walkObjects(prefix, delimiter, undefined, maxKeys);
  }, 120_000);

  test("ListObjects: random markers (existing keys, prefixes of keys, absent), max-keys 1 and 3", async () => {
    const keys = model.sortedKeys();
    for (let i = 0; i < 60; i++) {
      const marker = pick([pick(keys), [...pick(keys)].slice(0, 2).join(""), `${pick(keys)}\u0000`, "a", "😀/"]);
      await walkObjects(pick(["", "a", "a/", ""]), pick(DELIMITERS), marker, pick([1, 3]));
    }
  }, 120_000);

  test("ListObjectVersions: every prefix × delimiter, max-keys 1000 and 3", async () => {
    for (const prefix of prefixes())
      for (const delimiter of DELIMITERS) for (const maxKeys of [1000, 3]) await walkVersions(prefix, delimiter, undefined, undefined, maxKeys);
  }, 120_000);

  test("ListObjectVersions: key markers and version-id markers (incl. null and delete markers)", async () => {
    const keys = model.sortedKeys();
    for (let i = 0; i < 60; i++) {
      const key = pick(keys);
      const v = pick(model.keys.get(key)!);
      const withVersion = rand() < 0.7;
      await walkVersions(pick(["", "", [...key].slice(0, 1).join("")]), pick(DELIMITERS), key, withVersion ? v.versionId : undefined, pick([1, 2, 5]));
    }
  }, 120_000);
});
