// CompleteMultipartUpload on one erasure set: validate the client's part list against what
// the drives hold, build the final version (MinIO's multipart ETag, part sizes), drop part
// metadata and unlisted parts, then commit it like a PUT and remove the upload.
import { SYSTEM_VOLUME, type FileInfo, type PartMeta } from "../../disk/index.ts";
import { ObjectError } from "../object-error.ts";
import { assertLockHeld, type Release } from "../ns-lock.ts";
import type { CompleteFinishResult, CompleteOptions, CompletePart, ObjectInfo, Preconditions } from "../object-layer.ts";
import { SYS_ACTUAL_SIZE, encodeDirObject, sysValue, toObjectInfo } from "../object-info.ts";
import { fanOut, type SetContext } from "./context.ts";
import { checkWritePreconditions, commitVersion, type VersioningState } from "./put.ts";
import { checkVersionRoom, readSetMeta, resolveVersion } from "./meta.ts";
import { SYS_UPLOAD_OBJECT, parseUploadId, readParts, readUpload, uploadMetaOf } from "./multipart.ts";

/** Smallest size of every part but the last. */
export const MIN_PART_SIZE = 5 * 1024 * 1024;
const utf8 = new TextEncoder();
const decoder = new TextDecoder();
/**
 * MetaSys key on a completed version naming the upload it came from (MinIO keeps unknown
 * x-minio-internal-* keys and never shows them), so a retried Complete can be recognised.
 */
export const SYS_COMPLETED_UPLOAD = "x-minio-internal-bunker-upload-id";

/** MinIO's multipart ETag: MD5 of the concatenated binary part MD5s, then "-<count>". */
export function multipartEtag(etags: string[]): string {
  const h = new Bun.CryptoHasher("md5");
  let count = 0;
  for (const e of etags) {
    const hex = e.replace(/^"|"$/g, "");
    if (!/^[0-9a-fA-F]{32}$/.test(hex)) continue;
    h.update(Buffer.from(hex, "hex"));
    count++;
  }
  return `${h.digest("hex")}-${count}`;
}

/** Checks the client's list against the stored parts; returns the stored meta in list order. */
export function validateParts(listed: CompletePart[], stored: Map<number, PartMeta>): PartMeta[] {
  if (listed.length === 0) throw new ObjectError("InvalidArgument", "You must specify at least one part");
  for (let i = 1; i < listed.length; i++) {
    if (listed[i].partNumber <= listed[i - 1].partNumber)
      throw new ObjectError("InvalidPartOrder", "The list of parts was not in ascending order. Parts must be ordered by part number.");
  }
  const out = listed.map((p) => {
    const meta = stored.get(p.partNumber);
    if (!meta || meta.etag !== p.etag.trim().replace(/^"|"$/g, "")) {
      throw new ObjectError("InvalidPart", `One or more of the specified parts could not be found (part ${p.partNumber})`);
    }
    return meta;
  });
  for (const meta of out.slice(0, -1)) {
    if (meta.actualSize < MIN_PART_SIZE) {
      throw new ObjectError(
        "EntityTooSmall",
        `Part ${meta.number} is ${meta.actualSize} bytes; every part but the last must be at least ${MIN_PART_SIZE} bytes`,
      );
    }
  }
  return out;
}

