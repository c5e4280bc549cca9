// Healing one object on one erasure set: every version a quorum agrees on is rewritten onto
// the online drives that lack it or whose shards fail verification (rebuilt from the good
// shards), and versions that can never reach quorum are removed once every drive has answered.
import { SYSTEM_VOLUME, type FileInfo } from "../../disk/index.ts";
import { HASH_SIZE, ShardStream, bitrotFileSize, erasureHeal, highwayHash256, shardSize, type ShardSink, type ShardSource } from "../../ec/index.ts";
import type { DriveHealState, HealOptions, HealResult } from "../object-layer.ts";
import { SYS_INLINE_DATA, decodeDirObject, sysValue } from "../object-info.ts";
import { callDrive, fanOut, type SetContext } from "./context.ts";
import { readSetMeta, resolveVersion, type ResolvedVersion, type SetMeta } from "./meta.ts";
import { DriveShardWriter, InlineShardCollector, driveShardSource, inlineShardSource } from "./shard-io.ts";
import type { XlVersionHeader } from "../../disk/index.ts";
import type { ElectedVersion } from "../quorum.ts";
import { assertLockHeld } from "../ns-lock.ts";

export async function healObject(ctx: SetContext, volume: string, name: string, opts: HealOptions): Promise<HealResult> {
  const release = await ctx.locker.lock([`${volume}/${name}`], "write");
  // Checked before each rewrite: a heal under a lost lock could undo a newer write.
  const held = () => assertLockHeld(release, `${volume}/${name}`);
  const healed = new Set<number>();
  try {
    const meta = await readSetMeta(ctx, volume, name);
    const offline = meta.absent.flatMap((a, i) => (a === "offline" || !ctx.health.isUp(i) ? [i] : []));
    const before: DriveHealState[] = meta.absent.map((a, i) => (offline.includes(i) ? "offline" : (a ?? "ok")));
    for (const v of meta.elected) {
      if (opts.versionId && v.header.versionId !== opts.versionId) continue;
      for (const pos of await healVersion(ctx, meta, volume, name, v, opts, held, before)) healed.add(pos);
    }
    held();
    if (offline.length === 0 && !opts.dryRun && opts.remove !== false) await removeDangling(ctx, meta, volume, name);
    return {
      bucket: volume,
      key: decodeDirObject(name),
      healedDrives: [...healed].sort((a, b) => a - b),
      offlineDrives: offline,
      pool: ctx.poolIndex,
      set: ctx.setIndex,
      before,
      versions: meta.elected.length,
    };
  } finally {
    release();
  }
}

/** Versions some drives hold that never reached quorum (failed writes): drop them everywhere. */
async function removeDangling(ctx: SetContext, meta: SetMeta, volume: string, name: string): Promise<void> {
  // A stale variant of an elected version id was replaced by the heal: removing it by id now would remove the healed version.
  const good = new Set(meta.elected.map((v) => v.header.versionId));
  await Promise.all(
    meta.metas.map(async (m, pos) => {
      if (!m) return;
      for (const h of m.versions) {
        if (good.has(h.versionId)) continue;
        const fi = m.fileInfo(volume, name, h.versionId);
        await callDrive(ctx, pos, (d) => d.deleteVersion(volume, name, fi, { undoWrite: true })).catch(() => {});
      }
    }),
  );
}

/** Heals one elected version; returns the drive positions rewritten. Marks in `before` the drives it found lacking or damaged. */
async function healVersion(
  ctx: SetContext,
  meta: SetMeta,
  volume: string,
  name: string,
  v: ElectedVersion<XlVersionHeader>,
  opts: HealOptions,
  held: () => void,
  before: DriveHealState[],
): Promise<number[]> {
  const resolved = resolveVersion(ctx, meta, volume, name, decodeDirObject(name), v.header.versionId, true);
  const targets: number[] = [];
  const restore: number[] = [];
  for (const [pos, drive] of ctx.drives.entries()) {
    if (!drive || meta.absent[pos] === "offline" || !ctx.health.isUp(pos)) continue;
    const fi = resolved.perDrive[pos];
    if (!fi || (!fi.deleted && !(await shardsIntact(ctx, resolved, pos, opts.deep ?? false)))) {
      targets.push(pos);
      if (before[pos] === "ok") before[pos] = fi ? "corrupt" : "missing";
    } else if (resolved.lent.includes(pos)) {
      restore.push(pos);
      if (before[pos] === "ok") before[pos] = "missing";
    }
  }
  if ((targets.length === 0 && restore.length === 0) || opts.dryRun) return [];
  held();
  await fanOut(ctx, (d) => d.makeVol(volume).catch(() => {}), targets);
  if (resolved.fi.deleted) {
    const done = await fanOut(ctx, (d) => d.deleteVersion(volume, name, resolved.fi), targets);
    return targets.filter((pos) => done[pos].ok);
  }
  // Lent copies serve as sources while the others are rebuilt, then get their xl.meta back.
  const rebuilt = targets.length > 0 ? await rebuildShards(ctx, resolved, targets, held) : [];
  held();
  return [...rebuilt, ...(await restoreLent(ctx, meta, resolved, restore))].sort((a, b) => a - b);
}

