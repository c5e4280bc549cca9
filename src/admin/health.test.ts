// The health verdict, as MinIO computes it per erasure set (the quorums come from the object
// layer's storage view; their arithmetic is tested in object/store/storage.test.ts).
import { expect, test } from "bun:test";
import type { AdminSet, DriveState } from "./admin-store.ts";
import { evaluateHealth } from "./health.ts";

const set = (setIndex: number, n: number, parity: number): AdminSet => ({
  pool: 0,
  set: setIndex,
  driveCount: n,
  standardParity: parity,
  rrsParity: 1,
  readQuorum: n - parity,
  writeQuorum: n - parity === parity ? n - parity + 1 : n - parity,
  drives: [],
});
const drive = (s: number, position: number, online: boolean, local = true): DriveState => ({
  pool: 0,
  set: s,
  position,
  endpoint: `/d${s}-${position}`,
  local,
  online,
});

test("every set must hold its quorum; the largest quorum is reported", () => {
  const sets = [set(0, 4, 2), set(1, 4, 2)];
  const states = [0, 1, 2, 3].flatMap((p) => [drive(0, p, true), drive(1, p, p !== 0 && p !== 1)]);
  const h = evaluateHealth(sets, states);
  expect(h.sets.map((s) => [s.online, s.healthy, s.healthyRead])).toEqual([
    [4, true, true],
    [2, false, true],
  ]);
  expect(h).toMatchObject({ healthy: false, healthyRead: true, writeQuorum: 3, readQuorum: 2, healingDrives: 0 });
});

test("maintenance leaves this server's drives out of the count", () => {
  const sets = [set(0, 4, 2)];
  const states = [drive(0, 0, true, true), drive(0, 1, true, false), drive(0, 2, true, false), drive(0, 3, true, false)];
  expect(evaluateHealth(sets, states, { maintenance: true }).healthy).toBe(true);
  states[3].local = true;
  expect(evaluateHealth(sets, states, { maintenance: true }).healthy).toBe(false);
  expect(evaluateHealth(sets, states).healthy).toBe(true);
});
