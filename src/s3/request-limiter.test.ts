// The request limiter: slots handed out first come first served, SlowDown past the deadline, a
// disconnect while waiting, and a slot held until the response body is sent or cancelled.
import { describe, expect, test } from "bun:test";
import { S3Error } from "./errors.ts";
import { RequestLimiter, releaseWhenSent } from "./request-limiter.ts";

async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (err instanceof S3Error) return err.code;
    throw err;
  }
  throw new Error("expected a refusal");
}

describe("RequestLimiter", () => {
  test("at most max at once; a freed slot goes to the longest waiter", async () => {
    const limiter = new RequestLimiter(2, 60_000);
    const a = await limiter.acquire();
    await limiter.acquire();
    const order: string[] = [];
    const c = limiter.acquire().then((r) => (order.push("c"), r));
    const d = limiter.acquire().then((r) => (order.push("d"), r));
    expect([limiter.active, limiter.waiting]).toEqual([2, 2]);
    a();
    a(); // a second call frees nothing more
    const releaseC = await c;
    expect([order, limiter.active, limiter.waiting]).toEqual([["c"], 2, 1]);
    releaseC();
    (await d)();
    expect(order).toEqual(["c", "d"]);
    expect(limiter.waiting).toBe(0);
  });

  test("a request that waits past the deadline gets SlowDown and leaves the queue", async () => {
    const limiter = new RequestLimiter(1, 20);
    const held = await limiter.acquire();
    expect(await refusal(limiter.acquire())).toBe("SlowDown");
    expect(limiter.waiting).toBe(0);
    held();
    expect(limiter.active).toBe(0);
  });

  test("a client that goes away while waiting is ClientDisconnected", async () => {
    const limiter = new RequestLimiter(1, 60_000);
    await limiter.acquire();
    const abort = new AbortController();
    const waiting = limiter.acquire(abort.signal);
    abort.abort();
    expect(await refusal(waiting)).toBe("ClientDisconnected");
    expect(limiter.waiting).toBe(0);
    expect(await refusal(limiter.acquire(abort.signal))).toBe("ClientDisconnected");
  });

  test("a limit below one is a programming error", () => {
    expect(() => new RequestLimiter(0, 1000)).toThrow(RangeError);
  });
});

describe("releaseWhenSent", () => {
  const counter = () => {
    let n = 0;
    return {
      release: () => void n++,
      get count() {
        return n;
      },
    };
  };

  test("no body: released at once", () => {
    const c = counter();
    releaseWhenSent(new Response(null, { status: 204 }), c.release);
    expect(c.count).toBe(1);
  });

  test("released once the last byte is read, not before; status and headers kept", async () => {
    const c = counter();
    const res = releaseWhenSent(new Response("hello", { status: 201, headers: { etag: '"x"' } }), c.release);
    expect([res.status, res.headers.get("etag"), c.count]).toEqual([201, '"x"', 0]);
    expect(await res.text()).toBe("hello");
    expect(c.count).toBe(1);
  });

  test("released when the reader cancels (a client that hangs up)", async () => {
    const c = counter();
    let cancelled = false;
    const body = new ReadableStream({ pull: (ctl) => ctl.enqueue(new Uint8Array(8)), cancel: () => void (cancelled = true) });
    const reader = releaseWhenSent(new Response(body), c.release).body!.getReader();
    await reader.read();
    await reader.cancel();
    expect([c.count, cancelled]).toEqual([1, true]);
  });

  test("released when the client goes away, even if nobody reads the body", () => {
    const c = counter();
    const gone = new AbortController();
    releaseWhenSent(new Response("never read"), c.release, gone.signal);
    expect(c.count).toBe(0);
    gone.abort();
    expect(c.count).toBe(1);
  });

  test("released when the body fails", async () => {
    const c = counter();
    const body = new ReadableStream({ pull: (ctl) => ctl.error(new Error("drive gone")) });
    await expect(releaseWhenSent(new Response(body), c.release).text()).rejects.toThrow("drive gone");
    expect(c.count).toBe(1);
  });
});
