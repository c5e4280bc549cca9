// The madmin-go client (test/support/madmin) against a real in-process server: it builds, signs
// as MinIO's client library signs (SigV4 with an empty region), and its results and errors come
// back as one JSON line. Admin calls the server does not serve yet answer NotImplemented.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { buildMadminClient, madmin, madminMissing } from "./madmin-client.ts";
import { ROOT_PASSWORD, ROOT_USER, startS3, type S3Harness } from "./s3-harness.ts";
import { TempDirs } from "./temp-dirs.ts";

const missing = madminMissing();
// CI installs Go and madmin-go (.ci/run): there a missing toolchain fails instead of skipping.
const skip = missing !== null && !process.env.CI;
if (skip) console.warn(`SKIP madmin-client tests: ${missing} (set CI=1 to make this a failure)`);

const root = { accessKey: ROOT_USER, secretKey: ROOT_PASSWORD };
const temp = new TempDirs();
let bin: string;
let h: S3Harness;

describe.skipIf(skip)("madmin-go 2.0.7 client", () => {
  beforeAll(async () => {
    if (missing !== null) throw new Error(`${missing}; CI must install it`);
    bin = (await buildMadminClient())!;
    h = await startS3(temp);
  }, 180_000); // a first build compiles madmin-go and its dependencies (~10 s here)
  afterAll(async () => {
    await h?.close();
    temp.cleanup();
  });

  test("the build is cached by source hash: a second call returns the same binary", async () => {
    expect(await buildMadminClient()).toBe(bin);
    expect(bin).toContain("bunker-madmin-client");
  });

  test("list-pools-status: the root user's signed call succeeds and lists the one pool", async () => {
    const r = await madmin(bin, h.endpoint, root, "list-pools-status");
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.result).toHaveLength(1);
    expect(r.result[0]).toMatchObject({ id: 0 });
    expect(typeof r.result[0].cmdline).toBe("string");
  });

  test("list-users answers an encrypted empty map; a call the server does not serve is NotImplemented (501)", async () => {
    expect(await madmin(bin, h.endpoint, root, "list-users")).toEqual({ ok: true, result: {} });
    const r = await madmin(bin, h.endpoint, root, "rebalance-status");
    expect(r).toMatchObject({ ok: false, error: { code: "NotImplemented", status: 501 } });
  });

  test("a wrong secret or an unknown access key is refused with the S3 auth codes", async () => {
    const wrong = await madmin(bin, h.endpoint, { accessKey: ROOT_USER, secretKey: "not-the-secret" }, "list-pools-status");
    expect(wrong).toMatchObject({ ok: false, error: { code: "SignatureDoesNotMatch", status: 403 } });
    const stranger = await madmin(bin, h.endpoint, { accessKey: "someone", secretKey: ROOT_PASSWORD }, "list-pools-status");
    expect(stranger).toMatchObject({ ok: false, error: { code: "InvalidAccessKeyId", status: 403 } });
  });

  test("arguments travel as JSON: a pool status by its command-line argument", async () => {
    const list = await madmin(bin, h.endpoint, root, "list-pools-status");
    if (!list.ok) throw new Error(list.error.message);
    const r = await madmin(bin, h.endpoint, root, "status-pool", { pool: list.result[0].cmdline });
    expect(r).toMatchObject({ ok: true, result: { id: 0, cmdline: list.result[0].cmdline } });
  });

  test("no server: ClientError with status 0; bad usage throws", async () => {
    const r = await madmin(bin, "http://127.0.0.1:1", root, "list-users");
    expect(r).toMatchObject({ ok: false, error: { code: "ClientError", status: 0 } });
    await expect(madmin(bin, h.endpoint, root, "no-such-command")).rejects.toThrow(/unknown command/);
    await expect(madmin(bin, h.endpoint, root, "user-info", { accesKey: "typo" })).rejects.toThrow(/unknown field/);
  });

  test("encrypt-data and decrypt-data round-trip with madmin's EncryptData (salt | id | nonce | sio stream)", async () => {
    const enc = await madmin(bin, h.endpoint, root, "encrypt-data", { data: "hello" });
    if (!enc.ok) throw new Error(enc.error.message);
    const bytes = Buffer.from(enc.result as string, "base64");
    expect(bytes.length).toBe(32 + 1 + 8 + 5 + 16);
    expect([0x00, 0x01]).toContain(bytes[32]);
    const dec = await madmin(bin, h.endpoint, root, "decrypt-data", { data: enc.result });
    expect(dec).toEqual({ ok: true, result: "hello" });
    const other = await madmin(bin, h.endpoint, root, "decrypt-data", { data: enc.result, password: "another" });
    expect(other).toMatchObject({ ok: false, error: { code: "ClientError" } });
  });
});
