// SigV4 header and presigned verification against the AWS documentation examples, plus the
// failure answers S3 gives for each kind of wrong request.
import { describe, expect, test } from "bun:test";
import { S3Error } from "../errors.ts";
import { authenticate, Authenticator, type AuthOptions } from "./authenticate.ts";
import { canonicalQuery, canonicalUri, parseAmzDate, parseQuery } from "./canonical.ts";

export const AK = "AKIAIOSFODNN7EXAMPLE";
export const SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const DOC_NOW = new Date(Date.UTC(2013, 4, 24, 0, 0, 0));
const EMPTY = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
const lookup: AuthOptions["lookup"] = async (ak) => (ak === AK ? { secretKey: SECRET } : null);
const opts = (over: Partial<AuthOptions> = {}): AuthOptions => ({ region: "us-east-1", lookup, now: DOC_NOW, ...over });

async function auth(url: string, init: RequestInit, o: Partial<AuthOptions> = {}) {
  const req = new Request(url, init);
  return authenticate(req, new URL(req.url), opts(o));
}

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (e instanceof S3Error) return e.code;
    throw e;
  }
  return "ok";
}

const docAuth = (signed: string, sig: string) =>
  `AWS4-HMAC-SHA256 Credential=${AK}/20130524/us-east-1/s3/aws4_request,SignedHeaders=${signed},Signature=${sig}`;

// The four single-chunk examples of "Signature Calculations for the Authorization Header".
const GET_OBJECT = {
  url: "http://examplebucket.s3.amazonaws.com/test.txt",
  init: {
    headers: {
      host: "examplebucket.s3.amazonaws.com",
      range: "bytes=0-9",
      "x-amz-content-sha256": EMPTY,
      "x-amz-date": "20130524T000000Z",
      authorization: docAuth("host;range;x-amz-content-sha256;x-amz-date", "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"),
    },
  },
};
const PUT_OBJECT = {
  url: "http://examplebucket.s3.amazonaws.com/test$file.text",
  init: {
    method: "PUT",
    body: "Welcome to Amazon S3.",
    headers: {
      date: "Fri, 24 May 2013 00:00:00 GMT",
      "x-amz-date": "20130524T000000Z",
      "x-amz-storage-class": "REDUCED_REDUNDANCY",
      "x-amz-content-sha256": "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072",
      authorization: docAuth(
        "date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class",
        "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd",
      ),
    },
  },
};
const GET_LIFECYCLE = {
  url: "http://examplebucket.s3.amazonaws.com/?lifecycle",
  init: {
    headers: {
      "x-amz-date": "20130524T000000Z",
      "x-amz-content-sha256": EMPTY,
      authorization: docAuth("host;x-amz-content-sha256;x-amz-date", "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543"),
    },
  },
};
const LIST_OBJECTS = {
  url: "http://examplebucket.s3.amazonaws.com/?max-keys=2&prefix=J",
  init: {
    headers: {
      "x-amz-date": "20130524T000000Z",
      "x-amz-content-sha256": EMPTY,
      authorization: docAuth("host;x-amz-content-sha256;x-amz-date", "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"),
    },
  },
};
const PRESIGNED =
  "http://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256" +
  `&X-Amz-Credential=${AK}%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z` +
  "&X-Amz-Expires=86400&X-Amz-SignedHeaders=host" +
  "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404";

