import { describe, expect, test } from "bun:test";
import { decodeS2Block } from "./s2-block-decode.ts";
import { S2BlockEncoder, encodeS2Block } from "./s2-block-encode.ts";
import { noise, textLike } from "../../test/support/s2-data.ts";

describe("S2BlockEncoder", () => {
  const cases: [string, Uint8Array][] = [
    ["empty", new Uint8Array(0)],
    ["one byte", new Uint8Array([42])],
    ["31 bytes (below the matching minimum)", textLike(31)],
    ["zeros, 1 MiB (long repeats)", new Uint8Array(1 << 20)],
    ["text, 1 MiB", textLike(1 << 20)],
    ["noise, 1 MiB", noise(1 << 20)],
    [
      "noise then a copy of it 200 KiB later (copy-4 offsets)",
      (() => {
        const a = noise(300_000, 7);
        a.copyWithin(200_000, 0, 100_000);
        return a;
      })(),
    ],
    [
      "4 MiB mixed",
      (() => {
        const a = new Uint8Array(4 << 20);
        for (let i = 0; i < a.length; i += 1 << 16) a.set(i % (3 << 16) === 0 ? noise(1 << 16, i) : textLike(1 << 16), i);
        return a;
      })(),
    ],
  ];
  for (const [name, data] of cases) {
    test(`round-trips ${name}`, () => {
      const enc = encodeS2Block(data);
      expect(Buffer.from(decodeS2Block(enc)).equals(Buffer.from(data))).toBe(true);
    });
  }

  test("compresses text and zeros, and bounds noise by the all-literal size", () => {
    expect(encodeS2Block(textLike(1 << 20)).length).toBeLessThan((1 << 20) / 3);
    expect(encodeS2Block(new Uint8Array(1 << 20)).length).toBeLessThan(100);
    expect(encodeS2Block(noise(1 << 20)).length).toBeLessThanOrEqual((1 << 20) + 3 + 4);
  });

  test("encodeInto gives up (returns 0) when the limit is too small, and is reusable", () => {
    const enc = new S2BlockEncoder();
    const data = noise(10_000);
    const dst = new Uint8Array(20_000);
    expect(enc.encodeInto(data, dst, 8, 9_000)).toBe(0);
    const text = textLike(10_000);
    const n = enc.encodeInto(text, dst, 8, 10_000);
    expect(n).toBeGreaterThan(0);
    expect(Buffer.from(decodeS2Block(dst.subarray(8, 8 + n))).equals(Buffer.from(text))).toBe(true);
  });
});
