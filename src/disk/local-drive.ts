// LocalDrive: the Drive contract on a local directory. Files are staged and renamed into
// place, deletes go through .minio.sys/tmp/.trash, and every path is checked to stay under
// the root. Metadata (xl.meta) operations live in local-metadata.ts, the walk in local-walk.ts.
import { promises as fsp } from "node:fs";
import type { Drive, DriveInfo, FileStat, RenameDataResult, DeleteVersionOptions, ReadStreamOptions, VolInfo, WalkEntry, WalkOptions } from "./drive.ts";
import { SYSTEM_VOLUME, TRASH_DIR } from "./drive.ts";
import { DriveError } from "./drive-error.ts";
import type { FileInfo } from "./file-info.ts";
import { checkVolume, resolveOnDrive } from "./drive-path.ts";
import { toDriveError } from "./fs-errors.ts";
import { FileOps, type FsyncPolicy } from "./file-ops.ts";
import { MetadataOps } from "./local-metadata.ts";
import { walkLocal } from "./local-walk.ts";
import { parseFormatJson } from "./format-json.ts";

export type { FsyncPolicy } from "./file-ops.ts";

export interface LocalDriveOptions {
  /**
   * When data reaches the platter: "always" (default) fdatasyncs every file before it is
   * renamed into view; "none" leaves it to the page cache (tests, benchmarks of the CPU path).
   */
  fsync?: FsyncPolicy;
}

/**
 * A directory that has no .minio.sys but plain files at its top is somebody else's data:
 * refuse it rather than start writing into it. (Directories alone may be MinIO buckets.)
 */
async function refuseForeign(root: string): Promise<void> {
  let entries;
  try {
    entries = await fsp.readdir(root, { withFileTypes: true });
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === "ENOENT") return; // created below
    throw toDriveError(err, `Cannot read drive "${root}"`);
  }
  if (entries.some((e) => e.name === SYSTEM_VOLUME)) return;
  const file = entries.find((e) => !e.isDirectory());
  if (file) {
    throw new DriveError("Unformatted", `"${root}" is not empty and is not a MinIO or Bunker drive (found "${file.name}"); use an empty directory`);
  }
}

export class LocalDrive implements Drive {
  readonly endpoint: string;
  readonly #files: FileOps;
  readonly #meta: MetadataOps;

  private constructor(
    readonly root: string,
    opts: LocalDriveOptions,
  ) {
    this.endpoint = root;
    this.#files = new FileOps(root, opts.fsync ?? "always");
    this.#meta = new MetadataOps(this.#files);
  }

  /** Opens (creating if needed) a drive directory and clears what a crash left in its tmp area. */
  static async open(root: string, opts: LocalDriveOptions = {}): Promise<LocalDrive> {
    const clean = root.length > 1 ? root.replace(/\/+$/, "") : root;
    await refuseForeign(clean);
    try {
      await fsp.mkdir(`${clean}/${SYSTEM_VOLUME}/${TRASH_DIR}`, { recursive: true });
    } catch (err) {
      throw toDriveError(err, `Cannot use drive "${clean}"`);
    }
    const drive = new LocalDrive(clean, opts);
    await drive.#files.recycleStaleTmp();
    return drive;
  }

