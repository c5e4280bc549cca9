// SigV2 end to end, request by request in the shapes real V2 clients send them (minio-go v7's
// URLs and headers, s3cmd's, boto's), signed by test/support/sigv2-signer.ts (written from the
// AWS V2 page): each shape must be accepted and do its work, and the same request with its
// signature changed must be 403 SignatureDoesNotMatch and change nothing.
import { describe, expect, test } from "bun:test";
import { CreateBucketCommand, GetObjectCommand, HeadBucketCommand, HeadObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { errorOf, md5Base64, ROOT_PASSWORD, ROOT_USER } from "../support/s3-harness.ts";
import { rawExchange } from "../support/raw-http.ts";
import { bytesOf, rejectsWith } from "../support/s3-expect.ts";
import { presignV2Query, signedV2Headers, type V2Request } from "../support/sigv2-signer.ts";
import { useS3Bucket } from "../support/use-s3-bucket.ts";

const B = "v2clients";
const REGION = "eu-west-1";
/** minio-go's User-Agent shape; not signed, but sent. */
const UA = "MinIO (linux; amd64) minio-go/v7.0.80";
const DOMAIN = "s3.test";

const { h, s3 } = useS3Bucket(null, {
  env: { MINIO_REGION: REGION, MINIO_DOMAIN: DOMAIN },
  setup: async () => {
    await s3.send(new CreateBucketCommand({ Bucket: B, CreateBucketConfiguration: { LocationConstraint: REGION } }));
    await s3.send(new PutObjectCommand({ Bucket: B, Key: "source", Body: "source body", ContentType: "text/plain", Metadata: { old: "1" } }));
  },
});

const key = { accessKey: ROOT_USER, secret: ROOT_PASSWORD };
const httpDate = () => new Date().toUTCString();
const absent = (k: string) => rejectsWith(s3.send(new HeadObjectCommand({ Bucket: B, Key: k })), "NotFound", 404);
const content = async (k: string) => (await bytesOf((await s3.send(new GetObjectCommand({ Bucket: B, Key: k }))).Body)).toString();

/** Sends a signed request over fetch (one line per header name). */
async function send(r: V2Request, body?: Uint8Array, host?: string): Promise<Response> {
  const url = `${h.endpoint}${r.path}${r.query ? `?${r.query}` : ""}`;
  const headers = new Headers(signedV2Headers(r));
  if (host) headers.set("host", host);
  return fetch(url, { method: r.method, headers, body });
}

/** Sends exactly these header lines (repeated names stay separate lines), over a raw socket. */
async function sendRaw(r: V2Request, body = new Uint8Array()): Promise<{ status: number; body: string }> {
  const lines = [...signedV2Headers(r), ["content-length", String(body.length)], ["host", h.host], ["connection", "close"]];
  const head = `${r.method} ${r.path}${r.query ? `?${r.query}` : ""} HTTP/1.1\r\n${lines.map(([n, v]) => `${n}: ${v}`).join("\r\n")}\r\n\r\n`;
  const reply = await rawExchange(h.host, r.method, "", {}, { raw: head, body });
  return { status: reply.status, body: reply.body };
}

async function expectMismatch(res: Response): Promise<void> {
  expect(await errorOf(res)).toMatchObject({ status: 403, code: "SignatureDoesNotMatch" });
}

/**
 * minio-go's GetBucketLocation ("GET /bucket/?location=", signed as "?location"): a client
 * without a configured region sends it before its first request to a bucket and before
 * presigning, so every other operation depends on it.
 */
async function locationProbe(bucket: string): Promise<string> {
  const probe = (tamper = false): V2Request => ({
    method: "GET",
    path: `/${bucket}/`,
    query: "location=",
    headers: [
      ["user-agent", UA],
      ["date", httpDate()],
    ],
    ...key,
    tamper,
  });
  await expectMismatch(await send(probe(true)));
  const res = await send(probe());
  expect(res.status).toBe(200);
  return /<LocationConstraint[^>]*>([^<]*)</.exec(await res.text())?.[1] ?? "";
}

describe("minio-go v7 shapes", () => {
  test("MakeBucket with a location: PUT /bucket/ with Content-Md5 and a CreateBucketConfiguration", async () => {
    const body = new TextEncoder().encode(
      `<CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><LocationConstraint>${REGION}</LocationConstraint></CreateBucketConfiguration>`,
    );
    const shape = (bucket: string, tamper = false): V2Request => ({
      method: "PUT",
      path: `/${bucket}/`,
      headers: [
        ["user-agent", UA],
        ["content-md5", md5Base64(body)],
        ["date", httpDate()],
      ],
      ...key,
      tamper,
    });
    await expectMismatch(await send(shape("v2-made-bad", true), body));
    await rejectsWith(s3.send(new HeadBucketCommand({ Bucket: "v2-made-bad" })), "NotFound", 404);
    const res = await send(shape("v2-made"), body);
    expect(res.status).toBe(200);
    await s3.send(new HeadBucketCommand({ Bucket: "v2-made" }));
    expect(await locationProbe("v2-made")).toBe(REGION);
  });

  test("PutObject without a length: multipart (?uploads=, ?partNumber=&uploadId=, ?uploadId=)", async () => {
    const k = "streamed";
    expect(await locationProbe(B)).toBe(REGION);
    const init = (tamper = false): V2Request => ({
      method: "POST",
      path: `/${B}/${k}`,
      query: "uploads=",
      headers: [
        ["user-agent", UA],
        ["content-type", "application/octet-stream"],
        ["date", httpDate()],
      ],
      ...key,
      tamper,
    });
    await expectMismatch(await send(init(true)));
    const started = await send(init());
    expect(started.status).toBe(200);
    const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(await started.text())![1];
    const part = new TextEncoder().encode("streamed body of unknown length");
    const putPart = (tamper = false): V2Request => ({
      method: "PUT",
      path: `/${B}/${k}`,
      query: `partNumber=1&uploadId=${encodeURIComponent(uploadId)}`,
      headers: [
        ["user-agent", UA],
        ["date", httpDate()],
      ],
      ...key,
      tamper,
    });
    await expectMismatch(await send(putPart(true), part));
    const uploaded = await send(putPart(), part);
    expect(uploaded.status).toBe(200);
    const etag = uploaded.headers.get("etag")!;
    const xml = new TextEncoder().encode(
      `<CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Part><PartNumber>1</PartNumber><ETag>${etag}</ETag></Part></CompleteMultipartUpload>`,
    );
    const complete = (tamper = false): V2Request => ({
      method: "POST",
      path: `/${B}/${k}`,
      query: `uploadId=${encodeURIComponent(uploadId)}`,
      headers: [
        ["user-agent", UA],
        ["date", httpDate()],
      ],
      ...key,
      tamper,
    });
    await expectMismatch(await send(complete(true), xml));
    await absent(k);
    const done = await send(complete(), xml);
    expect(done.status).toBe(200);
    expect(await content(k)).toBe("streamed body of unknown length");
  });

  test("CopyObject replacing metadata (x-amz-metadata-directive REPLACE, x-amz-meta-*, Content-Type)", async () => {
    expect(await locationProbe(B)).toBe(REGION);
    const shape = (dst: string, tamper = false): V2Request => ({
      method: "PUT",
      path: `/${B}/${dst}`,
      headers: [
        ["user-agent", UA],
        ["content-type", "text/x-replaced"],
        ["x-amz-copy-source", `${B}/source`],
        ["x-amz-metadata-directive", "REPLACE"],
        ["X-Amz-Meta-Color", "blue"],
        ["X-Amz-Meta-Note", "two  spaces"],
        ["date", httpDate()],
      ],
      ...key,
      tamper,
    });
    await expectMismatch(await send(shape("copy-bad", true)));
    await absent("copy-bad");
    const res = await send(shape("copy"));
    expect(res.status).toBe(200);
    const head = await s3.send(new HeadObjectCommand({ Bucket: B, Key: "copy" }));
    expect(head.ContentType).toBe("text/x-replaced");
    expect(head.Metadata).toEqual({ color: "blue", note: "two  spaces" });
    expect(await content("copy")).toBe("source body");
  });

  test("presigned GET (with a response override) and PUT: Expires in place of Date", async () => {
    expect(await locationProbe(B)).toBe(REGION);
    const expires = Math.floor(Date.now() / 1000) + 600;
    const get = (tamper = false): V2Request => ({
      method: "GET",
      path: `/${B}/source`,
      query: `response-content-disposition=${encodeURIComponent('attachment; filename="s.txt"')}`,
      ...key,
      tamper,
    });
    await expectMismatch(await fetch(`${h.endpoint}/${B}/source?${presignV2Query(get(true), expires)}`));
    const ok = await fetch(`${h.endpoint}/${B}/source?${presignV2Query(get(), expires)}`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-disposition")).toBe('attachment; filename="s.txt"');
    expect(await ok.text()).toBe("source body");

    const put = (k: string, tamper = false): V2Request => ({ method: "PUT", path: `/${B}/${k}`, ...key, tamper });
    const body = new TextEncoder().encode("presigned put");
    await expectMismatch(await fetch(`${h.endpoint}/${B}/pp-bad?${presignV2Query(put("pp-bad", true), expires)}`, { method: "PUT", body }));
    await absent("pp-bad");
    const res = await fetch(`${h.endpoint}/${B}/pp?${presignV2Query(put("pp"), expires)}`, { method: "PUT", body });
    expect(res.status).toBe(200);
    expect(await content("pp")).toBe("presigned put");
  });

  test("virtual-hosted style: the bucket from Host opens the signed resource", async () => {
    const shape = (tamper = false): V2Request => ({
      method: "GET",
      path: "/source",
      headers: [["date", httpDate()]],
      virtualHostBucket: B,
      ...key,
      tamper,
    });
    await expectMismatch(await send(shape(true), undefined, `${B}.${DOMAIN}`));
    const res = await send(shape(), undefined, `${B}.${DOMAIN}`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("source body");
  });
});

describe("CanonicalizedAmzHeaders", () => {
  test("a header sent on two lines is signed as one comma-joined value", async () => {
    const shape = (k: string, tamper = false): V2Request => ({
      method: "PUT",
      path: `/${B}/${k}`,
      headers: [
        ["date", httpDate()],
        ["x-amz-meta-who", "fred"],
        ["x-amz-meta-who", "barney"],
      ],
      ...key,
      tamper,
    });
    const bad = await sendRaw(shape("twice-bad", true), new TextEncoder().encode("x"));
    expect(bad.status).toBe(403);
    expect(bad.body).toContain("<Code>SignatureDoesNotMatch</Code>");
    await absent("twice-bad");
    const ok = await sendRaw(shape("twice"), new TextEncoder().encode("x"));
    expect(ok.status).toBe(200);
  });
});

describe("sub-resources as each client family signs them", () => {
  const obj = async (k: string) => s3.send(new PutObjectCommand({ Bucket: B, Key: k, Body: "tagged" }));
  const tagging = new TextEncoder().encode("<Tagging><TagSet><Tag><Key>k</Key><Value>v</Value></Tag></TagSet></Tagging>");
  const putTagging = (k: string, over: Partial<V2Request>): V2Request => ({
    method: "PUT",
    path: `/${B}/${k}`,
    query: "tagging",
    headers: [
      ["date", httpDate()],
      ["content-md5", md5Base64(tagging)],
    ],
    ...key,
    ...over,
  });

  test('botocore/boto: ?tagging signed, and "name=" kept as sent', async () => {
    await obj("t1");
    const all = new Set(["tagging", "uploads", "location"]);
    expect((await send(putTagging("t1", { subresources: all }), tagging)).status).toBe(200);
    // botocore signs the query as written: "?location=" stays "?location=".
    const probe: V2Request = { method: "GET", path: `/${B}/`, query: "location=", headers: [["date", httpDate()]], ...key, keepEmptyEquals: true };
    expect((await send(probe)).status).toBe(200);
    await expectMismatch(await send({ ...probe, tamper: true }));
  });

  test("botocore: a bucket-level request sent as /bucket is signed as /bucket/ (CreateBucket, ListObjects)", async () => {
    const make = (tamper = false): V2Request => ({ method: "PUT", path: "/boto-made", headers: [["date", httpDate()]], ...key, tamper });
    const signedAs = (r: V2Request) => new Headers(signedV2Headers({ ...r, path: `${r.path}/` }));
    await expectMismatch(await fetch(`${h.endpoint}/boto-made`, { method: "PUT", headers: signedAs(make(true)) }));
    await rejectsWith(s3.send(new HeadBucketCommand({ Bucket: "boto-made" })), "NotFound", 404);
    expect((await fetch(`${h.endpoint}/boto-made`, { method: "PUT", headers: signedAs(make()) })).status).toBe(200);
    await s3.send(new HeadBucketCommand({ Bucket: "boto-made" }));
    const list: V2Request = { method: "GET", path: `/${B}`, query: "prefix=so", headers: [["date", httpDate()]], ...key };
    const listed = await fetch(`${h.endpoint}/${B}?prefix=so`, { headers: signedAs(list) });
    expect(await listed.text()).toContain("<Key>source</Key>");
    // Only the bucket alone has two spellings: an object key's trailing "/" is part of the key.
    const obj: V2Request = { method: "GET", path: `/${B}/source`, headers: [["date", httpDate()]], ...key };
    await expectMismatch(await fetch(`${h.endpoint}/${B}/source`, { headers: signedAs(obj) }));
  });

  test("s3cmd: ?tagging is not among its sub-resources, so it signs the bare path", async () => {
    await obj("t2");
    const s3cmd = new Set(["acl", "uploads", "uploadId", "partNumber"]);
    expect((await send(putTagging("t2", { subresources: s3cmd }), tagging)).status).toBe(200);
    await expectMismatch(await send(putTagging("t2", { subresources: s3cmd, tamper: true }), tagging));
  });

  test("a sub-resource every client signs cannot be added, dropped or changed", async () => {
    const date = httpDate();
    const plain: V2Request = { method: "GET", path: `/${B}/source`, headers: [["date", date]], ...key };
    const signedPlain = new Headers(signedV2Headers(plain));
    await expectMismatch(await fetch(`${h.endpoint}/${B}/source?acl`, { headers: signedPlain }));
    const acl: V2Request = { ...plain, query: "acl" };
    await expectMismatch(await fetch(`${h.endpoint}/${B}/source`, { headers: new Headers(signedV2Headers(acl)) }));
    const version: V2Request = { ...plain, query: "versionId=null" };
    await expectMismatch(await fetch(`${h.endpoint}/${B}/source?versionId=other`, { headers: new Headers(signedV2Headers(version)) }));
    expect((await fetch(`${h.endpoint}/${B}/source?versionId=null`, { headers: new Headers(signedV2Headers(version)) })).status).toBe(200);
  });
});
