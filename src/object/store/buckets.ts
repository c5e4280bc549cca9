// Bucket operations across every drive of every set: a bucket is a directory on (a quorum of)
// all drives. Creation, existence, listing and removal are decided per erasure set by majority.
import { SYSTEM_VOLUME, type Drive } from "../../disk/index.ts";
import { ObjectError } from "../object-error.ts";
import { countErrors, errorKind, majority, type DriveResult } from "../quorum.ts";
import { fanOut, type SetContext } from "../set/context.ts";

/** Names that can never be buckets (system, hidden, or shorter than any valid bucket name). */
export function isBucketDirName(name: string): boolean {
  return name !== SYSTEM_VOLUME && name.length >= 3 && name.length <= 63 && /^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(name);
}

/** Calls `fn` on every drive of every set, each call with the set's drive deadline. */
async function onEverySet<T>(sets: readonly SetContext[], fn: (d: Drive) => Promise<T>): Promise<DriveResult<T>[][]> {
  return Promise.all(sets.map((s) => fanOut(s, (d) => fn(d))));
}

/** Makes the bucket on every drive; resolves with how many drives missed it (owed a bucket heal). */
export async function makeBucketDirs(sets: readonly SetContext[], bucket: string): Promise<number> {
  const perSet = await onEverySet(sets, (d) => d.makeVol(bucket));
  for (const results of perSet) {
    const done = results.filter((r) => r.ok).length + countErrors(results, "VolumeExists");
    if (done < majority(results.length)) {
      throw new ObjectError("WriteQuorum", `Only ${done} of ${results.length} drives of a set created bucket "${bucket}"`, { bucket });
    }
  }
  return missedBy(perSet, "VolumeExists");
}

function missedBy(perSet: DriveResult<unknown>[][], fine: "VolumeExists" | "VolumeNotFound"): number {
  return perSet.flat().filter((r) => !r.ok && errorKind(r.error) !== fine).length;
}

/** Creation time if the bucket exists on a majority of the answering drives of every set. */
export async function statBucket(sets: readonly SetContext[], bucket: string): Promise<Date> {
  const perSet = await onEverySet(sets, (d) => d.statVol(bucket));
  let created = Infinity;
  for (const results of perSet) {
    const ok = results.filter((r) => r.ok);
    const missing = countErrors(results, "VolumeNotFound");
    if (ok.length === 0 || missing > ok.length) {
      if (ok.length + missing === 0) throw new ObjectError("ReadQuorum", `No drive of a set answered for bucket "${bucket}"`, { bucket });
      throw new ObjectError("NoSuchBucket", `The bucket "${bucket}" does not exist`, { bucket });
    }
    for (const r of ok) if (r.ok) created = Math.min(created, r.value.created);
  }
  return new Date(Number.isFinite(created) ? created : 0);
}

/** Buckets present on at least half of the drives that answered, in every set. */
export async function listBucketDirs(sets: readonly SetContext[]): Promise<{ name: string; created: Date }[]> {
  const perSet = await onEverySet(sets, (d) => d.listVols());
  const counts = new Map<string, { sets: number; created: number }>();
  for (const results of perSet) {
    const answered = results.filter((r) => r.ok).length;
    if (answered === 0) throw new ObjectError("ReadQuorum", "No drive of an erasure set answered while listing buckets");
    const seen = new Map<string, { n: number; created: number }>();
    for (const r of results) {
      if (!r.ok) continue;
      for (const v of r.value) {
        if (!isBucketDirName(v.name)) continue;
        const e = seen.get(v.name) ?? { n: 0, created: Infinity };
        seen.set(v.name, { n: e.n + 1, created: Math.min(e.created, v.created) });
      }
    }
    for (const [name, e] of seen) {
      if (e.n * 2 < answered) continue;
      const c = counts.get(name) ?? { sets: 0, created: Infinity };
      counts.set(name, { sets: c.sets + 1, created: Math.min(c.created, e.created) });
    }
  }
  return [...counts.entries()].filter(([, c]) => c.sets === sets.length).map(([name, c]) => ({ name, created: new Date(c.created) }));
}

/** Removes the bucket from every drive; resolves with how many drives missed it (owed a bucket heal). */
export async function deleteBucketDirs(sets: readonly SetContext[], bucket: string): Promise<number> {
  const perSet = await onEverySet(sets, (d) => d.deleteVol(bucket, true));
  for (const results of perSet) {
    const done = results.filter((r) => r.ok).length + countErrors(results, "VolumeNotFound");
    if (done < majority(results.length)) {
      const err = results.find((r) => !r.ok);
      throw new ObjectError("WriteQuorum", `Only ${done} of ${results.length} drives of a set removed bucket "${bucket}"`, {
        bucket,
        cause: err && !err.ok ? err.error : undefined,
      });
    }
  }
  return missedBy(perSet, "VolumeNotFound");
}

export { errorKind };
