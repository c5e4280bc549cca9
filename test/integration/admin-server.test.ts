// The server admin calls through MinIO's own client (madmin-go 2.0.7, test/support/madmin): info,
// storageinfo and datausageinfo checked against the drives and what was written; heal sequences
// (clientToken polling, dry run, deep scan, already-running / overlapping / forced start and stop)
// over drives damaged in the temp dir; background-heal status; service calls of an in-process
// server; and AccessDenied for users whose policies lack each call's admin: action.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ObjectStore } from "../../src/object/index.ts";
import { buildMadminClient, madmin, madminMissing, type MadminResult } from "../support/madmin-client.ts";
import { pattern, ROOT_PASSWORD, ROOT_USER, startS3, type S3Harness } from "../support/s3-harness.ts";
import { TempDirs } from "../support/temp-dirs.ts";

const missing = madminMissing();
const skip = missing !== null && !process.env.CI;
if (skip) console.warn(`SKIP admin server madmin tests: ${missing} (set CI=1 to make this a failure)`);

type Creds = { accessKey: string; secretKey: string };
const root: Creds = { accessKey: ROOT_USER, secretKey: ROOT_PASSWORD };
const viewer: Creds = { accessKey: "viewer", secretKey: "viewer-secret-1" };
const infoOnly: Creds = { accessKey: "infoonly", secretKey: "infoonly-secret-1" };
const temp = new TempDirs();
let bin: string;
let h: S3Harness;

const PHOTOS: Record<string, Uint8Array> = { "a.txt": pattern(10, 1), "dir/b.bin": pattern(300_000, 2), "dir/c.bin": pattern(1_500_000, 3) };
const DOCS: Record<string, Uint8Array> = { "readme.md": pattern(2_000, 4) };
/** More objects than a sequence buffers (1000), so a heal of "bulk" cannot end before its items are collected. */
const BULK = 1005;

const admin = (command: string, args?: unknown, creds: Creds = root): Promise<MadminResult> => madmin(bin, h.endpoint, creds, command, args);

async function ok(command: string, args?: unknown, creds: Creds = root) {
  const r = await admin(command, args, creds);
  if (!r.ok) throw new Error(`${command} failed: ${r.error.code} (${r.error.status}): ${r.error.message}`);
  return r.result;
}

async function fails(command: string, args?: unknown, creds: Creds = root) {
  const r = await admin(command, args, creds);
  if (r.ok) throw new Error(`${command} succeeded, expected an error: ${JSON.stringify(r.result)}`);
  return r.error;
}

type Drive = { uuid: string; endpoint: string; state: string };
type Item = { type: string; bucket: string; object: string; detail: string; diskCount: number; before: { drives: Drive[] }; after: { drives: Drive[] } };

/** Starts a heal and collects its items until it ends. */
async function healAll(bucket: string, prefix: string, opts: object): Promise<{ items: Item[]; summary: string; detail: string }> {
  const start = (await ok("heal", { bucket, prefix, opts })).healStart;
  expect(start.clientToken).toMatch(/^[0-9a-f-]{36}$/);
  expect(start.clientAddress).toBe("127.0.0.1");
  const items: Item[] = [];
  for (let i = 0; i < 600; i++) {
    const s = (await ok("heal", { bucket, prefix, clientToken: start.clientToken })).healTaskStatus;
    items.push(...(s.items ?? []));
    if (s.summary !== "running") return { items, summary: s.summary, detail: s.detail };
    await Bun.sleep(50);
  }
  throw new Error(`heal of ${bucket}/${prefix} did not end`);
}

const stateOf = (drives: Drive[], endpoint: string) => drives.find((d) => d.endpoint === endpoint)?.state;
const driveUuid = (drive: string) => JSON.parse(readFileSync(join(drive, ".minio.sys/format.json"), "utf8")).xl.this as string;

