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

/** Streams [offset, offset+length) of `fh`, which it owns from now on, in chunks of `chunk` bytes (the last shorter). */
export function fileRangeStream(fh: fsp.FileHandle, offset: number, length: number, shortMessage: () => string, chunk = STREAM_CHUNK): ReadableStream<Uint8Array> {
  let pos = offset;
  const end = offset + length;
  const size = Number.isSafeInteger(chunk) && chunk > 0 ? Math.min(chunk, MAX_STREAM_CHUNK) : STREAM_CHUNK;
  return new ReadableStream<Uint8Array>({
    pull: async (controller) => {
      if (pos >= end) {
        await fh.close();
        return controller.close();
      }
      // Not zero-filled (that costs the JS thread as much as the read itself); only bytes the
      // read filled are handed on, and the buffer is the chunk's own (transferable).
      const buf = new Uint8Array(Buffer.allocUnsafeSlow(Math.min(size, end - pos)).buffer);
      let bytesRead: number;
      try {
        ({ bytesRead } = await fh.read(buf, 0, buf.length, pos));
      } catch (err) {
        await fh.close().catch(() => {});
        return controller.error(new DriveError("Faulty", `${shortMessage()}: read failed`, { cause: err }));
      }
      if (bytesRead === 0) {
        await fh.close();
        return controller.error(new DriveError("Corrupt", shortMessage()));
      }
      pos += bytesRead;
      controller.enqueue(bytesRead === buf.length ? buf : buf.subarray(0, bytesRead));
    },
    cancel: async () => {
      await fh.close().catch(() => {});
    },
  });
}
