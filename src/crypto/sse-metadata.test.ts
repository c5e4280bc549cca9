// SSE from an object's MetaSys, end to end: the synthetic SSE-S3 fixture decrypted from its
// metadata alone (BuiltinKms → data key → object key → DARE → plaintext, whole and ranged), the
// real many-parts SSE-S3 fixture's sizes and sealed keys, and write → read round trips per domain.
import { describe, expect, test } from "bun:test";
import { CryptoError } from "./crypto-error.ts";
import { dareMultipartRange, dareRange } from "./dare-range.ts";
import { DareDecryptor } from "./dare-stream.ts";
import { dareDecrypt, dareDecryptedSize, dareEncrypt, dareEncryptedSize } from "./dare.ts";
import { BuiltinKms } from "./kms-builtin.ts";
import { partKey, unsealETag } from "./sse-keys.ts";
import { SSE_METADATA, createSseObjectKey, isEncryptedMultipart, readSealedKey, sseDomainOf, sseKmsContext, unsealSseObjectKey } from "./sse-metadata.ts";
import { fromHex, hex, readFixture, readVector, sha256 } from "../../test/support/ec-vectors.ts";

const syn = readVector("fixtures/vectors/sse-s3-synthetic.json");
const synMeta = syn.metaSys as Record<string, string>;
const synCipher = readFixture(`fixtures/vectors/${syn.ciphertextFile}`);
const SECRET = "my-key:eEm+JI9/q4JhH8QwKvf3LKo4DEBl6QbfvAl1CAbMIv8=";

async function expectCryptoError(f: () => unknown, kind?: CryptoError["kind"]): Promise<void> {
  try {
    await f();
  } catch (err) {
    expect(err).toBeInstanceOf(CryptoError);
    if (kind !== undefined) expect((err as CryptoError).kind).toBe(kind);
    return;
  }
  throw new Error("expected a CryptoError");
}

