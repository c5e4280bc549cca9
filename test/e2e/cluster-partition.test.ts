// A network partition, for real: 4 server processes in network namespaces of their own, started
// with MinIO's command line (`http://10.x.y.{1...4}:9000/…/disk{1...4}`); one node's link to the
// others is cut. The minority side must refuse writes (and leave nothing half-visible), the
// majority must keep serving, and after the link is back the lone node serves what it missed.
import { afterAll, expect, test } from "bun:test";
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { TempDirs } from "../support/temp-dirs.ts";
import { NetnsCluster, netnsAvailable } from "../support/netns-cluster.ts";

const temp = new TempDirs();
let cluster: NetnsCluster | undefined;
afterAll(async () => {
  await cluster?.teardown();
  temp.cleanup();
});

async function text(c: S3Client, bucket: string, key: string): Promise<string> {
  return (await c.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body!.transformToString();
}

async function keys(c: S3Client, bucket: string): Promise<string[]> {
  return ((await c.send(new ListObjectsV2Command({ Bucket: bucket }))).Contents ?? []).map((o) => o.Key!).sort();
}

// CI runs as root; elsewhere (no namespaces) there is nothing to run this on.
test.skipIf(!netnsAvailable())(
  "a partitioned node refuses writes; the majority keeps serving; after the partition heals the node serves what it missed",
  async () => {
    cluster = new NetnsCluster(temp, 4, 4);
    cluster.setup();
    for (let i = 0; i < 4; i++) cluster.start(i);
    for (let i = 0; i < 4; i++) await cluster.ready(i);
    const c = cluster.nodes.map((_, i) => cluster!.client(i, { maxAttempts: 1 }));
    await c[0].send(new CreateBucketCommand({ Bucket: "split" }));
    await c[1].send(new PutObjectCommand({ Bucket: "split", Key: "before", Body: "before" }));
    expect(await text(c[3], "split", "before")).toBe("before");

    cluster.partition(3, true);
    // Minority (4 of 16 drives): writes are refused with a retryable quorum error, reads cannot reach quorum either.
    await expect(c[3].send(new PutObjectCommand({ Bucket: "split", Key: "minority", Body: "lost" }))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 503 },
    });
    await expect(text(c[3], "split", "before")).rejects.toMatchObject({ $metadata: { httpStatusCode: 503 } });
    // Majority (12 of 16): keeps serving reads and writes.
    for (const [i, client] of c.slice(0, 3).entries()) {
      await client.send(new PutObjectCommand({ Bucket: "split", Key: `majority-${i}`, Body: `m${i}` }));
      expect(await text(client, "split", "before")).toBe("before");
    }
    expect(await keys(c[0], "split")).toEqual(["before", "majority-0", "majority-1", "majority-2"]);

    cluster.partition(3, false);
    // Converges: the lone node serves the majority's writes; the write it refused exists nowhere.
    const deadline = Date.now() + 60_000;
    for (;;) {
      const ok = await text(c[3], "split", "majority-2").then(
        (t) => t === "m2",
        () => false,
      );
      if (ok) break;
      if (Date.now() > deadline) throw new Error(`node 4 did not rejoin:\n${cluster.outputs()}`);
      await Bun.sleep(500);
    }
    for (const client of c) {
      expect(await keys(client, "split")).toEqual(["before", "majority-0", "majority-1", "majority-2"]);
      await expect(client.send(new GetObjectCommand({ Bucket: "split", Key: "minority" }))).rejects.toMatchObject({ name: "NoSuchKey" });
    }
  },
  240_000,
);
