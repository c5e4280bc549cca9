// Reading through a crash in the middle of an overwrite. When a version id (the null version)
// is held in two variants and neither has read quorum — possible only with more data than
// parity shards — the older variant is the object as it was before the interrupted write.
// Drives that already took the new variant still keep the old one's data dir (it is removed
// only once a write has quorum; inline shards are spilled there first, see renameData), so
// they are counted for the old variant, with that drive's shard, and the set is healed.
import { bitrotFileSize } from "../../ec/index.ts";
import type { FileInfo, XlMeta, XlVersionHeader } from "../../disk/index.ts";
import { callDrive, type SetContext } from "./context.ts";
import { compareVersionsNewestFirst, tallyVersions, type ElectedVersion } from "../quorum.ts";

/** Per version id: drive position → the older variant as that drive's copy (read from its data dir). */
export type Borrowed = Map<string, Map<number, FileInfo>>;

/** Does drive `pos` hold the shard files of `fi` (its own shard, by size) in `fi`'s data dir? */
async function holdsShards(ctx: SetContext, pos: number, fi: FileInfo): Promise<boolean> {
  const e = fi.erasure!;
  for (const part of fi.parts) {
    const want = bitrotFileSize(part.size, e.blockSize, e.dataBlocks);
    const st = await callDrive(ctx, pos, (d) => d.statFile(fi.volume, `${fi.name}/${fi.dataDir}/part.${part.number}`)).catch(() => null);
    if (!st || st.size !== want) return false;
  }
  return true;
}

/**
 * Adds to `elected` the older variants of split version ids that reach quorum once drives
 * holding their data dir are counted; returns what those drives lend. No I/O unless a split
 * is seen.
 */
export async function recoverSplitVersions(
  ctx: SetContext,
  volume: string,
  name: string,
  metas: (XlMeta | null)[],
  elected: ElectedVersion<XlVersionHeader>[],
  required: (h: XlVersionHeader) => number,
): Promise<Borrowed> {
  const borrowed: Borrowed = new Map();
  // Common case: every header on every drive belongs to an elected version, nothing is split.
  const held = metas.reduce((sum, m) => sum + (m?.versions.length ?? 0), 0);
  if (held === elected.reduce((sum, v) => sum + v.drives.length, 0)) return borrowed;
  const done = new Set(elected.map((v) => v.header.versionId));
  const byId = new Map<string, ElectedVersion<XlVersionHeader>[]>();
  for (const v of tallyVersions(metas.map((m) => m?.versions ?? null))) {
    if (done.has(v.header.versionId)) continue;
    byId.set(v.header.versionId, [...(byId.get(v.header.versionId) ?? []), v]);
  }
  for (const [id, variants] of byId) {
    if (variants.length < 2) continue;
    variants.sort((a, b) => compareVersionsNewestFirst(a.header, b.header));
    for (const older of variants.slice(1)) {
      const fi = metas[older.drives[0]]!.fileInfo(volume, name, id);
      if (fi.deleted || !fi.dataDir || !fi.erasure) continue;
      const others = variants.filter((v) => v !== older).flatMap((v) => v.drives);
      const lent = new Map<number, FileInfo>();
      await Promise.all(
        others.map(async (pos) => {
          const copy: FileInfo = { ...fi, erasure: { ...fi.erasure!, index: fi.erasure!.distribution[pos] }, data: undefined };
          if (await holdsShards(ctx, pos, copy)) lent.set(pos, copy);
        }),
      );
      if (older.drives.length + lent.size < required(older.header)) continue;
      elected.push({ header: older.header, drives: [...older.drives, ...lent.keys()].sort((a, b) => a - b) });
      borrowed.set(id, lent);
      break;
    }
  }
  elected.sort((a, b) => compareVersionsNewestFirst(a.header, b.header));
  return borrowed;
}
