import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { driveContract, expectChunkOwnership } from "../../test/cases/drive.cases.ts";
import { FaultyDrive } from "../../test/support/faulty-drive.ts";
import { TempDirs } from "../../test/support/temp-dirs.ts";
import { WireDrive } from "../../test/support/wire-drive.ts";
import { LocalDrive } from "./local-drive.ts";
import { DriveError } from "./drive-error.ts";
import { MsgpackReader } from "../util/index.ts";

const temp = new TempDirs();
afterAll(() => temp.cleanup());

driveContract("LocalDrive", async () => {
  const drive = await LocalDrive.open(temp.make(), { fsync: "none" });
  return { drive, cleanup: () => drive.close() };
});

driveContract("FaultyDrive(LocalDrive) passing through", async () => {
  const inner = await LocalDrive.open(temp.make(), { fsync: "always" });
  return { drive: new FaultyDrive(inner), cleanup: () => inner.close() };
});

driveContract("WireDrive(LocalDrive): every argument, result and error structured-cloned", async () => {
  const inner = await LocalDrive.open(temp.make(), { fsync: "none" });
  return { drive: new WireDrive(inner), cleanup: () => inner.close() };
});

/** A LocalDrive whose createFile sees the producer's chunks through `adapt` (a rule breaker). */
async function breaking(adapt: (body: ReadableStream<Uint8Array>, size: number) => ReadableStream<Uint8Array>, resolveEarly = false): Promise<LocalDrive> {
  const drive = await LocalDrive.open(temp.make(), { fsync: "none" });
  const createFile = drive.createFile.bind(drive);
  drive.createFile = async (v, p, size, body) => {
    if (!resolveEarly) return createFile(v, p, size, adapt(body, size));
    // Acknowledges once it has every chunk, and writes the chunks it kept afterwards.
    const kept: Uint8Array[] = [];
    for await (const c of body) kept.push(c);
    setTimeout(() => void createFile(v, p, size, new Response(Buffer.concat(kept)).body!).catch(() => {}), 0);
  };
  return drive;
}

/** Passes chunks on, except that the one completing `size` waits until the stream is seen to end. */
function peekAtEnd(body: ReadableStream<Uint8Array>, size: number): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let seen = 0;
  return new ReadableStream<Uint8Array>(
    {
      async pull(c) {
        const r = await reader.read();
        if (r.done) return c.close();
        seen += r.value.length;
        if (seen === size && !(await reader.read()).done) return c.error(new Error("stream runs long"));
        c.enqueue(r.value);
      },
    },
    { highWaterMark: 0 },
  );
}

describe("the createFile chunk-ownership case fails against drives that break the rule", () => {
  const cases: [string, () => Promise<LocalDrive>][] = [
    ["reads ahead (keeps chunks the producer already reused)", () => breaking((b) => b.pipeThrough(new TransformStream(undefined, { highWaterMark: 4 })))],
    [
      "takes the producer's buffer (transfers it)",
      () =>
        breaking((b) =>
          b.pipeThrough(new TransformStream({ transform: (c, ctl) => ctl.enqueue(structuredClone(c, { transfer: [c.buffer as ArrayBuffer] })) })),
        ),
    ],
    ["resolves before it is done with the chunks", () => breaking((b) => b, true)],
    ["reads past the last chunk before writing it (to refuse a long stream first)", () => breaking(peekAtEnd)],
  ];
  for (const [what, open] of cases) {
    test(what, async () => {
      const drive = await open();
      await drive.makeVol("b1");
      let failed = false;
      await expectChunkOwnership(drive, "b1").catch(() => (failed = true));
      expect(failed).toBe(true);
      await Bun.sleep(20); // let the late writer finish before the drive closes
      await drive.close();
    });
  }
});

