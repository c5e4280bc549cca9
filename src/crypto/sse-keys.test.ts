// SSE object keys: MinIO's part-key vectors, the synthetic fixture's sealing key, sealed key and
// sealed ETag, Go path.Join cleaning, seal/unseal round trips in all domains, the legacy SSE-C
// form, and unsealing with anything changed (key, IV, domain, bucket, object, bytes) → CryptoError.
import { describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { aesGcm } from "./aead.ts";
import { CryptoError } from "./crypto-error.ts";
import {
  type SealedKey,
  checksumKey,
  etagKey,
  generateObjectKey,
  goPathJoin,
  partKey,
  sealETag,
  sealObjectKey,
  sealingKey,
  unsealETag,
  unsealObjectKey,
} from "./sse-keys.ts";
import { fromHex, hex, readVector } from "../../test/support/ec-vectors.ts";

const b64 = (s: string) => new Uint8Array(Buffer.from(s, "base64"));
const vectors = readVector("fixtures/vectors/kms-builtin-and-sse-keys.json").derive_part_key;
const syn = readVector("fixtures/vectors/sse-s3-synthetic.json");
const meta = syn.metaSys as Record<string, string>;

function expectCryptoError(f: () => unknown, kind?: CryptoError["kind"]): void {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(CryptoError);
    if (kind !== undefined) expect((err as CryptoError).kind).toBe(kind);
    return;
  }
  throw new Error("expected a CryptoError");
}

/** Replays fixed bytes as the random source, in call order. */
function replay(...chunks: Uint8Array[]): (n: number) => Uint8Array {
  return (n) => {
    const c = chunks.shift();
    if (c?.length !== n) throw new Error(`unexpected random request of ${n} bytes`);
    return c;
  };
}

describe("MinIO part-key vectors", () => {
  for (const v of vectors.vectors as { partId: number; partKeyHex: string }[]) {
    test(`part ${v.partId}`, () => expect(hex(partKey(new Uint8Array(32), v.partId))).toBe(v.partKeyHex));
  }
});

describe("synthetic SSE-S3 fixture", () => {
  const dek = fromHex(syn.dekHex);
  const iv = b64(meta["X-Minio-Internal-Server-Side-Encryption-Iv"]);
  const sealedBytes = b64(meta["X-Minio-Internal-Server-Side-Encryption-S3-Sealed-Key"]);
  const sealed: SealedKey = { iv, key: sealedBytes, algorithm: "DAREv2-HMAC-SHA256" };
  test("sealing key", () => expect(hex(sealingKey(dek, iv, "SSE-S3", syn.bucket, syn.object))).toBe(syn.sealingKeyHex));
  test("unseal gives the object key; seal with the same IV and nonce reproduces the 64 bytes", () => {
    expect(hex(unsealObjectKey(sealed, dek, "SSE-S3", syn.bucket, syn.object))).toBe(syn.objectKeyHex);
    const again = sealObjectKey(fromHex(syn.objectKeyHex), dek, "SSE-S3", syn.bucket, syn.object, { random: replay(iv, sealedBytes.slice(4, 16)) });
    expect(hex(again.key)).toBe(hex(sealedBytes));
    expect(again.key.length).toBe(64);
  });
  test("sealed ETag unseals to the MD5 and reseals byte-exact", () => {
    const objectKey = fromHex(syn.objectKeyHex);
    const stored = fromHex(syn.etagStoredHex);
    expect(stored.length).toBe(48);
    expect(hex(unsealETag(objectKey, stored))).toBe(syn.etagPlainHex);
    expect(hex(sealETag(objectKey, fromHex(syn.etagPlainHex), { random: replay(stored.slice(4, 16)) }))).toBe(syn.etagStoredHex);
    expectCryptoError(() => unsealETag(new Uint8Array(32), stored), "Tampered");
  });
  test("anything changed fails to unseal", () => {
    const u =
      (s = sealed, k = dek, d: "SSE-S3" | "SSE-KMS" | "SSE-C" = "SSE-S3", bucket = syn.bucket, object = syn.object) =>
      () =>
        unsealObjectKey(s, k, d, bucket, object);
    expectCryptoError(u(sealed, new Uint8Array(32)), "Tampered");
    expectCryptoError(u(sealed, dek, "SSE-KMS"), "Tampered");
    expectCryptoError(u(sealed, dek, "SSE-C"), "Tampered");
    expectCryptoError(u(sealed, dek, "SSE-S3", "bucket2"), "Tampered");
    expectCryptoError(u(sealed, dek, "SSE-S3", syn.bucket, "dir/object.bin2"), "Tampered");
    expectCryptoError(u({ ...sealed, iv: iv.map((b, i) => (i === 0 ? b ^ 1 : b)) }), "Tampered");
    for (let i = 0; i < 64; i++) {
      const bad = sealedBytes.slice();
      bad[i] ^= 0x10;
      expectCryptoError(u({ ...sealed, key: bad }));
    }
    expectCryptoError(u({ ...sealed, key: sealedBytes.subarray(0, 63) }), "Malformed");
    expectCryptoError(u({ ...sealed, algorithm: "AES" as "DARE-SHA256" }), "Unsupported");
  });
  test("the object path is cleaned like Go's path.Join", () => {
    for (const object of ["dir//object.bin", "./dir/object.bin", "dir/./object.bin", "x/../dir/object.bin", "dir/object.bin/"]) {
      expect(hex(unsealObjectKey(sealed, dek, "SSE-S3", syn.bucket, object))).toBe(syn.objectKeyHex);
    }
  });
});

