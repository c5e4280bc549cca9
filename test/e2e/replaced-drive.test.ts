// A drive replaced by an empty one is formatted into its slot and refilled by the server on
// its own: afterwards the objects read back with the refilled drive standing in for a lost one.
import { afterAll, expect, test } from "bun:test";
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { existsSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { TempDirs } from "../support/temp-dirs.ts";
import { startServer } from "../support/server-process.ts";

const temp = new TempDirs();
afterAll(() => temp.cleanup());

async function until(check: () => boolean, what: string, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(100);
  }
}

test("an emptied drive is refilled at start-up and then serves in place of lost drives", async () => {
  const first = await startServer(temp);
  const s3 = first.client();
  await s3.send(new CreateBucketCommand({ Bucket: "keep" }));
  const objects = new Map<string, Uint8Array>([
    ["inline.txt", new TextEncoder().encode("small enough to live in xl.meta")],
    ["dir/big.bin", new Uint8Array(3 * 1024 * 1024 + 5).map((_, i) => (i * 7) & 0xff)],
  ]);
  for (const [Key, Body] of objects) await s3.send(new PutObjectCommand({ Bucket: "keep", Key, Body }));
  expect(await first.stop()).toBe(0);

  const [d1, d2, d3] = first.drives;
  rmSync(d3, { recursive: true, force: true });
  const second = await startServer(temp, { drives: first.drives, args: [] });
  // The server runs --quiet in tests: watch the drive itself fill up.
  await until(() => [...objects.keys()].every((k) => existsSync(join(d3, "keep", k, "xl.meta"))), "the refill to reach every object");
  expect(existsSync(join(d3, ".minio.sys/format.json"))).toBe(true);
  expect(await second.stop()).toBe(0);

  // Lose two other drives for good: the refilled one must carry its share.
  for (const d of [d1, d2]) {
    rmSync(d, { recursive: true, force: true });
    writeFileSync(d, "not a drive any more");
  }
  const third = await startServer(temp, { drives: first.drives });
  for (const [Key, Body] of objects) {
    const got = await third.client().send(new GetObjectCommand({ Bucket: "keep", Key }));
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(Buffer.from(Body))).toBe(true);
  }
  expect(await third.stop()).toBe(0);
}, 120_000);
