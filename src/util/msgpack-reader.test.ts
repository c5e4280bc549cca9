// MsgpackReader: reads back what the writer produces, accepts every integer width,
// keeps bin and str apart, returns raw spans, and rejects truncated or oversized input.
import { describe, expect, test } from "bun:test";
import { MsgpackError, MsgpackReader } from "./msgpack-reader.ts";
import { MsgpackWriter } from "./msgpack-writer.ts";

const bytes = (...b: number[]) => new Uint8Array(b);

describe("MsgpackReader", () => {
  test("round-trips every kind the writer emits", () => {
    const w = new MsgpackWriter();
    w.mapHeader(2);
    w.str("a");
    w.arrayHeader(3);
    w.int(-5);
    w.uint(300);
    w.int(1700000000123456789n);
    w.str("b");
    w.bin(bytes(1, 2, 3));
    w.nil();
    w.bool(true);
    w.float64(1.5);
    w.time(-62135596800n, 0);
    const r = new MsgpackReader(w.bytes());
    expect(r.readMapHeader()).toBe(2);
    expect(r.readStr()).toBe("a");
    expect(r.readArrayHeader()).toBe(3);
    expect(r.readInt()).toBe(-5);
    expect(r.readUint()).toBe(300);
    expect(r.readBigInt()).toBe(1700000000123456789n);
    expect(r.kind()).toBe("str");
    expect(r.readStr()).toBe("b");
    expect(r.kind()).toBe("bin");
    expect([...r.readBin()]).toEqual([1, 2, 3]);
    expect(r.tryNil()).toBe(true);
    expect(r.readBool()).toBe(true);
    expect(r.readFloat()).toBe(1.5);
    expect(r.readTime()).toEqual({ seconds: -62135596800n, nanos: 0 });
    expect(r.done).toBe(true);
  });

  test("accepts any integer encoding for the same value", () => {
    for (const enc of [
      bytes(0x05),
      bytes(0xcc, 5),
      bytes(0xcd, 0, 5),
      bytes(0xce, 0, 0, 0, 5),
      bytes(0xcf, 0, 0, 0, 0, 0, 0, 0, 5),
      bytes(0xd0, 5),
      bytes(0xd1, 0, 5),
      bytes(0xd2, 0, 0, 0, 5),
      bytes(0xd3, 0, 0, 0, 0, 0, 0, 0, 5),
    ]) {
      expect(new MsgpackReader(enc).readInt()).toBe(5);
      expect(new MsgpackReader(enc).readBigInt()).toBe(5n);
    }
    expect(new MsgpackReader(bytes(0xff)).readInt()).toBe(-1);
    expect(new MsgpackReader(bytes(0xcf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff)).readBigInt()).toBe((1n << 64n) - 1n);
  });

  test("rejects integers that do not fit a JS number, and negatives where unsigned is needed", () => {
    expect(() => new MsgpackReader(bytes(0xcf, 0xff, 0, 0, 0, 0, 0, 0, 0)).readInt()).toThrow(MsgpackError);
    expect(() => new MsgpackReader(bytes(0xff)).readUint()).toThrow(MsgpackError);
    expect(() => new MsgpackReader(bytes(0xa1, 0x41)).readInt()).toThrow(/Expected integer/);
  });

  test("tells bin from str, with an explicit lenient reader for mixed fields", () => {
    expect(() => new MsgpackReader(bytes(0xa1, 0x41)).readBin()).toThrow(/Expected bin/);
    expect(() => new MsgpackReader(bytes(0xc4, 1, 0x41)).readStr()).toThrow(/Expected str/);
    expect([...new MsgpackReader(bytes(0xa1, 0x41)).readBinOrStr()]).toEqual([0x41]);
    expect(new MsgpackReader(bytes(0xc4, 1, 0x41)).readKey()).toBe("A");
  });

  test("keys (interned) and texts decode to exactly their bytes, many times over, whatever they hold", () => {
    const te = new TextEncoder();
    // ASCII, non-ASCII, invalid UTF-8, a Latin-1 byte that equals a char code, empty, long.
    const samples: Uint8Array[] = ["EcIndex", "x-amz-meta-ä", "", "k".repeat(40), "é"].map((s) => te.encode(s));
    samples.push(bytes(0xe9), bytes(0xff, 0x41), bytes(0x41, 0xe9));
    for (let i = 0; i < 6000; i++) samples.push(te.encode(`key-${i}`)); // past the intern table's bound
    for (let round = 0; round < 3; round++) {
      for (const s of samples) {
        const w = new MsgpackWriter();
        w.strBytes(s);
        w.bin(s);
        const r = new MsgpackReader(w.bytes());
        const expected = new TextDecoder().decode(s);
        expect(r.readKey()).toBe(expected);
        expect(r.readText()).toBe(expected);
      }
    }
  });

  test("raw() returns the exact span of nested values and skip() moves past them", () => {
    const w = new MsgpackWriter();
    w.mapHeader(1);
    w.str("k");
    w.arrayHeader(2);
    w.bin(new Uint8Array(300));
    w.time(1n, 2);
    w.int(7);
    const all = w.bytes();
    const r = new MsgpackReader(all);
    const span = r.raw();
    expect(span.length).toBe(all.length - 1);
    expect(r.readInt()).toBe(7);
  });

  test("rejects truncated input at every cut point without reading out of bounds", () => {
    const w = new MsgpackWriter();
    w.mapHeader(2);
    w.str("name");
    w.bin(new Uint8Array(40));
    w.str("list");
    w.arrayHeader(2);
    w.int(1n << 40n);
    w.time(5n, 6);
    const all = w.bytes();
    for (let cut = 0; cut < all.length; cut++) {
      expect(() => new MsgpackReader(all.subarray(0, cut)).skip()).toThrow(MsgpackError);
    }
    expect(() => new MsgpackReader(all, 0, all.length).skip()).not.toThrow();
  });

  test("rejects huge claimed lengths before allocating anything", () => {
    expect(() => new MsgpackReader(bytes(0xdd, 0xff, 0xff, 0xff, 0xff, 0x01)).readArrayHeader()).toThrow(/cannot fit/);
    expect(() => new MsgpackReader(bytes(0xdf, 0x7f, 0xff, 0xff, 0xff, 0x01)).readMapHeader()).toThrow(/cannot fit/);
    expect(() => new MsgpackReader(bytes(0xc6, 0xff, 0xff, 0xff, 0xff, 0x01)).readBin()).toThrow(/runs past/);
    expect(() => new MsgpackReader(bytes(0xdd, 0xff, 0xff, 0xff, 0xff, 0x01)).skip()).toThrow(/cannot fit/);
    expect(() => new MsgpackReader(bytes(0xc1)).skip()).toThrow(/Invalid byte/);
  });

  test("deeply nested arrays skip without recursion", () => {
    const deep = new Uint8Array(200_000).fill(0x91);
    deep[deep.length - 1] = 0xc0;
    expect(new MsgpackReader(deep).raw().length).toBe(deep.length);
  });

  test("respects start/end bounds inside a larger buffer", () => {
    const buf = bytes(0xff, 0xa2, 0x68, 0x69, 0xc4, 0x05);
    const r = new MsgpackReader(buf, 1, 4);
    expect(r.readStr()).toBe("hi");
    expect(r.done).toBe(true);
    expect(() => r.readInt()).toThrow(MsgpackError);
  });

  test("reads ext values and rejects non-time extensions as times", () => {
    const r = new MsgpackReader(bytes(0xd4, 0x01, 0xaa));
    expect(r.readExt()).toEqual({ type: 1, data: bytes(0xaa) });
    expect(() => new MsgpackReader(bytes(0xd4, 0x05, 0xaa)).readTime()).toThrow(/msgp time/);
  });

  test("timeNs/readTimeNs keep nanosecond times exact, before 1970 and at Go's zero time", () => {
    for (const ns of [0n, 1n, -1n, 1_700_000_000_123_456_789n, -62135596800n * 1_000_000_000n, -1_500_000_001n]) {
      const w = new MsgpackWriter();
      w.timeNs(ns);
      const r = new MsgpackReader(w.bytes());
      expect(r.readTimeNs()).toBe(ns);
    }
    const w = new MsgpackWriter();
    w.timeNs(-1n);
    // Go's time.Unix(-1, 999999999): nanoseconds are never negative.
    expect(Buffer.from(w.bytes()).toString("hex")).toBe("c70c05ffffffffffffffff3b9ac9ff");
  });
});
