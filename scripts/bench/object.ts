// Benchmark of src/object (`bun run bench:object`): an in-process ObjectStore on 4 temp drives
// (EC 2+2, fsync "always"), PUT and GET of 4 KiB, 1 MiB and 64 MiB objects at concurrency 1
// and 16, and in the same run the ceiling: the same shard bytes written (fdatasync'd) to and
// read from the same directories with plain file I/O; and SSE-S3 rows (object-sse.ts) against
// plain PUT/GET and raw AES-256-GCM in the same run. Prints ONE JSON object.
// BENCH_DIR=<dir> puts the drives elsewhere; BENCH_SIZES=4k,1m,64m picks sizes.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LocalDrive } from "../../src/disk/index.ts";
import { ErasurePool } from "../../src/ec/index.ts";
import { ObjectStore, loadPoolFormat } from "../../src/object/index.ts";
import { diskCeiling, timed } from "./disk-ceiling.ts";
import { sseRows } from "./object-sse.ts";
import { bodyOf, drain } from "./streams.ts";

const KIB = 1024;
const MIB = 1024 * KIB;
const DRIVES = 4;
const D = 2;
const CONCURRENCY = [1, 16];
/** Objects per (size, concurrency): enough bytes or ops to smooth out noise, little enough to finish. */
const PLAN: Record<string, { size: number; count: Record<number, number> }> = {
  "4k": { size: 4 * KIB, count: { 1: 200, 16: 480 } },
  "1m": { size: MIB, count: { 1: 40, 16: 96 } },
  "64m": { size: 64 * MIB, count: { 1: 4, 16: 16 } },
};

const round = (x: number) => Math.round(x * 10) / 10;

const rate = (bytes: number, ops: number, secs: number) => ({ mib_s: round(bytes / MIB / secs), ops_s: round(ops / secs) });

/** The drives' ceiling for this benchmark's layout (see disk-ceiling.ts). */
const ceiling = (roots: string[], size: number, count: number, c: number) => diskCeiling(roots, D, size, count, c);

async function main(): Promise<void> {
  const base = mkdtempSync(join(process.env.BENCH_DIR ?? tmpdir(), "bunker-bench-"));
  const roots = Array.from({ length: DRIVES }, (_, i) => join(base, `d${i + 1}`));
  const drives = await Promise.all(roots.map((r) => LocalDrive.open(r, { fsync: "always" })));
  const fmt = await loadPoolFormat({ drives, sets: [drives.map((_, i) => i)] }, { poolIndex: 0 });
  const codec = new ErasurePool();
  const store = new ObjectStore({ pools: [{ sets: fmt.sets }], deploymentId: fmt.deploymentId, distributionAlgo: fmt.distributionAlgo, codec });
  await store.makeBucket("bench");
  const sizes = (process.env.BENCH_SIZES ?? "4k,1m,64m").split(",");
  const data = new Uint8Array(64 * MIB);
  for (let off = 0; off < data.length; off += 65536) crypto.getRandomValues(data.subarray(off, off + 65536));
  const out = {
    put: {} as Record<string, Record<string, object>>,
    get: {} as Record<string, Record<string, object>>,
    ceiling: {} as Record<string, Record<string, object>>,
  };
  let ceilWrite = 0;
  let ceilRead = 0;
  for (const label of sizes) {
    const { size, count } = PLAN[label];
    out.put[label] = {};
    out.get[label] = {};
    out.ceiling[label] = {};
    const body = data.subarray(0, size);
    for (let i = 0; i < 2; i++) await store.putObject("bench", `warm-${i}`, bodyOf(body), { size, userMeta: {} });
    for (const c of CONCURRENCY) {
      const n = count[c];
      const put = await timed(n, c, async (i) => void (await store.putObject("bench", `${label}/${c}/${i}`, bodyOf(body), { size, userMeta: {} })));
      out.put[label][c] = rate(size * n, n, put);
      const get = await timed(n, c, async (i) => {
        const got = await drain((await store.getObject("bench", `${label}/${c}/${i}`)).body);
        if (got !== size) throw new Error(`GET returned ${got} of ${size} bytes`);
      });
      out.get[label][c] = rate(size * n, n, get);
      const ceil = await ceiling(roots, size, n, c);
      out.ceiling[label][c] = { write_mib_s: round(ceil.write), read_mib_s: round(ceil.read) };
      if (label === "64m") {
        ceilWrite = Math.max(ceilWrite, ceil.write);
        ceilRead = Math.max(ceilRead, ceil.read);
      }
      for (let i = 0; i < n; i++) await store.deleteObject("bench", `${label}/${c}/${i}`);
    }
  }
  // BENCH_SSE=0 leaves the SSE rows out.
  const sse = process.env.BENCH_SSE === "0" ? undefined : await sseRows(store, data);
  await store.close();
  await codec.close();
  for (const d of drives) await d.close();
  rmSync(base, { recursive: true, force: true });
  const best = (m: Record<string, object> | undefined) => Math.max(0, ...Object.values(m ?? {}).map((r) => (r as { mib_s: number }).mib_s));
  const result = {
    put: out.put,
    get: out.get,
    ceiling_write_mib_s: round(ceilWrite),
    ceiling_read_mib_s: round(ceilRead),
    put_64m_vs_ceiling: ceilWrite ? Math.round((1000 * best(out.put["64m"])) / ceilWrite) / 1000 : null,
    get_64m_vs_ceiling: ceilRead ? Math.round((1000 * best(out.get["64m"])) / ceilRead) / 1000 : null,
    ceiling_by_size: out.ceiling,
    sse,
    setup: { drives: DRIVES, ec: "2+2", fsync: "always", dir: base, workers: codec.size },
  };
  console.log(JSON.stringify(result));
}

await main();
