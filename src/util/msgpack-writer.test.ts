// MsgpackWriter against every tinylib/msgp vector in shared/minio-format/vectors/msgp.json.
import { describe, expect, test } from "bun:test";
import { MsgpackWriter, utf8Length } from "./msgpack-writer.ts";

const VECTORS = "/work/shared/minio-format/vectors/msgp.json";

interface Vector {
  func: string;
  value: string;
  hex: string;
}

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const leadingInt = (s: string) => BigInt(/^-?\d+/.exec(s)![0]);

/** Writes one vector's Go value; returns the full output length when the vector shows a header only. */
function writeVector(w: MsgpackWriter, v: Vector): number | undefined {
  const val = v.value;
  switch (v.func) {
    case "AppendInt64":
    case "AppendInt":
      w.int(val.startsWith("ModTime") ? 1700000000123456789n : leadingInt(val));
      return;
    case "AppendUint64":
    case "AppendUint32":
    case "AppendUint8":
      w.uint(leadingInt(val));
      return;
    case "AppendBool":
      w.bool(val === "true");
      return;
    case "AppendNil":
      w.nil();
      return;
    case "AppendFloat64":
      w.float64(Number(val));
      return;
    case "AppendFloat32":
      w.float32(Number(val));
      return;
    case "AppendMapHeader":
      w.mapHeader(Number(val));
      return;
    case "AppendArrayHeader":
      w.arrayHeader(Number(val));
      return;
    case "AppendTime":
      w.time(1700000000n, 123456789);
      return;
    case "AppendBytes":
      return writeBytesVector(w, val);
    case "AppendString":
      return writeStringVector(w, val);
    case "composite":
      writeComposite(w);
      return;
  }
  throw new Error(`Unmapped vector ${v.func} ${val}`);
}

function writeBytesVector(w: MsgpackWriter, val: string): number | undefined {
  if (val.startsWith("[16]byte a0..af")) w.bin(Uint8Array.from({ length: 16 }, (_, i) => 0xa0 + i));
  else if (val.startsWith("empty") || val.startsWith("nil")) w.bin(new Uint8Array(0));
  else {
    const n = Number(leadingInt(val));
    w.bin(new Uint8Array(n));
    return n;
  }
}

function writeStringVector(w: MsgpackWriter, val: string): number | undefined {
  const quoted = /^"(.*)"/.exec(val);
  if (quoted) w.str(quoted[1]);
  else if (/^\d+ chars /.test(val)) w.str(val.replace(/^\d+ chars /, ""));
  else {
    const n = Number(leadingInt(val));
    w.str("\0".repeat(n));
    return n;
  }
}

function writeComposite(w: MsgpackWriter): void {
  w.mapHeader(5);
  w.str("ID");
  w.bin(Uint8Array.from({ length: 16 }, (_, i) => 0xa0 + i));
  w.str("EcBSize");
  w.int(1048576);
  w.str("EcDist");
  w.arrayHeader(4);
  for (const d of [3, 4, 1, 2]) w.uint(d);
  w.str("Size");
  w.int(10);
  w.str("MetaUsr");
  w.mapHeader(1);
  w.str("content-type");
  w.str("text/plain");
}

describe("MsgpackWriter", async () => {
  const { vectors } = (await Bun.file(VECTORS).json()) as { vectors: Vector[] };

  test("the vector file has the expected size", () => {
    expect(vectors.length).toBe(67);
  });

  for (const v of vectors) {
    test(`${v.func}(${v.value.slice(0, 40)}) → ${v.hex.slice(0, 24)}`, () => {
      const w = new MsgpackWriter(16);
      const payload = writeVector(w, v);
      const out = w.bytes();
      if (payload === undefined) expect(hex(out)).toBe(v.hex);
      else {
        expect(hex(out.subarray(0, v.hex.length / 2))).toBe(v.hex);
        expect(out.length).toBe(v.hex.length / 2 + payload);
      }
    });
  }

  test("numbers and bigints choose the same encodings at the 32/64-bit edges", () => {
    for (const n of [0, 127, 128, 32767, 32768, 2 ** 31 - 1, 2 ** 31, 2 ** 40, -(2 ** 40), Number.MAX_SAFE_INTEGER, -33]) {
      const a = new MsgpackWriter();
      const b = new MsgpackWriter();
      a.int(n);
      b.int(BigInt(n));
      expect(hex(a.bytes())).toBe(hex(b.bytes()));
      if (n >= 0) {
        a.reset();
        b.reset();
        a.uint(n);
        b.uint(BigInt(n));
        expect(hex(a.bytes())).toBe(hex(b.bytes()));
      }
    }
  });

  test("rejects values no Go integer type can hold", () => {
    const w = new MsgpackWriter();
    expect(() => w.int(1.5)).toThrow(RangeError);
    expect(() => w.int(1n << 63n)).toThrow(RangeError);
    expect(() => w.uint(-1)).toThrow(RangeError);
    expect(() => w.uint(1n << 64n)).toThrow(RangeError);
  });

  test("non-ASCII strings are UTF-8 with the right size class", () => {
    const s = "ü".repeat(20); // 40 bytes → str8
    const w = new MsgpackWriter(4);
    w.str(s);
    const out = w.bytes();
    expect(out[0]).toBe(0xd9);
    expect(out[1]).toBe(40);
    expect(new TextDecoder().decode(out.subarray(2))).toBe(s);
    expect(utf8Length("a😀\ud800")).toBe(1 + 4 + 3);
  });

  test("grows past its initial capacity and patches lengths", () => {
    const w = new MsgpackWriter(16);
    w.raw(new Uint8Array([0xc6, 0, 0, 0, 0]));
    for (let i = 0; i < 1000; i++) w.int(i * 1000);
    w.patchUint32(1, w.length - 5);
    const out = w.bytes();
    expect(new DataView(out.buffer).getUint32(1)).toBe(out.length - 5);
  });
});
