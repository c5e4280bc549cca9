// Bucket, key, id and parameter validation against MinIO's rules.
import { describe, expect, test } from "bun:test";
import { posix } from "node:path";
import { S3Error } from "./errors.ts";
import {
  decodeObjectKey,
  isValidBucketName,
  parseMaxKeys,
  parsePartNumber,
  prefixCanMatch,
  validateBucketName,
  validateMetadataHeaders,
  validateObjectKey,
  validateObjectPrefix,
  validateUploadId,
  validateVersionId,
} from "./validate.ts";

function codeOf(fn: () => unknown): string {
  try {
    fn();
    return "ok";
  } catch (e) {
    if (e instanceof S3Error) return e.code;
    throw e;
  }
}

describe("bucket names", () => {
  test.each(["abc", "my-bucket", "my.bucket.1", "a".repeat(63), "1bucket", "b-1.2"])("%s is valid", (name) => {
    expect(isValidBucketName(name)).toBe(true);
    expect(codeOf(() => validateBucketName(name))).toBe("ok");
  });

  test.each([
    "ab",
    "a".repeat(64),
    "Bucket",
    "my_bucket",
    "-bucket",
    "bucket-",
    ".bucket",
    "bucket.",
    "my..bucket",
    "my.-bucket",
    "my-.bucket",
    "192.168.1.1",
    "bucket name",
    "bücket",
    "minio",
    "",
  ])("%j is InvalidBucketName", (name) => {
    expect(codeOf(() => validateBucketName(name))).toBe("InvalidBucketName");
  });

  test("relaxed rules for existing buckets allow upper case, '_' and ':'", () => {
    expect(isValidBucketName("Old_Bucket:1", false)).toBe(true);
    expect(codeOf(() => validateBucketName("Old_Bucket", { strict: false }))).toBe("ok");
    expect(isValidBucketName("a..b", false)).toBe(false);
  });
});

describe("object keys", () => {
  test.each(["a", "dir/file.txt", "trailing/", "a b+c%d", "日本語", "😀", ".hidden", "..dots", "a/.b/c", "a..b", "x".repeat(255), "tab\tand\nnewline"])(
    "%j is accepted",
    (key) => {
      expect(codeOf(() => validateObjectKey(key, { windows: false }))).toBe("ok");
    },
  );

  test.each([
    ["", "XMinioInvalidObjectName"],
    ["/leading", "XMinioInvalidObjectName"],
    ["a//b", "XMinioInvalidObjectName"],
    [".", "XMinioInvalidObjectName"],
    ["..", "XMinioInvalidObjectName"],
    ["a/../b", "XMinioInvalidObjectName"],
    ["a/./b", "XMinioInvalidObjectName"],
    ["../../etc/passwd", "XMinioInvalidObjectName"],
    ["a/ .. /b", "XMinioInvalidObjectName"],
    ["a/..", "XMinioInvalidObjectName"],
    ["nul\u0000byte", "XMinioInvalidObjectName"],
    ["lone\ud800surrogate", "XMinioInvalidObjectName"],
    ["y".repeat(256), "XMinioInvalidObjectName"],
    ["back\\slash", "XMinioInvalidObjectName"],
    ["..\\..\\etc", "XMinioInvalidObjectName"],
    ["k".repeat(1025), "KeyTooLongError"],
    ["é".repeat(513), "KeyTooLongError"],
  ])("%j → %s", (key, code) => {
    expect(codeOf(() => validateObjectKey(key, { windows: false }))).toBe(code);
  });

  test("Windows rules refuse the characters NTFS cannot store", () => {
    expect(codeOf(() => validateObjectKey("a:b", { windows: true }))).toBe("XMinioInvalidObjectName");
  });

  test("no accepted key escapes its bucket directory", () => {
    const base = "/drive/bucket";
    for (const key of ["a/b", "..a", "a..", "a/.b", "trailing/", " x "]) {
      validateObjectKey(key, { windows: false });
      const joined = posix.resolve(base, key);
      expect(joined.startsWith(base + "/")).toBe(true);
    }
  });

  test("prefixes may be empty and end in a slash but follow the other rules", () => {
    expect(codeOf(() => validateObjectPrefix(""))).toBe("ok");
    expect(codeOf(() => validateObjectPrefix("photos/"))).toBe("ok");
    expect(codeOf(() => validateObjectPrefix("a//"))).toBe("XMinioInvalidObjectName");
  });

  test("decoding refuses bytes that are not UTF-8", () => {
    expect(decodeObjectKey("a%20b%2Bc+%C3%A9")).toBe("a b+c+é");
    expect(decodeObjectKey("100%")).toBe("100%");
    expect(codeOf(() => decodeObjectKey("%FF%FE"))).toBe("XMinioInvalidObjectName");
    expect(codeOf(() => decodeObjectKey("%C3"))).toBe("XMinioInvalidObjectName");
  });
});

