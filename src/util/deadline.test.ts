// The one deadline helper: a promise raced against a timer, and the same per step of a stream.
import { expect, test } from "bun:test";
import { withDeadline, withStepDeadline } from "./index.ts";

const never = () => new Promise<never>(() => {});

test("a promise that settles in time passes through; the timeout callback never runs", async () => {
  let called = 0;
  expect(await withDeadline(Promise.resolve(7), 1_000, () => (called++, new Error("late")))).toBe(7);
  await expect(withDeadline(Promise.reject(new Error("own")), 1_000, () => (called++, new Error("late")))).rejects.toThrow("own");
  expect(called).toBe(0);
});

test("a promise that misses the deadline rejects with the error the callback returns, once", async () => {
  let called = 0;
  const marker = new Error("drive 3: no answer");
  await expect(withDeadline(never(), 5, () => (called++, marker))).rejects.toBe(marker);
  expect(called).toBe(1);
});

test("no deadline for 0, negative or non-finite ms: the promise itself is returned", () => {
  const p = Promise.resolve(1);
  for (const ms of [0, -1, Infinity, Number.NaN]) expect(withDeadline(p, ms, () => new Error("x"))).toBe(p);
});

test("withStepDeadline passes every step of a stream through the guard, and ends with it", async () => {
  async function* source() {
    yield 1;
    yield 2;
  }
  let steps = 0;
  const out: number[] = [];
  for await (const v of withStepDeadline(source(), (next) => (steps++, next))) out.push(v);
  expect(out).toEqual([1, 2]);
  expect(steps).toBe(3); // two values and the end
});

test("a step that misses its deadline fails the stream without waiting for the hung source", async () => {
  let closed = false;
  const hung: AsyncIterable<number> = {
    [Symbol.asyncIterator]: () => ({
      next: () => never(),
      // return() would queue behind the hung next(): it must be called, never awaited.
      return: () => ((closed = true), never()),
    }),
  };
  const it = withStepDeadline(hung, (next) => withDeadline(next, 5, () => new Error("walk gave no entry")));
  await expect(it.next()).rejects.toThrow("walk gave no entry");
  expect(closed).toBe(true);
});

test("stopping early closes the source", async () => {
  let finalized = false;
  async function* source() {
    try {
      yield 1;
      yield 2;
    } finally {
      finalized = true;
    }
  }
  for await (const v of withStepDeadline(source(), (next) => next)) if (v === 1) break;
  expect(finalized).toBe(true);
});
