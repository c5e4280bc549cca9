// SigV2 header and query-string authentication against the AWS documentation examples.
import { describe, expect, test } from "bun:test";
import { S3Error } from "../errors.ts";
import { authenticate, type AuthOptions } from "./authenticate.ts";
import { hmacSha1Base64 } from "./signing-keys.ts";
import { stringToSignV2 } from "./sigv2.ts";
import { subresourceSuffix } from "./sigv2-resource.ts";

const AK = "AKIAIOSFODNN7EXAMPLE";
const SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const lookup: AuthOptions["lookup"] = async (ak) => (ak === AK ? { secretKey: SECRET } : null);
const HOST = "awsexamplebucket1.us-west-1.s3.amazonaws.com";

async function auth(url: string, init: RequestInit, now: Date, over: Partial<AuthOptions> = {}) {
  const req = new Request(url, init);
  return authenticate(req, new URL(req.url), { region: "us-east-1", lookup, now, virtualHostBucket: "awsexamplebucket1", ...over });
}

async function code(p: Promise<unknown>): Promise<string> {
  return p.then(
    () => "ok",
    (e) => {
      if (e instanceof S3Error) return e.code;
      throw e;
    },
  );
}

const at = (s: string) => new Date(Date.parse(s));

describe("AWS documentation examples (virtual-hosted awsexamplebucket1)", () => {
  test("object GET", async () => {
    const date = "Tue, 27 Mar 2007 19:36:42 +0000";
    const r = await auth(`http://${HOST}/photos/puppy.jpg`, { headers: { date, authorization: `AWS ${AK}:qgk2+6Sv9/oM7G3qLEjTH1a1l1g=` } }, at(date));
    expect(r.kind === "signed" && r.version === 2 && r.method === "header").toBe(true);
    expect(r.payload).toEqual({ mode: "unsigned" });
  });

  test("object PUT (Content-Type is signed)", async () => {
    const date = "Tue, 27 Mar 2007 21:15:45 +0000";
    const headers = { date, "content-type": "image/jpeg", "content-length": "94328", authorization: `AWS ${AK}:iqRzw+ileNPu1fhspnRs8nOjjIA=` };
    expect(await code(auth(`http://${HOST}/photos/puppy.jpg`, { method: "PUT", headers }, at(date)))).toBe("ok");
    const changed = { ...headers, "content-type": "image/png" };
    expect(await code(auth(`http://${HOST}/photos/puppy.jpg`, { method: "PUT", headers: changed }, at(date)))).toBe("SignatureDoesNotMatch");
  });

  test("list (ordinary query parameters are not part of the resource)", async () => {
    const date = "Tue, 27 Mar 2007 19:42:41 +0000";
    const init = { headers: { date, "user-agent": "Mozilla/5.0", authorization: `AWS ${AK}:m0WP8eCtspQl5Ahe6L1SozdX9YA=` } };
    expect(await code(auth(`http://${HOST}/?prefix=photos&max-keys=50&marker=puppy`, init, at(date)))).toBe("ok");
  });

  test("query-string authentication (johnsmith example)", async () => {
    const url = `http://johnsmith.s3.amazonaws.com/photos/puppy.jpg?AWSAccessKeyId=${AK}&Signature=NpgCjnDzrM%2BWFzoENXmpNDUsSn8%3D&Expires=1175139620`;
    const before = new Date(1175139620 * 1000 - 60_000);
    const r = await auth(url, {}, before, { virtualHostBucket: "johnsmith" });
    expect(r.kind === "signed" && r.method === "presigned" && r.version === 2).toBe(true);
    expect(await code(auth(url, {}, new Date(1175139621 * 1000), { virtualHostBucket: "johnsmith" }))).toBe("AccessDenied");
    expect(await code(auth(url.replace("puppy", "kitty"), {}, before, { virtualHostBucket: "johnsmith" }))).toBe("SignatureDoesNotMatch");
    expect(await code(auth(url.replace("1175139620", "1175139621"), {}, before, { virtualHostBucket: "johnsmith" }))).toBe("SignatureDoesNotMatch");
  });
});

