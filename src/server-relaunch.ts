// The admin API's service restart, once the drain has released the drives and the listener: the
// process checks that its port can be bound again, then replaces itself with the same command
// line and environment — execve where the runtime has it (same pid), else a detached copy and exit.
import { createServer } from "node:net";
import type { ServerConfig } from "./config/index.ts";

/** What relaunchArgv reads of `process`. */
export interface ProcessArgs {
  execPath: string;
  execArgv: readonly string[];
  argv: readonly string[];
  argv0: string;
}

/** The command line that starts this server again (argv[0] as it was invoked: it names the program). */
export function relaunchArgv(proc: ProcessArgs): string[] {
  const script = proc.argv[1] ?? "";
  // A compiled binary's argv[1] is its embedded entry point, not an argument the user gave.
  const compiled = script.startsWith("/$bunfs/") || /^[A-Za-z]:[\\/]~BUN[\\/]/.test(script);
  return compiled ? [proc.argv0, ...proc.argv.slice(2)] : [proc.argv0, ...proc.execArgv, ...proc.argv.slice(1)];
}

/** Whether `port` on `host` can be bound right now (bound and released at once). */
export function portFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once("error", () => resolve(false));
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve(true)));
  });
}

/** Waits until the port can be bound, checking every 50 ms; false past `timeoutMs`. */
export async function waitPortFree(host: string, port: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await portFree(host, port)) return true;
    if (Date.now() > deadline) return false;
    await Bun.sleep(50);
  }
}

type Execve = (file: string, args: string[], env: Record<string, string | undefined>) => never;

/** Starts the server again in this process's place; never returns. */
export async function relaunch(cfg: ServerConfig, port: number, env: Record<string, string | undefined>): Promise<never> {
  const host = cfg.address.host || "0.0.0.0";
  if (port !== 0 && !(await waitPortFree(host, port, 15_000))) {
    console.error(`${cfg.programName}: cannot restart: port ${port} is still in use 15 s after the server stopped listening`);
    process.exit(1);
  }
  const argv = relaunchArgv(process);
  if (!cfg.quiet) console.log(`Restarting: ${argv.join(" ")}`);
  const execve = (process as unknown as { execve?: Execve }).execve;
  if (typeof execve === "function") execve.call(process, process.execPath, argv, env);
  // No exec here (Windows): a detached copy takes over the same terminal, and this process ends.
  Bun.spawn([process.execPath, ...argv.slice(1)], { env, stdio: ["inherit", "inherit", "inherit"], detached: true }).unref();
  process.exit(0);
}