describe("AWS documentation vectors", () => {
  test.each([
    ["GET object", GET_OBJECT],
    ["PUT object", PUT_OBJECT],
    ["GET bucket lifecycle", GET_LIFECYCLE],
    ["GET bucket (list objects)", LIST_OBJECTS],
  ])("%s verifies", async (_, v) => {
    const r = await auth(v.url, v.init);
    expect(r.kind).toBe("signed");
    if (r.kind !== "signed") return;
    expect(r.accessKey).toBe(AK);
    expect(r.version).toBe(4);
    expect(r.method).toBe("header");
    expect(r.region).toBe("us-east-1");
    expect(r.payload.mode).toBe("sha256");
  });

  test("PUT object: the payload hash becomes the expected body hash", async () => {
    const r = await auth(PUT_OBJECT.url, PUT_OBJECT.init);
    expect(r.payload).toEqual({ mode: "sha256", expected: "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072" });
  });

  test("presigned GET verifies and is UNSIGNED-PAYLOAD", async () => {
    const r = await auth(PRESIGNED, {});
    expect(r.kind === "signed" && r.method === "presigned").toBe(true);
    expect(r.payload).toEqual({ mode: "unsigned" });
  });

  test("an empty server region accepts the client's region", async () => {
    expect((await auth(GET_OBJECT.url, GET_OBJECT.init, { region: "" })).kind).toBe("signed");
  });
});

describe("tampering", () => {
  const headers = GET_OBJECT.init.headers;
  test.each([
    ["method", GET_OBJECT.url, { method: "HEAD", headers }],
    ["path", "http://examplebucket.s3.amazonaws.com/test.txu", { headers }],
    ["query", GET_OBJECT.url + "?x=1", { headers }],
    ["signed header", GET_OBJECT.url, { headers: { ...headers, range: "bytes=0-10" } }],
    ["host", "http://otherbucket.s3.amazonaws.com/test.txt", { headers: { ...headers, host: "otherbucket.s3.amazonaws.com" } }],
    ["date", GET_OBJECT.url, { headers: { ...headers, "x-amz-date": "20130524T000001Z" } }],
    ["payload hash", GET_OBJECT.url, { headers: { ...headers, "x-amz-content-sha256": "UNSIGNED-PAYLOAD" } }],
    ["signature", GET_OBJECT.url, { headers: { ...headers, authorization: headers.authorization.replace(/1$/, "2") } }],
  ])("changed %s → SignatureDoesNotMatch", async (_, url, init) => {
    expect(await code(auth(url, init))).toBe("SignatureDoesNotMatch");
  });

  test("wrong secret → SignatureDoesNotMatch", async () => {
    expect(await code(auth(GET_OBJECT.url, GET_OBJECT.init, { lookup: async () => ({ secretKey: SECRET + "x" }) }))).toBe("SignatureDoesNotMatch");
  });

  test("unsigned extra headers do not matter", async () => {
    const init = { headers: { ...headers, "user-agent": "x", "x-forwarded-for": "1.2.3.4" } };
    expect(await code(auth(GET_OBJECT.url, init))).toBe("ok");
  });

  test("presigned: changed path, expiry or signature → SignatureDoesNotMatch", async () => {
    expect(await code(auth(PRESIGNED.replace("test.txt", "test.txu"), {}))).toBe("SignatureDoesNotMatch");
    expect(await code(auth(PRESIGNED.replace("X-Amz-Expires=86400", "X-Amz-Expires=86401"), {}))).toBe("SignatureDoesNotMatch");
    expect(await code(auth(PRESIGNED + "&extra=1", {}))).toBe("SignatureDoesNotMatch");
    expect(await code(auth(PRESIGNED.replace(/d404$/, "d405"), {}))).toBe("SignatureDoesNotMatch");
  });
});

