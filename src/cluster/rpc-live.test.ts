// Live RPC streams over a real loopback listener (server-http.ts): values arrive as pushed, heartbeats keep a quiet stream open past the
// caller's idle limit, push refuses past the backlog, stopping the follower stops the producer on the peer, a peer that is down is waited
// for and one that drops mid-stream is followed again (told it resumes).
import { afterEach, expect, test } from "bun:test";
import { listenHttp, type HttpListener } from "../server-http.ts";
import { RpcClient } from "./rpc-client.ts";
import { followPeer, liveFrames, type LiveFrame } from "./rpc-live.ts";
import { RpcServer } from "./rpc-server.ts";

const SECRET = "live-secret";
const HEARTBEAT_MS = 40;
const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function serve(server: RpcServer, port = 0): Promise<HttpListener> {
  const l = await listenHttp({ hostname: "127.0.0.1", port, idleTimeoutMs: 30_000, fetch: (req) => server.handle(req), onError: () => {} });
  cleanups.push(() => l.stop(true));
  return l;
}

function client(port: number): RpcClient {
  const c = new RpcClient({ url: `http://127.0.0.1:${port}`, secret: SECRET, node: "n1:9000", version: 1, deadlineMs: 5_000 });
  cleanups.push(() => c.close());
  return c;
}

/** A peer with a "feed" method: every open stream is a subscriber of `pushers`, gone once stopped. */
function feedServer() {
  const pushers = new Set<(v: unknown) => boolean>();
  const opened: unknown[] = [];
  const server = new RpcServer({ secret: SECRET, version: 1, node: "n2:9000" });
  server.register("feed", async (args, _body, ctx) => {
    opened.push(args);
    return {
      frames: liveFrames(
        (push) => {
          pushers.add(push);
          return () => pushers.delete(push);
        },
        { signal: ctx.signal, heartbeatMs: HEARTBEAT_MS },
      ),
    };
  });
  const publish = (v: unknown) => {
    for (const p of pushers) p(v);
  };
  return { server, pushers, opened, publish };
}

async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (cond()) return;
    await Bun.sleep(10);
  }
  throw new Error(`timed out waiting for ${what}`);
}

function follow(c: RpcClient, args: (resumed: boolean) => unknown = () => ({})) {
  const got: unknown[] = [];
  const stop = new AbortController();
  const done = followPeer(c, "feed", args, (v) => got.push(v), { signal: stop.signal, heartbeatMs: HEARTBEAT_MS, retryMs: 20 });
  cleanups.push(() => stop.abort());
  return { got, stop, done };
}

test("values arrive in order; heartbeats keep a quiet stream open; stopping the follower unsubscribes on the peer", async () => {
  const feed = feedServer();
  const l = await serve(feed.server);
  const f = follow(client(l.port), () => ({ filter: "s3" }));
  await until(() => feed.pushers.size === 1, "the subscription");
  feed.publish({ n: 1, big: 2 ** 40 + 0.5 });
  feed.publish({ n: 2, text: "ü" });
  await until(() => f.got.length === 2, "two values");
  // Quiet for many idle limits (3 heartbeats each): the stream stays the one first opened.
  await Bun.sleep(HEARTBEAT_MS * 12);
  feed.publish({ n: 3 });
  await until(() => f.got.length === 3, "a value after the quiet time");
  expect(f.got).toEqual([{ n: 1, big: 2 ** 40 + 0.5 }, { n: 2, text: "ü" }, { n: 3 }]);
  expect(feed.opened).toEqual([{ filter: "s3" }]);
  f.stop.abort();
  await f.done;
  await until(() => feed.pushers.size === 0, "the peer to let go");
});

test("a peer that is down is waited for; one that drops mid-stream is followed again, args asked anew", async () => {
  const feed = feedServer();
  const first = await serve(feed.server);
  const port = first.port;
  await first.stop(true);
  const c = client(port);
  c.startHealth({ intervalMs: 30, timeoutMs: 300 });
  let opens = 0;
  const f = follow(c, (resumed) => ({ open: ++opens, resumed }));
  await until(() => !c.online, "the peer to be offline");
  const l = await serve(feed.server, port);
  await until(() => feed.pushers.size === 1, "the follower to find the peer back");
  feed.publish("before the cut");
  await until(() => f.got.length === 1, "the first value");
  // Cut every connection: the peer's producer stops; the follower comes back on its own.
  await l.stop(true);
  await until(() => feed.pushers.size === 0, "the cut stream to stop on the peer");
  await serve(feed.server, port);
  await until(() => feed.pushers.size === 1, "the follower to open again");
  feed.publish("after the cut");
  await until(() => f.got.length === 2, "the value after the cut");
  expect(f.got).toEqual(["before the cut", "after the cut"]);
  // The first stream answered was not a resumption; the one after the cut is.
  expect(feed.opened[0]).toMatchObject({ resumed: false });
  expect(feed.opened.at(-1)).toEqual({ open: opens, resumed: true });
  expect(opens).toBeGreaterThanOrEqual(2);
  f.stop.abort();
  await f.done;
  await until(() => feed.pushers.size === 0, "the peer to let go");
});

test("the queue: opens with a heartbeat, refuses past its backlog, and stops its producer on return or abort", async () => {
  let stopped = 0;
  let push!: (v: unknown) => boolean;
  const abort = new AbortController();
  const start = (p: (v: unknown) => boolean) => {
    push = p;
    return () => void stopped++;
  };
  const it = liveFrames(start, { maxBacklog: 2, heartbeatMs: 10, signal: abort.signal })[Symbol.asyncIterator]();
  expect((await it.next()).value).toEqual([0]);
  expect([push("a"), push("b"), push("c")]).toEqual([true, true, false]);
  expect((await it.next()).value).toEqual([1, "a"]);
  expect((await it.next()).value).toEqual([1, "b"]);
  // Nothing to send: a heartbeat after the quiet time.
  expect((await it.next()).value).toEqual([0] as LiveFrame);
  const waiting = it.next();
  abort.abort();
  expect(await waiting).toEqual({ value: undefined, done: true });
  expect(stopped).toBe(1);
  expect(push("late")).toBe(false);

  const other = liveFrames(start)[Symbol.asyncIterator]();
  await other.return?.();
  expect(stopped).toBe(2);
  expect(await other.next()).toEqual({ value: undefined, done: true });
});
