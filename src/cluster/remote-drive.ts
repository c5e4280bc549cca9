// RemoteDrive: a Drive on another node, reached through the shared RpcClient of that node and
// served there by drive-service.ts. Remote DriveErrors keep their kinds; anything the link does
// wrong (offline, cut, timeout, refusal) becomes DriveError "Faulty" naming the endpoint.
import {
  DriveError,
  type DeleteVersionOptions,
  type Drive,
  type DriveInfo,
  type FileInfo,
  type FileStat,
  type ReadStreamOptions,
  type RenameDataResult,
  type VolInfo,
  type WalkEntry,
  type WalkOptions,
} from "../disk/index.ts";
import { type PlainDriveMethod, driveMethod } from "./drive-service.ts";
import type { RpcClient } from "./rpc-client.ts";

export class RemoteDrive implements Drive {
  readonly endpoint: string;
  readonly #client: RpcClient;
  readonly #key: string;
  /** The disk id (format.json "this") the slot expects, once the deployment's format is known. */
  #expected: string | undefined;

  /** `key` is the drive's path as the peer knows it; `endpoint` the full URL used in messages. */
  constructor(client: RpcClient, key: string, endpoint: string) {
    this.#client = client;
    this.#key = key;
    this.endpoint = endpoint;
  }

  /**
   * From now on every call names the disk id this slot expects, and the peer refuses it
   * (Faulty) when the drive at that path holds another disk: a server restarted with its
   * drives swapped or replaced by another deployment's is not written to in the wrong place.
   */
  expectId(id: string): void {
    this.#expected = id || undefined;
  }

  /** The drive as the peer's service names it: its path, with the expected disk id once known. */
  get #ref(): string | { path: string; id: string } {
    return this.#expected ? { path: this.#key, id: this.#expected } : this.#key;
  }

  /** False while the peer is marked offline by its health pings (calls would fail at once). */
  isOnline(): boolean {
    return this.#client.online;
  }

  /** A remote DriveError as it came; a link failure as Faulty, so quorum logic counts the drive out. */
  #fail(err: unknown, what: string): DriveError {
    if (err instanceof DriveError) return err;
    const message = err instanceof Error ? err.message : String(err);
    return new DriveError("Faulty", `Drive "${this.endpoint}": ${what} failed: ${message}`, { cause: err });
  }

  async #call<T>(name: PlainDriveMethod, ...args: unknown[]): Promise<T> {
    try {
      return await this.#client.call<T>(driveMethod(name), [this.#ref, ...args]);
    } catch (err) {
      throw this.#fail(err, name);
    }
  }

  async info(): Promise<DriveInfo> {
    // The peer names the drive by its local path; callers know it by our endpoint.
    return { ...(await this.#call<DriveInfo>("info")), endpoint: this.endpoint };
  }
  makeVol(volume: string): Promise<void> {
    return this.#call("makeVol", volume);
  }
  listVols(): Promise<VolInfo[]> {
    return this.#call("listVols");
  }
  statVol(volume: string): Promise<VolInfo> {
    return this.#call("statVol", volume);
  }
  deleteVol(volume: string, force: boolean): Promise<void> {
    return this.#call("deleteVol", volume, force);
  }
  readAll(volume: string, path: string): Promise<Uint8Array> {
    return this.#call("readAll", volume, path);
  }
  writeAll(volume: string, path: string, data: Uint8Array): Promise<void> {
    return this.#call("writeAll", volume, path, data);
  }

  async createFile(volume: string, path: string, size: number, body: ReadableStream<Uint8Array>): Promise<void> {
    try {
      // The client copies each chunk into a frame before it reads the next (the chunk-reuse rule).
      await this.#client.call(driveMethod("createFile"), [this.#ref, volume, path, size], { body });
    } catch (err) {
      // The producer hears that nobody reads any more (its lock may already be gone: then it knew).
      await body.cancel(err).catch(() => {});
      throw this.#fail(err, `createFile of "${volume}/${path}"`);
    }
  }

  readFile(volume: string, path: string, offset: number, length: number): Promise<Uint8Array> {
    return this.#call("readFile", volume, path, offset, length);
  }

  async readFileStream(volume: string, path: string, offset: number, length: number, opts?: ReadStreamOptions): Promise<ReadableStream<Uint8Array>> {
    const what = `reading "${volume}/${path}"`;
    let far: ReadableStream<Uint8Array>;
    try {
      // One call streams the whole range: no round trip per block.
      far = await this.#client.stream(driveMethod("readFileStream"), [this.#ref, volume, path, offset, length, opts ?? null]);
    } catch (err) {
      throw this.#fail(err, what);
    }
    const reader = far.getReader();
    return new ReadableStream<Uint8Array>(
      {
        pull: async (c) => {
          let r: Awaited<ReturnType<typeof reader.read>>;
          try {
            r = await reader.read();
          } catch (err) {
            return c.error(this.#fail(err, what));
          }
          if (r.done) c.close();
          else c.enqueue(r.value);
        },
        // Cancelling the far stream closes it on the peer, which releases the file.
        cancel: (reason) => reader.cancel(reason).catch(() => {}),
      },
      { highWaterMark: 0 },
    );
  }

  statFile(volume: string, path: string): Promise<FileStat> {
    return this.#call("statFile", volume, path);
  }
  renameFile(srcVolume: string, srcPath: string, dstVolume: string, dstPath: string): Promise<void> {
    return this.#call("renameFile", srcVolume, srcPath, dstVolume, dstPath);
  }
  delete(volume: string, path: string, opts: { recursive: boolean }): Promise<void> {
    return this.#call("delete", volume, path, opts);
  }
  listDir(volume: string, dir: string): Promise<string[]> {
    return this.#call("listDir", volume, dir);
  }
  readMetadata(volume: string, path: string): Promise<Uint8Array> {
    return this.#call("readMetadata", volume, path);
  }
  readVersion(volume: string, path: string, versionId: string, opts: { readData: boolean }): Promise<FileInfo> {
    return this.#call("readVersion", volume, path, versionId, opts);
  }
  writeMetadata(volume: string, path: string, fi: FileInfo): Promise<void> {
    return this.#call("writeMetadata", volume, path, fi);
  }
  updateMetadata(volume: string, path: string, fi: FileInfo): Promise<void> {
    return this.#call("updateMetadata", volume, path, fi);
  }
  renameData(srcVolume: string, srcPath: string, fi: FileInfo, dstVolume: string, dstPath: string): Promise<RenameDataResult> {
    return this.#call("renameData", srcVolume, srcPath, fi, dstVolume, dstPath);
  }
  deleteVersion(volume: string, path: string, fi: FileInfo, opts?: DeleteVersionOptions): Promise<void> {
    return this.#call("deleteVersion", volume, path, fi, opts ?? null);
  }

  async *walk(opts: WalkOptions): AsyncIterable<WalkEntry> {
    const it = this.#client.frames<WalkEntry>(driveMethod("walk"), [this.#ref, opts])[Symbol.asyncIterator]();
    try {
      for (;;) {
        let r: IteratorResult<WalkEntry>;
        try {
          r = await it.next();
        } catch (err) {
          throw this.#fail(err, `walking "${opts.volume}/${opts.baseDir}"`);
        }
        if (r.done) return;
        yield r.value;
      }
    } finally {
      // Stopping early closes the peer's walk too.
      await it.return?.(undefined);
    }
  }

  /** The client is shared by every drive of the node: its owner closes it. */
  async close(): Promise<void> {}
}
