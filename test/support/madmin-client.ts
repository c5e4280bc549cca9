// MinIO's own admin client in tests: builds test/support/madmin (a Go CLI around Debian's
// madmin-go 2.0.7, GOPATH mode, offline) once per source hash into the OS temp dir, and runs one
// admin or STS call per process, returning its one JSON line.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Where Debian's golang-github-minio-madmin-go-dev puts the library (and its dependencies). */
const GOCODE = "/usr/share/gocode";
const MADMIN_SRC = join(GOCODE, "src/github.com/minio/madmin-go");
const SOURCE_DIR = join(import.meta.dir, "madmin");
const CACHE = join(tmpdir(), "bunker-madmin-client");

export interface MadminError {
  /** The server's Code (madmin.ErrorResponse), or "ClientError"/"Timeout" for failures on our side. */
  code: string;
  message: string;
  /** HTTP status of the last response; 0 when none came (connection refused, bad arguments). */
  status: number;
}

// biome-ignore lint/suspicious/noExplicitAny: the result is madmin's Go struct as JSON; each test names the fields it reads
export type MadminResult = { ok: true; result: any } | { ok: false; error: MadminError };

function findGo(): string | null {
  return Bun.which("go") ?? ["/usr/bin/go", "/usr/lib/go/bin/go"].find((p) => existsSync(p)) ?? null;
}

/** Why the client cannot be built here, or null when it can. */
export function madminMissing(): string | null {
  if (findGo() === null) return "`go` is not installed (apt-get install golang-go)";
  if (!existsSync(join(MADMIN_SRC, "api.go"))) return `madmin-go is not in ${MADMIN_SRC} (apt-get install golang-github-minio-madmin-go-dev)`;
  return null;
}

function sourceHash(): string {
  const h = createHash("sha256");
  for (const name of readdirSync(SOURCE_DIR)
    .filter((n) => n.endsWith(".go"))
    .sort()) {
    h.update(name)
      .update("\0")
      .update(readFileSync(join(SOURCE_DIR, name)))
      .update("\0");
  }
  return h.digest("hex").slice(0, 16);
}

/** GOPATH mode against the Debian tree only: no module proxy, no network, caches in the temp dir. */
function goEnv(): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: CACHE,
    GO111MODULE: "off",
    GOPATH: `${join(CACHE, "gopath")}:${GOCODE}`,
    GOCACHE: join(CACHE, "gocache"),
    GOFLAGS: "",
    GOPROXY: "off",
    GOENV: "off",
    GOTOOLCHAIN: "local",
    CGO_ENABLED: "0",
  };
}

async function build(go: string): Promise<string> {
  const dir = join(CACHE, sourceHash());
  const bin = join(dir, "madmin-client");
  if (existsSync(bin)) return bin;
  mkdirSync(dir, { recursive: true });
  // Built beside its final name and renamed, so a concurrent test file never runs half a binary.
  const partial = `${bin}.${process.pid}.tmp`;
  const proc = Bun.spawn([go, "build", "-o", partial, "."], { cwd: SOURCE_DIR, env: goEnv(), stdout: "pipe", stderr: "pipe" });
  const [code, out, err] = await Promise.all([proc.exited, new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
  if (code !== 0) {
    rmSync(partial, { force: true });
    throw new Error(`go build of ${SOURCE_DIR} failed (exit ${code}):\n${out}${err}`);
  }
  renameSync(partial, bin);
  return bin;
}

let built: Promise<string | null> | undefined;

/** The madmin-client binary (built on first use, reused while the Go sources are unchanged), or null without Go/madmin-go. */
export function buildMadminClient(): Promise<string | null> {
  built ??= (async () => {
    const go = findGo();
    if (go === null || madminMissing() !== null) return null;
    return build(go);
  })();
  return built;
}

/**
 * One madmin call: `madmin-client <endpoint> <accessKey> <secretKey> <command> [<json-args>]`.
 * Throws on a usage error (exit 2: unknown command, malformed arguments) or a hung client.
 */
export async function madmin(
  bin: string,
  endpoint: string,
  creds: { accessKey: string; secretKey: string },
  command: string,
  args?: unknown,
  opts: { timeoutMs?: number } = {},
): Promise<MadminResult> {
  const argv = [bin, endpoint, creds.accessKey, creds.secretKey, command];
  if (args !== undefined) argv.push(JSON.stringify(args));
  // No proxy for loopback, no inherited AWS_* or MINIO_* settings.
  const proc = Bun.spawn(argv, { env: { PATH: "/usr/bin:/bin", HOME: tmpdir(), NO_PROXY: "*" }, stdout: "pipe", stderr: "pipe" });
  const timeoutMs = opts.timeoutMs ?? 90_000;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    proc.kill("SIGKILL");
  }, timeoutMs);
  try {
    const [code, out, err] = await Promise.all([proc.exited, new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
    if (timedOut) throw new Error(`madmin-client ${command} did not finish within ${timeoutMs} ms`);
    if (code !== 0) throw new Error(`madmin-client ${command} exited ${code}: ${err.trim()}`);
    const lines = out.trim().split("\n");
    if (lines.length !== 1) throw new Error(`madmin-client ${command} printed ${lines.length} lines, not one: ${out}`);
    return JSON.parse(lines[0]) as MadminResult;
  } finally {
    clearTimeout(timer);
  }
}
