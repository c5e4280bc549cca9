// Incremental decoder for aws-chunked bodies (`hex-size[;chunk-signature=sig]\r\n data \r\n`,
// a final 0-size chunk, optional trailing headers). Data is handed on as it arrives, so memory
// stays at a header line whatever the chunk size; each signed chunk is checked when its CRLF
// arrives, the chain and the trailer signature at the end, and any failure throws S3Error.
import { S3Error } from "../errors.ts";
import { constantTimeEqual, EMPTY_SHA256, hmacSha256Hex } from "./signing-keys.ts";

/** Longest chunk-header or trailer line accepted (real ones are under 200 bytes). */
const MAX_LINE = 4096;
/** Largest trailer section accepted. */
const MAX_TRAILER_BYTES = 16 * 1024;

export interface ChunkSigning {
  seedSignature: string;
  signingKey: Uint8Array;
  scope: string;
  datetime: string;
}

export interface ChunkedDecoderOptions {
  /** Present for STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]: every chunk carries a chained signature. */
  signing?: ChunkSigning;
  /** Trailing headers follow the final chunk. */
  trailer: boolean;
  /** x-amz-decoded-content-length: the exact number of data bytes. */
  decodedLength: number;
}

type State = "header" | "data" | "data-crlf" | "trailer" | "final-crlf" | "done";

function framing(detail: string): S3Error {
  return new S3Error("InvalidRequest", `Malformed aws-chunked encoding: ${detail}.`);
}

export class AwsChunkedDecoder {
  /** Trailing headers (lower-case names, in arrival order), complete once `finish()` returned. */
  readonly trailers = new Map<string, string>();
  #state: State = "header";
  #line = "";
  #trailerBytes = 0;
  #remaining = 0;
  #crlfSeen = 0;
  #decoded = 0;
  #declaredSignature = "";
  #previousSignature: string;
  #hasher: Bun.CryptoHasher | undefined;
  #sawBlankBeforeTrailers = false;

  constructor(readonly opts: ChunkedDecoderOptions) {
    this.#previousSignature = opts.signing?.seedSignature ?? "";
  }

  /** Data bytes decoded so far. */
  get decodedBytes(): number {
    return this.#decoded;
  }

