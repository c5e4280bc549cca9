// aws-chunked bodies in every combination clients send: framing announced by the STREAMING-*
// sentinel, by Content-Encoding: aws-chunked or by x-amz-decoded-content-length alone (the Java
// SDK v2 and newer SDKs pair it with UNSIGNED-PAYLOAD or a hash), under SigV4 header, SigV4
// presigned and SigV2 auth, with and without a trailing checksum. The stored object is the
// decoded data, its Content-Encoding has the aws-chunked token removed, and a wrong length or
// checksum stores nothing.
import { describe, expect, test } from "bun:test";
import { CompleteMultipartUploadCommand, CreateMultipartUploadCommand, GetObjectCommand, HeadObjectCommand } from "@aws-sdk/client-s3";
import { checksumOf, toBase64 } from "../../src/util/index.ts";
import { errorOf, pattern, ROOT_PASSWORD, ROOT_USER, sha256Hex } from "../support/s3-harness.ts";
import { unsignedChunkedBody } from "../support/aws-chunked.ts";
import { bytesOf, rejectsWith } from "../support/s3-expect.ts";
import { signedV2Headers } from "../support/sigv2-signer.ts";
import { useS3Bucket } from "../support/use-s3-bucket.ts";

const B = "chunked";
const DATA = pattern(150_000, 7);
const CHUNKS = [DATA.subarray(0, 65_536), DATA.subarray(65_536, 131_072), DATA.subarray(131_072)];
const CRC32 = toBase64(checksumOf("CRC32", DATA));

const { h, s3 } = useS3Bucket(B);

const absent = (k: string) => rejectsWith(s3.send(new HeadObjectCommand({ Bucket: B, Key: k })), "NotFound", 404);
async function stored(k: string): Promise<{ data: Buffer; encoding: string | undefined; length: number | undefined }> {
  const got = await s3.send(new GetObjectCommand({ Bucket: B, Key: k }));
  return { data: await bytesOf(got.Body), encoding: got.ContentEncoding, length: got.ContentLength };
}

interface Shape {
  /** x-amz-content-sha256 to sign ("hash" = SHA-256 of the wire body). */
  payload: "UNSIGNED-PAYLOAD" | "STREAMING-UNSIGNED-PAYLOAD-TRAILER" | "hash";
  /** Content-Encoding to send, if any. */
  encoding?: string;
  trailer: boolean;
}

/** The wire body and its headers: a crc32 trailer when asked, x-amz-decoded-content-length as given. */
function chunked(shape: Shape, opts: { chunks?: Uint8Array[]; decodedLength?: number; crc?: string } = {}) {
  const body = unsignedChunkedBody(opts.chunks ?? CHUNKS, shape.trailer ? [["x-amz-checksum-crc32", opts.crc ?? CRC32]] : []);
  const headers: Record<string, string> = { "x-amz-decoded-content-length": String(opts.decodedLength ?? DATA.length) };
  if (shape.encoding !== undefined) headers["content-encoding"] = shape.encoding;
  if (shape.trailer) headers["x-amz-trailer"] = "x-amz-checksum-crc32";
  return { body, headers };
}

function putV4(k: string, shape: Shape, opts: Parameters<typeof chunked>[1] = {}): Promise<Response> {
  const { body, headers } = chunked(shape, opts);
  const payloadHash = shape.payload === "hash" ? sha256Hex(body) : shape.payload;
  return h.signed({ method: "PUT", path: `/${B}/${k}`, body, headers, payloadHash });
}

const SHAPES: [string, Shape][] = [
  ["STREAMING-UNSIGNED-PAYLOAD-TRAILER, gzip + aws-chunked", { payload: "STREAMING-UNSIGNED-PAYLOAD-TRAILER", encoding: "gzip, aws-chunked", trailer: true }],
  ["UNSIGNED-PAYLOAD, Content-Encoding aws-chunked, crc32 trailer", { payload: "UNSIGNED-PAYLOAD", encoding: "aws-chunked", trailer: true }],
  ["UNSIGNED-PAYLOAD, aws-chunked,gzip, no trailer", { payload: "UNSIGNED-PAYLOAD", encoding: "aws-chunked,gzip", trailer: false }],
  ["UNSIGNED-PAYLOAD, only x-amz-decoded-content-length, crc32 trailer", { payload: "UNSIGNED-PAYLOAD", trailer: true }],
  ["a SHA-256 of the wire body, Content-Encoding aws-chunked", { payload: "hash", encoding: "aws-chunked", trailer: false }],
];

