// Cluster-wide trace and console log on two servers in this process (real listener and internode RPC), so each server's subscribers can be
// counted: a trace or log asked of A follows B too and B's values arrive through A, node= follows only the server named, a B that drops
// mid-stream is followed again when it returns, and once the client leaves neither server has a trace or log subscriber left.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { loadConfig } from "../../src/config/index.ts";
import { prepareServer, type BunkerServer } from "../../src/server.ts";
import { listenHttp, type HttpListener } from "../../src/server-http.ts";
import { ROOT_PASSWORD, ROOT_USER, signRequest } from "../support/s3-harness.ts";
import { freePort } from "../support/server-process.ts";
import { TempDirs } from "../support/temp-dirs.ts";

const temp = new TempDirs();

interface Node {
  port: number;
  endpoint: string;
  name: string;
  fetch: (req: Request, addr?: string) => Promise<Response>;
  listener: HttpListener;
  bunker: BunkerServer;
}

let nodes: Node[] = [];

async function listenOn(port: number, fetch: Node["fetch"]): Promise<HttpListener> {
  return listenHttp({ hostname: "127.0.0.1", port, idleTimeoutMs: 60_000, fetch, onError: () => {} });
}

async function startCluster(): Promise<Node[]> {
  const root = temp.make("bunker-stream-");
  const ports = [freePort(), freePort()];
  const args = ports.flatMap((p, n) => [1, 2].map((d) => `http://127.0.0.1:${p}${root}/n${n + 1}/x${d}`));
  for (const [n] of ports.entries()) for (const d of [1, 2]) mkdirSync(`${root}/n${n + 1}/x${d}`, { recursive: true });
  const env = { MINIO_ROOT_USER: ROOT_USER, MINIO_ROOT_PASSWORD: ROOT_PASSWORD };
  const prepared = await Promise.all(
    ports.map(async (port) => {
      const cfg = loadConfig(["bunker", "server", "--quiet", "--address", `127.0.0.1:${port}`, ...args], env);
      if (cfg.command !== "server") throw new Error("not a server config");
      const p = await prepareServer(cfg, { fsync: "none", codecWorkers: 1 });
      const listener = await listenOn(port, (req, addr) => p.fetch(req, addr));
      return { p, listener, port };
    }),
  );
  const servers = await Promise.all(prepared.map(({ p }) => p.start()));
  return prepared.map(({ p, listener, port }, i) => ({
    port,
    endpoint: `http://127.0.0.1:${port}`,
    name: `127.0.0.1:${port}`,
    fetch: (req, addr) => p.fetch(req, addr),
    listener,
    bunker: servers[i],
  }));
}

function s3(node: Node): S3Client {
  return new S3Client({
    endpoint: node.endpoint,
    region: "us-east-1",
    forcePathStyle: true,
    maxAttempts: 1,
    credentials: { accessKeyId: ROOT_USER, secretAccessKey: ROOT_PASSWORD },
  });
}

/** An admin stream (trace or log) asked of `node`: its JSON values as they come, and how to leave. */
async function openStream(node: Node, call: string, query: Record<string, string>) {
  const { url, headers } = await signRequest(node.endpoint, "us-east-1", { path: `/minio/admin/v3/${call}`, query });
  const leave = new AbortController();
  const res = await fetch(url, { headers, signal: leave.signal });
  expect(res.status).toBe(200);
  const values: Record<string, unknown>[] = [];
  const reading = (async () => {
    let text = "";
    const dec = new TextDecoder();
    try {
      for await (const chunk of res.body!) {
        text += dec.decode(chunk, { stream: true });
        const lines = text.split("\n");
        text = lines.pop()!;
        for (const l of lines) if (l.trim()) values.push(JSON.parse(l));
      }
    } catch {
      // The client left.
    }
  })();
  return {
    values,
    async leave() {
      leave.abort();
      await reading;
    },
  };
}

async function until(cond: () => boolean, what: string, meanwhile: () => unknown = () => {}): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (cond()) return;
    await meanwhile();
    await Bun.sleep(50);
  }
  throw new Error(`timed out waiting for ${what}`);
}

const subscribers = () => nodes.map((n) => [n.bunker.traces.active, n.bunker.logger.following]);
const idle = () => nodes.map(() => [false, 0]);

