// FaultyDrive: wraps any Drive and injects faults for tests — offline, fail matching calls,
// corrupt bytes read back, delays and hangs, streams that break or stall part-way. Product code
// never sees it.
import {
  DriveError,
  type Drive,
  type DriveInfo,
  type FileInfo,
  type FileStat,
  type RenameDataResult,
  type VolInfo,
  type WalkEntry,
  type WalkOptions,
  type DeleteVersionOptions,
  type ReadStreamOptions,
} from "../../src/disk/index.ts";

export type DriveMethod = Exclude<keyof Drive, "endpoint">;

export interface Faults {
  /** Every call fails with Faulty (the drive is unplugged). */
  offline?: boolean;
  /** Fail calls for which this returns true (args as passed). */
  failOn?: (method: DriveMethod, args: unknown[]) => boolean;
  /** Flip a byte in data read back by readFile / readAll / readFileStream / readMetadata / inline data. */
  corruptReads?: (method: DriveMethod, args: unknown[]) => boolean;
  /** Delay every call by this many ms. */
  delayMs?: number;
  /** Never answer calls for which this returns true (until `release()`). */
  hangOn?: (method: DriveMethod, args: unknown[]) => boolean;
  /** A readFileStream stream errors (Faulty) once it has handed out this many bytes. */
  streamFailAfter?: number;
  /** A readFileStream stream stops answering once it has handed out this many bytes (until `release()`, then errors). */
  streamHangAfter?: number;
}

export class FaultyDrive implements Drive {
  faults: Faults = {};
  /** Count of calls per method, for assertions. */
  calls = new Map<DriveMethod, number>();
  /** Entries handed out by walks (each is one xl.meta or directory read on the drive). */
  walked = 0;
  /** readFileStream streams handed out and not yet ended, errored or cancelled. */
  openStreams = 0;
  #hung: (() => void)[] = [];

  /** The wrapped drive; a test harness swaps it when it reopens drives (a restart). */
  constructor(public inner: Drive) {}

  get endpoint(): string {
    return this.inner.endpoint;
  }

  /** Releases hung calls (they then fail with Faulty). */
  release(): void {
    for (const r of this.#hung.splice(0)) r();
  }

  async #gate(method: DriveMethod, args: unknown[]): Promise<void> {
    this.calls.set(method, (this.calls.get(method) ?? 0) + 1);
    const f = this.faults;
    if (f.delayMs) await Bun.sleep(f.delayMs);
    if (f.hangOn?.(method, args)) {
      await new Promise<void>((resolve) => this.#hung.push(resolve));
      throw new DriveError("Faulty", `${this.endpoint}: ${method} hung and was released`);
    }
    if (f.offline) throw new DriveError("Faulty", `${this.endpoint} is offline`);
    if (f.failOn?.(method, args)) throw new DriveError("Faulty", `${this.endpoint}: injected failure in ${method}`);
  }

  #maybeCorrupt(method: DriveMethod, args: unknown[], data: Uint8Array): Uint8Array {
    if (!this.faults.corruptReads?.(method, args) || data.length === 0) return data;
    const copy = data.slice();
    copy[Math.floor(copy.length / 2)] ^= 0x5a;
    return copy;
  }

