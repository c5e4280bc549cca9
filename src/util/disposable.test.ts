import { expect, test } from "bun:test";
import { markDisposable, releaseIfDisposable } from "./disposable.ts";

test("only marked buffers are released, and then they are detached", () => {
  const plain = new Uint8Array(1024);
  releaseIfDisposable(plain);
  expect(plain.byteLength).toBe(1024);
  const owned = markDisposable(new Uint8Array(1024).fill(1));
  const view = owned.subarray(10, 20);
  releaseIfDisposable(view);
  expect(owned.buffer.byteLength).toBe(0);
  expect(owned.byteLength).toBe(0);
  releaseIfDisposable(owned); // a second release is harmless
});
