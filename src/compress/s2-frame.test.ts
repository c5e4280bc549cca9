import { expect, test } from "bun:test";
import { maskedCrc32c, s2MaxEncodedLength, uvarintLength } from "./s2-frame.ts";

test("maskedCrc32c matches the checksum klauspost's writer puts on the chunk of 'a'", () => {
  // s2.NewWriter over "a": 01 05 00 00 | 78 6e e4 28 | 61
  expect(maskedCrc32c(new TextEncoder().encode("a"))).toBe(0x28e46e78);
});

test("s2MaxEncodedLength and uvarintLength", () => {
  expect(s2MaxEncodedLength(0)).toBe(1);
  expect(s2MaxEncodedLength(60)).toBe(62);
  expect(s2MaxEncodedLength(1 << 20)).toBe((1 << 20) + 3 + 4);
  expect(uvarintLength(127)).toBe(1);
  expect(uvarintLength(128)).toBe(2);
  expect(uvarintLength(0xffffffff)).toBe(5);
});
