// Distributed mode end to end: 4 real server processes × 4 drives on loopback ports, one
// erasure set of 16 (EC 12+4), driven with the AWS SDK through every node.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import {
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListObjectVersionsCommand,
  ListObjectsV2Command,
  PutBucketVersioningCommand,
  PutObjectCommand,
  UploadPartCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { TempDirs } from "../support/temp-dirs.ts";
import { startCluster, type ClusterProcess } from "../support/cluster-process.ts";
import { bodyFor, md5hex } from "../support/cluster-load.ts";
import { buildMadminClient, madmin, madminMissing } from "../support/madmin-client.ts";
import { ROOT_PASSWORD, ROOT_USER } from "../support/server-process.ts";

const temp = new TempDirs();
afterAll(() => temp.cleanup());

async function keysVia(client: S3Client, bucket: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const o of page.Contents ?? []) out.push(o.Key!);
    token = page.NextContinuationToken;
  } while (token);
  return out;
}

async function md5Via(client: S3Client, bucket: string, key: string): Promise<string> {
  const res = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return md5hex(await res.Body!.transformToByteArray());
}

describe("a 4-node cluster", () => {
  let cluster: ClusterProcess;
  let clients: S3Client[];
  beforeAll(async () => {
    cluster = await startCluster(temp, { nodes: 4, drivesPerNode: 4, env: { MINIO_PROMETHEUS_AUTH_TYPE: "public" } });
    clients = cluster.nodes.map((_, i) => cluster.client(i));
  }, 90_000);
  afterAll(async () => {
    await cluster?.stopAll();
  });

  test("the drives were formatted once, for the whole cluster", () => {
    const formats = cluster.nodes.flatMap((n) => n.drives.map((d) => JSON.parse(readFileSync(join(d, ".minio.sys", "format.json"), "utf8"))));
    expect(formats).toHaveLength(16);
    expect(new Set(formats.map((f) => f.id)).size).toBe(1);
    expect(formats[0].xl.sets).toHaveLength(1);
    expect(formats[0].xl.sets[0]).toHaveLength(16);
    // Every drive holds the same layout and a distinct identity within it, at its command-line position.
    for (const [i, f] of formats.entries()) {
      expect(f.xl.sets).toEqual(formats[0].xl.sets);
      expect(f.xl.this).toBe(formats[0].xl.sets[0][i]);
    }
  });

  test("what one node writes, every node reads and lists, byte for byte", async () => {
    await clients[0].send(new CreateBucketCommand({ Bucket: "shared" }));
    const keys = ["small", "inline-128k", "big-5m"];
    const sizes = [100, 128 * 1024, 5 * 1024 * 1024 + 17];
    for (const [i, key] of keys.entries()) {
      await clients[(i + 1) % 4].send(new PutObjectCommand({ Bucket: "shared", Key: key, Body: bodyFor(key, sizes[i]) }));
    }
    for (const c of clients) {
      expect((await keysVia(c, "shared")).sort()).toEqual([...keys].sort());
      for (const [i, key] of keys.entries()) expect(await md5Via(c, "shared", key)).toBe(md5hex(bodyFor(key, sizes[i])));
    }
    // The shards of the big object are spread over all four servers' drives.
    const holders = cluster.nodes.filter((n) => n.drives.some((d) => readdirSync(join(d, "shared")).includes("big-5m")));
    expect(holders).toHaveLength(4);
  });

  test("a multipart upload can be started, fed and completed through different nodes", async () => {
    const key = "mp/object";
    const up = await clients[0].send(new CreateMultipartUploadCommand({ Bucket: "shared", Key: key }));
    const part1 = bodyFor("p1", 5 * 1024 * 1024);
    const part2 = bodyFor("p2", 1024);
    const e1 = await clients[1].send(new UploadPartCommand({ Bucket: "shared", Key: key, UploadId: up.UploadId, PartNumber: 1, Body: part1 }));
    const e2 = await clients[2].send(new UploadPartCommand({ Bucket: "shared", Key: key, UploadId: up.UploadId, PartNumber: 2, Body: part2 }));
    await clients[3].send(
      new CompleteMultipartUploadCommand({
        Bucket: "shared",
        Key: key,
        UploadId: up.UploadId,
        MultipartUpload: {
          Parts: [
            { PartNumber: 1, ETag: e1.ETag },
            { PartNumber: 2, ETag: e2.ETag },
          ],
        },
      }),
    );
    const whole = new Uint8Array(part1.length + part2.length);
    whole.set(part1);
    whole.set(part2, part1.length);
    for (const c of clients) expect(await md5Via(c, "shared", key)).toBe(md5hex(whole));
  });

  test("bucket changes on one node apply on every node at once (versioning, deletion)", async () => {
    await clients[0].send(new CreateBucketCommand({ Bucket: "notify" }));
    // Every node looks at the bucket first, so each has it cached as unversioned.
    for (const c of clients) await c.send(new PutObjectCommand({ Bucket: "notify", Key: "warm", Body: "x" }));
    await clients[0].send(new PutBucketVersioningCommand({ Bucket: "notify", VersioningConfiguration: { Status: "Enabled" } }));
    for (const c of clients) await c.send(new PutObjectCommand({ Bucket: "notify", Key: "v", Body: "y" }));
    const versions = await clients[3].send(new ListObjectVersionsCommand({ Bucket: "notify", Prefix: "v" }));
    expect(versions.Versions?.length).toBe(4);
    expect(new Set(versions.Versions?.map((v) => v.VersionId)).size).toBe(4);
    expect(versions.Versions?.every((v) => v.VersionId !== "null")).toBe(true);

    await clients[1].send(new CreateBucketCommand({ Bucket: "gone" }));
    for (const c of clients) await c.send(new HeadBucketCommand({ Bucket: "gone" }));
    await clients[2].send(new DeleteBucketCommand({ Bucket: "gone" }));
    for (const c of clients) await expect(c.send(new HeadBucketCommand({ Bucket: "gone" }))).rejects.toMatchObject({ name: "NotFound" });
    for (const c of clients)
      await expect(c.send(new PutObjectCommand({ Bucket: "gone", Key: "k", Body: "z" }))).rejects.toMatchObject({ name: "NoSuchBucket" });
  });

  test("every node's cluster metrics count the four servers and sixteen drives", async () => {
    for (const n of cluster.nodes) {
      const text = await (await fetch(`${n.endpoint}/minio/v2/metrics/cluster`)).text();
      expect(text).toMatch(/^minio_cluster_nodes_online_total\{[^}]*\} 4$/m);
      expect(text).toMatch(/^minio_cluster_nodes_offline_total\{[^}]*\} 0$/m);
      expect(text).toMatch(/^minio_cluster_drive_online_total\{[^}]*\} 16$/m);
    }
  });

  test("a delete through one node is seen by every node", async () => {
    await clients[0].send(new PutObjectCommand({ Bucket: "shared", Key: "doomed", Body: "bye" }));
    await clients[3].send(new DeleteObjectCommand({ Bucket: "shared", Key: "doomed" }));
    for (const c of clients) {
      await expect(c.send(new GetObjectCommand({ Bucket: "shared", Key: "doomed" }))).rejects.toMatchObject({ name: "NoSuchKey" });
      expect(await keysVia(c, "shared", "doomed")).toEqual([]);
    }
  });

  test.skipIf(madminMissing() !== null && !process.env.CI)(
    "IAM changes made through one node apply on every node at once (users, policies, status, service accounts)",
    async () => {
      const bin = await buildMadminClient();
      if (!bin) throw new Error(`${madminMissing()}; CI must install it`);
      const root = { accessKey: ROOT_USER, secretKey: ROOT_PASSWORD };
      const call = async (node: number, command: string, args?: unknown) => {
        const r = await madmin(bin, cluster.nodes[node].endpoint, root, command, args);
        if (!r.ok) throw new Error(`${command} via node ${node + 1}: ${r.error.code} ${r.error.message}`);
        return r.result;
      };
      await clients[0].send(new CreateBucketCommand({ Bucket: "iam" }));
      await clients[0].send(new PutObjectCommand({ Bucket: "iam", Key: "k", Body: "v" }));
      const as = (node: number, accessKeyId: string, secretAccessKey: string) =>
        new S3Client({
          endpoint: cluster.nodes[node].endpoint,
          region: "us-east-1",
          forcePathStyle: true,
          maxAttempts: 1,
          credentials: { accessKeyId, secretAccessKey },
        });
      const read = async (node: number, ak: string, sk: string) =>
        as(node, ak, sk)
          .send(new GetObjectCommand({ Bucket: "iam", Key: "k" }))
          .then(
            async (r) => (await r.Body!.transformToString(), "allow"),
            (err: { name: string }) => err.name,
          );
      await call(0, "add-user", { accessKey: "nina", secretKey: "nina-secret-1" });
      await call(1, "set-policy", { policy: "readonly", entity: "nina", isGroup: false });
      for (let i = 0; i < 4; i++) expect(await read(i, "nina", "nina-secret-1")).toBe("allow");
      await call(2, "set-user-status", { accessKey: "nina", status: "disabled" });
      for (let i = 0; i < 4; i++) expect(await read(i, "nina", "nina-secret-1")).toBe("InvalidAccessKeyId");
      await call(3, "set-user-status", { accessKey: "nina", status: "enabled" });
      const sa = await call(3, "add-service-account", { targetUser: "nina" });
      for (let i = 0; i < 4; i++) expect(await read(i, sa.accessKey, sa.secretKey)).toBe("allow");
      await call(0, "set-policy", { policy: "", entity: "nina", isGroup: false });
      for (let i = 0; i < 4; i++) expect(await read(i, sa.accessKey, sa.secretKey)).toBe("AccessDenied");
      // A wrong secret and a refused admin call are logged nowhere with a credential in them.
      expect(await read(0, "nina", "not-nina-secret")).toBe("SignatureDoesNotMatch");
      expect((await madmin(bin, cluster.nodes[1].endpoint, { accessKey: "nina", secretKey: "nina-secret-1" }, "list-users")).ok).toBe(false);
      for (const n of cluster.nodes) {
        for (const secret of ["nina-secret-1", "not-nina-secret", sa.secretKey, ROOT_PASSWORD]) expect(n.output).not.toContain(secret);
      }
    },
  );
});
