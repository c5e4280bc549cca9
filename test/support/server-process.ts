// Starts the real server (a child process: `bun src/server.ts server …`, or a compiled binary)
// on temp drives and a free loopback port, waits until it answers, and stops it at the end.
import { spawn, type Subprocess } from "bun";
import { join, resolve } from "node:path";
import { S3Client } from "@aws-sdk/client-s3";
import type { TempDirs } from "./temp-dirs.ts";

export const ROOT_USER = "bunkeradmin";
export const ROOT_PASSWORD = "bunker-secret-key";
const REPO = resolve(import.meta.dir, "../..");

export interface ServerProcess {
  proc: Subprocess;
  port: number;
  endpoint: string;
  drives: string[];
  /** Everything the server printed (stdout and stderr). */
  output(): string;
  client(opts?: { accessKeyId?: string; secretAccessKey?: string }): S3Client;
  /** SIGTERM (or the given signal) and wait for exit; returns the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number>;
}

export interface StartOptions {
  /** Number of drives (default 4 → one EC 2+2 set) or existing drive directories. */
  drives?: number | string[];
  /** Extra environment (e.g. MINIO_DOMAIN). */
  env?: Record<string, string>;
  /** Extra server flags. */
  args?: string[];
  /** Run this executable instead of `bun src/server.ts` (e.g. the compiled binary). */
  binary?: string;
  /** The server was given a --certs-dir with public.crt/private.key: talk https (self-signed accepted). */
  tls?: boolean;
}

/** A port the OS says is free right now. */
export function freePort(): number {
  const s = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
  const port = s.port!;
  s.stop(true);
  return port;
}

export async function startServer(temp: TempDirs, opts: StartOptions = {}): Promise<ServerProcess> {
  const drives = Array.isArray(opts.drives)
    ? opts.drives
    : (() => {
        const parent = temp.make("bunker-e2e-");
        const n = opts.drives ?? 4;
        return Array.from({ length: n }, (_, i) => join(parent, `d${i + 1}`));
      })();
  const port = freePort();
  const cmd = opts.binary ? [opts.binary] : [process.execPath, join(REPO, "src/server.ts")];
  const args = ["server", "--address", `127.0.0.1:${port}`, "--quiet", ...(opts.args ?? []), ...drives];
  let out = "";
  const proc = spawn([...cmd, ...args], {
    stdout: "pipe",
    stderr: "pipe",
    env: { ...process.env, MINIO_ROOT_USER: ROOT_USER, MINIO_ROOT_PASSWORD: ROOT_PASSWORD, ...opts.env },
  });
  const pump = async (s: ReadableStream<Uint8Array>) => {
    const dec = new TextDecoder();
    for await (const c of s) out += dec.decode(c, { stream: true });
  };
  void pump(proc.stdout as ReadableStream<Uint8Array>);
  void pump(proc.stderr as ReadableStream<Uint8Array>);
  const endpoint = `${opts.tls ? "https" : "http"}://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`server exited with ${proc.exitCode}:\n${out}`);
    const ok = await fetch(`${endpoint}/minio/health/live`, { tls: { rejectUnauthorized: false } } as RequestInit).then(
      (r) => r.status < 500,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) {
      proc.kill("SIGKILL");
      throw new Error(`server did not answer within 30 s:\n${out}`);
    }
    await Bun.sleep(50);
  }
  return {
    proc,
    port,
    endpoint,
    drives,
    output: () => out,
    client: (c = {}) =>
      new S3Client({
        endpoint,
        region: "us-east-1",
        forcePathStyle: true,
        credentials: { accessKeyId: c.accessKeyId ?? ROOT_USER, secretAccessKey: c.secretAccessKey ?? ROOT_PASSWORD },
      }),
    async stop(signal = "SIGTERM") {
      if (proc.exitCode === null) proc.kill(signal);
      return await proc.exited;
    },
  };
}
