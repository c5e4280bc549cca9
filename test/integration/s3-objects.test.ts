// Object reads and writes through the AWS SDK: PUT/GET/HEAD/DELETE, stored headers and user
// metadata, awkward keys, Range and partNumber, response-* overrides, read preconditions.
// (Conditional writes, tagging, versions: s3-object-state.test.ts.)
import { beforeAll, describe, expect, test } from "bun:test";
import { CopyObjectCommand, DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand } from "@aws-sdk/client-s3";
import { errorOf, esc, pattern } from "../support/s3-harness.ts";
import { bytesOf, rejectsWith } from "../support/s3-expect.ts";
import { useS3Bucket } from "../support/use-s3-bucket.ts";

const B = "objects";
const BODY = pattern(300_000, 7);
const { h, s3 } = useS3Bucket(B, {
  setup: async () => {
    await s3.send(new PutObjectCommand({ Bucket: B, Key: "data.bin", Body: BODY }));
  },
});

describe("PUT / GET / HEAD / DELETE", () => {
  test("bytes, ETag, size and stored headers round-trip", async () => {
    const expires = new Date("2030-01-02T03:04:05Z");
    const put = await s3.send(
      new PutObjectCommand({
        Bucket: B,
        Key: "dir/with space/é.txt",
        Body: "hello world",
        ContentType: "text/plain; charset=utf-8",
        CacheControl: "max-age=60",
        ContentDisposition: 'attachment; filename="x.txt"',
        ContentEncoding: "identity",
        ContentLanguage: "en-GB",
        Expires: expires,
        Metadata: { "my-key": "some value", other: "ÄÖ" },
      }),
    );
    expect(put.ETag).toBe('"5eb63bbbe01eeed093cb22bb8f5acdc3"');
    const got = await s3.send(new GetObjectCommand({ Bucket: B, Key: "dir/with space/é.txt" }));
    expect((await bytesOf(got.Body)).toString()).toBe("hello world");
    expect(got.ETag).toBe(put.ETag);
    expect(got.ContentLength).toBe(11);
    expect(got.ContentType).toBe("text/plain; charset=utf-8");
    expect(got.CacheControl).toBe("max-age=60");
    expect(got.ContentDisposition).toBe('attachment; filename="x.txt"');
    expect(got.ContentEncoding).toBe("identity");
    expect(got.ContentLanguage).toBe("en-GB");
    expect(got.Expires?.getTime()).toBe(expires.getTime());
    // Non-ASCII values are stored as text and answered RFC 2047-encoded, as S3 does (MinIO sends raw UTF-8).
    const rfc2047 = `=?UTF-8?B?${Buffer.from("ÄÖ").toString("base64")}?=`;
    expect(got.Metadata).toEqual({ "my-key": "some value", other: rfc2047 });
    const stored = await h.bunker.store.getObjectInfo(B, "dir/with space/é.txt");
    expect(stored.userMeta["X-Amz-Meta-Other"]).toBe("ÄÖ");
    expect(got.AcceptRanges).toBe("bytes");
    const head = await s3.send(new HeadObjectCommand({ Bucket: B, Key: "dir/with space/é.txt" }));
    expect(head.ContentLength).toBe(11);
    expect(head.ETag).toBe(put.ETag);
    expect(head.Metadata?.other).toBe(rfc2047);
    expect(head.LastModified!.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
    expect(head.VersionId).toBeUndefined();
  });

  test("an object without Content-Type is binary/octet-stream; an empty object works", async () => {
    const res = await h.signed({ method: "PUT", path: `/${B}/empty`, body: "" });
    expect(res.status).toBe(200);
    const got = await s3.send(new GetObjectCommand({ Bucket: B, Key: "empty" }));
    expect(got.ContentType).toBe("binary/octet-stream");
    expect(got.ContentLength).toBe(0);
    expect((await bytesOf(got.Body)).length).toBe(0);
    expect(got.ETag).toBe('"d41d8cd98f00b204e9800998ecf8427e"');
  });

  test("a large object streams back intact", async () => {
    const got = await s3.send(new GetObjectCommand({ Bucket: B, Key: "data.bin" }));
    expect((await bytesOf(got.Body)).equals(Buffer.from(BODY))).toBe(true);
  });

  test("missing keys: GET NoSuchKey with Key field, HEAD bare 404, DELETE 204", async () => {
    const err = await errorOf(await h.signed({ path: `/${B}/no/such` }));
    expect(err).toMatchObject({ status: 404, code: "NoSuchKey", resource: `/${B}/no/such` });
    expect(err.body).toContain("<Key>no/such</Key>");
    const head = await h.signed({ method: "HEAD", path: `/${B}/no/such` });
    expect(head.status).toBe(404);
    expect(await head.text()).toBe("");
    expect(head.headers.get("x-amz-request-id")).toMatch(/^[0-9A-F]{16}$/);
    const del = await s3.send(new DeleteObjectCommand({ Bucket: B, Key: "no/such" }));
    expect(del.$metadata.httpStatusCode).toBe(204);
    await rejectsWith(s3.send(new GetObjectCommand({ Bucket: "no-such-bucket", Key: "k" })), "NoSuchBucket", 404);
  });

  test("overwrite replaces, delete removes", async () => {
    await s3.send(new PutObjectCommand({ Bucket: B, Key: "ow", Body: "one" }));
    await s3.send(new PutObjectCommand({ Bucket: B, Key: "ow", Body: "two!" }));
    expect((await bytesOf((await s3.send(new GetObjectCommand({ Bucket: B, Key: "ow" }))).Body)).toString()).toBe("two!");
    await s3.send(new DeleteObjectCommand({ Bucket: B, Key: "ow" }));
    await rejectsWith(s3.send(new GetObjectCommand({ Bucket: B, Key: "ow" })), "NoSuchKey", 404);
  });
});

describe("awkward keys", () => {
  const KEYS = [
    "a b+c%d/é~!*'()",
    "日本語/ファイル.txt",
    "x&y=z?#frag",
    "semi;colon,comma:colon@at$dollar",
    "  spaces  ",
    "percent%2Fencoded%20already",
    "emoji 😀",
    "trailing/",
  ];
  test.each(KEYS)("%j survives PUT, HEAD, GET, LIST, COPY and DELETE", async (key) => {
    await s3.send(new PutObjectCommand({ Bucket: B, Key: key, Body: key }));
    expect((await s3.send(new HeadObjectCommand({ Bucket: B, Key: key }))).ContentLength).toBe(Buffer.byteLength(key));
    expect((await bytesOf((await s3.send(new GetObjectCommand({ Bucket: B, Key: key }))).Body)).toString()).toBe(key);
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: B, Prefix: key }));
    expect(listed.Contents?.map((o) => o.Key)).toContain(key);
    await s3.send(new CopyObjectCommand({ Bucket: B, Key: `copy/${key}`, CopySource: `${B}/${esc(key)}` }));
    expect((await bytesOf((await s3.send(new GetObjectCommand({ Bucket: B, Key: `copy/${key}` }))).Body)).toString()).toBe(key);
    await s3.send(new DeleteObjectCommand({ Bucket: B, Key: key }));
    await s3.send(new DeleteObjectCommand({ Bucket: B, Key: `copy/${key}` }));
    await rejectsWith(s3.send(new HeadObjectCommand({ Bucket: B, Key: key })), "NotFound", 404);
  });
});

