// CompleteMultipartUpload on one erasure set: validate the client's part list against what
// the drives hold, build the final version (MinIO's multipart ETag, part sizes), drop part
// metadata and unlisted parts, then commit it like a PUT and remove the upload.
import { SYSTEM_VOLUME, type FileInfo, type PartMeta } from "../disk/index.ts";
import { ObjectError } from "./object-error.ts";
import type { CompleteFinishResult, CompleteOptions, CompletePart, ObjectInfo, Preconditions } from "./object-layer.ts";
import { SYS_ACTUAL_SIZE, encodeDirObject, toObjectInfo } from "./object-info.ts";
import { fanOut, type SetContext } from "./set-context.ts";
import { checkWritePreconditions, commitVersion, type VersioningState } from "./set-put.ts";
import { SYS_UPLOAD_OBJECT, readParts, readUpload } from "./set-multipart.ts";

/** Smallest size of every part but the last. */
export const MIN_PART_SIZE = 5 * 1024 * 1024;
const utf8 = new TextEncoder();

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
    if (listed[i].partNumber <= listed[i - 1].partNumber) throw new ObjectError("InvalidPartOrder", "The list of parts was not in ascending order. Parts must be ordered by part number.");
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
      throw new ObjectError("EntityTooSmall", `Part ${meta.number} is ${meta.actualSize} bytes; every part but the last must be at least ${MIN_PART_SIZE} bytes`);
    }
  }
  return out;
}

export async function completeMultipartUpload(
  ctx: SetContext, bucket: string, key: string, uploadId: string, listed: CompletePart[], pre: Preconditions | undefined, versioning: VersioningState,
  finish?: CompleteOptions["finish"],
): Promise<ObjectInfo> {
  const name = encodeDirObject(key);
  const upload = await readUpload(ctx, bucket, key, uploadId);
  const release = await ctx.locker.lock([`${bucket}/${name}`, `${SYSTEM_VOLUME}/${upload.name}`], "write");
  try {
    await readUpload(ctx, bucket, key, uploadId); // completed or aborted while we waited?
    const e = upload.erasure!;
    const parts = validateParts(listed, await readParts(ctx, upload, e.dataBlocks));
    if (pre) await checkWritePreconditions(ctx, bucket, name, key, pre);
    const size = parts.reduce((n, p) => n + p.size, 0);
    const actual = parts.reduce((n, p) => n + p.actualSize, 0);
    const extra: Exclude<CompleteFinishResult, void> = finish?.(parts.map((p) => ({ partNumber: p.number, etag: p.etag, size: p.actualSize, checksums: p.checksums })), { userMeta: { ...upload.userMeta } }) || {};
    const sysMeta: Record<string, Uint8Array> = { ...upload.sysMeta, ...extra.sysMeta, [SYS_ACTUAL_SIZE]: utf8.encode(String(actual)) };
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
      parts: parts.map((p) => ({ number: p.number, size: p.size, actualSize: p.actualSize })),
      data: undefined,
    };
    await pruneUploadDir(ctx, upload, new Set(parts.map((p) => p.number)));
    const layout = { d: e.dataBlocks, p: e.parityBlocks, blockSize: e.blockSize, distribution: e.distribution };
    await commitVersion(ctx, SYSTEM_VOLUME, upload.name, fi, layout, null, new Set());
    void fanOut(ctx, (d) => d.delete(SYSTEM_VOLUME, upload.name, { recursive: true }));
    return toObjectInfo(bucket, { ...fi, isLatest: true });
  } finally {
    release();
  }
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
