// The file of a POST Object on its way to the object layer: content-length-range (and S3's
// 5 GB POST limit) enforced while it streams, a small file measured first so it is stored as a
// PUT of that size would be (inline), and the Content-MD5 / x-amz-checksum-* fields verified
// before anything is committed.
import type { BodyCheck } from "../object/index.ts";
import {
  CHECKSUM_ALGORITHMS,
  createChecksummer,
  decodeChecksum,
  encodeMinioChecksums,
  parseChecksumAlgorithm,
  toBase64,
  type ChecksumAlgorithm,
  type Checksummer,
} from "../util/index.ts";
import { S3Error } from "./errors.ts";
import { contentMd5, headerChecksum } from "./request-body.ts";

/** S3's limit on one POST upload. */
export const MAX_POST_OBJECT_SIZE = 5 * 1024 ** 3;
/** Read before the upload starts: a file that ends within it has a known size (one block). */
const MEASURE_BYTES = 1024 * 1024;

export interface PostBody {
  stream: ReadableStream<Uint8Array>;
  /** Exact size when the file ended within the first block, else -1. */
  size: number;
  check: BodyCheck;
  /** The checksum computed (after the body ended), for the response header. */
  checksum(): { algorithm: ChecksumAlgorithm; value: string } | undefined;
}

interface ChecksumField {
  algorithm: ChecksumAlgorithm;
  /** The raw value sent; undefined when only x-amz-checksum-algorithm asked for one. */
  expected?: Uint8Array;
}

/** The x-amz-checksum-<algo> field (at most one), or the algorithm alone. */
function checksumField(fields: ReadonlyMap<string, string>): ChecksumField | undefined {
  const sent = headerChecksum(fields);
  const named = fields.get("x-amz-checksum-algorithm");
  const algorithm = named === undefined ? undefined : parseChecksumAlgorithm(named);
  if (named !== undefined && (!algorithm || (sent && sent.algorithm !== algorithm))) {
    throw new S3Error("InvalidRequest", `Checksum algorithm "${named}" does not match the checksum sent, or is not one of ${CHECKSUM_ALGORITHMS.join(", ")}.`);
  }
  if (!sent) return algorithm && { algorithm };
  const expected = decodeChecksum(sent.algorithm, sent.value);
  if (!expected) throw new S3Error("InvalidRequest", `Value for x-amz-checksum-${sent.algorithm.toLowerCase()} is invalid.`);
  return { algorithm: sent.algorithm, expected };
}

/** Counts, bounds and checksums the file's bytes; a size outside the range fails the stream. */
function measured(file: ReadableStream<Uint8Array>, min: number, max: number, checksummer: Checksummer | undefined): ReadableStream<Uint8Array> {
  let size = 0;
  return file.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, c) {
        size += chunk.length;
        if (size > max) throw new S3Error("EntityTooLarge", undefined, { fields: { ProposedSize: size, MaxSizeAllowed: max } });
        checksummer?.update(chunk);
        c.enqueue(chunk);
      },
      flush() {
        if (size < min) throw new S3Error("EntityTooSmall", undefined, { fields: { ProposedSize: size, MinSizeAllowed: min } });
      },
    }),
  );
}

/** Reads up to one block ahead: the whole file when it is small, else a stream that replays it. */
async function measureAhead(body: ReadableStream<Uint8Array>): Promise<{ stream: ReadableStream<Uint8Array>; size: number }> {
  const reader = body.getReader();
  const head: Uint8Array[] = [];
  let total = 0;
  try {
    while (total <= MEASURE_BYTES) {
      const { done, value } = await reader.read();
      if (done) {
        return { stream: new ReadableStream({ start: (c) => (head.forEach((h) => c.enqueue(h)), c.close()) }), size: total };
      }
      head.push(value);
      total += value.length;
    }
  } catch (err) {
    reader.releaseLock();
    throw err;
  }
  const stream = new ReadableStream<Uint8Array>(
    {
      async pull(c) {
        const next = head.shift();
        if (next) return c.enqueue(next);
        const { done, value } = await reader.read();
        if (done) c.close();
        else c.enqueue(value);
      },
      cancel: (reason) => reader.cancel(reason),
    },
    { highWaterMark: 0 },
  );
  return { stream, size: -1 };
}

/**
 * Prepares the file stream for ObjectLayer.putObject. Throws (before anything is written) when
 * a small file is already known to be outside the range or the fields are invalid.
 */
export async function preparePostBody(
  file: ReadableStream<Uint8Array>,
  fields: ReadonlyMap<string, string>,
  range?: { min: number; max: number },
): Promise<PostBody> {
  const sum = checksumField(fields);
  const md5 = contentMd5(fields);
  const checksummer = sum ? createChecksummer(sum.algorithm) : undefined;
  const max = Math.min(range?.max ?? MAX_POST_OBJECT_SIZE, MAX_POST_OBJECT_SIZE);
  const { stream, size } = await measureAhead(measured(file, range?.min ?? 0, max, checksummer));
  let computed: { algorithm: ChecksumAlgorithm; value: string } | undefined;
  const check: BodyCheck = ({ md5: got }) => {
    if (md5 && !Buffer.from(md5).equals(Buffer.from(got))) throw new S3Error("BadDigest");
    if (!sum || !checksummer) return {};
    const raw = checksummer.digest();
    if (sum.expected && !Buffer.from(raw).equals(Buffer.from(sum.expected))) {
      throw new S3Error("BadDigest", `The ${sum.algorithm} you specified did not match the calculated checksum.`);
    }
    computed = { algorithm: sum.algorithm, value: toBase64(raw) };
    return { sysMeta: { "x-minio-internal-crc": encodeMinioChecksums([{ algorithm: sum.algorithm, raw }]) } };
  };
  return { stream, size, check, checksum: () => computed };
}
