// WireDrive: wraps any Drive the way an RPC link will, for tests: every argument and result is
// structured-cloned (so neither side can share memory or identity with the other), stream
// chunks cross as copies, paced by the far side, and errors cross as plain data
// ({ kind, message }) and are rebuilt on the near side. Product code never sees it.
import {
  DriveError,
  type DeleteVersionOptions,
  type Drive,
  type DriveErrorKind,
  type DriveInfo,
  type FileInfo,
  type FileStat,
  type ReadStreamOptions,
  type RenameDataResult,
  type VolInfo,
  type WalkEntry,
  type WalkOptions,
} from "../../src/disk/index.ts";

/** What an error looks like on the wire: nothing but data. */
export interface WireError {
  kind?: DriveErrorKind;
  message: string;
}

export function toWireError(err: unknown): WireError {
  if (err instanceof DriveError) return { kind: err.kind, message: err.message };
  return { message: err instanceof Error ? err.message : String(err) };
}

/** The error the near side throws: a DriveError again, or a plain Error for anything else. */
export function fromWireError(w: WireError): Error {
  const plain = structuredClone(w);
  return plain.kind ? new DriveError(plain.kind, plain.message) : new Error(plain.message);
}

/** A copy of one chunk: a view's bytes only, in a buffer of its own. */
function cloneChunk(chunk: Uint8Array): Uint8Array {
  return structuredClone(chunk.slice());
}

/**
 * A stream on the other side of the wire: reads one chunk from `src` only when its own reader
 * asks (highWaterMark 0), and hands on a copy; cancelling or failing crosses too.
 */
function crossStream(src: ReadableStream<Uint8Array>, onSourceError: (err: unknown) => unknown) {
  const reader = src.getReader();
  const stream = new ReadableStream<Uint8Array>(
    {
      async pull(c) {
        let r;
        try {
          r = await reader.read();
        } catch (err) {
          return c.error(onSourceError(err));
        }
        if (r.done) return c.close();
        c.enqueue(cloneChunk(r.value));
      },
      async cancel(reason) {
        await reader.cancel(structuredClone(toWireError(reason))).catch(() => {});
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, reader };
}

export class WireDrive implements Drive {
  readonly endpoint: string;

  constructor(readonly inner: Drive) {
    this.endpoint = structuredClone(inner.endpoint);
  }

  /** One round trip: cloned arguments out, a cloned result or a rebuilt error back. */
  async #rpc<A extends unknown[], T>(args: [...A], run: (...args: A) => Promise<T>): Promise<T> {
    const sent = structuredClone(args) as A;
    let result: T;
    try {
      result = await run(...sent);
    } catch (err) {
      throw fromWireError(toWireError(err));
    }
    return structuredClone(result);
  }

  info(): Promise<DriveInfo> {
    return this.#rpc([], () => this.inner.info());
  }
  makeVol(v: string): Promise<void> {
    return this.#rpc([v], (v) => this.inner.makeVol(v));
  }
  listVols(): Promise<VolInfo[]> {
    return this.#rpc([], () => this.inner.listVols());
  }
  statVol(v: string): Promise<VolInfo> {
    return this.#rpc([v], (v) => this.inner.statVol(v));
  }
  deleteVol(v: string, force: boolean): Promise<void> {
    return this.#rpc([v, force], (v, force) => this.inner.deleteVol(v, force));
  }
  readAll(v: string, p: string): Promise<Uint8Array> {
    return this.#rpc([v, p], (v, p) => this.inner.readAll(v, p));
  }
  writeAll(v: string, p: string, data: Uint8Array): Promise<void> {
    return this.#rpc([v, p, data], (v, p, data) => this.inner.writeAll(v, p, data));
  }
  async createFile(v: string, p: string, size: number, body: ReadableStream<Uint8Array>): Promise<void> {
    // The producer's failure reaches the far side as data too.
    const { stream, reader } = crossStream(body, (err) => fromWireError(toWireError(err)));
    try {
      await this.#rpc([v, p, size], (v, p, size) => this.inner.createFile(v, p, size, stream));
    } catch (err) {
      // The far side hung up: the producer hears it, as it would from a closed connection.
      await reader.cancel(err).catch(() => {});
      throw err;
    } finally {
      reader.releaseLock();
    }
  }
  readFile(v: string, p: string, off: number, len: number): Promise<Uint8Array> {
    return this.#rpc([v, p, off, len], (v, p, off, len) => this.inner.readFile(v, p, off, len));
  }
  async readFileStream(v: string, p: string, off: number, len: number, opts?: ReadStreamOptions): Promise<ReadableStream<Uint8Array>> {
    const args = structuredClone([v, p, off, len, opts] as const);
    let far: ReadableStream<Uint8Array>;
    try {
      far = await this.inner.readFileStream(...args);
    } catch (err) {
      throw fromWireError(toWireError(err));
    }
    return crossStream(far, (err) => fromWireError(toWireError(err))).stream;
  }
  statFile(v: string, p: string): Promise<FileStat> {
    return this.#rpc([v, p], (v, p) => this.inner.statFile(v, p));
  }
  renameFile(sv: string, sp: string, dv: string, dp: string): Promise<void> {
    return this.#rpc([sv, sp, dv, dp], (sv, sp, dv, dp) => this.inner.renameFile(sv, sp, dv, dp));
  }
  delete(v: string, p: string, o: { recursive: boolean }): Promise<void> {
    return this.#rpc([v, p, o], (v, p, o) => this.inner.delete(v, p, o));
  }
  listDir(v: string, d: string): Promise<string[]> {
    return this.#rpc([v, d], (v, d) => this.inner.listDir(v, d));
  }
  readMetadata(v: string, p: string): Promise<Uint8Array> {
    return this.#rpc([v, p], (v, p) => this.inner.readMetadata(v, p));
  }
  readVersion(v: string, p: string, id: string, o: { readData: boolean }): Promise<FileInfo> {
    return this.#rpc([v, p, id, o], (v, p, id, o) => this.inner.readVersion(v, p, id, o));
  }
  writeMetadata(v: string, p: string, fi: FileInfo): Promise<void> {
    return this.#rpc([v, p, fi], (v, p, fi) => this.inner.writeMetadata(v, p, fi));
  }
  updateMetadata(v: string, p: string, fi: FileInfo): Promise<void> {
    return this.#rpc([v, p, fi], (v, p, fi) => this.inner.updateMetadata(v, p, fi));
  }
  renameData(sv: string, sp: string, fi: FileInfo, dv: string, dp: string): Promise<RenameDataResult> {
    return this.#rpc([sv, sp, fi, dv, dp], (sv, sp, fi, dv, dp) => this.inner.renameData(sv, sp, fi, dv, dp));
  }
  deleteVersion(v: string, p: string, fi: FileInfo, o?: DeleteVersionOptions): Promise<void> {
    return this.#rpc([v, p, fi, o], (v, p, fi, o) => this.inner.deleteVersion(v, p, fi, o));
  }
  async *walk(opts: WalkOptions): AsyncIterable<WalkEntry> {
    const it = this.inner.walk(structuredClone(opts))[Symbol.asyncIterator]();
    try {
      while (true) {
        let r: IteratorResult<WalkEntry>;
        try {
          r = await it.next();
        } catch (err) {
          throw fromWireError(toWireError(err));
        }
        if (r.done) return;
        yield structuredClone(r.value);
      }
    } finally {
      // The near side stopped early: the far side's walk is closed too.
      await it.return?.();
    }
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}
