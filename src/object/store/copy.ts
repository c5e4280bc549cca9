// CopyObject (a read of the source streamed into a write of the destination, or a metadata
// rewrite when an object is copied onto itself) and metadata-only updates of a version.
import type { FileInfo } from "../../disk/index.ts";
import { ObjectError } from "../object-error.ts";
import { assertLockHeld } from "../ns-lock.ts";
import type { CopyObjectOptions, GetObjectResult, ObjectInfo, ObjectLayer } from "../object-layer.ts";
import { encodeDirObject, toObjectInfo } from "../object-info.ts";
import { checkPreconditions } from "../preconditions.ts";
import { fanOut, type SetContext } from "../set/context.ts";
import { readSetMeta, resolveVersion } from "../set/meta.ts";
import type { VersioningState } from "../set/put.ts";
import { writeQuorum, majority } from "../quorum.ts";
import { nsToDate } from "../../util/index.ts";

export async function copyObject(
  store: ObjectLayer,
  srcBucket: string,
  srcKey: string,
  dstBucket: string,
  dstKey: string,
  opts: CopyObjectOptions,
  versioning: VersioningState,
): Promise<ObjectInfo> {
  const src: GetObjectResult = await store.getObject(srcBucket, srcKey, { versionId: opts.srcVersionId, range: opts.srcRange });
  try {
    if (opts.srcPreconditions) checkPreconditions(src.info, opts.srcPreconditions, srcKey, "copy-source");
    opts.onSource?.(src.info);
  } catch (err) {
    await src.body.cancel(err).catch(() => {});
    throw err;
  }
  const userMeta: Record<string, string> =
    opts.metadataDirective === "COPY" ? { ...src.info.userMeta, "content-type": src.info.contentType } : { ...opts.userMeta };
  const sameObject = srcBucket === dstBucket && srcKey === dstKey && !opts.srcRange;
  if (sameObject && versioning === "unversioned" && src.info.isLatest) {
    await src.body.cancel().catch(() => {});
    return store.updateObjectMeta(dstBucket, dstKey, src.info.versionId, (old) => ({ ...userMeta, etag: old.etag }));
  }
  const size = src.range ? src.range.end - src.range.start + 1 : src.info.size;
  return store.putObject(dstBucket, dstKey, src.body, {
    size,
    userMeta,
    storageClass: opts.storageClass ?? (src.info.storageClass !== "STANDARD" ? src.info.storageClass : undefined),
    preconditions: opts.preconditions,
  });
}

/** Rewrites the user metadata of one version on every drive that holds it. */
export async function updateObjectMeta(
  ctx: SetContext,
  bucket: string,
  key: string,
  versionId: string,
  update: (meta: Record<string, string>) => Record<string, string>,
  opts: { lock?: boolean } = {},
): Promise<ObjectInfo> {
  const name = encodeDirObject(key);
  const release = await ctx.locker.lock([`${bucket}/${name}`], "write");
  try {
    const v = resolveVersion(ctx, await readSetMeta(ctx, bucket, name), bucket, name, key, versionId, false);
    if (v.fi.deleted)
      throw new ObjectError("DeleteMarker", "The specified method is not allowed against a delete marker", {
        bucket,
        key,
        versionId: v.fi.versionId,
        deleteMarker: true,
        modTime: nsToDate(v.fi.modTimeNs),
      });
    const updated = update({ ...v.fi.userMeta });
    const userMeta = opts.lock ? updated : keepLockFields(v.fi.userMeta, updated);
    const holders = v.perDrive.flatMap((f, i) => (f ? [i] : []));
    const next = (i: number): FileInfo => ({ ...v.perDrive[i]!, userMeta, data: undefined });
    assertLockHeld(release, `${bucket}/${name}`);
    const results = await fanOut(ctx, (d, i) => d.updateMetadata(bucket, name, next(i)), holders);
    const ok = holders.filter((i) => results[i].ok).length;
    const e = v.fi.erasure;
    const quorum = e ? writeQuorum(e.dataBlocks, e.parityBlocks) : majority(ctx.drives.length);
    if (ok < quorum) throw new ObjectError("WriteQuorum", `Only ${ok} drives updated "${bucket}/${key}"; ${quorum} needed`, { bucket, key });
    return toObjectInfo(bucket, { ...v.fi, userMeta });
  } finally {
    release();
  }
}

/**
 * A metadata rewrite (self-copy, tagging) never changes a version's object lock fields: WORM
 * state changes only through the lock operations themselves.
 */
function keepLockFields(old: Record<string, string>, next: Record<string, string>): Record<string, string> {
  const isLock = (k: string) => k.toLowerCase().startsWith("x-amz-object-lock-");
  const out = Object.fromEntries(Object.entries(next).filter(([k]) => !isLock(k)));
  for (const [k, v] of Object.entries(old)) if (isLock(k)) out[k] = v;
  return out;
}
