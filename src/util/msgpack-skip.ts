// Value boundaries in MessagePack bytes: the error type shared by the msgpack reader, the kind
// of a lead byte, and skipping one complete value without recursion or allocation.

/** Thrown for truncated, malformed or out-of-range input; `offset` is where reading failed. */
export class MsgpackError extends Error {
  override name = "MsgpackError";
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} at offset ${offset}`);
  }
}

export type MsgpackKind = "nil" | "bool" | "int" | "float" | "str" | "bin" | "array" | "map" | "ext";

/** Kind of a value from its lead byte (0xc1, "never used", is reported as an error by reads). */
export function msgpackKind(b: number): MsgpackKind {
  if (b <= 0x7f || b >= 0xe0 || (b >= 0xcc && b <= 0xd3)) return "int";
  if (b <= 0x8f || b === 0xde || b === 0xdf) return "map";
  if (b <= 0x9f || b === 0xdc || b === 0xdd) return "array";
  if (b <= 0xbf || (b >= 0xd9 && b <= 0xdb)) return "str";
  if (b >= 0xc4 && b <= 0xc6) return "bin";
  if (b === 0xc2 || b === 0xc3) return "bool";
  if (b === 0xca || b === 0xcb) return "float";
  if (b === 0xc0 || b === 0xc1) return "nil";
  return "ext";
}

/** Payload bytes after the lead byte (and its length field), for lead bytes 0xc4..0xdb. */
const FIXED_WIDTH: Record<number, number> = {
  0xca: 4,
  0xcb: 8,
  0xcc: 1,
  0xcd: 2,
  0xce: 4,
  0xcf: 8,
  0xd0: 1,
  0xd1: 2,
  0xd2: 4,
  0xd3: 8,
  0xd4: 2,
  0xd5: 3,
  0xd6: 5,
  0xd7: 9,
  0xd8: 17,
};

/**
 * Returns the offset just past the value starting at `pos`. Each pending value consumes at
 * least one byte, so the loop ends within `end - pos` steps whatever the counts claim.
 */
export function skipMsgpackValue(buf: Uint8Array, view: DataView, pos: number, end: number): number {
  let pending = 1;
  const fail = (msg: string, at: number): never => {
    throw new MsgpackError(msg, at);
  };
  const lenField = (width: number): number => {
    if (pos + width > end) fail("Truncated length field", pos);
    const n = width === 1 ? buf[pos] : width === 2 ? view.getUint16(pos) : view.getUint32(pos);
    pos += width;
    return n;
  };
  const take = (n: number): void => {
    if (n > end - pos) fail(`Value of ${n} bytes runs past the end (${end - pos} left)`, pos);
    pos += n;
  };
  const nested = (n: number): void => {
    if (n > end - pos) fail(`Container of ${n} values cannot fit in ${end - pos} bytes`, pos);
    pending += n;
  };
  while (pending > 0) {
    pending--;
    if (pos >= end) fail("Truncated input: need 1 byte, have 0", pos);
    const b = buf[pos++];
    if (b <= 0x7f || b >= 0xe0 || b === 0xc0 || b === 0xc2 || b === 0xc3) continue;
    if (b <= 0x8f) nested((b & 0x0f) * 2);
    else if (b <= 0x9f) nested(b & 0x0f);
    else if (b <= 0xbf) take(b & 0x1f);
    else if (b === 0xc4 || b === 0xd9) take(lenField(1));
    else if (b === 0xc5 || b === 0xda) take(lenField(2));
    else if (b === 0xc6 || b === 0xdb) take(lenField(4));
    else if (b === 0xc7) take(lenField(1) + 1);
    else if (b === 0xc8) take(lenField(2) + 1);
    else if (b === 0xc9) take(lenField(4) + 1);
    else if (b === 0xdc) nested(lenField(2));
    else if (b === 0xdd) nested(lenField(4));
    else if (b === 0xde) nested(lenField(2) * 2);
    else if (b === 0xdf) nested(lenField(4) * 2);
    else if (b in FIXED_WIDTH) take(FIXED_WIDTH[b]);
    else fail(`Invalid byte 0x${b.toString(16)}`, pos - 1);
  }
  return pos;
}
