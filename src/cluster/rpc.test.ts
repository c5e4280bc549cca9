// RpcClient ↔ RpcServer over a real loopback listener (server-http.ts, the production transport):
// values, errors as data, auth and version refusals, streamed bodies both ways with backpressure,
// cuts, deadlines, health (offline, in-flight aborts, re-admission) and persistent connections.
import { afterEach, describe, expect, test } from "bun:test";
import net from "node:net";
import { DriveError } from "../disk/index.ts";
import { ObjectError } from "../object/index.ts";
import { listenHttp, type HttpListener } from "../server-http.ts";
import { TcpCutProxy } from "../../test/support/tcp-cut-proxy.ts";
import { RpcClient } from "./rpc-client.ts";
import { RpcError } from "./rpc-error.ts";
import { RPC_PATH_PREFIX, RPC_VERSION_HEADER, RpcServer } from "./rpc-server.ts";
import { signToken } from "./rpc-token.ts";

const SECRET = "root-secret";
const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function serve(server: RpcServer, port = 0): Promise<HttpListener> {
  const l = await listenHttp({ hostname: "127.0.0.1", port, idleTimeoutMs: 30_000, fetch: (req) => server.handle(req), onError: () => {} });
  cleanups.push(() => l.stop(true));
  return l;
}

function client(port: number, over: Partial<ConstructorParameters<typeof RpcClient>[0]> = {}): RpcClient {
  const c = new RpcClient({ url: `http://127.0.0.1:${port}`, secret: SECRET, node: "n1:9000", version: 1, deadlineMs: 5_000, ...over });
  cleanups.push(() => c.close());
  return c;
}

async function peer(setup: (s: RpcServer) => void = () => {}) {
  const server = new RpcServer({ secret: SECRET, version: 1, node: "n2:9000" });
  setup(server);
  const l = await serve(server);
  return { server, l, c: client(l.port) };
}

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error("expected a rejection");
}

function expectRpc(err: Error, kind: RpcError["kind"]): void {
  expect(err).toBeInstanceOf(RpcError);
  expect((err as RpcError).kind).toBe(kind);
}

/** A stream of `n` chunks of `size` bytes (chunk i filled with i & 0xff), counting pulls. */
function counted(n: number, size: number) {
  const state = { pulled: 0 };
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(c) {
        if (state.pulled === n) return c.close();
        c.enqueue(new Uint8Array(size).fill(state.pulled++ & 0xff));
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, state };
}

const settle = async (read: () => number) => {
  // Waits until `read()` stops changing (the producer is held by backpressure or done).
  let last = -1;
  while (read() !== last) {
    last = read();
    await Bun.sleep(100);
  }
  return last;
};

