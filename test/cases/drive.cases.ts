// The Drive contract suite: every Drive implementation (LocalDrive, FaultyDrive in pass-through
// mode, later RemoteDrive) must pass these same cases.
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { DriveError, SYSTEM_VOLUME, type Drive, type FileInfo, type WalkEntry, type WalkOptions } from "../../src/disk/index.ts";

export interface DriveHarness {
  drive: Drive;
  cleanup(): Promise<void>;
}

const bytes = (s: string) => new TextEncoder().encode(s);
const streamOf = (...chunks: Uint8Array[]) =>
  new ReadableStream<Uint8Array>({
    start(c) {
      for (const ch of chunks) c.enqueue(ch);
      c.close();
    },
  });

export function fileInfo(volume: string, name: string, over: Partial<FileInfo> = {}): FileInfo {
  return {
    volume,
    name,
    versionId: "null",
    deleted: false,
    dataDir: crypto.randomUUID(),
    modTimeNs: BigInt(Date.now()) * 1_000_000n,
    size: 3,
    userMeta: { etag: "acbd18db4cc2f85cedef654fccc4a4d8", "content-type": "text/plain" },
    sysMeta: {},
    parts: [{ number: 1, size: 3, actualSize: 3 }],
    erasure: { dataBlocks: 1, parityBlocks: 0, blockSize: 1 << 20, index: 1, distribution: [1] },
    writtenBy: 0,
    ...over,
  };
}

async function expectKind(p: Promise<unknown>, kind: string): Promise<void> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(DriveError);
    expect((err as DriveError).kind).toBe(kind as DriveError["kind"]);
    return;
  }
  throw new Error(`expected DriveError ${kind}, got success`);
}

async function collect(it: AsyncIterable<WalkEntry>): Promise<string[]> {
  const out: string[] = [];
  for await (const e of it) out.push(`${e.kind === "prefix" ? "P:" : ""}${e.name}`);
  return out;
}

/** Writes a committed object `name` with inline data (no data dir). */
async function putInline(drive: Drive, volume: string, name: string, over: Partial<FileInfo> = {}): Promise<FileInfo> {
  const fi = fileInfo(volume, name, { data: bytes("abc"), sysMeta: { "x-minio-internal-inline-data": bytes("true") }, ...over });
  await drive.renameData(SYSTEM_VOLUME, `tmp/${crypto.randomUUID()}`, fi, volume, name);
  return fi;
}

/**
 * The createFile chunk-ownership rule (src/disk/drive.ts): a chunk is the drive's only from
 * the read that hands it out until the next read (or the end of the call); from then on the
 * producer reuses its memory. Chunks here are views into one shared buffer, as the pool's
 * segments are: overwritten the moment the drive asks for the next one, all of it overwritten
 * once createFile resolves, and the buffer must never be taken away (transferred/detached).
 * Throws when `drive` breaks the rule.
 */
export async function expectChunkOwnership(drive: Drive, volume: string): Promise<void> {
  const SLOT = 16 * 1024;
  const SLOTS = 3;
  const CHUNKS = 9;
  const arena = new ArrayBuffer(64 + SLOTS * SLOT + 64);
  const slot = (i: number) => new Uint8Array(arena, 64 + (i % SLOTS) * SLOT, SLOT);
  const expected = new Uint8Array(CHUNKS * SLOT);
  let n = 0;
  let handedOut: Uint8Array | null = null;
  const body = new ReadableStream<Uint8Array>(
    {
      pull(c) {
        // Asking for the next chunk gives the last one back: the producer reuses it at once.
        handedOut?.fill(0xee);
        if (n === CHUNKS) return c.close();
        const chunk = slot(n);
        chunk.fill(n + 1);
        expected.fill(n + 1, n * SLOT, (n + 1) * SLOT);
        handedOut = chunk;
        n++;
        c.enqueue(chunk);
      },
    },
    { highWaterMark: 0 },
  );
  await drive.createFile(volume, "obj/owned", expected.length, body);
  expect(arena.detached).toBe(false);
  new Uint8Array(arena).fill(0xdd); // resolved: every chunk is the producer's again
  const stored = await drive.readFile(volume, "obj/owned", 0, expected.length);
  expect(Buffer.from(stored).equals(Buffer.from(expected))).toBe(true);
}

