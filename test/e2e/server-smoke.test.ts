// The real server process answers a real SDK client, and a restart keeps what it stored.
import { afterAll, expect, test } from "bun:test";
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { TempDirs } from "../support/temp-dirs.ts";
import { startServer } from "../support/server-process.ts";

const temp = new TempDirs();
afterAll(() => temp.cleanup());

test("put, restart on the same drives, get", async () => {
  const first = await startServer(temp);
  const s3 = first.client();
  await s3.send(new CreateBucketCommand({ Bucket: "smoke" }));
  const body = new Uint8Array(2_500_000).map((_, i) => (i * 7) % 256);
  await s3.send(new PutObjectCommand({ Bucket: "smoke", Key: "k", Body: body }));
  expect(await first.stop()).toBe(0);
  const second = await startServer(temp, { drives: first.drives });
  const got = await second.client().send(new GetObjectCommand({ Bucket: "smoke", Key: "k" }));
  expect(Buffer.from(await got.Body!.transformToByteArray()).equals(Buffer.from(body))).toBe(true);
  expect(await second.stop()).toBe(0);
});
