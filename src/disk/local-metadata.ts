// xl.meta operations of a LocalDrive: read a version, add/replace one, commit a staged write
// (renameData), delete a version or add a delete marker. Each rewrites xl.meta atomically;
// data directories move before the xl.meta that references them, so a crash leaves either
// the old or the new version on this drive, plus at worst an unreferenced data dir.
import { promises as fsp } from "node:fs";
import type { DeleteVersionOptions, RenameDataResult } from "./drive.ts";
import { SYSTEM_VOLUME, XL_META } from "./drive.ts";
import { DriveError } from "./drive-error.ts";
import type { FileInfo } from "./file-info.ts";
import type { FileOps } from "./file-ops.ts";
import { checkPath, parentOf } from "./drive-path.ts";
import { errnoOf, toDriveError } from "./fs-errors.ts";
import { XlMeta } from "./xl-meta/index.ts";

export class MetadataOps {
  constructor(readonly files: FileOps) {}

  readMetadata(volume: string, path: string): Promise<Uint8Array> {
    return this.files.readAll(volume, metaPath(path));
  }

  async readVersion(volume: string, path: string, versionId: string, readData: boolean): Promise<FileInfo> {
    const meta = XlMeta.parse(await this.readMetadata(volume, path));
    return meta.fileInfo(volume, path, versionId, { data: readData });
  }