describe("Range and partNumber", () => {
  const get = (range: string) => h.signed({ path: `/${B}/data.bin`, headers: { range } });
  test.each([
    ["bytes=0-99", 0, 99],
    ["bytes=100-", 100, BODY.length - 1],
    ["bytes=-500", BODY.length - 500, BODY.length - 1],
    ["bytes=299990-400000", 299_990, BODY.length - 1],
    ["bytes=-999999", 0, BODY.length - 1],
  ])("%s → 206 with the exact slice", async (range, start, end) => {
    const res = await get(range);
    expect(res.status).toBe(206);
    expect(res.headers.get("content-range")).toBe(`bytes ${start}-${end}/${BODY.length}`);
    expect(Number(res.headers.get("content-length"))).toBe(end - start + 1);
    expect(Buffer.from(await res.arrayBuffer()).equals(Buffer.from(BODY.subarray(start, end + 1)))).toBe(true);
  });

  test("a range starting past the end is 416 InvalidRange", async () => {
    const err = await errorOf(await get(`bytes=${BODY.length}-`));
    expect(err).toMatchObject({ status: 416, code: "InvalidRange" });
  });

  test("syntactically invalid or multiple ranges are ignored (whole object, 200)", async () => {
    for (const r of ["bytes=5-2", "bytes=0-1,5-6", "items=0-5", "bytes=x-y"]) {
      const res = await get(r);
      expect(res.status).toBe(200);
      expect(Number(res.headers.get("content-length"))).toBe(BODY.length);
      expect((await res.arrayBuffer()).byteLength).toBe(BODY.length);
    }
  });

  test("the SDK's Range gets the slice", async () => {
    const got = await s3.send(new GetObjectCommand({ Bucket: B, Key: "data.bin", Range: "bytes=10-19" }));
    expect(got.ContentRange).toBe(`bytes 10-19/${BODY.length}`);
    expect((await bytesOf(got.Body)).equals(Buffer.from(BODY.subarray(10, 20)))).toBe(true);
  });

  test("partNumber=1 of a simple object is the whole object; 2 is InvalidPartNumber", async () => {
    const got = await s3.send(new GetObjectCommand({ Bucket: B, Key: "data.bin", PartNumber: 1 }));
    expect(got.PartsCount).toBe(1);
    expect((await bytesOf(got.Body)).length).toBe(BODY.length);
    await rejectsWith(s3.send(new GetObjectCommand({ Bucket: B, Key: "data.bin", PartNumber: 2 })), "InvalidPartNumber", 416);
    const both = await h.signed({ path: `/${B}/data.bin`, query: { partNumber: "1" }, headers: { range: "bytes=0-1" } });
    expect((await errorOf(both)).code).toBe("InvalidRequest");
    expect((await errorOf(await h.signed({ path: `/${B}/data.bin`, query: { partNumber: "0" } }))).code).toBe("InvalidArgument");
  });
});

