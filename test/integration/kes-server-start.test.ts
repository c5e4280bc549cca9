// A server started with MinIO's KES variables: it connects to KES at start (our KES-protocol
// server over mTLS, as no real KES can be installed here), writes its IAM documents encrypted
// with data keys KES made, reads them back after a restart, and does not start when KES cannot be
// reached — with a message naming the endpoint.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { CryptoError, decryptConfig, KesKms, madminEncrypt } from "../../src/crypto/index.ts";
import { deadEndpoint, identityOfCertificate, KesServer, type KesPki, makeKesPki } from "../support/kes-server.ts";
import { ROOT_PASSWORD, startS3 } from "../support/s3-harness.ts";
import { TempDirs } from "../support/temp-dirs.ts";

const temp = new TempDirs();
let pki: KesPki;
let kes: KesServer;
let env: Record<string, string>;

beforeAll(async () => {
  pki = makeKesPki(temp.make("bunker-kes-start-"));
  kes = await KesServer.start({ cert: pki.serverCert, key: pki.serverKey, policies: { [identityOfCertificate(pki.clientCert)]: ["/v1/*"] } });
  env = {
    MINIO_KMS_KES_ENDPOINT: kes.url,
    MINIO_KMS_KES_KEY_NAME: "bunker-key",
    MINIO_KMS_KES_CERT_FILE: pki.clientCertFile,
    MINIO_KMS_KES_KEY_FILE: pki.clientKeyFile,
    MINIO_KMS_KES_CAPATH: pki.caFile,
  };
});
afterAll(async () => {
  await kes.stop();
  temp.cleanup();
});

test("IAM documents are encrypted with KES's data keys and read back after a restart", async () => {
  const first = await startS3(temp, { env });
  expect(kes.keys.has("bunker-key")).toBe(true); // created at start
  const body = await madminEncrypt(ROOT_PASSWORD, new TextEncoder().encode(JSON.stringify({ secretKey: "kes-user-secret", status: "enabled" })));
  const added = await first.signed({ method: "PUT", path: "/minio/admin/v3/add-user", query: { accessKey: "kesuser" }, body });
  expect(added.status).toBe(200);
  const name = "config/iam/users/kesuser/identity.json";
  const stored = (await first.bunker.store.readSystem(name))!;
  expect(new TextDecoder().decode(stored)).not.toContain("kes-user-secret");
  const client = new KesKms({ endpoints: [kes.url], keyName: "bunker-key", cert: pki.clientCert, key: pki.clientKey, ca: [pki.caCert] });
  const plain = JSON.parse(new TextDecoder().decode(await decryptConfig(client, stored, name)));
  expect(plain.credentials).toMatchObject({ accessKey: "kesuser", secretKey: "kes-user-secret" });
  expect(kes.requests.some((r) => r.path === "/v1/key/generate/bunker-key")).toBe(true);
  const drives = first.drives;
  await first.close();

  const decryptsBefore = kes.requests.filter((r) => r.path.startsWith("/v1/key/decrypt/")).length;
  const second = await startS3(temp, { env, driveArgs: () => drives });
  try {
    expect(kes.requests.filter((r) => r.path.startsWith("/v1/key/decrypt/")).length).toBeGreaterThan(decryptsBefore);
    const user = new S3Client({
      endpoint: second.endpoint,
      region: second.cfg.region,
      forcePathStyle: true,
      credentials: { accessKeyId: "kesuser", secretAccessKey: "kes-user-secret" },
      maxAttempts: 1,
    });
    // The user is known (its secret was read back through KES) and has no policy yet: AccessDenied,
    // not InvalidAccessKeyId.
    const err = await user.send(new ListObjectsV2Command({ Bucket: "nothing-here" })).catch((e: { name: string }) => e);
    expect((err as { name: string }).name).toBe("AccessDenied");
  } finally {
    await second.close();
  }
});

