// MinIO's KMS admin calls through madmin-go (mc admin kms …): status and key status for the
// built-in key, for KES (our KES-protocol server over mTLS; each endpoint reported on its own, one
// offline once it stops) and without a KMS (NotImplemented); the older /minio/admin/v3/kms/ paths; calls the KMS
// cannot do refused as NotImplemented; callers without kms: actions refused as AccessDenied.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { deadEndpoint, identityOfCertificate, KesServer, makeKesPki } from "../support/kes-server.ts";
import { buildMadminClient, madmin, madminMissing, type MadminResult } from "../support/madmin-client.ts";
import { ROOT_PASSWORD, ROOT_USER, startS3, type S3Harness } from "../support/s3-harness.ts";
import { TempDirs } from "../support/temp-dirs.ts";

const missing = madminMissing();
const skip = missing !== null && !process.env.CI;
if (skip) console.warn(`SKIP admin KMS tests: ${missing} (set CI=1 to make this a failure)`);

const root = { accessKey: ROOT_USER, secretKey: ROOT_PASSWORD };
const KEY_NAME = "kms-admin-key";
const temp = new TempDirs();
let bin: string;

async function ok(h: S3Harness, command: string, args?: unknown, creds = root) {
  const r = await madmin(bin, h.endpoint, creds, command, args);
  if (!r.ok) throw new Error(`${command} failed: ${r.error.code} (${r.error.status}): ${r.error.message}`);
  return r.result;
}

async function refused(h: S3Harness, command: string, args?: unknown, creds = root): Promise<{ code: string; message: string; status: number }> {
  const r: MadminResult = await madmin(bin, h.endpoint, creds, command, args);
  if (r.ok) throw new Error(`${command} ${JSON.stringify(args)} was accepted: ${JSON.stringify(r.result)}`);
  return r.error;
}

beforeAll(async () => {
  if (skip) return;
  if (missing !== null) throw new Error(`${missing}; CI must install it`);
  bin = (await buildMadminClient())!;
});
afterAll(() => temp.cleanup());

describe.skipIf(skip)("the built-in key (MINIO_KMS_SECRET_KEY)", () => {
  let h: S3Harness;
  beforeAll(async () => {
    h = await startS3(temp, { env: { MINIO_KMS_SECRET_KEY: `${KEY_NAME}:${Buffer.alloc(32, 5).toString("base64")}` } });
  });
  afterAll(async () => {
    await h?.close();
  });

  test("status, key status, version and the key list answer as madmin decodes them", async () => {
    expect(await ok(h, "kms-status")).toEqual({ name: "MinIO builtin", "default-key-id": KEY_NAME, endpoints: { "127.0.0.1": "online" } });
    expect(await ok(h, "get-key-status", { keyID: "" })).toEqual({ "key-id": KEY_NAME });
    expect(await ok(h, "get-key-status", { keyID: KEY_NAME })).toEqual({ "key-id": KEY_NAME });
    const other = await ok(h, "get-key-status", { keyID: "no-such-key" });
    expect(other["key-id"]).toBe("no-such-key");
    expect(other["encryption-error"]).toContain(`Cannot make a data key with KMS key "no-such-key": MINIO_KMS_SECRET_KEY holds key "${KEY_NAME}"`);
    expect(other["decryption-error"]).toBeUndefined();
    expect(await ok(h, "kms-version")).toEqual({ version: "v1" });
    expect(await ok(h, "list-keys", { pattern: "" })).toEqual([{ name: KEY_NAME, createdAt: "", createdBy: "" }]);
    expect(await ok(h, "list-keys", { pattern: "kms-*" })).toEqual([{ name: KEY_NAME, createdAt: "", createdBy: "" }]);
    expect(await ok(h, "list-keys", { pattern: "other" })).toEqual([]);
  });

  test("what one static key cannot do is NotImplemented, never a success", async () => {
    const create = await refused(h, "create-key", { keyID: "another" });
    expect([create.code, create.status]).toEqual(["NotImplemented", 501]);
    expect(create.message).toContain(`the one key "${KEY_NAME}"`);
    const metrics = await refused(h, "kms-metrics");
    expect([metrics.code, metrics.status]).toEqual(["NotImplemented", 501]);
  });

  test("the older /minio/admin/v3/kms/ paths answer the same; the others are only under /minio/kms/v1/", async () => {
    const status = await h.signed({ method: "POST", path: "/minio/admin/v3/kms/status" });
    expect(status.status).toBe(200);
    expect(await status.json()).toEqual({ name: "MinIO builtin", "default-key-id": KEY_NAME, endpoints: { "127.0.0.1": "online" } });
    const key = await h.signed({ path: "/minio/admin/v3/kms/key/status", query: { "key-id": "" } });
    expect(await key.json()).toEqual({ "key-id": KEY_NAME });
    const list = await h.signed({ path: "/minio/admin/v3/kms/key/list" });
    expect(list.status).toBe(501);
    expect(((await list.json()) as { Code: string }).Code).toBe("NotImplemented");
    const unsigned = await h.anon("/minio/kms/v1/status");
    expect(unsigned.status).toBe(403);
    expect(unsigned.headers.get("content-type")).toBe("application/json");
  });

  test("a user without kms: actions is refused; kms:Status alone allows the status only", async () => {
    const bob = { accessKey: "kmsbob", secretKey: "kmsbob-secret" };
    await ok(h, "add-user", bob);
    await ok(h, "set-policy", { policy: "readwrite", entity: bob.accessKey, isGroup: false });
    for (const [command, args] of [
      ["kms-status", undefined],
      ["get-key-status", { keyID: "" }],
      ["kms-version", undefined],
      ["list-keys", { pattern: "" }],
      ["create-key", { keyID: "x" }],
    ] as const) {
      const e = await refused(h, command, args, bob);
      expect({ command, code: e.code, status: e.status }).toEqual({ command, code: "AccessDenied", status: 403 });
    }
    const carol = { accessKey: "kmscarol", secretKey: "kmscarol-secret" };
    await ok(h, "add-user", carol);
    await ok(h, "add-canned-policy", { name: "kms-status-only", policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["kms:Status"] }] } });
    await ok(h, "set-policy", { policy: "kms-status-only", entity: carol.accessKey, isGroup: false });
    expect((await ok(h, "kms-status", undefined, carol)).name).toBe("MinIO builtin");
    expect((await refused(h, "get-key-status", { keyID: "" }, carol)).code).toBe("AccessDenied");
  });
});

