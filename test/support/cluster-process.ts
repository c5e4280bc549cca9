// A real multi-node cluster for e2e tests: N server processes (`bun src/server.ts server …`) on
// loopback ports of this machine, each with its own drive directories, all given the same list
// of drive URLs (one pool: a plain URL list; several pools need host ranges, which one machine
// cannot give different ports). Nodes can be killed, paused (SIGSTOP), resumed,
// restarted and wiped one at a time; every node's output is kept for the failure message.
import type { Subprocess } from "bun";
import { rmSync } from "node:fs";
import { join } from "node:path";
import type { S3Client } from "@aws-sdk/client-s3";
import { freePort } from "./server-process.ts";
import { nodeClient, running, spawnNode, waitServing } from "./node-process.ts";
import type { TempDirs } from "./temp-dirs.ts";

export interface ClusterOptions {
  /** Servers (default 4). */
  nodes?: number;
  /** Drives per server (default 4). */
  drivesPerNode?: number;
  /** Extra environment for every node. */
  env?: Record<string, string>;
  /** Per-node extra environment (e.g. a mismatched setting on one node). */
  nodeEnv?: (node: number) => Record<string, string>;
  /** Do not start the nodes yet (the test starts them itself with start(i)). */
  deferStart?: boolean;
}

export interface ClusterNodeProcess {
  port: number;
  endpoint: string;
  /** Drive directories of this node. */
  drives: string[];
  proc: Subprocess | null;
  output: string;
}

export class ClusterProcess {
  readonly nodes: ClusterNodeProcess[];
  /** The drive arguments every node is given. */
  readonly args: string[];
  readonly #opts: ClusterOptions;

  constructor(temp: TempDirs, opts: ClusterOptions = {}) {
    this.#opts = opts;
    const root = temp.make("bunker-cluster-");
    const count = opts.nodes ?? 4;
    const perNode = opts.drivesPerNode ?? 4;
    this.nodes = Array.from({ length: count }, (_, n) => {
      const port = freePort();
      const drives = Array.from({ length: perNode }, (_, i) => join(root, `n${n + 1}`, `x${i + 1}`));
      return { port, endpoint: `http://127.0.0.1:${port}`, drives, proc: null, output: "" };
    });
    this.args = this.nodes.flatMap((node) => node.drives.map((d) => `${node.endpoint}${d}`));
  }

  /** Starts node `i` (after a stop or kill); resolves once it spawned (not once it serves). */
  start(i: number, extraEnv: Record<string, string> = {}): void {
    const node = this.nodes[i];
    if (node.proc && running(node.proc)) throw new Error(`node ${i + 1} is running`);
    spawnNode(node, ["--address", `127.0.0.1:${node.port}`, ...this.args], { ...this.#opts.env, ...this.#opts.nodeEnv?.(i), ...extraEnv });
  }

  startAll(): void {
    for (let i = 0; i < this.nodes.length; i++) this.start(i);
  }

  /** Waits until node `i` serves S3 (health/live answers 200), or fails with its output. */
  async ready(i: number, timeoutMs = 60_000): Promise<void> {
    await waitServing(this.nodes[i], this.nodes[i].endpoint, `node ${i + 1}`, timeoutMs);
  }

  async allReady(timeoutMs?: number): Promise<void> {
    await Promise.all(this.nodes.map((_, i) => this.ready(i, timeoutMs)));
  }

  /** An S3 client talking to node `i`, with the SDK's standard retries. */
  client(i: number, opts: { maxAttempts?: number } = {}): S3Client {
    return nodeClient(this.nodes[i].endpoint, opts);
  }

  /** Sends `signal` to node `i` (SIGKILL/SIGTERM wait for the exit; SIGSTOP/SIGCONT do not). */
  async signal(i: number, signal: NodeJS.Signals): Promise<void> {
    const proc = this.nodes[i].proc;
    if (!proc || !running(proc)) return;
    proc.kill(signal);
    if (signal === "SIGKILL" || signal === "SIGTERM") await proc.exited;
  }

  /** Removes every drive directory of node `i` (it must be stopped). */
  wipe(i: number): void {
    for (const d of this.nodes[i].drives) rmSync(d, { recursive: true, force: true });
  }

  /** Kills every node (SIGCONT first, so a paused node can die). */
  async stopAll(): Promise<void> {
    await Promise.all(
      this.nodes.map(async (n, i) => {
        if (!n.proc || !running(n.proc)) return;
        n.proc.kill("SIGCONT");
        await this.signal(i, "SIGKILL");
      }),
    );
  }

  /** Everything every node printed, for a failure message. */
  outputs(): string {
    return this.nodes.map((n, i) => `--- node ${i + 1} (${n.endpoint}) ---\n${n.output}`).join("\n");
  }
}

export async function startCluster(temp: TempDirs, opts: ClusterOptions = {}): Promise<ClusterProcess> {
  const c = new ClusterProcess(temp, opts);
  if (!opts.deferStart) {
    c.startAll();
    try {
      await c.allReady();
    } catch (err) {
      await c.stopAll();
      throw err;
    }
  }
  return c;
}
