// Independent checks of what an erasure set holds on disk, for fault and heal tests: does each
// drive hold its own shard of a version (EcIndex = EcDist[position], every bitrot frame
// verifies, sizes right), and can the object be read from every choice of just d drives?
import { HASH_SIZE, bitrotFileSize, highwayHash256, shardSize } from "../../src/ec/index.ts";
import type { Drive, FileInfo } from "../../src/disk/index.ts";
import type { ObjectStore } from "../../src/object/index.ts";
import type { FaultyDrive } from "./faulty-drive.ts";
import { md5hex, readAllBody } from "./object-harness.ts";

export interface ShardState {
  position: number;
  ok: boolean;
  /** Why not (missing xl.meta, wrong index, bad frame...). */
  why?: string;
}

function innerOf(d: Drive): Drive {
  return (d as FaultyDrive).inner ?? d;
}

/** Verifies every frame of one shard stream: sizes as the layout says, each hash matching. */
export function framesOk(framed: Uint8Array, size: number, blockSize: number, d: number): boolean {
  if (framed.length !== bitrotFileSize(size, blockSize, d)) return false;
  const full = shardSize(blockSize, d);
  let off = 0;
  for (let left = size; left > 0; left -= blockSize) {
    const len = left >= blockSize ? full : Math.ceil(left / d);
    const sum = highwayHash256(framed.subarray(off + HASH_SIZE, off + HASH_SIZE + len));
    if (!Buffer.from(sum).equals(framed.subarray(off, off + HASH_SIZE))) return false;
    off += HASH_SIZE + len;
  }
  return off === framed.length;
}

/** What drive `position` of `drives` (set order) holds of the version, bypassing injected faults. */
export async function shardState(drives: readonly (Drive | null)[], position: number, bucket: string, name: string, versionId = ""): Promise<ShardState> {
  const drive = drives[position];
  if (!drive) return { position, ok: false, why: "no drive" };
  let fi: FileInfo;
  try {
    fi = await innerOf(drive).readVersion(bucket, name, versionId, { readData: true });
  } catch (err) {
    return { position, ok: false, why: `xl.meta: ${(err as Error).message}` };
  }
  if (fi.deleted) return { position, ok: true };
  const e = fi.erasure!;
  if (e.index !== e.distribution[position]) return { position, ok: false, why: `EcIndex ${e.index} but EcDist says ${e.distribution[position]}` };
  for (const part of fi.parts) {
    let framed: Uint8Array;
    if (fi.data !== undefined && fi.parts.length === 1) framed = fi.data;
    else {
      try {
        framed = await innerOf(drive).readAll(bucket, `${name}/${fi.dataDir}/part.${part.number}`);
      } catch (err) {
        return { position, ok: false, why: `part.${part.number}: ${(err as Error).message}` };
      }
    }
    if (!framesOk(framed, part.size, e.blockSize, e.dataBlocks)) return { position, ok: false, why: `part.${part.number} does not verify` };
  }
  return { position, ok: true };
}

/** Positions of set 0 whose shard of the version is missing or damaged (empty = full redundancy). */
export async function damagedPositions(store: ObjectStore, bucket: string, name: string, versionId = "", set = 0): Promise<ShardState[]> {
  const drives = store.sets[set].drives;
  const states = await Promise.all(drives.map((_, i) => shardState(drives, i, bucket, name, versionId)));
  return states.filter((s) => !s.ok);
}

/** Every choice of k out of n positions. */
export function combinations(n: number, k: number): number[][] {
  const out: number[][] = [];
  const rec = (start: number, acc: number[]) => {
    if (acc.length === k) return void out.push(acc.slice());
    for (let i = start; i < n; i++) rec(i + 1, [...acc, i]);
  };
  rec(0, []);
  return out;
}

/**
 * Reads the object with only `online` drives of set 0 answering and returns its MD5 (or the
 * error kind). Faults are restored afterwards.
 */
export async function md5WithOnly(
  store: ObjectStore,
  drives: readonly FaultyDrive[],
  online: number[],
  bucket: string,
  key: string,
  versionId?: string,
): Promise<string> {
  const saved = drives.map((d) => d.faults);
  drives.forEach((d, i) => (d.faults = online.includes(i) ? {} : { offline: true }));
  try {
    const r = await store.getObject(bucket, key, { versionId });
    return md5hex(await readAllBody(r.body));
  } catch (err) {
    return `error:${(err as { kind?: string }).kind ?? (err as Error).message}`;
  } finally {
    drives.forEach((d, i) => (d.faults = saved[i]));
  }
}
