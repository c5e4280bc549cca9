// LockTable: shared reads, exclusive writes, all-or-nothing grants, idempotent retries, leases
// that expire without refresh (driven by explicit clock values, never by waiting).
import { afterEach, expect, test } from "bun:test";
import { LockTable, type LockRequest } from "./lock-table.ts";

const tables: LockTable[] = [];
afterEach(() => {
  for (const t of tables.splice(0)) t.close();
});

function table(validityMs = 60_000): LockTable {
  const t = new LockTable({ validityMs });
  tables.push(t);
  return t;
}

const req = (uid: string, mode: "read" | "write", ...resources: string[]): LockRequest => ({ uid, resources, mode, owner: "node-a" });

test("reads share a resource, a write excludes reads and writes", () => {
  const t = table();
  expect(t.lock(req("r1", "read", "b/o"))).toBe(true);
  expect(t.lock(req("r2", "read", "b/o"))).toBe(true);
  expect(t.lock(req("w1", "write", "b/o"))).toBe(false);
  t.unlock("r1", ["b/o"]);
  expect(t.lock(req("w1", "write", "b/o"))).toBe(false);
  t.unlock("r2", ["b/o"]);
  expect(t.lock(req("w1", "write", "b/o"))).toBe(true);
  expect(t.lock(req("r3", "read", "b/o"))).toBe(false);
  expect(t.lock(req("w2", "write", "b/o"))).toBe(false);
  expect(t.lock(req("w3", "write", "b/other"))).toBe(true);
});

test("a grant is all or nothing over its resources", () => {
  const t = table();
  expect(t.lock(req("w1", "write", "b/2"))).toBe(true);
  expect(t.lock(req("w2", "write", "b/1", "b/2", "b/3"))).toBe(false);
  // Nothing of the refused request stayed behind.
  expect(t.lock(req("w3", "write", "b/1"))).toBe(true);
  expect(t.lock(req("w4", "write", "b/3"))).toBe(true);
  expect(
    t
      .list()
      .map((g) => g.uid)
      .sort(),
  ).toEqual(["w1", "w3", "w4"]);
});

test("the same uid asking again is granted again, and one unlock frees it", () => {
  const t = table();
  expect(t.lock(req("w1", "write", "b/o"))).toBe(true);
  expect(t.lock(req("w1", "write", "b/o"))).toBe(true);
  t.unlock("w1", ["b/o"]);
  expect(t.list()).toEqual([]);
  expect(t.lock(req("w2", "write", "b/o"))).toBe(true);
  // Unlocking an unknown uid, or twice, changes nothing.
  t.unlock("w1", ["b/o"]);
  t.unlock("nobody", ["b/o"]);
  expect(t.lock(req("w3", "write", "b/o"))).toBe(false);
});

test("a lease not refreshed within the validity expires; a refreshed one stays", () => {
  const t = table(1_000);
  const start = Date.now();
  expect(t.lock(req("w1", "write", "b/o"), start)).toBe(true);
  expect(t.lock(req("w2", "write", "b/p"), start)).toBe(true);
  expect(t.refresh("w2", start + 900)).toBe(true);
  t.expire(start + 1_500);
  expect(t.list().map((g) => g.uid)).toEqual(["w2"]);
  expect(t.refresh("w1", start + 1_500)).toBe(false);
  expect(t.lock(req("w3", "write", "b/o"), start + 1_500)).toBe(true);
  expect(t.lock(req("w4", "write", "b/p"), start + 1_500)).toBe(false);
});

test("an expired holder does not block a new grant even before the sweep ran", () => {
  const t = table(1_000);
  const start = Date.now();
  expect(t.lock(req("dead", "write", "b/o"), start)).toBe(true);
  expect(t.lock(req("next", "write", "b/o"), start + 500)).toBe(false);
  expect(t.lock(req("next", "write", "b/o"), start + 2_000)).toBe(true);
  expect(t.refresh("dead", start + 2_000)).toBe(false);
});

test("forceUnlock drops every grant on a resource", () => {
  const t = table();
  expect(t.lock(req("r1", "read", "b/o"))).toBe(true);
  expect(t.lock(req("r2", "read", "b/o", "b/p"))).toBe(true);
  t.forceUnlock("b/o");
  expect(t.lock(req("w1", "write", "b/o"))).toBe(true);
  // r2 keeps what it held elsewhere.
  expect(t.lock(req("w2", "write", "b/p"))).toBe(false);
  expect(t.refresh("r1")).toBe(false);
  expect(t.refresh("r2")).toBe(true);
});

test("the table's own timer sweeps expired grants", async () => {
  const t = new LockTable({ validityMs: 20, sweepMs: 5 });
  tables.push(t);
  expect(t.lock(req("w1", "write", "b/o"))).toBe(true);
  for (let i = 0; i < 400 && t.list().length > 0; i++) await Bun.sleep(5);
  expect(t.list()).toEqual([]);
});
