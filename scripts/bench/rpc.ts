// Internode RPC over loopback: a 256 MiB stream each way through RpcClient → listenHttp →
// RpcServer, against the ceilings measured in the same run (raw TCP copy, bare fetch over the
// same listener), and small calls per second, sequential and 8 in flight. Prints one JSON object.
import net from "node:net";
import { RpcClient, RpcServer } from "../../src/cluster/index.ts";
import { listenHttp } from "../../src/server-http.ts";

const MIB = 1 << 20;
const TOTAL = 256;

/** TOTAL chunks of 1 MiB, one buffer reused (the producer's right once the next is pulled). */
function source(): ReadableStream<Uint8Array> {
  const buf = new Uint8Array(MIB).fill(7);
  let i = 0;
  return new ReadableStream({ pull: (c) => (i++ === TOTAL ? c.close() : c.enqueue(buf)) }, { highWaterMark: 0 });
}

async function drain(s: ReadableStream<Uint8Array>): Promise<number> {
  let n = 0;
  for await (const c of s) n += c.length;
  return n;
}

async function mibps(run: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await run();
  return Math.round(TOTAL / ((performance.now() - t) / 1000));
}

async function rawTcp(): Promise<number> {
  const srv = net.createServer((s) => {
    let n = 0;
    s.on("data", (d) => {
      n += d.length;
      if (n >= TOTAL * MIB) s.end("k");
    });
  });
  await new Promise<void>((ok) => srv.listen(0, "127.0.0.1", ok));
  const port = (srv.address() as net.AddressInfo).port;
  const r = await mibps(
    () =>
      new Promise<void>((ok) => {
        const s = net.connect(port, "127.0.0.1", async () => {
          for await (const c of source()) if (!s.write(c.slice())) await new Promise((w) => s.once("drain", w));
        });
        s.on("data", () => (s.destroy(), ok()));
      }),
  );
  srv.close();
  return r;
}

async function callsPerSecond(c: RpcClient, n: number, parallel: number): Promise<number> {
  let next = 0;
  const t = performance.now();
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next++ < n) await c.call("echo", { volume: "b", path: "some/object/xl.meta" });
    }),
  );
  return Math.round(n / ((performance.now() - t) / 1000));
}

const server = new RpcServer({ secret: "bench", version: 1 });
server.register("echo", async (a) => ({ value: a }));
server.register("sink", async (_a, body) => ({ value: await drain(body!) }));
server.register("source", async () => ({ stream: source() }));
const bare = async (req: Request) => {
  const path = new URL(req.url).pathname;
  if (path === "/up") return new Response(String(await drain(req.body!)));
  return new Response(source(), { headers: { "transfer-encoding": "chunked" } });
};
const l = await listenHttp({
  hostname: "127.0.0.1",
  port: 0,
  idleTimeoutMs: 60_000,
  onError: (e) => console.error(e),
  fetch: (req) => (new URL(req.url).pathname.startsWith("/minio/") ? server.handle(req) : bare(req)),
});
const base = `http://127.0.0.1:${l.port}`;
const c = new RpcClient({ url: base, secret: "bench", node: "bench:0", version: 1 });
const result = {
  streamMiB: TOTAL,
  rawTcpMiBps: await rawTcp(),
  bareFetchUploadMiBps: await mibps(async () => (await fetch(`${base}/up`, { method: "POST", body: source(), duplex: "half" } as RequestInit)).text()),
  bareFetchDownloadMiBps: await mibps(async () => drain((await fetch(`${base}/down`)).body!)),
  rpcUploadMiBps: await mibps(() => c.call("sink", {}, { body: source() })),
  rpcDownloadMiBps: await mibps(async () => drain(await c.stream("source", {}))),
  rpcCallsPerSecSequential: await callsPerSecond(c, 3000, 1),
  rpcCallsPerSec8InFlight: await callsPerSecond(c, 6000, 8),
};
console.log(JSON.stringify(result));
await c.close();
await l.stop(true);