describe("cluster-wide trace and log", () => {
  beforeAll(async () => {
    nodes = await startCluster();
    await s3(nodes[1]).send(new CreateBucketCommand({ Bucket: "streamed" }));
  }, 120_000);
  afterAll(async () => {
    for (const n of nodes) await n.listener.stop(true);
    for (const n of nodes) await n.bunker.stop();
    temp.cleanup();
  });

  test("a trace asked of A carries the S3 requests B serves, named by B; after the client leaves no server traces", async () => {
    const [a, b] = nodes;
    const trace = await openStream(a, "trace", { s3: "true", err: "true" });
    await until(() => a.bunker.traces.active && b.bunker.traces.active, "both servers to trace");
    let n = 0;
    // Errors only: B drops its successful PUTs at the source, a failed GET of a missing bucket passes.
    await until(
      () => trace.values.length > 0,
      "B's trace through A",
      () =>
        Promise.allSettled([
          s3(b).send(new PutObjectCommand({ Bucket: "streamed", Key: `k${n++}`, Body: "x" })),
          s3(b).send(new PutObjectCommand({ Bucket: "no-such-bucket", Key: "k", Body: "x" })),
        ]),
    );
    await trace.leave();
    expect(trace.values[0]).toMatchObject({ type: 4, nodename: b.name, funcname: "s3.PutObject", path: "/no-such-bucket/k", error: "NoSuchBucket" });
    expect(trace.values.every((v) => v.nodename === b.name && v.error === "NoSuchBucket")).toBe(true);
    expect(JSON.stringify(trace.values)).not.toMatch(/Signature=[0-9a-f]{64}/);
    await until(() => JSON.stringify(subscribers()) === JSON.stringify(idle()), "every subscription to end");
  }, 60_000);

  test("logs with no node: both servers' lines through A; node=B follows B alone; leaving ends every subscription", async () => {
    const [a, b] = nodes;
    b.bunker.logger.info("B before the stream");
    const all = await openStream(a, "log", { limit: "1", logType: "ALL" });
    await until(() => a.bunker.logger.following === 1 && b.bunker.logger.following === 1, "both servers to be followed");
    a.bunker.logger.info("A while streaming");
    b.bunker.logger.info("B while streaming");
    const seen = () => all.values.map((v) => `${v.node} ${v.ConsoleMsg}`);
    await until(() => seen().includes(`${b.name} B while streaming`) && seen().includes(`${a.name} A while streaming`), "both lines");
    expect(seen()).toContain(`${b.name} B before the stream`);
    await all.leave();
    await until(() => JSON.stringify(subscribers()) === JSON.stringify(idle()), "every subscription to end");

    const onlyB = await openStream(a, "log", { node: b.name, limit: "0" });
    await until(() => b.bunker.logger.following === 1, "B to be followed");
    expect(a.bunker.logger.following).toBe(0);
    a.bunker.logger.info("A again");
    b.bunker.logger.info("B again");
    await until(() => onlyB.values.length > 0, "B's line");
    await onlyB.leave();
    expect(onlyB.values.map((v) => `${v.node} ${v.ConsoleMsg}`)).toEqual([`${b.name} B again`]);
    await until(() => JSON.stringify(subscribers()) === JSON.stringify(idle()), "every subscription to end");
  }, 60_000);

  test("B dropping mid-stream does not end A's stream: B is followed again when it returns, from the last line seen", async () => {
    const [a, b] = nodes;
    const log = await openStream(a, "log", { limit: "0" });
    await until(() => b.bunker.logger.following === 1, "B to be followed");
    b.bunker.logger.info("B before the cut");
    await until(() => log.values.some((v) => v.ConsoleMsg === "B before the cut"), "the line before the cut");
    // Every connection to B is cut and B stops answering: its subscription ends with them.
    await b.listener.stop(true);
    await until(() => b.bunker.logger.following === 0, "B's subscription to end with the cut");
    b.bunker.logger.info("B while away");
    b.listener = await listenOn(b.port, b.fetch);
    await until(() => b.bunker.logger.following === 1, "A to follow B again");
    b.bunker.logger.info("B after the return");
    await until(() => log.values.some((v) => v.ConsoleMsg === "B after the return"), "the line after the return");
    await log.leave();
    const fromB = log.values.filter((v) => v.node === b.name).map((v) => v.ConsoleMsg);
    expect(fromB).toEqual(["B before the cut", "B while away", "B after the return"]);
    await until(() => JSON.stringify(subscribers()) === JSON.stringify(idle()), "every subscription to end");
  }, 60_000);
});
