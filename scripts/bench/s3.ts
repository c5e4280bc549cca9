// bench:s3 — a warp-like load against the real server on 4 temp drives (EC 2+2, default fsync):
// PUT, GET (bodies verified), STAT, DELETE and LIST for 4 KiB, 1 MiB and 64 MiB objects at
// concurrency 1, 16 and 64; and, in the same run, the ceilings of a bare Bun.serve (discarding
// uploads, serving bytes from memory, empty responses) and of a bare node:http, the transport
// Bunker actually serves with. Prints one JSON object.
import { spawn } from "bun";
import { join } from "node:path";
import { TempDirs } from "../../test/support/temp-dirs.ts";
import { ROOT_PASSWORD, ROOT_USER, startServer } from "../../test/support/server-process.ts";
import { BenchClient } from "./sigv4-client.ts";
import { drainAndVerify, runLoad, type LoadResult } from "./load.ts";
import { diskCeiling } from "./disk-ceiling.ts";

const KiB = 1024;
const MiB = 1024 * KiB;
const SIZES: [string, number][] = [
  ["4KiB", 4 * KiB],
  ["1MiB", MiB],
  ["64MiB", 64 * MiB],
];
const CONCURRENCY = (process.env.BENCH_CONCURRENCY ?? "1,16,64").split(",").map(Number);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const pattern = new Uint8Array(64 * MiB).map((_, i) => (i * 31 + 7) & 0xff);

/** Large objects are bounded by count (one per worker, at least 3), small ones by time. */
function budget(size: number, c: number): { durationMs: number; maxOps: number } {
  return size >= 64 * MiB ? { durationMs: 120_000, maxOps: Math.max(3, c) } : { durationMs: SECONDS * 1000, maxOps: Infinity };
}

/** Ceilings of one bare server kind ("bun": Bun.serve; "node": node:http, what Bunker serves with). */
async function ceilings(kind: "bun" | "node"): Promise<Record<string, LoadResult>> {
  const proc = spawn([process.execPath, join(import.meta.dir, "bare-server.ts"), kind, String(64 * MiB)], { stdout: "pipe", stderr: "inherit" });
  const reader = (proc.stdout as ReadableStream<Uint8Array>).getReader();
  const line = new TextDecoder().decode((await reader.read()).value);
  const port = Number(/PORT (\d+)/.exec(line)![1]);
  const base = `http://127.0.0.1:${port}`;
  const out: Record<string, LoadResult> = {};
  for (const c of [1, 16]) {
    out[`ceiling_${kind}_put_64MiB_c${c}`] = await runLoad({
      concurrency: c,
      ...budget(64 * MiB, c),
      op: async () => (await fetch(`${base}/x`, { method: "PUT", body: pattern }), 64 * MiB),
    });
    out[`ceiling_${kind}_get_64MiB_c${c}`] = await runLoad({
      concurrency: c,
      ...budget(64 * MiB, c),
      op: async () => drainAndVerify(await fetch(`${base}/blob/${64 * MiB}`), pattern),
    });
  }
  for (const c of CONCURRENCY) {
    out[`ceiling_${kind}_empty_c${c}`] = await runLoad({
      concurrency: c,
      durationMs: SECONDS * 1000,
      maxOps: Infinity,
      op: async () => ((await fetch(`${base}/`)).ok ? 0 : Promise.reject(new Error("bad"))),
    });
  }
  proc.kill();
  return out;
}

async function expectOk(res: Response): Promise<void> {
  if (!res.ok) throw new Error(`HTTP ${res.status}: ${(await res.text()).slice(0, 300)}`);
  await res.arrayBuffer();
}

