// BuiltinKms: MinIO's legacy JSON vectors, the synthetic binary-form vector (reproduced
// byte-exact), the KMS context serialisation, bad secrets, wrong keys and tampered ciphertexts.
import { describe, expect, test } from "bun:test";
import { CryptoError } from "./crypto-error.ts";
import { BuiltinKms, goJsonString, kmsContextJson } from "./kms-builtin.ts";
import { fromHex, hex, readVector } from "../../test/support/ec-vectors.ts";

const b64 = (s: string) => new Uint8Array(Buffer.from(s, "base64"));
const utf8 = (s: string) => new TextEncoder().encode(s);

function expectCryptoError(f: () => unknown, kind: CryptoError["kind"]): CryptoError {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(CryptoError);
    expect((err as CryptoError).kind).toBe(kind);
    return err as CryptoError;
  }
  throw new Error("expected a CryptoError");
}

const legacy = readVector("fixtures/vectors/kms-builtin-and-sse-keys.json").kms_secret_key_legacy_json;
const synthetic = readVector("fixtures/vectors/sse-s3-synthetic.json");

describe("published and synthetic vectors", () => {
  for (const [i, v] of (legacy.vectors as { keyId: string; plaintextB64: string; ciphertext: string; associatedData: string }[]).entries()) {
    test(`legacy JSON #${i} (${JSON.parse(v.ciphertext).aead}, context ${v.associatedData})`, () => {
      const kms = new BuiltinKms(legacy.secretKey);
      const context = JSON.parse(v.associatedData) as Record<string, string>;
      expect(kmsContextJson(context)).toBe(v.associatedData);
      expect(Buffer.from(kms.decryptSync(v.keyId, utf8(v.ciphertext), context)).toString("base64")).toBe(v.plaintextB64);
      expectCryptoError(() => kms.decryptSync(v.keyId, utf8(v.ciphertext), { other: "context" }), "Tampered");
    });
  }

  test("synthetic SSE-S3 binary DEK: decrypts, and generateKey reproduces it byte-exact", () => {
    const sealed = b64(synthetic.metaSys["X-Minio-Internal-Server-Side-Encryption-S3-Kms-Sealed-Key"]);
    const keyId = synthetic.metaSys["X-Minio-Internal-Server-Side-Encryption-S3-Kms-Key-Id"];
    const context = { [synthetic.bucket]: `${synthetic.bucket}/${synthetic.object}` };
    expect(kmsContextJson(context)).toBe(synthetic.kmsContextJSON);
    expect(sealed.length).toBe(76);
    expect(hex(new BuiltinKms(synthetic.kmsSecretKey).decryptSync(keyId, sealed, context))).toBe(synthetic.dekHex);
    // random is read as data key (32), iv (16), nonce (12): replay them from the vector.
    const replay = [fromHex(synthetic.dekHex), sealed.subarray(48, 64), sealed.subarray(64)];
    const kms = new BuiltinKms(synthetic.kmsSecretKey, { random: () => replay.shift()! });
    const dk = kms.generateKeySync(context);
    expect(hex(dk.plaintext)).toBe(synthetic.dekHex);
    expect(hex(dk.ciphertext)).toBe(hex(sealed));
  });

  test("legacy AES-256-GCM-HMAC-SHA-256 JSON form (same primitive as the binary form)", () => {
    const kms = new BuiltinKms(legacy.secretKey);
    const dk = kms.generateKeySync({ a: "b" });
    const c = Buffer.from(dk.ciphertext);
    const json = {
      aead: "AES-256-GCM-HMAC-SHA-256",
      id: "my-key",
      iv: c.subarray(48, 64).toString("base64"),
      nonce: c.subarray(64).toString("base64"),
      bytes: c.subarray(0, 48).toString("base64"),
    };
    expect(kms.decryptSync("my-key", utf8(JSON.stringify(json)), { a: "b" })).toEqual(dk.plaintext);
    expectCryptoError(() => kms.decryptSync("my-key", utf8(JSON.stringify({ ...json, aead: "AES-128-CBC" })), { a: "b" }), "Unsupported");
    expectCryptoError(() => kms.decryptSync("my-key", utf8(JSON.stringify({ ...json, iv: "AAAA" })), { a: "b" }), "Malformed");
    expectCryptoError(() => kms.decryptSync("my-key", utf8(JSON.stringify({ ...json, bytes: "not base64!" })), { a: "b" }), "Malformed");
  });
});

