// POST-policy uploads: the AWS documentation's SigV4 browser-upload example, SigV2, and every
// condition kind failing with the answer S3 gives.
import { describe, expect, test } from "bun:test";
import type { AuthOptions } from "./auth/auth-result.ts";
import { hmacSha1Base64 } from "./auth/signing-keys.ts";
import { S3Error, type S3ErrorCode } from "./errors.ts";
import { checkPostPolicy, parsePostPolicy, verifyPostPolicy } from "./post-policy.ts";

const AK = "AKIAIOSFODNN7EXAMPLE";
const SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const lookup: AuthOptions["lookup"] = async (ak) => (ak === AK ? { secretKey: SECRET } : null);
const NOW = new Date(Date.UTC(2015, 11, 29, 0, 0, 1));
const opts = (over: Partial<AuthOptions> = {}): AuthOptions => ({ region: "us-east-1", lookup, now: NOW, ...over });

// "Example: Browser-Based Upload using HTTP POST (Using AWS Signature Version 4)".
const DOC_POLICY =
  "eyAiZXhwaXJhdGlvbiI6ICIyMDE1LTEyLTMwVDEyOjAwOjAwLjAwMFoiLA0KICAiY29uZGl0aW9ucyI6IFsNCiAgICB7ImJ1Y2tldCI6ICJzaWd2NGV4YW1wbGVidWNrZXQifSwNCiAgICBbInN0YXJ0cy13aXRoIiwgIiRrZXkiLCAidXNlci91c2VyMS8iXSwNCiAgICB7ImFjbCI6ICJwdWJsaWMtcmVhZCJ9LA0KICAgIHsic3VjY2Vzc19hY3Rpb25fcmVkaXJlY3QiOiAiaHR0cDovL3NpZ3Y0ZXhhbXBsZWJ1Y2tldC5zMy5hbWF6b25hd3MuY29tL3N1Y2Nlc3NmdWxfdXBsb2FkLmh0bWwifSwNCiAgICBbInN0YXJ0cy13aXRoIiwgIiRDb250ZW50LVR5cGUiLCAiaW1hZ2UvIl0sDQogICAgeyJ4LWFtei1tZXRhLXV1aWQiOiAiMTQzNjUxMjM2NTEyNzQifSwNCiAgICB7IngtYW16LXNlcnZlci1zaWRlLWVuY3J5cHRpb24iOiAiQUVTMjU2In0sDQogICAgWyJzdGFydHMtd2l0aCIsICIkeC1hbXotbWV0YS10YWciLCAiIl0sDQoNCiAgICB7IngtYW16LWNyZWRlbnRpYWwiOiAiQUtJQUlPU0ZPRE5ON0VYQU1QTEUvMjAxNTEyMjkvdXMtZWFzdC0xL3MzL2F3czRfcmVxdWVzdCJ9LA0KICAgIHsieC1hbXotYWxnb3JpdGhtIjogIkFXUzQtSE1BQy1TSEEyNTYifSwNCiAgICB7IngtYW16LWRhdGUiOiAiMjAxNTEyMjlUMDAwMDAwWiIgfQ0KICBdDQp9";
const DOC_SIGNATURE = "8afdbf4008c03f22c2cd3cdb72e4afbb1f6a588f3255ac628749a66d7f09699e";
const DOC_FIELDS: [string, string][] = [
  ["key", "user/user1/${filename}"],
  ["acl", "public-read"],
  ["success_action_redirect", "http://sigv4examplebucket.s3.amazonaws.com/successful_upload.html"],
  ["Content-Type", "image/jpeg"],
  ["x-amz-meta-uuid", "14365123651274"],
  ["x-amz-server-side-encryption", "AES256"],
  ["X-Amz-Credential", `${AK}/20151229/us-east-1/s3/aws4_request`],
  ["X-Amz-Algorithm", "AWS4-HMAC-SHA256"],
  ["X-Amz-Date", "20151229T000000Z"],
  ["x-amz-meta-tag", ""],
  ["Policy", DOC_POLICY],
  ["X-Amz-Signature", DOC_SIGNATURE],
];

/** Form fields as the form reader yields them: names lower-cased. */
const fieldMap = (fields: [string, string][]) => new Map(fields.map(([k, v]) => [k.toLowerCase(), v]));

