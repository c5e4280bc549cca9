// Which stored bytes a plaintext range of a transformed version needs, and how they become the
// plaintext again. A version is read as segments, one per part it touches (a single-part object
// is one part): each consumes a run of stored bytes, DARE-decrypts it (encrypted versions, under
// the object key or the part key), S2-decompresses it (compressed versions, from the seek index's
// chunk when the part has a usable index), drops what comes before the range and keeps `take`
// bytes. Segments lie back to back in the stored bytes; the read stops once the range is served.
import { CompressError, S2Reader, loadPartIndex } from "../../compress/index.ts";
import {
  CryptoError,
  type DareRange,
  DareDecryptor,
  dareDecryptedSize,
  dareEncryptedSize,
  dareMultipartRange,
  dareRange,
  partKey,
} from "../../crypto/index.ts";
import type { ObjectInfo } from "../../object/index.ts";
import { S3Error } from "../errors.ts";

export interface Segment {
  what: string;
  /** Where its stored bytes start (over all parts) and how many there are. */
  storedStart: number;
  storedLength: number;
  /** Encrypted: the DARE packages of the run and the key that opens them. */
  dare?: { key: Uint8Array; range: DareRange };
  /** Compressed: bytes to drop after the decode start, and what the decode must add up to when the part is read to its end. */
  s2?: { skip: number; fromChunk: boolean; expected: number };
  /** Plaintext bytes to deliver. */
  take: number;
}

/** The segments of plaintext [start, start + length) of a version; `objectKey` when it is encrypted, `multipart` when each part has its own DARE stream. */
export function planSegments(info: ObjectInfo, start: number, length: number, objectKey: Uint8Array | undefined, multipart: boolean): Segment[] {
  const path = `"${info.bucket}/${info.key}"`;
  if (length === 0) return [];
  if (info.compression === undefined) return encryptedSegments(info, start, length, objectKey!, multipart, path);
  const parts = info.parts.length > 0 ? info.parts : [{ number: 1, size: info.size, storedSize: info.storedSize }];
  const out: Segment[] = [];
  let plainStart = 0;
  let storedStart = 0;
  for (const part of parts) {
    const lo = Math.max(start, plainStart);
    const hi = Math.min(start + length, plainStart + part.size);
    if (hi > lo) out.push(compressedSegment(info, part, lo - plainStart, hi - lo, storedStart, objectKey, multipart, path));
    plainStart += part.size;
    storedStart += part.storedSize;
    if (plainStart >= start + length) break;
  }
  return out;
}

function tampered(path: string, why: string): S3Error {
  return new S3Error("XMinioObjectTampered", `The stored size of ${path} does not match its encryption: ${why}.`);
}

function encryptedSegments(info: ObjectInfo, start: number, length: number, objectKey: Uint8Array, multipart: boolean, path: string): Segment[] {
  if (multipart) {
    for (const p of info.parts) if (p.storedSize !== dareEncryptedSize(p.size)) throw tampered(path, `part ${p.number}`);
    return dareMultipartRange(info.parts, start, length).map((r) => ({
      what: `part ${r.partNumber} of ${path}`,
      storedStart: r.cipherOffset,
      storedLength: r.cipherLength,
      dare: { key: partKey(objectKey, r.partNumber), range: r },
      take: r.length,
    }));
  }
  if (info.storedSize !== dareEncryptedSize(info.size)) throw tampered(path, `${info.storedSize} bytes hold no ${info.size}-byte DARE stream`);
  const r = dareRange(info.size, start, length);
  return [{ what: path, storedStart: r.cipherOffset, storedLength: r.cipherLength, dare: { key: objectKey, range: r }, take: length }];
}

function compressedSegment(
  info: ObjectInfo,
  part: { number: number; size: number; storedSize: number; index?: Uint8Array },
  offset: number,
  length: number,
  partStoredStart: number,
  objectKey: Uint8Array | undefined,
  multipart: boolean,
  path: string,
): Segment {
  const what = info.parts.length > 1 ? `part ${part.number} of ${path}` : path;
  // The seek index of an unencrypted part says which chunk holds `offset`; MinIO encrypts an
  // encrypted part's index, so such parts (and parts without a usable index) decode from their start.
  let seek = { compressedOffset: 0, uncompressedOffset: 0 };
  if (part.index && part.index.length > 0 && !objectKey) {
    try {
      seek = loadPartIndex(part.index, { actualSize: part.size, compressedSize: part.storedSize }).find(offset);
    } catch (err) {
      if (!(err instanceof CompressError)) throw err;
    }
  }
  const s2 = { skip: offset - seek.uncompressedOffset, fromChunk: seek.compressedOffset > 0, expected: part.size - seek.uncompressedOffset };
  if (!objectKey) {
    return { what, storedStart: partStoredStart + seek.compressedOffset, storedLength: part.storedSize - seek.compressedOffset, s2, take: length };
  }
  let s2Size: number;
  try {
    s2Size = dareDecryptedSize(part.storedSize);
  } catch {
    throw tampered(path, `${part.storedSize} bytes hold no DARE stream`);
  }
  const r = dareRange(s2Size, 0, s2Size);
  const key = multipart ? partKey(objectKey, part.number) : objectKey;
  return { what, storedStart: partStoredStart, storedLength: r.cipherLength, dare: { key, range: r }, s2, take: length };
}

