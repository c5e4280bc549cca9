// part.N.meta: msgp field order and omitempty rules, round trips, tolerant and strict decoding.
import { describe, expect, test } from "bun:test";
import { MsgpackWriter } from "../util/index.ts";
import { decodePartMeta, encodePartMeta, type PartMeta } from "./part-meta.ts";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const ascii = (s: string) => hex(new TextEncoder().encode(s));

const PART: PartMeta = {
  etag: "5d41402abc4b2a76b9719d911017c592",
  number: 3,
  size: 5 * 1024 * 1024,
  actualSize: 5 * 1024 * 1024,
  modTimeNs: 1_700_000_000_123_456_789n,
};

describe("part.N.meta", () => {
  test("writes the five mandatory keys in msgp order with Go's int and time encodings", () => {
    const bytes = encodePartMeta(PART);
    const expected =
      "85" + "a165" + "d920" + ascii(PART.etag) + "a16e" + "03" + "a173" + "d200500000" + "a26173" + "d200500000" + "a26d74" + "c70c05000000006553f100075bcd15";
    expect(hex(bytes)).toBe(expected);
    expect(decodePartMeta(bytes)).toEqual(PART);
  });

  test("optional index, checksums and error are written only when non-empty", () => {
    const full: PartMeta = { ...PART, index: new Uint8Array([1, 2]), checksums: { CRC32C: "AAAAAA==" }, error: "x" };
    const bytes = encodePartMeta(full);
    expect(bytes[0]).toBe(0x88);
    expect(hex(bytes)).toContain("a169c4020102" + "a3637263" + "81a6" + ascii("CRC32C"));
    expect(decodePartMeta(bytes)).toEqual(full);
    const empty = encodePartMeta({ ...PART, index: new Uint8Array(0), checksums: {}, error: "" });
    expect(hex(empty)).toBe(hex(encodePartMeta(PART)));
  });

  test("decoding tolerates unknown keys, nil values and other integer widths", () => {
    const w = new MsgpackWriter();
    w.mapHeader(4);
    w.str("n");
    w.uint(200);
    w.str("future");
    w.arrayHeader(1);
    w.nil();
    w.str("crc");
    w.nil();
    w.str("e");
    w.str("abc");
    expect(decodePartMeta(w.bytes())).toEqual({ etag: "abc", number: 200, size: 0, actualSize: 0, modTimeNs: 0n });
  });

  test("damaged input is Corrupt", () => {
    const bytes = encodePartMeta(PART);
    for (let cut = 0; cut < bytes.length; cut += 7) {
      expect(() => decodePartMeta(bytes.subarray(0, cut))).toThrow(expect.objectContaining({ kind: "Corrupt" }));
    }
    expect(() => decodePartMeta(new Uint8Array([0x93, 1, 2, 3]))).toThrow(/Expected map/);
  });
});
