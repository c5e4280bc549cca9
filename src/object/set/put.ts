// PUT of a whole object on one erasure set: choose the layout, stage the shards, run the
// integrity checks, then under the object's write lock evaluate conditions and commit on
// every drive (renameData). Fewer than write-quorum commits are undone and reported.
import { SYSTEM_VOLUME, XL_META, type FileInfo, type RenameDataResult } from "../../disk/index.ts";
import { shardFileSize } from "../../ec/index.ts";
import { ObjectError } from "../object-error.ts";
import type { ObjectInfo, Preconditions, PutObjectOptions } from "../object-layer.ts";
import { DEFAULT_CONTENT_TYPE, SYS_ACTUAL_SIZE, SYS_ERASURE_UPGRADED, SYS_INLINE_DATA, encodeDirObject, toObjectInfo } from "../object-info.ts";
import { hashOrder } from "../placement.ts";
import { callDrive, fanOut, type SetContext } from "./context.ts";
import { encodeBody, type Layout } from "./encode.ts";
import { checkVersionRoom, holdsAsNew, readSetMeta, resolveVersion } from "./meta.ts";
import { countErrors, writeQuorum } from "../quorum.ts";
import { checkPreconditions } from "../preconditions.ts";
import { assertLockHeld } from "../ns-lock.ts";

export type VersioningState = "unversioned" | "enabled" | "suspended";

/** "Written by" stamp in xl.meta (`v`): Unix seconds of this release line. */
export const WRITTEN_BY = 1767225600;

const utf8 = new TextEncoder();

/** Parity from the storage class, raised by one per offline drive (MinIO's availability optimisation). */
export function chooseLayout(ctx: SetContext, volume: string, name: string, storageClass?: string): { layout: Layout; upgraded?: string } {
  const n = ctx.drives.length;
  const max = Math.floor(n / 2);
  let p = volume === SYSTEM_VOLUME ? max : storageClass === "REDUCED_REDUNDANCY" ? ctx.settings.rrsParity : ctx.settings.standardParity;
  const base = p;
  const offline = ctx.health.downCount;
  if (offline > 0 && p < max) p = Math.min(max, p + offline);
  const layout = { d: n - p, p, blockSize: ctx.settings.blockSize, distribution: hashOrder(`${volume}/${name}`, n) };
  return { layout, upgraded: p !== base ? `${base}->${p}` : undefined };
}

export function inlineLimit(ctx: SetContext, versioning: VersioningState): number {
  return versioning === "unversioned" ? ctx.settings.inlineBlock : Math.floor(ctx.settings.inlineBlock / 8);
}

/**
 * A version written again elsewhere (a pool being drained): it keeps its id, its mod time and
 * its stored ETag (opts.userMeta.etag), instead of getting new ones. It is not committed when
 * the set already holds that id as new or newer (checked under the write lock).
 */
export interface KeptVersion {
  versionId: string;
  modTimeNs: bigint;
}

export async function putObject(
  ctx: SetContext,
  bucket: string,
  key: string,
  body: ReadableStream<Uint8Array>,
  opts: PutObjectOptions,
  versioning: VersioningState,
  keep?: KeptVersion,
): Promise<ObjectInfo> {
  const name = encodeDirObject(key);
  const { layout, upgraded } = chooseLayout(ctx, bucket, name, opts.storageClass);
  const inline = opts.size >= 0 && shardFileSize(opts.size, layout.blockSize, layout.d) <= inlineLimit(ctx, versioning);
  const tmpId = crypto.randomUUID();
  const dataDir = crypto.randomUUID();
  // Drives that may hold staged files afterwards: all until the commit, then those it skipped.
  let leftovers: number[] | undefined;
  try {
    const enc = await encodeBody(ctx, layout, body, { expectedSize: opts.size, inline, stagingPath: `tmp/${tmpId}/${dataDir}/part.1`, signal: opts.signal });
    const checked = opts.check ? await opts.check({ md5: enc.md5, size: enc.size }) : undefined;
    const sysMeta: Record<string, Uint8Array> = { ...opts.sysMeta, ...(checked ? checked.sysMeta : undefined) };
    if (inline) sysMeta[SYS_INLINE_DATA] = utf8.encode("true");
    if (upgraded) sysMeta[SYS_ERASURE_UPGRADED] = utf8.encode(upgraded);
    const actual = opts.actualSize !== undefined && opts.actualSize >= 0 ? opts.actualSize : checked?.actualSize;
    if (actual !== undefined) sysMeta[SYS_ACTUAL_SIZE] = utf8.encode(String(actual));
    const etag = keep && opts.userMeta.etag ? opts.userMeta.etag : (checked?.etag ?? Buffer.from(enc.md5).toString("hex"));
    const userMeta: Record<string, string> = { "content-type": DEFAULT_CONTENT_TYPE, ...opts.userMeta, etag };
    if (opts.storageClass && opts.storageClass !== "STANDARD") userMeta["x-amz-storage-class"] = opts.storageClass;
    const fi: FileInfo = {
      volume: bucket,
      name,
      versionId: keep?.versionId ?? (versioning === "enabled" ? crypto.randomUUID() : "null"),
      deleted: false,
      dataDir,
      modTimeNs: keep?.modTimeNs ?? ctx.clock.now(),
      size: enc.size,
      userMeta,
      sysMeta,
      parts: [{ number: 1, size: enc.size, actualSize: actual ?? enc.size, ...(checked?.partIndex ? { index: checked.partIndex } : {}) }],
      erasure: { dataBlocks: layout.d, parityBlocks: layout.p, blockSize: layout.blockSize, index: 0, distribution: layout.distribution },
      writtenBy: WRITTEN_BY,
    };
    const release = await ctx.locker.lock([`${bucket}/${name}`], "write");
    try {
      if (opts.preconditions) await checkWritePreconditions(ctx, bucket, name, key, opts.preconditions);
      // A version moved from a drained pool is not a new one: the limit binds only new writes.
      if (!keep) await checkVersionRoom(ctx, bucket, name, key, fi.versionId);
      // A kept version that lost to a newer write leaves its staged files for the finally below.
      if (!keep || !(await holdsAsNew(ctx, bucket, name, key, fi.versionId, fi.modTimeNs))) {
        assertLockHeld(release, `${bucket}/${name}`);
        await commitVersion(ctx, SYSTEM_VOLUME, `tmp/${tmpId}`, fi, layout, enc.inline, enc.failed);
        leftovers = [...enc.failed];
      }
    } finally {
      release();
    }
    return toObjectInfo(bucket, { ...fi, isLatest: true });
  } finally {
    // renameData removes the staging dir where it committed; inline writes stage nothing.
    if (!inline && leftovers?.length !== 0) void fanOut(ctx, (d) => d.delete(SYSTEM_VOLUME, `tmp/${tmpId}`, { recursive: true }), leftovers);
  }
}

