// Authentication end to end on the in-process server: SigV4 headers (payload hash, UNSIGNED-
// PAYLOAD, clock skew, wrong keys), presigned URLs (expiry, not-yet-valid), aws-chunked bodies
// with every chunk signed (and the signed-trailer variant), unsigned trailers, SigV2 header and
// presigned forms, anonymous refusal. A failed upload must leave nothing behind.
import { describe, expect, test } from "bun:test";
import { createHmac } from "node:crypto";
import { GetObjectCommand, HeadBucketCommand, HeadObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { checksumOf, toBase64 } from "../../src/util/index.ts";
import { errorOf, md5Base64, pattern, ROOT_PASSWORD, ROOT_USER } from "../support/s3-harness.ts";
import { signedChunkedBody, unsignedChunkedBody } from "../support/aws-chunked.ts";
import { bytesOf, rejectsWith } from "../support/s3-expect.ts";
import { useS3Bucket } from "../support/use-s3-bucket.ts";

const B = "auth";
const { h, s3 } = useS3Bucket(B, {
  setup: async () => {
    await s3.send(new PutObjectCommand({ Bucket: B, Key: "readable", Body: "secret data" }));
  },
});

const absent = async (key: string) => rejectsWith(s3.send(new HeadObjectCommand({ Bucket: B, Key: key })), "NotFound", 404);
const content = async (key: string) => (await bytesOf((await s3.send(new GetObjectCommand({ Bucket: B, Key: key }))).Body)).toString();

describe("SigV4 header", () => {
  test("a signed payload hash is verified: a different body is XAmzContentSHA256Mismatch and stores nothing", async () => {
    const { url, headers } = await h.sign({ method: "PUT", path: `/${B}/sha`, body: "the body" });
    const ok = await fetch(url, { method: "PUT", headers, body: "the body" });
    expect(ok.status).toBe(200);
    const { url: u2, headers: h2 } = await h.sign({ method: "PUT", path: `/${B}/sha-bad`, body: "the body" });
    const bad = await fetch(u2, { method: "PUT", headers: h2, body: "the bodY" });
    expect(await errorOf(bad)).toMatchObject({ status: 400, code: "XAmzContentSHA256Mismatch" });
    await absent("sha-bad");
  });

  test("UNSIGNED-PAYLOAD bodies are accepted as sent", async () => {
    const res = await h.signed({ method: "PUT", path: `/${B}/unsigned`, body: "free body", payloadHash: "UNSIGNED-PAYLOAD" });
    expect(res.status).toBe(200);
    expect(await content("unsigned")).toBe("free body");
  });

  test("wrong secret, unknown key, tampered header, other region", async () => {
    expect((await errorOf(await h.signed({ path: `/${B}/readable`, secretAccessKey: "wrong-secret" }))).code).toBe("SignatureDoesNotMatch");
    expect(await errorOf(await h.signed({ path: `/${B}/readable`, accessKeyId: "NOSUCHKEY" }))).toMatchObject({ status: 403, code: "InvalidAccessKeyId" });
    const { url, headers } = await h.sign({ path: `/${B}/readable`, headers: { "x-amz-meta-a": "1" } });
    expect((await errorOf(await fetch(url, { headers: { ...headers, "x-amz-meta-a": "2" } }))).code).toBe("SignatureDoesNotMatch");
    // Without MINIO_REGION any signing region is accepted, as MinIO does (s3-config.test.ts covers a configured one).
    expect(await (await h.signed({ path: `/${B}/readable`, region: "eu-central-1" })).text()).toBe("secret data");
    const sdkWrong = h.client({ credentials: { accessKeyId: ROOT_USER, secretAccessKey: "nope" } });
    await rejectsWith(sdkWrong.send(new GetObjectCommand({ Bucket: B, Key: "readable" })), "SignatureDoesNotMatch", 403);
  });

  test("a request signed 20 minutes ago is RequestTimeTooSkewed; 10 minutes is fine", async () => {
    const old = await h.signed({ path: `/${B}/readable`, signingDate: new Date(Date.now() - 20 * 60_000) });
    expect(await errorOf(old)).toMatchObject({ status: 403, code: "RequestTimeTooSkewed" });
    const fine = await h.signed({ path: `/${B}/readable`, signingDate: new Date(Date.now() - 10 * 60_000) });
    expect(await fine.text()).toBe("secret data");
  });

  test("malformed Authorization headers", async () => {
    for (const authz of ["AWS4-HMAC-SHA256 Credential=x", "AWS4-HMAC-SHA256 Credential=a/b/c/d/e, SignedHeaders=host, Signature=00", "Bearer token"]) {
      const res = await h.anon(`/${B}/readable`, { headers: { authorization: authz, "x-amz-date": "20240101T000000Z" } });
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(["AuthorizationHeaderMalformed", "InvalidRequest", "AccessDenied", "InvalidArgument"]).toContain((await errorOf(res)).code);
    }
  });
});

describe("presigned URLs (SigV4 query)", () => {
  test("GET and PUT through presigned URLs", async () => {
    const get = await h.presign({ path: `/${B}/readable` });
    expect(await (await fetch(get)).text()).toBe("secret data");
    const put = await h.presign({ method: "PUT", path: `/${B}/presigned-put` });
    expect((await fetch(put, { method: "PUT", body: "via url" })).status).toBe(200);
    expect(await content("presigned-put")).toBe("via url");
  });

  test("bucket operations through presigned URLs (their auth parameters are no sub-resource)", async () => {
    expect((await fetch(await h.presign({ method: "PUT", path: "/presigned-bucket" }), { method: "PUT" })).status).toBe(200);
    const list = await fetch(await h.presign({ path: "/presigned-bucket", query: { "list-type": "2" } }));
    expect(await list.text()).toContain("<Name>presigned-bucket</Name>");
    expect((await fetch(await h.presign({ method: "DELETE", path: "/presigned-bucket" }), { method: "DELETE" })).status).toBe(204);
    await rejectsWith(s3.send(new HeadBucketCommand({ Bucket: "presigned-bucket" })), "NotFound", 404);
  });

  test("expired, not yet valid, too long, tampered", async () => {
    const expired = await h.presign({ path: `/${B}/readable`, expiresIn: 60, signingDate: new Date(Date.now() - 3600_000) });
    expect(await errorOf(await fetch(expired))).toMatchObject({ status: 403, code: "AccessDenied" });
    const future = await h.presign({ path: `/${B}/readable`, expiresIn: 60, signingDate: new Date(Date.now() + 3600_000) });
    expect(await errorOf(await fetch(future))).toMatchObject({ status: 403, code: "AccessDenied" });
    const week = new URL(await h.presign({ path: `/${B}/readable` }));
    week.searchParams.set("X-Amz-Expires", String(8 * 24 * 3600));
    expect(await errorOf(await fetch(week))).toMatchObject({ status: 400, code: "AuthorizationQueryParametersError" });
    const good = await h.presign({ path: `/${B}/readable` });
    expect((await errorOf(await fetch(good.replace("/readable?", "/other?")))).code).toBe("SignatureDoesNotMatch");
    expect((await errorOf(await fetch(good, { method: "DELETE" }))).code).toBe("SignatureDoesNotMatch");
    expect(await content("readable")).toBe("secret data");
  });
});

describe("aws-chunked uploads", () => {
  const DATA = pattern(200_000, 3);
  const CHUNKS = [DATA.subarray(0, 65_536), DATA.subarray(65_536, 131_072), DATA.subarray(131_072)];
  const region = "us-east-1";

  async function streamingPut(key: string, opts: { trailer?: boolean; tamperChunk?: number; tamperTrailer?: boolean; wrongChecksum?: boolean } = {}) {
    const signingDate = new Date();
    const crc = toBase64(checksumOf("CRC32C", opts.wrongChecksum ? new Uint8Array([1]) : DATA));
    const trailers: [string, string][] | undefined = opts.trailer ? [["x-amz-checksum-crc32c", crc]] : undefined;
    const dummy = { secret: ROOT_PASSWORD, region, datetime: "20000101T000000Z", seedSignature: "0".repeat(64) };
    const length = signedChunkedBody(dummy, CHUNKS, { trailers }).length;
    const headers: Record<string, string> = {
      "content-encoding": "aws-chunked",
      "x-amz-decoded-content-length": String(DATA.length),
      "content-length": String(length),
      ...(opts.trailer ? { "x-amz-trailer": "x-amz-checksum-crc32c" } : {}),
    };
    const payloadHash = opts.trailer ? "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER" : "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";
    const signed = await h.sign({ method: "PUT", path: `/${B}/${key}`, headers, payloadHash, signingDate });
    const seedSignature = /Signature=([0-9a-f]{64})/.exec(signed.headers.authorization)![1];
    const body = signedChunkedBody({ secret: ROOT_PASSWORD, region, datetime: signed.headers["x-amz-date"], seedSignature }, CHUNKS, { ...opts, trailers });
    expect(body.length).toBe(length);
    return fetch(signed.url, { method: "PUT", headers: signed.headers, body });
  }

  test("every chunk signature verifies; the object is intact", async () => {
    const res = await streamingPut("chunked");
    expect(res.status).toBe(200);
    expect(res.headers.get("etag")).toBe(`"${new Bun.CryptoHasher("md5").update(DATA).digest("hex")}"`);
    expect((await bytesOf((await s3.send(new GetObjectCommand({ Bucket: B, Key: "chunked" }))).Body)).equals(Buffer.from(DATA))).toBe(true);
  });

  test.each([0, 1, 2, 3])(
    "a corrupted chunk %d (data, or the final chunk's signature, changed after signing) is SignatureDoesNotMatch and stores nothing",
    async (i) => {
      const res = await streamingPut(`chunked-bad-${i}`, { tamperChunk: i });
      expect(res.status).toBe(403);
      expect((await errorOf(res)).code).toBe("SignatureDoesNotMatch");
      await absent(`chunked-bad-${i}`);
    },
  );

  test("the signed-trailer variant: checksum trailer and trailer signature verified", async () => {
    const ok = await streamingPut("trailer-ok", { trailer: true });
    expect(ok.status).toBe(200);
    expect(ok.headers.get("x-amz-checksum-crc32c")).toBe(toBase64(checksumOf("CRC32C", DATA)));
    const badSig = await streamingPut("trailer-bad-sig", { trailer: true, tamperTrailer: true });
    expect((await errorOf(badSig)).code).toBe("SignatureDoesNotMatch");
    await absent("trailer-bad-sig");
    const badSum = await streamingPut("trailer-bad-sum", { trailer: true, wrongChecksum: true });
    expect(badSum.status).toBe(400);
    await absent("trailer-bad-sum");
  });

  test("STREAMING-UNSIGNED-PAYLOAD-TRAILER: decoded, checksum verified; a short body is IncompleteBody", async () => {
    const crc = toBase64(checksumOf("CRC32", DATA));
    const body = unsignedChunkedBody(CHUNKS, [["x-amz-checksum-crc32", crc]]);
    const headers = { "content-encoding": "aws-chunked", "x-amz-decoded-content-length": String(DATA.length), "x-amz-trailer": "x-amz-checksum-crc32" };
    const ok = await h.signed({ method: "PUT", path: `/${B}/unsigned-trailer`, body, payloadHash: "STREAMING-UNSIGNED-PAYLOAD-TRAILER", headers });
    expect(ok.status).toBe(200);
    expect((await bytesOf((await s3.send(new GetObjectCommand({ Bucket: B, Key: "unsigned-trailer" }))).Body)).equals(Buffer.from(DATA))).toBe(true);
    const short = unsignedChunkedBody(CHUNKS.slice(0, 2), [["x-amz-checksum-crc32", crc]]);
    const res = await h.signed({ method: "PUT", path: `/${B}/unsigned-short`, body: short, payloadHash: "STREAMING-UNSIGNED-PAYLOAD-TRAILER", headers });
    expect(await errorOf(res)).toMatchObject({ status: 400, code: "IncompleteBody" });
    await absent("unsigned-short");
  });

  test("aws-chunked without x-amz-decoded-content-length is refused", async () => {
    const res = await h.signed({
      method: "PUT",
      path: `/${B}/no-decoded`,
      body: unsignedChunkedBody(CHUNKS, []),
      payloadHash: "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
      headers: { "content-encoding": "aws-chunked" },
    });
    expect(res.status).toBe(411);
    await absent("no-decoded");
  });
});

describe("SigV2", () => {
  const v2 = (stringToSign: string, secret = ROOT_PASSWORD) => createHmac("sha1", secret).update(stringToSign).digest("base64");

  test("header form: GET and PUT (with Content-MD5 and x-amz-meta headers); a bad signature fails", async () => {
    const date = new Date().toUTCString();
    const get = await h.anon(`/${B}/readable`, { headers: { date, authorization: `AWS ${ROOT_USER}:${v2(`GET\n\n\n${date}\n/${B}/readable`)}` } });
    expect(await get.text()).toBe("secret data");
    const md5 = md5Base64("v2 body");
    const sts = `PUT\n${md5}\ntext/plain\n${date}\nx-amz-meta-k:v\n/${B}/v2%20put`;
    const put = await h.anon(`/${B}/v2%20put`, {
      method: "PUT",
      body: "v2 body",
      headers: { date, "content-md5": md5, "content-type": "text/plain", "x-amz-meta-k": "v", authorization: `AWS ${ROOT_USER}:${v2(sts)}` },
    });
    expect(put.status).toBe(200);
    expect(await content("v2 put")).toBe("v2 body");
    const bad = await h.anon(`/${B}/readable`, { headers: { date, authorization: `AWS ${ROOT_USER}:${v2(`GET\n\n\n${date}\n/${B}/other`)}` } });
    expect(await errorOf(bad)).toMatchObject({ status: 403, code: "SignatureDoesNotMatch" });
    const stale = new Date(Date.now() - 3600_000).toUTCString();
    const old = await h.anon(`/${B}/readable`, { headers: { date: stale, authorization: `AWS ${ROOT_USER}:${v2(`GET\n\n\n${stale}\n/${B}/readable`)}` } });
    expect((await errorOf(old)).code).toBe("RequestTimeTooSkewed");
  });

  test("presigned form: valid, expired, tampered", async () => {
    const expires = Math.floor(Date.now() / 1000) + 300;
    const sig = encodeURIComponent(v2(`GET\n\n\n${expires}\n/${B}/readable`));
    expect(await (await h.anon(`/${B}/readable?AWSAccessKeyId=${ROOT_USER}&Expires=${expires}&Signature=${sig}`)).text()).toBe("secret data");
    const past = Math.floor(Date.now() / 1000) - 10;
    const oldSig = encodeURIComponent(v2(`GET\n\n\n${past}\n/${B}/readable`));
    expect(await errorOf(await h.anon(`/${B}/readable?AWSAccessKeyId=${ROOT_USER}&Expires=${past}&Signature=${oldSig}`))).toMatchObject({
      status: 403,
      code: "AccessDenied",
    });
    expect((await errorOf(await h.anon(`/${B}/other?AWSAccessKeyId=${ROOT_USER}&Expires=${expires}&Signature=${sig}`))).code).toBe("SignatureDoesNotMatch");
  });
});

describe("anonymous and mixed", () => {
  test("anonymous requests are AccessDenied without a bucket policy", async () => {
    for (const [method, path] of [
      ["GET", "/"],
      ["GET", `/${B}`],
      ["GET", `/${B}/readable`],
      ["PUT", `/${B}/anon`],
      ["DELETE", `/${B}/readable`],
      ["PUT", "/anon-bucket"],
    ] as const) {
      const res = await h.anon(path, { method, body: method === "PUT" ? "x" : undefined });
      expect(await errorOf(res)).toMatchObject({ status: 403, code: "AccessDenied" });
    }
    await absent("anon");
    expect(await content("readable")).toBe("secret data");
  });

  test("two auth mechanisms at once are refused", async () => {
    const url = await h.presign({ path: `/${B}/readable` });
    const res = await fetch(url, { headers: { authorization: `AWS ${ROOT_USER}:abc` } });
    expect((await errorOf(res)).code).toBe("InvalidArgument");
  });
});