/**
 * Drives whose data dir still holds the elected version's shards but whose xl.meta holds an
 * interrupted overwrite: the version goes back into xl.meta (inline again if it was inline),
 * and the overwrite's data dir (or the spilled inline shard) goes.
 */
async function restoreLent(ctx: SetContext, meta: SetMeta, r: ResolvedVersion, positions: number[]): Promise<number[]> {
  const fi = r.fi;
  const inline = healsInline(r);
  const done = await fanOut(
    ctx,
    async (d, pos) => {
      const copy: FileInfo = { ...r.perDrive[pos]!, isLatest: undefined, numVersions: undefined, successorModTimeNs: undefined };
      const partFile = `${fi.name}/${fi.dataDir}/part.${fi.parts[0]?.number ?? 1}`;
      if (inline) copy.data = await d.readAll(fi.volume, partFile);
      let replaced = "";
      try {
        replaced = meta.metas[pos]?.fileInfo(fi.volume, fi.name, fi.versionId).dataDir ?? "";
      } catch {
        // the drive's own variant is unreadable: nothing of it to clean up
      }
      await d.writeMetadata(fi.volume, fi.name, copy);
      for (const dir of [replaced !== fi.dataDir ? replaced : "", inline ? fi.dataDir : ""]) {
        if (dir) await d.delete(fi.volume, `${fi.name}/${dir}`, { recursive: true }).catch(() => {});
      }
    },
    positions,
  );
  return positions.filter((pos) => done[pos].ok);
}

/** Whether heal writes the version inline: as the version says (MetaSys flag) or as any drive holds it. */
function healsInline(r: ResolvedVersion): boolean {
  if (r.fi.parts.length !== 1) return false;
  const flag = sysValue(r.fi.sysMeta, SYS_INLINE_DATA);
  return (flag !== undefined && new TextDecoder().decode(flag) === "true") || r.perDrive.some((f) => f?.data !== undefined);
}

/** A shard source per shard index from the drives not being rebuilt: inline bytes or the part file, per drive. */
function healSources(ctx: SetContext, r: ResolvedVersion, targets: number[], partNumber: number): (ShardSource | null)[] {
  const e = r.fi.erasure!;
  const sources: (ShardSource | null)[] = new Array(e.dataBlocks + e.parityBlocks).fill(null);
  r.perDrive.forEach((g, pos) => {
    const drive = ctx.drives[pos];
    if (!g?.erasure || !drive || targets.includes(pos)) return;
    const shard = g.erasure.index - 1;
    if (shard !== e.distribution[pos] - 1 || shard < 0 || shard >= sources.length) return;
    // A MinIO drive may keep an inline version's shard in a part file instead (SPEC §2.9).
    if (g.data !== undefined && r.fi.parts.length === 1) sources[shard] = inlineShardSource(g.data);
    else sources[shard] = driveShardSource(drive, r.fi.volume, `${r.fi.name}/${r.fi.dataDir}/part.${partNumber}`, ctx.health.guardFor(pos));
  });
  return sources;
}

