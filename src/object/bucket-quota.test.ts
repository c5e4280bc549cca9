// Quota JSON as MinIO stores it: the real .metadata.bin fixture's QuotaConfigJSON, newer MinIO's
// "size" taking precedence, what we write (what madmin 2.0.7 makes MinIO store), what is enforced,
// and malformed documents refused with a reason.
import { expect, test } from "bun:test";
import { decodeBucketMetadata } from "../disk/index.ts";
import { readFixture } from "../../test/support/xl-meta-fixtures.ts";
import { encodeBucketQuota, hardQuotaLimit, parseBucketQuota } from "./bucket-quota.ts";

const utf8 = (s: string) => new TextEncoder().encode(s);

test("MinIO's stored quota (the fixture) decodes, and is enforced as a hard limit", async () => {
  const meta = decodeBucketMetadata(await readFixture("rustfs-captured-minio/bucket-interop.metadata.bin"));
  expect(parseBucketQuota(meta.quotaConfigJson)).toEqual({ limit: 10737418240, type: "hard", rate: 0, requests: 0 });
  expect(hardQuotaLimit(meta.quotaConfigJson)).toBe(10737418240);
});

test("size wins over quota when set; what we write reads back and is MinIO's shape for a madmin 2.0.7 request", () => {
  expect(parseBucketQuota(utf8('{"quota":5,"size":7,"quotatype":"hard"}')).limit).toBe(7);
  expect(new TextDecoder().decode(encodeBucketQuota(1048576))).toBe('{"quota":1048576,"quotatype":"hard"}');
  expect(hardQuotaLimit(encodeBucketQuota(1048576))).toBe(1048576);
});

test("only a hard quota above zero is enforced", () => {
  expect(hardQuotaLimit(null)).toBeNull();
  expect(hardQuotaLimit(new Uint8Array())).toBeNull();
  expect(hardQuotaLimit(utf8('{"quota":0}'))).toBeNull();
  expect(hardQuotaLimit(utf8('{"quota":100,"quotatype":"fifo"}'))).toBeNull();
});

test("malformed quota documents are refused with a reason", () => {
  for (const [doc, why] of [
    ["not json", "not valid JSON"],
    ["[1]", "JSON object"],
    ['{"quota":-1}', '"quota"'],
    ['{"quota":1.5}', '"quota"'],
    ['{"quota":"10"}', '"quota"'],
    ['{"quota":1e300}', '"quota"'],
    ['{"quota":1,"quotatype":7}', '"quotatype"'],
  ]) {
    expect(() => parseBucketQuota(utf8(doc))).toThrow(why);
  }
});
