// MsgpackWriter: appends MessagePack values choosing exactly the bytes Go's tinylib/msgp
// writes (MinIO's xl.meta, .metadata.bin, part.N.meta), into one growing buffer.
// Signed and unsigned integers follow different size rules, so callers pick int() or uint().

const TWO_32 = 4294967296;
const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;
const UINT64_MAX = (1n << 64n) - 1n;

/** UTF-8 byte length of a JS string (lone surrogates count 3: they encode as U+FFFD). */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4;
        i++;
      } else n += 3;
    } else n += 3;
  }
  return n;
}

export class MsgpackWriter {
  #buf: Uint8Array;
  #view: DataView;
  #len = 0;
  #encoder: TextEncoder | undefined;

  constructor(initialCapacity = 256) {
    this.#buf = new Uint8Array(Math.max(16, initialCapacity));
    this.#view = new DataView(this.#buf.buffer);
  }

  /** Number of bytes written so far. */
  get length(): number {
    return this.#len;
  }

  /** The written bytes without copying; valid until the next write. */
  view(): Uint8Array {
    return this.#buf.subarray(0, this.#len);
  }

  /** A copy of the written bytes, owned by the caller. */
  bytes(): Uint8Array {
    return this.#buf.slice(0, this.#len);
  }

  /** Forget everything written, keeping the buffer for reuse. */
  reset(): void {
    this.#len = 0;
  }

  #ensure(extra: number): void {
    const need = this.#len + extra;
    if (need <= this.#buf.length) return;
    let cap = this.#buf.length * 2;
    while (cap < need) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.#buf.subarray(0, this.#len));
    this.#buf = next;
    this.#view = new DataView(next.buffer);
  }