describe("SigV4 header", () => {
  test.each(SHAPES)("%s: decoded, verified, stored with the decoded length", async (name, shape) => {
    const k = `v4-${SHAPES.findIndex(([n]) => n === name)}`;
    const res = await putV4(k, shape);
    expect(res.status).toBe(200);
    if (shape.trailer) expect(res.headers.get("x-amz-checksum-crc32")).toBe(CRC32);
    const got = await stored(k);
    expect(got.length).toBe(DATA.length);
    expect(got.data.equals(Buffer.from(DATA))).toBe(true);
    expect(got.encoding).toBe(shape.encoding?.includes("gzip") ? "gzip" : undefined);
  });

  test.each(SHAPES.filter(([, s]) => s.trailer))("%s: a wrong trailing checksum stores nothing", async (name, shape) => {
    const k = `v4-badsum-${SHAPES.findIndex(([n]) => n === name)}`;
    const res = await putV4(k, shape, { crc: toBase64(checksumOf("CRC32", new Uint8Array([1]))) });
    expect(await errorOf(res)).toMatchObject({ status: 400, code: "BadDigest" });
    await absent(k);
  });

  test.each(SHAPES)("%s: fewer or more data bytes than x-amz-decoded-content-length store nothing", async (name, shape) => {
    const i = SHAPES.findIndex(([n]) => n === name);
    const short = await putV4(`v4-short-${i}`, shape, { decodedLength: DATA.length + 1, crc: CRC32 });
    expect(await errorOf(short)).toMatchObject({ status: 400, code: "IncompleteBody" });
    await absent(`v4-short-${i}`);
    const long = await putV4(`v4-long-${i}`, shape, { decodedLength: DATA.length - 1, crc: CRC32 });
    const err = await errorOf(long);
    expect(err).toMatchObject({ status: 400, code: "IncompleteBody" });
    expect(err.body).toContain(`<NumberBytesExpected>${DATA.length - 1}</NumberBytesExpected>`);
    await absent(`v4-long-${i}`);
  });

  test("a wrong SHA-256 of the wire body is XAmzContentSHA256Mismatch", async () => {
    const { body, headers } = chunked({ payload: "hash", encoding: "aws-chunked", trailer: false });
    const res = await h.signed({ method: "PUT", path: `/${B}/v4-badsha`, body, headers, payloadHash: sha256Hex("something else") });
    expect(await errorOf(res)).toMatchObject({ status: 400, code: "XAmzContentSHA256Mismatch" });
    await absent("v4-badsha");
  });

  test("Content-Encoding: aws-chunked alone is not stored; other encodings are kept as sent", async () => {
    await putV4("enc-only", { payload: "STREAMING-UNSIGNED-PAYLOAD-TRAILER", encoding: "aws-chunked", trailer: true });
    expect((await stored("enc-only")).encoding).toBeUndefined();
    await putV4("enc-two", { payload: "UNSIGNED-PAYLOAD", encoding: "aws-chunked, gzip, br", trailer: false });
    expect((await stored("enc-two")).encoding).toBe("gzip,br");
    const plain = await h.signed({ method: "PUT", path: `/${B}/enc-plain`, body: "x", headers: { "content-encoding": "gzip, br" } });
    expect(plain.status).toBe(200);
    expect((await stored("enc-plain")).encoding).toBe("gzip, br");
  });
});

describe("UploadPart", () => {
  test("an UNSIGNED-PAYLOAD aws-chunked part with a crc32 trailer is decoded; a short one is refused", async () => {
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: B, Key: "mp", ContentEncoding: "aws-chunked" }));
    const shape: Shape = { payload: "UNSIGNED-PAYLOAD", encoding: "aws-chunked", trailer: true };
    const part = (decodedLength?: number) => {
      const { body, headers } = chunked(shape, { decodedLength });
      return h.signed({ method: "PUT", path: `/${B}/mp`, query: { partNumber: "1", uploadId: UploadId! }, body, headers, payloadHash: "UNSIGNED-PAYLOAD" });
    };
    expect(await errorOf(await part(DATA.length + 5))).toMatchObject({ status: 400, code: "IncompleteBody" });
    const ok = await part();
    expect(ok.status).toBe(200);
    const ETag = ok.headers.get("etag")!;
    await s3.send(new CompleteMultipartUploadCommand({ Bucket: B, Key: "mp", UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag }] } }));
    const got = await stored("mp");
    expect(got.data.equals(Buffer.from(DATA))).toBe(true);
    expect(got.encoding).toBeUndefined();
  });
});

describe("SigV4 presigned and SigV2", () => {
  test("a presigned PUT (UNSIGNED-PAYLOAD) with an aws-chunked body and a crc32 trailer", async () => {
    const { body, headers } = chunked({ payload: "UNSIGNED-PAYLOAD", encoding: "aws-chunked", trailer: true });
    const url = await h.presign({ method: "PUT", path: `/${B}/presigned` });
    const res = await fetch(url, { method: "PUT", headers, body });
    expect(res.status).toBe(200);
    expect((await stored("presigned")).data.equals(Buffer.from(DATA))).toBe(true);
    const bad = chunked({ payload: "UNSIGNED-PAYLOAD", encoding: "aws-chunked", trailer: true }, { crc: toBase64(checksumOf("CRC32", new Uint8Array([2]))) });
    const badUrl = await h.presign({ method: "PUT", path: `/${B}/presigned-bad` });
    expect((await errorOf(await fetch(badUrl, { method: "PUT", headers: bad.headers, body: bad.body }))).code).toBe("BadDigest");
    await absent("presigned-bad");
  });

  test("a SigV2 PUT with an aws-chunked body and a crc32 trailer", async () => {
    const { body, headers } = chunked({ payload: "UNSIGNED-PAYLOAD", encoding: "gzip,aws-chunked", trailer: true });
    const lines = signedV2Headers({
      method: "PUT",
      path: `/${B}/v2`,
      headers: [["date", new Date().toUTCString()], ...Object.entries(headers)],
      accessKey: ROOT_USER,
      secret: ROOT_PASSWORD,
    });
    const res = await fetch(`${h.endpoint}/${B}/v2`, { method: "PUT", headers: new Headers(lines), body });
    expect(res.status).toBe(200);
    const got = await stored("v2");
    expect(got.data.equals(Buffer.from(DATA))).toBe(true);
    expect(got.encoding).toBe("gzip");
  });
});
