// The entries a bucket listing pages over: every set's quorum-elected walk (ErasureSet.list)
// merged in key order, plus the lookups a page needs (a key ending in "/", "anything below?").
import type { WalkOptions } from "../../disk/index.ts";
import { compareKeys } from "../../util/index.ts";
import { mergeSorted } from "../merge-sorted.ts";
import { isStorableName } from "../object-name.ts";
import type { ErasureSet } from "../set/erasure-set.ts";
import type { ListedEntry } from "../set/list.ts";
import { latestModTime } from "./pools.ts";

/**
 * Entries of every set of every pool merged in key order. A key lives in one set of a pool, but
 * may be in two pools for a while (a race, a pool being drained): the newest latest version wins.
 */
export async function* mergedEntries(sets: readonly ErasureSet[], opts: WalkOptions): AsyncGenerator<ListedEntry> {
  const streams = sets.map((s) => s.list(opts));
  if (streams.length === 1) return yield* streams[0];
  for await (const group of mergeSorted<ListedEntry>(streams)) {
    let obj: ListedEntry | undefined;
    for (const { item } of group.items) {
      if (item.kind === "object" && (!obj || (obj.kind === "object" && latestModTime(item) > latestModTime(obj)))) obj = item;
    }
    if (obj) yield obj;
    if (group.items.some((i) => i.item.kind === "prefix")) yield { kind: "prefix", name: group.name };
  }
}

/** True once one listable object (a visible one, unless listing versions) is found below `dir` (ends with "/"). */
export async function anythingBelow(sets: readonly ErasureSet[], bucket: string, dir: string, versions: boolean): Promise<boolean> {
  const walk = mergedEntries(sets, { volume: bucket, baseDir: dir, recursive: true });
  try {
    for await (const e of walk) if (e.kind === "object" && (versions || !e.versions[0].deleted)) return true;
    return false;
  } finally {
    await walk.return(undefined);
  }
}

/** Entries for a listing. A key ending in "/" lives one directory above its own prefix, so it is looked up on its own. */
export async function* listingEntries(
  sets: readonly ErasureSet[],
  /** The entry of one exact key, looked up wherever it may live. */
  entryOf: (key: string) => Promise<ListedEntry | null>,
  walk: WalkOptions,
  prefix: string,
): AsyncGenerator<ListedEntry> {
  const after = walk.after;
  if (prefix.endsWith("/") && isStorableName(prefix) && (after === undefined || compareKeys(after, prefix) < 0 || (walk.includeAfter && after === prefix))) {
    const own = await entryOf(prefix);
    if (own) yield own;
  }
  yield* mergedEntries(sets, walk);
}
