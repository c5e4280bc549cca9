// The Drive contract: everything object/ may ask of one drive. Location-transparent and
// async: plain data in, plain data or a stream out, so RemoteDrive can implement it over RPC.
// Failures are DriveError. Volumes are buckets plus ".minio.sys"; paths are "/"-separated,
// relative to the volume, and validated by every implementation.
import type { FileInfo } from "./file-info.ts";

export const SYSTEM_VOLUME = ".minio.sys";
export const TMP_DIR = "tmp";
export const TRASH_DIR = "tmp/.trash";
export const XL_META = "xl.meta";

export interface DriveInfo {
  /** Total bytes of the file system holding the drive. */
  total: number;
  /** Free bytes available to us. */
  free: number;
  /** Used bytes. */
  used: number;
  /** Total inodes / free inodes (0 where the platform does not say). */
  filesTotal: number;
  filesFree: number;
  /** Drive UUID from format.json ("" when unformatted). */
  id: string;
  /** Human-readable location. */
  endpoint: string;
}

export interface VolInfo {
  name: string;
  /** Creation time of the volume directory (ms since epoch). */
  created: number;
}

export interface FileStat {
  size: number;
  /** Last modification, ms since epoch. */
  modTime: number;
}

/** Result of renameData: what the caller may clean up once write quorum is reached. */
export interface RenameDataResult {
  /** Data dir of the replaced version that no remaining version references ("" if none). */
  oldDataDir: string;
  /**
   * The xl.meta bytes as they were, when the call replaced a version with the same id (the null
   * version): writing them back (writeAll of "<path>/xl.meta") undoes the call byte for byte.
   * The replaced version's data dir stays until the caller removes `oldDataDir`.
   */
  previousMeta?: Uint8Array;
}

export interface ReadStreamOptions {
  /** Largest chunk the stream hands out (the implementation may cap it). */
  chunk?: number;
}

export interface DeleteVersionOptions {
  /** Undo a failed write: remove the version even if it is the only one, no delete marker. */
  undoWrite?: boolean;
}

/** Options for walking one volume in sorted key order. */
export interface WalkOptions {
  volume: string;
  /** Directory to start in ("" = volume root); must end with "/" unless empty. */
  baseDir: string;
  /** Descend into sub-directories; when false, sub-prefixes are returned as `prefix` entries. */
  recursive: boolean;
  /** Only entries whose full name starts with this (may end mid-segment). */
  filterPrefix?: string;
  /** Skip entries whose full name sorts at or before this key (resume point). */
  after?: string;
  /** Keep an entry named exactly `after` (resume at, not after, a key). */
  includeAfter?: boolean;
}

/** One entry of a walk, yielded in ascending byte order of `name`. */
export type WalkEntry =
  /** An object: its name (trailing "/" restored for __XLDIR__ objects) and xl.meta bytes, inline data removed. */
  | { kind: "object"; name: string; meta: Uint8Array }
  /** A common prefix (only when not recursive): the name ends with "/". */
  | { kind: "prefix"; name: string };

export interface Drive {
  /** Where the drive lives, e.g. "/mnt/disk1" or "http://node2:9000/mnt/disk1". */
  readonly endpoint: string;

  /**
   * Whether the drive is reachable as far as is known without asking it (a remote drive whose
   * server stopped answering health pings says false). Absent means "assume so". A hint for
   * placement and parity, never a substitute for a call's own result.
   */
  isOnline?(): boolean;

  /** Capacity and identity; also a cheap liveness probe. */
  info(): Promise<DriveInfo>;

  makeVol(volume: string): Promise<void>;
  listVols(): Promise<VolInfo[]>;
  statVol(volume: string): Promise<VolInfo>;
  /** Removes an empty volume; with force, removes it and everything in it. */
  deleteVol(volume: string, force: boolean): Promise<void>;

  /** Reads a whole (small) file. */
  readAll(volume: string, path: string): Promise<Uint8Array>;
  /** Writes a whole (small) file atomically (temp file + rename). */
  writeAll(volume: string, path: string, data: Uint8Array): Promise<void>;

  /**
   * Creates a file from a stream of bytes (a bitrot-framed shard). `size` is the exact
   * expected length, or -1 when unknown; a stream that ends early or runs long fails and
   * leaves no file behind. Chunks are read one at a time and each is done with (written or
   * copied) before the next is read: the producer may reuse a chunk's memory from then on.
   */
  createFile(volume: string, path: string, size: number, body: ReadableStream<Uint8Array>): Promise<void>;
  /** Reads `length` bytes at `offset`; fails with Corrupt/FileNotFound if the file is shorter. */
  readFile(volume: string, path: string, offset: number, length: number): Promise<Uint8Array>;
  /**
   * Streams `length` bytes from `offset`, read on demand (at most a chunk ahead of the reader).
   * A missing file fails the call (FileNotFound); a file shorter than the range errors the
   * stream (Corrupt) where it ends. Chunks have at most `opts.chunk` bytes (a caller taking
   * fixed-size records gets each as a buffer of its own). Cancelling the stream releases the file.
   */
  readFileStream(volume: string, path: string, offset: number, length: number, opts?: ReadStreamOptions): Promise<ReadableStream<Uint8Array>>;
  statFile(volume: string, path: string): Promise<FileStat>;
  /** Renames a file or directory, replacing the destination; parents are created. */
  renameFile(srcVolume: string, srcPath: string, dstVolume: string, dstPath: string): Promise<void>;
  /** Deletes a file, or a directory tree when recursive (through the trash); empty parents are pruned. */
  delete(volume: string, path: string, opts: { recursive: boolean }): Promise<void>;
  /** Names in a directory; sub-directories end with "/". */
  listDir(volume: string, dir: string): Promise<string[]>;

  /** Raw xl.meta bytes of `volume/path` (FileNotFound when there is none). */
  readMetadata(volume: string, path: string): Promise<Uint8Array>;
  /** Decodes one version from xl.meta (latest when versionId is ""); `readData` includes inline data. */
  readVersion(volume: string, path: string, versionId: string, opts: { readData: boolean }): Promise<FileInfo>;
  /** Adds or replaces `fi`'s version in xl.meta (creating it); used by multipart init and heal. */
  writeMetadata(volume: string, path: string, fi: FileInfo): Promise<void>;
  /** Replaces the metadata (user/system meta) of an existing version, keeping its data. */
  updateMetadata(volume: string, path: string, fi: FileInfo): Promise<void>;
  /**
   * Commits a staged write: moves `srcVolume/srcPath/<fi.dataDir>` (if the version is not
   * inline) to `dstVolume/dstPath/<fi.dataDir>` and adds `fi` to the destination xl.meta,
   * replacing a version with the same id. Atomic per drive.
   */
  renameData(srcVolume: string, srcPath: string, fi: FileInfo, dstVolume: string, dstPath: string): Promise<RenameDataResult>;
  /**
   * Removes version `fi.versionId` (fi.deleted = false), or adds/replaces the delete marker
   * described by `fi` (fi.deleted = true). Data dirs no longer referenced are removed;
   * xl.meta is removed with the last version.
   */
  deleteVersion(volume: string, path: string, fi: FileInfo, opts?: DeleteVersionOptions): Promise<void>;

  /** Walks a volume in ascending key order; lazily, so huge namespaces never sit in memory. */
  walk(opts: WalkOptions): AsyncIterable<WalkEntry>;

  /** Releases handles (remote connections); the drive is not used afterwards. */
  close(): Promise<void>;
}
