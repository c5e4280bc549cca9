// The api subsystem on a running server: requests_max (a request past the limit waits, then gets
// SlowDown; admin and health calls are not counted), cors_allow_origin (preflight and actual
// requests from a browser Origin), object_max_versions, and — through MinIO's own admin client —
// api values set with set-config-kv applied at the next start, and root_access=off.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import http from "node:http";
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  ListPartsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { signPrometheusToken } from "../../src/admin/index.ts";
import { buildMadminClient, madmin, madminMissing, type MadminResult } from "../support/madmin-client.ts";
import { ROOT_PASSWORD, ROOT_USER, errorOf, startS3, type S3Harness } from "../support/s3-harness.ts";
import { TempDirs } from "../support/temp-dirs.ts";

const temp = new TempDirs();
afterAll(() => temp.cleanup());

/**
 * A PUT whose body is held back: resolves once the server has started reading it (its 100
 * Continue came, so the request holds a slot), with `finish` sending the rest.
 */
async function heldUpload(h: S3Harness, path: string): Promise<{ finish(): Promise<number> }> {
  const size = 64 * 1024;
  const { url, headers } = await h.sign({
    method: "PUT",
    path,
    headers: { "content-length": String(size), expect: "100-continue" },
    payloadHash: "UNSIGNED-PAYLOAD",
  });
  const req = http.request(url, { method: "PUT", headers });
  const answered = new Promise<number>((resolve, reject) => {
    req.on("response", (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
  });
  await new Promise<void>((resolve, reject) => {
    req.once("continue", () => resolve());
    req.once("error", reject);
    req.flushHeaders();
  });
  req.write(new Uint8Array(size / 2));
  return {
    finish: () => {
      req.end(new Uint8Array(size / 2));
      return answered;
    },
  };
}

/** With one upload holding the only slot, the next S3 request is refused with SlowDown once the deadline passes. */
async function expectSlowDownWhileHeld(h: S3Harness, bucket: string): Promise<void> {
  const held = await heldUpload(h, `/${bucket}/held`);
  const refused = await errorOf(await h.signed({ path: `/${bucket}/other` }));
  expect([refused.status, refused.code, refused.message]).toEqual([503, "SlowDown", expect.stringContaining("Please reduce your request rate")]);
  expect(refused.requestId).toMatch(/^[0-9A-F]{16}$/);
  expect(await held.finish()).toBe(200);
}

describe("requests_max", () => {
  let h: S3Harness;
  beforeAll(async () => {
    h = await startS3(temp, { env: { MINIO_API_REQUESTS_MAX: "1", MINIO_API_REQUESTS_DEADLINE: "300ms" } });
    await h.client().send(new CreateBucketCommand({ Bucket: "slots" }));
  });
  afterAll(() => h?.close());

  test("with one request in flight, a second waits out the deadline and gets SlowDown; the slot then frees", async () => {
    expect(h.bunker.config.api).toMatchObject({ requestsMax: 1, requestsDeadlineMs: 300 });
    await expectSlowDownWhileHeld(h, "slots");
    const after = await h.signed({ path: "/slots/held" });
    expect(after.status).toBe(200);
    expect((await after.arrayBuffer()).byteLength).toBe(64 * 1024);
  });

  test("health, metrics and admin calls are not counted", async () => {
    const held = await heldUpload(h, "/slots/held-again");
    expect((await h.anon("/minio/health/live")).status).toBe(200);
    // Metrics answer at once (refused here for want of a token), not after a wait for a slot.
    expect((await h.anon("/minio/v2/metrics/cluster")).status).toBe(403);
    const info = await h.signed({ path: "/minio/admin/v3/info" });
    expect(info.status).toBe(200);
    await info.arrayBuffer();
    expect(await held.finish()).toBe(200);
  });

  test("the default cors_allow_origin (*) lets any origin read answers, echoing it", async () => {
    const res = await h.signed({ path: "/slots/held", headers: { origin: "https://anywhere.test" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBe("https://anywhere.test");
    await res.arrayBuffer();
  });
});

describe("cors_allow_origin and object_max_versions", () => {
  let h: S3Harness;
  let s3: S3Client;
  const APP = "https://app.example.com";
  beforeAll(async () => {
    h = await startS3(temp, { env: { MINIO_API_CORS_ALLOW_ORIGIN: `${APP},https://*.example.org`, MINIO_API_OBJECT_MAX_VERSIONS: "2" } });
    s3 = h.client();
    await s3.send(new CreateBucketCommand({ Bucket: "web" }));
    await s3.send(new PutObjectCommand({ Bucket: "web", Key: "page.html", Body: "<p>hi</p>" }));
  });
  afterAll(() => h?.close());

  const preflight = (origin: string, method: string) =>
    h.anon("/web/page.html", {
      method: "OPTIONS",
      headers: { origin, "access-control-request-method": method, "access-control-request-headers": "content-type,x-amz-date" },
    });

  test("preflight: an allowed origin is told what it may send; any other is refused", async () => {
    const ok = await preflight(APP, "PUT");
    expect(ok.status).toBe(200);
    expect(ok.headers.get("access-control-allow-origin")).toBe(APP);
    expect(ok.headers.get("access-control-allow-methods")).toContain("PUT");
    expect(ok.headers.get("access-control-allow-headers")).toBe("content-type,x-amz-date");
    expect((await preflight("https://cdn.example.org", "GET")).headers.get("access-control-allow-origin")).toBe("https://cdn.example.org");
    const denied = await preflight("https://evil.example.com", "GET");
    expect(denied.headers.get("access-control-allow-origin")).toBeNull();
    expect([denied.status, (await errorOf(denied)).code]).toEqual([403, "AccessForbidden"]);
    // OPTIONS that is no preflight is still no S3 operation.
    expect((await h.anon("/web/page.html", { method: "OPTIONS" })).status).toBe(405);
  });

  test("actual requests: the allowed origin may read the answer and its headers, errors included; another may not", async () => {
    const res = await h.signed({ path: "/web/page.html", headers: { origin: APP } });
    expect(await res.text()).toBe("<p>hi</p>");
    expect(res.headers.get("access-control-allow-origin")).toBe(APP);
    expect(res.headers.get("access-control-expose-headers")).toContain("etag");
    expect(res.headers.get("access-control-expose-headers")).toContain("x-amz-request-id");
    const missing = await h.signed({ path: "/web/nothing", headers: { origin: APP } });
    expect([missing.status, missing.headers.get("access-control-allow-origin")]).toEqual([404, APP]);
    await missing.arrayBuffer();
    const other = await h.signed({ path: "/web/page.html", headers: { origin: "https://evil.example.com" } });
    expect([other.status, other.headers.get("access-control-allow-origin"), other.headers.get("vary")]).toEqual([200, null, "Origin"]);
    await other.arrayBuffer();
  });

  test("object_max_versions=2: a third version is refused with MaxVersionsExceeded and nothing is stored", async () => {
    await s3.send(new CreateBucketCommand({ Bucket: "versions" }));
    await s3.send(new PutBucketVersioningCommand({ Bucket: "versions", VersioningConfiguration: { Status: "Enabled" } }));
    for (const body of ["one", "two"]) expect((await h.signed({ method: "PUT", path: "/versions/doc", body })).status).toBe(200);
    const third = await errorOf(await h.signed({ method: "PUT", path: "/versions/doc", body: "three" }));
    expect([third.status, third.code]).toEqual([400, "MaxVersionsExceeded"]);
    expect(await (await h.signed({ path: "/versions/doc" })).text()).toBe("two");
    const listing = await (await h.signed({ path: "/versions", query: { versions: "" } })).text();
    expect(listing.match(/<Version>/g)).toHaveLength(2);
    // A delete marker is a version too, as in MinIO.
    expect((await errorOf(await h.signed({ method: "DELETE", path: "/versions/doc" }))).code).toBe("MaxVersionsExceeded");
    // Once a version is removed there is room again.
    const oldest = [...listing.matchAll(/<VersionId>([^<]+)<\/VersionId>/g)].map((m) => m[1]).at(-1)!;
    expect((await h.signed({ method: "DELETE", path: "/versions/doc", query: { versionId: oldest } })).status).toBe(204);
    expect((await h.signed({ method: "PUT", path: "/versions/doc", body: "three" })).status).toBe(200);
    // A multipart upload completed at the limit is refused too, and stays there to be aborted.
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: "versions", Key: "doc" }));
    const { ETag } = await s3.send(new UploadPartCommand({ Bucket: "versions", Key: "doc", UploadId, PartNumber: 1, Body: "four" }));
    const complete = s3.send(
      new CompleteMultipartUploadCommand({ Bucket: "versions", Key: "doc", UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag }] } }),
    );
    expect(
      await complete.then(
        () => "accepted",
        (e: { name: string }) => e.name,
      ),
    ).toBe("MaxVersionsExceeded");
    expect((await s3.send(new ListPartsCommand({ Bucket: "versions", Key: "doc", UploadId }))).Parts).toHaveLength(1);
    await s3.send(new AbortMultipartUploadCommand({ Bucket: "versions", Key: "doc", UploadId }));
    // Unversioned, each write replaces the one (null) version.
    for (const body of ["a", "b", "c"]) expect((await h.signed({ method: "PUT", path: "/web/page.html", body })).status).toBe(200);
  });
});

