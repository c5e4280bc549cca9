// Bad input and the answers S3 gives: the error document and request-id headers, names and keys
// that cannot be stored, malformed and oversized XML, bodies that do not match their declared
// length (raw sockets, since fetch() keeps framing honest), unsupported operations, and
// uploads cut off mid-body leaving nothing behind.
import { describe, expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  PutObjectCommand,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { errorOf } from "../support/s3-harness.ts";
import { rawExchange } from "../support/raw-http.ts";
import { rejectsWith } from "../support/s3-expect.ts";
import { useS3Bucket } from "../support/use-s3-bucket.ts";

const B = "errors";
const { h, s3 } = useS3Bucket(B, {
  setup: async () => {
    await s3.send(new PutObjectCommand({ Bucket: B, Key: "exists", Body: "here" }));
  },
});

/** Files left in the drives' staging areas (.minio.sys/tmp), recursively. */
function stagedFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) (e.isDirectory() ? walk : (p: string) => out.push(p))(join(dir, e.name));
  };
  for (const d of h.drives) walk(join(d, ".minio.sys", "tmp"));
  return out;
}

/** Staging clean-up is asynchronous after a failure: wait (bounded) for it to finish. */
async function expectNoStagedFiles(): Promise<void> {
  for (let i = 0; i < 200 && stagedFiles().length > 0; i++) await Bun.sleep(25);
  expect(stagedFiles()).toEqual([]);
}

describe("the error document", () => {
  test("Code, Message, Resource, RequestId, HostId; the request id matches the header", async () => {
    const res = await h.signed({ path: `/${B}/missing%20key` });
    const err = await errorOf(res);
    expect(res.headers.get("content-type")).toBe("application/xml");
    expect(err.code).toBe("NoSuchKey");
    expect(err.message.length).toBeGreaterThan(0);
    expect(err.resource).toBe(`/${B}/missing%20key`);
    expect(err.requestId).toBe(res.headers.get("x-amz-request-id")!);
    expect(err.hostId).toBe(res.headers.get("x-amz-id-2")!);
    expect(err.body.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
  });

  test("every response carries a fresh x-amz-request-id, successes included", async () => {
    const ids = new Set<string>();
    for (const r of [
      await h.signed({ path: "/" }),
      await h.signed({ path: `/${B}/exists` }),
      await h.signed({ method: "HEAD", path: `/${B}/exists` }),
      await h.anon("/"),
    ]) {
      await r.arrayBuffer();
      const id = r.headers.get("x-amz-request-id");
      expect(id).toMatch(/^[0-9A-F]{16}$/);
      ids.add(id!);
    }
    expect(ids.size).toBe(4);
  });
});

describe("names and keys", () => {
  test("keys over 1024 bytes are KeyTooLongError", async () => {
    await rejectsWith(s3.send(new PutObjectCommand({ Bucket: B, Key: "k".repeat(1025), Body: "x" })), "KeyTooLongError", 400);
    const ok = await s3.send(new PutObjectCommand({ Bucket: B, Key: Array.from({ length: 5 }, () => "k".repeat(204)).join("/"), Body: "x" }));
    expect(ok.$metadata.httpStatusCode).toBe(200);
  });

  test("keys that are not UTF-8, or that would escape the bucket, are refused", async () => {
    // Raw sockets: fetch() would resolve dot segments before sending. Bun.serve resolves them on
    // arrival (WHATWG URL rules), so a literal "a/../../x" reaches us as "/x" and fails its signature.
    const literal = await h.sign({ method: "PUT", path: `/${B}/a/../../etc/passwd`, body: "x" });
    const dots = await rawExchange(
      h.host,
      "PUT",
      `/${B}/a/../../etc/passwd`,
      { ...literal.headers, "content-length": "1" },
      { body: new TextEncoder().encode("x") },
    );
    expect(dots.body).toMatch(/<Code>(SignatureDoesNotMatch|XMinioInvalidObjectName|XMinioInvalidResourceName)<\/Code>/);
    for (const path of [`/${B}/bad%FF%FE`, `/${B}/a/%2e%2e%2f%2e%2e%2fx`, `/${B}/a//b`, `/${B}/nul%00byte`, `/${B}/${"s".repeat(256)}`]) {
      const { headers } = await h.sign({ method: "PUT", path, body: "x" });
      const reply = await rawExchange(h.host, "PUT", path, { ...headers, "content-length": "1" }, { body: new TextEncoder().encode("x") });
      expect({ path, status: reply.status }).toEqual({ path, status: 400 });
      expect(reply.body).toMatch(/<Code>(XMinioInvalidObjectName|KeyTooLongError|XMinioInvalidResourceName)<\/Code>/);
    }
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: B }));
    expect(listed.Contents!.map((o) => o.Key)).not.toContain("etc/passwd");
  });

  test("oversized user metadata is MetadataTooLarge; an unknown storage class InvalidStorageClass", async () => {
    await rejectsWith(s3.send(new PutObjectCommand({ Bucket: B, Key: "meta", Body: "x", Metadata: { big: "v".repeat(2100) } })), "MetadataTooLarge", 400);
    const res = await h.signed({ method: "PUT", path: `/${B}/meta`, body: "x", headers: { "x-amz-storage-class": "GLACIER_DEEP" } });
    expect((await errorOf(res)).code).toBe("InvalidStorageClass");
    await rejectsWith(s3.send(new HeadObjectCommand({ Bucket: B, Key: "meta" })), "NotFound", 404);
  });
});