  /** Loads xl.meta for a rewrite: missing → empty; unreadable → empty too (heal restores others). */
  async #load(volume: string, path: string, mustExist: boolean): Promise<{ meta: XlMeta; existed: boolean; bytes?: Uint8Array }> {
    try {
      // Writes that may create the object skip the volume check here: #store makes the
      // object's directory with ensureDirIn, which refuses a missing volume.
      const bytes = mustExist ? await this.readMetadata(volume, path) : await this.files.readIfExists(volume, metaPath(path));
      if (!bytes) return { meta: XlMeta.empty(), existed: false };
      return { meta: XlMeta.parse(bytes), existed: true, bytes };
    } catch (err) {
      if (err instanceof DriveError && err.kind === "FileNotFound" && !mustExist) return { meta: XlMeta.empty(), existed: false };
      if (err instanceof DriveError && err.kind === "Corrupt" && !mustExist) return { meta: XlMeta.empty(), existed: true };
      throw err;
    }
  }

  /** Writes xl.meta (or removes it with the last version); `existed` says the object's directory is there. */
  async #store(volume: string, path: string, meta: XlMeta, existed: boolean): Promise<void> {
    if (meta.versions.length === 0) {
      await this.files.delete(volume, metaPath(path), false).catch((err) => {
        if (!(err instanceof DriveError && err.kind === "FileNotFound")) throw err;
      });
      return;
    }
    if (!existed) await this.files.ensureDirIn(volume, path);
    await this.files.writeFileAtomic(this.files.abs(volume, metaPath(path)), meta.toBytes(), true);
  }

  async writeMetadata(volume: string, path: string, fi: FileInfo): Promise<void> {
    await this.#checkParents(volume, path);
    const { meta, existed } = await this.#load(volume, path, false);
    meta.addVersion(fi);
    await this.#store(volume, path, meta, existed);
  }

  async updateMetadata(volume: string, path: string, fi: FileInfo): Promise<void> {
    const { meta } = await this.#load(volume, path, true);
    meta.updateVersion(fi);
    await this.#store(volume, path, meta, true);
  }

  async renameData(srcVolume: string, srcPath: string, fi: FileInfo, dstVolume: string, dstPath: string): Promise<RenameDataResult> {
    await this.#checkParents(dstVolume, dstPath);
    const { meta, bytes, existed } = await this.#load(dstVolume, dstPath, false);
    const oldDataDir = replacedDataDir(meta, dstVolume, dstPath, fi) || (await this.#spillReplacedInline(meta, dstVolume, dstPath, fi));
    const id = fi.versionId === "" ? "null" : fi.versionId.toLowerCase();
    const replaces = bytes !== undefined && meta.versions.some((h) => h.versionId === id);
    meta.addVersion(fi);
    const hasDataDir = !fi.deleted && fi.dataDir !== "" && fi.data === undefined;
    if (hasDataDir) {
      if (!existed) await this.files.ensureDirIn(dstVolume, dstPath);
      await this.#moveDir(this.files.abs(srcVolume, `${srcPath}/${fi.dataDir}`), this.files.abs(dstVolume, `${dstPath}/${fi.dataDir}`));
    }
    await this.#store(dstVolume, dstPath, meta, existed || hasDataDir);
    // The staging dir is empty now unless it also holds other things (a multipart upload's xl.meta).
    if (hasDataDir) await fsp.rmdir(this.files.abs(srcVolume, srcPath)).catch(() => {});
    return replaces ? { oldDataDir, previousMeta: bytes } : { oldDataDir };
  }

  async deleteVersion(volume: string, path: string, fi: FileInfo, opts: DeleteVersionOptions): Promise<void> {
    const { meta, existed } = await this.#load(volume, path, !fi.deleted);
    let freed = "";
    if (fi.deleted && !opts.undoWrite) {
      freed = replacedDataDir(meta, volume, path, fi);
      meta.addVersion(fi);
    } else {
      const removed = meta.deleteVersion(fi.versionId);
      if (removed.dataDir && meta.dataDirRefs(removed.dataDir) === 0) freed = removed.dataDir;
    }
    await this.#store(volume, path, meta, existed);
    if (freed) await this.files.delete(volume, `${path}/${freed}`, true).catch(() => {});
  }

  /** Moves a staged directory into place; an existing one (an earlier attempt) is trashed. */
  async #moveDir(from: string, to: string): Promise<void> {
    try {
      await fsp.mkdir(to.slice(0, to.lastIndexOf("/")), { recursive: true });
      await fsp.rename(from, to);
    } catch (err) {
      const code = errnoOf(err);
      if (code !== "ENOTEMPTY" && code !== "EEXIST") throw toDriveError(err, `Cannot move "${from}" to "${to}"`);
      await this.files.moveToTrash(to);
      await fsp.rename(from, to).catch((e) => {
        throw toDriveError(e, `Cannot move "${from}" to "${to}"`);
      });
    }
  }

  /**
   * Before an inline version is replaced by one with the same id (the null version), its shard
   * goes to <object>/<dataDir>/part.1, where a version with a data dir keeps it: should this
   * write never reach quorum (a crash between drives), the old version can still be read here.
   * Only where neither side of such a split could have read quorum (more data than parity
   * shards). Returned as the old data dir, so it goes once the write has quorum.
   */
  async #spillReplacedInline(meta: XlMeta, volume: string, path: string, fi: FileInfo): Promise<string> {
    let old: FileInfo;
    try {
      old = meta.fileInfo(volume, path, fi.versionId, { data: true });
    } catch {
      return "";
    }
    const e = old.erasure;
    if (old.deleted || old.data === undefined || !old.dataDir || old.dataDir === fi.dataDir || old.parts.length !== 1) return "";
    // Some split k | n-k leaves both sides below d exactly when 2d > n + 1.
    if (!e || 2 * e.dataBlocks <= e.distribution.length + 1) return "";
    await this.files.writeFileAtomic(this.files.abs(volume, `${path}/${old.dataDir}/part.1`), old.data);
    return old.dataDir;
  }

  /** Refuses to create an object below another object ("a/b" when "a" is an object). */
  async #checkParents(volume: string, path: string): Promise<void> {
    if (volume === SYSTEM_VOLUME) return;
    checkPath(path);
    for (let dir = parentOf(path); dir !== ""; dir = parentOf(dir)) {
      const isObject = await fsp.stat(this.files.abs(volume, metaPath(dir))).then(
        (s) => s.isFile(),
        () => false,
      );
      if (isObject) throw new DriveError("ParentIsObject", `Cannot create "${volume}/${path}": "${dir}" is an object`);
    }
  }
}

function metaPath(path: string): string {
  return `${path}/${XL_META}`;
}

/** Data dir that `fi` replaces (same version id) and that nothing else references, or "". */
function replacedDataDir(meta: XlMeta, volume: string, path: string, fi: FileInfo): string {
  let old: FileInfo;
  try {
    old = meta.fileInfo(volume, path, fi.versionId);
  } catch {
    return "";
  }
  // Inline versions never had a directory on disk.
  if (old.deleted || !old.dataDir || old.dataDir === fi.dataDir || meta.inlineData(old.versionId) !== undefined) return "";
  return meta.dataDirRefs(old.dataDir) === 1 ? old.dataDir : "";
}
