// x-amz-tagging on PutObject, CopyObject (tagging directive REPLACE) and CreateMultipartUpload,
// read as S3 reads it: URL query pairs, a bare key holds the empty value, empty pairs are
// skipped; duplicates and unparsable pairs are InvalidArgument, more than 10 tags BadRequest,
// over-long keys and values InvalidTag; a refused request stores nothing.
import { describe, expect, test } from "bun:test";
import { GetObjectTaggingCommand, HeadObjectCommand, ListMultipartUploadsCommand, PutObjectCommand, PutObjectTaggingCommand } from "@aws-sdk/client-s3";
import { errorOf } from "../support/s3-harness.ts";
import { rejectsWith } from "../support/s3-expect.ts";
import { useS3Bucket } from "../support/use-s3-bucket.ts";

const B = "tag-header";
const { h, s3 } = useS3Bucket(B, {
  setup: async () => {
    await s3.send(new PutObjectCommand({ Bucket: B, Key: "source", Body: "src" }));
  },
});

type Op = "PutObject" | "CopyObject" | "CreateMultipartUpload";
const OPS: Op[] = ["PutObject", "CopyObject", "CreateMultipartUpload"];
let n = 0;

/** Sends `tagging` with one operation on a fresh key; returns the key and the response. */
async function send(op: Op, tagging: string): Promise<{ key: string; res: Response }> {
  const key = `${op}-${n++}`;
  const headers = { "x-amz-tagging": tagging };
  if (op === "PutObject") return { key, res: await h.signed({ method: "PUT", path: `/${B}/${key}`, body: "x", headers }) };
  if (op === "CopyObject")
    return {
      key,
      res: await h.signed({
        method: "PUT",
        path: `/${B}/${key}`,
        headers: { ...headers, "x-amz-copy-source": `/${B}/source`, "x-amz-tagging-directive": "REPLACE" },
      }),
    };
  return { key, res: await h.signed({ method: "POST", path: `/${B}/${key}`, query: { uploads: "" }, headers }) };
}

/** The tags the operation stored (for an upload: after completing it). */
async function storedTags(op: Op, key: string, res: Response): Promise<Record<string, string>> {
  if (op === "CreateMultipartUpload") {
    const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(await res.text())![1];
    const part = await h.signed({ method: "PUT", path: `/${B}/${key}`, query: { partNumber: "1", uploadId }, body: "part" });
    const xml = `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${part.headers.get("etag")}</ETag></Part></CompleteMultipartUpload>`;
    expect((await h.signed({ method: "POST", path: `/${B}/${key}`, query: { uploadId }, body: xml })).status).toBe(200);
  }
  const out = await s3.send(new GetObjectTaggingCommand({ Bucket: B, Key: key }));
  return Object.fromEntries((out.TagSet ?? []).map((t) => [t.Key!, t.Value ?? ""]));
}

async function nothingStored(op: Op, key: string): Promise<void> {
  if (op === "CreateMultipartUpload") {
    const uploads = await s3.send(new ListMultipartUploadsCommand({ Bucket: B, Prefix: key }));
    expect(uploads.Uploads ?? []).toEqual([]);
  } else {
    await rejectsWith(s3.send(new HeadObjectCommand({ Bucket: B, Key: key })), "NotFound", 404);
  }
}

const k129 = "k".repeat(129);
const v257 = "v".repeat(257);
const elevenTags = Array.from({ length: 11 }, (_, i) => `k${i}=v`).join("&");

describe.each(OPS)("%s", (op) => {
  test.each([
    ["a=", { a: "" }],
    ["a", { a: "" }],
    ["a=1&b=", { a: "1", b: "" }],
    ["foo=bar&bar", { foo: "bar", bar: "" }],
    ["&", {}],
    ["a=1&&b=2&", { a: "1", b: "2" }],
    ["a%20b=c%2Fd%3D", { "a b": "c/d=" }],
    [`${"k".repeat(128)}=${"v".repeat(256)}`, { ["k".repeat(128)]: "v".repeat(256) }],
    [Array.from({ length: 10 }, (_, i) => `k${i}=v${i}`).join("&"), Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`k${i}`, `v${i}`]))],
  ] as [string, Record<string, string>][])("accepts %p", async (tagging, want) => {
    const { key, res } = await send(op, tagging);
    expect(res.status).toBe(200);
    expect(await storedTags(op, key, res)).toEqual(want);
  });

  const header = "The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters without tag name duplicates.";
  test.each([
    ["a=1&a=2", "InvalidArgument", header],
    ["a=b=c", "InvalidArgument", header],
    ["a=%zz", "InvalidArgument", header],
    [elevenTags, "BadRequest", "Object tags cannot be greater than 10"],
    [`${k129}=v`, "InvalidTag", "The TagKey you have provided is invalid"],
    ["=v", "InvalidTag", "The TagKey you have provided is invalid"],
    [`k=${v257}`, "InvalidTag", "The TagValue you have provided is invalid"],
  ])("refuses %p with %s and stores nothing", async (tagging, code, message) => {
    const { key, res } = await send(op, tagging);
    const err = await errorOf(res);
    expect({ status: err.status, code: err.code, message: err.message.replaceAll("&apos;", "'") }).toEqual({ status: 400, code, message });
    await nothingStored(op, key);
  });
});

test("PutObjectTagging with more than 10 tags is BadRequest, as S3 answers", async () => {
  const TagSet = Array.from({ length: 11 }, (_, i) => ({ Key: `k${i}`, Value: "v" }));
  await rejectsWith(s3.send(new PutObjectTaggingCommand({ Bucket: B, Key: "source", Tagging: { TagSet } })), "BadRequest", 400);
  expect((await s3.send(new GetObjectTaggingCommand({ Bucket: B, Key: "source" }))).TagSet).toEqual([]);
});
