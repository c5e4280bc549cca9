// DARE streams: minio/sio's 128 golden 2.0 packages byte-exact both ways, sizes, round trips over
// package boundaries, package ranges, DARE 1.0 reading, and tampering of every kind → CryptoError.
import { describe, expect, test } from "bun:test";
import { aesGcm } from "./aead.ts";
import { CryptoError } from "./crypto-error.ts";
import type { DareCipher } from "./dare-package.ts";
import { dareDecrypt, dareDecryptPackages, dareDecryptedSize, dareEncrypt, dareEncryptedSize } from "./dare.ts";
import { fromHex, hex, readVector } from "../../test/support/ec-vectors.ts";

interface GoldenVector {
  sequenceNumber: number;
  cipher: DareCipher;
  final: boolean;
  plaintextHex: string;
  packageHex: string;
}

const golden = readVector<{ keyHex: string; nonceHex: string; vectors: GoldenVector[] }>("fixtures/vectors/dare-v2-golden.json");
const KiB64 = 65536;

function expectCryptoError(f: () => unknown, kind?: CryptoError["kind"]): CryptoError {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(CryptoError);
    if (kind !== undefined) expect((err as CryptoError).kind).toBe(kind);
    return err as CryptoError;
  }
  throw new Error("expected a CryptoError");
}

const key = Uint8Array.from({ length: 32 }, (_, i) => i * 3 + 1);
const fixed = (nonce: Uint8Array) => () => nonce.slice();
const pattern = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 13 + 5) & 0xff);

describe("minio/sio golden DARE 2.0 packages", () => {
  const gkey = fromHex(golden.keyHex);
  const nonce = fromHex(golden.nonceHex);
  test("128 vectors, both ciphers", () => {
    expect(golden.vectors.length).toBe(128);
    expect(new Set(golden.vectors.map((v) => v.cipher))).toEqual(new Set(["AES-256-GCM", "ChaCha20-Poly1305"]));
  });
  for (const v of golden.vectors) {
    test(`seq ${v.sequenceNumber} ${v.cipher}, ${v.plaintextHex.length / 2} bytes`, () => {
      expect(v.final).toBe(true);
      const pt = fromHex(v.plaintextHex);
      const pkg = dareEncrypt(gkey, pt, { sequence: v.sequenceNumber, cipher: v.cipher, random: fixed(nonce) });
      expect(hex(pkg)).toBe(v.packageHex);
      expect(hex(dareDecrypt(gkey, fromHex(v.packageHex), { sequence: v.sequenceNumber }))).toBe(v.plaintextHex);
      // The sequence number is bound into the nonce: any other fails.
      expectCryptoError(() => dareDecrypt(gkey, pkg, { sequence: v.sequenceNumber + 1 }), "Tampered");
    });
  }
});

describe("sizes", () => {
  const cases: [number, number][] = [
    [0, 0],
    [1, 33],
    [KiB64 - 1, 65567],
    [KiB64, 65568],
    [KiB64 + 1, 65568 + 33],
    [100000, 100064],
    [6291456, 6294528],
  ];
  for (const [p, c] of cases) {
    test(`${p} ↔ ${c}`, () => {
      expect(dareEncryptedSize(p)).toBe(c);
      expect(dareDecryptedSize(c)).toBe(p);
    });
  }
  test("impossible ciphertext sizes are Malformed", () => {
    for (const n of [1, 32, 65568 + 32]) expectCryptoError(() => dareDecryptedSize(n), "Malformed");
  });
});

describe("round trips", () => {
  for (const cipher of ["AES-256-GCM", "ChaCha20-Poly1305"] as const) {
    for (const n of [0, 1, KiB64 - 1, KiB64, KiB64 + 1, 2 * KiB64, 3 * KiB64 + 7]) {
      test(`${cipher}, ${n} bytes`, () => {
        const pt = pattern(n);
        const ct = dareEncrypt(key, pt, { cipher });
        expect(ct.length).toBe(dareEncryptedSize(n));
        expect(dareDecrypt(key, ct)).toEqual(pt);
      });
    }
  }
  test("a random nonce with bit 7 set still gives non-final packages", () => {
    const ct = dareEncrypt(key, pattern(KiB64 + 1), { random: () => new Uint8Array(12).fill(0xff) });
    expect(ct[4]).toBe(0x7f);
    expect(ct[65568 + 4]).toBe(0xff);
    expect(dareDecrypt(key, ct)).toEqual(pattern(KiB64 + 1));
  });
  test("a start sequence number carries through", () => {
    const ct = dareEncrypt(key, pattern(2 * KiB64), { sequence: 41 });
    expect(dareDecrypt(key, ct, { sequence: 41 })).toEqual(pattern(2 * KiB64));
    expectCryptoError(() => dareDecrypt(key, ct), "Tampered");
  });
});

describe("package ranges", () => {
  const pt = pattern(3 * KiB64 + 100);
  const ct = dareEncrypt(key, pt);
  const P = 65568;
  test("any [i, j) decrypts with sequence i", () => {
    for (let i = 0; i < 4; i++) {
      for (let j = i + 1; j <= 4; j++) {
        const got = dareDecryptPackages(key, ct.subarray(i * P, Math.min(j * P, ct.length)), { sequence: i, endsStream: j === 4 });
        expect(got).toEqual(pt.subarray(i * KiB64, j * KiB64));
      }
    }
  });
  test("endsStream is checked both ways", () => {
    expectCryptoError(() => dareDecryptPackages(key, ct.subarray(0, 2 * P), { endsStream: true }), "Tampered");
    expectCryptoError(() => dareDecryptPackages(key, ct.subarray(3 * P), { sequence: 3, endsStream: false }), "Tampered");
    expect(dareDecryptPackages(key, ct.subarray(0, 2 * P)).length).toBe(2 * KiB64);
  });
  test("a wrong first sequence number fails", () => {
    expectCryptoError(() => dareDecryptPackages(key, ct.subarray(P, 2 * P), { sequence: 0 }), "Tampered");
  });
});

