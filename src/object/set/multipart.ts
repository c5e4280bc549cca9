// Multipart uploads on one erasure set, in MinIO's layout: .minio.sys/multipart/<sha256 of
// "bucket/object">/<uuid>x<ns>/ holds the upload's xl.meta, and <dataDir>/part.N plus
// part.N.meta per uploaded part. Upload ids are base64url("<deploymentId>.<uuid>x<ns>").
import { SYSTEM_VOLUME, decodePartMeta, encodePartMeta, type FileInfo, type PartMeta } from "../../disk/index.ts";
import { ObjectError } from "../object-error.ts";
import { assertLockHeld, type Release } from "../ns-lock.ts";
import type { ListPartsResult, MultipartOptions, PartInfo, PutPartOptions, UploadMeta } from "../object-layer.ts";
import { DEFAULT_CONTENT_TYPE, encodeDirObject, toObjectInfo } from "../object-info.ts";
import { writeQuorum } from "../quorum.ts";
import { callDrive, fanOut, type SetContext } from "./context.ts";
import { nsToDate } from "../../util/index.ts";
import { encodeBody } from "./encode.ts";
import { readSetMeta, resolveVersion } from "./meta.ts";
import { WRITTEN_BY, chooseLayout, type VersioningState } from "./put.ts";

/** MetaSys key in an upload's xl.meta naming its object, so uploads can be listed by key. */
export const SYS_UPLOAD_OBJECT = "x-minio-internal-bunker-upload-object";
const UPLOAD_UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}x\d{1,20}$/;
const utf8 = new TextEncoder();

export function uploadsDir(bucket: string, name: string): string {
  return `multipart/${new Bun.CryptoHasher("sha256").update(`${bucket}/${name}`).digest("hex")}`;
}

export function makeUploadId(deploymentId: string, uploadUuid: string): string {
  return Buffer.from(`${deploymentId}.${uploadUuid}`).toString("base64url");
}

/** Maps a client's upload id to the upload directory name; anything malformed is NoSuchUpload. */
export function parseUploadId(uploadId: string): string {
  let inner = uploadId;
  if (/^[A-Za-z0-9_-]+$/.test(uploadId)) {
    const decoded = Buffer.from(uploadId, "base64url").toString("utf8");
    const dot = decoded.indexOf(".");
    if (dot > 0) inner = decoded.slice(dot + 1);
  }
  if (!UPLOAD_UUID_RE.test(inner)) throw new ObjectError("NoSuchUpload", `The upload "${uploadId}" does not exist`);
  return inner;
}

export function uploadPath(bucket: string, name: string, uploadId: string): string {
  return `${uploadsDir(bucket, name)}/${parseUploadId(uploadId)}`;
}

export async function newMultipartUpload(ctx: SetContext, bucket: string, key: string, opts: MultipartOptions, versioning: VersioningState): Promise<string> {
  const name = encodeDirObject(key);
  const { layout } = chooseLayout(ctx, bucket, name, opts.storageClass);
  const now = ctx.clock.now();
  const uploadUuid = `${crypto.randomUUID()}x${now}`;
  const userMeta: Record<string, string> = { "content-type": DEFAULT_CONTENT_TYPE, ...opts.userMeta };
  if (opts.storageClass && opts.storageClass !== "STANDARD") userMeta["x-amz-storage-class"] = opts.storageClass;
  const fi: FileInfo = {
    volume: SYSTEM_VOLUME,
    name: `${uploadsDir(bucket, name)}/${uploadUuid}`,
    versionId: versioning === "enabled" ? crypto.randomUUID() : "null",
    deleted: false,
    dataDir: crypto.randomUUID(),
    modTimeNs: now,
    size: 0,
    userMeta,
    sysMeta: { ...opts.sysMeta, [SYS_UPLOAD_OBJECT]: utf8.encode(`${bucket}/${key}`) },
    parts: [],
    erasure: { dataBlocks: layout.d, parityBlocks: layout.p, blockSize: layout.blockSize, index: 0, distribution: layout.distribution },
    writtenBy: WRITTEN_BY,
  };
  const results = await fanOut(ctx, (d, i) => d.writeMetadata(SYSTEM_VOLUME, fi.name, { ...fi, erasure: { ...fi.erasure!, index: layout.distribution[i] } }));
  const ok = results.filter((r) => r.ok).length;
  const wq = writeQuorum(layout.d, layout.p);
  if (ok < wq) {
    void fanOut(ctx, (d) => d.delete(SYSTEM_VOLUME, fi.name, { recursive: true }));
    throw new ObjectError("WriteQuorum", `Only ${ok} of ${ctx.drives.length} drives recorded the upload; ${wq} needed`, { bucket, key });
  }
  return makeUploadId(ctx.deploymentId, uploadUuid);
}

