import { describe, expect, test } from "bun:test";
import { CompressError } from "./compress-error.ts";
import { decodeS2Block, s2DecodedLength } from "./s2-block-decode.ts";

const bytes = (...parts: (number | string | ArrayLike<number>)[]) =>
  new Uint8Array(parts.flatMap((p) => (typeof p === "number" ? [p] : typeof p === "string" ? [...new TextEncoder().encode(p)] : Array.from(p))));
const text = (b: Uint8Array) => new TextDecoder().decode(b);

function expectCorrupt(block: Uint8Array) {
  let err: unknown;
  try {
    decodeS2Block(block);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(CompressError);
  expect((err as CompressError).kind).toBe("Corrupt");
}

describe("s2DecodedLength", () => {
  test("reads one- to five-byte uvarints", () => {
    expect(s2DecodedLength(bytes(0))).toEqual({ length: 0, headerLength: 1 });
    expect(s2DecodedLength(bytes(0x80, 0x80, 0x40))).toEqual({ length: 1 << 20, headerLength: 3 });
    expect(s2DecodedLength(bytes(0xff, 0xff, 0xff, 0xff, 0x0f))).toEqual({ length: 0xffffffff, headerLength: 5 });
  });
  test("refuses truncated and oversized varints", () => {
    expect(() => s2DecodedLength(bytes(0x80))).toThrow(CompressError);
    expect(() => s2DecodedLength(bytes(0xff, 0xff, 0xff, 0xff, 0x1f))).toThrow(CompressError);
    expect(() => s2DecodedLength(bytes(0x80, 0x80, 0x80, 0x80, 0x80, 0x01))).toThrow(CompressError);
  });
});

describe("decodeS2Block", () => {
  test("literals with inline and 1- to 4-byte lengths", () => {
    expect(text(decodeS2Block(bytes(5, 4 << 2, "hello")))).toBe("hello");
    const long = "x".repeat(200);
    expect(text(decodeS2Block(bytes(0xc8, 0x01, 60 << 2, 199, long)))).toBe(long);
    const l2 = "y".repeat(300);
    expect(text(decodeS2Block(bytes(0xac, 0x02, 61 << 2, 299 & 0xff, 299 >> 8, l2)))).toBe(l2);
    expect(text(decodeS2Block(bytes(3, 62 << 2, 2, 0, 0, "abc")))).toBe("abc");
    expect(text(decodeS2Block(bytes(3, 63 << 2, 2, 0, 0, 0, "abc")))).toBe("abc");
  });

  test("copy-1, copy-2 and copy-4 tags, overlapping copies run forwards", () => {
    // "abcd" then copy-1 offset 4 length 8 → "abcdabcdabcd"
    expect(text(decodeS2Block(bytes(12, 3 << 2, "abcd", (4 << 2) | 1, 4)))).toBe("abcdabcdabcd");
    // copy-2 offset 1 length 10: a run of one byte
    expect(text(decodeS2Block(bytes(11, 0, "z", (9 << 2) | 2, 1, 0)))).toBe("z".repeat(11));
    // copy-4 offset 2 length 64
    expect(text(decodeS2Block(bytes(66, 1 << 2, "ab", (63 << 2) | 3, 2, 0, 0, 0)))).toBe("ab".repeat(33));
    // copy-1 with the high offset bits: offset 0x123 = 291
    const lit = Array.from({ length: 291 }, (_, i) => i & 0xff);
    const out = decodeS2Block(bytes(0xa7, 0x02, 61 << 2, 290 & 0xff, 290 >> 8, lit, (1 << 5) | (0 << 2) | 1, 0x23));
    expect([...out.subarray(291)]).toEqual(lit.slice(0, 4));
  });

  test("S2 repeat copies reuse the previous offset, with 0-3 extra length bytes", () => {
    const base = bytes("abcd", (4 << 2) | 1, 4); // literal tag below, then copy-1 offset 4 length 8
    const prefix = bytes(3 << 2, base);
    const run = (tail: number[], extra: number) => {
      const total = 12 + extra;
      const varint =
        total < 128 ? [total] : total < 16384 ? [(total & 0x7f) | 0x80, total >> 7] : [(total & 0x7f) | 0x80, ((total >> 7) & 0x7f) | 0x80, total >> 14];
      const out = decodeS2Block(bytes(varint, prefix, tail));
      expect(out.length).toBe(total);
      for (let i = 0; i < total; i++) expect(out[i]).toBe("abcd".charCodeAt(i % 4));
    };
    run([(0 << 2) | 1, 0], 4); // code 0: length 4
    run([(4 << 2) | 1, 0], 8); // code 4: length 8
    run([(5 << 2) | 1, 0, 1], 9); // code 5: byte + 8
    run([(6 << 2) | 1, 0, 1, 0], 261); // code 6: 2 bytes + 260
    run([(7 << 2) | 1, 0, 0, 0, 0], 65540); // code 7: 3 bytes + 65540
  });

  test("refuses malformed blocks", () => {
    expectCorrupt(bytes(4, (0 << 2) | 1, 0)); // repeat before any copy
    expectCorrupt(bytes(8, 3 << 2, "abcd", (0 << 2) | 1, 5)); // offset past the output
    expectCorrupt(bytes(3, 4 << 2, "abc")); // literal longer than the input
    expectCorrupt(bytes(2, 4 << 2, "hello")); // literal longer than the output
    expectCorrupt(bytes(6, 4 << 2, "hello")); // output shorter than announced
    expectCorrupt(bytes(4, 3 << 2, "abcd", 2)); // copy-2 tag cut off
    expectCorrupt(bytes(4, 3 << 2, "abcd", 3, 1, 0)); // copy-4 tag cut off
    expectCorrupt(bytes(4, 60 << 2)); // literal length byte missing
    expectCorrupt(bytes(12, 3 << 2, "abcd", (4 << 2) | 1, 4, (5 << 2) | 1, 0)); // repeat length missing
    expect(() => decodeS2Block(bytes(0x81, 0x80, 0x80, 0x04), 1 << 20)).toThrow(CompressError);
  });

  test("the empty block", () => {
    expect(decodeS2Block(bytes(0)).length).toBe(0);
  });
});