describe("tampering never yields plaintext", () => {
  const pt = pattern(2 * KiB64 + 20);
  const ct = dareEncrypt(key, pt);
  const P = 65568;
  test("a flipped bit in every header byte and around every tag", () => {
    const spots = [...Array.from({ length: 16 }, (_, i) => [i, P + i, 2 * P + i]).flat(), 16, P - 1, P - 16, 2 * P - 1, ct.length - 1, ct.length - 17];
    for (const at of spots) {
      for (const bit of [0x01, 0x80]) {
        const bad = ct.slice();
        bad[at] ^= bit;
        expectCryptoError(() => dareDecrypt(key, bad));
      }
    }
  });
  test("truncation anywhere, including at package boundaries", () => {
    for (const n of [1, 15, 16, 17, 100, P - 1, P, P + 1, 2 * P, ct.length - 1]) expectCryptoError(() => dareDecrypt(key, ct.subarray(0, n)), "Tampered");
  });
  test("reordered, dropped, duplicated or appended packages", () => {
    const [a, b, c] = [ct.subarray(0, P), ct.subarray(P, 2 * P), ct.subarray(2 * P)];
    for (const parts of [
      [b, a, c],
      [a, c],
      [b, c],
      [a, a, b, c],
      [a, b, c, c],
      [a, b, c, a],
      [a, b, b, c],
    ]) {
      expectCryptoError(() => dareDecrypt(key, Buffer.concat(parts)), "Tampered");
    }
    expectCryptoError(() => dareDecrypt(key, Buffer.concat([ct, Uint8Array.of(0)])), "Tampered");
  });
  test("a package spliced in from another stream under the same key", () => {
    const other = dareEncrypt(key, pattern(2 * KiB64 + 20), { random: () => new Uint8Array(12).fill(9) });
    expectCryptoError(() => dareDecrypt(key, Buffer.concat([ct.subarray(0, P), other.subarray(P)])), "Tampered");
  });
  test("wrong key, wrong key size", () => {
    expectCryptoError(() => dareDecrypt(new Uint8Array(32), ct), "Tampered");
    expectCryptoError(() => dareDecrypt(new Uint8Array(16), ct), "Malformed");
    expectCryptoError(() => dareEncrypt(new Uint8Array(31), pt), "Malformed");
  });
  test("unknown version and cipher bytes", () => {
    const small = dareEncrypt(key, pattern(5));
    expectCryptoError(() => dareDecrypt(key, Uint8Array.of(0x30, ...small.subarray(1))), "Malformed");
    expectCryptoError(() => dareDecrypt(key, Uint8Array.of(0x20, 2, ...small.subarray(2))), "Unsupported");
  });
  test("messages name the stream and the package", () => {
    const bad = ct.slice();
    bad[P + 40] ^= 1;
    expect(() => dareDecrypt(key, bad, { what: 'object "b/k"' })).toThrow(
      'Cannot decrypt object "b/k": authentication failed (wrong key or tampered data) at package 1',
    );
  });
});

/** A DARE 1.0 stream built from SPEC §8.5 (no published 1.0 vectors): header = 0x10, cipher, LE16 len−1, LE32 seq, 8-byte nonce. */
function dareV1(k: Uint8Array, pt: Uint8Array, nonce: Uint8Array, firstSeq = 0): Uint8Array {
  const out: Uint8Array[] = [];
  for (let i = 0, seq = firstSeq; i < pt.length; i += KiB64, seq++) {
    const payload = pt.subarray(i, i + KiB64);
    const h = new Uint8Array(16);
    const v = new DataView(h.buffer);
    h[0] = 0x10;
    v.setUint16(2, payload.length - 1, true);
    v.setUint32(4, seq, true);
    h.set(nonce, 8);
    out.push(h, aesGcm(k).seal(h.subarray(4), payload, h.subarray(0, 4)));
  }
  return Buffer.concat(out);
}

describe("DARE 1.0 (read only; spec-derived, no published vectors)", () => {
  const nonce = Uint8Array.from({ length: 8 }, (_, i) => 0xa0 + i);
  test("decrypts, also from a later sequence number", () => {
    const pt = pattern(2 * KiB64 + 3);
    expect(dareDecrypt(key, dareV1(key, pt, nonce))).toEqual(pt);
    expect(dareDecryptPackages(key, dareV1(key, pt, nonce, 7), { sequence: 7 })).toEqual(pt);
  });
  test("out-of-order, short-not-last and flipped packages fail", () => {
    const ct = dareV1(key, pattern(2 * KiB64 + 3), nonce);
    const P = 65568;
    expectCryptoError(() => dareDecrypt(key, Buffer.concat([ct.subarray(P, 2 * P), ct.subarray(0, P), ct.subarray(2 * P)])), "Tampered");
    expectCryptoError(() => dareDecrypt(key, Buffer.concat([ct.subarray(2 * P), ct.subarray(2 * P)])), "Tampered");
    const bad = ct.slice();
    bad[20] ^= 4;
    expectCryptoError(() => dareDecrypt(key, bad), "Tampered");
  });
  test("a stream may not switch version", () => {
    const v1 = dareV1(key, pattern(KiB64), nonce);
    const v2 = dareEncrypt(key, pattern(KiB64 + 1), { sequence: 0 });
    expectCryptoError(() => dareDecrypt(key, Buffer.concat([v1, v2.subarray(65568)])), "Tampered");
  });
});