describe("XML bodies", () => {
  const versioning = (body: string) => h.signed({ method: "PUT", path: `/${B}`, query: { versioning: "" }, body });

  test("malformed, wrong root, DTDs and entities are MalformedXML", async () => {
    for (const body of [
      "<VersioningConfiguration><Status>Enabled</Status>",
      "not xml",
      '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "Enabled">]><VersioningConfiguration><Status>&e;</Status></VersioningConfiguration>',
      "<A/><B/>",
    ]) {
      const err = await errorOf(await versioning(body));
      expect(err.status).toBe(400);
      expect(["MalformedXML", "IllegalVersioningConfigurationException"]).toContain(err.code);
    }
    expect((await errorOf(await versioning(""))).code).toBe("MissingRequestBodyError");
  });

  test("deeply nested and oversized documents are refused without being parsed", async () => {
    const deep = "<a>".repeat(5000) + "</a>".repeat(5000);
    expect((await errorOf(await versioning(deep))).code).toBe("MalformedXML");
    const huge = `<Delete>${"<Object><Key>k</Key></Object>".repeat(120_000)}</Delete>`;
    const res = await h.signed({ method: "POST", path: `/${B}`, query: { delete: "" }, body: huge, headers: { "content-md5": "AAAAAAAAAAAAAAAAAAAAAA==" } });
    expect(res.status).toBe(400);
    expect(["MaxMessageLengthExceeded", "MalformedXML"]).toContain((await errorOf(res)).code);
    // Refused before its body was read: the client's next request must still be answered.
    expect((await h.signed({ path: `/${B}/exists` })).status).toBe(200);
  });
});

