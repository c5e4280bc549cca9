// Plain file operations of a LocalDrive: whole-file and ranged reads, atomic writes through
// .minio.sys/tmp, streamed shard files, renames, and deletes through the trash with empty
// parent directories pruned. The fsync policy is applied here and only here.
import { promises as fsp } from "node:fs";
import { SYSTEM_VOLUME, TMP_DIR, TRASH_DIR } from "./drive.ts";
import type { FileStat } from "./drive.ts";
import { DriveError } from "./drive-error.ts";
import { checkVolume, parentOf, resolveOnDrive } from "./drive-path.ts";
import { errnoOf, toDriveError } from "./fs-errors.ts";
import { fileRangeStream, writeStreamToFile } from "./file-stream.ts";

/** "always": fdatasync files before they become visible; "none": rely on the page cache. */
export type FsyncPolicy = "always" | "none";

/** Bun.file handles kept for shard files being read block by block (they hold no descriptor). */
const FILE_REFS = 64;

export class FileOps {
  #pending = new Set<Promise<unknown>>();
  readonly #refs = new Map<string, ReturnType<typeof Bun.file>>();

  /** A Bun.file reference for `file`: creating one per block read showed up in GET profiles. */
  #bunFile(file: string): ReturnType<typeof Bun.file> {
    let ref = this.#refs.get(file);
    if (!ref) {
      if (this.#refs.size >= FILE_REFS) this.#refs.delete(this.#refs.keys().next().value!);
      ref = Bun.file(file);
      this.#refs.set(file, ref);
    }
    return ref;
  }

  constructor(
    readonly root: string,
    readonly fsync: FsyncPolicy,
  ) {}

  abs(volume: string, path: string): string {
    return resolveOnDrive(this.root, volume, path);
  }

  /** A fresh absolute path under .minio.sys/tmp for staging. */
  tmpPath(): string {
    return `${this.root}/${SYSTEM_VOLUME}/${TMP_DIR}/${crypto.randomUUID()}`;
  }

  async readAll(volume: string, path: string): Promise<Uint8Array> {
    const file = this.abs(volume, path);
    try {
      return await Bun.file(file).bytes();
    } catch (err) {
      throw await this.#notFoundOrVolume(err, volume, `Cannot read "${volume}/${path}" on "${this.root}"`);
    }
  }

  /**
   * Reads a whole file, or null when it does not exist (no volume check: callers that go on
   * to write check the volume through ensureDirIn).
   */
  async readIfExists(volume: string, path: string): Promise<Uint8Array | null> {
    try {
      return await Bun.file(this.abs(volume, path)).bytes();
    } catch (err) {
      const code = errnoOf(err);
      if (code === "ENOENT" || code === "ENOTDIR") return null;
      throw toDriveError(err, `Cannot read "${volume}/${path}" on "${this.root}"`);
    }
  }

  /**
   * Creates directory `dir` of `volume` with its parents, never the volume itself: a volume
   * removed meanwhile is VolumeNotFound rather than silently made again.
   */
  async ensureDirIn(volume: string, dir: string): Promise<void> {
    const volDir = this.abs(volume, "");
    let created: string | undefined;
    try {
      created = await fsp.mkdir(this.abs(volume, dir), { recursive: true });
    } catch (err) {
      throw toDriveError(err, `Cannot create "${volume}/${dir}" on "${this.root}"`);
    }
    if (created === volDir) {
      // Undo only what we made, bottom-up, and only while empty.
      for (let d = dir; ; d = parentOf(d)) {
        await fsp.rmdir(this.abs(volume, d)).catch(() => {});
        if (d === "") break;
      }
      throw new DriveError("VolumeNotFound", `Volume "${volume}" not found on "${this.root}"`);
    }
  }

  /** Writes `data` to `file` (absolute) through a staged temp file and a rename. */
  async writeFileAtomic(file: string, data: Uint8Array, parentExists = false): Promise<void> {
    const tmp = this.tmpPath();
    try {
      await this.#writeSynced(tmp, data);
      if (parentExists) await fsp.rename(tmp, file);
      else await this.#renameCreatingParents(tmp, file);
    } catch (err) {
      await fsp.rm(tmp, { force: true }).catch(() => {});
      throw toDriveError(err, `Cannot write "${file}"`);
    }
  }