describe("listing prefixes", () => {
  test("a prefix matches keys when some valid key can continue it", () => {
    for (const p of ["", "a", "a/", "a/..", "a/.", "..", ".", "a/b c", "x".repeat(255), `${"s".repeat(255)}/`, `${"k/".repeat(511)}k`])
      expect({ p, ok: prefixCanMatch(p) }).toEqual({ p, ok: true });
    for (const p of ["/a", "a//", "../", "a/../b", "./", "a/./", "a\u0000", "x".repeat(256), `${"s".repeat(256)}/`, "é".repeat(513)])
      expect({ p, ok: prefixCanMatch(p) }).toEqual({ p, ok: false });
    expect(prefixCanMatch("a:b", { windows: true })).toBe(false);
    expect(prefixCanMatch("a:b", { windows: false })).toBe(true);
  });
});

describe("ids and numbers", () => {
  test("version ids", () => {
    expect(codeOf(() => validateVersionId("null"))).toBe("ok");
    expect(codeOf(() => validateVersionId("0a1b2c3d-4e5f-6789-abcd-ef0123456789"))).toBe("ok");
    expect(codeOf(() => validateVersionId("NULL"))).toBe("InvalidArgument");
    expect(codeOf(() => validateVersionId("../x"))).toBe("InvalidArgument");
  });

  test("max-keys: default 1000, capped at 1000, non-negative integers only", () => {
    expect(parseMaxKeys(null)).toBe(1000);
    expect(parseMaxKeys("0")).toBe(0);
    expect(parseMaxKeys("5")).toBe(5);
    expect(parseMaxKeys("100000")).toBe(1000);
    for (const bad of ["-1", "abc", "1.5", "99999999999"]) expect(codeOf(() => parseMaxKeys(bad))).toBe("InvalidArgument");
  });

  test("part numbers 1..10000", () => {
    expect(parsePartNumber("1")).toBe(1);
    expect(parsePartNumber("10000")).toBe(10000);
    expect(parsePartNumber("010000")).toBe(10000);
    expect(parsePartNumber("02")).toBe(2);
    expect(parsePartNumber("0000000000010")).toBe(10);
    for (const bad of ["0", "00", "10001", "-1", "x", null, "1e3", " 1", "1 ", "1.0", ""]) expect(codeOf(() => parsePartNumber(bad))).toBe("InvalidArgument");
  });

  test("upload ids outside the base64url alphabet are NoSuchUpload", () => {
    expect(codeOf(() => validateUploadId("ZGVwbG95bWVudC5hYmM"))).toBe("ok");
    for (const bad of ["", "../x", "a/b", "a b", "x".repeat(2000)]) expect(codeOf(() => validateUploadId(bad))).toBe("NoSuchUpload");
  });
});

describe("metadata headers", () => {
  test("MinIO-internal names are refused", () => {
    expect(codeOf(() => validateMetadataHeaders(new Headers({ "X-Minio-Internal-foo": "x" })))).toBe("InvalidArgument");
  });

  test("size limits apply only when given", () => {
    const h = new Headers({ "x-amz-meta-big": "v".repeat(3000) });
    expect(codeOf(() => validateMetadataHeaders(h))).toBe("ok");
    expect(codeOf(() => validateMetadataHeaders(h, { maxUserBytes: 2048 }))).toBe("MetadataTooLarge");
    expect(codeOf(() => validateMetadataHeaders(new Headers({ "x-amz-meta-a": "b" }), { maxUserBytes: 2048, maxHeaderBytes: 8192 }))).toBe("ok");
  });
});
