// Fault injection on one erasure set (4 drives EC 2+2, 6 drives EC 3+3 and 4+2): up to p drives
// offline, failing writes or reads, slow, hanging past the deadline, or returning corrupt bytes
// → every read is correct, writes succeed while write quorum holds, and heal (on read and
// explicit) restores full redundancy. p+1 failures → clean quorum errors, nothing half-written
// visible. Every case ends by checking that no acknowledged object was lost.
import { describe, expect, test } from "bun:test";
import { useCodec } from "../../test/support/use-codec.ts";
import { openTestStore, type TestStore } from "../../test/support/object-harness.ts";
import { Ledger, SIZES, blocksReads, blocksWrites, clearFaults, faultsFor, pickPositions, type FaultKind } from "../../test/support/fault-scenario.ts";
import type { FaultyDrive } from "../../test/support/faulty-drive.ts";
import { writeQuorum } from "./quorum.ts";

const { codec, temp } = useCodec();

interface Config {
  n: number;
  d: number;
  p: number;
  /** Drives behind a WireDrive (every call crosses as plain data, as over RPC). */
  wire?: boolean;
}

const CONFIGS: Config[] = [
  { n: 4, d: 2, p: 2 },
  { n: 6, d: 3, p: 3 },
  { n: 6, d: 4, p: 2 },
];
const KINDS: FaultKind[] = ["offline", "failWrites", "failReads", "slow", "hang", "corrupt"];
/**
 * Hanging drives must miss the deadline (once: they are then out of service), so those cases
 * use a short one; every other case a long one, so a loaded 2-core machine never makes a
 * healthy drive look hung.
 */
const HANG_TIMEOUT_MS = 2_000;
const DRIVE_TIMEOUT_MS = 10_000;

async function openStore(c: Config, kind: FaultKind): Promise<{ t: TestStore; ledger: Ledger; drives: FaultyDrive[] }> {
  const driveTimeoutMs = kind === "hang" ? HANG_TIMEOUT_MS : DRIVE_TIMEOUT_MS;
  const t = await openTestStore(temp, codec, { drives: c.n, settings: { standardParity: c.p, driveTimeoutMs }, wire: c.wire });
  await t.store.makeBucket("bkt");
  const ledger = new Ledger(() => t.store, "bkt");
  return { t, ledger, drives: t.store.sets[0].drives as FaultyDrive[] };
}

/** Seeds one object per size and checks the layout really is d+p. */
async function seed(ledger: Ledger, c: Config): Promise<void> {
  for (const [i, size] of SIZES.entries()) expect(await ledger.put(`seed/${i}`, size, 100 + i)).toBe("ok");
  const info = await ledger.store().sets[0].drives[0]!.readVersion("bkt", "seed/3", "", { readData: false });
  expect([info.erasure!.dataBlocks, info.erasure!.parityBlocks]).toEqual([c.d, c.p]);
}

/** Faults off; drives taken out of service by missed deadlines are probed back in. */
async function restore(t: TestStore, drives: FaultyDrive[]): Promise<void> {
  clearFaults(drives);
  await t.store.probeDrives();
}

/** Heal on read (GET every key, drain the queue), then an explicit heal of every key. */
async function healEverything(t: TestStore, ledger: Ledger): Promise<void> {
  await ledger.expectAllReadable();
  await t.store.heals.drain();
  for (const key of ledger.acked.keys()) await t.store.healObject("bkt", key, { deep: true });
}

/**
 * Drives back in service, then: every acknowledged object reads and lists, heal restores full
 * redundancy, and all of it survives a reopen.
 */
async function restoreAndVerify(t: TestStore, ledger: Ledger, drives: FaultyDrive[]): Promise<void> {
  await restore(t, drives);
  await ledger.expectAllReadable();
  await ledger.expectListingExact();
  await healEverything(t, ledger);
  await ledger.expectFullRedundancy();
  await t.reopen();
  await ledger.expectAllReadable();
  await ledger.expectListingExact();
}

for (const c of [...CONFIGS, ...CONFIGS.map((c) => ({ ...c, wire: true }))]) {
  describe(`${c.wire ? "WireDrive: " : ""}${c.n} drives, EC ${c.d}+${c.p}`, () => {
    for (const kind of KINDS) {
      for (let k = 1; k <= c.p; k++) {
        test(`${k} drive(s) ${kind}: reads correct, writes as quorum allows, heal restores redundancy`, async () => {
          const { t, ledger, drives } = await openStore(c, kind);
          try {
            await seed(ledger, c);
            const bad = pickPositions(c.n, k, k * 7 + kind.length);
            for (const pos of bad) drives[pos].faults = faultsFor(kind);
            await ledger.expectAllReadable();
            const writable = !blocksWrites(kind) || c.n - k >= writeQuorum(c.d, c.p);
            for (const [i, size] of SIZES.entries()) {
              const got = await ledger.put(`new/${i}`, size, 200 + i);
              expect(got).toBe(writable ? "ok" : "WriteQuorum");
            }
            // overwrite a seeded object: acknowledged → new content; refused → the old content stays
            const overwrite = await ledger.put("seed/2", 700_000, 300);
            expect(overwrite).toBe(writable ? "ok" : "WriteQuorum");
            await ledger.expectAllReadable();
            await ledger.expectListingExact();
            await restoreAndVerify(t, ledger, drives);
          } finally {
            clearFaults(drives);
            await t.close();
          }
        }, 30_000);
      }
      test(`${c.p + 1} drives ${kind}: clean quorum errors, nothing half-written, nothing acknowledged lost`, async () => {
        const { t, ledger, drives } = await openStore(c, kind);
        try {
          await seed(ledger, c);
          const bad = pickPositions(c.n, c.p + 1, 11 + kind.length);
          for (const pos of bad) drives[pos].faults = faultsFor(kind);
          if (blocksReads(kind)) {
            for (const key of ledger.acked.keys()) {
              const md5 = await ledger.md5Of(key);
              // an empty object has no shards to lose: it reads whenever its metadata does
              if (md5 !== ledger.acked.get(key)) expect(`${key}: ${md5}`).toBe(`${key}: error:ReadQuorum`);
            }
          } else await ledger.expectAllReadable();
          const before = new Map(ledger.acked);
          const results = [await ledger.put("seed/1", 9_000, 400), await ledger.put("fresh", 600_000, 401)];
          if (blocksWrites(kind)) expect(results).toEqual(["WriteQuorum", "WriteQuorum"]);
          else expect(results).toEqual(["ok", "ok"]);
          if (blocksWrites(kind)) expect(ledger.acked).toEqual(before);
          await restoreAndVerify(t, ledger, drives);
        } finally {
          clearFaults(drives);
          await t.close();
        }
      }, 30_000);
    }
  });
}