test("goPathJoin matches Go's path.Join", () => {
  const cases: [string[], string][] = [
    [["a", "b"], "a/b"],
    [["a", "b/"], "a/b"],
    [["a/", "/b"], "a/b"],
    [["", ""], ""],
    [["", "b"], "b"],
    [["a", ""], "a"],
    [["a", "../b"], "b"],
    [["a", "../../b"], "../b"],
    [["/", "a"], "/a"],
    [["a", "b/./c//d/"], "a/b/c/d"],
    [["a", "."], "a"],
    [["a", ".."], "."],
  ];
  for (const [elems, want] of cases) expect(goPathJoin(...elems)).toBe(want);
});

describe("round trips", () => {
  const extKey = Uint8Array.from({ length: 32 }, (_, i) => i + 100);
  for (const domain of ["SSE-S3", "SSE-KMS", "SSE-C"] as const) {
    test(domain, () => {
      const objectKey = generateObjectKey(extKey);
      expect(objectKey.length).toBe(32);
      const sealed = sealObjectKey(objectKey, extKey, domain, "bkt", "a/b/c.txt", { cipher: "ChaCha20-Poly1305" });
      expect([sealed.iv.length, sealed.key.length, sealed.key[1], sealed.key[4] & 0x80]).toEqual([32, 64, 1, 0x80]);
      expect(unsealObjectKey(sealed, extKey, domain, "bkt", "a/b/c.txt")).toEqual(objectKey);
    });
  }
  test("object keys are HMAC-SHA256(extKey, context ‖ seed), fresh each time", () => {
    const seed = new Uint8Array(32).fill(5);
    const want = new Bun.CryptoHasher("sha256", extKey).update("object-encryption-key generation").update(seed).digest("hex");
    expect(hex(generateObjectKey(extKey, replay(seed)))).toBe(want);
    expect(generateObjectKey(extKey)).not.toEqual(generateObjectKey(extKey));
  });
  test("derived keys differ from each other and from the object key", () => {
    const k = generateObjectKey(extKey);
    const all = [k, etagKey(k), checksumKey(k), partKey(k, 1), partKey(k, 2)].map(hex);
    expect(new Set(all).size).toBe(5);
    expect(hex(checksumKey(k))).toBe(new Bun.CryptoHasher("sha256", k).update("object-checksum").digest("hex"));
  });
  test("bad sizes", () => {
    expectCryptoError(() => sealObjectKey(new Uint8Array(16), extKey, "SSE-C", "b", "o"), "Malformed");
    expectCryptoError(() => sealingKey(extKey, new Uint8Array(16), "SSE-C", "b", "o"), "Malformed");
    expect(() => partKey(extKey, -1)).toThrow(RangeError);
  });
});

describe("legacy SSE-C DARE-SHA256 (spec-derived, no published vectors)", () => {
  const clientKey = Uint8Array.from({ length: 32 }, (_, i) => 7 * i);
  const iv = Uint8Array.from({ length: 32 }, (_, i) => 255 - i);
  const objectKey = Uint8Array.from({ length: 32 }, (_, i) => i ^ 0x5a);
  // One DARE 1.0 package (sequence 0) under SHA-256(clientKey ‖ iv), as SPEC §8.3/§8.5 describe.
  const sk = new Uint8Array(createHash("sha256").update(clientKey).update(iv).digest());
  const header = Uint8Array.of(0x10, 0x00, 31, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8);
  const sealed = {
    iv,
    key: Uint8Array.of(...header, ...aesGcm(sk).seal(header.subarray(4), objectKey, header.subarray(0, 4))),
    algorithm: "DARE-SHA256" as const,
  };
  test("unseals for SSE-C only, with the right key", () => {
    expect(sealed.key.length).toBe(64);
    expect(unsealObjectKey(sealed, clientKey, "SSE-C", "any", "path")).toEqual(objectKey);
    expectCryptoError(() => unsealObjectKey(sealed, new Uint8Array(32), "SSE-C", "any", "path"), "Tampered");
    expectCryptoError(() => unsealObjectKey(sealed, clientKey, "SSE-S3", "any", "path"), "Unsupported");
  });
  test("a DARE 2.0 package is not accepted as DARE-SHA256, nor the reverse", () => {
    const v2 = sealObjectKey(objectKey, clientKey, "SSE-C", "b", "o");
    expectCryptoError(() => unsealObjectKey({ ...v2, algorithm: "DARE-SHA256" }, clientKey, "SSE-C", "b", "o"), "Malformed");
    expectCryptoError(() => unsealObjectKey({ ...sealed, algorithm: "DAREv2-HMAC-SHA256" }, clientKey, "SSE-C", "b", "o"), "Malformed");
  });
});
