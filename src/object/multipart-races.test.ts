// Multipart uploads racing themselves on a 4-drive (EC 2+2) store: the same part number
// uploaded twice with the commits overlapping, and a drive that misses a re-upload. The part
// that answered last must be the one every drive holds and the one Complete assembles.
import { afterEach, beforeEach, expect, test } from "bun:test";
import { ObjectError } from "./object-error.ts";
import { useCodec } from "../../test/support/use-codec.ts";
import { bodyOf, md5hex, openTestStore, randomBytes, readAllBody, type TestStore } from "../../test/support/object-harness.ts";

const { codec, temp } = useCodec();
let t: TestStore;

beforeEach(async () => {
  t = await openTestStore(temp, codec, { drives: 4 });
  await t.store.makeBucket("bkt");
});
afterEach(async () => {
  await t.close();
});

const part = (id: string, data: Uint8Array) => t.store.putObjectPart("bkt", "k", id, 1, bodyOf(data), { size: data.length });

async function completedBytes(id: string, etag: string): Promise<Buffer> {
  await t.store.completeMultipartUpload("bkt", "k", id, [{ partNumber: 1, etag }]);
  return Buffer.from(await readAllBody((await t.store.getObject("bkt", "k", {})).body));
}

test("an earlier-started part whose commit is slow on one drive: the one that answers last wins on every drive", async () => {
  const id = await t.store.newMultipartUpload("bkt", "k", { userMeta: {} });
  const a = randomBytes(300_000, 1);
  const b = randomBytes(300_000, 2);
  // A's move of part.1 into the upload stalls on drive 0 until released.
  const d0 = t.drives[0];
  const inner = d0.renameFile.bind(d0);
  let stalled!: () => void;
  const atStall = new Promise<void>((r) => (stalled = r));
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let first = true;
  d0.renameFile = async (sv, sp, dv, dp) => {
    if (first && dp.endsWith("/part.1")) {
      first = false;
      stalled();
      await gate;
    }
    return inner(sv, sp, dv, dp);
  };
  const order: string[] = [];
  const pa = part(id, a).then((r) => (order.push("a"), r));
  await atStall;
  const pb = part(id, b).then((r) => (order.push("b"), r));
  // Without exclusion B commits on every drive while A is stalled; give it the chance.
  await Promise.race([pb, Bun.sleep(300)]);
  release();
  const [ra, rb] = await Promise.all([pa, pb]);
  expect(ra.etag).toBe(md5hex(a));
  expect(rb.etag).toBe(md5hex(b));
  const winner = order[1] === "a" ? { data: a, etag: ra.etag, loser: rb.etag } : { data: b, etag: rb.etag, loser: ra.etag };
  const listed = await t.store.listObjectParts("bkt", "k", id, { partNumberMarker: 0, maxParts: 10 });
  expect(listed.parts.map((p) => p.etag)).toEqual([winner.etag]);
  const err = await t.store.completeMultipartUpload("bkt", "k", id, [{ partNumber: 1, etag: winner.loser }]).catch((e) => e);
  expect(err).toBeInstanceOf(ObjectError);
  expect((err as ObjectError).kind).toBe("InvalidPart");
  expect((await completedBytes(id, winner.etag)).equals(Buffer.from(winner.data))).toBe(true);
  // Every drive's shard belongs to the winner: any two drives decode it.
  for (const off of [
    [0, 1],
    [2, 3],
    [0, 3],
  ]) {
    for (const [i, d] of t.drives.entries()) d.faults = off.includes(i) ? {} : { offline: true };
    expect(Buffer.from(await readAllBody((await t.store.getObject("bkt", "k", {})).body)).equals(Buffer.from(winner.data))).toBe(true);
  }
  for (const d of t.drives) d.faults = {};
});

test("a drive that failed to take a re-uploaded part does not mix the old part into the object", async () => {
  const id = await t.store.newMultipartUpload("bkt", "k", { userMeta: {} });
  const old = randomBytes(200_000, 3);
  const now = randomBytes(200_000, 4);
  await part(id, old);
  // Drive 1 cannot take the new part: it still holds the old part.1 and part.1.meta.
  t.drives[1].faults = { failOn: (m, args) => m === "renameFile" && String(args[3]).endsWith("/part.1") };
  const r = await part(id, now);
  t.drives[1].faults = {};
  expect(r.etag).toBe(md5hex(now));
  expect((await completedBytes(id, r.etag)).equals(Buffer.from(now))).toBe(true);
  for (const off of [
    [0, 1],
    [1, 2],
    [1, 3],
  ]) {
    for (const [i, d] of t.drives.entries()) d.faults = off.includes(i) ? {} : { offline: true };
    const got = await t.store.getObject("bkt", "k", {}).then(
      async (g) => Buffer.from(await readAllBody(g.body)),
      (e) => e,
    );
    // Either the right bytes or a clean refusal (drive 1 holds no usable shard): never old ones.
    if (got instanceof Buffer) expect(got.equals(Buffer.from(now))).toBe(true);
    else expect(got).toBeInstanceOf(ObjectError);
  }
  for (const d of t.drives) d.faults = {};
});