  async writeAll(volume: string, path: string, data: Uint8Array): Promise<void> {
    const file = this.abs(volume, path);
    await this.#requireVolume(volume);
    await this.writeFileAtomic(file, data);
  }

  async #writeSynced(file: string, data: Uint8Array): Promise<void> {
    const fh = await fsp.open(file, "w", 0o666);
    try {
      let off = 0;
      while (off < data.length) off += (await fh.write(data, off, data.length - off)).bytesWritten;
      if (this.fsync === "always") await fh.datasync();
    } finally {
      await fh.close();
    }
  }

  async #renameCreatingParents(from: string, to: string): Promise<void> {
    try {
      await fsp.rename(from, to);
    } catch (err) {
      if (errnoOf(err) !== "ENOENT") throw err;
      await fsp.mkdir(to.slice(0, to.lastIndexOf("/")), { recursive: true });
      await fsp.rename(from, to);
    }
  }

  /** Streams `body` into a new file; wrong length or a stream error leaves no file behind. */
  async createFile(volume: string, path: string, size: number, body: ReadableStream<Uint8Array>): Promise<void> {
    const file = this.abs(volume, path);
    await this.#requireVolume(volume);
    try {
      await fsp.mkdir(file.slice(0, file.lastIndexOf("/")), { recursive: true });
      await writeStreamToFile(file, size, body, this.fsync === "always", `"${volume}/${path}"`);
    } catch (err) {
      await body.cancel(err).catch(() => {});
      throw toDriveError(err, `Cannot create "${volume}/${path}" on "${this.root}"`);
    }
  }

  async readRange(volume: string, path: string, offset: number, length: number): Promise<Uint8Array> {
    const file = this.abs(volume, path);
    let buf: Uint8Array;
    try {
      // Bun.file's ranged read: one open + pread + close without FileHandle round trips.
      buf =
        length === 0
          ? new Uint8Array(0)
          : await this.#bunFile(file)
              .slice(offset, offset + length)
              .bytes();
    } catch (err) {
      throw await this.#notFoundOrVolume(err, volume, `Cannot read "${volume}/${path}" on "${this.root}"`);
    }
    if (buf.length !== length) throw new DriveError("Corrupt", `"${volume}/${path}" is shorter than ${offset + length} bytes`);
    return buf;
  }

  async readStream(volume: string, path: string, offset: number, length: number, chunk?: number): Promise<ReadableStream<Uint8Array>> {
    let fh: fsp.FileHandle;
    try {
      fh = await fsp.open(this.abs(volume, path), "r");
    } catch (err) {
      throw await this.#notFoundOrVolume(err, volume, `Cannot read "${volume}/${path}" on "${this.root}"`);
    }
    return fileRangeStream(fh, offset, length, () => `"${volume}/${path}" is shorter than ${offset + length} bytes`, chunk);
  }

  async stat(volume: string, path: string): Promise<FileStat> {
    const file = this.abs(volume, path);
    try {
      const st = await fsp.stat(file);
      return { size: st.size, modTime: st.mtimeMs };
    } catch (err) {
      throw await this.#notFoundOrVolume(err, volume, `Cannot stat "${volume}/${path}" on "${this.root}"`);
    }
  }

  async rename(srcVolume: string, srcPath: string, dstVolume: string, dstPath: string): Promise<void> {
    const from = this.abs(srcVolume, srcPath);
    const to = this.abs(dstVolume, dstPath);
    try {
      await this.#renameCreatingParents(from, to);
    } catch (err) {
      if (errnoOf(err) === "ENOTEMPTY" || errnoOf(err) === "EISDIR" || errnoOf(err) === "EEXIST") {
        await this.moveToTrash(to);
        await this.#renameCreatingParents(from, to).catch((e) => {
          throw toDriveError(e, `Cannot rename "${srcVolume}/${srcPath}" to "${dstVolume}/${dstPath}"`);
        });
        return;
      }
      throw await this.#notFoundOrVolume(err, srcVolume, `Cannot rename "${srcVolume}/${srcPath}" to "${dstVolume}/${dstPath}"`);
    }
    await this.pruneEmptyParents(srcVolume, srcPath);
  }

  /** Deletes a file, or a directory (tree when recursive), then prunes empty parents. */
  async delete(volume: string, path: string, recursive: boolean): Promise<void> {
    const target = this.abs(volume, path);
    try {
      if (recursive) {
        await this.moveToTrash(target, true);
      } else {
        await fsp.rm(target).catch(async (err) => {
          if (errnoOf(err) === "EISDIR" || errnoOf(err) === "ERR_FS_EISDIR") return fsp.rmdir(target);
          throw err;
        });
      }
    } catch (err) {
      throw await this.#notFoundOrVolume(err, volume, `Cannot delete "${volume}/${path}" on "${this.root}"`);
    }
    await this.pruneEmptyParents(volume, path);
  }

  /** Removes empty directories from parentOf(path) up to, not including, the volume root. */
  async pruneEmptyParents(volume: string, path: string): Promise<void> {
    let dir = parentOf(path);
    while (dir !== "") {
      if (volume === SYSTEM_VOLUME && (dir === TMP_DIR || dir === TRASH_DIR || dir === "multipart" || dir === "buckets" || dir === "config")) return;
      try {
        await fsp.rmdir(this.abs(volume, dir));
      } catch {
        return; // not empty (or already gone): stop climbing
      }
      dir = parentOf(dir);
    }
  }

  /** Renames `target` (absolute) into the trash and purges it in the background. */
  async moveToTrash(target: string, mustExist = false): Promise<void> {
    const dest = `${this.root}/${SYSTEM_VOLUME}/${TRASH_DIR}/${crypto.randomUUID()}`;
    try {
      await fsp.rename(target, dest);
    } catch (err) {
      if (errnoOf(err) === "ENOENT" && !mustExist) return;
      throw err;
    }
    this.#track(fsp.rm(dest, { recursive: true, force: true }));
  }

  async listDir(volume: string, dir: string): Promise<string[]> {
    const path = this.abs(volume, dir);
    try {
      const entries = await fsp.readdir(path, { withFileTypes: true });
      return entries.map((e) => (e.isDirectory() ? `${e.name}/` : e.name));
    } catch (err) {
      throw await this.#notFoundOrVolume(err, volume, `Cannot list "${volume}/${dir}" on "${this.root}"`);
    }
  }

  /** At open: whatever a crash left in tmp (other than the trash) goes to the trash. */
  async recycleStaleTmp(): Promise<void> {
    const tmp = `${this.root}/${SYSTEM_VOLUME}/${TMP_DIR}`;
    const names = await fsp.readdir(tmp).catch(() => [] as string[]);
    for (const name of names) if (name !== ".trash") await this.moveToTrash(`${tmp}/${name}`);
    const trash = `${this.root}/${SYSTEM_VOLUME}/${TRASH_DIR}`;
    for (const name of await fsp.readdir(trash).catch(() => [] as string[])) {
      this.#track(fsp.rm(`${trash}/${name}`, { recursive: true, force: true }));
    }
  }

  /** Waits for background purges (close, tests). */
  async settle(): Promise<void> {
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
  }

  #track(p: Promise<unknown>): void {
    const q = p.catch(() => {}).finally(() => this.#pending.delete(q));
    this.#pending.add(q);
  }

  async #requireVolume(volume: string): Promise<void> {
    checkVolume(volume);
    try {
      await fsp.access(`${this.root}/${volume}`);
    } catch (err) {
      throw toDriveError(err, `Volume "${volume}" not found on "${this.root}"`, { FileNotFound: "VolumeNotFound" });
    }
  }

  /** ENOENT means "file not found" only when the volume exists; otherwise "volume not found". */
  async #notFoundOrVolume(err: unknown, volume: string, what: string): Promise<DriveError> {
    const e = toDriveError(err, what);
    if (e.kind !== "FileNotFound") return e;
    const volOk = await fsp.access(`${this.root}/${volume}`).then(
      () => true,
      () => false,
    );
    if (volOk) return e;
    const rootOk = await fsp.access(this.root).then(
      () => true,
      () => false,
    );
    return new DriveError(rootOk ? "VolumeNotFound" : "Faulty", rootOk ? `Volume "${volume}" not found on "${this.root}"` : `Drive "${this.root}" is gone`, {
      cause: err,
    });
  }
}
