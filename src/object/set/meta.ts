// Reading an object's xl.meta from every drive of its set and deciding, by quorum, which
// versions exist and which drives hold each one. Drives that lack a version (or whose
// xl.meta is unreadable) are reported so the caller can heal them.
import { DriveError, XlMeta, type FileInfo, type XlVersionHeader } from "../../disk/index.ts";
import { ObjectError, isObjectError } from "../object-error.ts";
import { fanOut, type SetContext } from "./context.ts";
import { electVersions, errorKind, mightReachQuorum, type ElectedVersion } from "../quorum.ts";
import { recoverSplitVersions, type Borrowed } from "./split-recovery.ts";

export interface SetMeta {
  /** Parsed xl.meta per drive position (null: missing, unreadable or drive failed). */
  metas: (XlMeta | null)[];
  /** Why a drive has no xl.meta: "missing" (FileNotFound), "corrupt", or "offline". */
  absent: (null | "missing" | "corrupt" | "offline")[];
  /** Versions held by a quorum of drives, newest first. */
  elected: ElectedVersion<XlVersionHeader>[];
  /** Drives counted for the older variant of a split version (see split-recovery.ts), with their copy. */
  borrowed: Borrowed;
}

/** Quorum a version needs: its data shard count, or a majority-ish share for markers. */
export function requiredFor(meta: SetMeta | (XlMeta | null)[], n: number) {
  const metas = Array.isArray(meta) ? meta : meta.metas;
  return (h: XlVersionHeader): number => {
    if (h.type === 1 && h.ecM > 0) return h.ecM;
    if (h.type === 1) {
      // Header v1/v2 carry no EcM: ask the body of any drive that holds the version.
      for (const m of metas) {
        try {
          const fi = m?.fileInfo("", "", h.versionId);
          if (fi?.erasure) return fi.erasure.dataBlocks;
        } catch {
          // not on this drive
        }
      }
    }
    return Math.max(1, Math.floor(n / 2));
  };
}

export async function readSetMeta(ctx: SetContext, volume: string, name: string): Promise<SetMeta> {
  const n = ctx.drives.length;
  const results = await fanOut(ctx, (d) => d.readMetadata(volume, name));
  const metas: (XlMeta | null)[] = [];
  const absent: SetMeta["absent"] = [];
  for (const r of results) {
    if (r.ok) {
      try {
        metas.push(XlMeta.parse(r.value));
        absent.push(null);
      } catch {
        metas.push(null);
        absent.push("corrupt");
      }
      continue;
    }
    metas.push(null);
    const kind = errorKind(r.error);
    if (kind === "FileNotFound" || kind === "VersionNotFound") absent.push("missing");
    else if (kind === "VolumeNotFound") absent.push("missing");
    else if (kind === "Corrupt") absent.push("corrupt");
    else absent.push("offline");
  }
  if (results.every((r) => !r.ok && errorKind(r.error) === "VolumeNotFound")) {
    throw new ObjectError("NoSuchBucket", `Bucket "${volume}" does not exist`, { bucket: volume });
  }
  const perDrive = metas.map((m) => m?.versions ?? null);
  const required = requiredFor(metas, n);
  const elected = electVersions(perDrive, required);
  const borrowed = await recoverSplitVersions(ctx, volume, name, metas, elected, required);
  return { metas, absent, elected, borrowed };
}

/**
 * Throws NoSuchKey (NoSuchVersion when a version was asked for), or ReadQuorum when drives we
 * could not read (offline, or with an unreadable xl.meta) might hold what we cannot see.
 */
export function notFoundOrQuorum(meta: SetMeta, n: number, bucket: string, key: string, versionId = ""): never {
  const unknown = meta.absent.filter((a) => a === "offline" || a === "corrupt").length;
  const perDrive = meta.metas.map((m) => m?.versions ?? null);
  if (unknown > 0 && mightReachQuorum(perDrive, unknown, requiredFor(meta, n), n)) {
    throw new ObjectError("ReadQuorum", `Cannot read "${bucket}/${key}": ${unknown} of ${n} drives are unreachable or hold unreadable metadata`, {
      bucket,
      key,
    });
  }
  if (versionId !== "") throw new ObjectError("NoSuchVersion", `Version "${versionId}" of "${key}" does not exist`, { bucket, key });
  throw new ObjectError("NoSuchKey", `The key "${key}" does not exist`, { bucket, key });
}

