// MsgpackReader: a bounds-checked cursor over MessagePack bytes. Tells bin from str, reads
// any integer encoding, skips or returns the raw span of any value, and never allocates
// from an untrusted length before checking that the bytes are actually there.
import { MsgpackError, msgpackKind, skipMsgpackValue, type MsgpackKind } from "./msgpack-skip.ts";
export { MsgpackError, msgpackKind, type MsgpackKind };

/** An extension value: its type byte and payload (a view into the input). */
export interface MsgpackExt {
  /** Extension type byte (signed; msgp's time.Time is 5). */
  type: number;
  /** Payload bytes. */
  data: Uint8Array;
}

export class MsgpackReader {
  readonly #buf: Uint8Array;
  readonly #view: DataView;
  readonly #end: number;
  #pos: number;
  #decoder: TextDecoder | undefined;

  /** Read `bytes[start, end)`. */
  constructor(bytes: Uint8Array, start = 0, end = bytes.length) {
    if (start < 0 || end > bytes.length || start > end) throw new RangeError("Bad reader bounds");
    this.#buf = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.#pos = start;
    this.#end = end;
  }

  /** Current offset into the input array. */
  get pos(): number {
    return this.#pos;
  }

  /** Bytes left to read. */
  get remaining(): number {
    return this.#end - this.#pos;
  }

  get done(): boolean {
    return this.#pos >= this.#end;
  }

  /** The unread bytes (a view, no copy). */
  rest(): Uint8Array {
    return this.#buf.subarray(this.#pos, this.#end);
  }

