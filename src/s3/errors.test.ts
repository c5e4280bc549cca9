// The S3 error table, the ObjectError → S3 mapping for every kind, and the rendered <Error>.
import { describe, expect, test } from "bun:test";
import { ObjectError, type ObjectErrorKind } from "../object/index.ts";
import { renderError, S3_ERRORS, S3Error, toS3Error } from "./errors.ts";
import { parseXml } from "./xml.ts";

// A Record over the union: the compiler rejects this literal when a kind is added or removed,
// so the loop below always covers every kind.
const ALL_KINDS: Record<ObjectErrorKind, true> = {
  NoSuchBucket: true,
  FormatPending: true,
  BucketAlreadyOwnedByYou: true,
  BucketNotEmpty: true,
  InvalidBucketName: true,
  NoSuchKey: true,
  NoSuchVersion: true,
  InvalidVersionId: true,
  DeleteMarker: true,
  ObjectNameInvalid: true,
  KeyTooLong: true,
  ParentIsObject: true,
  ReadQuorum: true,
  WriteQuorum: true,
  NoSuchUpload: true,
  InvalidPart: true,
  InvalidPartOrder: true,
  EntityTooSmall: true,
  EntityTooLarge: true,
  IncompleteBody: true,
  BadDigest: true,
  ChecksumMismatch: true,
  PreconditionFailed: true,
  Unmodified: true,
  InvalidRange: true,
  InvalidPartNumber: true,
  InvalidArgument: true,
  ObjectLocked: true,
  InvalidObjectState: true,
  NoSuchTagSet: true,
  NoSuchBucketPolicy: true,
  NoSuchLifecycleConfiguration: true,
  ObjectLockConfigurationNotFound: true,
  ServerSideEncryptionConfigurationNotFound: true,
  Unsupported: true,
  LimitExceeded: true,
  OperationTimedOut: true,
  Aborted: true,
  StorageFull: true,
  TooManyVersions: true,
};

describe("toS3Error", () => {
  test.each(Object.keys(ALL_KINDS) as ObjectErrorKind[])("ObjectError %s maps to a table code", (kind) => {
    const e = toS3Error(new ObjectError(kind, `internal detail for ${kind}`, { bucket: "b", key: "k" }));
    expect(e).toBeInstanceOf(S3Error);
    expect(S3_ERRORS[e.code]).toBeDefined();
    expect(e.status).toBe(S3_ERRORS[e.code].status);
    expect(e.fields).toEqual({ BucketName: "b", Key: "k" });
    expect(e.cause).toBeInstanceOf(ObjectError);
  });

  test("specific mappings clients depend on", () => {
    const code = (k: ObjectErrorKind) => toS3Error(new ObjectError(k, "x")).code;
    expect(code("NoSuchKey")).toBe("NoSuchKey");
    expect(code("KeyTooLong")).toBe("KeyTooLongError");
    expect(code("ParentIsObject")).toBe("XMinioParentIsObject");
    expect(code("ReadQuorum")).toBe("SlowDownRead");
    expect(code("WriteQuorum")).toBe("SlowDownWrite");
    expect(code("ChecksumMismatch")).toBe("BadDigest");
    expect(code("ObjectLockConfigurationNotFound")).toBe("ObjectLockConfigurationNotFoundError");
    expect(toS3Error(new ObjectError("NoSuchVersion", "x")).status).toBe(404);
    expect(toS3Error(new ObjectError("DeleteMarker", "x")).status).toBe(405);
  });

  test("object-layer outcomes get the S3 answers they had as HTTP-named kinds: 405, 304, 501 (with its message)", () => {
    const answer = (k: ObjectErrorKind, m = "x") => {
      const e = toS3Error(new ObjectError(k, m));
      return [e.code, e.status, e.message];
    };
    expect(answer("DeleteMarker")).toEqual(["MethodNotAllowed", 405, S3_ERRORS.MethodNotAllowed.message]);
    expect(answer("Unmodified")).toEqual(["NotModified", 304, S3_ERRORS.NotModified.message]);
    expect(answer("Unsupported", '"k" is stored compressed; reading compressed objects is not supported yet')).toEqual([
      "NotImplemented",
      501,
      '"k" is stored compressed; reading compressed objects is not supported yet',
    ]);
  });

  test("internal messages are not shown to clients, argument messages are", () => {
    expect(toS3Error(new ObjectError("ReadQuorum", "drive 3 at /mnt/x is gone")).message).not.toContain("/mnt/x");
    expect(toS3Error(new ObjectError("InvalidArgument", "Part number must be 1..10000")).message).toBe("Part number must be 1..10000");
  });

  test("an answer about a delete marker carries its headers; Last-Modified only on the 405", () => {
    const modTime = new Date("2024-05-06T07:08:09.123Z");
    const marker = { bucket: "b", key: "k", versionId: "0b5e0a52-1c6f-4bd4-9c3e-9c7c1b1d2a11", deleteMarker: true, modTime };
    const current = toS3Error(new ObjectError("NoSuchKey", "x", marker));
    expect([current.code, current.status]).toEqual(["NoSuchKey", 404]);
    expect(current.headers).toEqual({ "x-amz-delete-marker": "true", "x-amz-version-id": marker.versionId });
    expect(current.fields).toEqual({ BucketName: "b", Key: "k" });
    const named = toS3Error(new ObjectError("DeleteMarker", "x", marker));
    expect(named.status).toBe(405);
    expect(named.headers).toEqual({ "x-amz-delete-marker": "true", "x-amz-version-id": marker.versionId, "last-modified": "Mon, 06 May 2024 07:08:09 GMT" });
    // No marker, no marker headers (a plain missing key, or a 405 that is not about a marker).
    expect(toS3Error(new ObjectError("NoSuchKey", "x", { bucket: "b", key: "k", modTime })).headers).toEqual({});
    expect(toS3Error(new ObjectError("DeleteMarker", "x", { modTime })).headers).toEqual({});
  });

  test("S3Error passes through and anything else is InternalError", () => {
    const s3 = new S3Error("NoSuchBucket");
    expect(toS3Error(s3)).toBe(s3);
    const internal = toS3Error(new TypeError("boom at /secret/path"));
    expect(internal.code).toBe("InternalError");
    expect(internal.status).toBe(500);
    expect(internal.message).not.toContain("/secret/path");
    expect(internal.cause).toBeInstanceOf(TypeError);
    expect(toS3Error("a string").code).toBe("InternalError");
  });
});

