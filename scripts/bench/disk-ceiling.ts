// The drives' own ceiling for an erasure-coded object of a given size: every drive gets its
// shard file (bitrot-framed size) written with fdatasync — the same bytes and durability a PUT
// needs — and d drives' shard files are read back, as a GET reads them. In object bytes/s.
import { promises as fsp } from "node:fs";
import { join } from "node:path";
import { bitrotFileSize } from "../../src/ec/index.ts";

const MIB = 1024 * 1024;

/** Runs `n` jobs with `c` in flight; returns elapsed seconds. */
export async function timed(n: number, c: number, job: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(c, n) }, async () => {
      while (next < n) await job(next++);
    }),
  );
  return (performance.now() - start) / 1000;
}

/** Writes `bytes` to a new file with fdatasync, as large sequential writes. */
export async function writeSynced(path: string, buf: Uint8Array, bytes: number): Promise<void> {
  const fh = await fsp.open(path, "w");
  try {
    for (let off = 0; off < bytes; ) off += (await fh.write(buf, 0, Math.min(buf.length, bytes - off))).bytesWritten;
    await fh.datasync();
  } finally {
    await fh.close();
  }
}

export async function readWhole(path: string, buf: Uint8Array): Promise<number> {
  const fh = await fsp.open(path, "r");
  try {
    let total = 0;
    for (let r = await fh.read(buf, 0, buf.length, 0); r.bytesRead > 0; r = await fh.read(buf, 0, buf.length, total)) total += r.bytesRead;
    return total;
  } finally {
    await fh.close();
  }
}

/**
 * `count` objects of `size` with `c` in flight on the drive directories `roots` (EC d data
 * shards): write and read rates in object MiB/s.
 */
export async function diskCeiling(roots: string[], d: number, size: number, count: number, c: number): Promise<{ write: number; read: number }> {
  const shardBytes = bitrotFileSize(size, MIB, d);
  const dirs = roots.map((r) => join(r, ".minio.sys", "tmp", `ceiling-${crypto.randomUUID()}`));
  await Promise.all(dirs.map((dir) => fsp.mkdir(dir, { recursive: true })));
  const bufs = Array.from({ length: c }, () => new Uint8Array(Math.min(shardBytes, 8 * MIB) || 1).fill(7));
  let slot = 0;
  const write = await timed(count, c, async (i) => {
    const buf = bufs[slot++ % c];
    await Promise.all(dirs.map((dir) => writeSynced(join(dir, `o${i}`), buf, shardBytes)));
  });
  const read = await timed(count, c, async (i) => {
    const buf = bufs[slot++ % c];
    await Promise.all(dirs.slice(0, d).map((dir) => readWhole(join(dir, `o${i}`), buf)));
  });
  await Promise.all(dirs.map((dir) => fsp.rm(dir, { recursive: true, force: true })));
  return { write: (size * count) / MIB / write, read: (size * count) / MIB / read };
}
