// One server process of a test cluster: spawned with its output collected, and a wait until it
// serves. Shared by the loopback cluster (cluster-process.ts) and the network-namespace cluster
// (netns-cluster.ts), which differ only in how the command is wrapped and where it listens.
import { spawn, type Subprocess } from "bun";
import { join, resolve } from "node:path";
import { S3Client } from "@aws-sdk/client-s3";
import { ROOT_PASSWORD, ROOT_USER } from "./server-process.ts";

const REPO = resolve(import.meta.dir, "../..");

/** What a node process leaves for the test: the process and everything it printed so far. */
export interface NodeOutput {
  proc: Subprocess | null;
  output: string;
}

/** An S3 client for a node at `endpoint`, signing as the root user, with the SDK's standard retries. */
export function nodeClient(endpoint: string, opts: { maxAttempts?: number } = {}): S3Client {
  return new S3Client({
    endpoint,
    region: "us-east-1",
    forcePathStyle: true,
    maxAttempts: opts.maxAttempts,
    credentials: { accessKeyId: ROOT_USER, secretAccessKey: ROOT_PASSWORD },
  });
}

/** A process killed by a signal has a null exit code and a signal code instead. */
export function running(proc: Subprocess): boolean {
  return proc.exitCode === null && proc.signalCode === null;
}

/** Spawns `bun src/server.ts server ARGS` (after `wrap`, e.g. `ip netns exec …`), collecting stdout and stderr into `node.output`. */
export function spawnNode(node: NodeOutput, args: string[], env: Record<string, string | undefined>, wrap: string[] = []): void {
  node.output = "";
  const proc = spawn([...wrap, process.execPath, join(REPO, "src/server.ts"), "server", ...args], {
    stdout: "pipe",
    stderr: "pipe",
    env: { ...process.env, MINIO_ROOT_USER: ROOT_USER, MINIO_ROOT_PASSWORD: ROOT_PASSWORD, ...env },
  });
  const pump = async (s: ReadableStream<Uint8Array>) => {
    const dec = new TextDecoder();
    for await (const c of s) node.output += dec.decode(c, { stream: true });
  };
  void pump(proc.stdout as ReadableStream<Uint8Array>);
  void pump(proc.stderr as ReadableStream<Uint8Array>);
  node.proc = proc;
}

/** Waits until `endpoint` serves S3 (health/live answers 200), or fails with the node's output. */
export async function waitServing(node: NodeOutput, endpoint: string, label: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!node.proc || !running(node.proc)) throw new Error(`${label} exited with ${node.proc?.exitCode ?? node.proc?.signalCode}:\n${node.output}`);
    const ok = await fetch(`${endpoint}/minio/health/live`, { signal: AbortSignal.timeout(2_000) }).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`${label} did not serve within ${timeoutMs} ms:\n${node.output}`);
    await Bun.sleep(100);
  }
}
