// The S2 seek index: pairs of (compressed, uncompressed) chunk start offsets, serialized as a
// skippable 0x99 chunk ("s2idx\0" … size, "\0xdi2s") of zigzag varints with predicted deltas.
// MinIO stores it per part without those headers (PartIdx); both forms load here.
import { CompressError } from "./compress-error.ts";
import { CHUNK_INDEX, putUint32LE } from "./s2-frame.ts";

const INDEX_HEADER = new Uint8Array([0x73, 0x32, 0x69, 0x64, 0x78, 0x00]); // "s2idx\0"
const INDEX_TRAILER = new Uint8Array([0x00, 0x78, 0x64, 0x69, 0x32, 0x73]); // "\0xdi2s"
/** The most entries an index may hold; builders thin theirs out to stay below. */
const S2_MAX_INDEX_ENTRIES = 1 << 16;
/** Chunk header + "s2idx\0" + size + trailer: what RemoveIndexHeaders strips (20 bytes). */
const HEADERS_SIZE = 4 + INDEX_HEADER.length + 4 + INDEX_TRAILER.length;
/** Go's Find scans linearly up to this many entries and binary-searches above. */
const LINEAR_FIND_MAX = 200;

/** Where to start reading to reach an uncompressed offset: a chunk start at or before it. */
export interface S2Seek {
  /** Byte offset of the chunk in the compressed stream. */
  compressedOffset: number;
  /** Uncompressed offset of that chunk's first byte; skip `offset − uncompressedOffset` after it. */
  uncompressedOffset: number;
}

/** The JSON shape of klauspost's Index.JSON(), for comparing with Go in tests and debugging. */
export interface S2IndexJson {
  total_uncompressed: number;
  total_compressed: number;
  offsets: { compressed: number; uncompressed: number }[] | null;
  est_block_uncompressed: number;
}

/** A loaded or finished index. Offsets ascend strictly; totals are −1 when unknown. */
export class S2Index {
  /** Uncompressed size of the stream (−1 if unknown). */
  readonly totalUncompressed: number;
  /** Compressed size of the stream (−1 if unknown: padded streams record −1). */
  readonly totalCompressed: number;
  /** The block size the delta coding predicts from (the writer's block size). */
  readonly estBlockUncompressed: number;
  readonly compressedOffsets: readonly number[];
  readonly uncompressedOffsets: readonly number[];

  constructor(totalUncompressed: number, totalCompressed: number, estBlockUncompressed: number, compressed: number[], uncompressed: number[]) {
    this.totalUncompressed = totalUncompressed;
    this.totalCompressed = totalCompressed;
    this.estBlockUncompressed = estBlockUncompressed;
    this.compressedOffsets = compressed;
    this.uncompressedOffsets = uncompressed;
  }

  get length(): number {
    return this.compressedOffsets.length;
  }