const missing = madminMissing();
const skip = missing !== null && !process.env.CI;
if (skip) console.warn(`SKIP api set-config-kv and root_access tests: ${missing} (set CI=1 to make this a failure)`);

describe.skipIf(skip)("through madmin: api set-config-kv, root_access", () => {
  const root = { accessKey: ROOT_USER, secretKey: ROOT_PASSWORD };
  const alice = { accessKey: "alice", secretKey: "alice-secret-key" };
  const ops = { accessKey: "ops", secretKey: "ops-secret-key" };
  const rootSa = { accessKey: "root-sa", secretKey: "root-sa-secret-key" };
  let bin: string;
  let h: S3Harness;
  const admin = (command: string, args: unknown, creds = root): Promise<MadminResult> => madmin(bin, h.endpoint, creds, command, args);
  const ok = async (command: string, args: unknown, creds = root) => {
    const r = await admin(command, args, creds);
    if (!r.ok) throw new Error(`${command} failed: ${r.error.code}: ${r.error.message}`);
    return r.result;
  };
  const restart = async (env: Record<string, string> = {}) => {
    const drives = h.drives;
    await h.close();
    h = await startS3(temp, { env, driveArgs: () => drives });
  };
  const as = (c: { accessKey: string; secretKey: string }) => ({ accessKeyId: c.accessKey, secretAccessKey: c.secretKey });

  beforeAll(async () => {
    if (missing !== null) throw new Error(`${missing}; CI must install it`);
    bin = (await buildMadminClient())!;
    h = await startS3(temp);
    await h.client().send(new CreateBucketCommand({ Bucket: "data" }));
  });
  afterAll(() => h?.close());

  test("set-config-kv api requests_max=1 requests_deadline=300ms is stored, and applied at the next start", async () => {
    expect(await ok("set-config-kv", { kv: "api requests_max=1 requests_deadline=300ms" })).toEqual({ restart: true });
    expect(await ok("get-config-kv", { key: "api" })).toContain("api requests_max=1 requests_deadline=300ms cors_allow_origin=*");
    expect(h.bunker.config.api.requestsMax).toBe(0);
    await restart();
    expect(h.bunker.config.api).toMatchObject({ requestsMax: 1, requestsDeadlineMs: 300 });
    await expectSlowDownWhileHeld(h, "data");
    expect((await admin("set-config-kv", { kv: "api odirect=off" })).ok).toBe(false);
    await ok("del-config-kv", { key: "api" });
    await restart();
    expect(h.bunker.config.api.requestsMax).toBe(0);
  });

  test("root_access=off refuses the root and its service account on S3 and admin calls; IAM users keep working", async () => {
    await ok("add-user", alice);
    await ok("set-policy", { policy: "readwrite", entity: "alice", isGroup: false });
    await ok("add-user", ops);
    await ok("set-policy", { policy: "consoleAdmin", entity: "ops", isGroup: false });
    await ok("add-service-account", rootSa);
    await ok("set-config-kv", { kv: "api root_access=off" });
    await restart();
    expect(h.bunker.config.api.rootAccess).toBe(false);
    const disabled = { code: "InvalidAccessKeyId", message: "Your account is disabled; please contact your administrator." };
    for (const creds of [root, rootSa]) {
      const s3err = await errorOf(await h.signed({ path: "/data", accessKeyId: creds.accessKey, secretAccessKey: creds.secretKey }));
      expect({ who: creds.accessKey, status: s3err.status, code: s3err.code, message: s3err.message }).toEqual({
        who: creds.accessKey,
        status: 403,
        ...disabled,
      });
      const adm = await admin("server-info", undefined, creds);
      expect({ who: creds.accessKey, error: adm.ok ? "accepted" : adm.error }).toEqual({ who: creds.accessKey, error: { ...disabled, status: 403 } });
    }
    expect((await errorOf(await fetch(await h.presign({ path: "/data" })))).code).toBe("InvalidAccessKeyId");
    const sts = await admin("assume-role", {});
    expect(sts.ok ? "accepted" : sts.error.message).toContain("disabled");
    // An IAM user with readwrite reads and writes; an admin user still administers.
    const a = h.client({ credentials: as(alice) });
    await a.send(new PutObjectCommand({ Bucket: "data", Key: "by-alice", Body: "hello" }));
    expect(await (await h.signed({ path: "/data/by-alice", accessKeyId: alice.accessKey, secretAccessKey: alice.secretKey })).text()).toBe("hello");
    expect(await ok("get-config-kv", { key: "api" }, ops)).toContain("root_access=off");
    // Metrics tokens are the root's: refused as well.
    const scrape = () => h.anon("/minio/v2/metrics/cluster", { headers: { authorization: `Bearer ${signPrometheusToken(root)}` } });
    const metrics = await scrape();
    expect([metrics.status, ((await metrics.json()) as { Message: string }).Message]).toEqual([403, expect.stringContaining("root_access=off")]);
    // A variable wins over the stored value: the root is back while it is set.
    await restart({ MINIO_API_ROOT_ACCESS: "on" });
    expect((await h.signed({ path: "/data/by-alice" })).status).toBe(200);
    expect((await scrape()).status).toBe(200);
    await ok("del-config-kv", { key: "api root_access" });
  });
});
