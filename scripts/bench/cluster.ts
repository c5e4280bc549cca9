// bench:cluster — the cost of the internode hop: 4 server processes × 4 drives on loopback
// (one set of 16, EC 12+4) against 1 server holding the same 16 drives, in the same run:
// 64 MiB PUT/GET MiB/s and 4 KiB PUT/GET ops/s at concurrency 16, the cluster's load spread
// over all nodes; the ratio of each to the single server; then the time to heal a wiped node
// (MiB/s of shard data rebuilt onto its 4 drives) against the same-run drive write ceiling.
// Prints one JSON object.
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { TempDirs } from "../../test/support/temp-dirs.ts";
import { ROOT_PASSWORD, ROOT_USER, startServer } from "../../test/support/server-process.ts";
import { startCluster } from "../../test/support/cluster-process.ts";
import { BenchClient } from "./sigv4-client.ts";
import { drainAndVerify, runLoad, type LoadResult } from "./load.ts";
import { diskCeiling } from "./disk-ceiling.ts";
import { bitrotFileSize } from "../../src/ec/index.ts";

const KiB = 1024;
const MiB = 1024 * KiB;
const C = 16;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const pattern = new Uint8Array(64 * MiB).map((_, i) => (i * 31 + 7) & 0xff);

async function expectOk(res: Response): Promise<void> {
  if (!res.ok) throw new Error(`HTTP ${res.status}: ${(await res.text()).slice(0, 300)}`);
  await res.arrayBuffer();
}

/** PUT and GET of 64 MiB and 4 KiB objects at concurrency 16, request i going to clients[i % n]. */
async function workload(clients: BenchClient[], tag: string): Promise<Record<string, LoadResult>> {
  const out: Record<string, LoadResult> = {};
  const via = (seq: number) => clients[seq % clients.length];
  await expectOk(await clients[0].request("PUT", "/bench"));
  // Warm-up: connections, workers and caches, so the first timed operations are not cold.
  for (let i = 0; i < clients.length * 2; i++) await expectOk(await via(i).request("PUT", `/bench/warm-${i}`, { body: pattern.subarray(0, 4 * KiB) }));
  for (const [label, size] of [
    ["64MiB", 64 * MiB],
    ["4KiB", 4 * KiB],
  ] as const) {
    const body = pattern.subarray(0, size);
    const keys: string[] = [];
    const budget = size >= 64 * MiB ? { durationMs: 120_000, maxOps: 2 * C } : { durationMs: SECONDS * 1000, maxOps: Infinity };
    out[`${tag}_PUT_${label}_c${C}`] = await runLoad({
      concurrency: C,
      ...budget,
      op: async (seq) => {
        const key = `${label}/${seq}`;
        await expectOk(await via(seq).request("PUT", `/bench/${key}`, { body, length: size }));
        keys.push(key);
        return size;
      },
    });
    out[`${tag}_GET_${label}_c${C}`] = await runLoad({
      concurrency: C,
      ...budget,
      op: async (seq) => drainAndVerify(await via(seq).request("GET", `/bench/${keys[(seq * 7919) % keys.length]}`), body),
    });
  }
  return out;
}

function bytesUnder(dir: string): number {
  let total = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    total += st.isDirectory() ? bytesUnder(p) : st.size;
  }
  return total;
}

async function main(): Promise<void> {
  const temp = new TempDirs();
  const result: Record<string, unknown> = { machine: { cores: navigator.hardwareConcurrency, bun: Bun.version } };
  try {
    const single = await startServer(temp, { drives: 16 });
    Object.assign(result, await workload([new BenchClient(single.endpoint, ROOT_USER, ROOT_PASSWORD)], "single"));
    await single.stop();

    const cluster = await startCluster(temp, { nodes: 4, drivesPerNode: 4 });
    try {
      const clients = cluster.nodes.map((n) => new BenchClient(n.endpoint, ROOT_USER, ROOT_PASSWORD));
      Object.assign(result, await workload(clients, "cluster"));
      // Heal a wiped node: stop it, remove its drives, start it; it formats them and refills them.
      await cluster.signal(3, "SIGTERM");
      cluster.wipe(3);
      const t0 = performance.now();
      cluster.start(3);
      await cluster.ready(3);
      for (;;) {
        const m = /Healing done: (\d+) objects checked, (\d+) rewritten, (\d+) failed/.exec(cluster.nodes[3].output);
        if (m) {
          const secs = (performance.now() - t0) / 1000;
          const rebuilt = cluster.nodes[3].drives.reduce((n, d) => n + bytesUnder(d), 0);
          result.heal_wiped_node = {
            objects: Number(m[1]),
            rewritten: Number(m[2]),
            failed: Number(m[3]),
            seconds: Math.round(secs * 10) / 10,
            mib: Math.round(rebuilt / MiB),
            mib_s: Math.round((rebuilt / MiB / secs) * 10) / 10,
          };
          break;
        }
        if (performance.now() - t0 > 600_000) throw new Error(`heal did not finish:\n${cluster.nodes[3].output}`);
        await Bun.sleep(200);
      }
      // The rebuilt drives' own write ceiling: shard files of 64 MiB objects (EC 12+4) with fdatasync.
      const ceil = await diskCeiling(cluster.nodes[3].drives, 12, 64 * MiB, 8, 4);
      // diskCeiling reports object bytes/s; the 4 drives took 4 shard files per object.
      const shardShare = (4 * bitrotFileSize(64 * MiB, MiB, 12)) / (64 * MiB);
      result.ceiling_disk_write_mib_s = Math.round(ceil.write * shardShare * 10) / 10;
    } finally {
      await cluster.stopAll();
    }
    const r = result as Record<string, LoadResult>;
    const ratio = (a: string) => {
      const cl = r[`cluster_${a}`];
      const si = r[`single_${a}`];
      return cl && si ? Math.round((a.includes("64MiB") ? cl.mib_s / si.mib_s : cl.ops_s / si.ops_s) * 1000) / 1000 : undefined;
    };
    const heal = result.heal_wiped_node as { mib_s: number } | undefined;
    result.ratios = {
      ...Object.fromEntries([`PUT_64MiB_c${C}`, `GET_64MiB_c${C}`, `PUT_4KiB_c${C}`, `GET_4KiB_c${C}`].map((k) => [`cluster_vs_single_${k}`, ratio(k)])),
      heal_vs_disk_write: heal ? Math.round((heal.mib_s / (result.ceiling_disk_write_mib_s as number)) * 1000) / 1000 : undefined,
    };
  } finally {
    temp.cleanup();
  }
  console.log(JSON.stringify(result, null, 1));
}

await main();