describe("unsupported operations answer NotImplemented or MethodNotAllowed, never a wrong success", () => {
  test.each([
    ["PUT", `/${B}`, { lifecycle: "" }, 501],
    ["PUT", `/${B}`, { cors: "" }, 501],
    ["PUT", `/${B}`, { replication: "" }, 501],
    ["PUT", `/${B}`, { "object-lock": "" }, 501],
    ["DELETE", `/${B}`, { lifecycle: "" }, 501],
    ["GET", `/${B}/exists`, { torrent: "" }, 501],
    ["POST", `/${B}/exists`, { restore: "" }, 501],
    ["POST", `/${B}/exists`, { select: "", "select-type": "2" }, 501],
    ["PATCH", `/${B}/exists`, {}, 405],
    ["POST", "/", {}, 405],
  ] as const)("%s %s %o → %d", async (method, path, query, status) => {
    const res = await h.signed({ method, path, query: query as Record<string, string>, body: method === "GET" ? undefined : "" });
    expect(res.status).toBe(status);
    expect((await errorOf(res)).code).toBe(status === 501 ? "NotImplemented" : "MethodNotAllowed");
  });

  test("configurations we do not keep read as absent", async () => {
    expect((await errorOf(await h.signed({ path: `/${B}`, query: { lifecycle: "" } }))).code).toBe("NoSuchLifecycleConfiguration");
    expect((await errorOf(await h.signed({ path: `/${B}`, query: { cors: "" } }))).code).toBe("NoSuchCORSConfiguration");
    expect((await errorOf(await h.signed({ path: `/${B}`, query: { encryption: "" } }))).code).toBe("ServerSideEncryptionConfigurationNotFoundError");
  });

  test("configurations MinIO stored in a migrated bucket read back as stored (and stay read-only)", async () => {
    const lifecycle = `<LifecycleConfiguration><Rule><ID>old</ID><Status>Enabled</Status><Filter><Prefix>logs/</Prefix></Filter><Expiration><Days>7</Days></Expiration></Rule></LifecycleConfiguration>`;
    const notification = `<NotificationConfiguration><QueueConfiguration><Id>1</Id><Queue>arn:minio:sqs::1:webhook</Queue><Event>s3:ObjectCreated:*</Event></QueueConfiguration></NotificationConfiguration>`;
    await h.signed({ method: "PUT", path: "/migrated" });
    await h.bunker.store.setBucketConfig("migrated", "lifecycle", new TextEncoder().encode(lifecycle));
    await h.bunker.store.setBucketConfig("migrated", "notification", new TextEncoder().encode(notification));
    const got = await h.signed({ path: "/migrated", query: { lifecycle: "" } });
    expect(got.status).toBe(200);
    expect(await got.text()).toContain(lifecycle);
    expect(await (await h.signed({ path: "/migrated", query: { notification: "" } })).text()).toContain(notification);
    // Still nothing for what was not stored, and no way to change what was.
    expect((await errorOf(await h.signed({ path: "/migrated", query: { replication: "" } }))).code).toBe("ReplicationConfigurationNotFoundError");
    expect((await h.signed({ method: "PUT", path: "/migrated", query: { lifecycle: "" }, body: lifecycle })).status).toBe(501);
    expect(await (await h.signed({ path: "/migrated", query: { lifecycle: "" } })).text()).toContain(lifecycle);
  });
});

