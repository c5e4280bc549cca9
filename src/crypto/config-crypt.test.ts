// Encrypted config objects: a hand-built object in the SPEC §7.3 layout, encrypt/decrypt round
// trips, both KMS contexts, the §7.2 detection order, and tampering. (No fixture under
// shared/minio-format is a KMS- or root-encrypted config/IAM object, so none is decrypted here.)
import { describe, expect, test } from "bun:test";
import { decryptConfig, encryptConfig, readConfigBytes } from "./config-crypt.ts";
import { CryptoError } from "./crypto-error.ts";
import { BuiltinKms } from "./kms-builtin.ts";
import { madminEncrypt } from "./madmin-crypt.ts";
import { sioEncrypt } from "./sio-stream.ts";
import { hex } from "../../test/support/ec-vectors.ts";

const SECRET = "my-minio-key:eEm+JI9/q4JhH8QwKvf3LKo4DEBl6QbfvAl1CAbMIv8=";
const OBJ = "config/iam/users/alice/identity.json";
const utf8 = (s: string) => new TextEncoder().encode(s);
const fill = (n: number, v: number) => new Uint8Array(n).fill(v);

async function kindOf(f: () => unknown): Promise<string> {
  try {
    await f();
  } catch (err) {
    expect(err).toBeInstanceOf(CryptoError);
    return (err as CryptoError).kind;
  }
  return "no error";
}

/** A KMS whose data key, iv and nonce are fixed, so objects can be built by hand. */
function fixedKms(): BuiltinKms {
  const bytes = [fill(32, 0xd0), fill(16, 0x11), fill(12, 0x22)];
  let i = 0;
  return new BuiltinKms(SECRET, { random: () => bytes[i++ % 3] });
}

/** The §7.3 layout written out field by field from the spec, independent of encryptConfig. */
function handBuilt(plaintext: Uint8Array, context: Record<string, string>, keyid = "my-minio-key"): Uint8Array {
  const dek = fixedKms().generateKeySync(context);
  const nonce = fill(8, 0x33);
  const header = utf8(
    JSON.stringify({ keyid, kmskey: Buffer.from(dek.ciphertext).toString("base64"), algorithm: "AES-256-GCM", nonce: Buffer.from(nonce).toString("base64") }),
  );
  const len = new Uint8Array(4);
  new DataView(len.buffer).setUint32(0, header.length, true);
  return Uint8Array.of(0x01, ...len, ...header, ...sioEncrypt("AES-256-GCM", dek.plaintext, nonce, plaintext));
}

describe("KMS-encrypted config objects (§7.3)", () => {
  const plaintext = utf8('{"version":1,"credentials":{"accessKey":"alice","secretKey":"alice-secret","status":"on"}}');

  test("a hand-built object decrypts, and encryptConfig writes exactly those bytes", async () => {
    const built = handBuilt(plaintext, { ".minio.sys": `.minio.sys/${OBJ}` });
    expect(await decryptConfig(fixedKms(), built, OBJ)).toEqual(plaintext);
    expect(hex(await encryptConfig(fixedKms(), plaintext, OBJ, { random: () => fill(8, 0x33) }))).toBe(hex(built));
  });

  test("the header parses as the spec lays it out", async () => {
    const out = await encryptConfig(new BuiltinKms(SECRET), plaintext, OBJ);
    expect(out[0]).toBe(1);
    const j = new DataView(out.buffer).getUint32(1, true);
    const header = JSON.parse(new TextDecoder().decode(out.subarray(5, 5 + j)));
    expect(Object.keys(header)).toEqual(["keyid", "kmskey", "algorithm", "nonce"]);
    expect(header.keyid).toBe("my-minio-key");
    expect(header.algorithm).toBe("AES-256-GCM");
    expect(Buffer.from(header.kmskey, "base64").length).toBe(76);
    expect(Buffer.from(header.nonce, "base64").length).toBe(8);
    expect(out.length).toBe(5 + j + plaintext.length + 16);
  });

  test("round trips, sizes 0 to several fragments, and the older context without .minio.sys/", async () => {
    const kms = new BuiltinKms(SECRET);
    for (const n of [0, 1, 16384, 40000]) {
      const pt = Uint8Array.from({ length: n }, (_, i) => i % 251);
      expect(await decryptConfig(kms, await encryptConfig(kms, pt, OBJ), OBJ)).toEqual(pt);
    }
    expect(await decryptConfig(kms, handBuilt(plaintext, { ".minio.sys": OBJ }), OBJ)).toEqual(plaintext);
  });

  test("a ChaCha20-Poly1305 stream is read too", async () => {
    const chacha = handBuilt(plaintext, { ".minio.sys": `.minio.sys/${OBJ}` });
    const j = new DataView(chacha.buffer).getUint32(1, true);
    const header = JSON.parse(new TextDecoder().decode(chacha.subarray(5, 5 + j)));
    header.algorithm = "ChaCha20-Poly1305";
    const h = utf8(JSON.stringify(header));
    const len = new Uint8Array(4);
    new DataView(len.buffer).setUint32(0, h.length, true);
    const stream = sioEncrypt("ChaCha20-Poly1305", fill(32, 0xd0), fill(8, 0x33), plaintext);
    expect(await decryptConfig(fixedKms(), Uint8Array.of(1, ...len, ...h, ...stream), OBJ)).toEqual(plaintext);
  });

  test("tampering, truncation, a dropped final fragment, appended bytes, another path or key", async () => {
    const kms = new BuiltinKms(SECRET);
    const pt = new Uint8Array(40000).fill(9);
    const ct = await encryptConfig(kms, pt, OBJ);
    const headerEnd = ct.length - (40000 + 3 * 16);
    for (const i of [0, 1, 4, 5, 20, headerEnd - 3, headerEnd, headerEnd + 16399, headerEnd + 16400, ct.length - 1]) {
      const bad = ct.slice();
      bad[i] ^= 0x01;
      // A flip inside "keyid" names another key (WrongKey); anywhere else it is Malformed or Tampered.
      expect(["Tampered", "Malformed", "Unsupported", "WrongKey"]).toContain(await kindOf(() => decryptConfig(kms, bad, OBJ)));
    }
    for (const n of [0, 4, 5, headerEnd, headerEnd + 15, headerEnd + 16400, ct.length - 1]) {
      expect(["Tampered", "Malformed"]).toContain(await kindOf(() => decryptConfig(kms, ct.subarray(0, n), OBJ)));
    }
    expect(await kindOf(() => decryptConfig(kms, Uint8Array.of(...ct, 0), OBJ))).toBe("Tampered");
    expect(await kindOf(() => decryptConfig(kms, ct, "config/iam/users/bob/identity.json"))).toBe("Tampered");
    expect(await kindOf(() => decryptConfig(new BuiltinKms(`other:${Buffer.alloc(32).toString("base64")}`), ct, OBJ))).toBe("WrongKey");
    expect(() => decryptConfig(new BuiltinKms(`my-minio-key:${Buffer.alloc(32).toString("base64")}`), ct, OBJ)).toThrow(
      `Cannot decrypt config object "${OBJ}": its data key did not decrypt under either KMS context (wrong key or tampered data)`,
    );
  });
});