test("SSE-S3 and SSE-KMS go through KES; while KES is down writes are refused (nothing stored) and reads fail clearly; back, it is used again", async () => {
  const h = await startS3(temp, { env });
  try {
    const s3 = h.client();
    await s3.send(new CreateBucketCommand({ Bucket: "kes" }));
    const body = new Uint8Array(100_000).map((_, i) => (i * 7) & 0xff);
    await s3.send(new PutObjectCommand({ Bucket: "kes", Key: "a", Body: body, ServerSideEncryption: "AES256" }));
    await s3.send(new PutObjectCommand({ Bucket: "kes", Key: "b", Body: body, ServerSideEncryption: "aws:kms", SSEKMSKeyId: "bunker-key" }));
    for (const key of ["a", "b"]) {
      const got = await s3.send(new GetObjectCommand({ Bucket: "kes", Key: key }));
      expect(new Uint8Array(await got.Body!.transformToByteArray())).toEqual(body);
    }
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: "kes" }));
    const etagA = listed.Contents?.find((o) => o.Key === "a")?.ETag;
    expect(etagA).toBe(`"${new Bun.CryptoHasher("md5").update(body).digest("hex")}"`); // SSE-S3 lists its MD5
    await s3.send(new PutObjectCommand({ Bucket: "kes", Key: "d", Body: body, ServerSideEncryption: "AES256" })); // not listed yet
    const port = Number(new URL(kes.url).port);
    const keys = kes.keys;
    await kes.stop();
    const code = (p: Promise<unknown>) =>
      p.then(
        () => "resolved",
        (e: { name: string; $metadata?: { httpStatusCode?: number } }) => `${e.name} ${e.$metadata?.httpStatusCode}`,
      );
    expect(await code(s3.send(new PutObjectCommand({ Bucket: "kes", Key: "c", Body: "x", ServerSideEncryption: "AES256" })))).toBe("XMinioKMSUnavailable 503");
    expect(await code(s3.send(new HeadObjectCommand({ Bucket: "kes", Key: "c" })))).toBe("NotFound 404");
    expect(await code(s3.send(new GetObjectCommand({ Bucket: "kes", Key: "a" })))).toBe("XMinioKMSUnavailable 503");
    // A listing still answers (the SSE-S3 ETag it opened before is remembered).
    const down = await s3.send(new ListObjectsV2Command({ Bucket: "kes" }));
    expect(down.Contents?.map((o) => o.Key)).toEqual(["a", "b", "d"]);
    expect(down.Contents?.find((o) => o.Key === "a")?.ETag).toBe(etagA);
    // One it cannot open now shows its sealed value's last 32 hex digits instead of failing the page.
    expect(down.Contents?.find((o) => o.Key === "d")?.ETag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(down.Contents?.find((o) => o.Key === "d")?.ETag).not.toBe(etagA);
    // Plaintext objects do not need the KMS.
    await s3.send(new PutObjectCommand({ Bucket: "kes", Key: "plain", Body: "still works" }));
    kes = await KesServer.start({ cert: pki.serverCert, key: pki.serverKey, policies: { [identityOfCertificate(pki.clientCert)]: ["/v1/*"] }, keys, port });
    const again = await s3.send(new GetObjectCommand({ Bucket: "kes", Key: "b" }));
    expect(new Uint8Array(await again.Body!.transformToByteArray())).toEqual(body);
  } finally {
    await h.close();
  }
});

test("a KES that cannot be reached stops the start, naming the endpoint", async () => {
  const dead = await deadEndpoint();
  const err = await startS3(temp, { env: { ...env, MINIO_KMS_KES_ENDPOINT: dead } }).then(
    (h) => h.close().then(() => undefined),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CryptoError);
  expect((err as Error).message).toContain(dead);
});

test("MinIO's other KMSes are refused at start rather than ignored", async () => {
  const err = await startS3(temp, { env: { MINIO_KMS_SERVER: "https://minkms:7373" } }).then(
    (h) => h.close().then(() => undefined),
    (e: unknown) => e,
  );
  expect((err as Error).message).toMatch(/MINIO_KMS_SERVER .*not supported/);
});
