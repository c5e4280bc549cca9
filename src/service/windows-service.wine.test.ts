// The real Service Control Manager path, exercised under Wine: a Windows build of a small
// program using startWindowsService is registered with `sc create`, started (ServiceMain →
// running, HTTP answers), stopped (graceful onStop, then STOPPED and exit), and run from a
// console (falls back). Needs wine64, the @oven/bun-windows-x64 runtime (npm pack, cached) and,
// for Wine 8 which lacks bcryptprimitives.dll, MinGW to build a stand-in; skipped, saying
// why, when any is missing.
import { afterAll, expect, test } from "bun:test";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { ensureRuntime } from "../../scripts/build-all-targets.ts";
import { TempDirs } from "../../test/support/temp-dirs.ts";

const ROOT = resolve(import.meta.dir, "../..");
const WINE = ["/usr/lib/wine/wine64", Bun.which("wine64"), Bun.which("wine")].find((p) => p && existsSync(p));
const MINGW = Bun.which("x86_64-w64-mingw32-gcc");
const missing = !WINE
  ? "wine64 is not installed (apt-get install wine64)"
  : !MINGW
    ? "MinGW is not installed (apt-get install gcc-mingw-w64-x86-64-win32)"
    : "";
if (missing) console.warn(`windows-service.wine.test: SKIPPED: ${missing}`);

const temp = new TempDirs();
const dir = missing ? "" : temp.make("bunker-wine-");
const prefix = missing ? "" : temp.make("bunker-wineprefix-");
const env = { ...process.env, WINEPREFIX: prefix, WINEDEBUG: "-all", WINEDLLOVERRIDES: "mscoree,mshtml=" };
afterAll(() => {
  if (!missing) Bun.spawnSync([WINE!.replace(/wine(64)?$/, "wineserver"), "-k"], { env, stdout: "ignore", stderr: "ignore" });
  temp.cleanup();
});

const APP = `
import { appendFileSync } from "node:fs";
import { startWindowsService } from ${JSON.stringify(join(ROOT, "src/service/index.ts"))};
const arg = (k) => process.argv[process.argv.indexOf(k) + 1];
const log = (m) => appendFileSync(arg("--log"), m + "\\n");
let server;
const svc = await startWindowsService({
  name: "bunkertest",
  log,
  onStop: async () => { log("onStop"); await server.stop(); log("drained"); },
  exit: (code) => { log("exit " + code); process.exit(code); },
});
if (!svc) { log("console"); process.exit(0); }
server = Bun.serve({ hostname: "127.0.0.1", port: Number(arg("--port")), fetch: () => new Response("ok") });
svc.running();
log("running");
`;

const STUB = `#include <windows.h>
BOOLEAN WINAPI SystemFunction036(PVOID, ULONG);
__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE p, SIZE_T n) { return SystemFunction036(p, (ULONG)n); }
`;

/** Runs a wine command with output to a file (a pipe would be held open by wineserver). */
function wine(args: string[]): string {
  const out = join(dir, "wine.out");
  Bun.spawnSync([WINE!, ...args], { env, stdout: Bun.file(out), stderr: Bun.file(out), stdin: "ignore" });
  return readFileSync(out, "utf8");
}

async function until<T>(what: string, probe: () => T | undefined | false, limitMs = 90_000): Promise<T> {
  for (const started = Date.now(); Date.now() - started < limitMs; await Bun.sleep(250)) {
    const v = probe();
    if (v) return v;
  }
  throw new Error(`Timed out waiting for ${what}`);
}

test.skipIf(!!missing)(
  "a compiled Windows binary runs as a service under the Service Control Manager",
  async () => {
    writeFileSync(join(dir, "app.ts"), APP);
    writeFileSync(join(dir, "stub.c"), STUB);
    const runtime = ensureRuntime("bun-windows-x64", join(ROOT, "node_modules/.cache/bunker-runtimes"));
    const build = Bun.spawnSync(
      [
        process.execPath,
        "build",
        "--compile",
        "--target=bun-windows-x64",
        "--compile-executable-path",
        runtime,
        "--root",
        "/",
        join(dir, "app.ts"),
        "--outfile",
        join(dir, "app.exe"),
      ],
      { stderr: "pipe" },
    );
    expect(build.exitCode).toBe(0);
    const cc = Bun.spawnSync([MINGW!, "-shared", "-O2", "-o", join(dir, "bcryptprimitives.dll"), join(dir, "stub.c"), "-ladvapi32"], { stderr: "pipe" });
    expect(cc.stderr.toString()).toBe("");

    const log = join(dir, "svc.log");
    const lines = () => (existsSync(log) ? readFileSync(log, "utf8").split("\n") : []);
    const port = 20000 + Math.floor(Math.random() * 20000);
    const winPath = (p: string) => `Z:${p.replaceAll("/", "\\")}`;
    wine(["sc", "create", "bunkertest", "binPath=", `${winPath(join(dir, "app.exe"))} --log ${winPath(log)} --port ${port}`]);
    wine(["sc", "start", "bunkertest"]);
    await until("the service to report running", () => lines().includes("running"));
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe("ok");
    expect(wine(["sc", "query", "bunkertest"])).toMatch(/STATE\s+:\s+4\s+RUNNING/);

    wine(["sc", "stop", "bunkertest"]);
    await until("the graceful stop", () => lines().includes("exit 0"));
    expect(lines().filter(Boolean)).toEqual([
      'Service "bunkertest" is running',
      "running",
      'Service "bunkertest" received stop; shutting down',
      "onStop",
      "drained",
      "exit 0",
    ]);
    await until("STOPPED", () => /STATE\s+:\s+1\s+STOPPED/.test(wine(["sc", "query", "bunkertest"])));
    wine(["sc", "delete", "bunkertest"]);

    writeFileSync(log, "");
    wine([join(dir, "app.exe"), "--log", winPath(log), "--port", String(port)]);
    expect(lines()).toContain("console");
  },
  300_000,
);