async function verify(fields: [string, string][], over: Partial<AuthOptions> = {}, filename = "hello.txt") {
  return verifyPostPolicy(fieldMap(fields), filename, { bucket: "sigv4examplebucket" }, opts(over));
}

async function failure(p: Promise<unknown>): Promise<S3Error> {
  try {
    await p;
  } catch (e) {
    if (e instanceof S3Error) return e;
    throw e;
  }
  throw new Error("expected an S3Error");
}

const replace = (name: string, value: string): [string, string][] => DOC_FIELDS.map(([k, v]) => [k, k === name ? value : v]);

describe("AWS documentation SigV4 example", () => {
  test("verifies, substitutes ${filename}, reports the signer", async () => {
    const r = await verify(DOC_FIELDS);
    expect(r).toMatchObject({ accessKey: AK, version: 4, key: "user/user1/hello.txt" });
    expect(r.contentLengthRange).toBeUndefined();
  });

  test("the decoded policy has the documented conditions", () => {
    const p = parsePostPolicy(DOC_POLICY);
    expect(p.expiration.toISOString()).toBe("2015-12-30T12:00:00.000Z");
    expect(p.conditions).toContainEqual({ op: "starts-with", field: "key", value: "user/user1/" });
    expect(p.conditions).toContainEqual({ op: "eq", field: "bucket", value: "sigv4examplebucket" });
  });

  test.each([
    ["a key outside the allowed prefix", replace("key", "user/user2/x"), "AccessDenied", /\["starts-with", "\$key", "user\/user1\/"\]/],
    ["a different acl", replace("acl", "private"), "AccessDenied", /\$acl/],
    ["a content type outside image/", replace("Content-Type", "text/html"), "AccessDenied", /Content-Type|content-type/],
    ["a changed metadata value", replace("x-amz-meta-uuid", "1"), "AccessDenied", /x-amz-meta-uuid/],
    ["an extra uncovered field", [...DOC_FIELDS, ["x-amz-meta-extra", "1"]], "AccessDenied", /Extra input fields: x-amz-meta-extra/],
    ["a tampered signature", replace("X-Amz-Signature", DOC_SIGNATURE.replace(/e$/, "f")), "SignatureDoesNotMatch", /./],
    ["a tampered policy", replace("Policy", DOC_POLICY.slice(0, -4) + "fQ=="), "SignatureDoesNotMatch", /./],
    ["an unknown access key", replace("X-Amz-Credential", "NOPE/20151229/us-east-1/s3/aws4_request"), "InvalidAccessKeyId", /./],
  ] as [string, [string, string][], S3ErrorCode, RegExp][])("%s → %s", async (_, fields, code, message) => {
    const e = await failure(verify(fields));
    expect(e.code).toBe(code);
    expect(e.message).toMatch(message);
  });

  test("x-ignore-* fields need no condition; uploading into another bucket fails", async () => {
    expect((await verify([...DOC_FIELDS, ["x-ignore-anything", "1"]])).accessKey).toBe(AK);
    expect((await failure(verifyPostPolicy(fieldMap(DOC_FIELDS), "hello.txt", { bucket: "other" }, opts()))).message).toMatch(/\$bucket/);
  });

  test("an expired policy and a wrong region", async () => {
    expect((await failure(verify(DOC_FIELDS, { now: new Date(Date.UTC(2015, 11, 30, 12)) }))).message).toMatch(/expired/);
    expect((await failure(verify(DOC_FIELDS, { region: "eu-west-1" }))).code).toBe("AuthorizationQueryParametersError");
  });
});

