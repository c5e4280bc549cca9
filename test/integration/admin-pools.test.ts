// Pool decommission through madmin's admin calls on a real two-pool server: requests signed with
// SigV4 by the root user (smithy's signer, as madmin signs them) list the pools, start the drain,
// report its progress until it completes; every object is then read back from the other pool.
// Unsigned, wrongly signed and non-admin requests are refused with madmin JSON errors.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { pattern, signRequest, startS3, type S3Harness } from "../support/s3-harness.ts";
import { TempDirs } from "../support/temp-dirs.ts";

const temp = new TempDirs();
let h: S3Harness;
let single: S3Harness;
let poolArgs: string[] = [];

beforeAll(async () => {
  h = await startS3(temp, {
    driveArgs: (parent) => {
      for (const p of ["a", "b"]) for (let i = 1; i <= 4; i++) mkdirSync(join(parent, `${p}${i}`));
      poolArgs = [`${parent}/a{1...4}`, `${parent}/b{1...4}`];
      return poolArgs;
    },
  });
  single = await startS3(temp);
});
afterAll(async () => {
  await h?.close();
  await single?.close();
  temp.cleanup();
});

interface PoolStatusJson {
  id: number;
  cmdline: string;
  decommissionInfo?: { complete: boolean; failed: boolean; canceled: boolean; objectsDecommissioned: number; bytesDecommissioned: number; totalSize: number };
}

async function admin(
  on: S3Harness,
  method: string,
  call: string,
  query: Record<string, string> = {},
  over: { secretAccessKey?: string; accessKeyId?: string } = {},
) {
  const { url, headers } = await signRequest(on.endpoint, "us-east-1", { method, path: `/minio/admin/v3/${call}`, query, ...over });
  const res = await fetch(url, { method, headers });
  const text = await res.text();
  return { status: res.status, type: res.headers.get("content-type"), body: text ? JSON.parse(text) : null };
}

test("list, decommission, status until complete: every object moves to the other pool and reads back", async () => {
  const c = h.client();
  await c.send(new CreateBucketCommand({ Bucket: "drain" }));
  const list = await admin(h, "GET", "pools/list");
  expect(list.status).toBe(200);
  expect((list.body as PoolStatusJson[]).map((p) => [p.id, p.cmdline, p.decommissionInfo])).toEqual([
    [0, poolArgs[0], undefined],
    [1, poolArgs[1], undefined],
  ]);
  const data = new Map<string, Uint8Array>();
  for (let i = 0; i < 24; i++) {
    const bytes = pattern(i === 5 ? 600_000 : 1000 + i, i + 1);
    data.set(`k/${i}`, bytes);
    await c.send(new PutObjectCommand({ Bucket: "drain", Key: `k/${i}`, Body: bytes }));
  }
  const poolADrives = Array.from({ length: 4 }, (_, i) => poolArgs[0].replace("a{1...4}", `a${i + 1}`));
  const inA = () => readdirSync(join(poolADrives[0], "drain")).length;
  expect(inA()).toBeGreaterThan(0); // placement by free space puts some in each pool

  const start = await admin(h, "POST", "pools/decommission", { pool: poolArgs[0] });
  expect([start.status, start.body]).toEqual([200, null]);
  let status: PoolStatusJson;
  for (;;) {
    status = (await admin(h, "GET", "pools/status", { pool: poolArgs[0] })).body;
    if (status.decommissionInfo?.complete || status.decommissionInfo?.failed) break;
    await Bun.sleep(50);
  }
  expect(status.decommissionInfo).toMatchObject({ complete: true, failed: false, canceled: false });
  expect(status.decommissionInfo!.objectsDecommissioned).toBeGreaterThan(0);
  expect(status.decommissionInfo!.totalSize).toBeGreaterThan(0);
  expect(inA()).toBe(0);
  for (const [key, bytes] of data) {
    const got = await c.send(new GetObjectCommand({ Bucket: "drain", Key: key }));
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(Buffer.from(bytes))).toBe(true);
  }
  // New objects go to the open pool only; a second start is refused as MinIO refuses it.
  await c.send(new PutObjectCommand({ Bucket: "drain", Key: "after", Body: "x" }));
  expect(inA()).toBe(0);
  const again = await admin(h, "POST", "pools/decommission", { pool: poolArgs[0] });
  expect([again.status, again.body.Code, again.body.Message]).toEqual([
    400,
    "XMinioDecommissionNotAllowed",
    "decommission is complete, please remove the servers from command-line",
  ]);
  const last = await admin(h, "POST", "pools/decommission", { pool: "1", "by-id": "true" });
  expect([last.status, last.body.Code]).toEqual([400, "XMinioAdminInvalidArgument"]);
  expect(last.body.Message).toContain("no other pool takes new objects");
});

test("admin calls need a valid SigV4 signature; refusals are madmin JSON, never S3 XML", async () => {
  const anon = await fetch(`${h.endpoint}/minio/admin/v3/pools/list`);
  expect([anon.status, anon.headers.get("content-type")]).toEqual([403, "application/json"]);
  expect(((await anon.json()) as { Code: string }).Code).toBe("AccessDenied");
  const wrong = await admin(h, "GET", "pools/list", {}, { secretAccessKey: "not-the-secret" });
  expect([wrong.status, wrong.body.Code]).toEqual([403, "SignatureDoesNotMatch"]);
  const stranger = await admin(h, "GET", "pools/list", {}, { accessKeyId: "someone" });
  expect([stranger.status, stranger.body.Code]).toEqual([403, "InvalidAccessKeyId"]);
  const { url, headers } = await signRequest(h.endpoint, "us-east-1", {
    method: "POST",
    path: "/minio/admin/v3/pools/cancel",
    query: { pool: "0", "by-id": "true" },
  });
  const tampered = await fetch(url, { method: "POST", headers, body: "extra bytes" });
  expect([tampered.status, ((await tampered.json()) as { Code: string }).Code]).toEqual([400, "XAmzContentSHA256Mismatch"]);
  const unknown = await admin(h, "GET", "rebalance/status");
  expect([unknown.status, unknown.body.Code]).toEqual([501, "NotImplemented"]);
});

test("a single-pool deployment lists its pool and refuses to decommission it", async () => {
  const list = await admin(single, "GET", "pools/list");
  expect(list.body.map((p: PoolStatusJson) => p.id)).toEqual([0]);
  const r = await admin(single, "POST", "pools/decommission", { pool: "0", "by-id": "true" });
  expect([r.status, r.body.Code]).toEqual([501, "NotImplemented"]);
});