describe("LocalDrive specifics", () => {
  test("a readFileStream ended, errored or cancelled (even mid-read) leaves no file descriptor open", async () => {
    if (!existsSync("/proc/self/fd")) return; // the count needs Linux
    const drive = await LocalDrive.open(temp.make(), { fsync: "none" });
    await drive.makeVol("b");
    const data = new Uint8Array(4 << 20);
    await drive.writeAll("b", "f", data);
    const fds = () => readdirSync("/proc/self/fd").length;
    await new Response(await drive.readFileStream("b", "f", 0, 10)).arrayBuffer(); // warm up lazily opened handles
    const before = fds();
    for (let i = 0; i < 50; i++) {
      await new Response(await drive.readFileStream("b", "f", 5, 1 << 20, { chunk: 1000 })).arrayBuffer();
      await new Response(await drive.readFileStream("b", "f", data.length - 5, 10)).arrayBuffer().catch(() => {});
      const reader = (await drive.readFileStream("b", "f", 0, data.length, { chunk: 65536 })).getReader();
      await reader.read();
      const pending = reader.read(); // cancel while the next read may be in flight
      await reader.cancel(new Error("gone"));
      await pending.catch(() => {});
      await (await drive.readFileStream("b", "f", 0, data.length)).cancel(); // cancelled before any read
    }
    for (let i = 0; i < 50 && fds() > before; i++) await Bun.sleep(20);
    expect(fds()).toBeLessThanOrEqual(before);
    await drive.close();
  });

  test("a crash's leftovers in tmp are recycled at open", async () => {
    const root = temp.make();
    mkdirSync(`${root}/.minio.sys/tmp/${crypto.randomUUID()}/x`, { recursive: true });
    const drive = await LocalDrive.open(root);
    await drive.close();
    expect(readdirSync(`${root}/.minio.sys/tmp`)).toEqual([".trash"]);
    expect(readdirSync(`${root}/.minio.sys/tmp/.trash`)).toEqual([]);
  });

  test("refuses a directory with someone else's files", async () => {
    const root = temp.make();
    writeFileSync(`${root}/notes.txt`, "mine");
    await expect(LocalDrive.open(root)).rejects.toBeInstanceOf(DriveError);
    expect(existsSync(`${root}/.minio.sys`)).toBe(false);
  });

  test("accepts a directory of bucket directories (MinIO data without format.json)", async () => {
    const root = temp.make();
    mkdirSync(`${root}/bucket/obj`, { recursive: true });
    const drive = await LocalDrive.open(root);
    expect((await drive.listVols()).map((v) => v.name).sort()).toEqual([".minio.sys", "bucket"]);
  });
});

describe("damaged xl.meta leaves LocalDrive only as DriveError Corrupt", () => {
  const fi = (name: string) => ({
    volume: "b",
    name,
    versionId: "null",
    deleted: false,
    dataDir: "",
    modTimeNs: 1_700_000_000_000_000_000n,
    size: 3,
    userMeta: { etag: "acbd18db4cc2f85cedef654fccc4a4d8" },
    sysMeta: { "x-minio-internal-inline-data": new TextEncoder().encode("true") },
    parts: [{ number: 1, size: 3, actualSize: 3 }],
    erasure: { dataBlocks: 1, parityBlocks: 0, blockSize: 1 << 20, index: 1, distribution: [1] },
    data: new TextEncoder().encode("abc"),
    writtenBy: 0,
  });

  /** A valid v1.3 xl.meta whose one version body starts with a byte msgpack never uses, CRC recomputed: headers parse, the body does not. */
  async function badBody(drive: LocalDrive, root: string): Promise<Uint8Array> {
    await drive.renameData(".minio.sys", `tmp/${crypto.randomUUID()}`, fi("good"), "b", "good");
    const bytes = new Uint8Array(readFileSync(`${root}/b/good/xl.meta`));
    const meta = new MsgpackReader(bytes, 8).readBin();
    const m = new MsgpackReader(meta);
    m.readUint(); // header version
    m.readUint(); // meta version
    m.readUint(); // version count
    m.readBin(); // the header
    const body = m.readBin();
    bytes[body.byteOffset - bytes.byteOffset] = 0xc1;
    const end = meta.byteOffset - bytes.byteOffset + meta.length;
    new DataView(bytes.buffer, bytes.byteOffset).setUint32(end + 1, Number(Bun.hash.xxHash64(bytes.subarray(end - meta.length, end)) & 0xffffffffn));
    return bytes;
  }

  test("not XL2 (legacy xl.json bytes), truncated, and a body that does not decode", async () => {
    const root = temp.make();
    const drive = await LocalDrive.open(root, { fsync: "none" });
    await drive.makeVol("b");
    const damaged: Record<string, Uint8Array> = {
      legacy: new TextEncoder().encode('{"version":"1.0.1","format":"xl","stat":{"size":3}}'),
      truncated: new Uint8Array([0x58, 0x4c, 0x32, 0x20, 0x01, 0x00, 0x03, 0x00, 0xc4, 0x40, 0x93]),
      "bad-body": await badBody(drive, root),
    };
    for (const [name, bytes] of Object.entries(damaged)) {
      mkdirSync(`${root}/b/${name}`, { recursive: true });
      writeFileSync(`${root}/b/${name}/xl.meta`, bytes);
      const calls: [string, () => Promise<unknown>][] = [
        ["readVersion", () => drive.readVersion("b", name, "null", { readData: true })],
        ["updateMetadata", () => drive.updateMetadata("b", name, fi(name))],
        ["deleteVersion", () => drive.deleteVersion("b", name, fi(name))],
      ];
      for (const [what, call] of calls) {
        // Reading must fail; a write may instead replace what it cannot read. Never another error type.
        const err = await call().then(
          () => null,
          (e: unknown) => e,
        );
        if (err === null && what !== "readVersion") continue;
        expect({ name, what, error: err instanceof DriveError ? err.kind : String(err) }).toEqual({ name, what, error: "Corrupt" });
        expect((err as DriveError).cause).toBeDefined();
      }
    }
    await drive.close();
  });
});
