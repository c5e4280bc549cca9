import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { driveContract } from "../../test/cases/drive.cases.ts";
import { FaultyDrive } from "../../test/support/faulty-drive.ts";
import { TempDirs } from "../../test/support/temp-dirs.ts";
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

describe("LocalDrive specifics", () => {
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
        const err = await call().then(() => null, (e: unknown) => e);
        if (err === null && what !== "readVersion") continue;
        expect({ name, what, error: err instanceof DriveError ? err.kind : String(err) }).toEqual({ name, what, error: "Corrupt" });
        expect((err as DriveError).cause).toBeDefined();
      }
    }
    await drive.close();
  });
});
