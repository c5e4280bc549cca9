// MinIO's IAM carried over: drives whose .minio.sys/config/iam holds users, groups, canned
// policies (current and old bare-document form), policy mappings and a service account whose
// claims live only in its session token — written as MinIO writes them, in plain JSON, in the
// KMS-encrypted form (MINIO_KMS_SECRET_KEY) and in the old root-credential (madmin) form — work on
// first start with no conversion; what Bunker writes with a KMS configured is MinIO's KMS form.
import { afterAll, describe, expect, test } from "bun:test";
import { createHmac } from "node:crypto";
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { decryptConfig, encryptConfig, madminEncrypt, BuiltinKms } from "../../src/crypto/index.ts";
import { ROOT_PASSWORD, ROOT_USER, startS3, type S3Harness } from "../support/s3-harness.ts";
import { TempDirs } from "../support/temp-dirs.ts";

const temp = new TempDirs();
afterAll(() => temp.cleanup());

const KMS_KEY = `my-minio-key:${Buffer.alloc(32, 7).toString("base64")}`;
const utf8 = (v: unknown) => new TextEncoder().encode(typeof v === "string" ? v : JSON.stringify(v));
const b64url = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");

/** A session token as MinIO signs it: HS512 over the claims with the root secret. */
function minioToken(claims: Record<string, unknown>): string {
  const body = `${b64url({ alg: "HS512", typ: "JWT" })}.${b64url(claims)}`;
  return `${body}.${createHmac("sha512", ROOT_PASSWORD).update(body).digest("base64url")}`;
}