describe("synthetic SSE-S3 object, from its metadata", () => {
  const kms = new BuiltinKms(syn.kmsSecretKey);
  test("the KMS context and the object key", async () => {
    expect(sseDomainOf(synMeta)).toBe("SSE-S3");
    expect(isEncryptedMultipart(synMeta)).toBe(false);
    expect(sseKmsContext("SSE-S3", syn.bucket, syn.object)).toEqual(JSON.parse(syn.kmsContextJSON));
    const { domain, objectKey } = await unsealSseObjectKey(synMeta, syn.bucket, syn.object, { kms });
    expect(domain).toBe("SSE-S3");
    expect(hex(objectKey)).toBe(syn.objectKeyHex);
  });
  test("decrypts to the expected plaintext; stored size is the ciphertext size", async () => {
    expect(synCipher.length).toBe(syn.ciphertextLength);
    expect(sha256(synCipher)).toBe(syn.ciphertextSha256);
    const actual = Number(synMeta["X-Minio-Internal-actual-size"]);
    expect(dareDecryptedSize(synCipher.length)).toBe(actual);
    expect(dareEncryptedSize(actual)).toBe(synCipher.length);
    const { objectKey } = await unsealSseObjectKey(synMeta, syn.bucket, syn.object, { kms });
    const plain = dareDecrypt(objectKey, synCipher);
    expect(plain.length).toBe(syn.plaintext.length);
    expect(sha256(plain)).toBe(syn.plaintext.sha256);
    expect(plain.every((b, i) => b === ((7 * i) & 0xff))).toBe(true);
    expect(hex(unsealETag(objectKey, fromHex(syn.etagStoredHex)))).toBe(syn.etagPlainHex);
  });
  test("a ranged read touches only the packages it needs", async () => {
    const { objectKey } = await unsealSseObjectKey(synMeta, syn.bucket, syn.object, { kms });
    const r = dareRange(syn.plaintext.length, 70000, 20000);
    expect([r.firstPackage, r.cipherOffset, r.cipherLength, r.skip, r.endsStream]).toEqual([1, 65568, 34496, 70000 - 65536, true]);
    const dec = new DareDecryptor(objectKey, { sequence: r.firstPackage, skip: r.skip, length: r.length, endsStream: r.endsStream });
    const got = Buffer.concat(dec.push(synCipher.subarray(r.cipherOffset, r.cipherOffset + r.cipherLength)));
    dec.end();
    expect(got.length).toBe(20000);
    expect(got.every((b, i) => b === ((7 * (i + 70000)) & 0xff))).toBe(true);
  });
  test("wrong secret, wrong key name, no KMS, other object, missing or bad metadata", async () => {
    const other = new BuiltinKms("my-key:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
    await expectCryptoError(() => unsealSseObjectKey(synMeta, syn.bucket, syn.object, { kms: other }), "Tampered");
    await expectCryptoError(() => unsealSseObjectKey(synMeta, syn.bucket, syn.object, { kms: new BuiltinKms(SECRET.replace("my-key", "k2")) }), "WrongKey");
    await expectCryptoError(() => unsealSseObjectKey(synMeta, syn.bucket, syn.object, {}), "WrongKey");
    await expectCryptoError(() => unsealSseObjectKey(synMeta, syn.bucket, "dir/other.bin", { kms }), "Tampered");
    const without = (k: string) => Object.fromEntries(Object.entries(synMeta).filter(([n]) => n !== k));
    await expectCryptoError(() => unsealSseObjectKey(without(SSE_METADATA.iv), syn.bucket, syn.object, { kms }), "Malformed");
    await expectCryptoError(() => unsealSseObjectKey(without(SSE_METADATA.kmsKeyId), syn.bucket, syn.object, { kms }), "Malformed");
    await expectCryptoError(() => unsealSseObjectKey(without(SSE_METADATA.sealAlgorithm), syn.bucket, syn.object, { kms }), "Unsupported");
    await expectCryptoError(() => unsealSseObjectKey(without(SSE_METADATA.s3SealedKey), syn.bucket, syn.object, { kms }), "Malformed");
    await expectCryptoError(() => unsealSseObjectKey({ ...synMeta, [SSE_METADATA.iv]: "not base64!" }, syn.bucket, syn.object, { kms }), "Malformed");
  });
  test("a flipped ciphertext byte or a truncated object never decrypts", async () => {
    const { objectKey } = await unsealSseObjectKey(synMeta, syn.bucket, syn.object, { kms });
    for (const at of [0, 4, 16, 65567, 65568 + 100, synCipher.length - 1]) {
      const bad = synCipher.slice();
      bad[at] ^= 1;
      await expectCryptoError(() => dareDecrypt(objectKey, bad));
    }
    await expectCryptoError(() => dareDecrypt(objectKey, synCipher.subarray(0, 65568)), "Tampered");
  });
});

describe("real SSE-S3 multipart fixture (xl-many-parts.meta; its KMS secret is not published)", () => {
  const fixture = readVector("fixtures/expected/minio-testdata__xl-many-parts.meta.json");
  const obj = fixture.versions[0].body.V2Obj;
  const meta = Object.fromEntries(Object.entries(obj.MetaSys as Record<string, { str: string }>).map(([k, v]) => [k, v.str]));
  test("every part's stored size is the DARE size of its plaintext size", async () => {
    const sizes = obj.PartSizes as number[];
    const plain = obj.PartASizes as number[];
    expect(sizes.length).toBe(9016);
    for (let i = 0; i < sizes.length; i++) {
      expect(dareEncryptedSize(plain[i])).toBe(sizes[i]);
      expect(dareDecryptedSize(sizes[i])).toBe(plain[i]);
    }
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(obj.Size);
    expect(plain.reduce((a, b) => a + b, 0)).toBe(Number(meta["X-Minio-Internal-actual-size"]));
  });
  test("multipart ranges use the real part sizes", async () => {
    const parts = (obj.PartNums as number[]).map((number, i) => ({ number, size: obj.PartASizes[i] as number }));
    const r = dareMultipartRange(parts, 6291456 * 2 - 10, 20);
    expect(r.map((x) => [x.partNumber, x.firstPackage, x.cipherOffset, x.skip, x.length, x.endsStream])).toEqual([
      [2, 95, 6294528 + 95 * 65568, 65536 - 10, 10, true],
      [3, 0, 2 * 6294528, 0, 10, false],
    ]);
  });
  test("the sealed keys are 64-byte final DARE 2.0 packages; the data key is the legacy JSON form", async () => {
    expect(sseDomainOf(meta)).toBe("SSE-S3");
    expect(isEncryptedMultipart(meta)).toBe(true);
    for (const v of fixture.versions as { body: { V2Obj: { MetaSys: Record<string, { str: string }> } } }[]) {
      const m = Object.fromEntries(Object.entries(v.body.V2Obj.MetaSys).map(([k, x]) => [k, x.str]));
      const { domain, sealed } = readSealedKey(m, "bucket", "object");
      expect([domain, sealed.algorithm, sealed.iv.length, sealed.key.length]).toEqual(["SSE-S3", "DAREv2-HMAC-SHA256", 32, 64]);
      expect([sealed.key[0], sealed.key[1], sealed.key[2], sealed.key[3], sealed.key[4] & 0x80]).toEqual([0x20, 0, 31, 0, 0x80]);
      expect(JSON.parse(Buffer.from(m[SSE_METADATA.kmsDataKey], "base64").toString()).aead).toBe("AES-256-GCM-HMAC-SHA-256");
    }
    const guess = new BuiltinKms("minio_encrypt_key:eEm+JI9/q4JhH8QwKvf3LKo4DEBl6QbfvAl1CAbMIv8=");
    await expectCryptoError(() => unsealSseObjectKey(meta, "bucket", "object", { kms: guess }), "Tampered");
  });
});

describe("write → read round trips", () => {
  const kms = new BuiltinKms(SECRET);
  const customerKey = Uint8Array.from({ length: 32 }, (_, i) => i * 5);
  const body = Uint8Array.from({ length: 70000 }, (_, i) => i & 0xff);
  for (const domain of ["SSE-S3", "SSE-KMS", "SSE-C"] as const) {
    test(domain, async () => {
      const opts = domain === "SSE-KMS" ? { context: { project: "x<y" }, keyId: "my-key" } : {};
      const { objectKey, metadata } = await createSseObjectKey(domain, "bkt", "dir/k", { kms, customerKey }, opts);
      expect(sseDomainOf(metadata)).toBe(domain);
      expect(metadata[SSE_METADATA.sealAlgorithm]).toBe("DAREv2-HMAC-SHA256");
      if (domain === "SSE-KMS") expect(Buffer.from(metadata[SSE_METADATA.kmsContext], "base64").toString()).toBe('{"project":"x\\u003cy"}');
      if (domain === "SSE-C") expect(metadata[SSE_METADATA.kmsKeyId]).toBeUndefined();
      const stored = dareEncrypt(objectKey, body);
      const back = await unsealSseObjectKey({ ...metadata }, "bkt", "dir/k", { kms, customerKey });
      expect(back).toEqual({ domain, objectKey });
      expect(dareDecrypt(back.objectKey, stored)).toEqual(body);
      await expectCryptoError(() => unsealSseObjectKey(metadata, "bkt", "dir/k2", { kms, customerKey }), "Tampered");
    });
  }
  test("SSE-KMS binds the stored client context", async () => {
    const { metadata } = await createSseObjectKey("SSE-KMS", "bkt", "k", { kms }, { context: { a: "1" } });
    expect(sseKmsContext("SSE-KMS", "bkt", "k", metadata)).toEqual({ a: "1", bkt: "bkt/k" });
    const changed = { ...metadata, [SSE_METADATA.kmsContext]: Buffer.from('{"a":"2"}').toString("base64") };
    await expectCryptoError(() => unsealSseObjectKey(changed, "bkt", "k", { kms }), "Tampered");
    await expectCryptoError(() => sseKmsContext("SSE-KMS", "bkt", "k", { [SSE_METADATA.kmsContext]: Buffer.from("[1]").toString("base64") }), "Malformed");
    expect(sseKmsContext("SSE-KMS", "bkt", "k", { [SSE_METADATA.kmsContext]: Buffer.from('{"bkt":"mine"}').toString("base64") })).toEqual({ bkt: "mine" });
  });
  test("multipart objects: flag set, each part under its part key", async () => {
    const { objectKey, metadata } = await createSseObjectKey("SSE-S3", "bkt", "big", { kms }, { multipart: true });
    expect(isEncryptedMultipart(metadata)).toBe(true);
    const part2 = dareEncrypt(partKey(objectKey, 2), body);
    const { objectKey: k } = await unsealSseObjectKey(metadata, "bkt", "big", { kms });
    expect(dareDecrypt(partKey(k, 2), part2)).toEqual(body);
    await expectCryptoError(() => dareDecrypt(partKey(k, 1), part2), "Tampered");
  });
  test("missing key sources and a foreign KMS key name", async () => {
    await expectCryptoError(() => createSseObjectKey("SSE-C", "b", "k", { kms }), "WrongKey");
    await expectCryptoError(() => createSseObjectKey("SSE-S3", "b", "k", { customerKey }), "WrongKey");
    await expectCryptoError(() => createSseObjectKey("SSE-KMS", "b", "k", { kms }, { keyId: "other" }), "WrongKey");
    const { metadata } = await createSseObjectKey("SSE-C", "b", "k", { customerKey });
    await expectCryptoError(() => unsealSseObjectKey(metadata, "b", "k", { kms }), "WrongKey");
    await expectCryptoError(() => unsealSseObjectKey(metadata, "b", "k", { customerKey: new Uint8Array(32) }), "Tampered");
    await expectCryptoError(() => unsealSseObjectKey({}, "b", "k", { kms }), "Malformed");
  });
});
