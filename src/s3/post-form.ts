// The multipart/form-data body of a POST Object, read as it streams: the fields before the
// `file` part are collected (bounded, as AWS bounds them), the file's bytes are handed on as a
// stream, and what follows the file is skipped (AWS ignores it) up to the closing boundary.
import { S3Error } from "./errors.ts";

/** AWS's limit on the form data preceding the file (MaxPostPreDataLengthBytes). */
export const MAX_PRE_FILE_BYTES = 20480;
/** One part's header block; browsers send two short lines. */
const MAX_PART_HEADER_BYTES = 8192;
/** Text after the closing boundary that is read (and dropped) so the connection can be reused. */
const MAX_EPILOGUE_BYTES = 64 * 1024;

/** The form as far as the file part: fields by lower-case name, and the file's stream. */
export interface PostForm {
  /** Field values by lower-case name (S3 matches field names case-insensitively). */
  fields: Map<string, string>;
  file: {
    /** The part's filename parameter ("" for text content), for ${filename}. */
    name: string;
    /** The part's Content-Type header, "" when absent. */
    type: string;
    /**
     * The file's bytes. It ends only once the rest of the body framed correctly up to the
     * closing boundary; bad framing makes it fail with MalformedPOSTRequest instead.
     */
    stream: ReadableStream<Uint8Array>;
  };
  /** Stops reading the body (after a refusal): the transport drains or drops the rest. */
  cancel(): Promise<void>;
}

const CRLF = Buffer.from("\r\n");
const HEADER_END = Buffer.from("\r\n\r\n");

function malformed(detail?: string): S3Error {
  return new S3Error(
    "MalformedPOSTRequest",
    detail === undefined ? undefined : `The body of your POST request is not well-formed multipart/form-data: ${detail}.`,
  );
}

/** The boundary parameter of a multipart/form-data Content-Type (RFC 2046: 1–70 characters). */
export function formBoundary(contentType: string | null): string {
  const m = /^\s*multipart\/form-data\s*;(.*)$/i.exec(contentType ?? "");
  if (!m) throw malformed();
  const b = /(?:^|;)\s*boundary\s*=\s*(?:"([^"]+)"|([^\s;]+))/i.exec(m[1]);
  const boundary = b?.[1] ?? b?.[2];
  if (!boundary || boundary.length > 70) throw malformed("the Content-Type has no usable boundary");
  return boundary;
}

/** Parameters of a Content-Disposition value (`form-data; name="x"; filename="y"`). */
function dispositionParams(value: string): Map<string, string> {
  const params = new Map<string, string>();
  const re = /;\s*([^\s=;]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]*))/g;
  for (let m = re.exec(value); m; m = re.exec(value)) {
    const name = m[1].toLowerCase();
    let v = m[2] !== undefined ? m[2].replace(/\\(.)/g, "$1") : m[3].trim();
    if (name.endsWith("*")) {
      // RFC 5987 (filename*=UTF-8''…): only the UTF-8 form is in use.
      const ext = /^utf-8'[^']*'(.*)$/i.exec(v);
      if (!ext) continue;
      try {
        v = decodeURIComponent(ext[1]);
      } catch {
        continue;
      }
      params.set(name.slice(0, -1), v);
    } else if (!params.has(name)) params.set(name, v);
  }
  return params;
}

interface PartHeaders {
  name: string;
  filename: string;
  type: string;
}

function parsePartHeaders(block: Uint8Array): PartHeaders {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(block);
  } catch {
    throw malformed("a part header is not UTF-8");
  }
  let disposition: string | undefined;
  let type = "";
  for (const line of text.split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon <= 0) throw malformed("a part header line has no name");
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === "content-disposition") disposition = value;
    else if (name === "content-type") type = value;
  }
  if (!disposition || !/^form-data\s*(;|$)/i.test(disposition)) throw malformed("a part has no form-data Content-Disposition");
  const params = dispositionParams(disposition);
  const name = params.get("name");
  if (!name) throw malformed("a part has no name");
  return { name, filename: params.get("filename") ?? "", type };
}

/** A pull parser over the body: the delimiter is searched across chunk edges, nothing more kept. */
class BodyScanner {
  /** Bytes read and not yet consumed; starts with the CRLF that the first delimiter lacks. */
  #buf: Uint8Array = CRLF;
  #ended = false;
  readonly #delimiter: Buffer;
  readonly #reader: { read(): Promise<{ done: boolean; value?: Uint8Array }>; cancel(reason?: unknown): Promise<void> };

  constructor(body: ReadableStream<Uint8Array>, boundary: string) {
    this.#delimiter = Buffer.from(`\r\n--${boundary}`);
    this.#reader = body.getReader();
  }

  /** Reads one more chunk onto the buffer; false at the end of the body. */
  async #fill(): Promise<boolean> {
    if (this.#ended) return false;
    const { done, value } = await this.#reader.read();
    if (done || !value) {
      this.#ended = true;
      return false;
    }
    this.#buf = this.#buf.length === 0 ? value : Buffer.concat([this.#buf, value]);
    return true;
  }

