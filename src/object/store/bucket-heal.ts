// Healing a bucket's directories: the drives decide by the same majority statBucket uses. A
// bucket most drives still hold is made on the drives that lack it; a bucket most drives no
// longer hold (deleted while some drives were away) is removed from the stale ones, never
// re-created everywhere from them.
import type { DriveHealState } from "../object-layer.ts";
import { countErrors } from "../quorum.ts";
import { isBucketDirName } from "./buckets.ts";
import { fanOut, type SetContext } from "../set/context.ts";

export interface BucketHealResult {
  /** "made": the bucket exists and was completed; "removed": it is gone and stale copies went; "unknown": too few drives answered. */
  outcome: "made" | "removed" | "unknown";
  /** Drives that did not answer (the heal is owed again once they do). */
  offline: number;
  /** Per set (in `sets` order), each drive's state before and after: "ok" holds the bucket, "missing" does not. */
  drives: { before: DriveHealState[]; after: DriveHealState[] }[];
}

/** `dryRun`: only report what would be made or removed. */
export async function healBucketDirs(sets: readonly SetContext[], bucket: string, opts: { dryRun?: boolean } = {}): Promise<BucketHealResult> {
  const perSet = await Promise.all(sets.map((s) => fanOut(s, (d) => d.statVol(bucket))));
  let offline = 0;
  let exists = true;
  let answered = true;
  for (const results of perSet) {
    const ok = results.filter((r) => r.ok).length;
    const missing = countErrors(results, "VolumeNotFound");
    offline += results.length - ok - missing;
    if (ok + missing === 0) answered = false;
    // As statBucket: a set where more drives lack the bucket than hold it says the bucket is gone.
    if (ok === 0 || missing > ok) exists = false;
  }
  const drives = perSet.map((results) => {
    const before = results.map((r): DriveHealState => (r.ok ? "ok" : countErrors([r], "VolumeNotFound") === 1 ? "missing" : "offline"));
    return { before, after: [...before] };
  });
  if (!answered || opts.dryRun) return { outcome: answered ? (exists ? "made" : "removed") : "unknown", offline, drives };
  const fixed = await Promise.all(
    sets.map(async (s, i) => {
      const results = perSet[i];
      const fix = exists
        ? results.flatMap((r, pos) => (!r.ok && countErrors([r], "VolumeNotFound") === 1 ? [pos] : []))
        : results.flatMap((r, pos) => (r.ok ? [pos] : []));
      if (fix.length === 0) return 0;
      const done = await fanOut(s, (d) => (exists ? d.makeVol(bucket) : d.deleteVol(bucket, true)), fix);
      const failed = fix.filter((pos) => !done[pos].ok && !countErrors([done[pos]], "VolumeExists", "VolumeNotFound"));
      for (const pos of fix) if (!failed.includes(pos)) drives[i].after[pos] = exists ? "ok" : "missing";
      return failed.length;
    }),
  );
  return { outcome: exists ? "made" : "removed", offline: offline + fixed.reduce((a, b) => a + b, 0), drives };
}

/** Every bucket directory any answering drive holds, with no quorum applied: what a heal-all must look at. */
export async function anyBucketDirs(sets: readonly SetContext[]): Promise<string[]> {
  const perSet = await Promise.all(sets.map((s) => fanOut(s, (d) => d.listVols())));
  const names = new Set<string>();
  for (const r of perSet.flat()) if (r.ok) for (const v of r.value) if (isBucketDirName(v.name)) names.add(v.name);
  return [...names].sort();
}