/** What part writes and Complete are told of an upload (its FileInfo), read as a version's ObjectInfo reads it. */
export function uploadMetaOf(upload: FileInfo): UploadMeta {
  const info = toObjectInfo(SYSTEM_VOLUME, upload);
  return { userMeta: { ...upload.userMeta }, sse: info.sse, compression: info.compression };
}

/** The upload's own FileInfo (layout, metadata), by quorum; NoSuchUpload when it is gone. */
export async function readUpload(ctx: SetContext, bucket: string, key: string, uploadId: string): Promise<FileInfo> {
  const path = uploadPath(bucket, encodeDirObject(key), uploadId);
  try {
    return resolveVersion(ctx, await readSetMeta(ctx, SYSTEM_VOLUME, path), SYSTEM_VOLUME, path, key, "", false).fi;
  } catch (err) {
    if (err instanceof ObjectError && err.kind === "NoSuchKey")
      throw new ObjectError("NoSuchUpload", `The upload "${uploadId}" does not exist`, { bucket, key });
    throw err;
  }
}

export async function putObjectPart(
  ctx: SetContext,
  bucket: string,
  key: string,
  uploadId: string,
  partNumber: number,
  body: ReadableStream<Uint8Array>,
  opts: PutPartOptions,
): Promise<PartInfo> {
  const upload = await readUpload(ctx, bucket, key, uploadId);
  const told = await opts.onUpload?.(uploadMetaOf(upload));
  const size = told?.size ?? opts.size;
  const e = upload.erasure!;
  const layout = { d: e.dataBlocks, p: e.parityBlocks, blockSize: e.blockSize, distribution: e.distribution };
  const tmpId = crypto.randomUUID();
  const staged = `tmp/${tmpId}/part.${partNumber}`;
  try {
    const enc = await encodeBody(ctx, layout, body, { expectedSize: size, inline: false, stagingPath: staged, signal: opts.signal });
    const checked = opts.check ? await opts.check({ md5: enc.md5, size: enc.size }, uploadMetaOf(upload)) : undefined;
    const meta: PartMeta = {
      etag: checked?.etag ?? Buffer.from(enc.md5).toString("hex"),
      number: partNumber,
      size: enc.size,
      actualSize: opts.actualSize ?? enc.size,
      modTimeNs: ctx.clock.now(),
      checksums: checked ? checked.checksums : undefined,
      ...(checked?.index ? { index: checked.index } : {}),
    };
    // Shared with other parts of the upload, exclusive against Complete/Abort and against
    // another commit of this part number: the drives then all end with the same (last) copy.
    const release = await ctx.locker.lock([`${SYSTEM_VOLUME}/${upload.name}`], "read");
    let releasePart: Release | undefined;
    try {
      releasePart = await ctx.locker.lock([`${SYSTEM_VOLUME}/${upload.name}/part.${partNumber}`], "write");
      await readUpload(ctx, bucket, key, uploadId); // aborted or completed meanwhile?
      assertLockHeld(release, `${SYSTEM_VOLUME}/${upload.name}`);
      assertLockHeld(releasePart, `${SYSTEM_VOLUME}/${upload.name}/part.${partNumber}`);
      const dir = `${upload.name}/${upload.dataDir}`;
      const positions = ctx.drives.map((_, i) => i).filter((i) => !enc.failed.has(i));
      const results = await fanOut(
        ctx,
        async (d) => {
          await d.renameFile(SYSTEM_VOLUME, staged, SYSTEM_VOLUME, `${dir}/part.${partNumber}`);
          await d.writeAll(SYSTEM_VOLUME, `${dir}/part.${partNumber}.meta`, encodePartMeta(meta));
        },
        positions,
      );
      // A drive that missed this copy must not offer an earlier one (or new data under old meta).
      const missed = ctx.drives.map((_, i) => i).filter((i) => !positions.includes(i) || !results[i].ok);
      await fanOut(
        ctx,
        async (d) => {
          await d.delete(SYSTEM_VOLUME, `${dir}/part.${partNumber}.meta`, { recursive: false }).catch(() => {});
          await d.delete(SYSTEM_VOLUME, `${dir}/part.${partNumber}`, { recursive: false }).catch(() => {});
        },
        missed,
      );
      const ok = results.filter((r) => r.ok).length;
      const wq = writeQuorum(layout.d, layout.p);
      if (ok < wq) throw new ObjectError("WriteQuorum", `Only ${ok} of ${ctx.drives.length} drives stored part ${partNumber}; ${wq} needed`, { bucket, key });
    } finally {
      releasePart?.();
      release();
    }
    return { partNumber, etag: meta.etag, size: enc.size, lastModified: nsToDate(meta.modTimeNs), checksums: meta.checksums };
  } finally {
    void fanOut(ctx, (d) => d.delete(SYSTEM_VOLUME, `tmp/${tmpId}`, { recursive: true }));
  }
}

