// Builds aws-chunked request bodies the way SigV4 streaming clients do, independently of the
// server's decoder: signed chunks (STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]) chained from
// the seed signature, and unsigned chunks with trailing headers.
import { createHash, createHmac } from "node:crypto";

const EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
const hex = (d: Uint8Array | string) => createHash("sha256").update(d).digest("hex");
const hmac = (key: Uint8Array | string, data: string) => createHmac("sha256", key).update(data).digest();

export function signingKey(secret: string, date: string, region: string): Buffer {
  return hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), "s3"), "aws4_request");
}

export interface ChunkSigner {
  secret: string;
  region: string;
  /** x-amz-date of the request, e.g. 20240101T000000Z. */
  datetime: string;
  /** Signature of the request's Authorization header. */
  seedSignature: string;
}

/** Encoded length of a signed chunk body (for Content-Length), given the chunk sizes. */
function scope(s: ChunkSigner): string {
  return `${s.datetime.slice(0, 8)}/${s.region}/s3/aws4_request`;
}

/**
 * A signed aws-chunked body. `chunks` are the data pieces; `tamper` lets a test corrupt one
 * chunk's signature or data after signing. With `trailers`, the -TRAILER variant's trailing
 * headers and x-amz-trailer-signature are appended.
 */
export function signedChunkedBody(
  signer: ChunkSigner,
  chunks: Uint8Array[],
  opts: { trailers?: [string, string][]; tamperChunk?: number; tamperTrailer?: boolean } = {},
): Buffer {
  const key = signingKey(signer.secret, signer.datetime.slice(0, 8), signer.region);
  let prev = signer.seedSignature;
  const out: Buffer[] = [];
  for (const [i, data] of [...chunks, new Uint8Array(0)].entries()) {
    const toSign = `AWS4-HMAC-SHA256-PAYLOAD\n${signer.datetime}\n${scope(signer)}\n${prev}\n${EMPTY_SHA256}\n${hex(data)}`;
    prev = hmac(key, toSign).toString("hex");
    const tamper = opts.tamperChunk === i;
    // Empty (final) chunks have no data to change: their signature is corrupted instead.
    const sent = tamper ? Buffer.from(data).map((b, j) => (j === 0 ? b ^ 1 : b)) : data;
    const sig = tamper && data.length === 0 ? prev.replace(/^./, (c) => (c === "0" ? "1" : "0")) : prev;
    const crlfAfterData = data.length > 0 || !opts.trailers ? "\r\n" : "";
    out.push(Buffer.from(`${data.length.toString(16)};chunk-signature=${sig}\r\n`), Buffer.from(sent), Buffer.from(crlfAfterData));
  }
  if (opts.trailers) {
    let canonical = "";
    for (const [n, v] of opts.trailers) canonical += `${n}:${v}\n`;
    const toSign = `AWS4-HMAC-SHA256-TRAILER\n${signer.datetime}\n${scope(signer)}\n${prev}\n${hex(canonical)}`;
    let sig = hmac(key, toSign).toString("hex");
    if (opts.tamperTrailer) sig = sig.replace(/^./, (c) => (c === "0" ? "1" : "0"));
    out.push(Buffer.from(opts.trailers.map(([n, v]) => `${n}:${v}\r\n`).join("") + `x-amz-trailer-signature:${sig}\r\n\r\n`));
  }
  return Buffer.concat(out);
}

/** An unsigned aws-chunked body with trailing headers (STREAMING-UNSIGNED-PAYLOAD-TRAILER). */
export function unsignedChunkedBody(chunks: Uint8Array[], trailers: [string, string][]): Buffer {
  const out: Buffer[] = [];
  for (const data of chunks) out.push(Buffer.from(`${data.length.toString(16)}\r\n`), Buffer.from(data), Buffer.from("\r\n"));
  out.push(Buffer.from(`0\r\n${trailers.map(([n, v]) => `${n}:${v}\r\n`).join("")}\r\n`));
  return Buffer.concat(out);
}