describe("request errors", () => {
  const headers = GET_OBJECT.init.headers;
  const withAuth = (a: string) => ({ headers: { ...headers, authorization: a } });

  test("unknown access key → InvalidAccessKeyId", async () => {
    expect(await code(auth(GET_OBJECT.url, GET_OBJECT.init, { lookup: async () => null }))).toBe("InvalidAccessKeyId");
  });

  test("region mismatch → AuthorizationHeaderMalformed naming the expected region", async () => {
    try {
      await auth(GET_OBJECT.url, GET_OBJECT.init, { region: "eu-west-1" });
      throw new Error("accepted");
    } catch (e) {
      expect((e as S3Error).code).toBe("AuthorizationHeaderMalformed");
      expect((e as S3Error).fields.Region).toBe("eu-west-1");
    }
    expect(await code(auth(PRESIGNED, {}, { region: "eu-west-1" }))).toBe("AuthorizationQueryParametersError");
  });

  test.each([
    ["no Signature", docAuth("host", "").replace(",Signature=", "")],
    ["no SignedHeaders", `AWS4-HMAC-SHA256 Credential=${AK}/20130524/us-east-1/s3/aws4_request,Signature=ab`],
    ["bad service", headers.authorization.replace("/s3/", "/s4/")],
    ["bad terminator", headers.authorization.replace("aws4_request", "aws4_reques")],
    ["short credential", headers.authorization.replace(`${AK}/20130524/`, "")],
    ["credential date differs from x-amz-date", headers.authorization.replace("20130524", "20130523")],
  ])("%s → AuthorizationHeaderMalformed", async (_, a) => {
    expect(await code(auth(GET_OBJECT.url, withAuth(a)))).toBe("AuthorizationHeaderMalformed");
  });

  test("other schemes and mixed mechanisms are refused", async () => {
    expect(await code(auth(GET_OBJECT.url, withAuth("Bearer abc")))).toBe("InvalidRequest");
    expect(await code(auth(PRESIGNED, { headers: { authorization: headers.authorization } }))).toBe("InvalidArgument");
  });

  test("host must be signed", async () => {
    expect(await code(auth(GET_OBJECT.url, withAuth(headers.authorization.replace("host;", ""))))).toBe("AccessDenied");
  });

  test("missing or malformed date → AccessDenied", async () => {
    const { "x-amz-date": _, ...noDate } = headers;
    expect(await code(auth(GET_OBJECT.url, { headers: noDate }))).toBe("AccessDenied");
    expect(await code(auth(GET_OBJECT.url, { headers: { ...headers, "x-amz-date": "2013-05-24T00:00:00Z" } }))).toBe("AccessDenied");
  });

  test("clock skew beyond 15 minutes → RequestTimeTooSkewed; within → accepted", async () => {
    const later = (ms: number) => new Date(DOC_NOW.getTime() + ms);
    expect(await code(auth(GET_OBJECT.url, GET_OBJECT.init, { now: later(15 * 60_000) }))).toBe("ok");
    expect(await code(auth(GET_OBJECT.url, GET_OBJECT.init, { now: later(15 * 60_000 + 1000) }))).toBe("RequestTimeTooSkewed");
    expect(await code(auth(GET_OBJECT.url, GET_OBJECT.init, { now: later(-16 * 60_000) }))).toBe("RequestTimeTooSkewed");
  });

  test("an invalid x-amz-content-sha256 → InvalidArgument; SigV4a streaming → NotImplemented", async () => {
    expect(await code(auth(GET_OBJECT.url, { headers: { ...headers, "x-amz-content-sha256": "xyz" } }))).toBe("InvalidArgument");
    const v4a = { headers: { ...headers, "x-amz-content-sha256": "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD" } };
    expect(await code(auth(GET_OBJECT.url, v4a))).toBe("NotImplemented");
  });

  test("streaming without x-amz-decoded-content-length → MissingContentLength", async () => {
    const init = { method: "PUT", headers: { "x-amz-content-sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER" } };
    expect(await code(auth(GET_OBJECT.url, init))).toBe("MissingContentLength");
  });

  test("temporary credentials need their session token", async () => {
    const withToken: AuthOptions["lookup"] = async () => ({ secretKey: SECRET, sessionToken: "tok" });
    expect(await code(auth(GET_OBJECT.url, GET_OBJECT.init, { lookup: withToken }))).toBe("InvalidToken");
  });
});

