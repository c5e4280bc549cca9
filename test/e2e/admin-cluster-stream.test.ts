// Cluster-wide mc admin trace and logs on a real two-server cluster through madmin-go: a trace on server 1 carries server 2's S3 requests
// (named and filtered by server 2), and both servers' when both serve; server 2's log lines arrive through server 1, also across a restart
// of server 2 while the stream is open (the stream goes on and picks it up again); node= selects one server; an unknown node is refused.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { startCluster, type ClusterProcess } from "../support/cluster-process.ts";
import { buildMadminClient, madmin, madminMissing, type MadminResult } from "../support/madmin-client.ts";
import { ROOT_PASSWORD, ROOT_USER } from "../support/server-process.ts";
import { TempDirs } from "../support/temp-dirs.ts";

const missing = madminMissing();
const skip = missing !== null && !process.env.CI;
if (skip) console.warn(`SKIP admin cluster stream e2e: ${missing} (set CI=1 to make this a failure)`);

const temp = new TempDirs();
const root = { accessKey: ROOT_USER, secretKey: ROOT_PASSWORD };
let bin: string;
let cluster: ClusterProcess;
let names: string[];

type TraceInfo = { nodename: string; funcname: string; path: string; error?: string; http: { response: { statuscode: number } } };
type LogInfo = { node: string; ConsoleMsg: string };

/** A madmin call to server `i + 1`. */
const call = (i: number, command: string, args?: unknown): Promise<MadminResult> => madmin(bin, cluster.nodes[i].endpoint, root, command, args);

/** Runs `command` on server 1 while `traffic` repeats, until the call returns. */
async function during(command: string, args: object, traffic: () => Promise<unknown>): Promise<MadminResult> {
  let done = false;
  const running = call(0, command, args).finally(() => {
    done = true;
  });
  while (!done) {
    await traffic().catch(() => {});
    await Bun.sleep(50);
  }
  return running;
}

function result<T>(r: MadminResult): T {
  if (!r.ok) throw new Error(`${JSON.stringify(r.error)}\n${cluster.outputs()}`);
  return r.result as T;
}

describe.skipIf(skip)("cluster-wide trace and logs", () => {
  beforeAll(async () => {
    if (missing !== null) throw new Error(`${missing}; CI must install it`);
    bin = (await buildMadminClient())!;
    cluster = await startCluster(temp, { nodes: 2, drivesPerNode: 2 });
    names = cluster.nodes.map((n) => `127.0.0.1:${n.port}`);
    await cluster.client(1).send(new CreateBucketCommand({ Bucket: "traced" }));
  }, 180_000);
  afterAll(async () => {
    await cluster?.stopAll();
    temp.cleanup();
  });

  test("a trace on server 1 carries server 2's S3 requests, named by server 2, signatures redacted", async () => {
    const s3 = cluster.client(1);
    const r = await during("trace", { s3: true, count: 3, seconds: 30 }, () => s3.send(new PutObjectCommand({ Bucket: "traced", Key: "k", Body: "hello" })));
    const traces = result<TraceInfo[]>(r);
    expect(traces).toHaveLength(3);
    for (const t of traces) expect(t).toMatchObject({ nodename: names[1], funcname: "s3.PutObject", path: "/traced/k" });
    const text = JSON.stringify(traces);
    expect(text).toContain("Signature=*REDACTED*");
    expect(text).not.toMatch(/Signature=[0-9a-f]{64}/);
    expect(text).not.toContain(ROOT_PASSWORD);
  }, 60_000);

  test("errors only: server 2 passes only its failed requests; with both serving, both servers' traces arrive", async () => {
    const s3 = cluster.client(1);
    let n = 0;
    const errors = result<TraceInfo[]>(
      await during("trace", { s3: true, onlyErrors: true, count: 2, seconds: 30 }, () =>
        s3.send(new GetObjectCommand({ Bucket: "traced", Key: n++ % 2 ? "k" : "missing" })).then((o) => o.Body?.transformToString()),
      ),
    );
    expect(errors.map((t) => [t.nodename, t.funcname, t.path, t.error, t.http.response.statuscode])).toEqual(
      errors.map(() => [names[1], "s3.GetObject", "/traced/missing", "NoSuchKey", 404]),
    );
    const clients = [cluster.client(0), cluster.client(1)];
    let turn = 0;
    const seen = new Set<string>();
    // Until one trace of each server arrived (each call collects a few; traffic alternates between the servers).
    for (let i = 0; i < 10 && seen.size < 2; i++) {
      const both = result<TraceInfo[]>(
        await during("trace", { s3: true, count: 4, seconds: 30 }, () =>
          clients[turn++ % 2].send(new PutObjectCommand({ Bucket: "traced", Key: "both", Body: "x" })),
        ),
      );
      for (const t of both) seen.add(t.nodename);
    }
    expect([...seen].sort()).toEqual([...names].sort());
  }, 120_000);

  test("logs: server 2's lines through server 1, across server 2's restart while streaming; node= selects; unknown nodes are refused", async () => {
    // A setting in config.json makes a starting server log a line naming it.
    expect(result(await call(0, "set-config-kv", { kv: "heal bitrotscan=on" }))).toMatchObject({ restart: true });
    const marker = "Configuration from config/config.json: heal bitrotscan";
    let stream: Promise<MadminResult> | undefined;
    let done = false;
    stream = call(0, "log", { limit: 10, logType: "ALL", until: marker, seconds: 90 }).finally(() => {
      done = true;
    });
    // The stream opens, then server 2 goes away mid-stream and comes back, logging the marker as it starts.
    await Bun.sleep(1_500);
    expect(done).toBe(false);
    await cluster.signal(1, "SIGKILL");
    cluster.start(1);
    await cluster.ready(1);
    const lines = result<LogInfo[]>(await stream);
    stream = undefined;
    const last = lines.at(-1)!;
    expect(last.node).toBe(names[1]);
    expect(last.ConsoleMsg).toContain(marker);

    const onlyTwo = result<LogInfo[]>(await call(0, "log", { node: names[1], limit: 1000, until: marker, seconds: 20 }));
    expect(onlyTwo.map((l) => l.ConsoleMsg).some((m) => m.includes(marker))).toBe(true);
    expect(new Set(onlyTwo.map((l) => l.node))).toEqual(new Set([names[1]]));
    const onlyOne = result<LogInfo[]>(await call(0, "log", { node: names[0], limit: 1000, seconds: 3 }));
    expect(onlyOne.every((l) => l.node === names[0])).toBe(true);
    expect(onlyOne.some((l) => l.ConsoleMsg.includes(marker))).toBe(false);
    // The same selection asked of server 2 for server 1's lines.
    const fromTwo = result<LogInfo[]>(await call(1, "log", { node: names[0], limit: 1000, seconds: 3 }));
    expect(fromTwo.every((l) => l.node === names[0])).toBe(true);

    expect(await call(0, "log", { node: "elsewhere:9000", limit: 10, seconds: 5 })).toMatchObject({
      ok: false,
      error: { code: "XMinioAdminInvalidArgument", status: 400 },
    });
  }, 180_000);
});
