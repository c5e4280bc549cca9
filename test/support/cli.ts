// Real S3 command-line clients (aws-cli v2, rclone, s3cmd) in e2e tests: finding the Debian
// packages (a missing tool fails under CI=1 and skips with a printed reason otherwise), running
// them with a clean environment and a throwaway HOME, and hashing files and trees.
import { describe, test } from "bun:test";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { dirname, join, relative } from "node:path";

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The first candidate path that exists, or null. */
export function findTool(candidates: string[]): string | null {
  return candidates.find((p) => existsSync(p)) ?? null;
}

/**
 * `describe` when the tool is there. Under CI a missing tool must fail the run (a skipped client
 * suite would pass while testing nothing), so the suite is kept with one failing test.
 */
export function describeWithTool(tool: string, path: string | null, fn: () => void): void {
  if (path) return describe(tool, fn);
  if (process.env.CI) {
    return describe(tool, () => {
      test("is installed", () => {
        throw new Error(`${tool} is not installed (CI must install it: apt-get install awscli rclone s3cmd python3-boto3)`);
      });
    });
  }
  console.warn(`SKIP ${tool}: not installed here (set CI=1 to make this a failure)`);
  describe.skip(tool, fn);
}

/**
 * A minimal environment: no inherited AWS_* variables, CA bundles or proxies (rclone refuses to
 * start with AWS_CA_BUNDLE set, and a proxy would intercept loopback), HOME in a temp directory
 * so no client reads or writes the user's own configuration.
 */
export function cleanEnv(home: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: "/usr/local/bin:/usr/bin:/bin",
    HOME: home,
    LANG: "C.UTF-8",
    LC_ALL: "C.UTF-8",
    TZ: "UTC",
    NO_PROXY: "*",
    ...extra,
  };
}

/** Debian's aws-cli v2 (/usr/bin/aws); an `aws` earlier on PATH may be v1 (DESIGN.md §2). */
export function findAwsCliV2(): string | null {
  const path = findTool(["/usr/bin/aws"]);
  if (!path) return null;
  const v = Bun.spawnSync([path, "--version"], { env: { PATH: "/usr/bin:/bin", HOME: "/tmp" } });
  return /^aws-cli\/2\./.test(v.stdout.toString() + v.stderr.toString()) ? path : null;
}

/**
 * The environment aws-cli runs in for a test: the root user's keys, empty config and credentials
 * files in `work` (nothing of the machine's), no metadata service, no pager, no retries (a server
 * error must fail the test, not be papered over by a second try), plus `extra`.
 */
export function awsCliEnv(work: string, user: string, password: string, extra: Record<string, string> = {}): Record<string, string> {
  writeFileSync(join(work, "config"), "");
  writeFileSync(join(work, "credentials"), "");
  return cleanEnv(work, {
    AWS_ACCESS_KEY_ID: user,
    AWS_SECRET_ACCESS_KEY: password,
    AWS_DEFAULT_REGION: "us-east-1",
    AWS_CONFIG_FILE: join(work, "config"),
    AWS_SHARED_CREDENTIALS_FILE: join(work, "credentials"),
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_PAGER: "",
    AWS_MAX_ATTEMPTS: "1",
    ...extra,
  });
}

/** Debian's python3 when it can import boto3 (what the boto3 suites drive), else null. */
export function findBoto3Python(): string | null {
  const python = findTool(["/usr/bin/python3"]);
  return python !== null && Bun.spawnSync([python, "-c", "import boto3"], { env: cleanEnv("/tmp") }).exitCode === 0 ? python : null;
}

/** Runs a command to completion, its stdin from a file when given. */
export async function run(cmd: string[], env: Record<string, string>, cwd?: string, stdinFile?: string): Promise<RunResult> {
  const proc = Bun.spawn(cmd, { env, cwd, stdin: stdinFile ? Bun.file(stdinFile) : "ignore", stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, stdout, stderr };
}

/** Runs a command that must succeed; the error carries everything it printed. */
export async function runOk(cmd: string[], env: Record<string, string>, cwd?: string, stdinFile?: string): Promise<string> {
  const r = await run(cmd, env, cwd, stdinFile);
  if (r.code !== 0) throw new Error(`${cmd.join(" ")} exited with ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
  return r.stdout;
}

/** Runs a command that must succeed and returns its stdout as bytes (downloads to "-"). */
export async function runBytes(cmd: string[], env: Record<string, string>, cwd?: string): Promise<Uint8Array> {
  const proc = Bun.spawn(cmd, { env, cwd, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const [out, stderr, code] = await Promise.all([new Response(proc.stdout).arrayBuffer(), new Response(proc.stderr).text(), proc.exited]);
  if (code !== 0) throw new Error(`${cmd.join(" ")} exited with ${code}\nstderr:\n${stderr}`);
  return new Uint8Array(out);
}

export function sha256(data: Uint8Array | string): string {
  return new Bun.CryptoHasher("sha256").update(data).digest("hex");
}

export function sha256File(path: string): string {
  return sha256(readFileSync(path));
}

/** Incompressible bytes (so no layer can shortcut them). */
export function randomData(size: number): Uint8Array {
  return new Uint8Array(randomBytes(size));
}

/** Writes files given by relative path, creating directories. */
export function writeTree(root: string, files: Record<string, Uint8Array | string>): void {
  for (const [rel, data] of Object.entries(files)) {
    const path = join(root, rel);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, data);
  }
}

/** Relative path → sha256 of every file under root (directories only by their files). */
export function hashTree(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else out[relative(root, path)] = sha256File(path);
    }
  };
  if (existsSync(root)) walk(root);
  return out;
}

/** The expected hashTree of a file map. */
export function hashFiles(files: Record<string, Uint8Array | string>): Record<string, string> {
  return Object.fromEntries(Object.entries(files).map(([k, v]) => [k, sha256(v)]));
}