describe("SigV2 policies and conditions", () => {
  const future = new Date(NOW.getTime() + 3600_000).toISOString();
  const doc = (conditions: unknown[]) => Buffer.from(JSON.stringify({ expiration: future, conditions })).toString("base64");
  const v2 = (policy: string, extra: [string, string][] = []): [string, string][] => [
    ["key", "uploads/a.txt"],
    ["AWSAccessKeyId", AK],
    ["policy", policy],
    ["signature", hmacSha1Base64(SECRET, policy)],
    ...extra,
  ];

  test("a SigV2 policy with a content-length-range", async () => {
    const policy = doc([{ bucket: "sigv4examplebucket" }, ["starts-with", "$key", "uploads/"], ["content-length-range", 1, 100]]);
    const r = await verify(v2(policy));
    expect(r).toMatchObject({ accessKey: AK, version: 2, key: "uploads/a.txt", contentLengthRange: { min: 1, max: 100 } });
  });

  test("eq-only fields refuse starts-with; success_action_status is a condition like any other", async () => {
    const policy = doc([
      ["starts-with", "$bucket", ""],
      ["starts-with", "$key", ""],
    ]);
    expect((await failure(verify(v2(policy)))).message).toMatch(/\$bucket/);
    const status = doc([{ bucket: "sigv4examplebucket" }, ["starts-with", "$key", ""], { success_action_status: "201" }]);
    expect((await failure(verify(v2(status, [["success_action_status", "200"]])))).message).toMatch(/success_action_status/);
    expect((await verify(v2(status, [["success_action_status", "201"]]))).version).toBe(2);
  });

  test("no policy means an anonymous upload", async () => {
    expect(await verify([["key", "k"]])).toEqual({ key: "k" });
  });
});

describe("documents and forms", () => {
  test.each([
    ["not base64 JSON", "@@@"],
    ["missing expiration", Buffer.from(JSON.stringify({ conditions: [] })).toString("base64")],
    ["conditions not a list", Buffer.from(JSON.stringify({ expiration: "2030-01-01T00:00:00Z", conditions: {} })).toString("base64")],
    ["unknown operator", Buffer.from(JSON.stringify({ expiration: "2030-01-01T00:00:00Z", conditions: [["like", "$key", "a"]] })).toString("base64")],
    ["bad range", Buffer.from(JSON.stringify({ expiration: "2030-01-01T00:00:00Z", conditions: [["content-length-range", -1, "x"]] })).toString("base64")],
  ])("%s → InvalidPolicyDocument", (_, b64) => {
    expect(() => parsePostPolicy(b64)).toThrow(S3Error);
    try {
      parsePostPolicy(b64);
    } catch (e) {
      expect((e as S3Error).code).toBe("InvalidPolicyDocument");
    }
  });

  test("field names match case-insensitively", () => {
    const p = parsePostPolicy(
      Buffer.from(JSON.stringify({ expiration: "2030-01-01T00:00:00Z", conditions: [{ BuCkEt: "b" }, ["EQ", "$X-Amz-Meta-A", "1"]] })).toString("base64"),
    );
    const fields = new Map([["x-amz-meta-a", "1"]]);
    expect(() => checkPostPolicy(p, fields, { bucket: "b", key: "k", now: NOW, signatureV2: false })).not.toThrow();
  });

  test("a policy must name the bucket, even though the bucket comes from the URL", () => {
    const p = parsePostPolicy(
      Buffer.from(JSON.stringify({ expiration: "2030-01-01T00:00:00Z", conditions: [["starts-with", "$key", ""]] })).toString("base64"),
    );
    expect(() => checkPostPolicy(p, new Map([["key", "k"]]), { bucket: "b", key: "k", now: NOW, signatureV2: false })).toThrow("Extra input fields: bucket");
  });

  test('policy strings may escape "$" as AWS documents; base64 is checked strictly', () => {
    const json = '{"expiration": "2030-01-01T00:00:00Z", "conditions": [["starts-with", "$key", "\\$user/"], {"x-amz-meta-a": "back\\\\slash"}]}';
    const p = parsePostPolicy(Buffer.from(json).toString("base64"));
    expect(p.conditions).toContainEqual({ op: "starts-with", field: "key", value: "$user/" });
    expect(p.conditions).toContainEqual({ op: "eq", field: "x-amz-meta-a", value: "back\\slash" });
    const wrapped = Buffer.from(json)
      .toString("base64")
      .replace(/(.{60})/g, "$1\n");
    expect(parsePostPolicy(wrapped).conditions).toHaveLength(2);
    expect(() => parsePostPolicy(Buffer.from(json).toString("base64") + "!")).toThrow("Invalid 'Base64' encoding");
    expect(() => parsePostPolicy(Buffer.from("{not json").toString("base64"))).toThrow("Invalid JSON");
  });
});
