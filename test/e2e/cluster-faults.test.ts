// Distributed mode under faults, with real processes: kill -9 and SIGSTOP of a node under write
// load, a rolling restart under continuous SDK traffic, a node that returns after missing
// writes, deletes and bucket changes, a node started alone, and a node with other settings.
import { afterAll, afterEach, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  PutBucketVersioningCommand,
  PutObjectCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { TempDirs } from "../support/temp-dirs.ts";
import { startCluster, type ClusterProcess } from "../support/cluster-process.ts";
import { S3Load, verifyAcked } from "../support/cluster-load.ts";
import { pattern } from "../support/s3-harness.ts";

const temp = new TempDirs();
afterAll(() => temp.cleanup());
let current: ClusterProcess | undefined;
afterEach(async () => {
  await current?.stopAll();
  current = undefined;
});

async function fourNodes(): Promise<{ cluster: ClusterProcess; clients: S3Client[] }> {
  const cluster = await startCluster(temp, { nodes: 4, drivesPerNode: 4 });
  current = cluster;
  return { cluster, clients: cluster.nodes.map((_, i) => cluster.client(i)) };
}

async function listAll(c: S3Client, bucket: string): Promise<string[]> {
  const out: string[] = [];
  let token: string | undefined;
  do {
    const page = await c.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
    for (const o of page.Contents ?? []) out.push(o.Key!);
    token = page.NextContinuationToken;
  } while (token);
  return out.sort();
}

/** Polls `check` until it returns true or `ms` pass; a convergence wait, not a timing assertion. */
async function eventually(check: () => Promise<boolean> | boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not reached within ${ms} ms: ${what}`);
    await Bun.sleep(250);
  }
}

async function expectAllAckedEverywhere(clients: S3Client[], bucket: string, acked: Map<string, string>): Promise<void> {
  for (const c of clients) {
    expect(await verifyAcked(c, bucket, acked)).toEqual([]);
    const listed = new Set(await listAll(c, bucket));
    expect([...acked.keys()].filter((k) => !listed.has(k))).toEqual([]);
  }
}

test("kill -9 of a node under write load: every acknowledged object is readable and listed through every node, also after it returns", async () => {
  const { cluster, clients } = await fourNodes();
  await clients[0].send(new CreateBucketCommand({ Bucket: "load" }));
  const live = [clients[0], clients[1], clients[2]];
  const load = new S3Load(() => live, "load", { writers: 4, readers: 2 });
  load.start();
  await Bun.sleep(1_500);
  await cluster.signal(3, "SIGKILL");
  await Bun.sleep(3_000);
  const result = await load.stop();
  expect(result.wrongBytes).toEqual([]);
  expect(result.acked.size).toBeGreaterThan(10);
  await expectAllAckedEverywhere(live, "load", result.acked);
  // The node comes back and converges: it serves every object, and the writes it missed are healed onto its drives.
  cluster.start(3);
  await cluster.ready(3);
  await expectAllAckedEverywhere(clients, "load", result.acked);
  const last = [...result.acked.keys()].at(-1)!;
  await eventually(() => cluster.nodes[3].drives.every((d) => existsSync(join(d, "load", last, "xl.meta"))), 60_000, `${last} healed onto node 4`);
}, 180_000);

test("SIGSTOP of a node under write load: the others go around it; after SIGCONT it serves everything", async () => {
  const { cluster, clients } = await fourNodes();
  await clients[0].send(new CreateBucketCommand({ Bucket: "hung" }));
  const live = [clients[0], clients[2], clients[3]];
  const load = new S3Load(() => live, "hung", { writers: 4, readers: 2 });
  load.start();
  await Bun.sleep(1_000);
  await cluster.signal(1, "SIGSTOP");
  await Bun.sleep(8_000);
  const result = await load.stop();
  expect(result.wrongBytes).toEqual([]);
  await expectAllAckedEverywhere(live, "hung", result.acked);
  await cluster.signal(1, "SIGCONT");
  await eventually(
    async () => (await verifyAcked(clients[1], "hung", result.acked).catch(() => ["x"])).length === 0,
    60_000,
    "node 2 serves every object after SIGCONT",
  );
  await expectAllAckedEverywhere(clients, "hung", result.acked);
}, 180_000);

test("rolling restart under continuous reads and writes: zero failed operations, zero wrong bytes", async () => {
  const { cluster, clients } = await fourNodes();
  await clients[0].send(new CreateBucketCommand({ Bucket: "rolling" }));
  // As behind a load balancer: traffic goes to the nodes that are up.
  let down = -1;
  const load = new S3Load(() => clients.filter((_, i) => i !== down), "rolling", { writers: 3, readers: 3, sizes: [2_000, 300_000, 2 * 1024 * 1024] });
  load.start();
  const timeline: string[] = [];
  for (let i = 0; i < 4; i++) {
    await Bun.sleep(1_000);
    down = i;
    await Bun.sleep(200); // requests already sent to the node finish during its graceful stop
    timeline.push(`${new Date().toISOString()} SIGTERM node ${i + 1}`);
    await cluster.signal(i, "SIGTERM");
    cluster.start(i);
    await cluster.ready(i);
    timeline.push(`${new Date().toISOString()} node ${i + 1} ready`);
    down = -1;
  }
  await Bun.sleep(1_000);
  const result = await load.stop();
  if (result.failures.length > 0) console.error(timeline.join("\n"));
  expect(result.failures).toEqual([]);
  expect(result.wrongBytes).toEqual([]);
  expect(result.reads).toBeGreaterThan(0);
  await expectAllAckedEverywhere(clients, "rolling", result.acked);
}, 240_000);

test("a node that was down converges: new objects, deletions and bucket changes made while it was away", async () => {
  const { cluster, clients } = await fourNodes();
  for (const b of ["keep", "dropme"]) await clients[0].send(new CreateBucketCommand({ Bucket: b }));
  await clients[0].send(new PutBucketVersioningCommand({ Bucket: "keep", VersioningConfiguration: { Status: "Enabled" } }));
  for (const k of ["stays", "deleted", "marked"]) await clients[0].send(new PutObjectCommand({ Bucket: "keep", Key: k, Body: `${k}-v1` }));
  await clients[0].send(new PutObjectCommand({ Bucket: "dropme", Key: "x", Body: "x" }));
  const v1 = await clients[0].send(new PutObjectCommand({ Bucket: "keep", Key: "deleted", Body: "deleted-v2" }));

  await cluster.signal(3, "SIGKILL");
  const live = clients.slice(0, 3);
  await live[0].send(new CreateBucketCommand({ Bucket: "born-while-away" }));
  await live[1].send(new PutObjectCommand({ Bucket: "born-while-away", Key: "hello", Body: "world" }));
  await live[1].send(new PutObjectCommand({ Bucket: "keep", Key: "new", Body: "new-v1" }));
  // A specific version removed, and a delete marker on top of another key.
  expect(await listAll(live[0], "keep")).toEqual(["deleted", "marked", "new", "stays"]);
  await live[2].send(new DeleteObjectCommand({ Bucket: "keep", Key: "deleted", VersionId: v1.VersionId }));
  await live[2].send(new DeleteObjectCommand({ Bucket: "keep", Key: "marked" }));
  await live[0].send(new DeleteObjectCommand({ Bucket: "dropme", Key: "x" }));
  await live[0].send(new DeleteBucketCommand({ Bucket: "dropme" }));

  cluster.start(3);
  await cluster.ready(3);
  const expected = ["deleted", "new", "stays"];
  for (const c of clients) {
    const buckets = (await c.send(new ListBucketsCommand({}))).Buckets!.map((b) => b.Name);
    expect(buckets).toContain("born-while-away");
    expect(buckets).not.toContain("dropme");
    await expect(c.send(new HeadBucketCommand({ Bucket: "dropme" }))).rejects.toMatchObject({ name: "NotFound" });
    expect(await listAll(c, "keep")).toEqual(expected);
    // No ghost keys: whatever is listed can be read, with the newest bytes.
    for (const k of expected) {
      const body = await (await c.send(new GetObjectCommand({ Bucket: "keep", Key: k }))).Body!.transformToString();
      expect(body).toBe(k === "deleted" ? "deleted-v1" : `${k}-v1`);
    }
    await expect(c.send(new GetObjectCommand({ Bucket: "keep", Key: "marked" }))).rejects.toMatchObject({ name: "NoSuchKey" });
    expect(await (await c.send(new GetObjectCommand({ Bucket: "born-while-away", Key: "hello" }))).Body!.transformToString()).toBe("world");
  }
  // The deleted bucket does not come back, even when recreated empty: its old object stays gone.
  await clients[3].send(new CreateBucketCommand({ Bucket: "dropme" }));
  for (const c of clients) expect(await listAll(c, "dropme")).toEqual([]);
}, 180_000);

test("a node started alone waits (503 XMinioServerNotInitialized, says what it waits for) and serves once quorum exists", async () => {
  const cluster = await startCluster(temp, { nodes: 4, drivesPerNode: 2, deferStart: true });
  current = cluster;
  cluster.start(0);
  await Bun.sleep(3_000);
  const res = await fetch(`${cluster.nodes[0].endpoint}/probe`);
  expect(res.status).toBe(503);
  expect(await res.text()).toContain("XMinioServerNotInitialized");
  expect(cluster.nodes[0].output).toContain("Waiting for the cluster");
  for (const i of [1, 2, 3]) cluster.start(i);
  await cluster.allReady();
  const c = cluster.client(2);
  await c.send(new CreateBucketCommand({ Bucket: "late" }));
  await c.send(new PutObjectCommand({ Bucket: "late", Key: "k", Body: "v" }));
  expect(await (await cluster.client(0).send(new GetObjectCommand({ Bucket: "late", Key: "k" }))).Body!.transformToString()).toBe("v");
}, 120_000);

test("a node started with other settings or credentials is refused, naming the node and the setting", async () => {
  const cluster = await startCluster(temp, { nodes: 4, drivesPerNode: 2 });
  current = cluster;
  await cluster.signal(3, "SIGTERM");
  cluster.start(3, { MINIO_STORAGE_CLASS_STANDARD: "EC:2" });
  expect(await cluster.nodes[3].proc!.exited).not.toBe(0);
  expect(cluster.nodes[3].output).toMatch(/Server 127\.0\.0\.1:\d+ runs with a different storage class/);
  cluster.start(3, { MINIO_ROOT_PASSWORD: "another-secret-key" });
  expect(await cluster.nodes[3].proc!.exited).not.toBe(0);
  expect(cluster.nodes[3].output).toContain("root credentials");
  // The healthy nodes kept serving.
  await cluster.client(0).send(new CreateBucketCommand({ Bucket: "still-up" }));
}, 120_000);

test("a node whose drives were all replaced gets every object healed back; the others can then lose a node", async () => {
  const { cluster, clients } = await fourNodes();
  await clients[0].send(new CreateBucketCommand({ Bucket: "refill" }));
  await clients[0].send(new PutBucketVersioningCommand({ Bucket: "refill", VersioningConfiguration: { Status: "Enabled" } }));
  const acked = new Map<string, Uint8Array>();
  for (let i = 0; i < 24; i++) {
    // Inline objects, objects with part files, and one of several erasure blocks.
    const body = pattern(i === 0 ? 3 * 1024 * 1024 + 7 : i % 3 === 0 ? 200_000 + i : 100 + i, i + 1);
    acked.set(`o/${i}`, body);
    await clients[i % 4].send(new PutObjectCommand({ Bucket: "refill", Key: `o/${i}`, Body: body }));
  }
  await cluster.signal(3, "SIGKILL");
  cluster.wipe(3);
  cluster.start(3);
  await cluster.ready(3);
  // Every object's metadata reaches each of the node's new drives (the refill runs in the background).
  const onNode4 = () => [...acked.keys()].every((k) => cluster.nodes[3].drives.every((d) => existsSync(join(d, "refill", k, "xl.meta"))));
  await eventually(onNode4, 120_000, `every object healed onto node 4's drives:\n${cluster.outputs()}`);
  // With node 1 gone, 12 of 16 drives are left and a read needs all 12 data shards: node 4's
  // rebuilt shards must be right (bitrot-checked on every read) for any GET to succeed.
  await cluster.signal(0, "SIGKILL");
  for (const c of clients.slice(1)) {
    for (const [key, body] of acked) {
      const got = await (await c.send(new GetObjectCommand({ Bucket: "refill", Key: key }))).Body!.transformToByteArray();
      expect(Buffer.from(got).equals(Buffer.from(body))).toBe(true);
    }
  }
}, 240_000);