  #byte(b: number): void {
    this.#ensure(1);
    this.#buf[this.#len++] = b;
  }

  /** Overwrite 4 bytes at `offset` with a big-endian uint32 (to patch a length written earlier). */
  patchUint32(offset: number, value: number): void {
    if (offset < 0 || offset + 4 > this.#len) throw new RangeError(`Cannot patch offset ${offset}`);
    this.#view.setUint32(offset, value);
  }

  /** Append already-encoded bytes verbatim. */
  raw(bytes: Uint8Array): void {
    this.#ensure(bytes.length);
    this.#buf.set(bytes, this.#len);
    this.#len += bytes.length;
  }

  nil(): void {
    this.#byte(0xc0);
  }

  bool(v: boolean): void {
    this.#byte(v ? 0xc3 : 0xc2);
  }

  /** Signed int (Go int/int64): positive values never use the cc..cf forms. */
  int(v: number | bigint): void {
    if (typeof v === "bigint") {
      if (v < INT64_MIN || v > INT64_MAX) throw new RangeError(`int64 out of range: ${v}`);
      if (v >= -2147483648n && v <= 2147483647n) return this.int(Number(v));
      this.#ensure(9);
      this.#buf[this.#len] = 0xd3;
      this.#view.setBigInt64(this.#len + 1, v);
      this.#len += 9;
      return;
    }
    if (!Number.isSafeInteger(v)) throw new RangeError(`Not a safe integer: ${v}`);
    this.#ensure(9);
    const b = this.#buf;
    const p = this.#len;
    if (v >= 0 && v <= 127) {
      b[p] = v;
      this.#len += 1;
    } else if (v < 0 && v >= -32) {
      b[p] = v & 0xff;
      this.#len += 1;
    } else if (v < 0 && v >= -128) {
      b[p] = 0xd0;
      b[p + 1] = v & 0xff;
      this.#len += 2;
    } else if (v >= -32768 && v <= 32767) {
      b[p] = 0xd1;
      this.#view.setInt16(p + 1, v);
      this.#len += 3;
    } else if (v >= -2147483648 && v <= 2147483647) {
      b[p] = 0xd2;
      this.#view.setInt32(p + 1, v);
      this.#len += 5;
    } else {
      b[p] = 0xd3;
      const hi = Math.floor(v / TWO_32);
      this.#view.setInt32(p + 1, hi);
      this.#view.setUint32(p + 5, v - hi * TWO_32);
      this.#len += 9;
    }
  }

  /** Unsigned int (Go uint8..uint64): fixint, then cc/cd/ce/cf. */
  uint(v: number | bigint): void {
    if (typeof v === "bigint") {
      if (v < 0n || v > UINT64_MAX) throw new RangeError(`uint64 out of range: ${v}`);
      if (v < 0x100000000n) return this.uint(Number(v));
      this.#ensure(9);
      this.#buf[this.#len] = 0xcf;
      this.#view.setBigUint64(this.#len + 1, v);
      this.#len += 9;
      return;
    }
    if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`Not an unsigned safe integer: ${v}`);
    this.#ensure(9);
    const b = this.#buf;
    const p = this.#len;
    if (v <= 127) {
      b[p] = v;
      this.#len += 1;
    } else if (v <= 0xff) {
      b[p] = 0xcc;
      b[p + 1] = v;
      this.#len += 2;
    } else if (v <= 0xffff) {
      b[p] = 0xcd;
      this.#view.setUint16(p + 1, v);
      this.#len += 3;
    } else if (v <= 0xffffffff) {
      b[p] = 0xce;
      this.#view.setUint32(p + 1, v);
      this.#len += 5;
    } else {
      b[p] = 0xcf;
      const hi = Math.floor(v / TWO_32);
      this.#view.setUint32(p + 1, hi);
      this.#view.setUint32(p + 5, v - hi * TWO_32);
      this.#len += 9;
    }
  }

  float64(v: number): void {
    this.#ensure(9);
    this.#buf[this.#len] = 0xcb;
    this.#view.setFloat64(this.#len + 1, v);
    this.#len += 9;
  }

  float32(v: number): void {
    this.#ensure(5);
    this.#buf[this.#len] = 0xca;
    this.#view.setFloat32(this.#len + 1, v);
    this.#len += 5;
  }

  /**
   * A size-classed header: fix form (`fix | n`) up to `fixMax`, then the 8-bit (if the type has
   * one, else `c8` < 0), 16-bit and 32-bit forms — the rule msgp applies to str, bin, map, array.
   */
  #sizeHeader(n: number, fix: number, fixMax: number, c8: number, c16: number, c32: number): void {
    if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new RangeError(`Bad size ${n}`);
    this.#ensure(5);
    const p = this.#len;
    if (n <= fixMax) {
      this.#buf[p] = fix | n;
      this.#len += 1;
    } else if (c8 >= 0 && n <= 0xff) {
      this.#buf[p] = c8;
      this.#buf[p + 1] = n;
      this.#len += 2;
    } else if (n <= 0xffff) {
      this.#buf[p] = c16;
      this.#view.setUint16(p + 1, n);
      this.#len += 3;
    } else {
      this.#buf[p] = c32;
      this.#view.setUint32(p + 1, n);
      this.#len += 5;
    }
  }

  /** str header: fixstr ≤31, str8 ≤255, str16 ≤65535, else str32. */
  #strHeader(n: number): void {
    this.#sizeHeader(n, 0xa0, 31, 0xd9, 0xda, 0xdb);
  }

  /** A string, UTF-8 encoded straight into the buffer. */
  str(s: string): void {
    const n = utf8Length(s);
    this.#strHeader(n);
    this.#ensure(n);
    if (n === s.length) {
      // ASCII: copy code units directly, the common case for xl.meta keys.
      const b = this.#buf;
      const p = this.#len;
      for (let i = 0; i < n; i++) b[p + i] = s.charCodeAt(i);
    } else {
      this.#encoder ??= new TextEncoder();
      this.#encoder.encodeInto(s, this.#buf.subarray(this.#len, this.#len + n));
    }
    this.#len += n;
  }

  /** A str whose UTF-8 bytes are already at hand (e.g. a map key read from disk). */
  strBytes(bytes: Uint8Array): void {
    this.#strHeader(bytes.length);
    this.raw(bytes);
  }

  /** Binary: bin8 ≤255, bin16 ≤65535, else bin32 (msgp never uses str for []byte). */
  bin(bytes: Uint8Array): void {
    this.binHeader(bytes.length);
    this.raw(bytes);
  }

  /** bin header: bin8 ≤255, bin16 ≤65535, else bin32 (there is no fix form). */
  binHeader(n: number): void {
    this.#sizeHeader(n, 0, -1, 0xc4, 0xc5, 0xc6);
  }

  /** map header: fixmap ≤15, map16 ≤65535, else map32. */
  mapHeader(n: number): void {
    this.#sizeHeader(n, 0x80, 15, -1, 0xde, 0xdf);
  }

  /** array header: fixarray ≤15, array16 ≤65535, else array32. */
  arrayHeader(n: number): void {
    this.#sizeHeader(n, 0x90, 15, -1, 0xdc, 0xdd);
  }

  /** msgp's time.Time: ext8 type 5, int64 Unix seconds + uint32 nanoseconds, big-endian. */
  time(seconds: bigint, nanos: number): void {
    if (!Number.isInteger(nanos) || nanos < 0 || nanos > 999_999_999) throw new RangeError(`Bad nanoseconds ${nanos}`);
    this.#ensure(15);
    const p = this.#len;
    this.#buf[p] = 0xc7;
    this.#buf[p + 1] = 12;
    this.#buf[p + 2] = 5;
    this.#view.setBigInt64(p + 3, seconds);
    this.#view.setUint32(p + 11, nanos);
    this.#len += 15;
  }

  /** msgp's time.Time from Unix nanoseconds (seconds floor, nanoseconds always 0..999999999). */
  timeNs(ns: bigint): void {
    let seconds = ns / 1_000_000_000n;
    let nanos = ns % 1_000_000_000n;
    if (nanos < 0n) {
      nanos += 1_000_000_000n;
      seconds -= 1n;
    }
    this.time(seconds, Number(nanos));
  }
}
