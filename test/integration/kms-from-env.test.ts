// kmsFromEnv: MinIO's KMS variables → the built-in key, a KES connection checked at start (over
// mTLS to our KES-protocol server), or none; every conflicting, incomplete or unsupported
// setting refused at start; MINIO_KMS_AUTO_ENCRYPTION in MinIO's spellings.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { copyFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError } from "../../src/config/index.ts";
import { BuiltinKms, CryptoError, kesApiKeyCertificate, KesKms } from "../../src/crypto/index.ts";
import { autoEncryptionOf, kesEndpoints, kmsFromEnv } from "../../src/server-kms.ts";
import { deadEndpoint, identityOfCertificate, KesServer, type KesPki, makeKesPki } from "../support/kes-server.ts";
import { TempDirs } from "../support/temp-dirs.ts";

const SECRET = "my-minio-key:OSMM+vkKUTCvQs9YL/CVMIMt43HFhkUpqJxTmGl6rYw=";
const API_KEY = "kes:v1:AGaV6VXHasF0FnaB60WdCOeTZ8eTIDikL4zlN16c8NAs";
const temp = new TempDirs();
let pki: KesPki;
let server: KesServer;
let kesEnv: Record<string, string>;

beforeAll(async () => {
  pki = makeKesPki(temp.make("bunker-kms-env-"));
  const policies = { [identityOfCertificate(pki.clientCert)]: ["/v1/*"], [kesApiKeyCertificate(API_KEY).identity]: ["/v1/key/*"] };
  server = await KesServer.start({ cert: pki.serverCert, key: pki.serverKey, policies });
  kesEnv = {
    MINIO_KMS_KES_ENDPOINT: server.url,
    MINIO_KMS_KES_KEY_NAME: "minio-default",
    MINIO_KMS_KES_CERT_FILE: pki.clientCertFile,
    MINIO_KMS_KES_KEY_FILE: pki.clientKeyFile,
    MINIO_KMS_KES_CAPATH: pki.caFile,
  };
});
afterAll(async () => {
  await server.stop();
  temp.cleanup();
});

