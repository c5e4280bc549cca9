// DELETE on one erasure set: remove a specific version, or (without a version id) remove the
// null version / add a delete marker as the bucket's versioning state requires.
import type { FileInfo } from "../../disk/index.ts";
import { ObjectError, isObjectError } from "../object-error.ts";
import { checkRemovable } from "../object-lock.ts";
import type { DeleteObjectOptions, DeleteObjectResult } from "../object-layer.ts";
import { encodeDirObject, toObjectInfo } from "../object-info.ts";
import { checkPreconditions } from "../preconditions.ts";
import { countErrors, majority, writeQuorum, type DriveResult } from "../quorum.ts";
import { fanOut, type SetContext } from "./context.ts";
import { checkVersionRoom, holdsAsNew, readSetMeta, resolveVersion } from "./meta.ts";
import { WRITTEN_BY, type VersioningState } from "./put.ts";
import { assertLockHeld } from "../ns-lock.ts";

export async function deleteObject(
  ctx: SetContext,
  bucket: string,
  key: string,
  opts: DeleteObjectOptions,
  versioning: VersioningState,
): Promise<DeleteObjectResult> {
  const name = encodeDirObject(key);
  const release = await ctx.locker.lock([`${bucket}/${name}`], "write");
  try {
    if (opts.preconditions) {
      const meta = await readSetMeta(ctx, bucket, name);
      const cur = resolveVersion(ctx, meta, bucket, name, key, opts.versionId ?? "", false).fi;
      checkPreconditions(cur.deleted ? null : toObjectInfo(bucket, cur), opts.preconditions, key, "write");
    }
    assertLockHeld(release, `${bucket}/${name}`);
    if (opts.versionId) return await deleteVersionById(ctx, bucket, name, key, opts.versionId, opts.bypassGovernance ?? false);
    if (versioning === "unversioned") {
      const res = await deleteVersionById(ctx, bucket, name, key, "null", opts.bypassGovernance ?? false);
      return { versionId: "", deleteMarker: res.deleteMarker };
    }
    const markerId = versioning === "enabled" ? crypto.randomUUID() : "null";
    // A delete marker is a version too (as in MinIO, the limit refuses it as well).
    await checkVersionRoom(ctx, bucket, name, key, markerId);
    return await addDeleteMarker(ctx, bucket, name, markerId);
  } finally {
    release();
  }
}

/** Removes one version; a version that does not exist is already deleted (S3 answers 204). */
async function deleteVersionById(
  ctx: SetContext,
  bucket: string,
  name: string,
  key: string,
  versionId: string,
  bypassGovernance: boolean,
  checkLock = true,
): Promise<DeleteObjectResult> {
  let fi: FileInfo;
  try {
    fi = resolveVersion(ctx, await readSetMeta(ctx, bucket, name), bucket, name, key, versionId, false).fi;
  } catch (err) {
    if (isObjectError(err, "NoSuchKey", "NoSuchVersion")) return { versionId, deleteMarker: false };
    throw err;
  }
  if (checkLock) checkRemovable(fi, Number(ctx.clock.now() / 1_000_000n), bypassGovernance, key);
  const quorum = fi.erasure ? writeQuorum(fi.erasure.dataBlocks, fi.erasure.parityBlocks) : majority(ctx.drives.length);
  // deleted=false asks the drive to remove this version (true would add a delete marker).
  const results = await fanOut(ctx, (d) => d.deleteVersion(bucket, name, { ...fi, deleted: false }));
  // A drive that never had the version is as good as one that removed it.
  const done = results.filter((r) => r.ok).length + countErrors(results, "FileNotFound", "VersionNotFound");
  // Owed even when quorum fails: the heal removes what the drives that did answer applied.
  if (done < results.length) ctx.requestHeal(bucket, name, fi.versionId);
  checkQuorum(results, done, quorum, bucket, name);
  return { versionId: fi.versionId, deleteMarker: fi.deleted };
}

/** Writes a delete marker with a given id and mod time (a pool being drained moves its markers so). */
export async function writeDeleteMarker(ctx: SetContext, bucket: string, key: string, versionId: string, modTimeNs: bigint): Promise<void> {
  const name = encodeDirObject(key);
  const release = await ctx.locker.lock([`${bucket}/${name}`], "write");
  try {
    if (!(await holdsAsNew(ctx, bucket, name, key, versionId, modTimeNs))) await addDeleteMarker(ctx, bucket, name, versionId, modTimeNs);
  } finally {
    release();
  }
}

/**
 * Removes one version whatever its lock state (a drained pool gives up its copy once another
 * pool holds it); a version already gone counts as removed.
 */
export async function purgeVersion(ctx: SetContext, bucket: string, key: string, versionId: string): Promise<void> {
  const name = encodeDirObject(key);
  const release = await ctx.locker.lock([`${bucket}/${name}`], "write");
  try {
    await deleteVersionById(ctx, bucket, name, key, versionId, true, false);
  } finally {
    release();
  }
}

async function addDeleteMarker(ctx: SetContext, bucket: string, name: string, versionId: string, modTimeNs?: bigint): Promise<DeleteObjectResult> {
  const marker: FileInfo = {
    volume: bucket,
    name,
    versionId,
    deleted: true,
    dataDir: "",
    modTimeNs: modTimeNs ?? ctx.clock.now(),
    size: 0,
    userMeta: {},
    sysMeta: {},
    parts: [],
    writtenBy: WRITTEN_BY,
  };
  const results = await fanOut(ctx, (d) => d.deleteVersion(bucket, name, marker));
  const done = results.filter((r) => r.ok).length;
  if (done < results.length) ctx.requestHeal(bucket, name, versionId);
  checkQuorum(results, done, majority(ctx.drives.length), bucket, name);
  return { versionId, deleteMarker: true };
}

function checkQuorum(results: DriveResult<void>[], done: number, quorum: number, bucket: string, name: string): void {
  if (done >= quorum) return;
  if (countErrors(results, "VolumeNotFound") >= quorum) throw new ObjectError("NoSuchBucket", `Bucket "${bucket}" does not exist`, { bucket });
  throw new ObjectError("WriteQuorum", `Only ${done} of ${results.length} drives deleted "${bucket}/${name}"; ${quorum} needed`, { bucket, key: name });
}
