// ChaCha20, HChaCha20, Poly1305 and the AEADs against RFC 8439 / draft-irtf-cfrg-xchacha
// vectors, plus digests of many lengths computed independently (Python `cryptography`).
import { describe, expect, test } from "bun:test";
import { aesGcm, chacha20Poly1305, xchacha20Poly1305 } from "./aead.ts";
import { chacha20Xor, hchacha20 } from "./chacha20.ts";
import { poly1305 } from "./poly1305.ts";
import { fromHex, hex, sha256 } from "../../test/support/ec-vectors.ts";

const seq = (n: number, f: (i: number) => number) => Uint8Array.from({ length: n }, (_, i) => f(i) & 0xff);
const utf8 = (s: string) => new TextEncoder().encode(s);

describe("ChaCha20 and HChaCha20", () => {
  test("RFC 8439 §2.3.2 block (key 00..1f, counter 1)", () => {
    const out = chacha20Xor(
      seq(32, (i) => i),
      fromHex("000000090000004a00000000"),
      1,
      new Uint8Array(64),
    );
    expect(hex(out)).toBe("10f1e7e4d13b5915500fdd1fa32071c4c7d1f4c733c068030422aa9ac3d46c4ed2826446079faa0914c2d705d98b02a2b5129cd1de164eb9cbd083e8a2503c4e");
  });

  test("draft-irtf-cfrg-xchacha §2.2.1 HChaCha20", () => {
    const out = hchacha20(
      seq(32, (i) => i),
      fromHex("000000090000004a0000000031415927"),
    );
    expect(hex(out)).toBe("82413b4227b27bfed30e42508a877d73a0f9e4d58a74a853c12ec41326d3ecdc");
  });
});

describe("Poly1305", () => {
  test("RFC 8439 §2.5.2", () => {
    const key = fromHex("85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b");
    expect(hex(poly1305(key, utf8("Cryptographic Forum Research Group")))).toBe("a8061dc1305136c6c22b8baf0c0127a9");
  });

  test("lengths 0..299 with all-0xff key and message (carry edge cases)", () => {
    const tags: Uint8Array[] = [];
    for (let n = 0; n < 300; n++) tags.push(poly1305(new Uint8Array(32).fill(0xff), new Uint8Array(n).fill(0xff)));
    expect(sha256(Buffer.concat(tags))).toBe("4e3215edb2c9ae02241a0f23c22a231d3ec687a94cfa39ca92a083b30a2b4fdf");
  });

  test("lengths 0..299 with patterned keys and messages", () => {
    const tags: Uint8Array[] = [];
    for (let n = 0; n < 300; n++) {
      tags.push(
        poly1305(
          seq(32, (i) => i * 31 + n),
          seq(n, (i) => i * 7 + 3),
        ),
      );
    }
    expect(sha256(Buffer.concat(tags))).toBe("65950fec4da50e40cda1ab7b5371b9326d25ac6536750bfcce3846c7c768dcdd");
  });
});

describe("AEADs", () => {
  test("RFC 8439 §2.8.2 ChaCha20-Poly1305", () => {
    const aead = chacha20Poly1305(seq(32, (i) => 0x80 + i));
    const nonce = fromHex("070000004041424344454647");
    const ad = fromHex("50515253c0c1c2c3c4c5c6c7");
    const pt = utf8("Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.");
    const sealed = aead.seal(nonce, pt, ad);
    expect(hex(sealed.subarray(0, 16))).toBe("d31a8d34648e60db7b86afbc53ef7ec2");
    expect(hex(sealed.subarray(pt.length))).toBe("1ae10b594f09e26a7e902ecbd0600691");
    expect(aead.open(nonce, sealed, ad)).toEqual(pt);
  });

  test("ChaCha20-Poly1305 over lengths 0..299 matches an independent implementation", () => {
    const all: Uint8Array[] = [];
    for (let n = 0; n < 300; n++) {
      const nonce = new Uint8Array(12);
      new DataView(nonce.buffer).setUint32(8, n, true);
      all.push(
        chacha20Poly1305(seq(32, (i) => i * 13 + n)).seal(
          nonce,
          seq(n, (i) => i * 5 + n),
          seq(n % 40, (i) => i),
        ),
      );
    }
    expect(sha256(Buffer.concat(all))).toBe("313874fe395bf7b209839dd6721c19dd8447e731ec5ed83510be5d29989a8be4");
  });

  for (const [name, make, keyLen, nonceLen] of [
    ["AES-128-GCM", aesGcm, 16, 12],
    ["AES-256-GCM", aesGcm, 32, 12],
    ["ChaCha20-Poly1305", chacha20Poly1305, 32, 12],
    ["XChaCha20-Poly1305", xchacha20Poly1305, 32, 24],
  ] as const) {
    test(`${name}: round trip, and every flipped bit or wrong AD is refused`, () => {
      const aead = make(seq(keyLen, (i) => i + 1));
      const nonce = seq(nonceLen, (i) => i * 3);
      const pt = seq(70, (i) => i);
      const ad = utf8("ad");
      const sealed = aead.seal(nonce, pt, ad);
      expect(sealed.length).toBe(pt.length + 16);
      expect(aead.open(nonce, sealed, ad)).toEqual(pt);
      expect(aead.open(nonce, sealed, utf8("aD"))).toBeNull();
      expect(aead.open(nonce, sealed.subarray(0, 15), ad)).toBeNull();
      for (let i = 0; i < sealed.length; i++) {
        const bad = sealed.slice();
        bad[i] ^= 1 << (i % 8);
        expect(aead.open(nonce, bad, ad)).toBeNull();
      }
    });
  }
});