async function refusal(env: Record<string, string | undefined>, type: typeof ConfigError | typeof CryptoError = ConfigError): Promise<string> {
  const err = await kmsFromEnv(env, { timeoutMs: 500 }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(type);
  return (err as Error).message;
}

describe("the built-in key", () => {
  test("nothing set is no KMS; MINIO_KMS_SECRET_KEY and its _FILE form are the built-in key", async () => {
    expect(await kmsFromEnv({})).toEqual({ kms: undefined, autoEncryption: false, secrets: [], summary: "", warnings: [] });
    const direct = await kmsFromEnv({ MINIO_KMS_SECRET_KEY: SECRET, MINIO_KMS_KES_CAPATH: "" });
    expect(direct.kms).toBeInstanceOf(BuiltinKms);
    expect(direct.kms?.keyId).toBe("my-minio-key");
    expect(direct.secrets).toEqual([SECRET, SECRET.split(":")[1]]);
    const file = join(temp.make("bunker-kms-key-"), "key");
    writeFileSync(file, ` ${SECRET}\n`);
    const fromFile = await kmsFromEnv({ MINIO_KMS_SECRET_KEY_FILE: file });
    const dk = await fromFile.kms!.generateKey({ a: "b" });
    expect(await direct.kms!.decrypt("my-minio-key", dk.ciphertext, { a: "b" })).toEqual(dk.plaintext);
  });

  test("a bad key, a missing file, or both forms at once are refused", async () => {
    expect(await refusal({ MINIO_KMS_SECRET_KEY: "no-colon" })).toMatch(/no ":" separator/);
    expect(await refusal({ MINIO_KMS_SECRET_KEY_FILE: "/nonexistent/key" })).toMatch(
      /MINIO_KMS_SECRET_KEY_FILE names "\/nonexistent\/key", which cannot be read/,
    );
    expect(await refusal({ MINIO_KMS_SECRET_KEY: SECRET, MINIO_KMS_SECRET_KEY_FILE: "/k" })).toMatch(/Both MINIO_KMS_SECRET_KEY and MINIO_KMS_SECRET_KEY_FILE/);
  });
});

describe("KES", () => {
  test("certificate files: connected at start, the default key created, the identity in the summary", async () => {
    const setup = await kmsFromEnv(kesEnv);
    expect(setup.kms).toBeInstanceOf(KesKms);
    expect(setup.kms?.keyId).toBe("minio-default");
    expect(server.keys.has("minio-default")).toBe(true);
    expect(setup.summary).toBe(`KMS: KES key "minio-default" at ${server.url} (client identity ${identityOfCertificate(pki.clientCert)})`);
    const dk = await setup.kms!.generateKey({ bucket: "bucket/object" });
    expect(await setup.kms!.decrypt("minio-default", dk.ciphertext, { bucket: "bucket/object" })).toEqual(dk.plaintext);
  });

  test("an API key, an encrypted key file, a CA directory, and the certs CAs directory as the default", async () => {
    const { MINIO_KMS_KES_CERT_FILE: _c, MINIO_KMS_KES_KEY_FILE: _k, ...rest } = kesEnv;
    const byApiKey = await kmsFromEnv({ ...rest, MINIO_KMS_KES_API_KEY: API_KEY });
    expect(byApiKey.secrets).toEqual([API_KEY]);
    expect(byApiKey.summary).toContain("ea9826089311fe44d7590408ede9150f7c637b6cab0a91ee6fe1aa5d9fb366f6");
    await byApiKey.kms!.generateKey({});
    const encrypted = await kmsFromEnv({ ...kesEnv, MINIO_KMS_KES_KEY_FILE: pki.encryptedKeyFile, MINIO_KMS_KES_KEY_PASSWORD: pki.keyPassword });
    expect(encrypted.secrets).toEqual([pki.keyPassword]);
    const caDir = temp.make("bunker-kes-cas-");
    copyFileSync(pki.caFile, join(caDir, "ca.crt"));
    writeFileSync(join(caDir, "README"), "not a certificate");
    expect((await kmsFromEnv({ ...kesEnv, MINIO_KMS_KES_CAPATH: caDir })).kms).toBeInstanceOf(KesKms);
    const { MINIO_KMS_KES_CAPATH: _ca, ...noCa } = kesEnv;
    expect((await kmsFromEnv(noCa, { certsCaDir: caDir })).kms).toBeInstanceOf(KesKms);
  });

  test("without the CA KES's certificate is untrusted: start fails as Unavailable, naming the endpoint", async () => {
    const { MINIO_KMS_KES_CAPATH: _ca, ...noCa } = kesEnv;
    const message = await refusal(noCa, CryptoError);
    expect(message).toMatch(/^Cannot start with KES at https:\/\/127\.0\.0\.1:\d+: .*certificate/);
  });

  test("an unreachable KES fails the start with Unavailable; a failing endpoint before a good one does not", async () => {
    const dead = await deadEndpoint();
    expect(await refusal({ ...kesEnv, MINIO_KMS_KES_ENDPOINT: dead }, CryptoError)).toContain(`${dead}: connection refused`);
    expect((await kmsFromEnv({ ...kesEnv, MINIO_KMS_KES_ENDPOINT: `${dead}, ${server.url}` })).kms).toBeInstanceOf(KesKms);
  });

  test("incomplete, conflicting and malformed KES settings are refused", async () => {
    const { MINIO_KMS_KES_KEY_NAME: _n, ...noName } = kesEnv;
    expect(await refusal(noName)).toMatch(/MINIO_KMS_KES_KEY_NAME is not set/);
    expect(await refusal({ ...kesEnv, MINIO_KMS_KES_ENDPOINT: "" })).toMatch(/MINIO_KMS_KES_ENDPOINT is not set/);
    expect(await refusal({ ...kesEnv, MINIO_KMS_KES_ENDPOINT: "http://kes:7373" })).toMatch(/https:\/\/ only/);
    expect(await refusal({ ...kesEnv, MINIO_KMS_KES_KEY_NAME: "my/key" })).toMatch(/not a KES key name/);
    expect(await refusal({ ...kesEnv, MINIO_KMS_KES_API_KEY: API_KEY })).toMatch(/MINIO_KMS_KES_API_KEY and a client certificate/);
    expect(await refusal({ ...kesEnv, MINIO_KMS_KES_KEY_FILE: "" })).toMatch(/set MINIO_KMS_KES_KEY_FILE/);
    const { MINIO_KMS_KES_CERT_FILE: _c, MINIO_KMS_KES_KEY_FILE: _k, ...noAuth } = kesEnv;
    expect(await refusal(noAuth)).toMatch(/without a way to authenticate/);
    expect(await refusal({ ...noAuth, MINIO_KMS_KES_API_KEY: "kes:v1:short" })).toMatch(/Cannot parse MINIO_KMS_KES_API_KEY/);
    expect(await refusal({ ...kesEnv, MINIO_KMS_KES_KEY_FILE: pki.encryptedKeyFile, MINIO_KMS_KES_KEY_PASSWORD: "wrong" })).toMatch(/wrong password/);
    expect(await refusal({ ...kesEnv, MINIO_KMS_KES_CAPATH: pki.clientKeyFile })).toMatch(/holds no PEM certificate/);
    expect(await refusal({ ...kesEnv, MINIO_KMS_SECRET_KEY: SECRET })).toMatch(/Both KES .* and the built-in key/);
  });

  test("endpoints: comma-separated, trimmed, MinIO's ellipses expanded", () => {
    expect(kesEndpoints(" https://kes{1...3}:7373/ ,, https://other:7373")).toEqual([
      "https://kes1:7373",
      "https://kes2:7373",
      "https://kes3:7373",
      "https://other:7373",
    ]);
  });
});

describe("other KMSes and MINIO_KMS_AUTO_ENCRYPTION", () => {
  test("MinKMS, Vault and the old master key are refused as not supported; unknown MINIO_KMS_* only warned about", async () => {
    expect(await refusal({ MINIO_KMS_SERVER: "https://kms:7373", MINIO_KMS_API_KEY: "k" })).toMatch(/MinIO KMS \(MinKMS\) is not supported/);
    expect(await refusal({ MINIO_KMS_SSE_KEY: "k" })).toMatch(/MINIO_KMS_SSE_KEY is set, but MinIO KMS/);
    expect(await refusal({ MINIO_KMS_VAULT_ENDPOINT: "https://vault" })).toMatch(/Vault/);
    expect(await refusal({ MINIO_KMS_MASTER_KEY: "k:00" })).toMatch(/not supported/);
    expect((await kmsFromEnv({ MINIO_KMS_SECRET_KEY: SECRET, MINIO_KMS_FOO: "1" })).warnings).toEqual([
      "MINIO_KMS_FOO is not a KMS variable this server knows; it is ignored",
    ]);
  });

  test("auto-encryption: MinIO's boolean spellings, refused without a KMS or when unreadable", async () => {
    for (const v of ["on", "ON", "true", "1", "t", "enabled"]) expect(autoEncryptionOf(v)).toBe(true);
    for (const v of ["off", "Off", "false", "0", "F", "disabled", "", undefined]) expect(autoEncryptionOf(v)).toBe(false);
    expect(() => autoEncryptionOf("yes")).toThrow(/MINIO_KMS_AUTO_ENCRYPTION is "yes"; use "on" or "off"/);
    expect((await kmsFromEnv({ MINIO_KMS_SECRET_KEY: SECRET, MINIO_KMS_AUTO_ENCRYPTION: "on" })).autoEncryption).toBe(true);
    expect(await refusal({ MINIO_KMS_AUTO_ENCRYPTION: "on" })).toMatch(/no KMS is configured/);
    expect(await refusal({ MINIO_KMS_SECRET_KEY: SECRET, MINIO_KMS_AUTO_ENCRYPTION: "maybe" })).toMatch(/use "on" or "off"/);
  });
});
