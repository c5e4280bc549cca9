// mc admin trace through madmin-go's ServiceTrace: S3 requests served while a trace is open
// arrive as madmin TraceInfo (function, status, sizes) with signatures redacted; the errors-only
// filter; trace types we do not produce are refused; users without admin:ServerTrace are denied.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { buildMadminClient, madmin, madminMissing, type MadminResult } from "../support/madmin-client.ts";
import { ROOT_PASSWORD, ROOT_USER, startS3, type S3Harness } from "../support/s3-harness.ts";
import { TempDirs } from "../support/temp-dirs.ts";

const missing = madminMissing();
const skip = missing !== null && !process.env.CI;
if (skip) console.warn(`SKIP admin trace tests: ${missing} (set CI=1 to make this a failure)`);

const root = { accessKey: ROOT_USER, secretKey: ROOT_PASSWORD };
const temp = new TempDirs();
let bin: string;
let h: S3Harness;

/** Runs a trace while `traffic` repeats (so the trace sees requests whenever it connects). */
async function traceDuring(args: object, traffic: () => Promise<unknown>, creds = root): Promise<MadminResult> {
  let done = false;
  const trace = madmin(bin, h.endpoint, creds, "trace", { seconds: 20, ...args }).finally(() => {
    done = true;
  });
  while (!done) {
    await traffic().catch(() => {});
    await Bun.sleep(50);
  }
  return trace;
}

describe.skipIf(skip)("admin trace", () => {
  beforeAll(async () => {
    if (missing !== null) throw new Error(`${missing}; CI must install it`);
    bin = (await buildMadminClient())!;
    h = await startS3(temp);
    await h.client().send(new CreateBucketCommand({ Bucket: "traced" }));
  }, 180_000);
  afterAll(async () => {
    await h?.close();
    temp.cleanup();
  });

  test("S3 calls arrive as TraceInfo: function, path, status, bytes; no signature leaves the server", async () => {
    const s3 = h.client();
    const r = await traceDuring({ s3: true, count: 2 }, () => s3.send(new PutObjectCommand({ Bucket: "traced", Key: "k", Body: "hello" })));
    if (!r.ok) throw new Error(r.error.message);
    expect(r.result).toHaveLength(2);
    const [t] = r.result;
    expect(t).toMatchObject({ type: 4, funcname: "s3.PutObject", path: "/traced/k" });
    expect(t.http.response.statuscode).toBe(200);
    expect(t.http.stats.inputbytes).toBe(5);
    expect(t.dur).toBeGreaterThan(0);
    const text = JSON.stringify(r.result);
    expect(text).toContain("Signature=*REDACTED*");
    expect(text).not.toContain(ROOT_PASSWORD);
    expect(text).not.toMatch(/Signature=[0-9a-f]{64}/);
  }, 30_000);

  test("an SSE-C customer key is never in a trace (the request is refused over HTTP, and traced)", async () => {
    const s3 = h.client();
    const key = Buffer.alloc(32, 0x5a);
    const ssec = {
      SSECustomerAlgorithm: "AES256",
      SSECustomerKey: key.toString("base64"),
      SSECustomerKeyMD5: new Bun.CryptoHasher("md5").update(key).digest("base64"),
    };
    const r = await traceDuring({ s3: true, count: 1 }, () => s3.send(new PutObjectCommand({ Bucket: "traced", Key: "c", Body: "x", ...ssec })));
    if (!r.ok) throw new Error(r.error.message);
    const text = JSON.stringify(r.result);
    expect(text).toContain("x-amz-server-side-encryption-customer-key");
    expect(text).not.toContain(key.toString("base64"));
  }, 30_000);

  test("onlyErrors passes only failed requests", async () => {
    const s3 = h.client();
    let n = 0;
    const r = await traceDuring({ s3: true, onlyErrors: true, count: 1 }, () =>
      s3.send(new GetObjectCommand({ Bucket: "traced", Key: n++ % 2 ? "k" : "missing" })).then((o) => o.Body?.transformToString()),
    );
    if (!r.ok) throw new Error(r.error.message);
    expect(r.result[0]).toMatchObject({ funcname: "s3.GetObject", path: "/traced/missing", error: "NoSuchKey" });
    expect(r.result[0].http.response.statuscode).toBe(404);
  }, 30_000);

  // madmin 2.0.7's ServiceTrace closes an error answer before reading it: only the status reaches the client.
  test("trace types we do not produce are refused; a user without admin:ServerTrace is denied", async () => {
    expect(await madmin(bin, h.endpoint, root, "trace", { internal: true, seconds: 5 })).toMatchObject({ ok: false, error: { status: 501 } });
    const raw = await h.signed({ path: "/minio/admin/v3/trace", query: { internal: "true" } });
    expect([raw.status, ((await raw.json()) as { Code: string }).Code]).toEqual([501, "NotImplemented"]);
    expect((await madmin(bin, h.endpoint, root, "add-user", { accessKey: "tracy", secretKey: "tracy-secret" })).ok).toBe(true);
    expect(await madmin(bin, h.endpoint, { accessKey: "tracy", secretKey: "tracy-secret" }, "trace", { s3: true, seconds: 5 })).toMatchObject({
      ok: false,
      error: { status: 403 },
    });
  });
});
