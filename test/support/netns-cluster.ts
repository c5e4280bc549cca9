// A cluster of real server processes, each in a network namespace of its own (needs root and
// `ip`): the nodes reach each other over a bridge (10.x.y.1…N, port 9000, so the command line is
// MinIO's own `http://10.x.y.{1...4}:9000/…/disk{1...4}`), and the test reaches node i over a
// separate point-to-point link, so cutting node i's bridge link partitions it from its peers
// while the test can still talk to it. Every node sees the same drive paths: a private mount
// namespace binds its own directory there.
import { spawnSync, type Subprocess } from "bun";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { S3Client } from "@aws-sdk/client-s3";
import { nodeClient, spawnNode, waitServing } from "./node-process.ts";
import type { TempDirs } from "./temp-dirs.ts";

function run(args: string[]): void {
  const r = spawnSync(args, { stdout: "pipe", stderr: "pipe" });
  if (r.exitCode !== 0) throw new Error(`${args.join(" ")}: ${r.stderr.toString().trim()}`);
}

/** Whether this process may create namespaces (root with iproute2); tests skip otherwise. */
export function netnsAvailable(): boolean {
  if (process.platform !== "linux" || process.getuid?.() !== 0) return false;
  const name = `bkprobe${process.pid}`;
  const ok = spawnSync(["ip", "netns", "add", name], { stdout: "ignore", stderr: "ignore" }).exitCode === 0;
  if (ok) spawnSync(["ip", "netns", "del", name]);
  return ok;
}

export interface NetnsNode {
  /** Address on the cluster bridge (what the drive URLs name). */
  clusterIp: string;
  /** Address the test talks to, on the node's own link. */
  clientIp: string;
  endpoint: string;
  /** This node's drive directories (bound onto the shared path inside its namespace). */
  dir: string;
  proc: Subprocess | null;
  output: string;
}

export class NetnsCluster {
  readonly nodes: NetnsNode[];
  /** The drive arguments every node is started with (a test may drop a drained pool's). */
  args: string[];
  readonly #id: string;
  readonly #shared: string;
  readonly #bridge: string;
  #made: string[] = [];

  /** `pools` splits the nodes into server pools, one ellipses argument each (default: one pool of all). */
  constructor(temp: TempDirs, count = 4, drives = 4, pools: number[] = [count]) {
    const n = Math.floor(Math.random() * 200) + 20;
    this.#id = `bk${process.pid % 1000}${n}`;
    this.#bridge = `${this.#id}br`;
    const root = temp.make("bunker-netns-");
    this.#shared = join(root, "shared");
    mkdirSync(this.#shared);
    this.nodes = Array.from({ length: count }, (_, i) => {
      const dir = join(root, `n${i + 1}`);
      for (let d = 1; d <= drives; d++) mkdirSync(join(dir, `disk${d}`), { recursive: true });
      const clientIp = `172.31.${n}.${4 * i + 2}`;
      return { clusterIp: `10.213.${n}.${i + 1}`, clientIp, endpoint: `http://${clientIp}:9000`, dir, proc: null, output: "" };
    });
    // MinIO's own notation: one host range and one drive range a pool.
    let first = 1;
    this.args = pools.map((size) => {
      const arg = `http://10.213.${n}.{${first}...${first + size - 1}}:9000${this.#shared}/disk{1...${drives}}`;
      first += size;
      return arg;
    });
  }

  /** Creates the namespaces, the bridge and every link. */
  setup(): void {
    run(["ip", "link", "add", "name", this.#bridge, "type", "bridge"]);
    this.#made.push(`link:${this.#bridge}`);
    run(["ip", "link", "set", this.#bridge, "up"]);
    for (const [i, node] of this.nodes.entries()) {
      const ns = `${this.#id}n${i}`;
      run(["ip", "netns", "add", ns]);
      this.#made.push(`ns:${ns}`);
      run(["ip", "-n", ns, "link", "set", "lo", "up"]);
      // Cluster link: ns eth0 <-> bridge port.
      run(["ip", "link", "add", `${this.#id}b${i}`, "type", "veth", "peer", "name", "eth0", "netns", ns]);
      run(["ip", "link", "set", `${this.#id}b${i}`, "master", this.#bridge, "up"]);
      run(["ip", "-n", ns, "addr", "add", `${node.clusterIp}/24`, "dev", "eth0"]);
      run(["ip", "-n", ns, "link", "set", "eth0", "up"]);
      // Client link: a /30 between this (root) namespace and the node.
      const base = node.clientIp.split(".").slice(0, 3).join(".");
      const host = Number(node.clientIp.split(".")[3]);
      run(["ip", "link", "add", `${this.#id}c${i}`, "type", "veth", "peer", "name", "eth1", "netns", ns]);
      run(["ip", "addr", "add", `${base}.${host - 1}/30`, "dev", `${this.#id}c${i}`]);
      run(["ip", "link", "set", `${this.#id}c${i}`, "up"]);
      run(["ip", "-n", ns, "addr", "add", `${node.clientIp}/30`, "dev", "eth1"]);
      run(["ip", "-n", ns, "link", "set", "eth1", "up"]);
    }
  }

  start(i: number): void {
    const node = this.nodes[i];
    const ns = `${this.#id}n${i}`;
    const script = `mount --bind "${node.dir}" "${this.#shared}" && exec "$0" "$@"`;
    spawnNode(node, ["--address", ":9000", ...this.args], {}, ["ip", "netns", "exec", ns, "unshare", "-m", "--propagation", "private", "sh", "-c", script]);
  }

  /** Stops node i (SIGTERM: a graceful shutdown) and waits for it to exit. */
  async stop(i: number): Promise<void> {
    const proc = this.nodes[i].proc;
    if (!proc || proc.exitCode !== null) return;
    proc.kill("SIGTERM");
    await proc.exited;
  }

  async ready(i: number, timeoutMs = 60_000): Promise<void> {
    await waitServing(this.nodes[i], this.nodes[i].endpoint, `node ${i + 1}`, timeoutMs);
  }

  /** Cuts (or restores) node i's link to the bridge: it can no longer reach its peers, the test still reaches it. */
  partition(i: number, cut: boolean): void {
    run(["ip", "link", "set", `${this.#id}b${i}`, cut ? "down" : "up"]);
  }

  client(i: number, opts: { maxAttempts?: number } = {}): S3Client {
    return nodeClient(this.nodes[i].endpoint, opts);
  }

  outputs(): string {
    return this.nodes.map((n, i) => `--- node ${i + 1} (${n.clusterIp}) ---\n${n.output}`).join("\n");
  }

  /** Kills the nodes and removes every namespace and link made. */
  async teardown(): Promise<void> {
    for (const n of this.nodes) {
      if (n.proc && n.proc.exitCode === null) {
        n.proc.kill("SIGKILL");
        await n.proc.exited;
      }
    }
    for (const m of this.#made.reverse()) {
      const [kind, name] = m.split(":");
      spawnSync(kind === "ns" ? ["ip", "netns", "del", name] : ["ip", "link", "del", name], { stdout: "ignore", stderr: "ignore" });
    }
    this.#made = [];
  }
}
