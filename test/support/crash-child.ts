// The process the crash test kills: opens a store on the given drives and writes without end
// (PUTs of several sizes and multipart completes, unversioned and versioned buckets, two
// writers at once), announcing each write on stdout before it starts ("BEGIN") and after it
// was acknowledged ("ACK"). Announcements use a synchronous write so none is lost to SIGKILL.
// Usage: bun crash-child.ts '{"roots":[...],"seed":1,"parity":2,"wire":true}' (parity, wire optional;
// wire puts each drive behind a WireDrive).
import { writeSync } from "node:fs";
import { ErasurePool } from "../../src/ec/index.ts";
import { MIN_PART_SIZE, ObjectStore, loadPoolFormat } from "../../src/object/index.ts";
import { bodyOf, md5hex, openDrive, randomBytes } from "./object-harness.ts";

export const CRASH_BUCKETS = ["crash", "crashv"] as const;
/** Keys per bucket, split between the two writers (even / odd index). */
export const CRASH_KEYS = ["k0", "k1", "dir/k2", "dir/k3", "k4/", "k5", "mp6", "mp7"];
const SIZES = [0, 1_000, 200_000, 1_100_000, 3_000_000];

function announce(line: string): void {
  writeSync(1, `${line}\n`);
}

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

async function multipart(store: ObjectStore, bucket: string, key: string, seed: number): Promise<void> {
  const p1 = randomBytes(MIN_PART_SIZE, seed);
  const p2 = randomBytes(10_000 + (seed % 5000), seed + 1);
  const id = await store.newMultipartUpload(bucket, key, { userMeta: {} });
  const e1 = await store.putObjectPart(bucket, key, id, 1, bodyOf(p1, 1 << 20), { size: p1.length });
  const e2 = await store.putObjectPart(bucket, key, id, 2, bodyOf(p2), { size: p2.length });
  const md5 = md5hex(new Uint8Array([...p1, ...p2]));
  announce(`BEGIN ${bucket} ${key} ${md5}`);
  await store.completeMultipartUpload(bucket, key, id, [
    { partNumber: 1, etag: e1.etag },
    { partNumber: 2, etag: e2.etag },
  ]);
  announce(`ACK ${bucket} ${key} ${md5}`);
}

async function writer(store: ObjectStore, which: number, seed: number): Promise<never> {
  const rand = rng(seed * 31 + which);
  const keys = CRASH_KEYS.filter((_, i) => i % 2 === which);
  for (;;) {
    const bucket = CRASH_BUCKETS[Math.floor(rand() * CRASH_BUCKETS.length)];
    const key = keys[Math.floor(rand() * keys.length)];
    const dataSeed = Math.floor(rand() * 2 ** 31);
    if (key.startsWith("mp")) {
      await multipart(store, bucket, key, dataSeed);
      continue;
    }
    const data = randomBytes(SIZES[Math.floor(rand() * SIZES.length)], dataSeed);
    const md5 = md5hex(data);
    announce(`BEGIN ${bucket} ${key} ${md5}`);
    await store.putObject(bucket, key, bodyOf(data, 256 * 1024), { size: data.length, userMeta: {} });
    announce(`ACK ${bucket} ${key} ${md5}`);
  }
}

async function main(): Promise<void> {
  const cfg = JSON.parse(process.argv[2]) as { roots: string[]; seed: number; parity?: number; wire?: boolean };
  const drives = await Promise.all(cfg.roots.map((r) => openDrive(r, cfg.wire)));
  const fmt = await loadPoolFormat({ drives, sets: [drives.map((_, i) => i)] }, { poolIndex: 0 });
  const codec = new ErasurePool({ workers: 1 });
  const settings = cfg.parity === undefined ? undefined : { standardParity: cfg.parity };
  const store = new ObjectStore({ pools: [{ sets: fmt.sets }], deploymentId: fmt.deploymentId, distributionAlgo: fmt.distributionAlgo, codec, settings });
  announce("READY");
  await Promise.all([writer(store, 0, cfg.seed), writer(store, 1, cfg.seed)]);
}

if (import.meta.main) {
  main().catch((err) => {
    announce(`FAILED ${err instanceof Error ? err.stack : String(err)}`.replace(/\n/g, " | "));
    process.exit(1);
  });
}