  /**
   * The last entry at or before uncompressed `offset` (negative: from the end, −1 = last byte),
   * as Go's Index.Find picks it; (0, 0) when the index has no entry that early.
   */
  find(offset: number): S2Seek {
    if (this.totalUncompressed < 0) throw new CompressError("Corrupt", "Cannot seek with an S2 index whose uncompressed size is unknown");
    if (offset < 0) offset += this.totalUncompressed;
    if (offset < 0 || offset > this.totalUncompressed) {
      throw new CompressError("InvalidArgument", `Cannot seek to ${offset}: the stream holds ${this.totalUncompressed} uncompressed bytes`);
    }
    const u = this.uncompressedOffsets;
    // Binary search for the first entry past `offset`.
    let lo = 0;
    let hi = u.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (u[mid] > offset) hi = mid;
      else lo = mid + 1;
    }
    if (lo === 0) {
      if (u.length <= LINEAR_FIND_MAX) return { compressedOffset: 0, uncompressedOffset: 0 };
      lo = 1;
    }
    return { compressedOffset: this.compressedOffsets[lo - 1], uncompressedOffset: u[lo - 1] };
  }

  /** The index chunk as S2 writes it (CloseIndex); `headers: false` gives MinIO's PartIdx form. */
  toBytes(options: { headers?: boolean } = {}): Uint8Array {
    const out = new ByteSink();
    out.bytes([CHUNK_INDEX, 0, 0, 0]);
    out.bytes(INDEX_HEADER);
    out.varint(this.totalUncompressed);
    out.varint(this.totalCompressed);
    out.varint(this.estBlockUncompressed);
    out.varint(this.length);
    const est = this.estBlockUncompressed;
    const u = this.uncompressedOffsets;
    const c = this.compressedOffsets;
    let hasUncompressed = 0;
    for (let i = 0; i < u.length; i++) {
      if (u[i] !== (i === 0 ? 0 : u[i - 1] + est)) {
        hasUncompressed = 1;
        break;
      }
    }
    out.bytes([hasUncompressed]);
    if (hasUncompressed) for (let i = 0; i < u.length; i++) out.varint(i === 0 ? u[0] : u[i] - (u[i - 1] + est));
    let predict = Math.trunc(est / 2);
    for (let i = 0; i < c.length; i++) {
      if (i === 0) {
        out.varint(c[0]);
        continue;
      }
      const delta = c[i] - (c[i - 1] + predict);
      out.varint(delta);
      predict += Math.trunc(delta / 2);
    }
    const sizeAt = out.length;
    out.bytes([0, 0, 0, 0]);
    out.bytes(INDEX_TRAILER);
    const b = out.result();
    putUint32LE(b, sizeAt, b.length);
    const chunkLen = b.length - 4;
    b[1] = chunkLen & 0xff;
    b[2] = (chunkLen >>> 8) & 0xff;
    b[3] = chunkLen >>> 16;
    return options.headers === false ? b.slice(4 + INDEX_HEADER.length, sizeAt) : b;
  }

  toJSON(): S2IndexJson {
    const offsets = this.compressedOffsets.map((c, i) => ({ compressed: c, uncompressed: this.uncompressedOffsets[i] }));
    return {
      total_uncompressed: this.totalUncompressed,
      total_compressed: this.totalCompressed,
      offsets: offsets.length ? offsets : null,
      est_block_uncompressed: this.estBlockUncompressed,
    };
  }
}

/** Collects chunk starts while a stream is written (or scanned), as S2's Writer does. */
export class S2IndexBuilder {
  #est: number;
  #c: number[] = [];
  #u: number[] = [];

  /** `estBlockUncompressed`: the writer's block size (0 to take the first data chunk's size). */
  constructor(estBlockUncompressed: number) {
    this.#est = estBlockUncompressed;
  }

  get estBlockUncompressed(): number {
    return this.#est;
  }

  set estBlockUncompressed(v: number) {
    this.#est = v;
  }

