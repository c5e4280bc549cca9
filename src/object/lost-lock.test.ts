// A write whose namespace lock is lost before it commits (a distributed lock whose lease lost
// quorum) must fail without making anything visible: the previous version stays readable, no
// new version appears and staged data is removed. The locker here is a LocalLocker whose
// grants on chosen resources come with a lost signal that has fired.
import { expect, test } from "bun:test";
import { SYSTEM_VOLUME } from "../disk/index.ts";
import { useCodec } from "../../test/support/use-codec.ts";
import { bodyOf, md5hex, openTestStore, randomBytes, readAllBody, type TestStore } from "../../test/support/object-harness.ts";
import { LocalLocker, ObjectError, type NamespaceLocker, type Release } from "./index.ts";

const { codec, temp } = useCodec();

class LosingLocker implements NamespaceLocker {
  readonly inner = new LocalLocker();
  /** Resources (names or patterns) whose next grant is lost at once. */
  readonly #lose: (string | RegExp)[] = [];

  lose(resource: string | RegExp): void {
    this.#lose.push(resource);
  }

  async lock(resources: string[], mode: "read" | "write", timeoutMs?: number): Promise<Release> {
    const release = await this.inner.lock(resources, mode, timeoutMs);
    const lease = new AbortController();
    const i = this.#lose.findIndex((m) => resources.some((r) => (typeof m === "string" ? r === m : m.test(r))));
    if (i >= 0) {
      this.#lose.splice(i, 1);
      lease.abort(new Error("lease lost quorum"));
    }
    return Object.assign(() => release(), { lost: lease.signal });
  }
}

async function open(): Promise<{ t: TestStore; locker: LosingLocker }> {
  const locker = new LosingLocker();
  const t = await openTestStore(temp, codec, { drives: 4, locker });
  await t.store.makeBucket("bkt");
  await t.store.setBucketConfig("bkt", "versioning", new TextEncoder().encode("<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>"));
  return { t, locker };
}

async function expectLost(p: Promise<unknown>, resource: string): Promise<void> {
  const err = await p.then(
    () => new Error("committed"),
    (e) => e,
  );
  expect(err).toBeInstanceOf(ObjectError);
  expect([(err as ObjectError).kind, (err as ObjectError).message]).toEqual(["OperationTimedOut", `Lock on "${resource}" was lost before commit`]);
}

const versionsOf = async (t: TestStore, key: string) => (await t.store.listObjectVersions("bkt", { prefix: key, maxKeys: 100 })).versions;

async function stagedLeft(t: TestStore): Promise<number> {
  let n = 0;
  // Removed staging goes to tmp/.trash/ first (the drive empties it in the background).
  for (const d of t.drives) n += (await d.listDir(SYSTEM_VOLUME, "tmp").catch(() => [])).filter((e) => !e.startsWith(".trash")).length;
  return n;
}

async function eventually(cond: () => Promise<boolean>): Promise<boolean> {
  for (let i = 0; i < 400; i++) {
    if (await cond()) return true;
    await Bun.sleep(5);
  }
  return cond();
}

test("PUT: the lock lost while the body streams in fails the PUT; the old version stays, nothing new appears, staging is removed", async () => {
  const { t, locker } = await open();
  try {
    const old = randomBytes(300_000, 1);
    const first = await t.store.putObject("bkt", "k", bodyOf(old), { size: old.length, userMeta: {} });
    const next = randomBytes(300_000, 2);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(c) {
        if (sent >= next.length) return c.close();
        // Half way through the body the lease is lost.
        if (sent > next.length / 2) locker.lose("bkt/k");
        c.enqueue(next.slice(sent, sent + 64 * 1024));
        sent += 64 * 1024;
      },
    });
    await expectLost(t.store.putObject("bkt", "k", body, { size: next.length, userMeta: {} }), "bkt/k");
    expect(md5hex(await readAllBody((await t.store.getObject("bkt", "k")).body))).toBe(md5hex(old));
    expect((await versionsOf(t, "k")).map((v) => v.versionId)).toEqual([first.versionId]);
    expect(await eventually(async () => (await stagedLeft(t)) === 0)).toBe(true);
    // The next PUT, under a lock that holds, commits.
    await t.store.putObject("bkt", "k", bodyOf(next), { size: next.length, userMeta: {} });
    expect(md5hex(await readAllBody((await t.store.getObject("bkt", "k")).body))).toBe(md5hex(next));
  } finally {
    await t.close();
  }
});

test("DELETE under a lost lock adds no delete marker and removes nothing", async () => {
  const { t, locker } = await open();
  try {
    const v = await t.store.putObject("bkt", "d", bodyOf("keep me"), { size: 7, userMeta: {} });
    locker.lose("bkt/d");
    await expectLost(t.store.deleteObject("bkt", "d"), "bkt/d");
    locker.lose("bkt/d");
    await expectLost(t.store.deleteObject("bkt", "d", { versionId: v.versionId }), "bkt/d");
    expect((await versionsOf(t, "d")).map((x) => [x.versionId, x.deleteMarker])).toEqual([[v.versionId, false]]);
  } finally {
    await t.close();
  }
});

test("multipart: a part and a Complete under a lost lock commit nothing; the upload can still be completed", async () => {
  const { t, locker } = await open();
  try {
    const old = await t.store.putObject("bkt", "m", bodyOf("old"), { size: 3, userMeta: {} });
    const uploadId = await t.store.newMultipartUpload("bkt", "m", { userMeta: {} });
    const data = randomBytes(100_000, 3);
    locker.lose(/\/part\.1$/);
    const err = await t.store.putObjectPart("bkt", "m", uploadId, 1, bodyOf(data), { size: data.length }).catch((e) => e);
    expect([err.kind, /^Lock on ".*" was lost before commit$/.test(err.message)]).toEqual(["OperationTimedOut", true]);
    expect((await t.store.listObjectParts("bkt", "m", uploadId, { partNumberMarker: 0, maxParts: 10 })).parts).toEqual([]);
    const part = await t.store.putObjectPart("bkt", "m", uploadId, 1, bodyOf(data), { size: data.length });
    locker.lose("bkt/m");
    await expectLost(t.store.completeMultipartUpload("bkt", "m", uploadId, [{ partNumber: 1, etag: part.etag }]), "bkt/m");
    expect((await versionsOf(t, "m")).map((x) => x.versionId)).toEqual([old.versionId]);
    await t.store.completeMultipartUpload("bkt", "m", uploadId, [{ partNumber: 1, etag: part.etag }]);
    expect(md5hex(await readAllBody((await t.store.getObject("bkt", "m")).body))).toBe(md5hex(data));
  } finally {
    await t.close();
  }
});

test("a metadata rewrite under a lost lock leaves the metadata as it was", async () => {
  const { t, locker } = await open();
  try {
    const v = await t.store.putObject("bkt", "u", bodyOf("x"), { size: 1, userMeta: { "x-amz-meta-a": "1" } });
    locker.lose("bkt/u");
    await expectLost(
      t.store.updateObjectMeta("bkt", "u", v.versionId, (m) => ({ ...m, "x-amz-meta-a": "2" })),
      "bkt/u",
    );
    expect((await t.store.getObjectInfo("bkt", "u")).userMeta["x-amz-meta-a"]).toBe("1");
  } finally {
    await t.close();
  }
});