export async function completeMultipartUpload(
  ctx: SetContext,
  bucket: string,
  key: string,
  uploadId: string,
  listed: CompletePart[],
  pre: Preconditions | undefined,
  versioning: VersioningState,
  finish?: CompleteOptions["finish"],
): Promise<ObjectInfo> {
  const name = encodeDirObject(key);
  const uploadUuid = parseUploadId(uploadId);
  const upload = await readUpload(ctx, bucket, key, uploadId).catch((err) => retriedOrThrow(ctx, bucket, key, uploadUuid, listed, err, "read"));
  if ("bucket" in upload) return upload; // a retry of a finished Complete
  // The upload's lock first, alone, for the slow part (reading every part's meta); the
  // object's lock only around the commit, so readers and writers of the key wait less.
  const releaseUpload = await ctx.locker.lock([`${SYSTEM_VOLUME}/${upload.name}`], "write");
  let release: Release | undefined;
  try {
    // Completed (by a concurrent Complete of the same upload) or aborted while we waited?
    const current = await readUpload(ctx, bucket, key, uploadId).catch((err) => retriedOrThrow(ctx, bucket, key, uploadUuid, listed, err, "read"));
    if ("bucket" in current) return current;
    const e = upload.erasure!;
    const held = await readParts(ctx, upload, e.dataBlocks);
    const parts = validateParts(listed, new Map([...held].map(([n, h]) => [n, h.meta])));
    // Drives lacking the chosen copy of a listed part get no version (heal restores them).
    const skip = new Set(ctx.drives.map((_, i) => i).filter((i) => parts.some((p) => !held.get(p.number)!.drives.includes(i))));
    release = await ctx.locker.lock([`${bucket}/${name}`], "write");
    if (pre) await checkWritePreconditions(ctx, bucket, name, key, pre);
    const size = parts.reduce((n, p) => n + p.size, 0);
    const actual = parts.reduce((n, p) => n + p.actualSize, 0);
    const extra: Exclude<CompleteFinishResult, void> =
      (await finish?.(
        parts.map((p) => ({ partNumber: p.number, etag: p.etag, size: p.actualSize, checksums: p.checksums })),
        uploadMetaOf(upload),
      )) || {};
    const sysMeta: Record<string, Uint8Array> = {
      ...upload.sysMeta,
      ...extra.sysMeta,
      [SYS_ACTUAL_SIZE]: utf8.encode(String(actual)),
      [SYS_COMPLETED_UPLOAD]: utf8.encode(uploadUuid),
    };
    delete sysMeta[SYS_UPLOAD_OBJECT];
    const userMeta: Record<string, string> = { ...upload.userMeta, etag: multipartEtag(parts.map((p) => p.etag)) };
    for (const k of extra.dropUserMeta ?? []) delete userMeta[k];
    const fi: FileInfo = {
      ...upload,
      volume: bucket,
      name,
      versionId: versioning === "enabled" ? (upload.versionId !== "null" ? upload.versionId : crypto.randomUUID()) : "null",
      modTimeNs: ctx.clock.now(),
      size,
      userMeta,
      sysMeta,
      parts: parts.map((p) => ({ number: p.number, size: p.size, actualSize: p.actualSize, ...(p.index ? { index: p.index } : {}) })),
      data: undefined,
    };
    // Refused before anything of the upload is removed: the client may still abort it.
    await checkVersionRoom(ctx, bucket, name, key, fi.versionId);
    assertLockHeld(releaseUpload, `${SYSTEM_VOLUME}/${upload.name}`);
    assertLockHeld(release, `${bucket}/${name}`);
    await pruneUploadDir(ctx, upload, new Set(parts.map((p) => p.number)));
    const layout = { d: e.dataBlocks, p: e.parityBlocks, blockSize: e.blockSize, distribution: e.distribution };
    await commitVersion(ctx, SYSTEM_VOLUME, upload.name, fi, layout, null, skip);
    // Gone before the lock is released: a Complete waiting on it must find no upload half-removed.
    await fanOut(ctx, (d) => d.delete(SYSTEM_VOLUME, upload.name, { recursive: true }));
    return toObjectInfo(bucket, { ...fi, isLatest: true });
  } finally {
    release?.();
    releaseUpload();
  }
}

/**
 * A Complete whose upload is gone is a retry (the first answer was lost) when a version of the
 * object records that it was completed from this upload with this very part list (same
 * multipart ETag and part numbers): answer with that version. Anything else stays the error.
 */
async function retriedOrThrow(
  ctx: SetContext,
  bucket: string,
  key: string,
  uploadUuid: string,
  listed: CompletePart[],
  err: unknown,
  lock: "read" | undefined,
): Promise<ObjectInfo> {
  if (!(err instanceof ObjectError && err.kind === "NoSuchUpload")) throw err;
  const name = encodeDirObject(key);
  const release = lock ? await ctx.locker.lock([`${bucket}/${name}`], lock) : undefined;
  try {
    const found = await completedFrom(ctx, bucket, name, key, uploadUuid);
    const numbers = listed.map((p) => p.partNumber);
    if (
      found &&
      found.etag === multipartEtag(listed.map((p) => p.etag)) &&
      found.parts.length === numbers.length &&
      found.parts.every((p, i) => p.number === numbers[i])
    )
      return found;
  } catch (lookup) {
    if (!(lookup instanceof ObjectError && (lookup.kind === "NoSuchKey" || lookup.kind === "NoSuchVersion"))) throw lookup;
  } finally {
    release?.();
  }
  throw err;
}

/** Some clock slack: versions are scanned back to the upload's creation time, less this. */
const CLOCK_SLACK_NS = 10n * 60n * 1_000_000_000n;

/** The version of `name` that upload `uploadUuid` completed into, if it still exists. */
async function completedFrom(ctx: SetContext, bucket: string, name: string, key: string, uploadUuid: string): Promise<ObjectInfo | undefined> {
  const meta = await readSetMeta(ctx, bucket, name);
  // Only versions written after the upload started can come from it (the id ends in its start time).
  const started = BigInt(uploadUuid.slice(uploadUuid.indexOf("x") + 1)) - CLOCK_SLACK_NS;
  for (const v of meta.elected) {
    if (v.header.modTimeNs < started) break;
    if (v.header.type !== 1 || (v.header.flags & 1) !== 0) continue;
    const { fi } = resolveVersion(ctx, meta, bucket, name, key, v.header.versionId, false);
    const id = sysValue(fi.sysMeta, SYS_COMPLETED_UPLOAD);
    if (id && decoder.decode(id) === uploadUuid) return toObjectInfo(bucket, fi);
  }
  return undefined;
}

/** Removes part.N.meta files and parts the client did not list, so only object data moves. */
async function pruneUploadDir(ctx: SetContext, upload: FileInfo, keep: Set<number>): Promise<void> {
  const dir = `${upload.name}/${upload.dataDir}`;
  await fanOut(ctx, async (d) => {
    for (const entry of await d.listDir(SYSTEM_VOLUME, dir)) {
      const m = /^part\.(\d+)(\.meta)?$/.exec(entry);
      if (!m) continue;
      if (m[2] || !keep.has(Number(m[1]))) await d.delete(SYSTEM_VOLUME, `${dir}/${entry}`, { recursive: false });
    }
  });
}