export function driveContract(label: string, make: () => Promise<DriveHarness>): void {
  describe(`Drive contract: ${label}`, () => {
    let h: DriveHarness;
    let d: Drive;
    beforeEach(async () => {
      h = await make();
      d = h.drive;
    });
    afterEach(async () => {
      await h.cleanup();
    });

    test("volumes: make, stat, list, delete, errors", async () => {
      await d.makeVol("bucket1");
      await expectKind(d.makeVol("bucket1"), "VolumeExists");
      expect((await d.statVol("bucket1")).name).toBe("bucket1");
      expect((await d.listVols()).map((v) => v.name)).toContain("bucket1");
      await expectKind(d.statVol("nope"), "VolumeNotFound");
      await d.writeAll("bucket1", "a/b", bytes("x"));
      await expectKind(d.deleteVol("bucket1", false), "VolumeNotEmpty");
      await d.deleteVol("bucket1", true);
      await expectKind(d.statVol("bucket1"), "VolumeNotFound");
      await expectKind(d.deleteVol("nope", false), "VolumeNotFound");
    });

    test("whole files: write, read, missing file vs missing volume", async () => {
      await d.makeVol("b1");
      await d.writeAll("b1", "dir/file.txt", bytes("hello"));
      expect(new TextDecoder().decode(await d.readAll("b1", "dir/file.txt"))).toBe("hello");
      await d.writeAll("b1", "dir/file.txt", bytes("again"));
      expect(new TextDecoder().decode(await d.readAll("b1", "dir/file.txt"))).toBe("again");
      await expectKind(d.readAll("b1", "dir/none"), "FileNotFound");
      await expectKind(d.readAll("nobucket", "x"), "VolumeNotFound");
      await expectKind(d.writeAll("nobucket", "x", bytes("1")), "VolumeNotFound");
    });

    test("paths can never leave the drive", async () => {
      await d.makeVol("b1");
      for (const bad of ["../x", "a/../../x", "/etc/passwd", "a//b", "a/./b", "a\0b", "..", "x".repeat(2000), "a\\..\\b"]) {
        await expectKind(d.writeAll("b1", bad, bytes("x")), "InvalidPath");
        await expectKind(d.readAll("b1", bad), "InvalidPath");
      }
      for (const badVol of ["..", ".", "a/b", "", "a\0"]) await expectKind(d.makeVol(badVol), "InvalidPath");
    });

    test("createFile: exact size, ranged reads, short and long streams leave nothing", async () => {
      await d.makeVol("b1");
      await d.createFile("b1", "obj/part.1", 10, streamOf(bytes("01234"), bytes("56789")));
      expect(new TextDecoder().decode(await d.readFile("b1", "obj/part.1", 3, 4))).toBe("3456");
      const s = await d.readFileStream("b1", "obj/part.1", 2, 6);
      expect(await new Response(s).text()).toBe("234567");
      expect((await d.statFile("b1", "obj/part.1")).size).toBe(10);
      await expectKind(d.readFile("b1", "obj/part.1", 8, 5), "Corrupt");
      await expect(d.createFile("b1", "obj/short", 10, streamOf(bytes("0123")))).rejects.toBeInstanceOf(DriveError);
      await expectKind(d.statFile("b1", "obj/short"), "FileNotFound");
      await expect(d.createFile("b1", "obj/long", 2, streamOf(bytes("0123")))).rejects.toBeInstanceOf(DriveError);
      await expectKind(d.statFile("b1", "obj/long"), "FileNotFound");
      const failing = new ReadableStream<Uint8Array>({
        pull(c) {
          c.error(new Error("client went away"));
        },
      });
      await expect(d.createFile("b1", "obj/broken", -1, failing)).rejects.toBeInstanceOf(Error);
      await expectKind(d.statFile("b1", "obj/broken"), "FileNotFound");
    });

    test("readFileStream: the exact range in chunks of at most the size asked, errors, cancel releases the file", async () => {
      await d.makeVol("b1");
      const data = new Uint8Array(3 * (1 << 20) + 5).map((_, i) => (i * 7 + (i >> 11)) & 0xff);
      await d.createFile("b1", "obj/part.1", data.length, streamOf(data));
      for (const [offset, length, chunk] of [
        [0, data.length, undefined],
        [17, data.length - 17, 100_003],
        [1 << 20, 524_320, 524_320],
        [5, 0, 4096],
      ] as const) {
        const chunks: Uint8Array[] = [];
        for await (const c of await d.readFileStream("b1", "obj/part.1", offset, length, chunk ? { chunk } : undefined)) chunks.push(c);
        expect(Buffer.concat(chunks).equals(data.subarray(offset, offset + length))).toBe(true);
        if (chunk) for (const c of chunks) expect(c.length).toBeLessThanOrEqual(chunk);
      }
      await expectKind(d.readFileStream("b1", "obj/none", 0, 1), "FileNotFound");
      await expectKind(d.readFileStream("nobucket", "obj/part.1", 0, 1), "VolumeNotFound");
      await expectKind(d.readFileStream("b1", "../x", 0, 1), "InvalidPath");
      // a range past the end: the stream errors where the file ends
      await expectKind(new Response(await d.readFileStream("b1", "obj/part.1", data.length - 10, 20)).arrayBuffer(), "Corrupt");
      // cancelled part-way: the file is released (and can be read and deleted as usual)
      for (let i = 0; i < 20; i++) {
        const reader = (await d.readFileStream("b1", "obj/part.1", 0, data.length, { chunk: 65536 })).getReader();
        expect((await reader.read()).value?.length).toBe(65536);
        await reader.cancel(new Error("reader went away"));
      }
      expect((await d.readFile("b1", "obj/part.1", 3, 4)).length).toBe(4);
      await d.delete("b1", "obj/part.1", { recursive: false });
      await expectKind(d.statFile("b1", "obj/part.1"), "FileNotFound");
    });

    test("createFile is done with a chunk before it reads the next (the producer reuses one buffer)", async () => {
      await d.makeVol("b1");
      const buf = new Uint8Array(64 * 1024);
      const expected = new Uint8Array(8 * buf.length);
      let n = 0;
      const body = new ReadableStream<Uint8Array>(
        {
          pull(c) {
            if (n === 8) return c.close();
            buf.fill(n + 1); // overwrites the chunk handed out before
            expected.fill(n + 1, n * buf.length, (n + 1) * buf.length);
            n++;
            c.enqueue(buf);
          },
        },
        { highWaterMark: 0 },
      );
      await d.createFile("b1", "obj/reused", expected.length, body);
      expect(Buffer.from(await d.readAll("b1", "obj/reused")).equals(Buffer.from(expected))).toBe(true);
    });

    test("createFile chunk ownership: views into one shared buffer, reused once the next is read or the call resolves, never detached", async () => {
      await d.makeVol("b1");
      await expectChunkOwnership(d, "b1");
    });

    test("renameData replacing a version returns the previous xl.meta, which writes back exactly", async () => {
      await d.makeVol("b1");
      await putInline(d, "b1", "undo/me");
      const before = await d.readMetadata("b1", "undo/me");
      const tmp = `tmp/${crypto.randomUUID()}`;
      const next = fileInfo("b1", "undo/me");
      await d.createFile(SYSTEM_VOLUME, `${tmp}/${next.dataDir}/part.1`, 3, streamOf(bytes("xyz")));
      const res = await d.renameData(SYSTEM_VOLUME, tmp, next, "b1", "undo/me");
      expect(Buffer.from(res.previousMeta!).equals(Buffer.from(before))).toBe(true);
      await d.writeAll("b1", "undo/me/xl.meta", res.previousMeta!);
      expect(Buffer.from(await d.readMetadata("b1", "undo/me")).equals(Buffer.from(before))).toBe(true);
      // a new version id replaces nothing: nothing to write back
      const versioned = fileInfo("b1", "undo/other", { versionId: crypto.randomUUID() });
      const tmp2 = `tmp/${crypto.randomUUID()}`;
      await d.createFile(SYSTEM_VOLUME, `${tmp2}/${versioned.dataDir}/part.1`, 3, streamOf(bytes("abc")));
      expect((await d.renameData(SYSTEM_VOLUME, tmp2, versioned, "b1", "undo/other")).previousMeta).toBeUndefined();
    });

    test("rename, delete with pruning, listDir", async () => {
      await d.makeVol("b1");
      await d.writeAll("b1", "x/y/z", bytes("1"));
      await d.renameFile("b1", "x/y/z", "b1", "p/q");
      await expectKind(d.readAll("b1", "x/y/z"), "FileNotFound");
      expect(await d.listDir("b1", "")).toEqual(["p/"]);
      expect(await d.listDir("b1", "p")).toEqual(["q"]);
      await d.delete("b1", "p/q", { recursive: false });
      expect(await d.listDir("b1", "")).toEqual([]);
      await d.writeAll("b1", "t/u/v", bytes("1"));
      await d.delete("b1", "t", { recursive: true });
      expect(await d.listDir("b1", "")).toEqual([]);
      await expectKind(d.delete("b1", "gone", { recursive: false }), "FileNotFound");
    });

    test("metadata: renameData commits inline and data-dir versions; readVersion", async () => {
      await d.makeVol("b1");
      const fi1 = await putInline(d, "b1", "docs/a.txt");
      const got = await d.readVersion("b1", "docs/a.txt", "", { readData: true });
      expect(got.versionId).toBe("null");
      expect(new TextDecoder().decode(got.data!)).toBe("abc");
      expect(got.dataDir).toBe(fi1.dataDir);
      // A data-dir version replacing the null version: the old data dir is reported for cleanup.
      const tmp = `tmp/${crypto.randomUUID()}`;
      const fi2 = fileInfo("b1", "docs/a.txt");
      await d.createFile(SYSTEM_VOLUME, `${tmp}/${fi2.dataDir}/part.1`, 3, streamOf(bytes("xyz")));
      const res = await d.renameData(SYSTEM_VOLUME, tmp, fi2, "b1", "docs/a.txt");
      expect(res.oldDataDir).toBe("");
      expect(new TextDecoder().decode(await d.readFile("b1", `docs/a.txt/${fi2.dataDir}/part.1`, 0, 3))).toBe("xyz");
      const fi3 = fileInfo("b1", "docs/a.txt");
      const tmp3 = `tmp/${crypto.randomUUID()}`;
      await d.createFile(SYSTEM_VOLUME, `${tmp3}/${fi3.dataDir}/part.1`, 3, streamOf(bytes("new")));
      expect((await d.renameData(SYSTEM_VOLUME, tmp3, fi3, "b1", "docs/a.txt")).oldDataDir).toBe(fi2.dataDir);
      expect((await d.readVersion("b1", "docs/a.txt", "null", { readData: false })).dataDir).toBe(fi3.dataDir);
    });

    test("metadata: versions, delete markers, removing the last version removes the object", async () => {
      await d.makeVol("b1");
      const v1 = crypto.randomUUID();
      const v2 = crypto.randomUUID();
      await putInline(d, "b1", "k", { versionId: v1, modTimeNs: 1000n });
      await putInline(d, "b1", "k", { versionId: v2, modTimeNs: 2000n });
      expect((await d.readVersion("b1", "k", "", { readData: false })).versionId).toBe(v2);
      const marker = fileInfo("b1", "k", {
        versionId: crypto.randomUUID(),
        deleted: true,
        modTimeNs: 3000n,
        dataDir: "",
        parts: [],
        erasure: undefined,
        size: 0,
        userMeta: {},
      });
      await d.deleteVersion("b1", "k", marker);
      const latest = await d.readVersion("b1", "k", "", { readData: false });
      expect(latest.deleted).toBe(true);
      expect(latest.numVersions).toBe(3);
      await expectKind(d.readVersion("b1", "k", crypto.randomUUID(), { readData: false }), "VersionNotFound");
      for (const id of [marker.versionId, v1, v2]) await d.deleteVersion("b1", "k", fileInfo("b1", "k", { versionId: id }));
      await expectKind(d.readMetadata("b1", "k"), "FileNotFound");
      expect(await d.listDir("b1", "")).toEqual([]);
    });

    test("an object cannot be created below another object", async () => {
      await d.makeVol("b1");
      await putInline(d, "b1", "a");
      await expectKind(putInline(d, "b1", "a/b"), "ParentIsObject");
      await putInline(d, "b1", "c/d");
      await putInline(d, "b1", "c"); // an object over a prefix is allowed (S3 allows both)
    });

    test("updateMetadata and writeMetadata", async () => {
      await d.makeVol("b1");
      const fi = await putInline(d, "b1", "m");
      await d.updateMetadata("b1", "m", { ...fi, userMeta: { ...fi.userMeta, "X-Amz-Meta-Color": "blue" }, data: undefined });
      const got = await d.readVersion("b1", "m", "", { readData: true });
      expect(got.userMeta["X-Amz-Meta-Color"]).toBe("blue");
      expect(new TextDecoder().decode(got.data!)).toBe("abc");
      await expectKind(d.updateMetadata("b1", "nothere", fi), "FileNotFound");
      await d.writeMetadata(SYSTEM_VOLUME, "multipart/x/y", fileInfo(SYSTEM_VOLUME, "multipart/x/y", { parts: [] }));
      expect((await d.readVersion(SYSTEM_VOLUME, "multipart/x/y", "", { readData: false })).parts).toEqual([]);
    });

    test("walk: sorted in UTF-8 byte order, prefixes, filters, resume", async () => {
      await d.makeVol("b1");
      // Children before "a": an object may be created over a prefix (not below an object).
      const keys = ["a/b", "a/c/d", "a", "a-b", "a.b", "b/", "b/x", "z\u{1F600}", "z\uFFFD", "dir/sub/deep/k"];
      for (const k of keys) await putInline(d, "b1", k.endsWith("/") ? k.slice(0, -1) + "__XLDIR__" : k);
      const all = await collect(d.walk({ volume: "b1", baseDir: "", recursive: true }));
      expect(all).toEqual(["a", "a-b", "a.b", "a/b", "a/c/d", "b/", "b/x", "dir/sub/deep/k", "z\uFFFD", "z\u{1F600}"]);
      const top = await collect(d.walk({ volume: "b1", baseDir: "", recursive: false }));
      expect(top).toEqual(["a", "a-b", "a.b", "P:a/", "b/", "P:b/", "P:dir/", "z\uFFFD", "z\u{1F600}"]);
      const opts: WalkOptions = { volume: "b1", baseDir: "a/", recursive: false };
      expect(await collect(d.walk(opts))).toEqual(["a/b", "P:a/c/"]);
      expect(await collect(d.walk({ volume: "b1", baseDir: "", recursive: true, filterPrefix: "a/" }))).toEqual(["a/b", "a/c/d"]);
      expect(await collect(d.walk({ volume: "b1", baseDir: "", recursive: true, after: "a/b" }))).toEqual([
        "a/c/d",
        "b/",
        "b/x",
        "dir/sub/deep/k",
        "z\uFFFD",
        "z\u{1F600}",
      ]);
      expect(await collect(d.walk({ volume: "b1", baseDir: "", recursive: true, after: "a/b", includeAfter: true }))).toEqual([
        "a/b",
        "a/c/d",
        "b/",
        "b/x",
        "dir/sub/deep/k",
        "z\uFFFD",
        "z\u{1F600}",
      ]);
      await expect(collect(d.walk({ volume: "nope", baseDir: "", recursive: true }))).rejects.toBeInstanceOf(DriveError);
      expect(await collect(d.walk({ volume: "b1", baseDir: "missing/", recursive: true }))).toEqual([]);
    });

    test("walk yields xl.meta without inline data", async () => {
      await d.makeVol("b1");
      const big = new Uint8Array(50_000).fill(7);
      await putInline(d, "b1", "big", { data: big, size: big.length });
      const [entry] = await Array.fromAsync(d.walk({ volume: "b1", baseDir: "", recursive: true }));
      expect(entry.kind).toBe("object");
      if (entry.kind === "object") expect(entry.meta.length).toBeLessThan(2000);
    });

    test("info reports capacity", async () => {
      const info = await d.info();
      expect(info.total).toBeGreaterThan(0);
      expect(info.free).toBeGreaterThan(0);
    });
  });
}