  #take(n: number): Uint8Array {
    const out = this.#buf.subarray(0, n);
    this.#buf = this.#buf.subarray(n);
    return out;
  }

  /**
   * The next piece of the current part's content, or null once its closing delimiter has been
   * consumed. The body ending first is a truncated form.
   */
  async next(): Promise<Uint8Array | null> {
    for (;;) {
      const at = Buffer.from(this.#buf.buffer, this.#buf.byteOffset, this.#buf.byteLength).indexOf(this.#delimiter);
      if (at === 0) {
        this.#take(this.#delimiter.length);
        return null;
      }
      if (at > 0) return this.#take(at);
      const safe = this.#buf.length - (this.#delimiter.length - 1);
      if (safe > 0) return this.#take(safe);
      if (!(await this.#fill())) throw malformed("the body ended before the closing boundary");
    }
  }

  /** Skips content up to and including the next delimiter (the preamble, or an ignored part). */
  async skipPart(): Promise<void> {
    while ((await this.next()) !== null);
  }

  /** After a delimiter: true if it was the closing one ("--"), false if a part follows. */
  async isClose(): Promise<boolean> {
    while (this.#buf.length < 2) if (!(await this.#fill())) throw malformed("the body ended after a boundary");
    if (this.#buf[0] === 0x2d && this.#buf[1] === 0x2d) return true;
    // RFC 2046 allows white space after the boundary before its line ends.
    for (;;) {
      const text = Buffer.from(this.#buf.subarray(0, 258)).toString("latin1");
      const m = /^[ \t]*\r\n/.exec(text);
      if (m) {
        this.#take(m[0].length - 2);
        return false;
      }
      if (!/^[ \t]*\r?$/.test(text) || this.#buf.length > 256) throw malformed("a boundary is followed by other text");
      if (!(await this.#fill())) throw malformed("the body ended after a boundary");
    }
  }

  /** The header block of the part that starts here (the CRLF ending the boundary line is next). */
  async partHeaders(): Promise<PartHeaders> {
    for (;;) {
      const at = Buffer.from(this.#buf.buffer, this.#buf.byteOffset, this.#buf.byteLength).indexOf(HEADER_END);
      if (at >= 0) {
        const block = this.#take(at + HEADER_END.length).subarray(CRLF.length, at);
        return parsePartHeaders(block);
      }
      if (this.#buf.length > MAX_PART_HEADER_BYTES)
        throw new S3Error("MaxPostPreDataLengthExceeded", undefined, { fields: { MaxPostPreDataLengthBytes: MAX_PRE_FILE_BYTES } });
      if (!(await this.#fill())) throw malformed("the body ended inside a part header");
    }
  }

  /** Reads past whatever follows the file up to the closing boundary (the epilogue is ignored). */
  async skipToClose(): Promise<void> {
    while (!(await this.isClose())) {
      await this.partHeaders();
      await this.skipPart();
    }
  }

  /** Reads the epilogue after the closing boundary (bounded; a longer one is left unread). */
  async drain(): Promise<void> {
    let read = 0;
    this.#buf = new Uint8Array(0);
    while (read <= MAX_EPILOGUE_BYTES && (await this.#fill())) {
      read += this.#buf.length;
      this.#buf = new Uint8Array(0);
    }
  }

  async cancel(reason?: unknown): Promise<void> {
    await this.#reader.cancel(reason).catch(() => {});
  }
}

/** Reads the fields of a POST form up to its file part; the file itself is left to stream. */
export async function readPostForm(req: Request): Promise<PostForm> {
  const boundary = formBoundary(req.headers.get("content-type"));
  if (!req.body) throw malformed("the body is empty");
  const scanner = new BodyScanner(req.body, boundary);
  try {
    await scanner.skipPart();
    const fields = new Map<string, string>();
    let budget = MAX_PRE_FILE_BYTES;
    for (;;) {
      if (await scanner.isClose()) throw new S3Error("InvalidArgument", "POST requires exactly one file upload per request.");
      const part = await scanner.partHeaders();
      const lower = part.name.toLowerCase();
      if (lower === "file") return { fields, file: { name: part.filename, type: part.type, stream: fileStream(scanner) }, cancel: () => scanner.cancel() };
      const chunks: Uint8Array[] = [];
      budget -= Buffer.byteLength(part.name);
      for (let c = await scanner.next(); c !== null; c = await scanner.next()) {
        budget -= c.length;
        if (budget < 0) throw new S3Error("MaxPostPreDataLengthExceeded", undefined, { fields: { MaxPostPreDataLengthBytes: MAX_PRE_FILE_BYTES } });
        chunks.push(c);
      }
      if (fields.has(lower)) throw new S3Error("AccessDenied", `Invalid according to Policy: the form field "${part.name}" appears more than once.`);
      fields.set(lower, Buffer.concat(chunks).toString("utf8"));
    }
  } catch (err) {
    await scanner.cancel(err);
    throw err;
  }
}

/** The file part's content; it closes only after the framing that follows it checked out. */
function fileStream(scanner: BodyScanner): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>(
    {
      async pull(c) {
        const chunk = await scanner.next();
        if (chunk !== null) return c.enqueue(chunk);
        await scanner.skipToClose();
        await scanner.drain();
        c.close();
      },
      cancel: (reason) => scanner.cancel(reason),
    },
    { highWaterMark: 0 },
  );
}
