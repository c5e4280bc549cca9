import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, readdirSync, writeFileSync, mkdirSync } from "node:fs";
import { driveContract, expectChunkOwnership } from "../../test/cases/drive.cases.ts";
import { FaultyDrive } from "../../test/support/faulty-drive.ts";
import { TempDirs } from "../../test/support/temp-dirs.ts";
import { WireDrive } from "../../test/support/wire-drive.ts";
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
    ["takes the producer's buffer (transfers it)", () => breaking((b) => b.pipeThrough(new TransformStream({ transform: (c, ctl) => ctl.enqueue(structuredClone(c, { transfer: [c.buffer as ArrayBuffer] })) })))],
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
