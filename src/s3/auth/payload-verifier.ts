// Verifies a request body while it streams, per the payload mode authentication decided:
// whole-body SHA-256, aws-chunked decoding (signed or unsigned, with trailers), and an
// x-amz-checksum-* value from a header or a trailer. Failures surface as the stream's error,
// raised before the stream reports its end, so a consumer that commits only after a clean end
// never stores an unverified body.
import {
  algorithmOfChecksumHeader,
  createChecksummer,
  decodeChecksum,
  pullThrough,
  toBase64,
  type PullTransform,
  type ChecksumAlgorithm,
  type Checksummer,
} from "../../util/index.ts";
import { S3Error } from "../errors.ts";
import type { AuthResult } from "./auth-result.ts";
import { AwsChunkedDecoder } from "./chunked-decoder.ts";
import { sha256Hex } from "./signing-keys.ts";

export interface PayloadVerifierOptions {
  /** An x-amz-checksum-* request header to verify against the (decoded) body. */
  expectedChecksum?: { algorithm: ChecksumAlgorithm; value: string };
}

/** What the verifier established, available once the stream ended cleanly. */
export interface PayloadSummary {
  /** Decoded body bytes. */
  bytes: number;
  /** Trailing headers of an aws-chunked body (lower-case names), without the trailer signature. */
  trailers: ReadonlyMap<string, string>;
  /** The x-amz-checksum-* value verified; `trailing` when it came in an aws-chunked trailer. */
  checksum?: { algorithm: ChecksumAlgorithm; value: string; raw: Uint8Array; trailing: boolean };
}

export interface VerifiedPayload {
  /** The decoded body; its last read rejects with S3Error instead of ending if a check fails. */
  readonly stream: ReadableStream<Uint8Array>;
  /** The summary; throws if the stream has not ended cleanly yet. */
  summary(): PayloadSummary;
}

function invalidChecksum(algorithm: ChecksumAlgorithm): S3Error {
  return new S3Error("InvalidRequest", `Value for x-amz-checksum-${algorithm.toLowerCase()} header is invalid.`);
}

/** The checksum to compute: the header's, or the one x-amz-trailer announces. */
function checksumTarget(auth: AuthResult, opts: PayloadVerifierOptions): { algorithm: ChecksumAlgorithm; fromTrailer: string | undefined } | undefined {
  if (opts.expectedChecksum) return { algorithm: opts.expectedChecksum.algorithm, fromTrailer: undefined };
  if (auth.payload.mode !== "streaming-signed" && auth.payload.mode !== "streaming-unsigned") return undefined;
  const announced = auth.trailerNames.filter((n) => algorithmOfChecksumHeader(n) !== undefined);
  if (announced.length > 1) throw new S3Error("InvalidRequest", "Only one x-amz-checksum trailer may be sent.");
  const name = announced[0];
  return name === undefined ? undefined : { algorithm: algorithmOfChecksumHeader(name)!, fromTrailer: name };
}

/**
 * Wraps a request body. `auth` comes from authenticate(); pass the header checksum (if any) in
 * `opts`. Unsigned bodies without a checksum pass through, only counted.
 */
export function createPayloadVerifier(auth: AuthResult, body: ReadableStream<Uint8Array> | null, opts: PayloadVerifierOptions = {}): VerifiedPayload {
  const source = body ?? new ReadableStream<Uint8Array>({ start: (c) => c.close() });
  const payload = auth.payload;
  const target = checksumTarget(auth, opts);
  if (opts.expectedChecksum && !decodeChecksum(opts.expectedChecksum.algorithm, opts.expectedChecksum.value)) {
    throw invalidChecksum(opts.expectedChecksum.algorithm);
  }
  let summary: PayloadSummary | undefined;
  let bytes = 0;
  const summaryOf = () => {
    if (!summary) throw new Error("The payload has not been fully read and verified yet");
    return summary;
  };
  if (payload.mode === "unsigned" && !target) {
    return {
      stream: pullThrough(
        source,
        countingTransform((b) => (summary = { bytes: b, trailers: new Map() })),
      ),
      summary: summaryOf,
    };
  }

  const checksummer: Checksummer | undefined = target ? createChecksummer(target.algorithm) : undefined;
  const expectedSha = payload.mode === "sha256" ? payload.expected : payload.mode === "streaming-unsigned" ? payload.wireSha256 : undefined;
  const sha = expectedSha === undefined ? undefined : new Bun.CryptoHasher("sha256");
  const decoder = chunkedDecoder(auth);
  // Pulled, not piped: the body is read only as the consumer reads (see util/pull-through.ts).
  const transform: PullTransform = {
    transform(chunk, out) {
      const emit = (data: Uint8Array) => {
        checksummer?.update(data);
        bytes += data.byteLength;
        out(data);
      };
      sha?.update(chunk);
      if (decoder) decoder.push(chunk, emit);
      else emit(chunk);
    },
    flush() {
      decoder?.finish();
      if (sha && sha.digest("hex") !== expectedSha) {
        throw new S3Error("XAmzContentSHA256Mismatch");
      }
      const trailers = new Map(decoder?.trailers ?? []);
      trailers.delete("x-amz-trailer-signature");
      summary = { bytes, trailers, checksum: finishChecksum(checksummer, target?.fromTrailer, trailers, opts) };
    },
  };
  return { stream: pullThrough(source, transform), summary: summaryOf };
}

/** Counts bytes on their way through; reports the total at the end. */
function countingTransform(done: (bytes: number) => void): PullTransform {
  let bytes = 0;
  return {
    transform(chunk, emit) {
      bytes += chunk.byteLength;
      emit(chunk);
    },
    flush() {
      done(bytes);
    },
  };
}

/** The aws-chunked decoder for streaming modes; undefined for whole-body modes. */
function chunkedDecoder(auth: AuthResult): AwsChunkedDecoder | undefined {
  const payload = auth.payload;
  if (payload.mode !== "streaming-signed" && payload.mode !== "streaming-unsigned") return undefined;
  return new AwsChunkedDecoder({
    signing: payload.mode === "streaming-signed" ? payload : undefined,
    trailer: payload.trailer,
    decodedLength: auth.decodedContentLength ?? 0,
  });
}

/** Compares the computed checksum with the header or trailer value. */
function finishChecksum(
  checksummer: Checksummer | undefined,
  trailerName: string | undefined,
  trailers: ReadonlyMap<string, string>,
  opts: PayloadVerifierOptions,
): PayloadSummary["checksum"] {
  if (!checksummer) return undefined;
  const algorithm = checksummer.algorithm;
  let value = opts.expectedChecksum?.value;
  if (trailerName !== undefined) {
    value = trailers.get(trailerName);
    if (value === undefined) throw new S3Error("InvalidRequest", `The trailing header ${trailerName} announced in x-amz-trailer is missing.`);
    if (!decodeChecksum(algorithm, value)) throw invalidChecksum(algorithm);
  }
  const raw = checksummer.digest();
  if (toBase64(raw) !== value) {
    // AWS's answer to a wrong value (MinIO's is XAmzContentChecksumMismatch); SDKs key on BadDigest.
    throw new S3Error("BadDigest", `The ${algorithm} you specified did not match the calculated checksum.`);
  }
  return { algorithm, value, raw, trailing: trailerName !== undefined };
}

/** SHA-256 hex of a small in-memory body (e.g. an XML request already read). */
export function verifyBufferedSha256(auth: AuthResult, body: Uint8Array): void {
  if (auth.payload.mode === "sha256" && sha256Hex(body) !== auth.payload.expected) {
    throw new S3Error("XAmzContentSHA256Mismatch");
  }
}