  #fail(message: string, at = this.#pos): never {
    throw new MsgpackError(message, at);
  }

  #need(n: number): void {
    if (n > this.#end - this.#pos) this.#fail(`Truncated input: need ${n} bytes, have ${this.#end - this.#pos}`);
  }

  #u8(): number {
    this.#need(1);
    return this.#buf[this.#pos++];
  }

  /** Kind of the next value without consuming it. */
  kind(): MsgpackKind {
    this.#need(1);
    const b = this.#buf[this.#pos];
    if (b === 0xc1) this.#fail("Invalid byte 0xc1");
    return msgpackKind(b);
  }

  /** True (and consumed) if the next value is nil. */
  tryNil(): boolean {
    this.#need(1);
    if (this.#buf[this.#pos] !== 0xc0) return false;
    this.#pos++;
    return true;
  }

  readBool(): boolean {
    const b = this.#u8();
    if (b === 0xc2) return false;
    if (b === 0xc3) return true;
    this.#fail(`Expected bool, found 0x${b.toString(16)}`, this.#pos - 1);
  }

  /** Any integer encoding as a JS number; rejects values outside the safe-integer range. */
  readInt(): number {
    const at = this.#pos;
    const b = this.#u8();
    if (b <= 0x7f) return b;
    if (b >= 0xe0) return b - 256;
    const p = this.#pos;
    const v = this.#view;
    switch (b) {
      case 0xcc:
        this.#need(1);
        this.#pos += 1;
        return this.#buf[p];
      case 0xcd:
        this.#need(2);
        this.#pos += 2;
        return v.getUint16(p);
      case 0xce:
        this.#need(4);
        this.#pos += 4;
        return v.getUint32(p);
      case 0xd0:
        this.#need(1);
        this.#pos += 1;
        return v.getInt8(p);
      case 0xd1:
        this.#need(2);
        this.#pos += 2;
        return v.getInt16(p);
      case 0xd2:
        this.#need(4);
        this.#pos += 4;
        return v.getInt32(p);
      case 0xcf:
      case 0xd3: {
        this.#need(8);
        this.#pos += 8;
        const big = b === 0xcf ? v.getBigUint64(p) : v.getBigInt64(p);
        if (big > BigInt(Number.MAX_SAFE_INTEGER) || big < BigInt(Number.MIN_SAFE_INTEGER)) {
          this.#fail(`Integer ${big} exceeds the safe range`, at);
        }
        return Number(big);
      }
      default:
        this.#fail(`Expected integer, found 0x${b.toString(16)}`, at);
    }
  }

  /** Any integer encoding as a non-negative number. */
  readUint(): number {
    const at = this.#pos;
    const n = this.readInt();
    if (n < 0) this.#fail(`Expected unsigned integer, found ${n}`, at);
    return n;
  }

  /** Any integer encoding as bigint (int64 or uint64 range), for nanosecond times. */
  readBigInt(): bigint {
    const at = this.#pos;
    const b = this.#u8();
    const p = this.#pos;
    if (b === 0xcf || b === 0xd3) {
      this.#need(8);
      this.#pos += 8;
      return b === 0xcf ? this.#view.getBigUint64(p) : this.#view.getBigInt64(p);
    }
    this.#pos = at;
    return BigInt(this.readInt());
  }

  /** float32 or float64 (integers are accepted too, as msgp does). */
  readFloat(): number {
    const b = this.#u8();
    const p = this.#pos;
    if (b === 0xca) {
      this.#need(4);
      this.#pos += 4;
      return this.#view.getFloat32(p);
    }
    if (b === 0xcb) {
      this.#need(8);
      this.#pos += 8;
      return this.#view.getFloat64(p);
    }
    this.#pos--;
    return this.readInt();
  }

  /** Length that follows a 1/2/4-byte big-endian size field, checked against the input. */
  #len(width: 1 | 2 | 4): number {
    this.#need(width);
    const p = this.#pos;
    this.#pos += width;
    if (width === 1) return this.#buf[p];
    if (width === 2) return this.#view.getUint16(p);
    return this.#view.getUint32(p);
  }

  #take(n: number, what: string): Uint8Array {
    if (n > this.#end - this.#pos) this.#fail(`${what} of ${n} bytes runs past the end (${this.#end - this.#pos} left)`);
    const out = this.#buf.subarray(this.#pos, this.#pos + n);
    this.#pos += n;
    return out;
  }

  /** Length of a str header, or -1 (nothing consumed) if the next value is not a str. */
  #strLen(): number {
    this.#need(1);
    const b = this.#buf[this.#pos];
    if (b >= 0xa0 && b <= 0xbf) {
      this.#pos++;
      return b & 0x1f;
    }
    if (b < 0xd9 || b > 0xdb) return -1;
    this.#pos++;
    return this.#len(b === 0xd9 ? 1 : b === 0xda ? 2 : 4);
  }

  /** Length of a bin header, or -1 (nothing consumed) if the next value is not a bin. */
  #binLen(): number {
    this.#need(1);
    const b = this.#buf[this.#pos];
    if (b < 0xc4 || b > 0xc6) return -1;
    this.#pos++;
    return this.#len(b === 0xc4 ? 1 : b === 0xc5 ? 2 : 4);
  }

  /** The UTF-8 bytes of a str (a view into the input). */
  readStrBytes(): Uint8Array {
    const n = this.#strLen();
    if (n < 0) this.#fail(`Expected str, found 0x${this.#buf[this.#pos].toString(16)}`);
    return this.#take(n, "String");
  }

  readStr(): string {
    const bytes = this.readStrBytes();
    return this.#decode(bytes);
  }

  #decode(bytes: Uint8Array): string {
    if (bytes.length < 32 && isAscii(bytes)) {
      let s = "";
      for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
      return s;
    }
    this.#decoder ??= new TextDecoder();
    return this.#decoder.decode(bytes);
  }

  /** The payload of a bin (a view into the input). */
  readBin(): Uint8Array {
    const n = this.#binLen();
    if (n < 0) this.#fail(`Expected bin, found 0x${this.#buf[this.#pos].toString(16)}`);
    return this.#take(n, "Binary");
  }

  /** bin or str payload: for fields where old writers are known to mix the two. */
  readBinOrStr(): Uint8Array {
    const n = this.#binLen();
    if (n >= 0) return this.#take(n, "Binary");
    return this.readStrBytes();
  }

  /**
   * A map key: a str, or a bin decoded as UTF-8 (msgp map keys may be either). Short ASCII keys
   * come from a process-wide intern table, as xl.meta repeats the same few dozen field names.
   */
  readKey(): string {
    const b = this.readBinOrStr();
    if (b.length > INTERN_MAX_BYTES) return this.#decode(b);
    let h = b.length;
    for (let i = 0; i < b.length; i++) h = Math.imul(h ^ b[i], 0x01000193);
    const known = interned.get(h);
    if (known !== undefined && sameAscii(known, b)) return known;
    const key = this.#decode(b);
    if (interned.size < INTERN_MAX_KEYS && isAscii(b)) interned.set(h, key);
    return key;
  }

  /** A str, or a bin decoded as UTF-8, for values (never interned). */
  readText(): string {
    return this.#decode(this.readBinOrStr());
  }

  /** Map entry count; each entry needs at least 2 bytes, so larger counts are rejected early. */
  readMapHeader(): number {
    return this.#containerLen("map", 0x80, 0xde, 0xdf, 2);
  }

  /** Array length; each element needs at least 1 byte, so larger counts are rejected early. */
  readArrayHeader(): number {
    return this.#containerLen("array", 0x90, 0xdc, 0xdd, 1);
  }

  #containerLen(what: string, fix: number, c16: number, c32: number, minBytes: number): number {
    const b = this.#u8();
    let n: number;
    if (b >= fix && b <= fix + 15) n = b & 0x0f;
    else if (b === c16) n = this.#len(2);
    else if (b === c32) n = this.#len(4);
    else this.#fail(`Expected ${what}, found 0x${b.toString(16)}`, this.#pos - 1);
    if (n * minBytes > this.remaining) this.#fail(`${what} of ${n} entries cannot fit in ${this.remaining} bytes`);
    return n;
  }

  /** An extension value (fixext 1..16, ext8/16/32). */
  readExt(): MsgpackExt {
    const at = this.#pos;
    const b = this.#u8();
    let n: number;
    if (b >= 0xd4 && b <= 0xd8) n = 1 << (b - 0xd4);
    else if (b === 0xc7) n = this.#len(1);
    else if (b === 0xc8) n = this.#len(2);
    else if (b === 0xc9) n = this.#len(4);
    else this.#fail(`Expected ext, found 0x${b.toString(16)}`, at);
    this.#need(1);
    const type = this.#view.getInt8(this.#pos++);
    return { type, data: this.#take(n, "Extension") };
  }

  /** msgp's time.Time (ext type 5: int64 seconds + uint32 nanoseconds) as Unix seconds and nanos. */
  readTime(): { seconds: bigint; nanos: number } {
    const at = this.#pos;
    const ext = this.readExt();
    if (ext.type !== 5 || ext.data.length !== 12) this.#fail(`Expected msgp time (ext 5, 12 bytes), found ext ${ext.type}/${ext.data.length}`, at);
    const v = new DataView(ext.data.buffer, ext.data.byteOffset, 12);
    const nanos = v.getUint32(8);
    if (nanos > 999_999_999) this.#fail(`Bad nanoseconds ${nanos}`, at);
    return { seconds: v.getBigInt64(0), nanos };
  }

  /** msgp's time.Time as Unix nanoseconds (exact, including Go's zero time). */
  readTimeNs(): bigint {
    const t = this.readTime();
    return t.seconds * 1_000_000_000n + BigInt(t.nanos);
  }

  /** Skip one complete value of any kind (iteratively, so deep nesting cannot overflow the stack). */
  skip(): void {
    this.#pos = skipMsgpackValue(this.#buf, this.#view, this.#pos, this.#end);
  }

  /** Skip one value and return its exact encoded bytes (a view into the input). */
  raw(): Uint8Array {
    const start = this.#pos;
    this.skip();
    return this.#buf.subarray(start, this.#pos);
  }
}

/** readKey's intern table: FNV-style hash of the key bytes → the ASCII key. */
const interned = new Map<number, string>();
const INTERN_MAX_BYTES = 32;
const INTERN_MAX_KEYS = 4096;

function isAscii(b: Uint8Array): boolean {
  for (let i = 0; i < b.length; i++) if (b[i] >= 0x80) return false;
  return true;
}

/** s (ASCII) is exactly these bytes. */
function sameAscii(s: string, b: Uint8Array): boolean {
  if (s.length !== b.length) return false;
  for (let i = 0; i < b.length; i++) if (s.charCodeAt(i) !== b[i]) return false;
  return true;
}
