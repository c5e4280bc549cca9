// Incremental DARE and ranged reads: the encryptor matches dareEncrypt byte for byte whatever the
// chunking, the decryptor serves any byte range of a single-part or multipart stream from the
// packages dareRange / dareMultipartRange name, and truncated or tampered input errors.
import { describe, expect, test } from "bun:test";
import { CryptoError } from "./crypto-error.ts";
import { dareMultipartRange, dareRange } from "./dare-range.ts";
import { DareDecryptor, DareEncryptor, dareDecryptTransform, dareEncryptTransform } from "./dare-stream.ts";
import { dareEncrypt, dareEncryptedSize } from "./dare.ts";
import { partKey } from "./sse-keys.ts";
import { hex } from "../../test/support/ec-vectors.ts";

const KiB64 = 65536;
const P = 65568;
const key = Uint8Array.from({ length: 32 }, (_, i) => 255 - i);
const nonce = Uint8Array.from({ length: 12 }, (_, i) => i + 40);
const random = () => nonce.slice();
const pattern = (n: number, salt = 0) => Uint8Array.from({ length: n }, (_, i) => (i * 7 + salt) & 0xff);

function chunked(bytes: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}

function decryptAll(dec: DareDecryptor, chunks: Uint8Array[]): Uint8Array {
  const out = chunks.flatMap((c) => dec.push(c));
  dec.end();
  return Buffer.concat(out);
}

describe("DareEncryptor", () => {
  for (const n of [0, 1, KiB64, KiB64 + 1, 2 * KiB64, 3 * KiB64 + 11]) {
    for (const size of [1000, KiB64, 100000]) {
      test(`${n} bytes in chunks of ${size} equals dareEncrypt`, () => {
        const pt = pattern(n);
        const enc = new DareEncryptor(key, { random, sequence: 3 });
        const got = Buffer.concat([...chunked(pt, size).flatMap((c) => enc.push(c)), ...enc.end()]);
        expect(hex(got)).toBe(hex(dareEncrypt(key, pt, { random, sequence: 3 })));
      });
    }
  }
  test("push after end is a bug", () => {
    const enc = new DareEncryptor(key);
    enc.end();
    expect(() => enc.push(Uint8Array.of(1))).toThrow(RangeError);
  });
});

describe("DareDecryptor", () => {
  const pt = pattern(3 * KiB64 + 500);
  const ct = dareEncrypt(key, pt, { cipher: "ChaCha20-Poly1305" });
  for (const size of [1, 3, 17, 4096, P, P + 1, 1 << 20]) {
    test(`whole stream in chunks of ${size}`, () => {
      const step = size === 1 ? [...chunked(ct.subarray(0, 300), 1), ct.subarray(300)] : chunked(ct, size);
      expect(new Uint8Array(decryptAll(new DareDecryptor(key, { endsStream: true }), step))).toEqual(pt);
    });
  }
  test("truncated input: end() throws; a changed byte: push() throws", () => {
    expect(() => decryptAll(new DareDecryptor(key, { endsStream: true }), [ct.subarray(0, ct.length - 1)])).toThrow(CryptoError);
    expect(() => decryptAll(new DareDecryptor(key, { endsStream: true }), [ct.subarray(0, 2 * P)])).toThrow("the final package is missing");
    const bad = ct.slice();
    bad[P + 100] ^= 2;
    const dec = new DareDecryptor(key);
    expect(dec.push(bad.subarray(0, P)).length).toBe(1);
    expect(() => dec.push(bad.subarray(P))).toThrow(CryptoError);
  });
  test("a range that asks for more than the stream holds", () => {
    expect(() => decryptAll(new DareDecryptor(key, { skip: 10, length: pt.length }), [ct])).toThrow("before the end of the range");
  });
});

