// Files to and from streams: a byte stream written into a new file (exact length, flushed as
// the policy says, nothing left behind on failure), and a byte range of an open file as a
// ReadableStream read on demand, the handle closed at the end, on error and on cancel.
import { promises as fsp } from "node:fs";
import { DriveError } from "./drive-error.ts";

/** With fsync on, a file being written starts flushing every this many bytes. */
const EARLY_FLUSH_BYTES = 4 << 20;

/**
 * Writes `body` to a new file `file` (absolute). Each chunk is written before the next is read
 * (the Drive contract). A wrong length or a failure removes the file.
 */
export async function writeStreamToFile(file: string, size: number, body: ReadableStream<Uint8Array>, fsync: boolean, what: string): Promise<void> {
  const fh = await fsp.open(file, "w", 0o666);
  let flushing: Promise<void> | undefined;
  try {
    let written = 0;
    let flushedAt = 0;
    for await (const chunk of body) {
      if (size >= 0 && written + chunk.length > size) throw new DriveError("Corrupt", `${what}: more than the declared ${size} bytes`);
      let off = 0;
      while (off < chunk.length) off += (await fh.write(chunk, off, chunk.length - off)).bytesWritten;
      written += chunk.length;
      // Start flushing early, in the background, so the disk works while the next blocks are
      // encoded; the final fdatasync then has little left to do (one flush at a time).
      if (fsync && !flushing && written - flushedAt >= EARLY_FLUSH_BYTES) {
        flushedAt = written;
        flushing = fh.datasync().finally(() => (flushing = undefined));
      }
    }
    if (size >= 0 && written !== size) throw new DriveError("Corrupt", `${what}: got ${written} of ${size} bytes`);
    await flushing;
    if (fsync) await fh.datasync();
    await fh.close();
  } catch (err) {
    await flushing?.catch(() => {});
    await fh.close().catch(() => {});
    await fsp.rm(file, { force: true }).catch(() => {});
    throw err;
  }
}

/** Single read we hand to the OS when streaming a file, unless the caller asks for another size. */
export const STREAM_CHUNK = 1 << 20;
/** Largest chunk a caller may ask for (bounds the memory one stream holds). */
const MAX_STREAM_CHUNK = 16 << 20;

/** Reads a stream keeps in flight: a reader that takes chunks one at a time still has the next ones coming. */
const READ_AHEAD = 3;

/** Exactly `n` bytes at `at` into a buffer of their own; Corrupt when the file ends first. */
async function readChunk(fh: fsp.FileHandle, at: number, n: number, shortMessage: () => string): Promise<Uint8Array> {
  // Not zero-filled (that costs the JS thread as much as the read itself); every byte handed on
  // was read, and the buffer is the chunk's own (transferable).
  const buf = new Uint8Array(Buffer.allocUnsafeSlow(n).buffer);
  for (let got = 0; got < n; ) {
    let bytesRead: number;
    try {
      ({ bytesRead } = await fh.read(buf, got, n - got, at + got));
    } catch (err) {
      throw new DriveError("Faulty", `${shortMessage()}: read failed`, { cause: err });
    }
    if (bytesRead === 0) throw new DriveError("Corrupt", shortMessage());
    got += bytesRead;
  }
  return buf;
}

/**
 * Streams [offset, offset+length) of `fh`, which it owns from now on, in chunks of `chunk` bytes
 * (the last shorter), with up to READ_AHEAD positioned reads in flight. The handle is closed at
 * the end, on error and on cancel, once no read is in flight.
 */
export function fileRangeStream(
  fh: fsp.FileHandle,
  offset: number,
  length: number,
  shortMessage: () => string,
  chunk = STREAM_CHUNK,
): ReadableStream<Uint8Array> {
  const end = offset + length;
  const size = Number.isSafeInteger(chunk) && chunk > 0 ? Math.min(chunk, MAX_STREAM_CHUNK) : STREAM_CHUNK;
  let next = offset;
  const inflight: Promise<Uint8Array>[] = [];
  let closing: Promise<void> | undefined;
  const close = () => (closing ??= Promise.allSettled(inflight).then(() => fh.close().catch(() => {})));
  return new ReadableStream<Uint8Array>(
    {
      pull: async (controller) => {
        while (!closing && inflight.length < READ_AHEAD && next < end) {
          const n = Math.min(size, end - next);
          const read = readChunk(fh, next, n, shortMessage);
          read.catch(() => {}); // awaited in order below
          inflight.push(read);
          next += n;
        }
        if (inflight.length === 0) {
          await close();
          return controller.close();
        }
        let buf: Uint8Array;
        try {
          buf = await inflight.shift()!;
        } catch (err) {
          await close();
          return controller.error(err);
        }
        controller.enqueue(buf);
      },
      cancel: () => close(),
    },
    // the reads in flight are the read-ahead; nothing more is queued
    { highWaterMark: 0 },
  );
}