async function benchSize(s3: BenchClient, label: string, size: number, out: Record<string, LoadResult>): Promise<void> {
  const body = pattern.subarray(0, size);
  const keys: string[] = [];
  for (const c of CONCURRENCY) {
    out[`PUT_${label}_c${c}`] = await runLoad({
      concurrency: c,
      ...budget(size, c),
      op: async (seq) => {
        const key = `${label}/c${c}-${seq}`;
        await expectOk(await s3.request("PUT", `/bench/${key}`, { body, length: size }));
        keys.push(key);
        return size;
      },
    });
  }
  const pick = (seq: number) => keys[(seq * 7919) % keys.length];
  for (const c of CONCURRENCY) {
    out[`GET_${label}_c${c}`] = await runLoad({
      concurrency: c,
      ...budget(size, c),
      op: async (seq) => drainAndVerify(await s3.request("GET", `/bench/${pick(seq)}`), body),
    });
  }
  for (const c of CONCURRENCY) {
    out[`STAT_${label}_c${c}`] = await runLoad({
      concurrency: c,
      durationMs: SECONDS * 1000,
      maxOps: Infinity,
      op: async (seq) => (await expectOk(await s3.request("HEAD", `/bench/${pick(seq)}`)), 0),
    });
  }
  let d = 0;
  for (const c of CONCURRENCY) {
    out[`DELETE_${label}_c${c}`] = await runLoad({
      concurrency: c,
      durationMs: SECONDS * 1000,
      maxOps: Math.floor(keys.length / CONCURRENCY.length),
      op: async () => (await expectOk(await s3.request("DELETE", `/bench/${keys[d++]}`)), 0),
    });
  }
}

async function main(): Promise<void> {
  const temp = new TempDirs();
  const result: Record<string, unknown> = { machine: { cores: navigator.hardwareConcurrency, bun: Bun.version } };
  try {
    Object.assign(result, await ceilings("bun"), await ceilings("node"));
    const server = await startServer(temp, { drives: 4 });
    // What the drives themselves allow for 64 MiB objects (EC 2+2, fdatasync), same directories.
    for (const c of [1, 16]) {
      const ceil = await diskCeiling(server.drives, 2, 64 * MiB, Math.max(4, c), c);
      result[`ceiling_disk_64MiB_c${c}`] = { write_mib_s: Math.round(ceil.write * 10) / 10, read_mib_s: Math.round(ceil.read * 10) / 10 };
    }
    const s3 = new BenchClient(server.endpoint, ROOT_USER, ROOT_PASSWORD);
    await expectOk(await s3.request("PUT", "/bench"));
    const runs: Record<string, LoadResult> = {};
    for (const [label, size] of SIZES) await benchSize(s3, label, size, runs);
    for (const c of CONCURRENCY) {
      runs[`LIST_c${c}`] = await runLoad({
        concurrency: c,
        durationMs: SECONDS * 1000,
        maxOps: Infinity,
        op: async () => (await expectOk(await s3.request("GET", "/bench", { query: "list-type=2&max-keys=100&prefix=4KiB%2F" })), 0),
      });
    }
    Object.assign(result, runs);
    const r = result as Record<string, LoadResult>;
    const ratio = (a: LoadResult | undefined, b: { mib_s: number } | undefined) => (a && b ? Math.round((a.mib_s / b.mib_s) * 1000) / 1000 : undefined);
    const disk = (c: number, k: "write_mib_s" | "read_mib_s") => ({ mib_s: (result[`ceiling_disk_64MiB_c${c}`] as Record<string, number>)[k] });
    // Against the bare Bun.serve the issue names, and against bare node:http (our transport).
    result.ratios = Object.fromEntries(
      (["bun", "node"] as const)
        .flatMap((k) =>
          [1, 16].flatMap((c) => [
            [`put_64MiB_c${c}_vs_${k}`, ratio(r[`PUT_64MiB_c${c}`], r[`ceiling_${k}_put_64MiB_c${c}`])],
            [`get_64MiB_c${c}_vs_${k}`, ratio(r[`GET_64MiB_c${c}`], r[`ceiling_${k}_get_64MiB_c${c}`])],
          ]),
        )
        .concat([1, 16].map((c) => [`put_64MiB_c${c}_vs_disk`, ratio(r[`PUT_64MiB_c${c}`], disk(c, "write_mib_s"))])),
    );
    await server.stop();
  } finally {
    temp.cleanup();
  }
  console.log(JSON.stringify(result, null, 1));
}

await main();