describe("bodies that do not match their length", () => {
  test("a PUT without Content-Length (plain chunked transfer) is MissingContentLength", async () => {
    const stream = new ReadableStream({ start: (c) => (c.enqueue(new TextEncoder().encode("streamed")), c.close()) });
    const { url, headers } = await h.sign({ method: "PUT", path: `/${B}/no-length`, payloadHash: "UNSIGNED-PAYLOAD" });
    const res = await fetch(url, { method: "PUT", headers, body: stream, duplex: "half" } as RequestInit);
    expect(res.status).toBe(411);
    expect((await errorOf(res)).code).toBe("MissingContentLength");
    await rejectsWith(s3.send(new HeadObjectCommand({ Bucket: B, Key: "no-length" })), "NotFound", 404);
  });

  test("a declared length beyond the limits is EntityTooLarge before any byte is read", async () => {
    const { headers } = await h.sign({
      method: "PUT",
      path: `/${B}/huge-part`,
      query: { partNumber: "1", uploadId: "x" },
      payloadHash: "UNSIGNED-PAYLOAD",
      headers: { "content-length": String(5 * 1024 ** 3 + 1) },
    });
    const reply = await rawExchange(h.host, "PUT", `/${B}/huge-part?partNumber=1&uploadId=x`, headers, { closeAfterHeaders: true });
    expect(reply.status).toBe(400);
    expect(reply.body).toContain("<Code>EntityTooLarge</Code>");
  });

  test("a client that disconnects mid-upload leaves no object, no part and no staged data", async () => {
    const size = 8 * 1024 * 1024;
    const { headers } = await h.sign({ method: "PUT", path: `/${B}/cut-off`, payloadHash: "UNSIGNED-PAYLOAD", headers: { "content-length": String(size) } });
    await rawExchange(h.host, "PUT", `/${B}/cut-off`, headers, { body: new Uint8Array(3 * 1024 * 1024), hangUp: true });
    await expectNoStagedFiles();
    await rejectsWith(s3.send(new HeadObjectCommand({ Bucket: B, Key: "cut-off" })), "NotFound", 404);
    expect((await s3.send(new ListObjectsV2Command({ Bucket: B, Prefix: "cut" }))).KeyCount).toBe(0);
  });

  test("a disconnect during UploadPart leaves no part and no staged data; the upload still completes", async () => {
    const id = (await s3.send(new CreateMultipartUploadCommand({ Bucket: B, Key: "mp-cut" }))).UploadId!;
    const { headers } = await h.sign({
      method: "PUT",
      path: `/${B}/mp-cut`,
      query: { partNumber: "1", uploadId: id },
      payloadHash: "UNSIGNED-PAYLOAD",
      headers: { "content-length": String(6 * 1024 * 1024) },
    });
    await rawExchange(h.host, "PUT", `/${B}/mp-cut?partNumber=1&uploadId=${encodeURIComponent(id)}`, headers, {
      body: new Uint8Array(2 * 1024 * 1024),
      hangUp: true,
    });
    await expectNoStagedFiles();
    expect((await s3.send(new ListPartsCommand({ Bucket: B, Key: "mp-cut", UploadId: id }))).Parts ?? []).toEqual([]);
    const part = await s3.send(new UploadPartCommand({ Bucket: B, Key: "mp-cut", UploadId: id, PartNumber: 1, Body: "whole part" }));
    await s3.send(
      new CompleteMultipartUploadCommand({ Bucket: B, Key: "mp-cut", UploadId: id, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] } }),
    );
    expect((await s3.send(new HeadObjectCommand({ Bucket: B, Key: "mp-cut" }))).ContentLength).toBe(10);
  });

  test("an aws-chunked body carrying more than x-amz-decoded-content-length is refused", async () => {
    const body = "5\r\nhello\r\n5\r\nworld\r\n0\r\n\r\n";
    const res = await h.signed({
      method: "PUT",
      path: `/${B}/too-much`,
      body,
      payloadHash: "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
      headers: { "content-encoding": "aws-chunked", "x-amz-decoded-content-length": "7" },
    });
    expect(res.status).toBe(400);
    await rejectsWith(s3.send(new HeadObjectCommand({ Bucket: B, Key: "too-much" })), "NotFound", 404);
  });

  test("a signed body that ends early (UNSIGNED-PAYLOAD, half sent, then half-close) stores nothing", async () => {
    const { headers } = await h.sign({ method: "PUT", path: `/${B}/short`, payloadHash: "UNSIGNED-PAYLOAD", headers: { "content-length": "1000" } });
    const reply = await rawExchange(h.host, "PUT", `/${B}/short`, headers, { body: new Uint8Array(10), halfClose: true });
    expect([0, 400, 499]).toContain(reply.status);
    await expectNoStagedFiles();
    await rejectsWith(s3.send(new HeadObjectCommand({ Bucket: B, Key: "short" })), "NotFound", 404);
  });

  test("garbage instead of HTTP does not bring the server down", async () => {
    const reply = await rawExchange(h.host, "GARBAGE", "nonsense", {}, { raw: "\x00\x01\x02 not http at all\r\n\r\n" });
    expect(reply.status === 0 || reply.status === 400).toBe(true);
    expect((await h.signed({ path: `/${B}/exists` })).status).toBe(200);
  });
});
