// GET and HEAD on one erasure set: elect the version, check conditions, resolve the range or
// part, then stream only the blocks that cover it, verified and reconstructed as needed.
// The read lock is held until the body ends; damaged or missing shards trigger a heal.
import { CodecError, erasureDecode, type ShardSource } from "../../ec/index.ts";
import { markDisposable, nsToDate, pushStream } from "../../util/index.ts";
import { ObjectError } from "../object-error.ts";
import type { GetObjectOptions, GetObjectResult, ObjectInfo, RangeSpec } from "../object-layer.ts";
import { decodeDirObject, encodeDirObject, isTransformed, toObjectInfo } from "../object-info.ts";
import { checkPreconditions } from "../preconditions.ts";
import type { SetContext } from "./context.ts";
import { readSetMeta, resolveVersion, type ResolvedVersion } from "./meta.ts";
import { driveShardSource, inlineShardSource } from "./shard-io.ts";

/** Resolves the version for a read and turns delete markers into the S3 answers. */
async function readableVersion(
  ctx: SetContext,
  bucket: string,
  key: string,
  opts: GetObjectOptions,
  withData: boolean,
): Promise<{ v: ResolvedVersion; info: ObjectInfo; stored?: { start: number; end: number } | null }> {
  const name = encodeDirObject(key);
  const versionId = opts.versionId ?? "";
  const v = resolveVersion(ctx, await readSetMeta(ctx, bucket, name), bucket, name, key, versionId, withData);
  if (v.fi.deleted) {
    const extra = { bucket, key, versionId: v.fi.versionId, deleteMarker: true, modTime: nsToDate(v.fi.modTimeNs) };
    if (versionId !== "") throw new ObjectError("DeleteMarker", "The specified method is not allowed against this resource", extra);
    throw new ObjectError("NoSuchKey", `The key "${key}" does not exist`, extra);
  }
  const stored = toObjectInfo(bucket, v.fi);
  if (!isTransformed(stored)) {
    if (opts.preconditions) checkPreconditions(stored, opts.preconditions, key, "read");
    return { v, info: stored };
  }
  // Encrypted or compressed: only a reader that knows how to turn the stored bytes back into
  // the object gets them; the preconditions see the version as that reader shows it.
  if (!opts.stored) {
    const how = stored.sse ? "encrypted" : "compressed";
    throw new ObjectError("Unsupported", `"${key}" is stored ${how}; this operation cannot read ${how} objects`, { bucket, key });
  }
  const view = await opts.stored(stored);
  if (opts.preconditions) checkPreconditions(view.info, opts.preconditions, key, "read");
  return { v, info: view.info, stored: view.range };
}

export async function getObjectInfo(ctx: SetContext, bucket: string, key: string, opts: GetObjectOptions): Promise<ObjectInfo> {
  const release = await ctx.locker.lock([`${bucket}/${encodeDirObject(key)}`], "read");
  try {
    const { info, stored } = await readableVersion(ctx, bucket, key, opts, false);
    if (opts.partNumber !== undefined && stored === undefined) partRange(info, opts.partNumber);
    return info;
  } finally {
    release();
  }
}

export async function getObject(ctx: SetContext, bucket: string, key: string, opts: GetObjectOptions): Promise<GetObjectResult> {
  const name = encodeDirObject(key);
  const release = await ctx.locker.lock([`${bucket}/${name}`], "read");
  let handedOff = false;
  try {
    const { v, info, stored } = await readableVersion(ctx, bucket, key, opts, true);
    let start = 0;
    let end = info.size - 1;
    let range: { start: number; end: number } | undefined;
    let partsCount: number | undefined;
    if (stored !== undefined) {
      // A transformed version: the reader chose the stored bytes.
      if (stored) ({ start, end } = stored);
      else end = -1;
      range = stored ?? undefined;
    } else if (opts.partNumber !== undefined) {
      ({ start, end } = partRange(info, opts.partNumber));
      partsCount = v.fi.parts.length;
      if (partsCount > 1 || info.size > 0) range = { start, end };
    } else if (opts.range) {
      range = resolveRange(opts.range, info.size);
      ({ start, end } = range);
    }
    const damaged = { any: v.lent.length > 0 || v.perDrive.some((f, i) => f === null && ctx.drives[i] !== null) };
    const body = pushStream((push, signal) => readBytes(ctx, v, start, end - start + 1, push, signal, damaged), {
      finish: () => {
        release();
        if (damaged.any) ctx.requestHeal(bucket, name, v.fi.versionId);
      },
    });
    handedOff = true;
    return { info, range, partsCount, body };
  } finally {
    if (!handedOff) release();
  }
}