/** One part as a quorum of drives holds it. */
export interface HeldPart {
  meta: PartMeta;
  /** Drive positions whose part.N.meta is this copy (same ETag and time). */
  drives: number[];
}

const PART_READS = 16;

/**
 * Part numbers for which at least `need` drives hold the same copy (ETag and upload time),
 * with that copy's meta and holders. Drives holding another copy (one that missed a
 * re-upload) are left out, so Complete never mixes shards of two uploads of a part.
 */
export async function readParts(ctx: SetContext, upload: FileInfo, need: number): Promise<Map<number, HeldPart>> {
  const dir = `${upload.name}/${upload.dataDir}`;
  const listings = await fanOut(ctx, (d) => d.listDir(SYSTEM_VOLUME, dir));
  const holders = new Map<number, number[]>();
  listings.forEach((r, pos) => {
    if (!r.ok) return;
    for (const entry of r.value) {
      const m = /^part\.(\d+)\.meta$/.exec(entry);
      if (m) holders.set(Number(m[1]), [...(holders.get(Number(m[1])) ?? []), pos]);
    }
  });
  const jobs = [...holders.entries()].filter(([, positions]) => positions.length >= need).sort((a, b) => a[0] - b[0]);
  const found = new Map<number, HeldPart>();
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const [num, positions] = jobs[next++];
      const metas = await Promise.all(
        positions.map((pos) => callDrive(ctx, pos, (d) => d.readAll(SYSTEM_VOLUME, `${dir}/part.${num}.meta`)).then(decodePartMeta, () => null)),
      );
      const copies = new Map<string, HeldPart>();
      metas.forEach((m, i) => {
        if (!m) return;
        const id = `${m.etag}/${m.modTimeNs}`;
        const c = copies.get(id);
        if (c) c.drives.push(positions[i]);
        else copies.set(id, { meta: m, drives: [positions[i]] });
      });
      const best = [...copies.values()]
        .filter((c) => c.drives.length >= need)
        .sort((a, b) => b.drives.length - a.drives.length || Number(b.meta.modTimeNs - a.meta.modTimeNs))[0];
      if (best) found.set(num, best);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PART_READS, jobs.length) }, worker));
  return new Map([...found.entries()].sort((a, b) => a[0] - b[0]));
}

export async function listObjectParts(
  ctx: SetContext,
  bucket: string,
  key: string,
  uploadId: string,
  partNumberMarker: number,
  maxParts: number,
): Promise<ListPartsResult> {
  const upload = await readUpload(ctx, bucket, key, uploadId);
  const all = [...(await readParts(ctx, upload, upload.erasure!.dataBlocks)).values()].map((p) => p.meta).filter((p) => p.number > partNumberMarker);
  const page = all.slice(0, maxParts);
  const userMeta = { ...upload.userMeta };
  const storageClass = userMeta["x-amz-storage-class"] || "STANDARD";
  return {
    parts: page.map((p) => ({ partNumber: p.number, etag: p.etag, size: p.actualSize, lastModified: nsToDate(p.modTimeNs), checksums: p.checksums })),
    isTruncated: all.length > page.length,
    nextPartNumberMarker: page.length > 0 ? page[page.length - 1].number : 0,
    initiated: new Date(Number(upload.modTimeNs / 1_000_000n)),
    userMeta,
    storageClass,
  };
}

export async function abortMultipartUpload(ctx: SetContext, bucket: string, key: string, uploadId: string): Promise<void> {
  const upload = await readUpload(ctx, bucket, key, uploadId);
  const release = await ctx.locker.lock([`${SYSTEM_VOLUME}/${upload.name}`], "write");
  try {
    assertLockHeld(release, `${SYSTEM_VOLUME}/${upload.name}`);
    await fanOut(ctx, (d) => d.delete(SYSTEM_VOLUME, upload.name, { recursive: true }));
  } finally {
    release();
  }
}
