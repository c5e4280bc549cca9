// ObjectLayer contract on a real 4-drive (EC 2+2) store: buckets, PUT/GET of every size class,
// ranges, conditions, versions, delete markers, copy, multipart and bucket configuration.
import { beforeEach, afterEach, describe, expect, test } from "bun:test";
import { ObjectError } from "../object-error.ts";
import type { ObjectStore } from "./object-store.ts";
import { useCodec } from "../../../test/support/use-codec.ts";
import { bodyOf, md5hex, openTestStore, randomBytes, readAllBody, type TestStore } from "../../../test/support/object-harness.ts";
import { MIN_PART_SIZE, multipartEtag } from "../set/complete.ts";

const { codec, temp } = useCodec();
let t: TestStore;
let store: ObjectStore;

beforeEach(async () => {
  t = await openTestStore(temp, codec, { drives: 4 });
  store = t.store;
  await store.makeBucket("bkt");
});
afterEach(async () => {
  await t.close();
});

async function put(key: string, data: Uint8Array | string, userMeta: Record<string, string> = {}) {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  return store.putObject("bkt", key, bodyOf(bytes), { size: bytes.length, userMeta });
}

async function get(key: string, opts = {}) {
  const r = await store.getObject("bkt", key, opts);
  return { ...r, bytes: await readAllBody(r.body) };
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

describe("buckets", () => {
  test("make, info, list, exists, delete, not empty", async () => {
    expect(await kindOf(store.makeBucket("bkt"))).toBe("BucketAlreadyOwnedByYou");
    await store.makeBucket("other");
    expect((await store.listBuckets()).map((b) => b.name)).toEqual(["bkt", "other"]);
    expect((await store.getBucketInfo("other")).name).toBe("other");
    await put("x", "1");
    expect(await kindOf(store.deleteBucket("bkt"))).toBe("BucketNotEmpty");
    await store.deleteBucket("other");
    expect(await kindOf(store.getBucketInfo("other"))).toBe("NoSuchBucket");
    expect(await kindOf(store.putObject("other", "k", bodyOf("x"), { size: 1, userMeta: {} }))).toBe("NoSuchBucket");
  });

  test("bucket configuration round-trips and survives a restart", async () => {
    const policy = new TextEncoder().encode('{"Version":"2012-10-17","Statement":[]}');
    await store.setBucketConfig("bkt", "policy", policy);
    expect(await store.getBucketConfig("bkt", "policy")).toEqual(policy);
    store = await t.reopen();
    expect(await store.getBucketConfig("bkt", "policy")).toEqual(policy);
    await store.setBucketConfig("bkt", "policy", null);
    expect(await store.getBucketConfig("bkt", "policy")).toBeNull();
  });
});

describe("keys no drive can store", () => {
  test("are ObjectNameInvalid / KeyTooLong for every key operation, before any drive is asked", async () => {
    await put("known", "x");
    const before = t.drives.map((d) => new Map(d.calls));
    const cases: [string, string][] = [
      ["a\\b", "ObjectNameInvalid"],
      ["..\\..\\x", "ObjectNameInvalid"],
      ["a/../../x", "ObjectNameInvalid"],
      ["./x", "ObjectNameInvalid"],
      ["/x", "ObjectNameInvalid"],
      ["a//b", "ObjectNameInvalid"],
      ["nul\u0000", "ObjectNameInvalid"],
      ["", "ObjectNameInvalid"],
      ["s".repeat(256), "ObjectNameInvalid"],
      ["s".repeat(250) + "/", "ObjectNameInvalid"],
      ["k".repeat(1025), "KeyTooLong"],
      ["d__XLDIR__", "ObjectNameInvalid"],
      ["d__XLDIR__/x", "ObjectNameInvalid"],
      ["known/xl.meta", "ObjectNameInvalid"],
      ["a/xl.meta/b", "ObjectNameInvalid"],
    ];
    for (const [key, kind] of cases) {
      const results = [
        await kindOf(put(key, "x")),
        await kindOf(store.getObject("bkt", key)),
        await kindOf(store.getObjectInfo("bkt", key)),
        await kindOf(store.deleteObject("bkt", key)),
        await kindOf(store.newMultipartUpload("bkt", key, { userMeta: {} })),
        await kindOf(store.copyObject("bkt", key, "bkt", "dst", { userMeta: {} } as never)),
      ];
      expect({ key, results }).toEqual({ key, results: results.map(() => kind) });
    }
    // The bucket is known already, so any drive call at all would be the key reaching a drive.
    expect(t.drives.map((d) => [...d.calls])).toEqual(before.map((m) => [...m]));
  });
});

test("names beside the reserved ones stay storable: a top-level xl.meta, a directory object named xl.meta/", async () => {
  for (const key of ["xl.meta", "a/xl.meta/", "a/xl.meta.bak", "a/__XLDIR__x", "x/"]) expect({ key, r: await kindOf(put(key, "x")) }).toEqual({ key, r: "ok" });
  expect(new TextDecoder().decode((await get("a/xl.meta/")).bytes)).toBe("x");
});

describe("put and get", () => {
  for (const size of [0, 1, 1000, 128 * 1024, 256 * 1024 + 1, 1 << 20, (1 << 20) + 7, 3 * (1 << 20) + 12345]) {
    test(`${size} bytes round-trip with MD5 ETag`, async () => {
      const data = randomBytes(size, size + 1);
      const info = await put(`obj-${size}`, data, { "content-type": "application/x-test", "X-Amz-Meta-Color": "red" });
      expect(info.etag).toBe(md5hex(data));
      const got = await get(`obj-${size}`);
      expect(got.bytes.length).toBe(size);
      expect(md5hex(got.bytes)).toBe(md5hex(data));
      expect(got.info.contentType).toBe("application/x-test");
      expect(got.info.userMeta["X-Amz-Meta-Color"]).toBe("red");
      expect(got.info.size).toBe(size);
      expect(got.info.versionId).toBe("null");
    });
  }

  test("ranges: within a block, across blocks, suffix, open-ended, unsatisfiable", async () => {
    const data = randomBytes(2 * (1 << 20) + 500, 9);
    await put("r", data);
    const cases: [object, number, number][] = [
      [{ start: 0, end: 0 }, 0, 0],
      [{ start: 10, end: 99 }, 10, 99],
      [{ start: (1 << 20) - 5, end: (1 << 20) + 5 }, (1 << 20) - 5, (1 << 20) + 5],
      [{ start: 2 * (1 << 20) }, 2 * (1 << 20), data.length - 1],
      [{ suffix: 100 }, data.length - 100, data.length - 1],
      [{ suffix: data.length + 50 }, 0, data.length - 1],
      [{ start: 5, end: 10 ** 12 }, 5, data.length - 1],
    ];
    for (const [range, s, e] of cases) {
      const got = await get("r", { range });
      expect(got.range).toEqual({ start: s, end: e });
      expect(Buffer.from(got.bytes).equals(Buffer.from(data.subarray(s, e + 1)))).toBe(true);
    }
    expect(await kindOf(store.getObject("bkt", "r", { range: { start: data.length } }))).toBe("InvalidRange");
    expect(await kindOf(store.getObject("bkt", "r", { range: { suffix: 0 } }))).toBe("InvalidRange");
  });

  test("directory objects and unicode keys", async () => {
    await put("photos/", "");
    await put("photos/ünïcödé 😀.txt", "u");
    expect((await get("photos/")).bytes.length).toBe(0);
    expect(new TextDecoder().decode((await get("photos/ünïcödé 😀.txt")).bytes)).toBe("u");
  });

  test("overwrite replaces the object and frees the old data", async () => {
    await put("o", randomBytes(300_000, 1));
    const data = randomBytes(400_000, 2);
    await put("o", data);
    expect(md5hex((await get("o")).bytes)).toBe(md5hex(data));
  });

  test("a key below an existing object is refused", async () => {
    await put("a", "1");
    expect(await kindOf(put("a/b", "2"))).toBe("ParentIsObject");
  });

  test("missing keys and short bodies", async () => {
    expect(await kindOf(store.getObject("bkt", "nope"))).toBe("NoSuchKey");
    expect(await kindOf(store.getObjectInfo("bkt", "nope"))).toBe("NoSuchKey");
    const short = store.putObject("bkt", "short", bodyOf("abc"), { size: 10, userMeta: {} });
    expect(await kindOf(short)).toBe("IncompleteBody");
    expect(await kindOf(store.getObjectInfo("bkt", "short"))).toBe("NoSuchKey");
  });

  test("a failing body check (bad digest) stores nothing", async () => {
    const p = store.putObject("bkt", "bad", bodyOf("hello"), {
      size: 5,
      userMeta: {},
      check: () => {
        throw new ObjectError("BadDigest", "The Content-MD5 you specified did not match what we received.");
      },
    });
    expect(await kindOf(p)).toBe("BadDigest");
    expect(await kindOf(store.getObjectInfo("bkt", "bad"))).toBe("NoSuchKey");
  });

  test("conditional reads and writes", async () => {
    const info = await put("c", "content");
    expect(await kindOf(store.getObjectInfo("bkt", "c", { preconditions: { ifMatch: `"${info.etag}"` } }))).toBe("ok");
    expect(await kindOf(store.getObjectInfo("bkt", "c", { preconditions: { ifMatch: '"00"' } }))).toBe("PreconditionFailed");
    expect(await kindOf(store.getObjectInfo("bkt", "c", { preconditions: { ifNoneMatch: info.etag } }))).toBe("Unmodified");
    expect(await kindOf(store.getObjectInfo("bkt", "c", { preconditions: { ifModifiedSince: new Date(Date.now() + 60_000) } }))).toBe("Unmodified");
    expect(await kindOf(store.getObjectInfo("bkt", "c", { preconditions: { ifUnmodifiedSince: new Date(2000, 1, 1) } }))).toBe("PreconditionFailed");
    expect(await kindOf(store.putObject("bkt", "c", bodyOf("x"), { size: 1, userMeta: {}, preconditions: { ifNoneMatch: "*" } }))).toBe("PreconditionFailed");
    expect(await kindOf(store.putObject("bkt", "new", bodyOf("x"), { size: 1, userMeta: {}, preconditions: { ifNoneMatch: "*" } }))).toBe("ok");
    expect(await kindOf(store.putObject("bkt", "c", bodyOf("x"), { size: 1, userMeta: {}, preconditions: { ifMatch: "wrong" } }))).toBe("PreconditionFailed");
    expect(await kindOf(store.putObject("bkt", "c", bodyOf("x"), { size: 1, userMeta: {}, preconditions: { ifMatch: info.etag } }))).toBe("ok");
  });
});

describe("versioning", () => {
  const enable = (status: "Enabled" | "Suspended") =>
    store.setBucketConfig("bkt", "versioning", new TextEncoder().encode(`<VersioningConfiguration><Status>${status}</Status></VersioningConfiguration>`));

  test("versions, delete markers, get and delete by id", async () => {
    await put("v", "null-version");
    await enable("Enabled");
    const a = await put("v", "first");
    const b = await put("v", "second");
    expect(a.versionId).not.toBe("null");
    expect(new TextDecoder().decode((await get("v")).bytes)).toBe("second");
    expect(new TextDecoder().decode((await get("v", { versionId: a.versionId })).bytes)).toBe("first");
    expect(new TextDecoder().decode((await get("v", { versionId: "null" })).bytes)).toBe("null-version");
    const del = await store.deleteObject("bkt", "v");
    expect(del.deleteMarker).toBe(true);
    const err = await store.getObject("bkt", "v").catch((e) => e);
    expect(err.kind).toBe("NoSuchKey");
    expect(err.deleteMarker).toBe(true);
    expect(await kindOf(store.getObject("bkt", "v", { versionId: del.versionId }))).toBe("DeleteMarker");
    const list = await store.listObjectVersions("bkt", { maxKeys: 100 });
    expect(list.versions.map((v) => [v.versionId, v.deleteMarker, v.isLatest])).toEqual([
      [del.versionId, true, true],
      [b.versionId, false, false],
      [a.versionId, false, false],
      ["null", false, false],
    ]);
    expect((await store.listObjects("bkt", { maxKeys: 100 })).objects).toEqual([]);
    await store.deleteObject("bkt", "v", { versionId: del.versionId });
    expect(new TextDecoder().decode((await get("v")).bytes)).toBe("second");
    await store.deleteObject("bkt", "v", { versionId: b.versionId });
    expect(new TextDecoder().decode((await get("v")).bytes)).toBe("first");
    expect(await kindOf(store.getObject("bkt", "v", { versionId: crypto.randomUUID() }))).toBe("NoSuchVersion");
  });

  test("suspended versioning writes and deletes the null version", async () => {
    await enable("Enabled");
    const a = await put("s", "kept");
    await enable("Suspended");
    await put("s", "null1");
    await put("s", "null2");
    const list = await store.listObjectVersions("bkt", { maxKeys: 100 });
    expect(list.versions.map((v) => v.versionId)).toEqual(["null", a.versionId]);
    const del = await store.deleteObject("bkt", "s");
    expect(del).toEqual({ versionId: "null", deleteMarker: true });
    expect((await store.listObjectVersions("bkt", { maxKeys: 100 })).versions.map((v) => [v.versionId, v.deleteMarker])).toEqual([
      ["null", true],
      [a.versionId, false],
    ]);
  });
});

describe("copy and metadata", () => {
  test("copy with COPY and REPLACE directives, ranged copy source", async () => {
    const data = randomBytes(500_000, 5);
    await put("src", data, { "content-type": "image/png", "X-Amz-Meta-A": "1" });
    const c1 = await store.copyObject("bkt", "src", "bkt", "dst1", { metadataDirective: "COPY", userMeta: {} });
    expect(c1.etag).toBe(md5hex(data));
    const g1 = await get("dst1");
    expect(g1.info.contentType).toBe("image/png");
    expect(g1.info.userMeta["X-Amz-Meta-A"]).toBe("1");
    await store.copyObject("bkt", "src", "bkt", "dst2", { metadataDirective: "REPLACE", userMeta: { "content-type": "text/plain", "X-Amz-Meta-B": "2" } });
    const g2 = await get("dst2");
    expect(g2.info.contentType).toBe("text/plain");
    expect(g2.info.userMeta["X-Amz-Meta-A"]).toBeUndefined();
    expect(md5hex(g2.bytes)).toBe(md5hex(data));
    await store.copyObject("bkt", "src", "bkt", "dst3", { metadataDirective: "COPY", userMeta: {}, srcRange: { start: 100, end: 199 } });
    expect(Buffer.from((await get("dst3")).bytes).equals(Buffer.from(data.subarray(100, 200)))).toBe(true);
    expect(await kindOf(store.copyObject("bkt", "src", "bkt", "x", { metadataDirective: "COPY", userMeta: {}, srcPreconditions: { ifMatch: "nope" } }))).toBe(
      "PreconditionFailed",
    );
  });

  test("self-copy with REPLACE rewrites metadata only", async () => {
    await put("self", "same bytes", { "content-type": "a/b" });
    await store.copyObject("bkt", "self", "bkt", "self", { metadataDirective: "REPLACE", userMeta: { "content-type": "c/d" } });
    const g = await get("self");
    expect(g.info.contentType).toBe("c/d");
    expect(new TextDecoder().decode(g.bytes)).toBe("same bytes");
  });

  test("updateObjectMeta (tags) keeps the data", async () => {
    await put("tagged", "t");
    await store.updateObjectMeta("bkt", "tagged", "", (m) => ({ ...m, "X-Amz-Tagging": "k=v" }));
    const g = await get("tagged");
    expect(g.info.userMeta["X-Amz-Tagging"]).toBe("k=v");
    expect(new TextDecoder().decode(g.bytes)).toBe("t");
  });
});

describe("multipart", () => {
  test("upload, list, complete with MinIO's ETag, part reads", async () => {
    const id = await store.newMultipartUpload("bkt", "mp", { userMeta: { "content-type": "video/mp4" } });
    const p1 = randomBytes(MIN_PART_SIZE, 1);
    const p2 = randomBytes(MIN_PART_SIZE + 10, 2);
    const p3 = randomBytes(1234, 3);
    const r1 = await store.putObjectPart("bkt", "mp", id, 1, bodyOf(p1), { size: p1.length });
    const r3 = await store.putObjectPart("bkt", "mp", id, 3, bodyOf(p3), { size: p3.length });
    const r2 = await store.putObjectPart("bkt", "mp", id, 2, bodyOf(p2), { size: p2.length });
    const listed = await store.listObjectParts("bkt", "mp", id, { partNumberMarker: 0, maxParts: 2 });
    expect(listed.parts.map((p) => p.partNumber)).toEqual([1, 2]);
    expect(listed.isTruncated).toBe(true);
    const uploads = await store.listMultipartUploads("bkt", { maxUploads: 10 });
    expect(uploads.uploads.map((u) => [u.key, u.uploadId])).toEqual([["mp", id]]);
    expect(
      await kindOf(
        store.completeMultipartUpload("bkt", "mp", id, [
          { partNumber: 2, etag: r2.etag },
          { partNumber: 1, etag: r1.etag },
        ]),
      ),
    ).toBe("InvalidPartOrder");
    expect(await kindOf(store.completeMultipartUpload("bkt", "mp", id, [{ partNumber: 1, etag: "0".repeat(32) }]))).toBe("InvalidPart");
    expect(
      await kindOf(
        store.completeMultipartUpload("bkt", "mp", id, [
          { partNumber: 3, etag: r3.etag },
          { partNumber: 1, etag: r1.etag },
        ]),
      ),
    ).toBe("InvalidPartOrder");
    const info = await store.completeMultipartUpload("bkt", "mp", id, [
      { partNumber: 1, etag: `"${r1.etag}"` },
      { partNumber: 2, etag: r2.etag },
      { partNumber: 3, etag: r3.etag },
    ]);
    expect(info.etag).toBe(multipartEtag([r1.etag, r2.etag, r3.etag]));
    expect(info.etag.endsWith("-3")).toBe(true);
    const all = new Uint8Array([...p1, ...p2, ...p3]);
    const g = await get("mp");
    expect(md5hex(g.bytes)).toBe(md5hex(all));
    expect(g.info.size).toBe(all.length);
    expect(g.info.contentType).toBe("video/mp4");
    const part2 = await get("mp", { partNumber: 2 });
    expect(md5hex(part2.bytes)).toBe(md5hex(p2));
    expect(part2.partsCount).toBe(3);
    const ranged = await get("mp", { range: { start: MIN_PART_SIZE - 3, end: MIN_PART_SIZE + 3 } });
    expect(Buffer.from(ranged.bytes).equals(Buffer.from(all.subarray(MIN_PART_SIZE - 3, MIN_PART_SIZE + 4)))).toBe(true);
    expect((await store.listMultipartUploads("bkt", { maxUploads: 10 })).uploads).toEqual([]);
    expect(await kindOf(store.putObjectPart("bkt", "mp", id, 4, bodyOf("x"), { size: 1 }))).toBe("NoSuchUpload");
  });

  test("too-small parts, abort, unknown upload ids", async () => {
    const id = await store.newMultipartUpload("bkt", "small", { userMeta: {} });
    const a = await store.putObjectPart("bkt", "small", id, 1, bodyOf("aaa"), { size: 3 });
    const b = await store.putObjectPart("bkt", "small", id, 2, bodyOf("bbb"), { size: 3 });
    expect(
      await kindOf(
        store.completeMultipartUpload("bkt", "small", id, [
          { partNumber: 1, etag: a.etag },
          { partNumber: 2, etag: b.etag },
        ]),
      ),
    ).toBe("EntityTooSmall");
    await store.abortMultipartUpload("bkt", "small", id);
    expect(await kindOf(store.listObjectParts("bkt", "small", id, { partNumberMarker: 0, maxParts: 10 }))).toBe("NoSuchUpload");
    for (const bad of ["nope", "../../etc", Buffer.from("x.../../y").toString("base64url")]) {
      expect(await kindOf(store.putObjectPart("bkt", "small", bad, 1, bodyOf("x"), { size: 1 }))).toBe("NoSuchUpload");
    }
  });

  test("a single small part completes", async () => {
    const id = await store.newMultipartUpload("bkt", "one", { userMeta: {} });
    const a = await store.putObjectPart("bkt", "one", id, 1, bodyOf("only"), { size: 4 });
    await store.completeMultipartUpload("bkt", "one", id, [{ partNumber: 1, etag: a.etag }]);
    expect(new TextDecoder().decode((await get("one")).bytes)).toBe("only");
  });
});

describe("listing", () => {
  test("prefix, delimiter, markers, max-keys, truncation", async () => {
    const keys = ["a.txt", "dir/1", "dir/2", "dir/sub/3", "dir2/x", "z"];
    for (const k of keys) await put(k, k);
    const flat = await store.listObjects("bkt", { maxKeys: 1000 });
    expect(flat.objects.map((o) => o.key)).toEqual(keys);
    const top = await store.listObjects("bkt", { delimiter: "/", maxKeys: 1000 });
    expect(top.objects.map((o) => o.key)).toEqual(["a.txt", "z"]);
    expect(top.prefixes).toEqual(["dir/", "dir2/"]);
    const inDir = await store.listObjects("bkt", { prefix: "dir/", delimiter: "/", maxKeys: 1000 });
    expect(inDir.objects.map((o) => o.key)).toEqual(["dir/1", "dir/2"]);
    expect(inDir.prefixes).toEqual(["dir/sub/"]);
    const p1 = await store.listObjects("bkt", { maxKeys: 2 });
    expect(p1.objects.map((o) => o.key)).toEqual(["a.txt", "dir/1"]);
    expect(p1.isTruncated).toBe(true);
    const p2 = await store.listObjects("bkt", { maxKeys: 2, after: p1.nextMarker });
    expect(p2.objects.map((o) => o.key)).toEqual(["dir/2", "dir/sub/3"]);
    const byDash = await store.listObjects("bkt", { delimiter: "r", maxKeys: 1000 });
    expect(byDash.prefixes).toEqual(["dir"]);
    const truncPrefix = await store.listObjects("bkt", { delimiter: "/", maxKeys: 2 });
    expect([...truncPrefix.objects.map((o) => o.key), ...truncPrefix.prefixes]).toEqual(["a.txt", "dir/"]);
    const rest = await store.listObjects("bkt", { delimiter: "/", maxKeys: 10, after: truncPrefix.nextMarker });
    expect([...rest.objects.map((o) => o.key), ...rest.prefixes]).toEqual(["z", "dir2/"]);
  });
});
