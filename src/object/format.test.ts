// Bootstrapping a pool: fresh drives get format.json; a drive that cannot be opened is offline
// (never formatted), and the operator is told why.
import { afterAll, expect, test } from "bun:test";
import { join } from "node:path";
import { DriveError, LocalDrive } from "../disk/index.ts";
import { TempDirs } from "../../test/support/temp-dirs.ts";
import { loadPoolFormat } from "./format.ts";

const temp = new TempDirs();
afterAll(() => temp.cleanup());

test("a fresh pool is formatted; an unopened drive blocks formatting with its open error", async () => {
  const root = temp.make();
  const drives = await Promise.all([1, 2, 3, 4].map((i) => LocalDrive.open(join(root, `d${i}`), { fsync: "none" })));
  const sets = [[0, 1, 2, 3]];
  const openError = new DriveError("FileNotFound", 'Cannot use drive "/proc/x": ENOENT');
  const blocked = loadPoolFormat({ drives: [drives[0], drives[1], drives[2], null], sets, openErrors: [null, null, null, openError] }, { poolIndex: 0 });
  await expect(blocked).rejects.toThrow('1 drive(s) are unusable (first: Cannot use drive "/proc/x": ENOENT)');
  const fmt = await loadPoolFormat({ drives, sets }, { poolIndex: 0 });
  expect(fmt.created).toBe(true);
  expect(fmt.sets[0].map((d) => d?.endpoint)).toEqual(drives.map((d) => d.endpoint));
  // Reopened with one drive missing: the pool comes up with that position offline.
  const again = await loadPoolFormat({ drives: [drives[0], drives[1], null, drives[3]], sets, openErrors: [null, null, openError, null] }, { poolIndex: 0 });
  expect(again.created).toBe(false);
  expect(again.sets[0][2]).toBeNull();
  expect(again.deploymentId).toBe(fmt.deploymentId);
});