describe("renderError", () => {
  const ctx = { resource: "/b/a&b", requestId: "REQ1", hostId: "HOST1" };

  test("renders the Error document with fields, status and headers", async () => {
    const res = renderError(new S3Error("NoSuchKey", undefined, { fields: { Key: "a&b", BucketName: "b" } }), ctx);
    expect(res.status).toBe(404);
    expect(res.headers.get("x-amz-request-id")).toBe("REQ1");
    expect(res.headers.get("x-amz-id-2")).toBe("HOST1");
    expect(res.headers.get("content-type")).toBe("application/xml");
    const body = await res.text();
    expect(body.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
    const doc = parseXml(body, { maxBytes: 10_000 }) as { Error: Record<string, string> };
    expect(doc.Error).toEqual({
      Code: "NoSuchKey",
      Message: S3_ERRORS.NoSuchKey.message,
      Key: "a&b",
      BucketName: "b",
      Resource: "/b/a&b",
      RequestId: "REQ1",
      HostId: "HOST1",
    });
  });

  test("HEAD and 304 carry no body; extra headers are kept", async () => {
    const head = renderError(new S3Error("NoSuchKey"), { ...ctx, head: true });
    expect(head.status).toBe(404);
    expect(await head.text()).toBe("");
    const nm = renderError(new S3Error("NotModified", undefined, { headers: { etag: '"x"' } }), ctx);
    expect(nm.status).toBe(304);
    expect(nm.headers.get("etag")).toBe('"x"');
    expect(await nm.text()).toBe("");
  });

  test("a message override replaces the default", async () => {
    const res = renderError(new S3Error("InvalidArgument", "max-keys must be <= 1000"), ctx);
    expect(await res.text()).toContain("<Message>max-keys must be &lt;= 1000</Message>");
  });
});

test("every table entry has a 3-digit status and a sentence message", () => {
  for (const [code, { status, message }] of Object.entries(S3_ERRORS)) {
    expect(status >= 300 && status < 600).toBe(true);
    expect(message.length > 3).toBe(true);
    // AWS's KMS codes carry their service's prefix ("KMS.NotFoundException").
    expect(code).toMatch(/^(KMS\.)?[A-Z][A-Za-z0-9]+$/);
  }
});
