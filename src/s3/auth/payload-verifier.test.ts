// aws-chunked decoding and body verification: the AWS documentation examples (seed, chunk and
// trailer signatures), every way a body can be damaged, and arbitrary network fragmentation.
import { describe, expect, test } from "bun:test";
import { checksumOf, toBase64 } from "../../util/index.ts";
import { S3Error } from "../errors.ts";
import { authenticate, type AuthOptions, type AuthResult } from "./authenticate.ts";
import { createPayloadVerifier, verifyBufferedSha256, type PayloadVerifierOptions } from "./payload-verifier.ts";
import { deriveSigningKey, EMPTY_SHA256, hmacSha256Hex, sha256Hex } from "./signing-keys.ts";

const AK = "AKIAIOSFODNN7EXAMPLE";
const SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const NOW = new Date(Date.UTC(2013, 4, 24));
const DATETIME = "20130524T000000Z";
const SCOPE = "20130524/us-east-1/s3/aws4_request";
const KEY = deriveSigningKey(SECRET, "20130524", "us-east-1", "s3");
const lookup: AuthOptions["lookup"] = async (ak) => (ak === AK ? { secretKey: SECRET } : null);
const enc = new TextEncoder();
const A = (n: number) => new Uint8Array(n).fill(0x61);

/** Test-side encoder; it reproduces the documented chunk signatures, which validates it. */
function encodeChunks(
  data: Uint8Array,
  sizes: number[],
  signing?: { seed: string },
  trailers?: [string, string][],
): { body: Uint8Array; signatures: string[] } {
  const parts: Uint8Array[] = [];
  const signatures: string[] = [];
  let prev = signing?.seed ?? "";
  let offset = 0;
  for (const size of [...sizes, 0]) {
    const chunk = data.subarray(offset, offset + size);
    offset += size;
    let ext = "";
    if (signing) {
      prev = hmacSha256Hex(KEY, `AWS4-HMAC-SHA256-PAYLOAD\n${DATETIME}\n${SCOPE}\n${prev}\n${EMPTY_SHA256}\n${sha256Hex(chunk)}`);
      signatures.push(prev);
      ext = `;chunk-signature=${prev}`;
    }
    parts.push(enc.encode(`${size.toString(16)}${ext}\r\n`));
    if (size > 0) parts.push(chunk, enc.encode("\r\n"));
  }
  if (trailers) {
    let canonical = "";
    for (const [n, v] of trailers) {
      parts.push(enc.encode(`${n}:${v}\r\n`));
      canonical += `${n}:${v}\n`;
    }
    if (signing) {
      const sig = hmacSha256Hex(KEY, `AWS4-HMAC-SHA256-TRAILER\n${DATETIME}\n${SCOPE}\n${prev}\n${sha256Hex(canonical)}`);
      signatures.push(sig);
      parts.push(enc.encode(`x-amz-trailer-signature:${sig}\r\n`));
    }
  }
  parts.push(enc.encode("\r\n"));
  return { body: new Uint8Array(Buffer.concat(parts)), signatures };
}

const SEED_PLAIN = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9";
const SEED_TRAILER = "106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e";

function streamingAuth(seed: string, trailer: boolean, decoded = 66560): AuthResult {
  return {
    kind: "signed",
    accessKey: AK,
    version: 4,
    method: "header",
    requestTime: NOW,
    decodedContentLength: decoded,
    trailerNames: trailer ? ["x-amz-checksum-crc32c"] : [],
    payload: { mode: "streaming-signed", seedSignature: seed, signingKey: KEY, scope: SCOPE, datetime: DATETIME, trailer },
  };
}

function unsignedTrailerAuth(decoded: number, trailer = "x-amz-checksum-crc32"): AuthResult {
  return { kind: "anonymous", decodedContentLength: decoded, trailerNames: [trailer], payload: { mode: "streaming-unsigned", trailer: true } };
}

/** Feeds `body` in pieces of the given sizes (cycled) and returns the decoded bytes or the S3Error. */
async function run(auth: AuthResult, body: Uint8Array, pieces: number[] = [body.length || 1], opts?: PayloadVerifierOptions) {
  let off = 0;
  let k = 0;
  const source = new ReadableStream<Uint8Array>({
    pull(c) {
      if (off >= body.length) return c.close();
      const n = Math.max(1, pieces[k++ % pieces.length]);
      c.enqueue(body.slice(off, off + n));
      off += n;
    },
  });
  const v = createPayloadVerifier(auth, source, opts);
  try {
    const out = new Uint8Array(await new Response(v.stream).arrayBuffer());
    return { out, summary: v.summary() };
  } catch (e) {
    if (e instanceof S3Error) return { error: e };
    throw e;
  }
}

