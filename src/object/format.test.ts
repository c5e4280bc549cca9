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

test("in a cluster: only the pool's first server creates it, and a server formats only its own replaced drives", async () => {
  const root = temp.make();
  const paths = [1, 2, 3, 4].map((i) => join(root, `d${i}`));
  const drives = await Promise.all(paths.map((p) => LocalDrive.open(p, { fsync: "none" })));
  const sets = [[0, 1, 2, 3]];
  const pending = loadPoolFormat({ drives, sets }, { poolIndex: 0, mayCreate: false });
  await expect(pending).rejects.toMatchObject({ kind: "FormatPending" });
  // Nothing was written by the server that may not create.
  for (const d of drives) await expect(d.readAll(".minio.sys", "format.json")).rejects.toBeInstanceOf(DriveError);
  // The creating server with a drive still unreachable waits too (FormatPending, not a refusal).
  const missing = loadPoolFormat({ drives: [drives[0], drives[1], drives[2], null], sets }, { poolIndex: 0, mayCreate: true });
  await expect(missing).rejects.toMatchObject({ kind: "FormatPending" });
  const fmt = await loadPoolFormat({ drives, sets }, { poolIndex: 0, mayCreate: true });
  expect(fmt.created).toBe(true);
  // Drive 4 is replaced by an empty one: the server that does not own it leaves it offline…
  await drives[3].delete(".minio.sys", "format.json", { recursive: false });
  const other = await loadPoolFormat({ drives, sets }, { poolIndex: 0, mayCreate: false, mayFormat: (i) => i !== 3 });
  expect(other.sets[0][3]).toBeNull();
  expect(other.freshDrives).toEqual([]);
  await expect(drives[3].readAll(".minio.sys", "format.json")).rejects.toBeInstanceOf(DriveError);
  // …and its own server formats it into the deployment.
  const owner = await loadPoolFormat({ drives, sets }, { poolIndex: 0, mayCreate: false, mayFormat: (i) => i === 3 });
  expect(owner.freshDrives).toEqual([{ set: 0, position: 3 }]);
  expect(owner.deploymentId).toBe(fmt.deploymentId);
});