const saPolicy = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::legacy/public/*"] }] };

/** The documents of a MinIO deployment's IAM, as MinIO writes them (paths under .minio.sys). */
const MINIO_IAM: Record<string, unknown> = {
  "config/iam/format.json": { version: 1 },
  "config/iam/users/mia/identity.json": {
    version: 1,
    credentials: { accessKey: "mia", secretKey: "mia-secret-key", expiration: "1970-01-01T00:00:00Z", status: "on" },
    updatedAt: "2024-05-01T10:00:00.123456789Z",
  },
  "config/iam/users/max/identity.json": {
    version: 1,
    credentials: { accessKey: "max", secretKey: "max-secret-key", expiration: "1970-01-01T00:00:00Z", status: "on" },
    updatedAt: "2024-05-01T10:00:00.5Z",
  },
  "config/iam/users/off/identity.json": {
    version: 1,
    credentials: { accessKey: "off", secretKey: "off-secret-key", expiration: "1970-01-01T00:00:00Z", status: "off" },
  },
  "config/iam/groups/devs/members.json": { version: 1, status: "enabled", members: ["max"], updatedAt: "2024-05-01T10:00:00Z" },
  "config/iam/policies/dev-rw/policy.json": {
    Version: 1,
    Policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject"], Resource: ["arn:aws:s3:::legacy/dev/*"] }] },
    CreateDate: "2024-05-01T10:00:00Z",
    UpdateDate: "2024-05-01T10:00:00Z",
  },
  // Releases before 2021 stored the bare policy document.
  "config/iam/policies/old-read/policy.json": {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::legacy/*"] }],
  },
  "config/iam/policydb/users/mia.json": { version: 1, policy: "old-read", updatedAt: "2024-05-01T10:00:00Z" },
  "config/iam/policydb/groups/devs.json": { version: 1, policy: "dev-rw", updatedAt: "2024-05-01T10:00:00Z" },
  // Its claims only in the session token, as MinIO keeps them.
  "config/iam/service-accounts/MIASA0000000000000001/identity.json": {
    version: 1,
    credentials: {
      accessKey: "MIASA0000000000000001",
      secretKey: "mia-service-account-secret",
      sessionToken: minioToken({
        accessKey: "MIASA0000000000000001",
        parent: "mia",
        "sa-policy": "embedded-policy",
        sessionPolicy: Buffer.from(JSON.stringify(saPolicy)).toString("base64"),
      }),
      expiration: "1970-01-01T00:00:00Z",
      status: "on",
      parentUser: "mia",
    },
    updatedAt: "2024-05-01T10:00:00Z",
  },
};

type Encoding = "plain" | "kms" | "root-credential";

async function encode(name: string, doc: unknown, how: Encoding): Promise<Uint8Array> {
  const plain = utf8(doc);
  if (how === "kms") return encryptConfig(new BuiltinKms(KMS_KEY), plain, name);
  if (how === "root-credential") return madminEncrypt(`${ROOT_USER}:${ROOT_PASSWORD}`, plain);
  return plain;
}

async function outcome(c: S3Client, cmd: GetObjectCommand | PutObjectCommand): Promise<string> {
  try {
    const out = (await c.send(cmd as never)) as { Body?: { transformToString(): Promise<string> } };
    await out.Body?.transformToString();
    return "allow";
  } catch (err) {
    return (err as { name: string }).name;
  }
}

for (const how of ["plain", "kms", "root-credential"] as const) {
  describe(`MinIO IAM stored ${how}`, () => {
    let h: S3Harness | undefined;
    afterAll(async () => h?.close());

    test("every user, group, policy, mapping and service account works on first start", async () => {
      const env: Record<string, string> = how === "kms" ? { MINIO_KMS_SECRET_KEY: KMS_KEY } : {};
      const first = await startS3(temp, { env });
      const s3 = first.client();
      await s3.send(new CreateBucketCommand({ Bucket: "legacy" }));
      for (const k of ["public/a.txt", "dev/b.txt", "other/c.txt"]) await s3.send(new PutObjectCommand({ Bucket: "legacy", Key: k, Body: k }));
      // The drives as MinIO left them: its IAM documents, erasure-coded like any configuration object.
      for (const [name, doc] of Object.entries(MINIO_IAM)) await first.bunker.store.writeSystem(name, await encode(name, doc, how));
      const drives = first.drives;
      await first.close();

      h = await startS3(temp, { env, driveArgs: () => drives });
      const as = (accessKeyId: string, secretAccessKey: string) => h!.client({ credentials: { accessKeyId, secretAccessKey } });
      const get = (k: string) => new GetObjectCommand({ Bucket: "legacy", Key: k });
      const put = (k: string) => new PutObjectCommand({ Bucket: "legacy", Key: k, Body: "x" });
      const mia = as("mia", "mia-secret-key");
      const max = as("max", "max-secret-key");
      const sa = as("MIASA0000000000000001", "mia-service-account-secret");
      const results = {
        "mia reads (old bare policy document)": await outcome(mia, get("other/c.txt")),
        "mia cannot write": await outcome(mia, put("dev/x.txt")),
        "max writes dev/ through group devs": await outcome(max, put("dev/x.txt")),
        "max cannot read outside dev/": await outcome(max, get("other/c.txt")),
        "the service account reads public/ (embedded policy)": await outcome(sa, get("public/a.txt")),
        "the service account is narrowed below its parent": await outcome(sa, get("other/c.txt")),
        "a disabled MinIO user stays disabled": await outcome(as("off", "off-secret-key"), get("public/a.txt")),
      };
      expect(results).toEqual({
        "mia reads (old bare policy document)": "allow",
        "mia cannot write": "AccessDenied",
        "max writes dev/ through group devs": "allow",
        "max cannot read outside dev/": "AccessDenied",
        "the service account reads public/ (embedded policy)": "allow",
        "the service account is narrowed below its parent": "AccessDenied",
        "a disabled MinIO user stays disabled": "InvalidAccessKeyId",
      });
    }, 60_000); // root-credential files cost an Argon2id derivation each (~0.1–0.5 s on a busy machine)

    test("a document changed by Bunker is stored as MinIO would write it (KMS-encrypted when a KMS is configured)", async () => {
      const res = await h!.signed({ method: "PUT", path: "/minio/admin/v3/set-user-status", query: { accessKey: "max", status: "disabled" } });
      expect(res.status).toBe(200);
      const stored = (await h!.bunker.store.readSystem("config/iam/users/max/identity.json"))!;
      const name = "config/iam/users/max/identity.json";
      const plain = how === "kms" ? await decryptConfig(new BuiltinKms(KMS_KEY), stored, name) : stored;
      if (how === "kms") {
        expect(stored[0]).toBe(1);
        const headerLength = new DataView(stored.buffer, stored.byteOffset + 1, 4).getUint32(0, true);
        expect(JSON.parse(new TextDecoder().decode(stored.subarray(5, 5 + headerLength)))).toMatchObject({ keyid: "my-minio-key", algorithm: "AES-256-GCM" });
      }
      expect(JSON.parse(new TextDecoder().decode(plain))).toMatchObject({
        version: 1,
        credentials: { accessKey: "max", secretKey: "max-secret-key", status: "off" },
      });
    });
  });
}

test("a KMS-encrypted IAM document without the KMS key is skipped with a log line, never read as plain or crashing the server", async () => {
  const first = await startS3(temp);
  const name = "config/iam/users/mia/identity.json";
  await first.bunker.store.writeSystem(name, await encode(name, MINIO_IAM["config/iam/users/mia/identity.json"], "kms"));
  const drives = first.drives;
  await first.close();
  const h = await startS3(temp, { driveArgs: () => drives });
  try {
    expect(
      await outcome(
        h.client({ credentials: { accessKeyId: "mia", secretAccessKey: "mia-secret-key" } }),
        new GetObjectCommand({ Bucket: "any-bucket", Key: "y" }),
      ),
    ).toBe("InvalidAccessKeyId");
  } finally {
    await h.close();
  }
});