describe("readConfigBytes detection order (§7.2)", () => {
  const json = utf8('{"version":1,"policy":"readwrite","updatedAt":"2024-01-01T00:00:00Z"}');
  const root = "minioadmin:minioadmin";

  test("valid UTF-8 is returned as is, even with a KMS configured", async () => {
    expect(await readConfigBytes(json, { kms: new BuiltinKms(SECRET), rootCredential: root, objPath: OBJ })).toBe(json);
    expect(await readConfigBytes(new Uint8Array(0), { objPath: OBJ })).toEqual(new Uint8Array(0));
  });

  test("root-credential (madmin) encrypted, with or without a KMS", async () => {
    const old = await madminEncrypt(root, json, { algorithm: "pbkdf2-aes-gcm" });
    expect(await readConfigBytes(old, { rootCredential: root, objPath: OBJ })).toEqual(json);
    expect(await readConfigBytes(old, { rootCredential: root, kms: new BuiltinKms(SECRET), objPath: OBJ })).toEqual(json);
    expect(await kindOf(() => readConfigBytes(old, { rootCredential: "minioadmin:other", objPath: OBJ }))).toBe("Tampered");
    expect(await kindOf(() => readConfigBytes(old, { rootCredential: "x:y", kms: new BuiltinKms(SECRET), objPath: OBJ }))).toBe("Tampered");
    expect(await kindOf(() => readConfigBytes(old, { objPath: OBJ }))).toBe("Unsupported");
  });

  test("KMS-encrypted, also when a root credential is given", async () => {
    const kms = new BuiltinKms(SECRET);
    const enc = await encryptConfig(kms, json, OBJ);
    expect(await readConfigBytes(enc, { rootCredential: root, kms, objPath: OBJ })).toEqual(json);
    expect(await readConfigBytes(enc, { kms, objPath: OBJ })).toEqual(json);
    expect(await kindOf(() => readConfigBytes(enc, { rootCredential: root, objPath: OBJ }))).toBe("Unsupported");
  });

  test("binary that is neither format", async () => {
    expect(await kindOf(() => readConfigBytes(Uint8Array.of(0xff, 0xfe, 0x00), { objPath: OBJ }))).toBe("Malformed");
    expect(await kindOf(() => readConfigBytes(Uint8Array.of(0xff, 0xfe, 0x00), { kms: new BuiltinKms(SECRET), objPath: OBJ }))).toBe("Malformed");
    expect(await kindOf(() => readConfigBytes(Uint8Array.of(0x02, 0, 0, 0, 0, 0xff), { kms: new BuiltinKms(SECRET), objPath: OBJ }))).toBe("Unsupported");
  });
});
