// madmin EncryptData/DecryptData: the published vectors decrypt and re-encrypt byte-exact (salt
// and nonce injected), all three ids round-trip, and changed bytes never yield plaintext.
import { describe, expect, test } from "bun:test";
import { CryptoError } from "./crypto-error.ts";
import { type MadminAlgorithm, looksMadminEncrypted, madminDecrypt, madminEncrypt } from "./madmin-crypt.ts";
import { sioDecrypt, sioEncrypt } from "./sio-stream.ts";
import { fromHex, hex, readVector } from "../../test/support/ec-vectors.ts";

interface MadminVector {
  password: string;
  algorithmId: number;
  ciphertextHex: string;
  plaintextLength: number;
  plaintextHex: string;
}

const { vectors } = readVector<{ vectors: MadminVector[] }>("fixtures/vectors/madmin-encrypt-data.json");

/** A random source that hands out the given bytes in order (salt first, then nonce). */
function replay(bytes: Uint8Array): (n: number) => Uint8Array {
  let pos = 0;
  return (n) => bytes.slice(pos, (pos += n));
}

async function expectCryptoError(p: Promise<unknown>, kind: CryptoError["kind"]): Promise<CryptoError> {
  const err = await p.then(
    () => new Error("expected a CryptoError"),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CryptoError);
  expect((err as CryptoError).kind).toBe(kind);
  return err as CryptoError;
}

/**
 * Argon2id keys of the two empty-password vectors, computed with the reference libargon2
 * (Debian libargon2-1, argon2id_hash_raw t=1 m=65536 p=4): hash-wasm refuses empty passwords.
 */
const EMPTY_PASSWORD_KEYS: Record<number, string> = {
  0: "5561ddb170ed8de32f914a90ee5b78416a5e72fe87d068ece1b481a6e2cce8d3",
  1: "0519b85070accdb3a73d496aebd345159cae7246772d08d37b21f199d9f3eb01",
};

describe("madmin-go published vectors", () => {
  vectors.forEach((v, i) => {
    if (v.password === "") {
      test(`#${i}: empty password: stream checked with the reference key; our KDF refuses it clearly`, async () => {
        const ct = fromHex(v.ciphertextHex);
        expect(ct[32]).toBe(0);
        const key = fromHex(EMPTY_PASSWORD_KEYS[i]);
        const nonce = ct.subarray(33, 41);
        const pt = sioDecrypt("AES-256-GCM", key, nonce, ct.subarray(41));
        expect(hex(pt)).toBe(v.plaintextHex);
        expect(hex(sioEncrypt("AES-256-GCM", key, nonce, pt))).toBe(v.ciphertextHex.slice(82));
        await expectCryptoError(madminDecrypt("", ct), "Unsupported");
      });
      return;
    }
    test(`#${i}: password ${JSON.stringify(v.password)}, ${v.plaintextLength} bytes`, async () => {
      const ct = fromHex(v.ciphertextHex);
      expect(ct[32]).toBe(v.algorithmId);
      expect(looksMadminEncrypted(ct)).toBe(true);
      const pt = await madminDecrypt(v.password, ct);
      expect(pt.length).toBe(v.plaintextLength);
      expect(hex(pt)).toBe(v.plaintextHex);
      const again = await madminEncrypt(v.password, pt, { random: replay(ct.subarray(0, 32 + 1 + 8).filter((_, k) => k !== 32)) });
      expect(hex(again)).toBe(v.ciphertextHex);
    });
  });

  test("a wrong password is refused with a clear message", async () => {
    const err = await expectCryptoError(madminDecrypt("wrong", fromHex(vectors[2].ciphertextHex), { what: "admin request body" }), "Tampered");
    expect(err.message).toStartWith("Cannot decrypt admin request body: authentication failed (wrong key or tampered data)");
  });
});

