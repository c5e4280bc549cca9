// `bun run bench`: every benchmark in order (ec, compress, object, s3, cluster), each in its own process so one's
// workers and servers cannot skew the next. Each prints one JSON object; this prints one JSON
// object keyed by benchmark. `bun run bench ec object` runs only those (in that order).
import { spawn } from "bun";
import { join } from "node:path";

const BENCHES = ["ec", "compress", "object", "s3", "cluster"] as const;

async function runBench(name: string): Promise<unknown> {
  console.error(`== bench:${name}`);
  const proc = spawn([process.execPath, join(import.meta.dir, `${name}.ts`)], { stdout: "pipe", stderr: "inherit", env: process.env });
  const out = await new Response(proc.stdout).text();
  const code = await proc.exited;
  if (code !== 0) throw new Error(`bench:${name} exited with ${code}`);
  return JSON.parse(out); // each benchmark's stdout is exactly one JSON object
}

async function main(): Promise<void> {
  const asked = process.argv.slice(2);
  const unknown = asked.filter((a) => !(BENCHES as readonly string[]).includes(a));
  if (unknown.length > 0) {
    console.error(`Unknown benchmark(s) ${unknown.map((u) => `"${u}"`).join(", ")}; choose from ${BENCHES.join(", ")}`);
    process.exit(2);
  }
  const results: Record<string, unknown> = {};
  for (const name of BENCHES.filter((b) => asked.length === 0 || asked.includes(b))) results[name] = await runBench(name);
  console.log(JSON.stringify(results));
}

await main();