function flip(body: Uint8Array, at: number): Uint8Array {
  const copy = new Uint8Array(body); // a real copy: Buffer#slice would alias

  copy[at] ^= 0x01;
  return copy;
}

describe("AWS documentation: chunked upload (STREAMING-AWS4-HMAC-SHA256-PAYLOAD)", () => {
  const doc = encodeChunks(A(66560), [65536, 1024], { seed: SEED_PLAIN });

  test("the test encoder reproduces the documented chunk signatures and length", () => {
    expect(doc.signatures).toEqual([
      "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648",
      "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497",
      "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9",
    ]);
    expect(doc.body.length).toBe(66824); // the documented Content-Length
  });

  test("the documented request authenticates and its body decodes", async () => {
    const req = new Request("http://s3.amazonaws.com/examplebucket/chunkObject.txt", {
      method: "PUT",
      body: doc.body,
      headers: {
        "x-amz-date": DATETIME,
        "x-amz-storage-class": "REDUCED_REDUNDANCY",
        "content-encoding": "aws-chunked",
        "x-amz-content-sha256": "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
        "x-amz-decoded-content-length": "66560",
        "content-length": "66824",
        authorization: `AWS4-HMAC-SHA256 Credential=${AK}/${SCOPE},SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class,Signature=${SEED_PLAIN}`,
      },
    });
    const auth = await authenticate(req, new URL(req.url), { region: "us-east-1", lookup, now: NOW });
    expect(auth.payload).toMatchObject({ mode: "streaming-signed", seedSignature: SEED_PLAIN, trailer: false });
    const r = await run(auth, new Uint8Array(await req.arrayBuffer()));
    expect(r.out?.length).toBe(66560);
    expect(r.out?.every((b) => b === 0x61)).toBe(true);
    expect(r.summary?.bytes).toBe(66560);
  });

  test("decodes identically under any fragmentation", async () => {
    for (const pieces of [[1], [2, 3], [7, 4096, 13], [65536 + 91]]) {
      const r = await run(streamingAuth(SEED_PLAIN, false), doc.body, pieces);
      expect(r.error).toBeUndefined();
      expect(r.out?.length).toBe(66560);
    }
  });

  test("a flipped byte anywhere in chunk data or a signature fails with SignatureDoesNotMatch", async () => {
    const text = Buffer.from(doc.body).toString("latin1");
    const positions = [
      text.indexOf("\r\n") + 2, // first data byte of chunk 1
      text.indexOf("\r\n") + 2 + 65535, // last data byte of chunk 1
      text.indexOf("400;") + 100, // inside chunk 2 data
      text.indexOf("chunk-signature=") + 20, // chunk 1 signature
      text.indexOf("0;chunk-signature=") + 30, // final chunk signature
    ];
    for (const at of positions) {
      expect((await run(streamingAuth(SEED_PLAIN, false), flip(doc.body, at), [4096])).error?.code).toBe("SignatureDoesNotMatch");
    }
    expect((await run(streamingAuth(SEED_PLAIN.replace(/^4/, "5"), false), doc.body)).error?.code).toBe("SignatureDoesNotMatch");
  });

  test("swapped chunks break the chain even though each is validly signed", async () => {
    const { body } = encodeChunks(enc.encode("ab"), [1, 1], { seed: SEED_PLAIN });
    const text = Buffer.from(body).toString("latin1");
    const [c1, c2, rest] = [text.slice(0, 87), text.slice(87, 174), text.slice(174)];
    expect(c1.startsWith("1;chunk-signature=") && c2.startsWith("1;chunk-signature=")).toBe(true);
    const swapped = Buffer.from(c2 + c1 + rest, "latin1");
    expect((await run(streamingAuth(SEED_PLAIN, false, 2), body)).out).toEqual(enc.encode("ab"));
    expect((await run(streamingAuth(SEED_PLAIN, false, 2), swapped)).error?.code).toBe("SignatureDoesNotMatch");
  });

  test("truncation anywhere is IncompleteBody (or a failed check), never success", async () => {
    for (const cut of [0, 10, 100, 65000, 65626, 66700, 66800]) {
      const r = await run(streamingAuth(SEED_PLAIN, false), doc.body.subarray(0, cut), [8192]);
      expect(r.error?.code).toBe("IncompleteBody");
    }
  });

  test("more data than x-amz-decoded-content-length is refused", async () => {
    expect((await run(streamingAuth(SEED_PLAIN, false, 66559), doc.body)).error?.code).toBe("IncompleteBody");
    const extra = Buffer.concat([doc.body, enc.encode("garbage")]);
    expect((await run(streamingAuth(SEED_PLAIN, false), extra)).error?.code).toBe("InvalidRequest");
    expect((await run(streamingAuth(SEED_PLAIN, false, 70000), doc.body)).error?.code).toBe("IncompleteBody");
  });
});