export interface ResolvedVersion {
  /** The version as the first drive holding it describes it (no inline data). */
  fi: FileInfo;
  /** The same version per drive position, with that drive's EcIndex and inline data; null where lacking. */
  perDrive: (FileInfo | null)[];
  /** Positions whose copy was borrowed from their data dir (their xl.meta says otherwise): heal them. */
  lent: number[];
  meta: SetMeta;
}

/**
 * Picks a version by id ("" = latest, skipping free versions) and gathers each drive's copy.
 * Throws NoSuchKey / NoSuchVersion / ReadQuorum; a delete marker is returned, not thrown.
 */
export function resolveVersion(
  ctx: SetContext,
  meta: SetMeta,
  volume: string,
  name: string,
  key: string,
  versionId: string,
  withData: boolean,
): ResolvedVersion {
  const n = ctx.drives.length;
  const candidates = meta.elected.filter((v) => (v.header.flags & 1) === 0);
  let chosen: ElectedVersion<XlVersionHeader> | undefined;
  if (versionId === "") chosen = candidates[0];
  else chosen = candidates.find((v) => v.header.versionId === versionId);
  if (!chosen) notFoundOrQuorum(meta, n, volume, key, versionId);
  const lentHere = meta.borrowed.get(chosen.header.versionId);
  // Copies on other drives usually differ only in EcIndex: decode one, reuse it for the rest.
  let like: XlMeta | undefined;
  const perDrive: (FileInfo | null)[] = meta.metas.map((m, i) => {
    const lent = lentHere?.get(i);
    if (lent) return { ...lent, volume, name };
    if (!m || !chosen.drives.includes(i)) return null;
    try {
      const fi = m.fileInfo(volume, name, chosen.header.versionId, { data: withData, like });
      like ??= m;
      return fi;
    } catch (err) {
      if (err instanceof DriveError) return null;
      throw err;
    }
  });
  const first = perDrive.find((f) => f !== null);
  if (!first) notFoundOrQuorum(meta, n, volume, key, versionId);
  const latest = candidates[0];
  const fi: FileInfo = { ...first, data: undefined, isLatest: latest === chosen, numVersions: candidates.length };
  return { fi, perDrive, lent: [...(lentHere?.keys() ?? [])], meta };
}

/**
 * Refuses (TooManyVersions) a write that would give `name` more versions than the set's
 * maxVersions: the versions a quorum holds, delete markers included, plus the new one unless it
 * replaces one with the same id (the null version). Called under the object's write lock.
 */
export async function checkVersionRoom(ctx: SetContext, volume: string, name: string, key: string, versionId: string): Promise<void> {
  const max = ctx.settings.maxVersions;
  if (!Number.isFinite(max)) return;
  const versions = (await readSetMeta(ctx, volume, name)).elected.filter((v) => (v.header.flags & 1) === 0);
  const count = versions.length + (versions.some((v) => v.header.versionId === versionId) ? 0 : 1);
  if (count > max) {
    throw new ObjectError("TooManyVersions", `"${key}" would have ${count} versions; at most ${max} are allowed`, { bucket: volume, key });
  }
}

/**
 * True when the set already holds version `versionId` of `name` at `modTimeNs` or later: a
 * version moved in from a drained pool then yields to what was written here meanwhile (an
 * overwrite of the "null" version, or a copy left by an earlier interrupted move).
 */
export async function holdsAsNew(ctx: SetContext, volume: string, name: string, key: string, versionId: string, modTimeNs: bigint): Promise<boolean> {
  try {
    const held = resolveVersion(ctx, await readSetMeta(ctx, volume, name), volume, name, key, versionId, false).fi;
    return held.modTimeNs >= modTimeNs;
  } catch (err) {
    if (isObjectError(err, "NoSuchKey", "NoSuchVersion")) return false;
    throw err;
  }
}
