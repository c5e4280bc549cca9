// Healing everything a deployment holds: every bucket directory on every drive, then every
// object any drive of any set knows — user buckets and the configuration under .minio.sys —
// one object at a time. Run after a drive is replaced; the background scanner will call it too.
import { SYSTEM_VOLUME } from "../../disk/index.ts";
import { encodeDirObject } from "../object-info.ts";
import type { ErasureSet } from "../set/erasure-set.ts";
import { walkNames } from "../set/list.ts";
import { anyBucketDirs, healBucketDirs } from "./bucket-heal.ts";
import { makeBucketDirs } from "./buckets.ts";

/** Parts of .minio.sys that hold erasure-coded objects worth healing (not tmp, not uploads). */
export const SYSTEM_HEAL_DIRS = ["buckets/", "config/"];

export interface HealAllOptions {
  /** Verify every bitrot frame, not just sizes (reads every shard once). */
  deep?: boolean;
  /** Stop early (the scanner's shutdown). */
  signal?: AbortSignal;
  /** Drives this run refills (replaced drives): storageInfo reports them "healing" until it ends. */
  refill?: readonly { pool: number; set: number; position: number }[];
  /** Told each object's outcome, awaited before the next object (the scanner counts and paces here). */
  onObject?: (outcome: ObjectOutcome) => Promise<void> | void;
  /** Heals only the sets this accepts, asked at the start of the run (a cluster splits the scanner's work between servers). */
  only?: (pool: number, set: number) => boolean;
}

/** What healing one object came to: nothing to do, at least one drive rewritten, or an error. */
export type ObjectOutcome = "ok" | "healed" | "failed";

export interface HealAllResult {
  /** Buckets whose directories were (re)made on every drive. */
  buckets: string[];
  /** Objects visited (user and system). */
  objects: number;
  /** Objects that had at least one drive rewritten. */
  healed: number;
  /** Objects that could not be healed, with why (offline drives, unreadable data). */
  failed: { bucket: string; key: string; error: string }[];
}

/** Heals every object of `volume` under `baseDir` on one set; folds outcomes into `out`. */
async function healVolume(set: ErasureSet, volume: string, baseDir: string, opts: HealAllOptions, out: HealAllResult): Promise<void> {
  const walk = walkNames(set, { volume, baseDir, recursive: true });
  try {
    for await (const key of walk) {
      if (opts.signal?.aborted) return;
      out.objects++;
      let outcome: ObjectOutcome = "ok";
      try {
        const res = await set.heal(volume, encodeDirObject(key), { deep: opts.deep });
        if (res.healedDrives.length > 0) {
          out.healed++;
          outcome = "healed";
        }
      } catch (err) {
        outcome = "failed";
        out.failed.push({ bucket: volume, key, error: err instanceof Error ? err.message : String(err) });
      }
      await opts.onObject?.(outcome);
    }
  } catch (err) {
    // A volume missing on every drive of a set has nothing to heal there.
    const kind = (err as { kind?: string }).kind;
    if (kind !== "VolumeNotFound") out.failed.push({ bucket: volume, key: baseDir, error: err instanceof Error ? err.message : String(err) });
  } finally {
    await walk.return(undefined);
  }
}

/** `bucketNames`: the buckets to heal when the caller knows them better (every pool's, when a pool lacks some). */
export async function healAll(sets: readonly ErasureSet[], opts: HealAllOptions = {}, bucketNames?: string[]): Promise<HealAllResult> {
  const out: HealAllResult = { buckets: [], objects: 0, healed: 0, failed: [] };
  // Buckets any drive holds: a majority decides whether each is completed or its stale copies
  // removed. A bucket another pool has but no drive of these sets holds (a pool added later) is made.
  const buckets: string[] = [];
  const held = await anyBucketDirs(sets);
  for (const bucket of bucketNames ?? []) {
    if (held.includes(bucket)) continue;
    await makeBucketDirs(sets, bucket).then(
      () => {
        buckets.push(bucket);
        out.buckets.push(bucket);
      },
      (err) => out.failed.push({ bucket, key: "", error: err instanceof Error ? err.message : String(err) }),
    );
  }
  for (const bucket of held) {
    await healBucketDirs(sets, bucket).then(
      (r) => {
        if (r.outcome === "unknown") out.failed.push({ bucket, key: "", error: `No drive of a set answered for bucket "${bucket}"` });
        if (r.outcome !== "made") return;
        buckets.push(bucket);
        out.buckets.push(bucket);
      },
      (err) => out.failed.push({ bucket, key: "", error: err instanceof Error ? err.message : String(err) }),
    );
  }
  for (const set of sets) {
    for (const dir of SYSTEM_HEAL_DIRS) await healVolume(set, SYSTEM_VOLUME, dir, opts, out);
    for (const bucket of buckets) await healVolume(set, bucket, "", opts, out);
  }
  return out;
}
