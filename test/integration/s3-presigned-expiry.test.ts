// Presigned URL lifetimes, answered as AWS answers them: X-Amz-Expires that is not a number,
// negative or over a week is 400 AuthorizationQueryParametersError (AWS's messages); a URL past
// its lifetime (X-Amz-Expires=0 included) and a SigV2 URL whose Expires has passed are 403
// AccessDenied "Request has expired". Nothing is read or written through a refused URL.
import { describe, expect, test } from "bun:test";
import { HeadObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { errorOf, ROOT_PASSWORD, ROOT_USER } from "../support/s3-harness.ts";
import { rejectsWith } from "../support/s3-expect.ts";
import { presignV2Query } from "../support/sigv2-signer.ts";
import { useS3Bucket } from "../support/use-s3-bucket.ts";

const B = "expiry";
const { h, s3 } = useS3Bucket(B, {
  setup: async () => {
    await s3.send(new PutObjectCommand({ Bucket: B, Key: "readable", Body: "data" }));
  },
});

const WEEK = "X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than 604800 seconds";
const absent = (k: string) => rejectsWith(s3.send(new HeadObjectCommand({ Bucket: B, Key: k })), "NotFound", 404);

/** A presigned URL with X-Amz-Expires replaced after signing (the lifetime is checked first). */
async function withExpires(value: string, method = "GET", key = "readable"): Promise<string> {
  const url = new URL(await h.presign({ method, path: `/${B}/${key}` }));
  url.searchParams.set("X-Amz-Expires", value);
  return url.toString();
}

describe("SigV4 X-Amz-Expires", () => {
  test.each([
    ["604801", WEEK],
    ["99999999", WEEK],
    ["-1", "X-Amz-Expires must be non-negative"],
    ["abc", "X-Amz-Expires should be a number"],
    ["", "X-Amz-Expires should be a number"],
  ])("X-Amz-Expires=%p is 400 AuthorizationQueryParametersError", async (value, message) => {
    const res = await fetch(await withExpires(value));
    expect(await errorOf(res)).toMatchObject({ status: 400, code: "AuthorizationQueryParametersError", message });
  });

  test("a PUT through an out-of-range URL stores nothing", async () => {
    const res = await fetch(await withExpires("604801", "PUT", "too-long"), { method: "PUT", body: new Uint8Array([1]) });
    expect(res.status).toBe(400);
    await absent("too-long");
  });

  test("X-Amz-Expires=0 has expired at once: 403 AccessDenied", async () => {
    expect(await errorOf(await fetch(await withExpires("0")))).toMatchObject({ status: 403, code: "AccessDenied", message: "Request has expired" });
  });

  test("a week is the longest lifetime accepted; past it the URL is 403 Request has expired", async () => {
    expect((await fetch(await h.presign({ path: `/${B}/readable`, expiresIn: 604800 }))).status).toBe(200);
    const old = await h.presign({ path: `/${B}/readable`, expiresIn: 60, signingDate: new Date(Date.now() - 3600_000) });
    expect(await errorOf(await fetch(old))).toMatchObject({ status: 403, code: "AccessDenied", message: "Request has expired" });
    const oldPut = await h.presign({ method: "PUT", path: `/${B}/late`, expiresIn: 60, signingDate: new Date(Date.now() - 3600_000) });
    expect((await fetch(oldPut, { method: "PUT", body: new Uint8Array([1]) })).status).toBe(403);
    await absent("late");
  });
});

describe("SigV2 Expires", () => {
  const url = (k: string, method: string, expires: number) =>
    `${h.endpoint}/${B}/${k}?${presignV2Query({ method, path: `/${B}/${k}`, accessKey: ROOT_USER, secret: ROOT_PASSWORD }, expires)}`;

  test("an Expires in the past is 403 AccessDenied Request has expired; a PUT stores nothing", async () => {
    const past = Math.floor(Date.now() / 1000) - 5;
    expect(await errorOf(await fetch(url("readable", "GET", past)))).toMatchObject({ status: 403, code: "AccessDenied", message: "Request has expired" });
    expect((await fetch(url("v2-late", "PUT", past), { method: "PUT", body: new Uint8Array([1]) })).status).toBe(403);
    await absent("v2-late");
    expect((await fetch(url("readable", "GET", past + 600))).status).toBe(200);
  });
});
