// Builds the seek index of an existing S2 stream by walking its chunk headers (s2.IndexStream):
// block contents are not decoded or checked, only the framing and each block's length.
import { CompressError } from "./compress-error.ts";
import { s2DecodedLength } from "./s2-block-decode.ts";
import {
  CHECKSUM_SIZE,
  CHUNK_COMPRESSED,
  CHUNK_HEADER_SIZE,
  CHUNK_STREAM_ID,
  CHUNK_UNCOMPRESSED,
  FIRST_SKIPPABLE_CHUNK,
  S2_MAX_BLOCK_SIZE,
} from "./s2-frame.ts";
import { type S2Index, S2IndexBuilder } from "./s2-index.ts";

/** The index of a whole S2 stream in memory; the block size estimate is the first data chunk's size. */
export function indexS2Stream(stream: Uint8Array): S2Index {
  const builder = new S2IndexBuilder(0);
  let p = 0;
  let uncompressed = 0;
  while (p < stream.length) {
    if (stream.length - p < CHUNK_HEADER_SIZE) throw new CompressError("Truncated", `Cannot index the S2 stream: it ends inside a chunk header at byte ${p}`);
    const type = stream[p];
    const len = stream[p + 1] | (stream[p + 2] << 8) | (stream[p + 3] << 16);
    if (p === 0 && type !== CHUNK_STREAM_ID) throw new CompressError("Corrupt", "Cannot index the S2 stream: it does not start with the stream identifier");
    const body = p + CHUNK_HEADER_SIZE;
    if (stream.length - body < len) throw new CompressError("Truncated", `Cannot index the S2 stream: the chunk at byte ${p} is cut off`);
    if (type === CHUNK_COMPRESSED || type === CHUNK_UNCOMPRESSED) {
      if (len < CHECKSUM_SIZE) throw new CompressError("Corrupt", `Cannot index the S2 stream: the chunk at byte ${p} is shorter than its checksum`);
      const n = type === CHUNK_COMPRESSED ? s2DecodedLength(stream, body + CHECKSUM_SIZE, body + len).length : len - CHECKSUM_SIZE;
      if (n > S2_MAX_BLOCK_SIZE) throw new CompressError("Corrupt", `Cannot index the S2 stream: the block at byte ${p} holds ${n} bytes`);
      if (builder.estBlockUncompressed === 0) builder.estBlockUncompressed = n;
      builder.add(p, uncompressed);
      uncompressed += n;
    } else if (type === CHUNK_STREAM_ID) {
      if (len !== 6) throw new CompressError("Corrupt", `Cannot index the S2 stream: the stream identifier at byte ${p} is ${len} bytes`);
    } else if (type < FIRST_SKIPPABLE_CHUNK) {
      throw new CompressError("Unsupported", `Cannot index the S2 stream: reserved chunk type 0x${type.toString(16)} at byte ${p}`);
    }
    p = body + len;
  }
  return builder.finish(uncompressed, stream.length);
}