describe("AWS documentation: trailing headers (STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER)", () => {
  const doc = encodeChunks(A(66560), [65536, 1024], { seed: SEED_TRAILER }, [["x-amz-checksum-crc32c", "sOO8/Q=="]]);

  test("the encoder reproduces the documented chunk and trailer signatures", () => {
    expect(doc.signatures).toEqual([
      "b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2",
      "1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7",
      "2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992",
      "d81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435",
    ]);
  });

  test("decodes, verifies the trailer signature and the CRC32C, exposes the trailer", async () => {
    const r = await run(streamingAuth(SEED_TRAILER, true), doc.body, [1000]);
    expect(r.error).toBeUndefined();
    expect(r.summary?.trailers.get("x-amz-checksum-crc32c")).toBe("sOO8/Q==");
    expect(r.summary?.trailers.has("x-amz-trailer-signature")).toBe(false);
    expect(r.summary?.checksum).toMatchObject({ algorithm: "CRC32C", value: "sOO8/Q==" });
  });

  test("tolerates a missing final CRLF and a blank line before the trailers", async () => {
    expect((await run(streamingAuth(SEED_TRAILER, true), doc.body.subarray(0, doc.body.length - 2))).error).toBeUndefined();
    const text = Buffer.from(doc.body).toString("latin1").replace("\r\nx-amz-checksum", "\r\n\r\nx-amz-checksum");
    expect((await run(streamingAuth(SEED_TRAILER, true), Buffer.from(text, "latin1"))).error).toBeUndefined();
  });

  test("a changed trailer value or trailer signature fails", async () => {
    const text = Buffer.from(doc.body).toString("latin1");
    const changedValue = Buffer.from(text.replace("sOO8/Q==", "sOO8/R=="), "latin1");
    expect((await run(streamingAuth(SEED_TRAILER, true), changedValue)).error?.code).toBe("SignatureDoesNotMatch");
    const changedSig = Buffer.from(text.replace("d81f82fc", "d81f82fd"), "latin1");
    expect((await run(streamingAuth(SEED_TRAILER, true), changedSig)).error?.code).toBe("SignatureDoesNotMatch");
    const noSig = Buffer.from(text.replace(/x-amz-trailer-signature:[0-9a-f]+\r\n/, ""), "latin1");
    expect((await run(streamingAuth(SEED_TRAILER, true), noSig)).error?.code).toBe("SignatureDoesNotMatch");
  });

  test("a correctly signed but wrong checksum is BadDigest", async () => {
    const wrong = encodeChunks(A(66560), [65536, 1024], { seed: SEED_TRAILER }, [["x-amz-checksum-crc32c", "AAAAAA=="]]);
    expect((await run(streamingAuth(SEED_TRAILER, true), wrong.body)).error?.code).toBe("BadDigest");
  });
});

