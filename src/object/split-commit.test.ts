// A crash in the middle of an overwrite, made deterministic: the new version reached only some
// drives (and could not be undone), the others still hold the old one. With more data than
// parity shards (EC 4+2, 12+4) neither side can have read quorum on its own, yet the old
// object must still be served — whole — and heal must make the set consistent again.
import { describe, expect, test } from "bun:test";
import { useCodec } from "../../test/support/use-codec.ts";
import { bodyOf, md5hex, openTestStore, randomBytes, readAllBody, type TestStore } from "../../test/support/object-harness.ts";
import { damagedPositions } from "../../test/support/shard-check.ts";
import type { FaultyDrive } from "../../test/support/faulty-drive.ts";

const { codec, temp } = useCodec();

async function md5Of(t: TestStore, key: string): Promise<string> {
  try {
    return md5hex(await readAllBody((await t.store.getObject("bkt", key)).body));
  } catch (err) {
    return `error:${(err as { kind?: string }).kind}`;
  }
}

/** Overwrites `key` so that only drives `reached` commit and none of them can undo: a crash's footprint. */
async function halfOverwrite(t: TestStore, key: string, size: number, reached: number[]): Promise<void> {
  const drives = t.store.sets[0].drives as FaultyDrive[];
  drives.forEach((d, pos) => {
    d.faults = reached.includes(pos) ? { failOn: (m) => m === "writeAll" || m === "deleteVersion" } : { failOn: (m) => m === "renameData" };
  });
  const data = randomBytes(size, 999);
  const err = await t.store.putObject("bkt", key, bodyOf(data), { size, userMeta: {} }).catch((e) => e);
  expect(err.kind).toBe("WriteQuorum");
  for (const d of drives) d.faults = {};
}

for (const { n, parity, wire } of [
  { n: 6, parity: 2 },
  { n: 16, parity: 4 },
  { n: 6, parity: 2, wire: true },
  { n: 16, parity: 4, wire: true },
]) {
  describe(`${wire ? "WireDrive: " : ""}EC ${n - parity}+${parity}: an overwrite that reached too few drives to win, too many for the old version to keep quorum`, () => {
    for (const [label, size] of [
      ["part-file object", 700_000],
      ["inline object", 5_000],
    ] as const) {
      test(`${label}: the old object is served whole, and heal makes it consistent`, async () => {
        const t = await openTestStore(temp, codec, { drives: n, settings: { standardParity: parity }, wire });
        try {
          await t.store.makeBucket("bkt");
          const old = randomBytes(size, 1);
          await t.store.putObject("bkt", "k", bodyOf(old), { size, userMeta: {} });
          // reached: the largest minority that still leaves the old version below read quorum
          const d = n - parity;
          const reached = Array.from({ length: n - d + 1 }, (_, i) => i);
          expect(reached.length).toBeLessThan(d);
          expect(n - reached.length).toBeLessThan(d);
          await halfOverwrite(t, "k", size + 1234, reached);
          await t.reopen();
          expect(await md5Of(t, "k")).toBe(md5hex(old));
          expect((await t.store.listObjects("bkt", { maxKeys: 10 })).objects.map((o) => o.key)).toEqual(["k"]);
          const res = await t.store.healAll();
          expect(res.failed).toEqual([]);
          expect(await damagedPositions(t.store, "bkt", "k")).toEqual([]);
          for (const drive of t.store.sets[0].drives) {
            const fi = await (drive as FaultyDrive).inner.readVersion("bkt", "k", "", { readData: false });
            expect(fi.size).toBe(size);
            expect(fi.numVersions).toBe(1);
          }
          await t.reopen();
          expect(await md5Of(t, "k")).toBe(md5hex(old));
        } finally {
          await t.close();
        }
      }, 60_000);
    }
  });
}
