// User metadata that is not US-ASCII, as S3 treats it: values sent RFC 2047-encoded are stored
// decoded, values sent as raw bytes (UTF-8, or ISO-8859-1 as Node's http sends "é") are stored as
// their text, and any value that is not US-ASCII is answered as "=?UTF-8?B?…?=" — what AWS gives
// the AWS SDK v3 and boto3 for the same input (boto3 itself refuses non-ASCII metadata).
import { expect, test } from "bun:test";
import { CopyObjectCommand, CreateMultipartUploadCommand, HeadObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { rawExchange } from "../support/raw-http.ts";
import { useS3Bucket } from "../support/use-s3-bucket.ts";

const B = "meta-charset";
const { h, s3 } = useS3Bucket(B);

const stored = async (key: string) => (await h.bunker.store.getObjectInfo(B, key)).userMeta;

test("AWS SDK v3: an ISO-8859-1 value comes back RFC 2047-encoded, ASCII values as sent", async () => {
  await s3.send(new PutObjectCommand({ Bucket: B, Key: "sdk", Body: "x", Metadata: { name: "café", plain: "blue sky" } }));
  expect((await stored("sdk"))["X-Amz-Meta-Name"]).toBe("café");
  const head = await s3.send(new HeadObjectCommand({ Bucket: B, Key: "sdk" }));
  expect(head.Metadata).toEqual({ name: "=?UTF-8?B?Y2Fmw6k=?=", plain: "blue sky" });
});

test("RFC 2047 input (how boto3 users send non-ASCII) is stored decoded and answered encoded", async () => {
  await s3.send(
    new PutObjectCommand({ Bucket: B, Key: "encoded", Body: "x", Metadata: { b: "=?UTF-8?B?5pel5pys?=", q: "=?utf-8?Q?caf=C3=A9?=", odd: "=?not-a-word" } }),
  );
  expect(await stored("encoded")).toMatchObject({ "X-Amz-Meta-B": "日本", "X-Amz-Meta-Q": "café", "X-Amz-Meta-Odd": "=?not-a-word" });
  const head = await s3.send(new HeadObjectCommand({ Bucket: B, Key: "encoded" }));
  expect(head.Metadata).toEqual({ b: "=?UTF-8?B?5pel5pys?=", q: "=?UTF-8?B?Y2Fmw6k=?=", odd: "=?not-a-word" });
});

test("raw UTF-8 header bytes are stored as their text and answered encoded, on PUT, CopyObject REPLACE and multipart", async () => {
  const utf8Wire = (s: string) => Buffer.from(s, "utf8").toString("latin1");
  const send = async (method: string, path: string, extra: Record<string, string>, query?: Record<string, string>) => {
    const { headers } = await h.sign({ method, path, query, headers: { "x-amz-meta-name": "日本 ok", ...extra } });
    headers["x-amz-meta-name"] = utf8Wire("日本 ok");
    const qs = query ? `?${new URLSearchParams(query).toString().replace(/=(&|$)/g, "$1")}` : "";
    return rawExchange(h.host, method, path + qs, headers);
  };
  expect((await send("PUT", `/${B}/raw`, { "content-length": "0" })).status).toBe(200);
  expect((await send("PUT", `/${B}/raw-copy`, { "x-amz-copy-source": `/${B}/sdk`, "x-amz-metadata-directive": "REPLACE" })).status).toBe(200);
  expect((await send("POST", `/${B}/raw-mp`, {}, { uploads: "" })).status).toBe(200);
  for (const key of ["raw", "raw-copy"]) {
    expect((await stored(key))["X-Amz-Meta-Name"]).toBe("日本 ok");
    const head = await rawExchange(h.host, "HEAD", `/${B}/${key}`, (await h.sign({ method: "HEAD", path: `/${B}/${key}` })).headers);
    expect(head.headers["x-amz-meta-name"]).toBe("=?UTF-8?B?5pel5pysIG9r?=");
  }
  // Copying with COPY keeps the text and the answer.
  await s3.send(new CopyObjectCommand({ Bucket: B, Key: "copied", CopySource: `${B}/raw` }));
  expect((await s3.send(new HeadObjectCommand({ Bucket: B, Key: "copied" }))).Metadata).toEqual({ name: "=?UTF-8?B?5pel5pysIG9r?=" });
  const mp = await s3.send(new CreateMultipartUploadCommand({ Bucket: B, Key: "sdk-mp", Metadata: { name: "=?UTF-8?B?5pel5pys?=" } }));
  expect(mp.UploadId).toBeTruthy();
});
