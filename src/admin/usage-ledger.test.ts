// The usage ledger: a count plus this server's changes since, writes in flight counted at once,
// and the rules that keep it from ever counting too little when a count and writes overlap.
import { expect, test } from "bun:test";
import { UsageLedger } from "./usage-ledger.ts";

test("a count, then acknowledged writes and deletes adjust it at once", () => {
  const l = new UsageLedger();
  expect(l.known("b")).toBe(false);
  l.endCount(l.beginCount("b"), 1000, 1);
  expect([l.known("b"), l.bytes("b"), l.countedAt("b")]).toEqual([true, 1000, 1]);
  l.adjust("b", 500);
  l.adjust("b", -200);
  expect(l.bytes("b")).toBe(1300);
  l.endCount(l.beginCount("b"), 1300, 2);
  expect(l.bytes("b")).toBe(1300);
});

test("a reservation counts while the write is in flight; settle keeps its delta, cancel drops it; each once", () => {
  const l = new UsageLedger();
  l.endCount(l.beginCount("b"), 100, 1);
  const r = l.reserve("b", 600);
  expect(l.bytes("b")).toBe(700);
  r.settle(600 - 50); // wrote 600, replaced 50
  r.settle(600);
  expect(l.bytes("b")).toBe(650);
  const c = l.reserve("b", 600);
  c.cancel();
  c.settle(600);
  expect(l.bytes("b")).toBe(650);
});

test("changes during a count: additions stay counted (maybe twice), deletions are left to the count", () => {
  const l = new UsageLedger();
  l.endCount(l.beginCount("b"), 1000, 1);
  l.adjust("b", 100); // before the count: the count sees it
  const token = l.beginCount("b");
  l.adjust("b", 300); // during: the count may or may not see it; kept
  l.adjust("b", -400); // during: may or may not have been seen; left to the count
  expect(l.bytes("b")).toBe(1000 + 100 + 300 - 400);
  l.endCount(token, 1400, 2); // the count saw the 100 and the 300 but not the deletion
  expect(l.bytes("b")).toBe(1400 + 300);
});

test("a failed count keeps the previous estimate and everything changed since", () => {
  const l = new UsageLedger();
  l.endCount(l.beginCount("b"), 1000, 1);
  l.adjust("b", 100);
  const token = l.beginCount("b");
  l.adjust("b", 50);
  l.endCount(token, null, 2);
  expect([l.bytes("b"), l.countedAt("b")]).toEqual([1150, 1]);
  l.endCount(l.beginCount("b"), 1200, 3);
  expect(l.bytes("b")).toBe(1200);
});

test("forget drops the count; a reservation made before settles into the fresh entry; never below zero", () => {
  const l = new UsageLedger();
  l.endCount(l.beginCount("b"), 1000, 1);
  const r = l.reserve("b", 10);
  l.forget("b");
  expect([l.known("b"), l.bytes("b")]).toEqual([false, 0]);
  r.settle(10);
  expect(l.bytes("b")).toBe(10);
  l.adjust("b", -500);
  expect(l.bytes("b")).toBe(0);
});
