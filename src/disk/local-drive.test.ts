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
