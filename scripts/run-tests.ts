// The whole test suite behind `npm test`: static checks (types, layer rules) and every
// `bun test` file. Streams all output and ends with one line: `N passed, N failed`.
// Extra arguments are passed to `bun test` (e.g. a path filter).
import { join } from "node:path";
import { spawn } from "bun";

type Step = { name: string; passed: number; failed: number };

async function run(cmd: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string }> {
  const proc = spawn(cmd, { stdout: "pipe", stderr: "pipe", env: { ...process.env, ...env } });
  let out = "";
  const pump = async (stream: ReadableStream<Uint8Array>, sink: NodeJS.WriteStream) => {
    const decoder = new TextDecoder();
    for await (const chunk of stream) {
      const text = decoder.decode(chunk, { stream: true });
      out += text;
      sink.write(text);
    }
  };
  await Promise.all([pump(proc.stdout, process.stdout), pump(proc.stderr, process.stderr)]);
  return { code: await proc.exited, out };
}

async function checkStep(name: string, cmd: string[]): Promise<Step> {
  console.log(`\n== ${name}: ${cmd.join(" ")}`);
  const { code } = await run(cmd);
  return { name, passed: code === 0 ? 1 : 0, failed: code === 0 ? 0 : 1 };
}

/** Reads bun test's own summary (" 12 pass", " 1 fail") rather than counting lines ourselves. */
export function parseBunSummary(out: string): { pass: number; fail: number } | null {
  const pass = [...out.matchAll(/^\s*(\d+) pass\s*$/gm)].at(-1);
  const fail = [...out.matchAll(/^\s*(\d+) fail\s*$/gm)].at(-1);
  if (!pass && !fail) return null;
  return { pass: Number(pass?.[1] ?? 0), fail: Number(fail?.[1] ?? 0) };
}

async function bunTests(args: string[]): Promise<Step> {
  // bun test's own default is 5 s per test (bunfig.toml has no setting for it); tests that start
  // servers, build the Go admin client or derive Argon2id keys need more on a loaded 2-core machine.
  const cmd = [process.execPath, "test", "--timeout", "60000", ...args];
  console.log(`\n== bun test: ${cmd.slice(1).join(" ")}`);
  const { code, out } = await run(cmd);
  const summary = parseBunSummary(out);
  if (!summary) return { name: "bun test", passed: 0, failed: 1 };
  // A crash after the summary (or an error outside any test) still fails the run.
  const failed = summary.fail + (code !== 0 && summary.fail === 0 ? 1 : 0);
  return { name: "bun test", passed: summary.pass, failed };
}

if (import.meta.main) {
  const extra = process.argv.slice(2);
  const steps: Step[] = [];
  if (extra.length === 0) {
    steps.push(await checkStep("wasm kernels match their source", [process.execPath, "scripts/build-wasm.ts", "--check"]));
    steps.push(await checkStep("layer rules", [process.execPath, "scripts/check-layers.ts"]));
    // Formatting drift and lint findings fail the run (biome.json: line width, rules and why some are off).
    steps.push(await checkStep("format and lint", [join(import.meta.dir, "../node_modules/.bin/biome"), "ci", "--error-on-warnings", "."]));
    steps.push(await checkStep("typecheck", [process.execPath, "x", "tsc", "--noEmit", "-p", "."]));
  }
  steps.push(await bunTests(extra));
  const passed = steps.reduce((n, s) => n + s.passed, 0);
  const failed = steps.reduce((n, s) => n + s.failed, 0);
  for (const s of steps) if (s.failed) console.log(`failed step: ${s.name}`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}