  /** Feeds wire bytes; `emit` receives decoded data as views into `buf`. */
  push(buf: Uint8Array, emit: (data: Uint8Array) => void): void {
    let i = 0;
    while (i < buf.length) {
      switch (this.#state) {
        case "data": {
          const n = Math.min(this.#remaining, buf.length - i);
          const piece = buf.subarray(i, i + n);
          this.#hasher?.update(piece);
          this.#remaining -= n;
          this.#decoded += n;
          i += n;
          emit(piece);
          if (this.#remaining === 0) this.#state = "data-crlf";
          break;
        }
        case "data-crlf":
          if (buf[i] !== (this.#crlfSeen === 0 ? 0x0d : 0x0a)) throw framing("chunk data is not followed by CRLF");
          i++;
          if (++this.#crlfSeen === 2) {
            this.#crlfSeen = 0;
            this.#verifyChunk();
            this.#state = "header";
          }
          break;
        case "done":
        case "final-crlf":
          if (buf[i] !== 0x0d && buf[i] !== 0x0a) throw framing("data follows the final chunk");
          i++;
          break;
        default:
          i = this.#readLine(buf, i);
      }
    }
  }

  /** Declares the end of the wire bytes; throws if the body stopped early or failed a check. */
  finish(): void {
    if (this.#state === "trailer") {
      if (this.#line !== "") this.#trailerLine(this.#line.replace(/\r$/, ""));
      if (this.#state === "trailer") this.#endTrailers();
    }
    if (this.#state !== "done" && this.#state !== "final-crlf") {
      throw new S3Error("IncompleteBody", `The aws-chunked body ended after ${this.#decoded} of ${this.opts.decodedLength} bytes.`);
    }
  }

  /** Accumulates one header/trailer line; returns the index after what it consumed. */
  #readLine(buf: Uint8Array, start: number): number {
    let i = start;
    while (i < buf.length && buf[i] !== 0x0a) i++;
    const piece = Buffer.from(buf.buffer, buf.byteOffset + start, i - start).toString("latin1");
    this.#line += piece;
    if (this.#state === "trailer") {
      this.#trailerBytes += i - start + (i < buf.length ? 1 : 0);
      if (this.#trailerBytes > MAX_TRAILER_BYTES) throw framing("the trailer section is too large");
    }
    if (this.#line.length > MAX_LINE) throw framing("a chunk header or trailer line is too long");
    if (i === buf.length) return i;
    const line = this.#line;
    this.#line = "";
    if (this.#state === "header") this.#chunkHeader(line);
    else this.#trailerLine(line.replace(/\r$/, ""));
    return i + 1;
  }

  #chunkHeader(line: string): void {
    if (!line.endsWith("\r")) throw framing("a chunk header does not end with CRLF");
    const [sizeText, ...extensions] = line.slice(0, -1).split(";");
    if (!/^[0-9a-fA-F]{1,16}$/.test(sizeText)) throw framing(`"${sizeText.slice(0, 32)}" is not a hexadecimal chunk size`);
    const size = parseInt(sizeText, 16);
    let signature: string | undefined;
    for (const ext of extensions) {
      const eq = ext.indexOf("=");
      if (eq !== -1 && ext.slice(0, eq).trim() === "chunk-signature")
        signature = ext
          .slice(eq + 1)
          .trim()
          .toLowerCase();
    }
    if (this.opts.signing) {
      if (signature === undefined) throw new S3Error("SignatureDoesNotMatch", "A chunk of a signed aws-chunked body carries no chunk-signature.");
      this.#declaredSignature = signature;
      this.#hasher = new Bun.CryptoHasher("sha256");
    }
    if (size > this.opts.decodedLength - this.#decoded) {
      // S3 answers an overrun as it answers a short body: IncompleteBody, with both counts.
      throw new S3Error(
        "IncompleteBody",
        `The aws-chunked body carries more than the ${this.opts.decodedLength} bytes declared in x-amz-decoded-content-length.`,
        {
          fields: { NumberBytesExpected: this.opts.decodedLength, NumberBytesProvided: this.#decoded + size },
        },
      );
    }
    if (size > 0) {
      this.#remaining = size;
      this.#state = "data";
      return;
    }
    this.#verifyChunk();
    if (this.#decoded !== this.opts.decodedLength) {
      throw new S3Error("IncompleteBody", `The aws-chunked body ended after ${this.#decoded} of ${this.opts.decodedLength} bytes.`, {
        fields: { NumberBytesExpected: this.opts.decodedLength, NumberBytesProvided: this.#decoded },
      });
    }
    this.#state = this.opts.trailer ? "trailer" : "final-crlf";
  }

  /** Checks the signature of the chunk just completed and advances the chain. */
  #verifyChunk(): void {
    const signing = this.opts.signing;
    if (!signing) return;
    const hash = this.#hasher ? this.#hasher.digest("hex") : EMPTY_SHA256;
    this.#hasher = undefined;
    const toSign = `AWS4-HMAC-SHA256-PAYLOAD\n${signing.datetime}\n${signing.scope}\n${this.#previousSignature}\n${EMPTY_SHA256}\n${hash}`;
    const expected = hmacSha256Hex(signing.signingKey, toSign);
    if (!constantTimeEqual(expected, this.#declaredSignature)) {
      throw new S3Error("SignatureDoesNotMatch", "The chunk signature we calculated does not match the one provided.");
    }
    this.#previousSignature = expected;
  }

  #trailerLine(line: string): void {
    if (line === "") {
      // A blank line right after the final chunk header precedes the trailers in some clients.
      if (this.trailers.size === 0 && !this.#sawBlankBeforeTrailers) {
        this.#sawBlankBeforeTrailers = true;
        return;
      }
      this.#endTrailers();
      return;
    }
    const colon = line.indexOf(":");
    if (colon <= 0) throw framing(`trailer line "${line.slice(0, 64)}" is not "name:value"`);
    const name = line.slice(0, colon).trim().toLowerCase();
    if (this.trailers.has(name)) throw framing(`trailer "${name}" appears twice`);
    this.trailers.set(name, line.slice(colon + 1).trim());
  }

  #endTrailers(): void {
    this.#state = "done";
    const signing = this.opts.signing;
    if (!signing) return;
    const declared = this.trailers.get("x-amz-trailer-signature");
    if (declared === undefined) throw new S3Error("SignatureDoesNotMatch", "The trailing headers carry no x-amz-trailer-signature.");
    let canonical = "";
    for (const [name, value] of this.trailers) if (name !== "x-amz-trailer-signature") canonical += `${name}:${value}\n`;
    const hash = new Bun.CryptoHasher("sha256").update(canonical).digest("hex");
    const toSign = `AWS4-HMAC-SHA256-TRAILER\n${signing.datetime}\n${signing.scope}\n${this.#previousSignature}\n${hash}`;
    if (!constantTimeEqual(hmacSha256Hex(signing.signingKey, toSign), declared.toLowerCase())) {
      throw new S3Error("SignatureDoesNotMatch", "The trailer signature we calculated does not match the one provided.");
    }
  }
}
