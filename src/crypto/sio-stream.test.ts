// sio-go streams: every published vector byte-exact in both directions, round trips across
// fragment boundaries, and tampering (flipped bytes, truncation, dropped or added fragments).
import { describe, expect, test } from "bun:test";
import { CryptoError } from "./crypto-error.ts";
import { type SioAlgorithm, sioDecrypt, sioEncrypt, sioEncryptedSize } from "./sio-stream.ts";
import { fromHex, hex, readVector } from "../../test/support/ec-vectors.ts";

interface SioVector {
  Algorithm: SioAlgorithm;
  BufSize: number;
  Key: string;
  Nonce: string;
  AssociatedData: string;
  Plaintext: string;
  Ciphertext: string;
}

const vectors = readVector<SioVector[]>("fixtures/vectors/sio-go-stream-test-vectors.json");

function expectCryptoError(f: () => unknown, kind: CryptoError["kind"]): void {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(CryptoError);
    expect((err as CryptoError).kind).toBe(kind);
    return;
  }
  throw new Error("expected a CryptoError");
}

describe("sio-go published vectors", () => {
  test("there are vectors of both algorithms and both buffer sizes", () => {
    expect(vectors.length).toBe(28);
    expect(new Set(vectors.map((v) => v.Algorithm))).toEqual(new Set(["AES-128-GCM", "XChaCha20-Poly1305"]));
    expect(new Set(vectors.map((v) => v.BufSize))).toEqual(new Set([16, 17]));
  });

  vectors.forEach((v, i) => {
    test(`#${i} ${v.Algorithm} buf ${v.BufSize}, ${v.Plaintext.length / 2} bytes`, () => {
      const [key, nonce, ad, pt] = [fromHex(v.Key), fromHex(v.Nonce), fromHex(v.AssociatedData), fromHex(v.Plaintext)];
      const opts = { fragmentSize: v.BufSize };
      const ct = sioEncrypt(v.Algorithm, key, nonce, pt, ad, opts);
      expect(hex(ct)).toBe(v.Ciphertext);
      expect(ct.length).toBe(sioEncryptedSize(pt.length, v.BufSize));
      expect(hex(sioDecrypt(v.Algorithm, key, nonce, fromHex(v.Ciphertext), ad, opts))).toBe(v.Plaintext);
      // The user's AD is bound through adTag: any other AD must fail.
      expectCryptoError(() => sioDecrypt(v.Algorithm, key, nonce, ct, Uint8Array.of(...ad, 1), opts), "Tampered");
    });
  });
});

describe("round trips (MinIO's algorithms, 16 KiB fragments)", () => {
  const key = Uint8Array.from({ length: 32 }, (_, i) => 200 - i);
  const nonce = Uint8Array.from({ length: 8 }, (_, i) => i + 9);
  for (const alg of ["AES-256-GCM", "ChaCha20-Poly1305"] as const) {
    for (const n of [0, 1, 16383, 16384, 16385, 32768, 50000]) {
      test(`${alg}, ${n} bytes`, () => {
        const pt = Uint8Array.from({ length: n }, (_, i) => (i * 7 + 3) & 0xff);
        const ct = sioEncrypt(alg, key, nonce, pt);
        expect(ct.length).toBe(n + 16 * Math.max(1, Math.ceil(n / 16384)));
        expect(sioDecrypt(alg, key, nonce, ct)).toEqual(pt);
      });
    }
  }
});

describe("tampering never yields plaintext", () => {
  const alg = "AES-256-GCM";
  const key = new Uint8Array(32).fill(7);
  const nonce = new Uint8Array(8).fill(1);
  const fragmentSize = 16;
  const opts = { fragmentSize };
  const pt = Uint8Array.from({ length: 40 }, (_, i) => i); // fragments of 16, 16 and 8 bytes
  const ct = sioEncrypt(alg, key, nonce, pt, undefined, opts);

  test("a flipped byte anywhere", () => {
    for (let i = 0; i < ct.length; i++) {
      const bad = ct.slice();
      bad[i] ^= 0x40;
      expectCryptoError(() => sioDecrypt(alg, key, nonce, bad, undefined, opts), "Tampered");
    }
  });

  test("truncation at every length", () => {
    for (let n = 0; n < ct.length; n++) {
      expect(() => sioDecrypt(alg, key, nonce, ct.subarray(0, n), undefined, opts)).toThrow(CryptoError);
    }
  });

  test("dropping the final fragment, or swapping fragments", () => {
    expectCryptoError(() => sioDecrypt(alg, key, nonce, ct.subarray(0, 64), undefined, opts), "Tampered");
    const swapped = Uint8Array.of(...ct.subarray(32, 64), ...ct.subarray(0, 32), ...ct.subarray(64));
    expectCryptoError(() => sioDecrypt(alg, key, nonce, swapped, undefined, opts), "Tampered");
  });

  test("appended bytes or an appended copy of a fragment", () => {
    for (const extra of [Uint8Array.of(0), new Uint8Array(16), ct.subarray(0, 32), ct.subarray(64)]) {
      expectCryptoError(() => sioDecrypt(alg, key, nonce, Uint8Array.of(...ct, ...extra), undefined, opts), "Tampered");
    }
  });

  test("wrong key or nonce", () => {
    expectCryptoError(() => sioDecrypt(alg, new Uint8Array(32), nonce, ct, undefined, opts), "Tampered");
    expectCryptoError(() => sioDecrypt(alg, key, new Uint8Array(8), ct, undefined, opts), "Tampered");
    expectCryptoError(() => sioDecrypt("ChaCha20-Poly1305", key, nonce, ct, undefined, opts), "Tampered");
  });

  test("error messages say what was being decrypted", () => {
    expect(() => sioDecrypt(alg, new Uint8Array(32), nonce, ct, undefined, { ...opts, what: 'config object "a.json"' })).toThrow(
      'Cannot decrypt config object "a.json": authentication failed (wrong key or tampered data) at fragment 1',
    );
  });

  test("bad key and nonce sizes are Malformed", () => {
    expectCryptoError(() => sioEncrypt(alg, new Uint8Array(16), nonce, pt), "Malformed");
    expectCryptoError(() => sioEncrypt(alg, key, new Uint8Array(12), pt), "Malformed");
    expectCryptoError(() => sioDecrypt(alg, key, nonce, new Uint8Array(15)), "Malformed");
  });
});
