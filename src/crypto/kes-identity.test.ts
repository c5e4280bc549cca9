// KES client certificates: API-key identities match the published kms-go vectors, the certificate
// made for an API key is one openssl accepts as a self-signed client certificate, and PEM files
// (plain or encrypted keys) are read with errors that say which half is wrong.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { createPrivateKey, X509Certificate } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { type KesPki, makeKesPki } from "../../test/support/kes-server.ts";
import { TempDirs } from "../../test/support/temp-dirs.ts";
import { CryptoError } from "./crypto-error.ts";
import { kesApiKeyCertificate, kesClientCertificate, kesIdentity } from "./kes-identity.ts";

const temp = new TempDirs();
let pki: KesPki;
beforeAll(() => {
  pki = makeKesPki(temp.make("bunker-kes-id-"));
});
afterAll(() => temp.cleanup());

function openssl(...args: string[]): string {
  const r = Bun.spawnSync(["openssl", ...args], { stdout: "pipe", stderr: "pipe" });
  if (r.exitCode !== 0) throw new Error(r.stderr.toString());
  return r.stdout.toString();
}

test("API key identities are those of kms-go's published examples", () => {
  // From minio/kms-go kes/apikey_test.go: (API key, identity) pairs.
  const vectors = [
    ["kes:v1:AGaV6VXHasF0FnaB60WdCOeTZ8eTIDikL4zlN16c8NAs", "ea9826089311fe44d7590408ede9150f7c637b6cab0a91ee6fe1aa5d9fb366f6"],
    ["kes:v1:ACQpoGqx3rHHjT938Hfu5hVVQJHZWSqVI2Xp1KlYxFVw", "0426fa9a04bc2756b92fbe8a97e1a1e07b53ecf04ed33da22c33e5c9faeb8cbb"],
    ["kes:v1:AMxvd2uV1l5dDSRwuKZxSjuM5BDemlr+685+JAHA1TuJ", "ab785e3b95d80d72cc9c27cb9fde886a0bf9068a69d40e3bd08a54e68c3f2bf7"],
  ];
  for (const [key, identity] of vectors) {
    const c = kesApiKeyCertificate(key);
    expect(c.identity).toBe(identity);
    expect(kesIdentity(c.cert)).toBe(identity);
  }
});

test("malformed API keys are refused without echoing them", () => {
  const bad = [
    "v1:AM0F5TP43FYEShMzA42f2drFYGnBOiNx7UH4DK0nm08E",
    "kes:AM0F5TP43FYEShMzA42f2drFYGnBOiNx7UH4DK0nm08E",
    "kes:v1:sbDvZFqUPFFwxRS4EkuoEb2nyyInkdKSUEYHXFHeTouW",
    "kes:v1:AAAA",
  ];
  for (const key of bad) {
    let err: unknown;
    try {
      kesApiKeyCertificate(key);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CryptoError);
    expect((err as CryptoError).message).toMatch(/^Cannot parse MINIO_KMS_KES_API_KEY/);
    expect((err as CryptoError).message).not.toContain(key.slice(7, 20));
  }
});

test("the API key's certificate is a valid self-signed client certificate named by its identity", () => {
  const now = new Date();
  const c = kesApiKeyCertificate("kes:v1:AGaV6VXHasF0FnaB60WdCOeTZ8eTIDikL4zlN16c8NAs", now);
  const dir = temp.make("bunker-kes-apikey-");
  writeFileSync(join(dir, "c.crt"), c.cert);
  writeFileSync(join(dir, "c.key"), c.key);
  // openssl checks the Ed25519 signature, the extensions and the client-auth purpose.
  expect(openssl("verify", "-CAfile", join(dir, "c.crt"), "-purpose", "sslclient", join(dir, "c.crt")).trim()).toEndWith(": OK");
  const x = new X509Certificate(c.cert);
  expect(x.subject).toBe(`CN=${c.identity}`);
  expect(x.checkPrivateKey(createPrivateKey(c.key))).toBe(true);
  expect(new Date(x.validTo).getTime() - now.getTime()).toBeGreaterThan(89 * 86_400_000);
  const text = openssl("x509", "-in", join(dir, "c.crt"), "-noout", "-text");
  expect(text).toContain("TLS Web Client Authentication");
  expect(text).toContain("CA:FALSE");
  expect(text).toContain("Signature Algorithm: ED25519");
  // KES's identity is the hash of the DER public key, as openssl writes it.
  const spki = Bun.spawnSync(["openssl", "pkey", "-in", join(dir, "c.key"), "-pubout", "-outform", "DER"]).stdout;
  expect(new Bun.CryptoHasher("sha256").update(spki).digest("hex")).toBe(c.identity);
});

test("a certificate and key from files: plain, encrypted, wrong password, mismatched", async () => {
  const plain = kesClientCertificate(pki.clientCert, pki.clientKey);
  const spki = Bun.spawnSync(["openssl", "x509", "-in", pki.clientCertFile, "-noout", "-pubkey"]).stdout;
  const der = Bun.spawnSync(["openssl", "pkey", "-pubin", "-outform", "DER"], { stdin: spki }).stdout;
  expect(plain.identity).toBe(new Bun.CryptoHasher("sha256").update(der).digest("hex"));
  const enc = await Bun.file(pki.encryptedKeyFile).text();
  expect(enc).toContain("ENCRYPTED");
  const opened = kesClientCertificate(pki.clientCert, enc, pki.keyPassword);
  expect(opened.identity).toBe(plain.identity);
  expect(opened.key).not.toContain("ENCRYPTED");
  expect(() => kesClientCertificate(pki.clientCert, enc)).toThrow(/encrypted and MINIO_KMS_KES_KEY_PASSWORD is not set/);
  expect(() => kesClientCertificate(pki.clientCert, enc, "wrong")).toThrow(/wrong password/);
  expect(() => kesClientCertificate(pki.clientCert, pki.strangerKey)).toThrow(/holds a different key/);
  expect(() => kesClientCertificate("not a cert", pki.clientKey)).toThrow(/not a PEM X.509 certificate/);
  expect(() => kesClientCertificate(pki.clientCert, "not a key")).toThrow(/not a PEM private key/);
});