  async #call<T>(method: DriveMethod, args: unknown[], run: () => Promise<T>): Promise<T> {
    await this.#gate(method, args);
    return run();
  }

  info(): Promise<DriveInfo> {
    return this.#call("info", [], () => this.inner.info());
  }
  makeVol(v: string) {
    return this.#call("makeVol", [v], () => this.inner.makeVol(v));
  }
  listVols(): Promise<VolInfo[]> {
    return this.#call("listVols", [], () => this.inner.listVols());
  }
  statVol(v: string): Promise<VolInfo> {
    return this.#call("statVol", [v], () => this.inner.statVol(v));
  }
  deleteVol(v: string, force: boolean) {
    return this.#call("deleteVol", [v, force], () => this.inner.deleteVol(v, force));
  }
  readAll(v: string, p: string): Promise<Uint8Array> {
    return this.#call("readAll", [v, p], async () => this.#maybeCorrupt("readAll", [v, p], await this.inner.readAll(v, p)));
  }
  writeAll(v: string, p: string, d: Uint8Array) {
    return this.#call("writeAll", [v, p, d], () => this.inner.writeAll(v, p, d));
  }
  async createFile(v: string, p: string, size: number, body: ReadableStream<Uint8Array>) {
    try {
      await this.#gate("createFile", [v, p, size]);
    } catch (err) {
      await body.cancel(err).catch(() => {});
      throw err;
    }
    return this.inner.createFile(v, p, size, body);
  }
  readFile(v: string, p: string, off: number, len: number): Promise<Uint8Array> {
    return this.#call("readFile", [v, p, off, len], async () => this.#maybeCorrupt("readFile", [v, p, off, len], await this.inner.readFile(v, p, off, len)));
  }
  readFileStream(v: string, p: string, off: number, len: number, o?: ReadStreamOptions): Promise<ReadableStream<Uint8Array>> {
    const args = [v, p, off, len, o];
    return this.#call("readFileStream", args, async () => this.#faultyStream(args, await this.inner.readFileStream(v, p, off, len, o)));
  }

  /** Passes the inner stream on chunk by chunk, applying the stream faults as they are when each chunk is asked for. */
  #faultyStream(args: unknown[], inner: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
    const reader = inner.getReader();
    let sent = 0;
    let open = true;
    this.openStreams++;
    const ended = () => {
      if (open) this.openStreams--;
      open = false;
    };
    const fail = (err: unknown) => {
      ended();
      void reader.cancel(err).catch(() => {});
      throw err;
    };
    return new ReadableStream<Uint8Array>(
      {
        pull: async (c) => {
          const f = this.faults;
          if (f.offline) fail(new DriveError("Faulty", `${this.endpoint} went offline mid-stream`));
          if (f.streamHangAfter !== undefined && sent >= f.streamHangAfter) {
            await new Promise<void>((resolve) => this.#hung.push(resolve));
            fail(new DriveError("Faulty", `${this.endpoint}: stream hung and was released`));
          }
          if (f.streamFailAfter !== undefined && sent >= f.streamFailAfter)
            fail(new DriveError("Faulty", `${this.endpoint}: injected stream failure after ${sent} bytes`));
          let next;
          try {
            next = await reader.read();
          } catch (err) {
            return fail(err);
          }
          if (next.done) {
            ended();
            return c.close();
          }
          sent += next.value.length;
          c.enqueue(this.#maybeCorrupt("readFileStream", args, next.value));
        },
        cancel: (reason) => {
          ended();
          return reader.cancel(reason);
        },
      },
      { highWaterMark: 0 },
    );
  }
  statFile(v: string, p: string): Promise<FileStat> {
    return this.#call("statFile", [v, p], () => this.inner.statFile(v, p));
  }
  renameFile(sv: string, sp: string, dv: string, dp: string) {
    return this.#call("renameFile", [sv, sp, dv, dp], () => this.inner.renameFile(sv, sp, dv, dp));
  }
  delete(v: string, p: string, o: { recursive: boolean }) {
    return this.#call("delete", [v, p, o], () => this.inner.delete(v, p, o));
  }
  listDir(v: string, d: string): Promise<string[]> {
    return this.#call("listDir", [v, d], () => this.inner.listDir(v, d));
  }
  readMetadata(v: string, p: string): Promise<Uint8Array> {
    return this.#call("readMetadata", [v, p], async () => this.#maybeCorrupt("readMetadata", [v, p], await this.inner.readMetadata(v, p)));
  }
  readVersion(v: string, p: string, id: string, o: { readData: boolean }): Promise<FileInfo> {
    return this.#call("readVersion", [v, p, id, o], async () => {
      const fi = await this.inner.readVersion(v, p, id, o);
      if (fi.data) fi.data = this.#maybeCorrupt("readVersion", [v, p, id, o], fi.data);
      return fi;
    });
  }
  writeMetadata(v: string, p: string, fi: FileInfo) {
    return this.#call("writeMetadata", [v, p, fi], () => this.inner.writeMetadata(v, p, fi));
  }
  updateMetadata(v: string, p: string, fi: FileInfo) {
    return this.#call("updateMetadata", [v, p, fi], () => this.inner.updateMetadata(v, p, fi));
  }
  renameData(sv: string, sp: string, fi: FileInfo, dv: string, dp: string): Promise<RenameDataResult> {
    return this.#call("renameData", [sv, sp, fi, dv, dp], () => this.inner.renameData(sv, sp, fi, dv, dp));
  }
  deleteVersion(v: string, p: string, fi: FileInfo, o?: DeleteVersionOptions) {
    return this.#call("deleteVersion", [v, p, fi, o], () => this.inner.deleteVersion(v, p, fi, o));
  }
  async *walk(opts: WalkOptions): AsyncIterable<WalkEntry> {
    await this.#gate("walk", [opts]);
    for await (const e of this.inner.walk(opts)) {
      this.walked++;
      yield e;
    }
  }
  close() {
    return this.inner.close();
  }
}