/** The inclusive stored range the segments read, null when there are none. */
export function storedRangeOf(segments: readonly Segment[]): { start: number; end: number } | null {
  const first = segments[0];
  const last = segments.at(-1);
  return first && last ? { start: first.storedStart, end: last.storedStart + last.storedLength - 1 } : null;
}

/** One segment's pipeline: stored bytes in, plaintext of its range out. */
class SegmentReader {
  readonly #s: Segment;
  readonly #dare?: DareDecryptor;
  readonly #s2?: S2Reader;
  #left: number;
  #want: number;

  constructor(s: Segment) {
    this.#s = s;
    this.#left = s.storedLength;
    this.#want = s.take;
    const r = s.dare?.range;
    if (s.dare && r) {
      // A compressed segment decrypts whole packages (the S2 reader skips); an uncompressed one trims here.
      const trim = s.s2 ? {} : { skip: r.skip, length: r.length };
      this.#dare = new DareDecryptor(s.dare.key, { sequence: r.firstPackage, endsStream: r.endsStream, what: s.what, ...trim });
    }
    if (s.s2) this.#s2 = new S2Reader({ skip: s.s2.skip, ignoreStreamIdentifier: s.s2.fromChunk });
  }

  /** Stored bytes it still takes. */
  get left(): number {
    return this.#left;
  }

  /** Plaintext bytes it still owes. */
  get want(): number {
    return this.#want;
  }

  /** Feeds up to `left` stored bytes; pushes plaintext (never more than `want`). */
  push(chunk: Uint8Array, out: Uint8Array[]): void {
    this.#left -= chunk.length;
    const plain = this.#dare ? this.#dare.push(chunk) : [chunk];
    for (const p of plain) {
      if (!this.#s2) {
        this.#deliver(p, out);
        continue;
      }
      for (const d of this.#s2.decode(p)) {
        if (this.#want > 0) this.#deliver(d, out);
      }
    }
  }

  #deliver(p: Uint8Array, out: Uint8Array[]): void {
    if (this.#want <= 0 || p.length === 0) return;
    const keep = p.length > this.#want ? p.subarray(0, this.#want) : p;
    this.#want -= keep.length;
    out.push(keep);
  }

  /** Its stored bytes are all in: the streams must end where they should and add up. */
  end(): void {
    this.#dare?.end();
    if (this.#s2) {
      this.#s2.end();
      const expected = this.#s.s2!.expected;
      if (this.#s2.position !== expected) {
        throw new CompressError("Corrupt", `Cannot decompress ${this.#s.what}: it decodes to ${this.#s2.position} bytes from its start chunk, not ${expected}`);
      }
    }
    if (this.#want > 0) throw new CryptoError("Tampered", `Cannot read ${this.#s.what}: the stored bytes ended ${this.#want} bytes short of the range`);
  }
}

/**
 * The plaintext of `stored` (the segments' stored bytes, back to back), pulled as the reader
 * asks. Once the last byte of the range is out the stored stream is cancelled: a small range at
 * the start of a part without an index does not read the whole part.
 */
export function readSegments(stored: ReadableStream<Uint8Array>, segments: readonly Segment[]): ReadableStream<Uint8Array> {
  const reader = stored.getReader();
  let i = 0;
  let current = segments[0] ? new SegmentReader(segments[0]) : undefined;
  const finish = async (ctl: ReadableStreamDefaultController<Uint8Array>) => {
    ctl.close();
    await reader.cancel().catch(() => {});
  };
  return new ReadableStream<Uint8Array>(
    {
      async pull(ctl) {
        try {
          for (;;) {
            if (!current) return await finish(ctl);
            const { value, done } = await reader.read();
            if (done) {
              current.end();
              throw new CryptoError("Tampered", `Cannot read ${segments[i].what}: the stored bytes ended early`);
            }
            const out: Uint8Array[] = [];
            let rest = value;
            while (rest.length > 0 && current) {
              const take = Math.min(current.left, rest.length);
              current.push(rest.subarray(0, take), out);
              rest = rest.subarray(take);
              if (current.left === 0) {
                current.end();
                i++;
                current = segments[i] ? new SegmentReader(segments[i]) : undefined;
              } else if (current.want === 0 && i === segments.length - 1) {
                // The range is served: what is left of the last part is not needed.
                current = undefined;
              }
            }
            for (const p of out) ctl.enqueue(p);
            if (!current) return await finish(ctl);
            if (out.length > 0) return;
          }
        } catch (err) {
          void reader.cancel(err).catch(() => {});
          throw err;
        }
      },
      cancel: (reason) => reader.cancel(reason),
    },
    { highWaterMark: 0 },
  );
}