describe("ranged reads (package index = offset / 64 KiB)", () => {
  const pt = pattern(4 * KiB64 + 1234, 1);
  const ct = dareEncrypt(key, pt);
  const offsets = [0, 1, KiB64 - 1, KiB64, KiB64 + 1, 2 * KiB64 + 17, pt.length - 1, pt.length];
  test("dareRange arithmetic", () => {
    expect(dareRange(pt.length, KiB64 + 5, 10)).toEqual({
      firstPackage: 1,
      endPackage: 2,
      cipherOffset: P,
      cipherLength: P,
      skip: 5,
      length: 10,
      endsStream: false,
    });
    expect(dareRange(pt.length, 4 * KiB64, 1234)).toEqual({
      firstPackage: 4,
      endPackage: 5,
      cipherOffset: 4 * P,
      cipherLength: 1234 + 32,
      skip: 0,
      length: 1234,
      endsStream: true,
    });
    expect(dareRange(100, 100, 0).cipherLength).toBe(0);
    expect(() => dareRange(100, 50, 51)).toThrow(RangeError);
  });
  for (const off of offsets) {
    test(`every end from offset ${off}`, () => {
      for (const end of offsets.filter((e) => e >= off)) {
        const r = dareRange(pt.length, off, end - off);
        const slice = ct.subarray(r.cipherOffset, r.cipherOffset + r.cipherLength);
        const dec = new DareDecryptor(key, { sequence: r.firstPackage, skip: r.skip, length: r.length, endsStream: r.endsStream });
        expect(new Uint8Array(decryptAll(dec, chunked(slice, 5000)))).toEqual(pt.subarray(off, end));
      }
    });
  }
  test("multipart: per-part streams under part keys, ranges across part boundaries", () => {
    const objectKey = Uint8Array.from({ length: 32 }, (_, i) => i);
    const parts = [
      { number: 1, size: 2 * KiB64 + 3 },
      { number: 2, size: 5 },
      { number: 4, size: KiB64 },
    ];
    const plain = parts.map((p) => pattern(p.size, p.number));
    const stored = Buffer.concat(parts.map((p, i) => dareEncrypt(partKey(objectKey, p.number), plain[i])));
    expect(stored.length).toBe(parts.reduce((n, p) => n + dareEncryptedSize(p.size), 0));
    const whole = Buffer.concat(plain);
    for (const [off, len] of [
      [0, whole.length],
      [KiB64 + 1, KiB64 + 5],
      [2 * KiB64 + 3, 5],
      [2 * KiB64 + 4, 10],
      [whole.length - 1, 1],
    ]) {
      const ranges = dareMultipartRange(parts, off, len);
      const got = ranges.map((r) => {
        const dec = new DareDecryptor(partKey(objectKey, r.partNumber), { sequence: r.firstPackage, skip: r.skip, length: r.length, endsStream: r.endsStream });
        return decryptAll(dec, [stored.subarray(r.cipherOffset, r.cipherOffset + r.cipherLength)]);
      });
      expect(Buffer.concat(got).equals(whole.subarray(off, off + len))).toBe(true);
    }
    expect(dareMultipartRange(parts, 2 * KiB64 + 4, 10).map((r) => r.partNumber)).toEqual([2, 4]);
  });
});

describe("TransformStreams", () => {
  test("encrypt then decrypt through web streams", async () => {
    const pt = pattern(2 * KiB64 + 99);
    const source = new Blob([pt]).stream();
    const out = await new Response(source.pipeThrough(dareEncryptTransform(key)).pipeThrough(dareDecryptTransform(key, { endsStream: true }))).bytes();
    expect(out).toEqual(pt);
  });
  test("a truncated stream errors the readable", async () => {
    const ct = dareEncrypt(key, pattern(2 * KiB64 + 99));
    const source = new Blob([ct.subarray(0, 2 * P)]).stream();
    await expect(new Response(source.pipeThrough(dareDecryptTransform(key, { endsStream: true }))).bytes()).rejects.toThrow(CryptoError);
  });
});
