// Builds a small Go command from test/support/<dir> against Debian's Go packages (GOPATH mode,
// offline: no module proxy, no network) once per source hash into the OS temp dir, the way
// madmin-client.ts builds its client. Used by the s2tool wrapper; madmin-client.ts keeps its own.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Where Debian's golang-*-dev packages put their sources. */
export const GOCODE = "/usr/share/gocode";

export function findGo(): string | null {
  return Bun.which("go") ?? ["/usr/bin/go", "/usr/lib/go/bin/go"].find((p) => existsSync(p)) ?? null;
}

export interface GoTool {
  /** Folder holding the command's .go files. */
  sourceDir: string;
  /** Binary name, also the cache folder's name under the temp dir. */
  name: string;
  /** A file under GOCODE that must exist (the library the tool wraps), with the Debian package to install. */
  requires: { path: string; pkg: string };
}

/** Why the tool cannot be built here, or null when it can. */
export function goToolMissing(tool: GoTool): string | null {
  if (findGo() === null) return "`go` is not installed (apt-get install golang-go)";
  if (!existsSync(join(GOCODE, tool.requires.path))) return `${tool.requires.path} is not in ${GOCODE} (apt-get install ${tool.requires.pkg})`;
  return null;
}

function sourceHash(dir: string): string {
  const h = createHash("sha256");
  for (const name of readdirSync(dir)
    .filter((n) => n.endsWith(".go"))
    .sort()) {
    h.update(name)
      .update("\0")
      .update(readFileSync(join(dir, name)))
      .update("\0");
  }
  return h.digest("hex").slice(0, 16);
}

function goEnv(cache: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: cache,
    GO111MODULE: "off",
    GOPATH: `${join(cache, "gopath")}:${GOCODE}`,
    GOCACHE: join(cache, "gocache"),
    GOFLAGS: "",
    GOPROXY: "off",
    GOENV: "off",
    GOTOOLCHAIN: "local",
    CGO_ENABLED: "0",
  };
}

const builds = new Map<string, Promise<string | null>>();

/** The tool's binary (built on first use, reused while its sources are unchanged), or null without Go or the library. */
export function buildGoTool(tool: GoTool): Promise<string | null> {
  let built = builds.get(tool.name);
  if (!built) {
    built = (async () => {
      const go = findGo();
      if (go === null || goToolMissing(tool) !== null) return null;
      const cache = join(tmpdir(), `bunker-${tool.name}`);
      const dir = join(cache, sourceHash(tool.sourceDir));
      const bin = join(dir, tool.name);
      if (existsSync(bin)) return bin;
      mkdirSync(dir, { recursive: true });
      // Built beside its final name and renamed, so a concurrent test file never runs half a binary.
      const partial = `${bin}.${process.pid}.tmp`;
      const proc = Bun.spawn([go, "build", "-o", partial, "."], { cwd: tool.sourceDir, env: goEnv(cache), stdout: "pipe", stderr: "pipe" });
      const [code, out, err] = await Promise.all([proc.exited, new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
      if (code !== 0) {
        rmSync(partial, { force: true });
        throw new Error(`go build of ${tool.sourceDir} failed (exit ${code}):\n${out}${err}`);
      }
      renameSync(partial, bin);
      return bin;
    })();
    builds.set(tool.name, built);
  }
  return built;
}