describe("round trips", () => {
  const pt = Uint8Array.from({ length: 40000 }, (_, i) => (i * 11) & 0xff); // three 16 KiB fragments
  for (const [algorithm, id] of [
    ["argon2id-aes-gcm", 0],
    ["argon2id-chacha20-poly1305", 1],
    ["pbkdf2-aes-gcm", 2],
  ] as [MadminAlgorithm, number][]) {
    test(`${algorithm} (id ${id})`, async () => {
      const ct = await madminEncrypt("minioadmin:minioadmin", pt, { algorithm });
      expect(ct[32]).toBe(id);
      expect(ct.length).toBe(41 + pt.length + 3 * 16);
      expect(await madminDecrypt("minioadmin:minioadmin", ct)).toEqual(pt);
    });
  }

  test("the default is Argon2id + AES-256-GCM with a fresh salt and nonce each time", async () => {
    const a = await madminEncrypt("pw", new Uint8Array(0));
    const b = await madminEncrypt("pw", new Uint8Array(0));
    expect(a[32]).toBe(0);
    expect(hex(a.subarray(0, 41))).not.toBe(hex(b.subarray(0, 41)));
    expect(await madminDecrypt("pw", a)).toEqual(new Uint8Array(0));
  });
});

describe("tampering never yields plaintext", () => {
  // PBKDF2 keeps the many decrypt attempts fast; the Argon2id path is covered by a few cases.
  const pt = Uint8Array.from({ length: 40000 }, (_, i) => i & 0xff);
  const make = (algorithm: MadminAlgorithm) => madminEncrypt("secret", pt, { algorithm });

  test("a flipped byte in the salt, nonce, each fragment and each tag", async () => {
    const ct = await make("pbkdf2-aes-gcm");
    const positions = [0, 31, 33, 40, 41, 41 + 16399, 41 + 16400, 41 + 2 * 16400 + 5, ct.length - 1];
    for (const i of positions) {
      const bad = ct.slice();
      bad[i] ^= 0x01;
      await expectCryptoError(madminDecrypt("secret", bad), "Tampered");
    }
  });

  test("a changed algorithm id", async () => {
    const ct = await make("pbkdf2-aes-gcm");
    for (const id of [0, 1]) await expectCryptoError(madminDecrypt("secret", Uint8Array.of(...ct.subarray(0, 32), id, ...ct.subarray(33))), "Tampered");
    await expectCryptoError(madminDecrypt("secret", Uint8Array.of(...ct.subarray(0, 32), 3, ...ct.subarray(33))), "Unsupported");
  });

  test("truncation, a dropped final fragment, appended bytes", async () => {
    const ct = await make("pbkdf2-aes-gcm");
    for (const n of [0, 32, 41, 56, ct.length - 1]) await expect(madminDecrypt("secret", ct.subarray(0, n))).rejects.toThrow(CryptoError);
    await expectCryptoError(madminDecrypt("secret", ct.subarray(0, 41 + 2 * 16400)), "Tampered");
    await expectCryptoError(madminDecrypt("secret", Uint8Array.of(...ct, 0)), "Tampered");
  });

  test("Argon2id ids: flipped salt and stream bytes", async () => {
    for (const algorithm of ["argon2id-aes-gcm", "argon2id-chacha20-poly1305"] as const) {
      const ct = await make(algorithm);
      for (const i of [5, ct.length - 20]) {
        const bad = ct.slice();
        bad[i] ^= 0x80;
        await expectCryptoError(madminDecrypt("secret", bad), "Tampered");
      }
    }
  });

  test("looksMadminEncrypted", () => {
    expect(looksMadminEncrypted(new Uint8Array(32))).toBe(false);
    expect(looksMadminEncrypted(Uint8Array.of(...new Uint8Array(32), 2))).toBe(true);
    expect(looksMadminEncrypted(Uint8Array.of(...new Uint8Array(32), 3))).toBe(false);
    expect(looksMadminEncrypted(new TextEncoder().encode('{"version":1,"credentials":{"accessKey":"x"}}'))).toBe(false);
  });
});
