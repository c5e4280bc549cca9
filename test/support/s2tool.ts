// klauspost/compress/s2 (the library MinIO compresses objects with) as a command-line filter for
// the interop tests: test/support/s2tool/main.go, built by go-tool.ts. Each call is one process:
// stdin in, stdout out, a non-zero exit with one stderr line on failure.
import { join } from "node:path";
import { type GoTool, buildGoTool, goToolMissing } from "./go-tool.ts";

const S2TOOL: GoTool = {
  sourceDir: join(import.meta.dir, "s2tool"),
  name: "s2tool",
  requires: { path: "src/github.com/klauspost/compress/s2/encode.go", pkg: "golang-github-klauspost-compress-dev" },
};

/** Why s2tool cannot be built here, or null when it can. */
export function s2toolMissing(): string | null {
  return goToolMissing(S2TOOL);
}

/** The s2tool binary, or null without Go or Debian's klauspost/compress. */
export function buildS2Tool(): Promise<string | null> {
  return buildGoTool(S2TOOL);
}

export interface S2ToolResult {
  code: number;
  stdout: Uint8Array;
  stderr: string;
}

/** Runs `s2tool <args>` with `input` on stdin; a hung process is killed after `timeoutMs`. */
export async function s2tool(bin: string, args: string[], input: Uint8Array, timeoutMs = 60_000): Promise<S2ToolResult> {
  // stdin from a Blob: the tool may exit on bad input before reading it all (no EPIPE for us).
  const proc = Bun.spawn([bin, ...args], { stdin: new Blob([input]), stdout: "pipe", stderr: "pipe", env: { PATH: "/usr/bin:/bin" } });
  const timer = setTimeout(() => proc.kill("SIGKILL"), timeoutMs);
  try {
    const out = new Response(proc.stdout).arrayBuffer();
    const err = new Response(proc.stderr).text();
    const [code, stdout, stderr] = await Promise.all([proc.exited, out, err]);
    return { code, stdout: new Uint8Array(stdout), stderr };
  } finally {
    clearTimeout(timer);
  }
}

/** Like s2tool(), but throws with the tool's message on a non-zero exit. */
export async function s2toolOk(bin: string, args: string[], input: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  const r = await s2tool(bin, args, input);
  if (r.code !== 0) throw new Error(`s2tool ${args.join(" ")} exited ${r.code}: ${r.stderr.trim()}`);
  return r.stdout as Uint8Array<ArrayBuffer>;
}