describe("response-* overrides", () => {
  test("signed GET replaces the stored headers", async () => {
    const got = await s3.send(
      new GetObjectCommand({
        Bucket: B,
        Key: "data.bin",
        ResponseContentType: "image/png",
        ResponseContentDisposition: "inline",
        ResponseCacheControl: "no-store",
        ResponseContentEncoding: "gzip",
        ResponseContentLanguage: "fr",
        ResponseExpires: new Date("2031-01-01T00:00:00Z"),
      }),
    );
    expect(got.ContentType).toBe("image/png");
    expect(got.ContentDisposition).toBe("inline");
    expect(got.CacheControl).toBe("no-store");
    expect(got.ContentEncoding).toBe("gzip");
    expect(got.ContentLanguage).toBe("fr");
    expect(got.ExpiresString ?? got.Expires?.toUTCString()).toContain("2031");
    await bytesOf(got.Body);
  });
});

describe("read preconditions", () => {
  let etag = "";
  let modified = new Date();
  beforeAll(async () => {
    const head = await s3.send(new HeadObjectCommand({ Bucket: B, Key: "data.bin" }));
    etag = head.ETag!;
    modified = head.LastModified!;
  });
  const status = async (headers: Record<string, string>, method = "GET") => {
    const res = await h.signed({ method, path: `/${B}/data.bin`, headers });
    await res.arrayBuffer();
    return res.status;
  };
  const past = () => new Date(modified.getTime() - 3600_000).toUTCString();
  const future = () => new Date(modified.getTime() + 3600_000).toUTCString();

  test("If-Match", async () => {
    expect(await status({ "if-match": etag })).toBe(200);
    expect(await status({ "if-match": "*" })).toBe(200);
    expect(await status({ "if-match": '"0123456789abcdef0123456789abcdef"' })).toBe(412);
    expect(await status({ "if-match": '"0123456789abcdef0123456789abcdef"' }, "HEAD")).toBe(412);
  });

  test("If-None-Match answers 304 with the ETag", async () => {
    const res = await h.signed({ path: `/${B}/data.bin`, headers: { "if-none-match": etag } });
    expect(res.status).toBe(304);
    expect(res.headers.get("etag")).toBe(etag);
    expect(await res.text()).toBe("");
    expect(await status({ "if-none-match": '"0123456789abcdef0123456789abcdef"' })).toBe(200);
    expect(await status({ "if-none-match": etag }, "HEAD")).toBe(304);
  });

  test("If-Modified-Since / If-Unmodified-Since", async () => {
    expect(await status({ "if-modified-since": future() })).toBe(304);
    expect(await status({ "if-modified-since": past() })).toBe(200);
    expect(await status({ "if-unmodified-since": past() })).toBe(412);
    expect(await status({ "if-unmodified-since": future() })).toBe(200);
  });

  test("RFC 7232 precedence: If-Match true overrides If-Unmodified-Since false; If-None-Match false overrides If-Modified-Since", async () => {
    expect(await status({ "if-match": etag, "if-unmodified-since": past() })).toBe(200);
    expect(await status({ "if-none-match": '"0123456789abcdef0123456789abcdef"', "if-modified-since": future() })).toBe(200);
  });

  test("the SDK surfaces 412 as PreconditionFailed and 304 as NotModified", async () => {
    await rejectsWith(s3.send(new GetObjectCommand({ Bucket: B, Key: "data.bin", IfMatch: '"ffffffffffffffffffffffffffffffff"' })), "PreconditionFailed", 412);
    // A 304 has no body, so the SDK cannot name it (against AWS too): the status is what counts.
    const notModified = await s3
      .send(new GetObjectCommand({ Bucket: B, Key: "data.bin", IfNoneMatch: etag }))
      .catch((e: { $metadata: { httpStatusCode: number } }) => e);
    expect((notModified as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode).toBe(304);
  });
});
