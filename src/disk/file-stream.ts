// A byte range of an open file as a ReadableStream: read on demand in chunks of at most
// STREAM_CHUNK bytes, the handle closed at the end, on error and on cancel.
import type { promises as fsp } from "node:fs";
import { DriveError } from "./drive-error.ts";

/** Largest single read we hand to the OS when streaming a file. */
export const STREAM_CHUNK = 1 << 20;

/** Streams [offset, offset+length) of `fh`, which it owns from now on. */
export function fileRangeStream(fh: fsp.FileHandle, offset: number, length: number, shortMessage: () => string): ReadableStream<Uint8Array> {
  let pos = offset;
  const end = offset + length;
  return new ReadableStream<Uint8Array>({
    pull: async (controller) => {
      if (pos >= end) {
        await fh.close();
        return controller.close();
      }
      const buf = new Uint8Array(Math.min(STREAM_CHUNK, end - pos));
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
