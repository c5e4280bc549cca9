// Quorum arithmetic and the health verdict, as MinIO computes them per erasure set.
import { expect, test } from "bun:test";
import type { AdminSet, DriveState } from "./admin-store.ts";
import { evaluateHealth, setQuorums } from "./health.ts";

test("write quorum is the data drive count, one more when data equals parity", () => {
  expect(setQuorums(4, 2)).toEqual({ read: 2, write: 3 });
  expect(setQuorums(6, 3)).toEqual({ read: 3, write: 4 });
  expect(setQuorums(6, 2)).toEqual({ read: 4, write: 4 });
  expect(setQuorums(16, 4)).toEqual({ read: 12, write: 12 });
  expect(setQuorums(2, 1)).toEqual({ read: 1, write: 2 });
  expect(setQuorums(1, 0)).toEqual({ read: 1, write: 1 });
});

const set = (setIndex: number, n: number, parity: number): AdminSet => ({
  drives: Array.from({ length: n }, () => null),
  poolIndex: 0,
  setIndex,
  settings: { standardParity: parity, rrsParity: 1 },
});
const drive = (s: number, position: number, online: boolean, local = true): DriveState => ({ pool: 0, set: s, position, endpoint: `/d${s}-${position}`, local, online });

test("every set must hold its quorum; the largest quorum is reported", () => {
  const sets = [set(0, 4, 2), set(1, 4, 2)];
  const states = [0, 1, 2, 3].flatMap((p) => [drive(0, p, true), drive(1, p, p !== 0 && p !== 1)]);
  const h = evaluateHealth(sets, states);
  expect(h.sets.map((s) => [s.online, s.healthy, s.healthyRead])).toEqual([[4, true, true], [2, false, true]]);
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