/** Inclusive byte range (of the object's own bytes) of part `partNumber` (1-based position in the part list). */
export function partRange(info: Pick<ObjectInfo, "parts" | "size">, partNumber: number): { start: number; end: number } {
  const parts = info.parts;
  if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > Math.max(1, parts.length)) {
    throw new ObjectError("InvalidPartNumber", `Part number ${partNumber} is out of range: the object has ${parts.length} part(s)`);
  }
  let start = 0;
  for (let i = 0; i < partNumber - 1; i++) start += parts[i].size;
  const len = parts.length === 0 ? info.size : parts[partNumber - 1].size;
  return { start, end: start + len - 1 };
}

/** Resolves a Range header against the object size (RFC 9110 semantics, as S3 applies them). */
export function resolveRange(spec: RangeSpec, size: number): { start: number; end: number } {
  const invalid = (): never => {
    throw new ObjectError("InvalidRange", `The requested range is not satisfiable (object size ${size})`);
  };
  if ("suffix" in spec) {
    if (spec.suffix <= 0 || size === 0) invalid();
    return { start: Math.max(0, size - spec.suffix), end: size - 1 };
  }
  if (spec.start >= size) invalid();
  const end = spec.end === undefined ? size - 1 : Math.min(spec.end, size - 1);
  return { start: spec.start, end };
}

/** Streams [offset, offset+length) of the version, part by part. */
async function readBytes(
  ctx: SetContext,
  v: ResolvedVersion,
  offset: number,
  length: number,
  push: (c: Uint8Array) => Promise<void>,
  signal: AbortSignal,
  damaged: { any: boolean },
): Promise<void> {
  const fi = v.fi;
  const e = fi.erasure!;
  let partStart = 0;
  for (const part of fi.parts) {
    const partEnd = partStart + part.size;
    const from = Math.max(offset, partStart);
    const to = Math.min(offset + length, partEnd);
    if (from < to) {
      const sources = partSources(ctx, v, part.number);
      let res: { corrupt: number[]; missing: number[] };
      try {
        res = await erasureDecode(
          ctx.codec,
          { d: e.dataBlocks, p: e.parityBlocks, blockSize: e.blockSize },
          sources,
          part.size,
          from - partStart,
          to - from,
          (chunk) => push(markDisposable(chunk)),
          { signal },
        );
      } catch (err) {
        if (!(err instanceof CodecError && err.kind === "Unrecoverable")) throw err;
        damaged.any = true;
        const key = decodeDirObject(fi.name);
        throw new ObjectError(
          "ReadQuorum",
          `Cannot read "${fi.volume}/${key}": fewer than ${e.dataBlocks} drives returned intact data for part ${part.number}`,
          { cause: err, bucket: fi.volume, key },
        );
      }
      if (res.corrupt.length > 0 || res.missing.length > 0) damaged.any = true;
    }
    partStart = partEnd;
    if (partStart >= offset + length) break;
  }
}

/** One source per shard index, from the drives whose copy of the version agrees on the layout. */
function partSources(ctx: SetContext, v: ResolvedVersion, partNumber: number): (ShardSource | null)[] {
  const e = v.fi.erasure!;
  const sources: (ShardSource | null)[] = new Array(e.dataBlocks + e.parityBlocks).fill(null);
  v.perDrive.forEach((fi, pos) => {
    const drive = ctx.drives[pos];
    if (!fi?.erasure || !drive) return;
    const shard = fi.erasure.index - 1;
    if (shard !== e.distribution[pos] - 1 || shard < 0 || shard >= sources.length) return;
    if (fi.data !== undefined && v.fi.parts.length === 1) sources[shard] = inlineShardSource(fi.data);
    else sources[shard] = driveShardSource(drive, v.fi.volume, `${v.fi.name}/${v.fi.dataDir}/part.${partNumber}`, ctx.health.guardFor(pos));
  });
  return sources;
}