describe("RPC calls", () => {
  test("values round-trip (bigint, bytes, nested) and the handler learns the caller's node", async () => {
    const { c } = await peer((s) => s.register("echo", async (args, _b, ctx) => ({ value: { args, node: ctx.node } })));
    const args = { n: 1_700_000_000_123_456_789n, b: new Uint8Array([1, 2, 3]), s: "x".repeat(100_000), list: [{ a: null }, true] };
    const got = await c.call<{ args: typeof args; node: string }>("echo", args);
    expect(got.node).toBe("n1:9000");
    expect(got.args.n).toBe(args.n);
    expect([...got.args.b]).toEqual([1, 2, 3]);
    expect(got.args.s).toBe(args.s);
    expect(got.args.list).toEqual(args.list);
    expect(await c.call("rpc.ping", {})).toEqual({ node: "n2:9000", version: 1 });
  });

  test("errors cross as data: DriveError and ObjectError keep kind and message, others become Remote", async () => {
    const long = "y".repeat(3000); // long messages (a 2000-char path) once broke the native CBOR decoder
    const { c } = await peer((s) => {
      s.register("drive", async () => {
        throw new DriveError("VolumeNotFound", `Volume "b1" not found ${long}`);
      });
      s.register("object", async () => {
        throw new ObjectError("NoSuchKey", "No such key", { bucket: "b", key: "k", versionId: "v1", deleteMarker: true, modTime: new Date(5000) });
      });
      s.register("plain", async () => {
        throw new TypeError("oops");
      });
    });
    const d = await rejection(c.call("drive", {}));
    expect(d).toBeInstanceOf(DriveError);
    expect((d as DriveError).kind).toBe("VolumeNotFound");
    expect(d.message).toBe(`Volume "b1" not found ${long}`);
    const o = (await rejection(c.call("object", {}))) as ObjectError;
    expect(o).toBeInstanceOf(ObjectError);
    expect([o.kind, o.bucket, o.key, o.versionId, o.deleteMarker, o.modTime?.getTime()]).toEqual(["NoSuchKey", "b", "k", "v1", true, 5000]);
    const p = await rejection(c.call("plain", {}));
    expectRpc(p, "Remote");
    expect(p.message).toBe("oops");
    expectRpc(await rejection(c.call("no.such.method", {})), "NotFound");
    // Answered errors are not link failures: the peer stays online.
    expect(c.online).toBe(true);
  });

  test("a wrong secret, a missing, expired or tampered token, and another version are refused", async () => {
    const { l } = await peer((s) => s.register("echo", async (a) => ({ value: a })));
    expectRpc(await rejection(client(l.port, { secret: "other" }).call("echo", 1)), "Unauthorized");
    const v = await rejection(client(l.port, { version: 2 }).call("echo", 1));
    expectRpc(v, "Protocol");
    expect(v.message).toContain("version 2");
    expect(v.message).toContain("version 1");
    const url = `http://127.0.0.1:${l.port}${RPC_PATH_PREFIX}echo`;
    const good = signToken(SECRET, "n1", 60_000);
    const [n, e, mac] = good.split(".");
    for (const auth of [undefined, "Bearer ", `Bearer ${signToken(SECRET, "n1", -1)}`, `Bearer ${n}.${Number(e) + 1}.${mac}`, `Basic ${good}`]) {
      const headers: Record<string, string> = { [RPC_VERSION_HEADER]: "1" };
      if (auth) headers.authorization = auth;
      const res = await fetch(url, { method: "POST", headers, body: new Uint8Array([2, 0, 0, 0, 1, 1]) });
      expect(res.status).toBe(401);
      await res.arrayBuffer();
    }
  });

  test("calls reuse persistent connections", async () => {
    const { l } = await peer((s) => s.register("echo", async (a) => ({ value: a })));
    let connections = 0;
    const open = new Set<net.Socket>();
    const proxy = net.createServer((sock) => {
      connections++;
      const up = net.connect(l.port, "127.0.0.1");
      for (const x of [sock, up]) open.add(x.on("error", () => {}));
      sock.pipe(up).pipe(sock);
    });
    await new Promise<void>((ok) => proxy.listen(0, "127.0.0.1", ok));
    cleanups.push(() => new Promise((ok) => (open.forEach((x) => x.destroy()), proxy.close(ok))));
    const c = client((proxy.address() as net.AddressInfo).port);
    for (let i = 0; i < 100; i++) expect(await c.call("echo", i)).toBe(i);
    expect(connections).toBe(1);
  });
});