describe.skipIf(skip)("without a KMS", () => {
  test("every KMS call answers NotImplemented, saying no KMS is configured", async () => {
    const h = await startS3(temp);
    try {
      for (const [command, args] of [
        ["kms-status", undefined],
        ["get-key-status", { keyID: "" }],
        ["kms-version", undefined],
        ["create-key", { keyID: "k" }],
      ] as const) {
        const e = await refused(h, command, args);
        expect({ command, code: e.code, status: e.status }).toEqual({ command, code: "NotImplemented", status: 501 });
        expect(e.message).toContain("KMS is not configured");
      }
    } finally {
      await h.close();
    }
  });
});

describe.skipIf(skip)("KES", () => {
  let kes: KesServer;
  let stopped = false;
  let dead: string;
  let h: S3Harness;
  beforeAll(async () => {
    const pki = makeKesPki(temp.make("bunker-kms-admin-"));
    kes = await KesServer.start({ cert: pki.serverCert, key: pki.serverKey, policies: { [identityOfCertificate(pki.clientCert)]: ["/v1/*"] } });
    // A second endpoint nothing listens on: each endpoint is reported on its own.
    dead = await deadEndpoint();
    h = await startS3(temp, {
      env: {
        MINIO_KMS_KES_ENDPOINT: `${kes.url},${dead}`,
        MINIO_KMS_KES_KEY_NAME: "bunker-key",
        MINIO_KMS_KES_CERT_FILE: pki.clientCertFile,
        MINIO_KMS_KES_KEY_FILE: pki.clientKeyFile,
        MINIO_KMS_KES_CAPATH: pki.caFile,
      },
    });
  });
  afterAll(async () => {
    await h?.close();
    if (!stopped) await kes?.stop();
  });

  test("status asks each endpoint, key status makes and opens a data key, key create is forwarded to KES", async () => {
    expect(await ok(h, "kms-status")).toEqual({ name: "MinIO KES", "default-key-id": "bunker-key", endpoints: { [kes.url]: "online", [dead]: "offline" } });
    expect(kes.requests.some((r) => r.path === "/v1/status")).toBe(true);
    expect(await ok(h, "get-key-status", { keyID: "" })).toEqual({ "key-id": "bunker-key" });
    const unknown = await ok(h, "get-key-status", { keyID: "nokey" });
    expect(unknown["encryption-error"]).toContain('KES has no key "nokey"');
    expect(await ok(h, "kms-version")).toEqual({ version: "kes-protocol-test" });

    expect(await ok(h, "create-key", { keyID: "made-by-admin" })).toBeNull();
    expect(kes.keys.has("made-by-admin")).toBe(true);
    expect(await ok(h, "get-key-status", { keyID: "made-by-admin" })).toEqual({ "key-id": "made-by-admin" });
    const again = await refused(h, "create-key", { keyID: "made-by-admin" });
    expect([again.code, again.status]).toEqual(["kms:KeyAlreadyExists", 409]);
    const list = await refused(h, "list-keys", { pattern: "*" });
    expect([list.code, list.status]).toEqual(["NotImplemented", 501]);
  });

  test("a KES that stopped is reported offline, and key status reports the failure", async () => {
    const url = kes.url;
    await kes.stop();
    stopped = true;
    expect(await ok(h, "kms-status")).toEqual({ name: "MinIO KES", "default-key-id": "bunker-key", endpoints: { [url]: "offline", [dead]: "offline" } });
    const status = await ok(h, "get-key-status", { keyID: "" });
    expect(status["key-id"]).toBe("bunker-key");
    expect(status["encryption-error"]).toContain("no KES endpoint answered");
    const version = await refused(h, "kms-version");
    expect([version.code, version.status]).toEqual(["XMinioKMSUnavailable", 503]);
  });
});
