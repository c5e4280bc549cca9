// Two server pools across four real servers, each in a network namespace of its own, started with
// MinIO's command line for pools (`http://10.x.y.{1...2}:9000/…/disk{1...2}
// http://10.x.y.{3...4}:9000/…/disk{1...2}`): objects spread over both pools; pool 1 is
// decommissioned through the admin call sent to a server of pool 2 (it runs on pool 1's first
// server), objects written meanwhile through any server avoid pool 1, and after the drain the
// deployment restarted without pool 1 still serves every object and version.
import { afterAll, expect, test } from "bun:test";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListObjectVersionsCommand,
  ListObjectsV2Command,
  PutBucketVersioningCommand,
  PutObjectCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { NetnsCluster, netnsAvailable } from "../support/netns-cluster.ts";
import { pattern, signRequest } from "../support/s3-harness.ts";
import { TempDirs } from "../support/temp-dirs.ts";

const temp = new TempDirs();
let cluster: NetnsCluster | undefined;
afterAll(async () => {
  await cluster?.teardown();
  temp.cleanup();
});

async function bytes(c: S3Client, Bucket: string, Key: string, VersionId?: string): Promise<Buffer> {
  return Buffer.from(await (await c.send(new GetObjectCommand({ Bucket, Key, VersionId }))).Body!.transformToByteArray());
}

async function admin(endpoint: string, method: string, call: string, query: Record<string, string>) {
  const { url, headers } = await signRequest(endpoint, "us-east-1", { method, path: `/minio/admin/v3/${call}`, query });
  const res = await fetch(url, { method, headers });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/** Objects of `bucket` on node `i`'s drives (its xl.meta directories). */
function held(i: number, bucket: string): number {
  const dir = join(cluster!.nodes[i].dir, "disk1", bucket);
  return existsSync(dir) ? readdirSync(dir).length : 0;
}

test.skipIf(!netnsAvailable())(
  "a pool is drained through the admin API on another server; the deployment then runs without it",
  async () => {
    try {
      await drainAndRemove();
    } catch (err) {
      throw new Error(`${err instanceof Error ? err.message : String(err)}\n${cluster?.outputs()}`, { cause: err });
    }
  },
  240_000,
);

async function drainAndRemove(): Promise<void> {
  {
    cluster = new NetnsCluster(temp, 4, 2, [2, 2]);
    const [pool1, pool2] = cluster.args;
    cluster.setup();
    for (let i = 0; i < 4; i++) cluster.start(i);
    for (let i = 0; i < 4; i++) await cluster.ready(i);
    const c = cluster.nodes.map((_, i) => cluster!.client(i));
    await c[0].send(new CreateBucketCommand({ Bucket: "plain" }));
    await c[1].send(new CreateBucketCommand({ Bucket: "vers" }));
    await c[1].send(new PutBucketVersioningCommand({ Bucket: "vers", VersioningConfiguration: { Status: "Enabled" } }));
    const data = new Map<string, Buffer>();
    for (let i = 0; i < 30; i++) {
      const body = Buffer.from(pattern(i % 7 === 0 ? 300_000 : 2_000 + i, i + 1));
      data.set(`obj/${i}`, body);
      await c[i % 4].send(new PutObjectCommand({ Bucket: "plain", Key: `obj/${i}`, Body: body }));
    }
    const versions: { id: string; body: Buffer }[] = [];
    for (let v = 0; v < 3; v++) {
      const body = Buffer.from(`version ${v}`);
      versions.push({ id: (await c[v].send(new PutObjectCommand({ Bucket: "vers", Key: "doc", Body: body }))).VersionId!, body });
    }
    // Placement by free space spreads new objects over both pools.
    expect(held(0, "plain")).toBeGreaterThan(0);
    expect(held(2, "plain")).toBeGreaterThan(0);

    const list = await admin(cluster.nodes[3].endpoint, "GET", "pools/list", {});
    expect(list.body.map((p: { cmdline: string }) => p.cmdline)).toEqual([pool1, pool2]);
    // Sent to a server of pool 2: the drain runs on pool 1's first server.
    const start = await admin(cluster.nodes[2].endpoint, "POST", "pools/decommission", { pool: pool1 });
    expect([start.status, start.body]).toEqual([200, null]);
    // Every server now places new objects in pool 2 only.
    for (let i = 0; i < 8; i++) {
      const body = Buffer.from(`during ${i}`);
      data.set(`during/${i}`, body);
      await c[i % 4].send(new PutObjectCommand({ Bucket: "plain", Key: `during/${i}`, Body: body }));
    }
    let info: { complete: boolean; failed: boolean; objectsDecommissioned: number } | undefined;
    const deadline = Date.now() + 120_000;
    while (!info?.complete && !info?.failed) {
      if (Date.now() > deadline) throw new Error(`the drain did not end:\n${cluster.outputs()}`);
      await Bun.sleep(200);
      info = (await admin(cluster.nodes[3].endpoint, "GET", "pools/status", { pool: pool1 })).body.decommissionInfo;
    }
    expect(info).toMatchObject({ complete: true, failed: false });
    expect(info!.objectsDecommissioned).toBeGreaterThan(0);
    for (const i of [0, 1]) for (const b of ["plain", "vers"]) expect(held(i, b)).toBe(0);
    // The runner's log line may reach us a little after its status did.
    for (let i = 0; i < 100 && !cluster.nodes[0].output.includes("complete:"); i++) await Bun.sleep(50);
    expect(cluster.nodes[0].output).toContain("Decommission of pool 1");
    expect(cluster.nodes[0].output).toContain("complete:");
    for (const i of [1, 2, 3]) expect(cluster.nodes[i].output).not.toContain("Decommission of pool 1");

    // Every server serves every object after the drain.
    for (const [key, body] of data) expect((await bytes(c[Number(key.length % 4)], "plain", key)).equals(body)).toBe(true);

    // Pool 1's servers go; pools 2's restart with only their own pool on the command line.
    for (let i = 0; i < 4; i++) await cluster.stop(i);
    cluster.args = [pool2];
    cluster.start(2);
    cluster.start(3);
    await cluster.ready(2);
    await cluster.ready(3);
    for (const [key, body] of data) expect((await bytes(c[2 + (key.length % 2)], "plain", key)).equals(body)).toBe(true);
    const listed = (await c[3].send(new ListObjectsV2Command({ Bucket: "plain", MaxKeys: 1000 }))).Contents!.map((o) => o.Key);
    expect(listed.sort()).toEqual([...data.keys()].sort());
    const vs = (await c[2].send(new ListObjectVersionsCommand({ Bucket: "vers" }))).Versions!.map((v) => v.VersionId);
    expect(vs).toEqual(versions.map((v) => v.id).reverse());
    for (const v of versions) expect((await bytes(c[3], "vers", "doc", v.id)).equals(v.body)).toBe(true);
  }
}