describe("grammar", () => {
  test("with x-amz-date the Date line is empty and x-amz-* headers are signed sorted", () => {
    const headers = new Headers({ "x-amz-date": "Tue, 27 Mar 2007 21:20:26 +0000", "X-Amz-Meta-B": " two ", "x-amz-meta-a": "one" });
    expect(stringToSignV2("DELETE", headers, "", "/johnsmith/photos/puppy.jpg")).toBe(
      "DELETE\n\n\n\nx-amz-date:Tue, 27 Mar 2007 21:20:26 +0000\nx-amz-meta-a:one\nx-amz-meta-b:two\n/johnsmith/photos/puppy.jpg",
    );
  });

  test("sub-resources are kept, sorted, values decoded; other parameters dropped", () => {
    expect(subresourceSuffix("?uploadId=a%2Bb&partNumber=2&foo=bar")).toBe("?partNumber=2&uploadId=a+b");
    expect(subresourceSuffix("?acl")).toBe("?acl");
    expect(subresourceSuffix("?versions&prefix=x")).toBe("?versions");
    expect(subresourceSuffix("?prefix=x")).toBe("");
  });

  test("a path-style request signed over the encoded key verifies, with x-amz-date", async () => {
    const now = new Date(Date.UTC(2024, 0, 2, 3, 4, 5));
    const amzDate = now.toUTCString();
    const resource = "/bucket/a%20b%2Bc?uploads";
    const sig = hmacSha1Base64(SECRET, `POST\n\n\n\nx-amz-date:${amzDate}\n${resource}`);
    const init = { method: "POST", headers: { "x-amz-date": amzDate, date: "ignored", authorization: `AWS ${AK}:${sig}` } };
    expect(await code(auth("http://localhost/bucket/a%20b%2Bc?uploads", init, now, { virtualHostBucket: undefined }))).toBe("ok");
  });
});

describe("failures", () => {
  const date = "Tue, 27 Mar 2007 19:36:42 +0000";
  const url = `http://${HOST}/photos/puppy.jpg`;
  const good = { date, authorization: `AWS ${AK}:qgk2+6Sv9/oM7G3qLEjTH1a1l1g=` };

  test("unknown key, bad signature, malformed header", async () => {
    expect(await code(auth(url, { headers: { ...good, authorization: "AWS NOPE:qgk2+6Sv9/oM7G3qLEjTH1a1l1g=" } }, at(date)))).toBe("InvalidAccessKeyId");
    expect(await code(auth(url, { headers: { ...good, authorization: `AWS ${AK}:qgk2+6Sv9/oM7G3qLEjTH1a1l1h=` } }, at(date)))).toBe("SignatureDoesNotMatch");
    expect(await code(auth(url, { headers: { ...good, authorization: `AWS ${AK}` } }, at(date)))).toBe("InvalidArgument");
  });

  test("the resource must include the virtual-hosted bucket", async () => {
    expect(await code(auth(url, { headers: good }, at(date), { virtualHostBucket: undefined }))).toBe("SignatureDoesNotMatch");
  });

  test("a missing date is AccessDenied; a skewed one RequestTimeTooSkewed", async () => {
    expect(await code(auth(url, { headers: { authorization: good.authorization } }, at(date)))).toBe("AccessDenied");
    expect(await code(auth(url, { headers: good }, new Date(at(date).getTime() + 16 * 60_000)))).toBe("RequestTimeTooSkewed");
  });

  test("presigned parameters must be complete and numeric", async () => {
    const now = new Date(0);
    expect(await code(auth(`${url}?AWSAccessKeyId=${AK}&Signature=x`, {}, now))).toBe("AccessDenied");
    expect(await code(auth(`${url}?AWSAccessKeyId=${AK}&Signature=x&Expires=soon`, {}, now))).toBe("AccessDenied");
  });
});
