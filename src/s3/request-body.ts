// Request bodies: the declared size (Content-Length or x-amz-decoded-content-length), the
// payload verifier (SHA-256, aws-chunked signatures, checksums), Content-MD5, and the check the
// object layer runs before committing. Small XML bodies are read whole, with a size cap.
import type { BodyCheck } from "../object/index.ts";
import { CHECKSUM_ALGORITHMS, checksumHeaderName, encodeMinioChecksums, type ChecksumAlgorithm } from "../util/index.ts";
import { createPayloadVerifier, verifyBufferedSha256, type VerifiedPayload } from "./auth/payload-verifier.ts";
import type { S3Context } from "./context.ts";
import { S3Error } from "./errors.ts";
import { parseXml } from "./xml.ts";

/** Largest single PUT (S3: 5 TiB) and part (S3: 5 GiB). */
export const MAX_OBJECT_SIZE = 5 * 1024 ** 4;
export const MAX_PART_SIZE = 5 * 1024 ** 3;
/** Request XML documents (CompleteMultipartUpload with 10,000 parts is ~1 MiB). */
export const MAX_XML_BYTES = 2 * 1024 * 1024;

export interface PreparedBody {
  stream: ReadableStream<Uint8Array>;
  size: number;
  /** Verifies Content-MD5 and yields the checksum metadata to store. */
  check: BodyCheck;
  /** The verified x-amz-checksum-* (after the body ended), for the response header. */
  checksum(): { algorithm: ChecksumAlgorithm; value: string } | undefined;
}

/** Where request values are read from: the headers, or the fields of a POST form. */
export interface RequestFields {
  get(name: string): string | null | undefined;
}

/** The x-amz-checksum-<algo> header (or POST field) sent with the request, if any (at most one). */
export function headerChecksum(headers: RequestFields): { algorithm: ChecksumAlgorithm; value: string } | undefined {
  const found = CHECKSUM_ALGORITHMS.flatMap((a) => {
    const v = headers.get(checksumHeaderName(a));
    return v === null || v === undefined ? [] : [{ algorithm: a, value: v }];
  });
  if (found.length > 1) throw new S3Error("InvalidRequest", "Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.");
  return found[0];
}

/** The body size the client declared; S3 needs it up front (no chunked PUT without x-amz-decoded-content-length). */
export function declaredSize(ctx: S3Context, max: number): number {
  const streaming = ctx.auth.payload.mode === "streaming-signed" || ctx.auth.payload.mode === "streaming-unsigned";
  const raw = streaming ? ctx.auth.decodedContentLength : ctx.req.headers.get("content-length");
  if (raw === undefined || raw === null || raw === "") throw new S3Error("MissingContentLength");
  const size = Number(raw);
  if (!Number.isSafeInteger(size) || size < 0) throw new S3Error("InvalidArgument", "Invalid Content-Length.");
  if (size > max) throw new S3Error("EntityTooLarge", undefined, { fields: { ProposedSize: size, MaxSizeAllowed: max } });
  return size;
}

/** The Content-MD5 header (or POST field) as 16 bytes; malformed is InvalidDigest. */
export function contentMd5(headers: RequestFields): Uint8Array | undefined {
  const v = headers.get("content-md5");
  if (v === null || v === undefined) return undefined;
  const raw = /^[A-Za-z0-9+/]{22}==$/.test(v.trim()) ? Buffer.from(v.trim(), "base64") : undefined;
  if (raw?.length !== 16) throw new S3Error("InvalidDigest");
  return raw;
}

export function prepareBody(ctx: S3Context, max: number): PreparedBody {
  const size = declaredSize(ctx, max);
  const md5 = contentMd5(ctx.req.headers);
  const verified: VerifiedPayload = createPayloadVerifier(ctx.auth, ctx.req.body, { expectedChecksum: headerChecksum(ctx.req.headers) });
  let summary: ReturnType<VerifiedPayload["summary"]> | undefined;
  return {
    stream: verified.stream,
    size,
    check: ({ md5: got }) => {
      if (md5 && !Buffer.from(md5).equals(Buffer.from(got))) throw new S3Error("BadDigest");
      summary = verified.summary();
      const c = summary.checksum;
      if (!c) return {};
      return { sysMeta: { "x-minio-internal-crc": encodeMinioChecksums([{ algorithm: c.algorithm, raw: c.raw }]) } };
    },
    checksum: () => (summary?.checksum ? { algorithm: summary.checksum.algorithm, value: summary.checksum.value } : undefined),
  };
}

/** Reads a small request body (XML), verifying its SHA-256 when signed, refusing oversized ones. */
export async function readSmallBody(ctx: S3Context, max = MAX_XML_BYTES): Promise<Uint8Array> {
  const declared = ctx.req.headers.get("content-length");
  if (declared !== null && Number(declared) > max) throw new S3Error("MaxMessageLengthExceeded");
  const verified = createPayloadVerifier(ctx.auth, ctx.req.body);
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of verified.stream) {
    total += chunk.length;
    if (total > max) throw new S3Error("MaxMessageLengthExceeded");
    chunks.push(chunk);
  }
  const body = Buffer.concat(chunks);
  verifyBufferedSha256(ctx.auth, body);
  return body;
}

/** Reads and parses an XML request body; an empty one is MissingRequestBodyError unless allowed. */
export async function readXmlBody(ctx: S3Context, opts: { allowEmpty?: boolean; contentMd5?: "required" | "optional" } = {}): Promise<Record<string, unknown>> {
  const body = await readSmallBody(ctx);
  const md5 = contentMd5(ctx.req.headers);
  if (opts.contentMd5 === "required" && !md5 && !headerChecksum(ctx.req.headers)) {
    throw new S3Error("InvalidRequest", "Missing required header for this request: Content-Md5.");
  }
  if (md5 && !Buffer.from(new Bun.CryptoHasher("md5").update(body).digest()).equals(Buffer.from(md5))) throw new S3Error("BadDigest");
  if (body.length === 0) {
    if (opts.allowEmpty) return {};
    throw new S3Error("MissingRequestBodyError");
  }
  return parseXml(body, { maxBytes: MAX_XML_BYTES });
}