describe("presigned limits", () => {
  const at = (seconds: number) => new Date(DOC_NOW.getTime() + seconds * 1000);
  test("valid until X-Amz-Date + X-Amz-Expires, then AccessDenied", async () => {
    expect(await code(auth(PRESIGNED, {}, { now: at(86400) }))).toBe("ok");
    expect(await code(auth(PRESIGNED, {}, { now: at(86401) }))).toBe("AccessDenied");
  });

  test("not valid yet more than 15 minutes before X-Amz-Date", async () => {
    expect(await code(auth(PRESIGNED, {}, { now: at(-901) }))).toBe("AccessDenied");
    expect(await code(auth(PRESIGNED, {}, { now: at(-899) }))).toBe("ok");
  });

  test.each([
    ["0", "AccessDenied"],
    ["99999999", "AuthorizationQueryParametersError"],
    ["604801", "AuthorizationQueryParametersError"],
    ["-1", "AuthorizationQueryParametersError"],
    ["abc", "AuthorizationQueryParametersError"],
  ])("X-Amz-Expires=%s → %s", async (expires, want) => {
    expect(await code(auth(PRESIGNED.replace("X-Amz-Expires=86400", `X-Amz-Expires=${expires}`), {}))).toBe(want);
  });

  test("missing parameters and wrong algorithm → AuthorizationQueryParametersError", async () => {
    expect(await code(auth(PRESIGNED.replace(/&X-Amz-Date=[^&]+/, ""), {}))).toBe("AuthorizationQueryParametersError");
    expect(await code(auth(PRESIGNED.replace("AWS4-HMAC-SHA256", "AWS4-HMAC-SHA512"), {}))).toBe("AuthorizationQueryParametersError");
  });
});

describe("canonical pieces", () => {
  test("URI encoding: decoded once, encoded once, slash kept", () => {
    expect(canonicalUri("/b/a%20b+c%2Bd/%C3%A9~")).toBe("/b/a%20b%2Bc%2Bd/%C3%A9~");
    expect(canonicalUri("/test$file.text")).toBe("/test%24file.text");
    expect(canonicalUri("/b/%2F%2f")).toBe("/b///");
    expect(canonicalUri("/b/%ff%fe")).toBe("/b/%FF%FE"); // not UTF-8, kept byte for byte
    expect(canonicalUri("/b/100%")).toBe("/b/100%25");
    expect(canonicalUri("")).toBe("/");
  });

  test("query: sorted by name then value, empty values kept, + is a space", () => {
    expect(canonicalQuery("?prefix=J&max-keys=2")).toBe("max-keys=2&prefix=J");
    expect(canonicalQuery("b=2&a=2&a=1&acl")).toBe("a=1&a=2&acl=&b=2");
    expect(canonicalQuery("p=a+b%2Bc&x=%7E*")).toBe("p=a%20b%2Bc&x=~%2A");
  });

  test("parseQuery decodes names and values the way signing reads them", () => {
    expect(parseQuery("?a=1&b=x+y%2Bz&c&d=%E2%9C%93&&")).toEqual([
      ["a", "1"],
      ["b", "x y+z"],
      ["c", ""],
      ["d", "✓"],
    ]);
  });

  test("amz dates are strict", () => {
    expect(parseAmzDate("20130524T000000Z")?.toISOString()).toBe("2013-05-24T00:00:00.000Z");
    expect(parseAmzDate("20130230T000000Z")).toBeUndefined();
    expect(parseAmzDate("20130524T000000")).toBeUndefined();
  });
});

test("Authenticator shares one signing-key cache across requests", async () => {
  const a = new Authenticator({ region: "us-east-1", lookup, keyCacheSize: 2 });
  const req = new Request(GET_OBJECT.url, GET_OBJECT.init);
  expect((await a.authenticate(req, new URL(req.url), { now: DOC_NOW })).kind).toBe("signed");
  const again = new Request(LIST_OBJECTS.url, LIST_OBJECTS.init);
  expect((await a.authenticate(again, new URL(again.url), { now: DOC_NOW })).kind).toBe("signed");
});