describe("STREAMING-UNSIGNED-PAYLOAD-TRAILER", () => {
  test("the documented example body (three chunks, CRC32 trailer) decodes", async () => {
    const body = Buffer.concat([
      enc.encode("2000\r\n"),
      A(8192),
      enc.encode("\r\n2000\r\n"),
      A(8192),
      enc.encode("\r\n400\r\n"),
      A(1024),
      enc.encode("\r\n0\r\nx-amz-checksum-crc32:s3SFCQ==\n\r\n\r\n"),
    ]);
    const r = await run(unsignedTrailerAuth(17408), body, [333]);
    expect(r.error).toBeUndefined();
    expect(r.out?.length).toBe(17408);
    expect(r.summary?.checksum?.value).toBe("s3SFCQ==");
  });

  test("the AWS SDK's framing decodes; checksum problems are reported", async () => {
    const data = enc.encode("chunk1chunk2");
    const crc = toBase64(checksumOf("CRC32", data));
    const body = (value: string) => enc.encode(`6\r\nchunk1\r\n6\r\nchunk2\r\n0\r\nx-amz-checksum-crc32:${value}\r\n\r\n`);
    expect((await run(unsignedTrailerAuth(12), body(crc), [1])).out).toEqual(data);
    expect((await run(unsignedTrailerAuth(12), body("AAAAAA=="))).error?.code).toBe("BadDigest");
    expect((await run(unsignedTrailerAuth(12), body("not base64"))).error?.code).toBe("InvalidRequest");
    const missing = enc.encode("6\r\nchunk1\r\n6\r\nchunk2\r\n0\r\n\r\n");
    expect((await run(unsignedTrailerAuth(12), missing)).error?.code).toBe("InvalidRequest");
  });

  test("framing errors", async () => {
    const auth = unsignedTrailerAuth(3, "x-amz-meta-none");
    expect((await run(auth, enc.encode("zz\r\nabc\r\n0\r\n\r\n"))).error?.code).toBe("InvalidRequest");
    expect((await run(auth, enc.encode("3\r\nabcX\r\n0\r\n\r\n"))).error?.code).toBe("InvalidRequest");
    expect((await run(auth, enc.encode("3\nabc\r\n0\r\n\r\n"))).error?.code).toBe("InvalidRequest");
    expect((await run(auth, enc.encode("3;" + "x".repeat(5000) + "\r\n"))).error?.code).toBe("InvalidRequest");
    expect((await run(auth, enc.encode("3\r\nabc\r\n0\r\nbroken trailer\r\n\r\n"))).error?.code).toBe("InvalidRequest");
    expect((await run(auth, enc.encode(""))).error?.code).toBe("IncompleteBody");
    expect((await run(auth, enc.encode("3\r\nabc\r\n0\r\n\r\n"))).out).toEqual(enc.encode("abc"));
  });
});

describe("whole-body modes", () => {
  const hello = enc.encode("hello");
  const sha = (expected: string): AuthResult => ({ kind: "anonymous", trailerNames: [], payload: { mode: "sha256", expected } });
  const unsigned: AuthResult = { kind: "anonymous", trailerNames: [], payload: { mode: "unsigned" } };

  test("sha256 passes a matching body and fails a different one at the end", async () => {
    expect((await run(sha(sha256Hex(hello)), hello, [2])).out).toEqual(hello);
    expect((await run(sha(sha256Hex(hello)), enc.encode("hellO"))).error?.code).toBe("XAmzContentSHA256Mismatch");
    expect((await run(sha(sha256Hex(hello)), hello.subarray(0, 4))).error?.code).toBe("XAmzContentSHA256Mismatch");
  });

  test("a header checksum is verified in any mode", async () => {
    const value = toBase64(checksumOf("SHA256", hello));
    expect((await run(unsigned, hello, [1], { expectedChecksum: { algorithm: "SHA256", value } })).summary?.checksum?.value).toBe(value);
    const bad = { expectedChecksum: { algorithm: "CRC32C" as const, value: "AAAAAA==" } };
    expect((await run(unsigned, hello, [5], bad)).error?.code).toBe("BadDigest");
    expect(() => createPayloadVerifier(unsigned, null, { expectedChecksum: { algorithm: "CRC32", value: "xyz" } })).toThrow(S3Error);
  });

  test("unsigned bodies pass through; a null body is empty", async () => {
    expect((await run(unsigned, hello)).out).toEqual(hello);
    const v = createPayloadVerifier(unsigned, null);
    expect((await new Response(v.stream).arrayBuffer()).byteLength).toBe(0);
    expect(v.summary().bytes).toBe(0);
  });

  test("verifyBufferedSha256 checks a body read whole", () => {
    expect(() => verifyBufferedSha256(sha(sha256Hex(hello)), hello)).not.toThrow();
    expect(() => verifyBufferedSha256(sha(sha256Hex(hello)), enc.encode("x"))).toThrow(S3Error);
    expect(() => verifyBufferedSha256(unsigned, enc.encode("x"))).not.toThrow();
  });

  test("summary() before the end is a programming error", () => {
    expect(() => createPayloadVerifier(unsigned, null).summary()).toThrow();
  });
});
