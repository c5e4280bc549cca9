// A version written again part for part, as it is stored (a pool drain): each part's stored
// bytes are staged as part.N of one data dir, then the version — its id, mod time, metadata and
// part list (stored and actual sizes, ETags, compression indexes) kept — is committed under the
// object's write lock, unless the set already holds that id as new or newer. Multipart versions
// keep their parts, so part reads, per-part encryption keys and per-part S2 streams still work.
import { SYSTEM_VOLUME, type FileInfo, type PartInfo } from "../../disk/index.ts";
import { assertLockHeld } from "../ns-lock.ts";
import type { ObjectInfo } from "../object-layer.ts";
import { SYS_ERASURE_UPGRADED, encodeDirObject, toObjectInfo } from "../object-info.ts";
import { fanOut, type SetContext } from "./context.ts";
import { encodeBody } from "./encode.ts";
import { holdsAsNew } from "./meta.ts";
import { type KeptVersion, WRITTEN_BY, chooseLayout, commitVersion } from "./put.ts";

/** One part to write: its part-list entry and a way to open its stored bytes (opened one at a time). */
export interface KeptPart {
  info: PartInfo;
  open(): Promise<ReadableStream<Uint8Array>>;
}

export interface KeptVersionMeta {
  userMeta: Record<string, string>;
  sysMeta: Record<string, Uint8Array>;
  storageClass?: string;
}

export async function putKeptParts(
  ctx: SetContext,
  bucket: string,
  key: string,
  parts: readonly KeptPart[],
  meta: KeptVersionMeta,
  keep: KeptVersion,
): Promise<ObjectInfo> {
  const name = encodeDirObject(key);
  const { layout, upgraded } = chooseLayout(ctx, bucket, name, meta.storageClass);
  const tmpId = crypto.randomUUID();
  const dataDir = crypto.randomUUID();
  const failed = new Set<number>();
  let leftovers: number[] | undefined;
  try {
    for (const part of parts) {
      const body = await part.open();
      const enc = await encodeBody(ctx, layout, body, {
        expectedSize: part.info.size,
        inline: false,
        stagingPath: `tmp/${tmpId}/${dataDir}/part.${part.info.number}`,
      });
      for (const pos of enc.failed) failed.add(pos);
    }
    const sysMeta = { ...meta.sysMeta };
    if (upgraded) sysMeta[SYS_ERASURE_UPGRADED] = new TextEncoder().encode(upgraded);
    const fi: FileInfo = {
      volume: bucket,
      name,
      versionId: keep.versionId,
      deleted: false,
      dataDir,
      modTimeNs: keep.modTimeNs,
      size: parts.reduce((n, p) => n + p.info.size, 0),
      userMeta: { ...meta.userMeta },
      sysMeta,
      parts: parts.map((p) => ({ ...p.info })),
      erasure: { dataBlocks: layout.d, parityBlocks: layout.p, blockSize: layout.blockSize, index: 0, distribution: layout.distribution },
      writtenBy: WRITTEN_BY,
    };
    const release = await ctx.locker.lock([`${bucket}/${name}`], "write");
    try {
      // A kept version that lost to a newer write leaves its staged files for the finally below.
      if (!(await holdsAsNew(ctx, bucket, name, key, fi.versionId, fi.modTimeNs))) {
        assertLockHeld(release, `${bucket}/${name}`);
        await commitVersion(ctx, SYSTEM_VOLUME, `tmp/${tmpId}`, fi, layout, null, failed);
        leftovers = [...failed];
      }
    } finally {
      release();
    }
    return toObjectInfo(bucket, { ...fi, isLatest: true });
  } finally {
    if (leftovers?.length !== 0) void fanOut(ctx, (d) => d.delete(SYSTEM_VOLUME, `tmp/${tmpId}`, { recursive: true }), leftovers);
  }
}
