// Buckets across server pools: a bucket is a directory on the drives of every pool. A pool added
// later (or one that missed a creation) lacks the directories of older buckets; they are made
// there when the bucket is next seen, so every pool can take the bucket's new objects.
import { isObjectError } from "../object-error.ts";
import { listBucketDirs, makeBucketDirs, statBucket } from "./buckets.ts";
import type { ServerPool } from "./pools.ts";

/** Creation time of `bucket` if some pool has it (NoSuchBucket otherwise); pools lacking it get its directories. */
export async function statBucketInPools(pools: readonly ServerPool[], bucket: string): Promise<Date> {
  if (pools.length === 1) return statBucket(pools[0].sets, bucket);
  const results = await Promise.allSettled(pools.map((p) => statBucket(p.sets, bucket)));
  const found = results.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
  const failure = results.find((r): r is PromiseRejectedResult => r.status === "rejected" && !isObjectError(r.reason, "NoSuchBucket"));
  if (found.length === 0) throw (failure ?? (results[0] as PromiseRejectedResult)).reason;
  const missing = pools.filter((_, i) => results[i].status === "rejected" && isObjectError((results[i] as PromiseRejectedResult).reason, "NoSuchBucket"));
  if (missing.length > 0)
    await makeBucketDirs(
      missing.flatMap((p) => p.sets),
      bucket,
    );
  return new Date(Math.min(...found.map((d) => d.getTime())));
}

/** Every bucket any pool has (earliest creation time), made in the pools that lack it. */
export async function listBucketsInPools(pools: readonly ServerPool[]): Promise<{ name: string; created: Date }[]> {
  if (pools.length === 1) return listBucketDirs(pools[0].sets);
  const perPool = await Promise.all(pools.map((p) => listBucketDirs(p.sets)));
  const all = new Map<string, number>();
  for (const dirs of perPool) for (const d of dirs) all.set(d.name, Math.min(all.get(d.name) ?? Infinity, d.created.getTime()));
  for (const [i, dirs] of perPool.entries()) {
    const have = new Set(dirs.map((d) => d.name));
    for (const name of all.keys()) if (!have.has(name)) await makeBucketDirs(pools[i].sets, name).catch(() => {});
  }
  return [...all.entries()].map(([name, created]) => ({ name, created: new Date(created) }));
}
