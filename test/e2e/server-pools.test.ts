// Server pools on the real server process: a deployment started with one pool is restarted with
// a second one (two ellipses arguments); every object written before stays readable, the new
// pool joins the same deployment, new objects land in it too, and listings show everything.
import { afterAll, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import {
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  ListObjectVersionsCommand,
  ListObjectsV2Command,
  PutBucketVersioningCommand,
  PutObjectCommand,
  UploadPartCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { TempDirs } from "../support/temp-dirs.ts";
import { startServer } from "../support/server-process.ts";

const temp = new TempDirs();
afterAll(() => temp.cleanup());

async function body(c: S3Client, Bucket: string, Key: string, VersionId?: string): Promise<string> {
  const r = await c.send(new GetObjectCommand({ Bucket, Key, VersionId }));
  return await r.Body!.transformToString();
}

test("a pool added on restart keeps every object readable and takes new objects", async () => {
  const parent = temp.make("bunker-e2e-pools-");
  for (const p of ["a", "b"]) for (let i = 1; i <= (p === "a" ? 4 : 6); i++) mkdirSync(join(parent, `${p}${i}`));
  const poolA = `${parent}/a{1...4}`;
  const poolB = `${parent}/b{1...6}`;

  const one = await startServer(temp, { drives: [poolA] });
  let c = one.client();
  const versions: string[] = [];
  try {
    await c.send(new CreateBucketCommand({ Bucket: "plain" }));
    await c.send(new CreateBucketCommand({ Bucket: "vers" }));
    await c.send(new PutBucketVersioningCommand({ Bucket: "vers", VersioningConfiguration: { Status: "Enabled" } }));
    for (let i = 0; i < 5; i++) await c.send(new PutObjectCommand({ Bucket: "plain", Key: `old/${i}`, Body: `old ${i}` }));
    for (const v of ["v1", "v2"]) versions.push((await c.send(new PutObjectCommand({ Bucket: "vers", Key: "doc", Body: v }))).VersionId!);
    const up = await c.send(new CreateMultipartUploadCommand({ Bucket: "plain", Key: "mp" }));
    const part = "p".repeat(6 * 1024 * 1024);
    const p1 = await c.send(new UploadPartCommand({ Bucket: "plain", Key: "mp", UploadId: up.UploadId, PartNumber: 1, Body: part }));
    const p2 = await c.send(new UploadPartCommand({ Bucket: "plain", Key: "mp", UploadId: up.UploadId, PartNumber: 2, Body: "tail" }));
    await c.send(
      new CompleteMultipartUploadCommand({
        Bucket: "plain",
        Key: "mp",
        UploadId: up.UploadId,
        MultipartUpload: {
          Parts: [
            { PartNumber: 1, ETag: p1.ETag },
            { PartNumber: 2, ETag: p2.ETag },
          ],
        },
      }),
    );
  } finally {
    expect(await one.stop()).toBe(0);
  }
  expect(readdirSync(join(parent, "b1"))).toEqual([]);

  const two = await startServer(temp, { drives: [poolA, poolB] });
  c = two.client();
  try {
    // The new pool was formatted into the same deployment.
    const idOf = (d: string) => JSON.parse(readFileSync(join(parent, d, ".minio.sys/format.json"), "utf8")).id;
    expect(idOf("b1")).toBe(idOf("a1"));
    for (let i = 0; i < 5; i++) expect(await body(c, "plain", `old/${i}`)).toBe(`old ${i}`);
    expect(await body(c, "vers", "doc")).toBe("v2");
    expect(await body(c, "vers", "doc", versions[0])).toBe("v1");
    expect((await body(c, "plain", "mp")).length).toBe(6 * 1024 * 1024 + 4);
    // New objects are spread by free space: pool 2 (six drives on the same disk) gets some.
    for (let i = 0; i < 30; i++) await c.send(new PutObjectCommand({ Bucket: "plain", Key: `new/${i}`, Body: `new ${i}` }));
    const inB = Array.from({ length: 30 }, (_, i) => existsSync(join(parent, "b1", "plain", "new", String(i), "xl.meta")));
    expect(inB.filter(Boolean).length).toBeGreaterThan(0);
    for (let i = 0; i < 30; i++) expect(await body(c, "plain", `new/${i}`)).toBe(`new ${i}`);
    // An existing key stays in its pool.
    const v3 = await c.send(new PutObjectCommand({ Bucket: "vers", Key: "doc", Body: "v3" }));
    expect(existsSync(join(parent, "b1", "vers", "doc", "xl.meta"))).toBe(false);
    const listed = await c.send(new ListObjectsV2Command({ Bucket: "plain", MaxKeys: 1000 }));
    expect(listed.Contents!.length).toBe(36);
    const keys = listed.Contents!.map((o) => o.Key!);
    expect(keys).toEqual([...keys].sort());
    const vs = await c.send(new ListObjectVersionsCommand({ Bucket: "vers" }));
    expect(vs.Versions!.map((v) => v.VersionId)).toEqual([v3.VersionId, versions[1], versions[0]]);
  } finally {
    expect(await two.stop()).toBe(0);
  }
}, 120_000);
