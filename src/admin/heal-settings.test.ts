// The heal call's inputs: bucket and prefix from the raw path, madmin.HealOpts from the body, and
// the madmin error each kind of bad input gets.
import { expect, test } from "bun:test";
import { AdminError } from "./admin-error.ts";
import { healTarget, parseHealSettings } from "./heal-settings.ts";

const enc = (s: string) => new TextEncoder().encode(s);

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof AdminError) return `${err.code} ${err.status}`;
    throw err;
  }
  return "no error";
}

test("the path names everything, a bucket, or a bucket and a prefix (kept exactly, trailing slash and escapes included)", () => {
  expect(healTarget("/minio/admin/v3/heal/")).toEqual({ bucket: "", prefix: "" });
  expect(healTarget("/minio/admin/v3/heal")).toEqual({ bucket: "", prefix: "" });
  expect(healTarget("/minio/admin/v3/heal/photos")).toEqual({ bucket: "photos", prefix: "" });
  expect(healTarget("/minio/admin/v3/heal/photos/dir/")).toEqual({ bucket: "photos", prefix: "dir/" });
  expect(healTarget("/minio/admin/v3/heal/photos/a%20b/c%2Fd")).toEqual({ bucket: "photos", prefix: "a b/c/d" });
});

test("bad paths answer madmin errors", () => {
  expect(codeOf(() => healTarget("/minio/admin/v3/heal/Photos"))).toBe("InvalidBucketName 400");
  expect(codeOf(() => healTarget("/minio/admin/v3/heal/ab"))).toBe("InvalidBucketName 400");
  expect(codeOf(() => healTarget("/minio/admin/v3/heal/192.168.1.1"))).toBe("InvalidBucketName 400");
  expect(codeOf(() => healTarget("/minio/admin/v3/heal/photos/a%zz"))).toBe("XMinioAdminInvalidArgument 400");
  expect(codeOf(() => healTarget("/minio/admin/v3/heal/%zz"))).toBe("XMinioAdminInvalidArgument 400");
  expect(codeOf(() => healTarget("/minio/admin/v3/heal/photos/a%00b"))).toBe("XMinioInvalidObjectName 400");
  expect(codeOf(() => healTarget(`/minio/admin/v3/heal/photos/${"x".repeat(1025)}`))).toBe("XMinioInvalidObjectName 400");
});

test("HealOpts: defaults for an empty body, madmin's fields, each wrong type refused", () => {
  expect(parseHealSettings(new Uint8Array())).toEqual({ recursive: false, dryRun: false, remove: false, recreate: false, scanMode: 0, nolock: false });
  expect(parseHealSettings(enc('{"recursive":true,"dryRun":true,"remove":true,"recreate":false,"scanMode":2,"nolock":true,"extra":1}'))).toEqual({
    recursive: true,
    dryRun: true,
    remove: true,
    recreate: false,
    scanMode: 2,
    nolock: true,
  });
  for (const body of ["{", "[]", "null", '"x"', '{"scanMode":3}', '{"scanMode":1.5}', '{"recursive":1}', '{"dryRun":"true"}']) {
    expect(codeOf(() => parseHealSettings(enc(body)))).toBe("XMinioAdminInvalidArgument 400");
  }
});
