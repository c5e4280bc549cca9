// The KMS calls' routing, JSON shapes and refusals over the built-in key and fake KMSes (KES is
// driven end to end in test/integration/admin-kms.test.ts): both path prefixes, authorization
// before "no KMS", key-status failures reported as messages without key material.
import { expect, test } from "bun:test";
import { BuiltinKms, CryptoError, type Kms } from "../crypto/index.ts";
import type { AdminCaller } from "./admin-request.ts";
import type { IamApiDeps } from "./iam-routes.ts";
import { createAdminApi } from "./admin-api.ts";
import { kmsKeyStatus, type KmsApiDeps } from "./kms-api.ts";

const ROOT: AdminCaller = { identity: { kind: "root" as const, accessKey: "root" }, secretKey: "root-secret", body: new Uint8Array(0) };
const USER: AdminCaller = { identity: { kind: "user" as const, accessKey: "u" }, secretKey: "u-secret", body: new Uint8Array(0) };
const SECRET = Buffer.alloc(32, 7).toString("base64");

/** An IAM that allows the root everything and the user only `userActions`. */
function iam(userActions: string[]): IamApiDeps {
  const decide = (id: { kind: string }, req: { action: string }) => (id.kind === "root" || userActions.includes(req.action) ? "allow" : "default");
  return { iam: { decide } } as unknown as IamApiDeps;
}

function api(kms: KmsApiDeps, caller = ROOT, userActions: string[] = []) {
  const handle = createAdminApi({ authenticate: async () => caller, iam: iam(userActions), kms });
  return async (method: string, target: string) => {
    const url = new URL(`http://127.0.0.1:9000${target}`);
    const res = await handle(new Request(url.href, { method }), url, url.pathname);
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
}

test("status and key status of the built-in key, under /minio/kms/v1/ and the older /minio/admin/v3/kms/", async () => {
  const call = api({ kms: new BuiltinKms(`k1:${SECRET}`) });
  const status = { name: "MinIO builtin", "default-key-id": "k1", endpoints: { "127.0.0.1": "online" } };
  expect(await call("GET", "/minio/kms/v1/status")).toEqual({ status: 200, body: status });
  expect(await call("POST", "/minio/admin/v3/kms/status")).toEqual({ status: 200, body: status });
  expect(await call("GET", "/minio/kms/v1/key/status")).toEqual({ status: 200, body: { "key-id": "k1" } });
  expect(await call("GET", "/minio/admin/v3/kms/key/status?key-id=k1")).toEqual({ status: 200, body: { "key-id": "k1" } });
  const wrong = await call("GET", "/minio/kms/v1/key/status?key-id=k2");
  expect(wrong.body).toEqual({ "key-id": "k2", "encryption-error": 'Cannot make a data key with KMS key "k2": MINIO_KMS_SECRET_KEY holds key "k1"' });
  expect(JSON.stringify(wrong.body)).not.toContain(SECRET);
});

test("unknown versions, unknown calls, v1-only calls under v3 and wrong methods are madmin JSON refusals", async () => {
  const call = api({ kms: new BuiltinKms(`k1:${SECRET}`) });
  const code = async (method: string, target: string) => {
    const r = await call(method, target);
    return `${r.status} ${r.body.Code}`;
  };
  expect(await code("GET", "/minio/kms/v2/status")).toBe("501 NotImplemented");
  expect(await code("GET", "/minio/kms/v1/nosuch")).toBe("501 NotImplemented");
  expect(await code("GET", "/minio/admin/v3/kms/version")).toBe("501 NotImplemented");
  expect(await code("DELETE", "/minio/kms/v1/status")).toBe("405 MethodNotAllowed");
  expect(await code("GET", "/minio/kms/v1/key/create?key-id=x")).toBe("405 MethodNotAllowed");
  expect(await code("POST", "/minio/kms/v1/key/create")).toBe("400 XMinioAdminInvalidArgument");
  for (const [method, path] of [
    ["POST", "/minio/kms/v1/key/create?key-id=x"],
    ["POST", "/minio/kms/v1/key/import?key-id=x"],
    ["DELETE", "/minio/kms/v1/key/delete?key-id=k1"],
    ["GET", "/minio/kms/v1/apis"],
    ["GET", "/minio/kms/v1/metrics"],
    ["POST", "/minio/kms/v1/policy/set?policy=p"],
    ["GET", "/minio/kms/v1/identity/describe-self"],
  ]) {
    expect(`${path} ${await code(method, path)}`).toBe(`${path} 501 NotImplemented`);
  }
});

test("authorization comes first: without the kms: action AccessDenied, with no KMS too; with it, no KMS is NotImplemented", async () => {
  const none = { kms: undefined };
  expect((await api(none, USER)("GET", "/minio/kms/v1/status")).body.Code).toBe("AccessDenied");
  expect((await api({ kms: new BuiltinKms(`k1:${SECRET}`) }, USER)("GET", "/minio/kms/v1/status")).status).toBe(403);
  const allowed = await api({ kms: new BuiltinKms(`k1:${SECRET}`) }, USER, ["kms:Status"])("GET", "/minio/kms/v1/status");
  expect(allowed.status).toBe(200);
  expect((await api({ kms: new BuiltinKms(`k1:${SECRET}`) }, USER, ["kms:Status"])("GET", "/minio/kms/v1/key/status")).status).toBe(403);
  const noKms = await api(none, USER, ["kms:Status"])("GET", "/minio/kms/v1/status");
  expect([noKms.status, noKms.body.Code]).toEqual([501, "NotImplemented"]);
  expect(noKms.body.Message).toContain("KMS is not configured");
  expect((await api(none)("GET", "/minio/kms/v1/metrics")).body.Message).toContain("KMS is not configured");
});

test("key status: a failed decryption and a data key that opens to other bytes are reported, never the key", async () => {
  const plaintext = new Uint8Array(32).fill(0xab);
  const base: Kms = { keyId: "fake", generateKey: async () => ({ plaintext, ciphertext: new Uint8Array(8) }), decrypt: async () => plaintext };
  expect(await kmsKeyStatus(base, "fake")).toEqual({ "key-id": "fake" });
  const failing: Kms = {
    ...base,
    decrypt: async () => {
      throw new CryptoError("Tampered", 'Cannot decrypt data key of KMS key "fake": message authentication failed');
    },
  };
  expect(await kmsKeyStatus(failing, "fake")).toEqual({
    "key-id": "fake",
    "decryption-error": 'Cannot decrypt data key of KMS key "fake": message authentication failed',
  });
  const other = await kmsKeyStatus({ ...base, decrypt: async () => new Uint8Array(32) }, "fake");
  expect(other["decryption-error"]).toBe("The decrypted data key differs from the one the KMS made");
  expect(JSON.stringify(other)).not.toContain(Buffer.from(plaintext).toString("base64"));
});
