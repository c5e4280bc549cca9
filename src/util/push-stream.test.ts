import { describe, expect, test } from "bun:test";
import { pushStream } from "./push-stream.ts";

describe("pushStream", () => {
  test("is lazy, delivers in order, finishes once", async () => {
    let ran = false;
    const ends: unknown[] = [];
    const s = pushStream(
      async (push) => {
        ran = true;
        for (let i = 0; i < 5; i++) await push(new Uint8Array([i]));
      },
      { finish: (e) => ends.push(e ?? "ok") },
    );
    await Bun.sleep(5);
    expect(ran).toBe(false);
    const got = new Uint8Array(await new Response(s).arrayBuffer());
    expect([...got]).toEqual([0, 1, 2, 3, 4]);
    expect(ends).toEqual(["ok"]);
  });

  test("bounds the buffer: push waits for the consumer", async () => {
    let pushed = 0;
    const s = pushStream(
      async (push) => {
        for (let i = 0; i < 100; i++) {
          await push(new Uint8Array(1024));
          pushed++;
        }
      },
      { highWaterMark: 4096 },
    );
    const reader = s.getReader();
    await reader.read();
    await Bun.sleep(20);
    expect(pushed).toBeLessThan(10);
    let total = 1024;
    for (;;) {
      const r = await reader.read();
      if (r.done) break;
      total += r.value.length;
    }
    expect(total).toBe(100 * 1024);
  });

  test("cancel aborts the producer and calls finish with the reason", async () => {
    let aborted = false;
    const ends: unknown[] = [];
    const s = pushStream(
      async (push, signal) => {
        signal.addEventListener("abort", () => (aborted = true));
        for (;;) await push(new Uint8Array(1 << 16));
      },
      { highWaterMark: 1 << 16, finish: (e) => ends.push(e) },
    );
    const reader = s.getReader();
    await reader.read();
    await reader.cancel(new Error("client went away"));
    await Bun.sleep(5);
    expect(aborted).toBe(true);
    expect(ends.length).toBe(1);
    expect(String(ends[0])).toContain("client went away");
  });

  test("producer errors reach the consumer and finish", async () => {
    const ends: unknown[] = [];
    const s = pushStream(
      async () => {
        throw new Error("drive died");
      },
      { finish: (e) => ends.push(e) },
    );
    await expect(new Response(s).arrayBuffer()).rejects.toThrow("drive died");
    expect(ends.length).toBe(1);
  });
});