/** Rebuilds every part of the version for `targets` and commits it on those that got every part. */
async function rebuildShards(ctx: SetContext, r: ResolvedVersion, targets: number[], held: () => void): Promise<number[]> {
  const fi = r.fi;
  const e = fi.erasure!;
  const layout = { d: e.dataBlocks, p: e.parityBlocks, blockSize: e.blockSize };
  const inline = healsInline(r);
  const tmpId = crypto.randomUUID();
  const collectors = new Map<number, InlineShardCollector>();
  const alive = new Set(targets);
  try {
    for (const part of fi.parts) {
      const sinks: (ShardSink | null)[] = new Array(e.dataBlocks + e.parityBlocks).fill(null);
      const writers = new Map<number, DriveShardWriter>();
      for (const pos of alive) {
        const shard = e.distribution[pos] - 1;
        if (inline) {
          const c = new InlineShardCollector();
          collectors.set(pos, c);
          sinks[shard] = c;
        } else {
          const w = new DriveShardWriter(
            ctx.drives[pos]!,
            SYSTEM_VOLUME,
            `tmp/${tmpId}/${fi.dataDir}/part.${part.number}`,
            bitrotFileSize(part.size, e.blockSize, e.dataBlocks),
            ctx.health.guardFor(pos),
          );
          writers.set(pos, w);
          sinks[shard] = w;
        }
      }
      let res: { failed: number[] };
      try {
        res = await erasureHeal(ctx.codec, layout, healSources(ctx, r, targets, part.number), sinks, part.size);
      } catch (err) {
        for (const w of writers.values()) w.abort(err);
        throw err;
      }
      for (const [pos, w] of writers) {
        const failed =
          res.failed.includes(e.distribution[pos] - 1) ||
          !(await w.close().then(
            () => true,
            () => false,
          ));
        if (failed) alive.delete(pos);
      }
      for (const pos of [...alive]) if (res.failed.includes(e.distribution[pos] - 1)) alive.delete(pos);
      if (alive.size === 0) return [];
    }
    const perDrive = (pos: number): FileInfo => ({
      ...fi,
      isLatest: undefined,
      numVersions: undefined,
      successorModTimeNs: undefined,
      erasure: { ...e, index: e.distribution[pos] },
      data: inline ? (collectors.get(pos)?.bytes() ?? new Uint8Array()) : undefined,
    });
    held();
    const done = await fanOut(ctx, (d, pos) => d.renameData(SYSTEM_VOLUME, `tmp/${tmpId}`, perDrive(pos), fi.volume, fi.name), [...alive]);
    const healed = [...alive].filter((pos) => done[pos].ok);
    // What the rewrite replaced (a stale variant's data dir), and for an inline version its own
    // data dir: it exists only where a shard was kept as a file.
    const stale = (pos: number) =>
      [done[pos].ok ? (done[pos] as { value: { oldDataDir: string } }).value.oldDataDir : "", inline ? fi.dataDir : ""].filter(Boolean);
    await fanOut(
      ctx,
      async (d, pos) => {
        for (const dir of stale(pos)) await d.delete(fi.volume, `${fi.name}/${dir}`, { recursive: true }).catch(() => {});
      },
      healed,
    );
    return healed;
  } finally {
    void fanOut(ctx, (d) => d.delete(SYSTEM_VOLUME, `tmp/${tmpId}`, { recursive: true }), targets);
  }
}

/** Does drive `pos` hold complete shards? Sizes always; every bitrot hash when deep. */
async function shardsIntact(ctx: SetContext, r: ResolvedVersion, pos: number, deep: boolean): Promise<boolean> {
  const fi = r.perDrive[pos]!;
  const e = fi.erasure;
  if (!e || e.index !== e.distribution[pos]) return false;
  try {
    for (const part of fi.parts) {
      const want = bitrotFileSize(part.size, e.blockSize, e.dataBlocks);
      if (fi.data !== undefined && fi.parts.length === 1) {
        if (fi.data.length !== want || (deep && !framesValid(fi.data, part.size, e.blockSize, e.dataBlocks))) return false;
        continue;
      }
      const path = `${fi.name}/${fi.dataDir}/part.${part.number}`;
      if ((await callDrive(ctx, pos, (d) => d.statFile(fi.volume, path))).size !== want) return false;
      if (deep && !(await partFramesValid(ctx, pos, fi.volume, path, part.size, e.blockSize, e.dataBlocks))) return false;
    }
    return true;
  } catch {
    return false;
  }
}

/** Verifies a part file frame by frame through one stream (one frame in memory at a time, each read under the deadline). */
async function partFramesValid(ctx: SetContext, pos: number, volume: string, path: string, size: number, blockSize: number, d: number): Promise<boolean> {
  if (size === 0) return true;
  const frame = HASH_SIZE + shardSize(blockSize, d);
  const total = bitrotFileSize(size, blockSize, d);
  const source = driveShardSource(ctx.drives[pos]!, volume, path, ctx.health.guardFor(pos));
  const stream = new ShardStream(source.stream!(0, total, frame), 0, total);
  try {
    for (let start = 0, offset = 0; start < size; start += blockSize, offset += frame) {
      const len = Math.min(blockSize, size - start);
      if (!framesValid(await stream.take(offset, HASH_SIZE + Math.ceil(len / d)), len, blockSize, d)) return false;
    }
    return true;
  } finally {
    stream.cancel(new Error("verification done"));
  }
}

/** Checks every 32-byte HighwayHash frame of a whole shard file. */
export function framesValid(framed: Uint8Array, size: number, blockSize: number, d: number): boolean {
  let off = 0;
  const full = shardSize(blockSize, d);
  for (let left = size; left > 0; left -= blockSize) {
    const len = left >= blockSize ? full : Math.ceil(left / d);
    if (off + HASH_SIZE + len > framed.length) return false;
    const sum = highwayHash256(framed.subarray(off + HASH_SIZE, off + HASH_SIZE + len));
    if (!Buffer.from(sum).equals(framed.subarray(off, off + HASH_SIZE))) return false;
    off += HASH_SIZE + len;
  }
  return off === framed.length;
}