  async info(): Promise<DriveInfo> {
    try {
      const s = await fsp.statfs(this.root);
      let id = "";
      try {
        id = parseFormatJson(await this.#files.readAll(SYSTEM_VOLUME, "format.json")).xl.this;
      } catch (err) {
        if (!(err instanceof DriveError) || (err.kind !== "FileNotFound" && err.kind !== "Corrupt")) throw err;
      }
      const total = s.blocks * s.bsize;
      const free = s.bavail * s.bsize;
      return { total, free, used: total - s.bfree * s.bsize, filesTotal: s.files, filesFree: s.ffree, id, endpoint: this.endpoint };
    } catch (err) {
      throw toDriveError(err, `Cannot stat drive "${this.root}"`);
    }
  }

  async makeVol(volume: string): Promise<void> {
    checkVolume(volume);
    try {
      await fsp.mkdir(`${this.root}/${volume}`);
    } catch (err) {
      throw toDriveError(err, `Cannot create volume "${volume}" on "${this.root}"`);
    }
  }

  async listVols(): Promise<VolInfo[]> {
    try {
      const entries = await fsp.readdir(this.root, { withFileTypes: true });
      const vols: VolInfo[] = [];
      for (const e of entries) {
        if (!e.isDirectory()) continue;
        const st = await fsp.stat(`${this.root}/${e.name}`).catch(() => null);
        if (st) vols.push({ name: e.name, created: st.birthtimeMs || st.mtimeMs });
      }
      return vols;
    } catch (err) {
      throw toDriveError(err, `Cannot list volumes of "${this.root}"`, { FileNotFound: "Faulty" });
    }
  }

  async statVol(volume: string): Promise<VolInfo> {
    checkVolume(volume);
    try {
      const st = await fsp.stat(`${this.root}/${volume}`);
      if (!st.isDirectory()) throw new DriveError("VolumeNotFound", `Volume "${volume}" not found on "${this.root}"`);
      return { name: volume, created: st.birthtimeMs || st.mtimeMs };
    } catch (err) {
      throw toDriveError(err, `Volume "${volume}" not found on "${this.root}"`, { FileNotFound: "VolumeNotFound" });
    }
  }

  async deleteVol(volume: string, force: boolean): Promise<void> {
    checkVolume(volume);
    if (volume === SYSTEM_VOLUME) throw new DriveError("InvalidPath", `Refusing to delete "${SYSTEM_VOLUME}"`);
    const dir = `${this.root}/${volume}`;
    await this.statVol(volume);
    if (force) return this.#files.moveToTrash(dir);
    try {
      await fsp.rmdir(dir);
    } catch (err) {
      throw toDriveError(err, `Cannot delete volume "${volume}" on "${this.root}"`, { FileNotFound: "VolumeNotFound" });
    }
  }

  readAll(volume: string, path: string): Promise<Uint8Array> {
    return this.#files.readAll(volume, path);
  }

  writeAll(volume: string, path: string, data: Uint8Array): Promise<void> {
    return this.#files.writeAll(volume, path, data);
  }

  createFile(volume: string, path: string, size: number, body: ReadableStream<Uint8Array>): Promise<void> {
    return this.#files.createFile(volume, path, size, body);
  }

  readFile(volume: string, path: string, offset: number, length: number): Promise<Uint8Array> {
    return this.#files.readRange(volume, path, offset, length);
  }

  async readFileStream(volume: string, path: string, offset: number, length: number, opts?: ReadStreamOptions): Promise<ReadableStream<Uint8Array>> {
    return this.#files.readStream(volume, path, offset, length, opts?.chunk);
  }

  statFile(volume: string, path: string): Promise<FileStat> {
    return this.#files.stat(volume, path);
  }

  renameFile(srcVolume: string, srcPath: string, dstVolume: string, dstPath: string): Promise<void> {
    return this.#files.rename(srcVolume, srcPath, dstVolume, dstPath);
  }

  delete(volume: string, path: string, opts: { recursive: boolean }): Promise<void> {
    return this.#files.delete(volume, path, opts.recursive);
  }

  listDir(volume: string, dir: string): Promise<string[]> {
    return this.#files.listDir(volume, dir);
  }

  readMetadata(volume: string, path: string): Promise<Uint8Array> {
    return this.#meta.readMetadata(volume, path);
  }

  readVersion(volume: string, path: string, versionId: string, opts: { readData: boolean }): Promise<FileInfo> {
    return this.#meta.readVersion(volume, path, versionId, opts.readData);
  }

  writeMetadata(volume: string, path: string, fi: FileInfo): Promise<void> {
    return this.#meta.writeMetadata(volume, path, fi);
  }

  updateMetadata(volume: string, path: string, fi: FileInfo): Promise<void> {
    return this.#meta.updateMetadata(volume, path, fi);
  }

  renameData(srcVolume: string, srcPath: string, fi: FileInfo, dstVolume: string, dstPath: string): Promise<RenameDataResult> {
    return this.#meta.renameData(srcVolume, srcPath, fi, dstVolume, dstPath);
  }

  deleteVersion(volume: string, path: string, fi: FileInfo, opts?: DeleteVersionOptions): Promise<void> {
    return this.#meta.deleteVersion(volume, path, fi, opts ?? {});
  }

  walk(opts: WalkOptions): AsyncIterable<WalkEntry> {
    return walkLocal(this.root, opts);
  }

  async close(): Promise<void> {
    await this.#files.settle();
  }

  /** Absolute file-system path of `volume/path` (tests and diagnostics only). */
  pathOf(volume: string, path: string): string {
    return resolveOnDrive(this.root, volume, path);
  }
}
