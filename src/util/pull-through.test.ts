// pullThrough: nothing is read from the source before the consumer reads; chunks that emit
// nothing are skipped; a throwing transform or flush fails the stream and stops the source.
import { expect, test } from "bun:test";
import { pullThrough } from "./pull-through.ts";

function source(chunks: number[][], log: string[]): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream<Uint8Array>(
    {
      pull(c) {
        log.push(`pull ${i}`);
        if (i < chunks.length) c.enqueue(new Uint8Array(chunks[i++]));
        else c.close();
      },
      cancel: (r) => void log.push(`cancel ${String(r)}`),
    },
    { highWaterMark: 0 },
  );
}

test("the source is untouched until the first read; empty emissions do not end a read", async () => {
  const log: string[] = [];
  const out = pullThrough(source([[1], [2, 3], [4]], log), {
    transform: (chunk, emit) => void (chunk[0] !== 2 && emit(chunk)),
    flush: (emit) => emit(new Uint8Array([9])),
  });
  await Bun.sleep(5);
  expect(log).toEqual([]);
  const got: number[] = [];
  for await (const c of out) got.push(...c);
  expect(got).toEqual([1, 4, 9]);
});

test("a transform that throws fails the stream and cancels the source", async () => {
  const log: string[] = [];
  const out = pullThrough(source([[1], [2]], log), {
    transform: (chunk, emit) => {
      if (chunk[0] === 2) throw new Error("bad");
      emit(chunk);
    },
  });
  const reader = out.getReader();
  expect((await reader.read()).value).toEqual(new Uint8Array([1]));
  expect(reader.read()).rejects.toThrow("bad");
  await Bun.sleep(5);
  expect(log.at(-1)).toBe("cancel Error: bad");
});

test("cancelling before any read cancels the source", async () => {
  const log: string[] = [];
  await pullThrough(source([[1]], log), { transform: (c, emit) => emit(c) }).cancel("gone");
  expect(log).toEqual(["cancel gone"]);
});
