import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, readdirSync, writeFileSync, mkdirSync } from "node:fs";
import { driveContract } from "../../test/cases/drive.cases.ts";
import { FaultyDrive } from "../../test/support/faulty-drive.ts";
import { TempDirs } from "../../test/support/temp-dirs.ts";
import { LocalDrive } from "./local-drive.ts";
import { DriveError } from "./drive-error.ts";

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