describe.skipIf(skip)("server admin calls through madmin", () => {
  beforeAll(async () => {
    if (missing !== null) throw new Error(`${missing}; CI must install it`);
    bin = (await buildMadminClient())!;
    h = await startS3(temp);
    const s3 = h.client();
    for (const [bucket, objects] of [
      ["photos", PHOTOS],
      ["docs", DOCS],
    ] as const) {
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      for (const [key, body] of Object.entries(objects)) await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    }
    const store = h.bunker.store;
    await store.makeBucket("bulk");
    for (let i = 0; i < BULK; i++) await store.putObject("bulk", `k${i}`, new Response("x").body!, { size: 1, userMeta: {} });
    await ok("add-canned-policy", { name: "info-only", policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["admin:ServerInfo"] }] } });
    for (const u of [viewer, infoOnly]) await ok("add-user", u);
    await ok("set-policy", { policy: "readonly", entity: viewer.accessKey, isGroup: false });
    await ok("set-policy", { policy: "info-only", entity: infoOnly.accessKey, isGroup: false });
  }, 240_000);
  afterAll(async () => {
    await h?.close();
    temp.cleanup();
  });

  const totalObjects = Object.keys(PHOTOS).length + Object.keys(DOCS).length + BULK;
  const totalBytes = [...Object.values(PHOTOS), ...Object.values(DOCS)].reduce((n, b) => n + b.length, 0) + BULK;

  test("info: deployment, counts from the usage walk, the one server and its four drives", async () => {
    const info = await ok("server-info");
    expect(info.mode).toBe("online");
    expect(info.deploymentID).toBe(h.bunker.formats[0].deploymentId);
    expect(info.buckets).toEqual({ count: 3 });
    expect(info.objects).toEqual({ count: totalObjects });
    expect(info.versions).toEqual({ count: totalObjects });
    expect(info.usage).toEqual({ size: totalBytes });
    expect(info.backend).toEqual({ backendType: "Erasure", onlineDisks: 4, offlineDisks: 0, standardSCParity: 2, rrSCParity: 1 });
    expect(info.servers).toHaveLength(1);
    const [server] = info.servers;
    expect(server).toMatchObject({ state: "online", endpoint: "127.0.0.1:9000", scheme: "http", version: h.cfg.version, poolNumber: 1 });
    expect(server.network).toEqual({ "127.0.0.1:9000": "online" });
    const view = await h.bunker.store.storageInfo();
    expect(server.drives).toHaveLength(4);
    server.drives.forEach((d: Record<string, unknown>, i: number) => {
      const real = view.pools[0].sets[0].drives[i].info!;
      expect(d).toMatchObject({
        endpoint: h.drives[i],
        path: h.drives[i],
        state: "ok",
        uuid: driveUuid(h.drives[i]),
        pool_index: 0,
        set_index: 0,
        disk_index: i,
      });
      expect(d.totalspace).toBe(real.total);
      expect((d.usedspace as number) + (d.availspace as number)).toBeLessThanOrEqual(real.total);
    });
  });

  test("storageinfo: every drive and madmin.BackendInfo", async () => {
    const si = await ok("storage-info");
    expect(si.Disks.map((d: { endpoint: string; state: string }) => [d.endpoint, d.state])).toEqual(h.drives.map((d) => [d, "ok"]));
    expect(si.Backend).toMatchObject({
      Type: 2,
      OnlineDisks: { "127.0.0.1:9000": 4 },
      OfflineDisks: { "127.0.0.1:9000": 0 },
      StandardSCData: [2],
      StandardSCParity: 2,
      RRSCData: [3],
      RRSCParity: 1,
      TotalSets: [1],
      DrivesPerSet: [4],
    });
  });

  test("datausageinfo: totals and per-bucket usage from the usage walk", async () => {
    const du = await ok("data-usage-info");
    expect(new Date(du.lastUpdate).getFullYear()).toBeGreaterThan(2000);
    expect(du).toMatchObject({ objectsCount: totalObjects, objectsTotalSize: totalBytes, bucketsCount: 3 });
    const photosBytes = Object.values(PHOTOS).reduce((n, b) => n + b.length, 0);
    expect(du.bucketsUsageInfo.photos).toMatchObject({ size: photosBytes, objectsCount: 3, versionsCount: 3 });
    expect(du.bucketsUsageInfo.bulk).toMatchObject({ size: BULK, objectsCount: BULK });
    expect(du.bucketsSizes).toEqual({ photos: photosBytes, docs: DOCS["readme.md"].length, bulk: BULK });
  });

  test("heal of a bucket wiped from one drive: bucket and objects reported missing there, rebuilt, then whole", async () => {
    const victim = h.drives[1];
    rmSync(join(victim, "photos"), { recursive: true, force: true });
    const { items, summary, detail } = await healAll("photos", "", { recursive: true, scanMode: 1 });
    expect({ summary, detail }).toEqual({ summary: "finished", detail: "" });
    const bucket = items.find((i) => i.type === "bucket")!;
    expect(bucket.bucket).toBe("photos");
    expect(bucket.before.drives.map((d) => d.state)).toEqual(["ok", "missing", "ok", "ok"]);
    expect(bucket.after.drives.map((d) => d.state)).toEqual(["ok", "ok", "ok", "ok"]);
    expect(bucket.before.drives.map((d) => d.uuid)).toEqual(h.drives.map(driveUuid));
    const objects = items.filter((i) => i.type === "object");
    expect(objects.map((i) => i.object).sort()).toEqual(Object.keys(PHOTOS).sort());
    for (const item of objects) {
      expect(item.diskCount).toBe(4);
      expect(stateOf(item.before.drives, victim)).toBe("missing");
      expect(item.before.drives.filter((d) => d.state !== "ok")).toHaveLength(1);
      expect(item.after.drives.every((d) => d.state === "ok")).toBe(true);
      expect(existsSync(join(victim, "photos", item.object, "xl.meta"))).toBe(true);
    }
    // The rebuilt shards serve reads, and a deep heal finds nothing left to do.
    for (const [key, body] of Object.entries(PHOTOS)) {
      const got = await (await h.client().send(new GetObjectCommand({ Bucket: "photos", Key: key }))).Body!.transformToByteArray();
      expect(Buffer.from(got).equals(Buffer.from(body))).toBe(true);
    }
    const again = await healAll("photos", "", { recursive: true, scanMode: 2 });
    expect(again.items.every((i) => i.before.drives.every((d) => d.state === "ok"))).toBe(true);
  }, 60_000);

  test("dry run reports a missing object and leaves it; a deep scan finds a damaged shard and rewrites it", async () => {
    const victim = h.drives[2];
    rmSync(join(victim, "photos/dir/b.bin"), { recursive: true, force: true });
    const dry = await healAll("photos", "dir/b.bin", { dryRun: true });
    const item = dry.items.find((i) => i.type === "object")!;
    expect(item.object).toBe("dir/b.bin");
    expect(stateOf(item.before.drives, victim)).toBe("missing");
    expect(stateOf(item.after.drives, victim)).toBe("missing");
    expect(existsSync(join(victim, "photos/dir/b.bin"))).toBe(false);
    const real = await healAll("photos", "dir/b.bin", {});
    expect(stateOf(real.items.find((i) => i.type === "object")!.after.drives, victim)).toBe("ok");
    expect(existsSync(join(victim, "photos/dir/b.bin/xl.meta"))).toBe(true);

    // Flip a byte inside a shard of dir/c.bin on drive 4: only a deep scan reads the frames.
    const objDir = join(h.drives[3], "photos/dir/c.bin");
    const dataDir = readdirSync(objDir).find((n) => n !== "xl.meta")!;
    const part = join(objDir, dataDir, "part.1");
    const bytes = readFileSync(part);
    bytes[bytes.length >> 1] ^= 0xff;
    writeFileSync(part, bytes);
    const normal = await healAll("photos", "dir/", { recursive: true, scanMode: 1 });
    expect(normal.items.filter((i) => i.type === "object").every((i) => i.before.drives.every((d) => d.state === "ok"))).toBe(true);
    const deep = await healAll("photos", "dir/", { recursive: true, scanMode: 2 });
    const c = deep.items.find((i) => i.object === "dir/c.bin")!;
    expect(stateOf(c.before.drives, h.drives[3])).toBe("corrupt");
    expect(c.after.drives.every((d) => d.state === "ok")).toBe(true);
    expect(deep.items.find((i) => i.object === "dir/b.bin")!.before.drives.every((d) => d.state === "ok")).toBe(true);
  }, 60_000);

  test("one sequence per path: already running, overlapping, forced start and stop, token checks", async () => {
    const first = (await ok("heal", { bucket: "bulk", opts: { recursive: true } })).healStart;
    expect(await fails("heal", { bucket: "bulk", opts: { recursive: true } })).toMatchObject({ code: "XMinioHealAlreadyRunning", status: 400 });
    expect(await fails("heal", { bucket: "bulk", prefix: "k1", opts: { recursive: true } })).toMatchObject({ code: "XMinioHealOverlappingPaths" });
    expect(await fails("heal", { opts: { recursive: true } })).toMatchObject({ code: "XMinioHealOverlappingPaths" });
    // Another bucket does not overlap.
    expect((await healAll("docs", "", { recursive: true })).summary).toBe("finished");
    const second = (await ok("heal", { bucket: "bulk", opts: { recursive: true }, forceStart: true })).healStart;
    expect(second.clientToken).not.toBe(first.clientToken);
    expect(await fails("heal", { bucket: "bulk", clientToken: first.clientToken })).toMatchObject({ code: "XMinioHealInvalidClientToken" });
    const running = (await ok("heal", { bucket: "bulk", clientToken: second.clientToken })).healTaskStatus;
    expect(running.summary).toBe("running");
    expect(running.settings).toMatchObject({ recursive: true, dryRun: false, scanMode: 0 });
    const stopped = (await ok("heal", { bucket: "bulk", forceStop: true })).healStart;
    expect(stopped.clientToken).toBe(second.clientToken);
    const after = (await ok("heal", { bucket: "bulk", clientToken: second.clientToken })).healTaskStatus;
    expect(after.summary).toBe("stopped");
    expect(after.detail).toContain("forced stop");
    expect(await fails("heal", { bucket: "bulk", forceStop: true })).toMatchObject({ code: "XMinioHealNoSuchProcess" });
    // Collected as it goes, the whole bucket heals: every object reported once.
    const all = await healAll("bulk", "", { recursive: true });
    expect(all.summary).toBe("finished");
    expect(all.items.filter((i) => i.type === "object")).toHaveLength(BULK);
  }, 120_000);

  test("heal of everything (dry run): configuration, every bucket with its metadata, every object", async () => {
    const { items, summary } = await healAll("", "", { recursive: true, dryRun: true });
    expect(summary).toBe("finished");
    expect(items.filter((i) => i.type === "bucket").map((i) => i.bucket)).toEqual(["bulk", "docs", "photos"]);
    expect(items.filter((i) => i.type === "bucket-metadata").map((i) => i.object)).toEqual(["bulk", "docs", "photos"].map((b) => `buckets/${b}/.metadata.bin`));
    const config = items.filter((i) => i.type === "metadata");
    expect(config.length).toBeGreaterThan(0);
    expect(config.every((i) => i.bucket === ".minio.sys" && i.object.startsWith("config/"))).toBe(true);
    expect(items.filter((i) => i.type === "object")).toHaveLength(totalObjects);
    expect(items.every((i) => i.before.drives.every((d) => d.state === "ok"))).toBe(true);
  }, 60_000);

  test("heal refuses bad input with madmin errors", async () => {
    const raw = (path: string, body = "", query: Record<string, string> = {}, method = "POST") => ok("raw", { method, path, body, query });
    const bad = async (path: string, body: string, code: string, status: number, query: Record<string, string> = {}) => {
      const r = await raw(path, body, query);
      expect({ path, status: r.status, code: JSON.parse(r.body).Code }).toEqual({ path, status, code });
    };
    await bad("/v3/heal/Bad_Bucket", "{}", "InvalidBucketName", 400);
    await bad("/v3/heal/no-such-bucket", "{}", "NoSuchBucket", 404);
    await bad("/v3/heal/photos", "{not json", "XMinioAdminInvalidArgument", 400);
    await bad("/v3/heal/photos", '{"scanMode": 7}', "XMinioAdminInvalidArgument", 400);
    await bad("/v3/heal/photos", '{"recursive": "yes"}', "XMinioAdminInvalidArgument", 400);
    await bad("/v3/heal/photos", '{"recreate": true}', "NotImplemented", 501);
    await bad("/v3/heal/photos", "", "XMinioAdminInvalidArgument", 400, { forceStart: "true", forceStop: "true" });
    await bad("/v3/heal/photos/never-healed", "", "XMinioHealNoSuchProcess", 400, { clientToken: "00000000-0000-0000-0000-000000000000" });
    expect((await raw("/v3/heal/photos", "", {}, "GET")).status).toBe(405);
  });

  test("background-heal/status: sets and drives, parity, owed heals done after a damaged read", async () => {
    rmSync(join(h.drives[0], "docs/readme.md"), { recursive: true, force: true });
    const got = await (await h.client().send(new GetObjectCommand({ Bucket: "docs", Key: "readme.md" }))).Body!.transformToByteArray();
    expect(got.length).toBe(DOCS["readme.md"].length);
    await (h.bunker.store as ObjectStore).heals.drain();
    const st = await ok("background-heal-status");
    expect(st.offline_nodes ?? []).toEqual([]);
    expect(st.ScannedItemsCount).toBe(0); // in-process servers run no scanner
    expect(st.HealDisks ?? []).toEqual([]);
    expect(st.sc_parity).toEqual({ STANDARD: 2, REDUCED_REDUNDANCY: 1 });
    expect(st.sets).toHaveLength(1);
    expect(st.sets[0]).toMatchObject({ id: "0-0", pool_index: 0, set_index: 0 });
    expect(st.sets[0].disks.map((d: { endpoint: string; state: string }) => [d.endpoint, d.state])).toEqual(h.drives.map((d) => [d, "ok"]));
    expect(Object.keys(st.mrf)).toEqual(["127.0.0.1:9000"]);
    expect(st.mrf["127.0.0.1:9000"].items_healed).toBeGreaterThanOrEqual(1);
    expect(existsSync(join(h.drives[0], "docs/readme.md/xl.meta"))).toBe(true);
  });

  test("service calls of an in-process server: NotImplemented, never a success; unknown actions refused", async () => {
    for (const cmd of ["service-restart", "service-stop", "service-freeze", "service-unfreeze"]) {
      expect(await fails(cmd)).toMatchObject({ code: "NotImplemented", status: 501 });
    }
    const r = await ok("raw", { method: "POST", path: "/v3/service", query: { action: "explode" } });
    expect(r.status).toBe(400);
    expect(JSON.parse(r.body).Code).toBe("XMinioAdminInvalidArgument");
    // The server is still here.
    expect((await ok("server-info")).mode).toBe("online");
  });

  test("each call needs its admin: action", async () => {
    const calls: [string, unknown?][] = [
      ["server-info"],
      ["storage-info"],
      ["data-usage-info"],
      ["heal", { bucket: "photos", opts: {} }],
      ["background-heal-status"],
      ["service-restart"],
      ["service-stop"],
    ];
    for (const [cmd, args] of calls) expect({ cmd, ...(await fails(cmd, args, viewer)) }).toMatchObject({ cmd, code: "AccessDenied", status: 403 });
    expect((await ok("server-info", undefined, infoOnly)).mode).toBe("online");
    for (const [cmd, args] of calls.slice(1)) expect({ cmd, ...(await fails(cmd, args, infoOnly)) }).toMatchObject({ cmd, code: "AccessDenied" });
  });
});