describe("streamed bodies", () => {
  test("a request body reaches the handler before the producer finishes, with backpressure", async () => {
    let firstSeen!: () => void;
    const seen = new Promise<void>((ok) => (firstSeen = ok));
    let release!: () => void;
    const released = new Promise<void>((ok) => (release = ok));
    const { c } = await peer((s) =>
      s.register("upload", async (_a, body) => {
        const reader = body!.getReader();
        let total = (await reader.read()).value!.length;
        firstSeen();
        await released; // stalls: the producer must be held back
        for (;;) {
          const r = await reader.read();
          if (r.done) break;
          total += r.value.length;
        }
        return { value: total };
      }),
    );
    const MiB = 1 << 20;
    const { stream, state } = counted(128, MiB);
    const call = c.call<number>("upload", {}, { body: stream });
    await seen;
    expect(state.pulled).toBeLessThan(128); // the server started before the producer finished
    expect(await settle(() => state.pulled)).toBeLessThan(128); // and holds it back while stalled
    release();
    expect(await call).toBe(128 * MiB);
  });

  test("stream replies keep chunk sizes; an error mid-stream arrives with its kind; before the first byte it fails the call", async () => {
    const { c } = await peer((s) => {
      s.register("bytes", async (a: { n: number; size: number; failAt?: number }) => {
        let i = 0;
        return {
          stream: new ReadableStream<Uint8Array>({
            pull(ctl) {
              if (i === a.failAt) return ctl.error(new DriveError("Corrupt", "file shorter than the range"));
              if (i === a.n) return ctl.close();
              ctl.enqueue(new Uint8Array(a.size).fill(i++));
            },
          }),
        };
      });
      s.register("missing", async () => {
        throw new DriveError("FileNotFound", "no such file");
      });
    });
    const chunks: Uint8Array[] = [];
    for await (const ch of await c.stream("bytes", { n: 5, size: 70_000 })) chunks.push(ch);
    expect(chunks.map((ch) => ch.length)).toEqual([70_000, 70_000, 70_000, 70_000, 70_000]);
    expect(chunks.map((ch) => ch[69_999])).toEqual([0, 1, 2, 3, 4]);
    // a chunk larger than a frame is split, never larger than 1 MiB
    const big: number[] = [];
    for await (const ch of await c.stream("bytes", { n: 1, size: 3 << 20 })) big.push(ch.length);
    expect(big).toEqual([1 << 20, 1 << 20, 1 << 20]);
    const mid = await rejection(new Response(await c.stream("bytes", { n: 5, size: 1000, failAt: 2 })).arrayBuffer());
    expect(mid).toBeInstanceOf(DriveError);
    expect((mid as DriveError).kind).toBe("Corrupt");
    const before = await rejection(c.stream("missing", {}));
    expect((before as DriveError).kind).toBe("FileNotFound");
  });

  test("frames are produced lazily, and stopping early closes the producer on the peer", async () => {
    let produced = 0;
    let closed!: () => void;
    const closedP = new Promise<void>((ok) => (closed = ok));
    const { c } = await peer((s) =>
      s.register("count", async () => ({
        frames: (async function* () {
          try {
            for (;;) yield { i: produced++, pad: "x".repeat(1000) };
          } finally {
            closed();
          }
        })(),
      })),
    );
    const got: number[] = [];
    for await (const f of c.frames<{ i: number }>("count", {})) {
      got.push(f.i);
      if (got.length === 5) break;
    }
    expect(got).toEqual([0, 1, 2, 3, 4]);
    await closedP;
    // Lazily: only what the connection's buffers hold (a few MiB of 1 KB values), not an endless walk.
    expect(produced).toBeLessThan(16_000);
  });

  test("values produced before a failure arrive first, then the failure with its kind", async () => {
    const { c } = await peer((s) =>
      s.register("three", async () => ({
        frames: (async function* () {
          yield 1;
          yield 2;
          yield 3;
          throw new DriveError("VolumeNotFound", "gone mid-walk");
        })(),
      })),
    );
    const got: unknown[] = [];
    const err = await rejection(
      (async () => {
        for await (const v of c.frames("three", {})) got.push(v);
      })(),
    );
    expect(got).toEqual([1, 2, 3]);
    expect((err as DriveError).kind).toBe("VolumeNotFound");
  });

  test("a producer that fails mid-upload fails the call with its own error, and the handler's body errors", async () => {
    let handlerSaw!: (e: unknown) => void;
    const saw = new Promise((ok) => (handlerSaw = ok));
    const { c } = await peer((s) =>
      s.register("sink", async (_a, body) => {
        try {
          for await (const _ of body!);
        } catch (err) {
          handlerSaw(err);
          throw err;
        }
        handlerSaw(null);
        return { value: "complete" };
      }),
    );
    let n = 0;
    const failing = new ReadableStream<Uint8Array>({
      pull: (ctl) => (n++ < 3 ? ctl.enqueue(new Uint8Array(1000)) : ctl.error(new Error("client went away"))),
    });
    const err = await rejection(c.call("sink", {}, { body: failing }));
    expect(err.message).toBe("client went away");
    expect(await saw).toBeInstanceOf(Error);
    expect(c.online).toBe(true);
  });

  test("cancelling a streamed reply cancels the source on the peer", async () => {
    let cancelled!: (r: unknown) => void;
    const cancelledP = new Promise((ok) => (cancelled = ok));
    const { c } = await peer((s) =>
      s.register("endless", async () => ({
        stream: new ReadableStream<Uint8Array>({
          pull: (ctl) => ctl.enqueue(new Uint8Array(65536)),
          cancel: (r) => cancelled(r),
        }),
      })),
    );
    const reader = (await c.stream("endless", {})).getReader();
    expect((await reader.read()).value?.length).toBe(65536);
    await reader.cancel(new Error("reader went away"));
    await cancelledP;
  });
});