  /** Records that uncompressed offset `u` starts at compressed offset `c`; a repeated `u` moves its entry. */
  add(c: number, u: number): void {
    const last = this.#u.length - 1;
    if (last >= 0) {
      if (this.#u[last] === u) {
        this.#c[last] = c;
        return;
      }
      if (this.#u[last] > u || this.#c[last] > c) throw new CompressError("InvalidArgument", `Cannot add index entry (${c}, ${u}): entries must ascend`);
    }
    this.#c.push(c);
    this.#u.push(u);
  }

  /** The finished index, thinned as S2 does before serializing (≤ 2^16 entries, ≥ ~1 MiB apart). */
  finish(totalUncompressed: number, totalCompressed: number): S2Index {
    let est = this.#est;
    let c = this.#c;
    let u = this.#u;
    if (c.length >= S2_MAX_INDEX_ENTRIES || est < 1 << 20) {
      let removeN = Math.trunc((c.length + 1) / S2_MAX_INDEX_ENTRIES);
      while (est * (removeN + 1) < 1 << 20 && Math.trunc(c.length / (removeN + 1)) > 1000) removeN++;
      const step = removeN + 1;
      c = c.filter((_, i) => i % step === 0);
      u = u.filter((_, i) => i % step === 0);
      est += est * removeN;
    }
    return new S2Index(totalUncompressed, totalCompressed, est, c, u);
  }
}

/** Loads an index chunk (with headers); trailing bytes after it are refused. */
export function loadS2Index(b: Uint8Array): S2Index {
  if (b.length <= 4 + INDEX_HEADER.length + INDEX_TRAILER.length)
    throw new CompressError("Truncated", `Cannot load an S2 index of ${b.length} bytes: too short`);
  if (b[0] !== CHUNK_INDEX) throw new CompressError("Corrupt", `Cannot load an S2 index: chunk type 0x${b[0].toString(16)} is not 0x99`);
  const chunkLen = b[1] | (b[2] << 8) | (b[3] << 16);
  if (b.length - 4 < chunkLen) throw new CompressError("Truncated", `Cannot load an S2 index: the chunk announces ${chunkLen} bytes, ${b.length - 4} present`);
  if (b.length - 4 > chunkLen) throw new CompressError("Corrupt", `Cannot load an S2 index: ${b.length - 4 - chunkLen} bytes follow the index chunk`);
  for (let i = 0; i < INDEX_HEADER.length; i++) {
    if (b[4 + i] !== INDEX_HEADER[i]) throw new CompressError("Unsupported", 'Cannot load an S2 index: the chunk does not start with "s2idx"');
  }
  const r = new VarintReader(b, 4 + INDEX_HEADER.length);
  const index = readBody(r);
  if (b.length - r.pos < 4 + INDEX_TRAILER.length) throw new CompressError("Truncated", "Cannot load an S2 index: its size and trailer are cut off");
  const at = r.pos + 4;
  for (let i = 0; i < INDEX_TRAILER.length; i++) {
    if (b[at + i] !== INDEX_TRAILER[i]) throw new CompressError("Corrupt", "Cannot load an S2 index: the trailer is missing");
  }
  if (at + INDEX_TRAILER.length !== b.length) throw new CompressError("Corrupt", "Cannot load an S2 index: bytes follow its trailer");
  return index;
}

/** Loads the headerless form MinIO keeps in xl.meta's PartIdx (s2.RemoveIndexHeaders output). */
export function loadS2IndexHeaderless(b: Uint8Array): S2Index {
  if (b.length === 0) throw new CompressError("Truncated", "Cannot load an empty S2 index");
  return loadS2Index(restoreIndexHeaders(b));
}

/** s2.RemoveIndexHeaders: the body between "s2idx\0" and the size field; refuses malformed headers. */
export function removeIndexHeaders(b: Uint8Array): Uint8Array {
  const bad = () => new CompressError("Corrupt", "Cannot remove the headers of an S2 index: they are malformed");
  if (b.length <= HEADERS_SIZE || b[0] !== CHUNK_INDEX) throw bad();
  const chunkLen = b[1] | (b[2] << 8) | (b[3] << 16);
  if (b.length - 4 < chunkLen) throw bad();
  const body = b.subarray(4, 4 + chunkLen);
  for (let i = 0; i < INDEX_HEADER.length; i++) if (body[i] !== INDEX_HEADER[i]) throw bad();
  const tail = body.length - INDEX_TRAILER.length;
  for (let i = 0; i < INDEX_TRAILER.length; i++) if (body[tail + i] !== INDEX_TRAILER[i]) throw bad();
  if (tail - 4 < INDEX_HEADER.length) throw bad();
  return body.slice(INDEX_HEADER.length, tail - 4);
}

/** s2.RestoreIndexHeaders: wraps a headerless body back into a loadable index chunk. */
export function restoreIndexHeaders(body: Uint8Array): Uint8Array {
  const total = HEADERS_SIZE + body.length;
  const b = new Uint8Array(total);
  b[0] = CHUNK_INDEX;
  const chunkLen = total - 4;
  b[1] = chunkLen & 0xff;
  b[2] = (chunkLen >>> 8) & 0xff;
  b[3] = (chunkLen >>> 16) & 0xff;
  b.set(INDEX_HEADER, 4);
  b.set(body, 4 + INDEX_HEADER.length);
  putUint32LE(b, 4 + INDEX_HEADER.length + body.length, total);
  b.set(INDEX_TRAILER, total - INDEX_TRAILER.length);
  return b;
}

function readBody(r: VarintReader): S2Index {
  const totalU = r.varint("total uncompressed size");
  if (totalU < 0) throw r.corrupt("a negative uncompressed size");
  const totalC = r.varint("total compressed size");
  const est = r.varint("block size estimate");
  if (est < 0) throw r.corrupt("a negative block size estimate");
  const entries = r.varint("entry count");
  if (entries < 0 || entries > S2_MAX_INDEX_ENTRIES) throw r.corrupt(`${entries} entries`);
  const flag = r.byte();
  if (flag > 1) throw r.corrupt(`flag byte ${flag}`);
  const u = new Array<number>(entries);
  for (let i = 0; i < entries; i++) {
    let off = flag ? r.varint("uncompressed offset") : 0;
    if (i > 0) {
      off += u[i - 1] + est;
      if (off <= u[i - 1]) throw r.corrupt("uncompressed offsets that do not ascend");
    }
    if (off < 0) throw r.corrupt("a negative uncompressed offset");
    u[i] = off;
  }
  const c = new Array<number>(entries);
  let predict = Math.trunc(est / 2);
  for (let i = 0; i < entries; i++) {
    let off = r.varint("compressed offset");
    if (i > 0) {
      const next = predict + Math.trunc(off / 2);
      off += c[i - 1] + predict;
      if (off <= c[i - 1]) throw r.corrupt("compressed offsets that do not ascend");
      predict = next;
    }
    if (off < 0) throw r.corrupt("a negative compressed offset");
    c[i] = off;
  }
  return new S2Index(totalU, totalC, est, c, u);
}

/** Zigzag varints (Go's binary.Varint) over a byte array, exact up to 2^53. */
class VarintReader {
  pos: number;
  readonly #b: Uint8Array;

