// Listing one erasure set: every drive is walked in key order, the walks are merged, and for
// each key the versions a quorum of drives agree on are elected — exactly as single-object
// reads do, so a listing never shows what a GET would refuse.
import { XlMeta, type FileInfo, type WalkEntry, type WalkOptions } from "../../disk/index.ts";
import { withStepDeadline } from "../../util/index.ts";
import { mergeSorted } from "../merge-sorted.ts";
import { electVersions, tallyVersions } from "../quorum.ts";
import { fanOut, type SetContext } from "./context.ts";
import { readSetMeta, requiredFor } from "./meta.ts";
import { encodeDirObject } from "../object-info.ts";

export type ListedEntry =
  /** An object key with its elected versions, newest first (delete markers included, free versions not). */
  | { kind: "object"; name: string; versions: FileInfo[] }
  /** A common prefix (non-recursive walks), ending with "/". */
  | { kind: "prefix"; name: string };

/** Lazily walks the set's drives and yields quorum-elected entries in key order. */
export async function* walkSet(ctx: SetContext, opts: WalkOptions): AsyncGenerator<ListedEntry> {
  const n = ctx.drives.length;
  const { positions, streams } = driveWalks(ctx, opts);
  // A prefix needs as many drives as the smallest possible data quorum.
  const prefixQuorum = Math.max(1, n - Math.floor(n / 2) - (n - positions.length));
  for await (const group of mergeSorted<WalkEntry>(streams)) {
    const objects = group.items.filter((it) => it.item.kind === "object");
    const prefixes = group.items.length - objects.length;
    if (objects.length > 0) {
      const entry = await electEntry(
        ctx,
        opts.volume,
        group.name,
        objects.map((o) => ({ pos: positions[o.source], meta: (o.item as { meta: Uint8Array }).meta })),
      );
      if (entry) yield entry;
    }
    if (prefixes >= prefixQuorum) yield { kind: "prefix", name: group.name };
  }
}

/**
 * Every object name any drive in service holds, in key order, with no quorum applied: what a
 * heal-all must visit, including versions that never reached quorum and must be cleaned up.
 */
export async function* walkNames(ctx: SetContext, opts: WalkOptions): AsyncGenerator<string> {
  const { streams } = driveWalks(ctx, opts);
  for await (const group of mergeSorted<WalkEntry>(streams)) {
    if (group.items.some((it) => it.item.kind === "object")) yield group.name;
  }
}

/** One walk per drive in service, each step under the drive's deadline. */
function driveWalks(ctx: SetContext, opts: WalkOptions): { positions: number[]; streams: AsyncIterable<WalkEntry>[] } {
  const positions = ctx.drives.map((d, i) => (d && ctx.health.isUp(i) ? i : -1)).filter((i) => i >= 0);
  const what = (i: number) => () => `${ctx.drives[i]!.endpoint}: walk of "${opts.volume}/${opts.baseDir}" gave no entry within the drive deadline`;
  const walk = (i: number) => {
    const guard = ctx.health.guardFor(i);
    return withStepDeadline(ctx.drives[i]!.walk(opts), (next) => guard(next, what(i)));
  };
  return { positions, streams: positions.map(walk) };
}

/** The listing entry of one exact key (quorum-elected versions), or null. */
export async function entryFor(ctx: SetContext, volume: string, key: string): Promise<ListedEntry | null> {
  const results = await fanOut(ctx, (d) => d.readMetadata(volume, encodeDirObject(key)));
  const found = results.flatMap((r, pos) => (r.ok ? [{ pos, meta: r.value }] : []));
  return found.length > 0 ? await electEntry(ctx, volume, key, found) : null;
}

/** Elected versions → a listing entry (free versions left out); null when there are none. */
function toEntry(key: string, versions: FileInfo[]): ListedEntry | null {
  const visible = versions.filter((fi) => !fi.freeVersion);
  if (visible.length === 0) return null;
  return { kind: "object", name: key, versions: visible.map((fi, i) => ({ ...fi, isLatest: i === 0, numVersions: visible.length, data: undefined })) };
}

/**
 * The listing entry of a key from the walked xl.meta copies. A version id split between
 * variants with no quorum (an interrupted overwrite) is looked at again the way a GET does,
 * so a listing never hides what a GET would serve.
 */
async function electEntry(ctx: SetContext, volume: string, key: string, found: { pos: number; meta: Uint8Array }[]): Promise<ListedEntry | null> {
  const n = ctx.drives.length;
  const metas: (XlMeta | null)[] = new Array(n).fill(null);
  for (const f of found) {
    try {
      metas[f.pos] = XlMeta.parse(f.meta);
    } catch {
      // unreadable on this drive: it simply does not vote
    }
  }
  const name = encodeDirObject(key);
  const elected = electVersions(
    metas.map((m) => m?.versions ?? null),
    requiredFor(metas, n),
  ).filter((v) => (v.header.flags & 1) === 0);
  const ids = new Set(elected.map((v) => v.header.versionId));
  const split = tallyVersions(metas.map((m) => m?.versions ?? null)).filter((v) => !ids.has(v.header.versionId));
  if (split.some((v, i) => split.findIndex((w) => w.header.versionId === v.header.versionId) !== i)) {
    try {
      const meta = await readSetMeta(ctx, volume, name);
      // Describe each version from a drive whose own xl.meta holds it (not a lent copy).
      const own = (v: (typeof meta.elected)[number]) => v.drives.find((p) => !meta.borrowed.get(v.header.versionId)?.has(p))!;
      return toEntry(
        key,
        meta.elected.map((v) => meta.metas[own(v)]!.fileInfo(volume, name, v.header.versionId)),
      );
    } catch {
      return null;
    }
  }
  return toEntry(
    key,
    elected.map((v) => metas[v.drives[0]]!.fileInfo(volume, name, v.header.versionId)),
  );
}
