import { describe, expect, test } from "bun:test";
import { compareKeys } from "./compare-keys.ts";

const utf8 = (s: string) => Buffer.from(s, "utf8");

describe("compareKeys", () => {
  test("matches UTF-8 byte order on tricky pairs", () => {
    const samples = ["a", "a/", "a/b", "a-b", "a.b", "ab", "\uE000", "\uFFFF", "\u{1F600}", "\u{10000}", "z", "", "é", "\u00ff", "a\u0000"];
    for (const x of samples)
      for (const y of samples) {
        const want = Math.sign(Buffer.compare(utf8(x), utf8(y)));
        expect([x, y, Math.sign(compareKeys(x, y))]).toEqual([x, y, want]);
      }
  });

  test("agrees with byte order on random strings", () => {
    const alphabet = ["a", "b", "/", "-", "\u00e9", "\uD7FF", "\uE000", "\uFFFD", "\u{1F600}", "\u{10FFFF}"];
    const rnd = (n: number) => Array.from({ length: n }, () => alphabet[Math.floor(Math.random() * alphabet.length)]).join("");
    for (let i = 0; i < 2000; i++) {
      const x = rnd(1 + (i % 5));
      const y = rnd(1 + ((i * 7) % 5));
      expect(Math.sign(compareKeys(x, y))).toBe(Math.sign(Buffer.compare(utf8(x), utf8(y))));
    }
  });
});