describe("generateKey and decrypt", () => {
  const kms = new BuiltinKms("my-minio-key:eEm+JI9/q4JhH8QwKvf3LKo4DEBl6QbfvAl1CAbMIv8=");
  const context = { ".minio.sys": ".minio.sys/config/config.json" };

  test("round trip with a context; fresh keys each time", () => {
    const a = kms.generateKeySync(context);
    const b = kms.generateKeySync(context);
    expect(a.plaintext.length).toBe(32);
    expect(a.ciphertext.length).toBe(76);
    expect(hex(a.plaintext)).not.toBe(hex(b.plaintext));
    expect(kms.decryptSync("my-minio-key", a.ciphertext, context)).toEqual(a.plaintext);
    expect(kms.keyId).toBe("my-minio-key");
  });

  test("wrong key name, other context, other master key, flipped bytes, short input", () => {
    const { ciphertext } = kms.generateKeySync(context);
    const err = expectCryptoError(() => kms.decryptSync("other-key", ciphertext, context), "WrongKey");
    expect(err.message).toBe('Cannot decrypt data key of KMS key "other-key": MINIO_KMS_SECRET_KEY holds key "my-minio-key"');
    expectCryptoError(() => kms.decryptSync("my-minio-key", ciphertext, {}), "Tampered");
    expectCryptoError(() => new BuiltinKms("my-minio-key:" + Buffer.alloc(32).toString("base64")).decryptSync("my-minio-key", ciphertext, context), "Tampered");
    for (let i = 0; i < ciphertext.length; i++) {
      const bad = ciphertext.slice();
      bad[i] ^= 0x10;
      expect(() => kms.decryptSync("my-minio-key", bad, context)).toThrow(CryptoError);
    }
    expectCryptoError(() => kms.decryptSync("my-minio-key", ciphertext.subarray(0, 43), context), "Malformed");
    expectCryptoError(() => kms.decryptSync("my-minio-key", ciphertext.subarray(0, 75), context), "Tampered");
    expectCryptoError(() => kms.decryptSync("my-minio-key", Uint8Array.of(...ciphertext, 0), context), "Tampered");
  });
});

describe("MINIO_KMS_SECRET_KEY parsing", () => {
  const key = Buffer.alloc(32, 1).toString("base64");
  test("accepts <name>:<base64 32 bytes>", () => {
    expect(new BuiltinKms(`k1:${key}`).keyId).toBe("k1");
  });
  for (const [what, value] of [
    ["no colon", key],
    ["empty name", `:${key}`],
    ["empty key", "k1:"],
    ["31-byte key", `k1:${Buffer.alloc(31).toString("base64")}`],
    ["33-byte key", `k1:${Buffer.alloc(33).toString("base64")}`],
    ["unpadded base64", `k1:${key.replace("=", "")}`],
    ["URL alphabet", `k1:${Buffer.alloc(32, 0xff).toString("base64url")}=`],
    ["second colon", `k1:k2:${key}`],
  ]) {
    test(`refuses ${what}, without echoing the key`, () => {
      const err = expectCryptoError(() => new BuiltinKms(value), "Malformed");
      expect(err.message).toStartWith("Cannot parse MINIO_KMS_SECRET_KEY");
      if (value.length > 10) expect(err.message).not.toContain(key);
    });
  }
});

describe("kmsContextJson (Go encoding/json rules)", () => {
  test("empty, one pair, several pairs sorted by key bytes", () => {
    expect(kmsContextJson({})).toBe("{}");
    expect(kmsContextJson({ bucket: "bucket/object" })).toBe('{"bucket":"bucket/object"}');
    expect(kmsContextJson({ b: "2", a: "1", B: "0" })).toBe('{"B":"0","a":"1","b":"2"}');
    // UTF-16 order would put U+1F600 (D83D…) first; Go's byte order puts U+FF5E (EF…) before it (F0…).
    expect(kmsContextJson({ "\u{1F600}": "x", "\uFF5E": "y" })).toBe('{"\uFF5E":"y","\u{1F600}":"x"}');
  });

  test("escaping", () => {
    expect(goJsonString('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(goJsonString("\n\r\t\b\f\u0000\u001f\u007f")).toBe('"\\n\\r\\t\\u0008\\u000c\\u0000\\u001f\u007f"');
    expect(goJsonString("<a&b>")).toBe('"\\u003ca\\u0026b\\u003e"');
    expect(goJsonString("\u2028\u2029é€/")).toBe('"\\u2028\\u2029é€/"');
    expect(goJsonString("x\uD800y\uDC00")).toBe('"x\\ufffdy\\ufffd"');
  });
});