  constructor(b: Uint8Array, pos: number) {
    this.#b = b;
    this.pos = pos;
  }

  corrupt(what: string): CompressError {
    return new CompressError("Corrupt", `Cannot load an S2 index: it holds ${what}`);
  }

  byte(): number {
    if (this.pos >= this.#b.length) throw new CompressError("Truncated", "Cannot load an S2 index: it ends early");
    return this.#b[this.pos++];
  }

  varint(what: string): number {
    let ux = 0;
    let scale = 1;
    for (let i = 0; ; i++) {
      if (this.pos >= this.#b.length) throw new CompressError("Corrupt", `Cannot load an S2 index: the ${what} is cut off`);
      const byte = this.#b[this.pos++];
      ux += (byte & 0x7f) * scale;
      if (byte < 0x80) break;
      scale *= 128;
      if (i >= 8) throw this.corrupt(`an oversized ${what}`);
    }
    if (ux > Number.MAX_SAFE_INTEGER) throw this.corrupt(`an oversized ${what}`);
    // Zigzag: even → n/2, odd → −(n+1)/2.
    return ux % 2 === 0 ? ux / 2 : -(ux + 1) / 2;
  }
}

/** A growable byte buffer writing zigzag varints. */
class ByteSink {
  #buf = new Uint8Array(256);
  length = 0;

  #ensure(n: number): void {
    if (this.length + n <= this.#buf.length) return;
    const next = new Uint8Array(Math.max(this.#buf.length * 2, this.length + n));
    next.set(this.#buf.subarray(0, this.length));
    this.#buf = next;
  }

  bytes(b: ArrayLike<number>): void {
    this.#ensure(b.length);
    for (let i = 0; i < b.length; i++) this.#buf[this.length++] = b[i];
  }

  varint(v: number): void {
    this.#ensure(10);
    let ux = v >= 0 ? v * 2 : -v * 2 - 1;
    while (ux >= 0x80) {
      this.#buf[this.length++] = (ux % 128) | 0x80;
      ux = Math.floor(ux / 128);
    }
    this.#buf[this.length++] = ux;
  }

  result(): Uint8Array {
    return this.#buf.slice(0, this.length);
  }
}
