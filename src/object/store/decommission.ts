// Draining a pool into the others: every version of every object (user buckets and the
// configuration under .minio.sys), oldest first, keeping version ids, mod times, metadata and
// delete markers, is written to an open pool and then removed from the drained one.
import { SYSTEM_VOLUME, type FileInfo } from "../../disk/index.ts";
import { ObjectError } from "../object-error.ts";
import { SYS_ERASURE_UPGRADED, SYS_INLINE_DATA, isTransformed, toObjectInfo } from "../object-info.ts";
import type { ObjectInfo } from "../object-layer.ts";
import { purgeVersion, writeDeleteMarker } from "../set/delete.ts";
import type { ErasureSet } from "../set/erasure-set.ts";
import { putObject, type VersioningState } from "../set/put.ts";
import { putKeptParts } from "../set/put-parts.ts";
import { SYSTEM_HEAL_DIRS } from "./heal.ts";
import type { PoolRouter } from "./pool-placement.ts";
import { POOL_STATE_NAME, type PoolDecommission } from "./pool-state.ts";
import type { ServerPool } from "./pools.ts";

/** What a drain needs from the store. */
export interface DrainDeps {
  router: PoolRouter;
  /** Every user bucket. */
  buckets(): Promise<string[]>;
  versioning(bucket: string): Promise<VersioningState>;
  /** Called after each key with the running totals (persisting them is the caller's business). */
  progress(rec: PoolDecommission): Promise<void>;
}

/** Moves every object out of `pool`; `rec` is updated in place. Stops (Aborted) when `signal` fires. */
export async function drainPool(deps: DrainDeps, pool: ServerPool, rec: PoolDecommission, signal?: AbortSignal): Promise<void> {
  rec.objectsFailed = 0;
  rec.bytesFailed = 0;
  const volumes: { volume: string; baseDir: string }[] = SYSTEM_HEAL_DIRS.map((baseDir) => ({ volume: SYSTEM_VOLUME, baseDir }));
  for (const b of await deps.buckets()) volumes.push({ volume: b, baseDir: "" });
  for (const { volume, baseDir } of volumes) {
    const versioning = volume === SYSTEM_VOLUME ? "unversioned" : await deps.versioning(volume);
    for (const set of pool.sets) {
      for (const entry of await keysOf(set, volume, baseDir)) {
        if (signal?.aborted) throw new ObjectError("Aborted", `The decommission of pool ${pool.index + 1} was canceled`);
        if (volume === SYSTEM_VOLUME && entry.name === POOL_STATE_NAME) continue;
        const bytes = entry.versions.reduce((n, v) => n + (v.deleted ? 0 : v.size), 0);
        try {
          await moveKey(deps.router, pool, set, volume, entry.name, versioning);
          rec.objectsMoved += entry.versions.length;
          rec.bytesMoved += bytes;
        } catch (err) {
          rec.objectsFailed += entry.versions.length;
          rec.bytesFailed += bytes;
          rec.lastError ??= `${volume}/${entry.name}: ${err instanceof Error ? err.message : String(err)}`;
        }
        await deps.progress(rec);
      }
    }
  }
}

/** The keys of one set under `baseDir`, read before any is moved (moving removes them as the walk goes). */
async function keysOf(set: ErasureSet, volume: string, baseDir: string): Promise<{ name: string; versions: FileInfo[] }[]> {
  const out: { name: string; versions: FileInfo[] }[] = [];
  try {
    for await (const e of set.list({ volume, baseDir, recursive: true })) if (e.kind === "object") out.push({ name: e.name, versions: e.versions });
  } catch (err) {
    if ((err as { kind?: string }).kind !== "VolumeNotFound") throw err;
  }
  return out;
}

/** Copies every version of `key` (as it is now, re-read under the normal read path) to an open pool, then removes it here. */
async function moveKey(router: PoolRouter, from: ServerPool, set: ErasureSet, volume: string, key: string, versioning: VersioningState): Promise<void> {
  const entry = await set.entry(volume, key);
  if (entry?.kind !== "object") return; // gone meanwhile
  const oldestFirst = [...entry.versions].reverse();
  const size = oldestFirst.reduce((n, v) => n + v.size, 0);
  const to = await router.writePool(volume, key, size);
  if (to.index === from.index) throw new ObjectError("StorageFull", `No other pool takes "${volume}/${key}"`);
  const target = to.setOf(key);
  for (const fi of oldestFirst) await copyVersion(set, target, volume, key, fi, versioning);
  // Remove here only what the target now answers for: no acknowledged version is dropped.
  const landed = await target.entry(volume, key);
  const ids = new Set(landed && landed.kind === "object" ? landed.versions.map((v) => v.versionId) : []);
  for (const fi of oldestFirst) {
    if (!ids.has(fi.versionId)) throw new ObjectError("WriteQuorum", `Version "${fi.versionId}" of "${volume}/${key}" did not reach pool ${to.index + 1}`);
  }
  for (const fi of oldestFirst) await purgeVersion(set, volume, key, fi.versionId);
}

async function copyVersion(src: ErasureSet, dst: ErasureSet, volume: string, key: string, fi: FileInfo, versioning: VersioningState): Promise<void> {
  if (fi.deleted) return writeDeleteMarker(dst, volume, key, fi.versionId, fi.modTimeNs);
  const sysMeta = Object.fromEntries(Object.entries(fi.sysMeta).filter(([k]) => k !== SYS_INLINE_DATA && k !== SYS_ERASURE_UPGRADED));
  const storageClass = fi.userMeta["x-amz-storage-class"];
  const keep = { versionId: fi.versionId, modTimeNs: fi.modTimeNs };
  // A multipart version moves part for part: its parts may each have their own key or S2
  // stream, and part reads must still find them. Each part's stored bytes are read on their own.
  if (fi.parts.length > 1) {
    let start = 0;
    const parts = fi.parts.map((info) => {
      const range = info.size > 0 ? { start, end: start + info.size - 1 } : null;
      start += info.size;
      const open = async () =>
        range
          ? (await src.get(volume, key, { versionId: fi.versionId, range, stored: (i: ObjectInfo) => ({ info: i, range }) })).body
          : new ReadableStream<Uint8Array>({ start: (c) => c.close() });
      return { info, open };
    });
    await putKeptParts(dst, volume, key, parts, { userMeta: { ...fi.userMeta }, sysMeta, storageClass }, keep);
    return;
  }
  // An encrypted or compressed version moves as its stored bytes, with the metadata that reads them.
  const transformed = isTransformed(toObjectInfo(volume, fi));
  const whole = (info: ObjectInfo) => ({ info, range: info.storedSize > 0 ? { start: 0, end: info.storedSize - 1 } : null });
  const res = await src.get(volume, key, { versionId: fi.versionId, stored: whole });
  const sizes = transformed ? { size: res.info.storedSize, actualSize: res.info.size } : { size: res.info.size };
  // A compressed part's seek index moves with it.
  const partIndex = fi.parts[0]?.index;
  const check = partIndex ? () => ({ partIndex }) : undefined;
  await putObject(dst, volume, key, res.body, { ...sizes, userMeta: { ...fi.userMeta }, sysMeta, storageClass, check }, versioning, keep);
}