describe("link failures", () => {
  test("a connection cut mid-stream errors the reader and the handler's body, never a clean short end", async () => {
    let bodyError!: (e: unknown) => void;
    const bodyFailed = new Promise<unknown>((ok) => (bodyError = ok));
    const { l } = await peer((s) => {
      s.register("endless", async () => ({ stream: new ReadableStream<Uint8Array>({ pull: (ctl) => ctl.enqueue(new Uint8Array(65536)) }) }));
      s.register("sink", async (_a, body) => {
        try {
          for await (const _ of body!);
        } catch (err) {
          bodyError(err);
          throw err;
        }
        bodyError(null);
        return { value: "complete" };
      });
    });
    const proxy = await TcpCutProxy.start(l.port);
    cleanups.push(() => proxy.close());
    const c = client(proxy.port);
    const reader = (await c.stream("endless", {})).getReader();
    await reader.read();
    proxy.cut();
    const err = await rejection(
      (async () => {
        for (;;) if ((await reader.read()).done) throw new Error("clean end");
      })(),
    );
    expectRpc(err, "Unreachable");
    // An upload cut part-way: the handler sees its body fail (a drive would keep nothing).
    const { stream } = counted(1 << 16, 65536);
    const up = c.call("sink", {}, { body: stream }).catch((e) => e);
    while (proxy.upstreamBytes < 1 << 20) await Bun.sleep(10);
    proxy.cut();
    expect(await bodyFailed).toBeInstanceOf(Error);
    expect(await up).toBeInstanceOf(RpcError);
  });

  test("a handler that never answers fails the call at its deadline; a stalled stream at its idle limit", async () => {
    const { c } = await peer((s) => {
      s.register("hang", () => new Promise(() => {}));
      s.register("stall", async () => {
        let sent = false;
        return {
          stream: new ReadableStream<Uint8Array>({
            pull: (ctl) => (sent ? new Promise(() => {}) : ((sent = true), ctl.enqueue(new Uint8Array(10)))),
          }),
        };
      });
    });
    const e = await rejection(c.call("hang", {}, { deadlineMs: 300 }));
    expectRpc(e, "Timeout");
    const reader = (await c.stream("stall", {}, { deadlineMs: 300 })).getReader();
    expect((await reader.read()).value?.length).toBe(10);
    expectRpc(await rejection(reader.read()), "Timeout");
  });

  test("a listener that accepts and never answers: Timeout, then offline by pings; in-flight calls are aborted", async () => {
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((s) => void sockets.add(s.on("error", () => {})));
    await new Promise<void>((ok) => silent.listen(0, "127.0.0.1", ok));
    cleanups.push(() => new Promise((ok) => (sockets.forEach((s) => s.destroy()), silent.close(ok))));
    const c = client((silent.address() as net.AddressInfo).port);
    expectRpc(await rejection(c.call("x", {}, { deadlineMs: 200 })), "Timeout");
    const inFlight = rejection(c.call("x", {}, { deadlineMs: 60_000 }));
    const offline = new Promise<void>((ok) => c.onChange((on) => void (on || ok())));
    c.startHealth({ intervalMs: 50, timeoutMs: 150 });
    await offline;
    expectRpc(await inFlight, "Unreachable");
    const fast = await rejection(c.call("x", {}, { deadlineMs: 60_000 }));
    expectRpc(fast, "Unreachable");
    expect(fast.message).toContain("offline");
  });

  test("a peer that goes away is marked offline, calls fail at once, and it is re-admitted when it returns", async () => {
    const server = new RpcServer({ secret: SECRET, version: 1 });
    server.register("echo", async (a) => ({ value: a }));
    const l = await serve(server);
    const port = l.port;
    const c = client(port);
    const changes: boolean[] = [];
    c.onChange((on) => changes.push(on));
    c.startHealth({ intervalMs: 50, timeoutMs: 500 });
    expect(await c.call("echo", 1)).toBe(1);
    await l.stop(true);
    // A call failing on the link probes at once: the peer is offline without waiting for pings.
    expectRpc(await rejection(c.call("echo", 2)), "Unreachable");
    while (c.online) await Bun.sleep(10);
    expectRpc(await rejection(c.call("echo", 3)), "Unreachable");
    await serve(server, port);
    while (!c.online) await Bun.sleep(10);
    expect(await c.call("echo", 4)).toBe(4);
    expect(changes).toEqual([false, true]);
  });
});
