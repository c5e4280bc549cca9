// Versions whose stored bytes are not the object's (encrypted or compressed, as their MetaSys
// says): written with the stored size and the actual size apart, read back only by a caller that
// says which stored bytes it wants (never served raw otherwise), with preconditions judged on
// the version as that caller shows it; parts record their actual size and the ETag they are given.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { ErasurePool } from "../ec/index.ts";
import { TempDirs } from "../../test/support/temp-dirs.ts";
import { bodyOf, openTestStore, randomBytes, readAllBody, type TestStore } from "../../test/support/object-harness.ts";
import { MIN_PART_SIZE, ObjectError, type ObjectInfo, type UploadMeta, isTransformed } from "./index.ts";

const temp = new TempDirs();
let codec: ErasurePool;
let t: TestStore;
const SSE = { "X-Minio-Internal-Server-Side-Encryption-Seal-Algorithm": new TextEncoder().encode("DAREv2-HMAC-SHA256") };

beforeAll(async () => {
  codec = new ErasurePool({ workers: 1 });
  t = await openTestStore(temp, codec, { drives: 4, settings: { standardParity: 2 } });
  await t.store.makeBucket("bkt");
});
afterAll(async () => {
  await t.close();
  await codec.close();
  temp.cleanup();
});

const errorKind = (p: Promise<unknown>) =>
  p.then(
    () => "resolved",
    (e: unknown) => (e instanceof ObjectError ? e.kind : String(e)),
  );

test("a transformed version keeps stored and actual size apart, and its body check's ETag", async () => {
  const stored = randomBytes(300_000, 3);
  const info = await t.store.putObject("bkt", "enc", bodyOf(stored), {
    size: stored.length,
    actualSize: 299_000,
    userMeta: {},
    sysMeta: SSE,
    check: () => ({ etag: "ab".repeat(48) }),
  });
  expect(info).toMatchObject({ size: 299_000, storedSize: 300_000, etag: "ab".repeat(48) });
  expect(info.sse).toEqual({ "X-Minio-Internal-Server-Side-Encryption-Seal-Algorithm": "DAREv2-HMAC-SHA256" });
  expect(isTransformed(info)).toBe(true);
  const head = await t.store.getObjectInfo("bkt", "enc", { stored: (i) => ({ info: i, range: null }) });
  expect(head.parts).toEqual([{ number: 1, size: 299_000, storedSize: 300_000, etag: undefined }]);
});

test("without a reader for it, a transformed version is refused, never served as stored", async () => {
  expect(await errorKind(t.store.getObject("bkt", "enc"))).toBe("Unsupported");
  expect(await errorKind(t.store.getObjectInfo("bkt", "enc"))).toBe("Unsupported");
  expect(await errorKind(t.store.getObject("bkt", "enc", { range: { start: 0, end: 9 } }))).toBe("Unsupported");
  // A copy reads its source through the same path.
  expect(await errorKind(t.store.copyObject("bkt", "enc", "bkt", "copy", { metadataDirective: "COPY", userMeta: {} }))).toBe("Unsupported");
});

test("the reader chooses the stored bytes; preconditions see its view of the version", async () => {
  const stored = randomBytes(300_000, 3);
  const seen: ObjectInfo[] = [];
  const view = (range: { start: number; end: number } | null) => (info: ObjectInfo) => {
    seen.push(info);
    return { info: { ...info, etag: "0123456789abcdef0123456789abcdef", size: 299_000 }, range };
  };
  const r = await t.store.getObject("bkt", "enc", { stored: view({ start: 65_000, end: 200_000 }), range: { start: 0, end: 0 }, partNumber: 1 });
  expect(r.info.etag).toBe("0123456789abcdef0123456789abcdef");
  expect(r.range).toEqual({ start: 65_000, end: 200_000 });
  expect(await readAllBody(r.body)).toEqual(stored.subarray(65_000, 200_001));
  expect(seen[0].etag).toBe("ab".repeat(48)); // the stored version, as the reader was given it
  const empty = await t.store.getObject("bkt", "enc", { stored: view(null) });
  expect((await readAllBody(empty.body)).length).toBe(0);
  const visible = { ifMatch: '"0123456789abcdef0123456789abcdef"' };
  const ok = await t.store.getObject("bkt", "enc", { stored: view(null), preconditions: visible });
  await ok.body.cancel();
  expect(await errorKind(t.store.getObject("bkt", "enc", { stored: view(null), preconditions: { ifMatch: "ab".repeat(48) } }))).toBe("PreconditionFailed");
  expect(await errorKind(t.store.getObjectInfo("bkt", "enc", { stored: view(null), preconditions: { ifNoneMatch: visible.ifMatch } }))).toBe("Unmodified");
});

test("an untransformed version ignores the reader and keeps its ranges", async () => {
  const data = randomBytes(1000, 4);
  await t.store.putObject("bkt", "plain", bodyOf(data), { size: data.length, userMeta: {} });
  let called = false;
  const r = await t.store.getObject("bkt", "plain", {
    range: { start: 10, end: 19 },
    stored: (info) => {
      called = true;
      return { info, range: null };
    },
  });
  expect(await readAllBody(r.body)).toEqual(data.subarray(10, 20));
  expect(called).toBe(false);
  expect(r.info.storedSize).toBe(1000);
});

test("parts record the actual size, the ETag their check gives, and are told how the upload is stored", async () => {
  const id = await t.store.newMultipartUpload("bkt", "mp", {
    userMeta: {},
    sysMeta: {
      ...SSE,
      "X-Minio-Internal-Encrypted-Multipart": new Uint8Array(),
      "X-Minio-Internal-compression": new TextEncoder().encode("klauspost/compress/s2"),
    },
  });
  const bodies = [randomBytes(MIN_PART_SIZE + 32, 5), randomBytes(1000, 6)];
  const seen: UploadMeta[] = [];
  for (const [i, b] of bodies.entries()) {
    await t.store.putObjectPart("bkt", "mp", id, i + 1, bodyOf(b), {
      size: b.length,
      actualSize: b.length - 32,
      onUpload: async (u) => {
        seen.push(u);
      },
      check: () => ({ etag: `${i + 1}`.repeat(32) }),
    });
  }
  expect(seen[0]).toEqual({
    userMeta: { "content-type": "binary/octet-stream" },
    sse: { "X-Minio-Internal-Server-Side-Encryption-Seal-Algorithm": "DAREv2-HMAC-SHA256", "X-Minio-Internal-Encrypted-Multipart": "" },
    compression: "klauspost/compress/s2",
  });
  const listed = await t.store.listObjectParts("bkt", "mp", id, { partNumberMarker: 0, maxParts: 10 });
  expect(listed.parts.map((p) => [p.etag, p.size])).toEqual([
    ["1".repeat(32), MIN_PART_SIZE],
    ["2".repeat(32), 968],
  ]);
  const done = await t.store.completeMultipartUpload("bkt", "mp", id, [
    { partNumber: 1, etag: "1".repeat(32) },
    { partNumber: 2, etag: "2".repeat(32) },
  ]);
  expect(done).toMatchObject({ size: MIN_PART_SIZE + 968, storedSize: MIN_PART_SIZE + 32 + 1000 });
  expect(done.parts.map((p) => [p.size, p.storedSize])).toEqual([
    [MIN_PART_SIZE, MIN_PART_SIZE + 32],
    [968, 1000],
  ]);
  expect(done.sse?.["X-Minio-Internal-Encrypted-Multipart"]).toBe("");
});