/** Evaluates If-Match / If-None-Match against the current latest version (write lock held). */
export async function checkWritePreconditions(ctx: SetContext, bucket: string, name: string, key: string, pre: Preconditions): Promise<void> {
  let current: ObjectInfo | null = null;
  try {
    const meta = await readSetMeta(ctx, bucket, name);
    const v = resolveVersion(ctx, meta, bucket, name, key, "", false);
    if (!v.fi.deleted) current = toObjectInfo(bucket, v.fi);
  } catch (err) {
    if (!(err instanceof ObjectError && err.kind === "NoSuchKey")) throw err;
  }
  checkPreconditions(current, pre, key, "write");
}

/**
 * Puts the drives that committed a version back as they were: where the version replaced one
 * with the same id (the null version) the previous xl.meta is written back byte for byte and
 * the new data dir removed; elsewhere the new version is removed. Without the first case a
 * refused overwrite would take the old object down with it.
 */
async function undoCommit(
  ctx: SetContext,
  fi: FileInfo,
  perDrive: (i: number) => FileInfo,
  committed: { pos: number; result: { ok: true; value: RenameDataResult } }[],
): Promise<void> {
  const previous = new Map(committed.map((c) => [c.pos, c.result.value.previousMeta]));
  await fanOut(
    ctx,
    async (d, i) => {
      const prev = previous.get(i);
      if (!prev) return d.deleteVersion(fi.volume, fi.name, perDrive(i), { undoWrite: true });
      await d.writeAll(fi.volume, `${fi.name}/${XL_META}`, prev);
      if (fi.dataDir && perDrive(i).data === undefined) await d.delete(fi.volume, `${fi.name}/${fi.dataDir}`, { recursive: true }).catch(() => {});
    },
    committed.map((c) => c.pos),
  );
}

/**
 * Moves a staged version into place on every drive that has its shard, each drive getting
 * its own EcIndex (and inline shard). Below write quorum the committed drives are rolled back.
 */
export async function commitVersion(
  ctx: SetContext,
  srcVolume: string,
  srcPath: string,
  fi: FileInfo,
  layout: Layout,
  inline: (Uint8Array | null)[] | null,
  skip: Set<number>,
): Promise<void> {
  const n = ctx.drives.length;
  const wq = writeQuorum(layout.d, layout.p);
  const positions = ctx.drives.map((_, i) => i).filter((i) => !skip.has(i));
  const perDrive = (i: number): FileInfo => ({
    ...fi,
    erasure: { ...fi.erasure!, index: layout.distribution[i] },
    data: inline ? (inline[i] ?? undefined) : undefined,
  });
  const results = await fanOut(ctx, (d, i) => d.renameData(srcVolume, srcPath, perDrive(i), fi.volume, fi.name), positions);
  const committed = positions.filter((i) => results[i].ok);
  if (committed.length < wq) {
    await undoCommit(
      ctx,
      fi,
      perDrive,
      committed.map((i) => ({ pos: i, result: results[i] as { ok: true; value: RenameDataResult } })),
    );
    const errors = positions.map((i) => results[i]).filter((r) => !r.ok);
    if (countErrors(errors, "ParentIsObject") >= wq) {
      throw new ObjectError("ParentIsObject", `Cannot create "${fi.name}": a prefix of it is an object`, { bucket: fi.volume, key: fi.name });
    }
    if (countErrors(errors, "VolumeNotFound") >= wq) throw new ObjectError("NoSuchBucket", `Bucket "${fi.volume}" does not exist`, { bucket: fi.volume });
    const firstError = positions.map((i) => results[i]).find((r) => !r.ok);
    throw new ObjectError("WriteQuorum", `Only ${committed.length} of ${n} drives committed "${fi.volume}/${fi.name}"; ${wq} needed`, {
      cause: firstError && !firstError.ok ? firstError.error : undefined,
      bucket: fi.volume,
      key: fi.name,
    });
  }
  for (const i of committed) {
    const r = results[i];
    const old = r.ok ? r.value.oldDataDir : "";
    if (old) void callDrive(ctx, i, (d) => d.delete(fi.volume, `${fi.name}/${old}`, { recursive: true })).catch(() => {});
  }
  if (committed.length < n) ctx.requestHeal(fi.volume, fi.name, fi.versionId);
}
