// CORS at the S3 front door: origin patterns, the preflight answer, and the headers added to
// answers for allowed origins.
import { describe, expect, test } from "bun:test";
import { addCorsHeaders, isPreflight, matchesWildcard, preflightResponse } from "./cors.ts";
import { S3Error } from "./errors.ts";

const policy = { allowOrigins: ["https://app.example.com", "https://*.example.org"] };

const preflight = (origin: string, method: string, headers?: string) =>
  new Request("http://s3.local/bucket/key", {
    method: "OPTIONS",
    headers: { origin, "access-control-request-method": method, ...(headers ? { "access-control-request-headers": headers } : {}) },
  });

describe("origin patterns", () => {
  test.each([
    ["*", "https://anything.example", true],
    ["https://app.example.com", "https://app.example.com", true],
    ["https://app.example.com", "https://app.example.com.evil", false],
    ["https://*.example.org", "https://a.b.example.org", true],
    ["https://*.example.org", "https://example.org", false],
    ["https://*.example.org", "http://a.example.org", false],
    ["*://*.example.org:*", "https://x.example.org:8443", true],
    ["a*a", "a", false],
  ])("%s against %s", (pattern, origin, expected) => {
    expect(matchesWildcard(pattern, origin)).toBe(expected);
  });
});

describe("preflight", () => {
  test("only OPTIONS with Origin and Access-Control-Request-Method is one", () => {
    expect(isPreflight(preflight("https://app.example.com", "PUT"))).toBe(true);
    expect(isPreflight(new Request("http://s3.local/b", { method: "OPTIONS", headers: { origin: "https://a" } }))).toBe(false);
  });

  test("an allowed origin gets its own origin back, the methods and the headers it asked for", () => {
    const res = preflightResponse(preflight("https://x.example.org", "PUT", "content-type, x-amz-date"), policy);
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBe("https://x.example.org");
    expect(res.headers.get("access-control-allow-methods")).toBe("GET, PUT, POST, DELETE, HEAD");
    expect(res.headers.get("access-control-allow-headers")).toBe("content-type, x-amz-date");
    expect(res.headers.get("access-control-allow-credentials")).toBe("true");
    expect(res.headers.get("vary")).toContain("Origin");
  });

  test("another origin, or a method S3 does not serve, is S3's 403 AccessForbidden", () => {
    for (const req of [preflight("https://evil.example.com", "GET"), preflight("https://app.example.com", "PATCH")]) {
      let code = "";
      try {
        preflightResponse(req, policy);
      } catch (err) {
        if (err instanceof S3Error) code = err.code;
      }
      expect(code).toBe("AccessForbidden");
    }
  });
});

describe("actual requests", () => {
  const get = (origin?: string) => new Request("http://s3.local/bucket/key", { headers: origin ? { origin } : {} });

  test("an allowed origin may read the answer and every header it carries", () => {
    const res = new Response("x", { headers: { etag: '"e"', "x-amz-version-id": "v1", "content-type": "text/plain" } });
    addCorsHeaders(get("https://app.example.com"), res, policy);
    expect(res.headers.get("access-control-allow-origin")).toBe("https://app.example.com");
    expect(res.headers.get("access-control-allow-credentials")).toBe("true");
    expect(res.headers.get("access-control-expose-headers")).toBe("etag, x-amz-version-id");
    expect(res.headers.get("vary")).toBe("Origin");
  });

  test("another origin, or none, gets no access headers (the answer still varies by Origin)", () => {
    for (const origin of ["https://evil.example.com", undefined]) {
      const res = new Response("x");
      addCorsHeaders(get(origin), res, policy);
      expect(res.headers.get("access-control-allow-origin")).toBeNull();
      expect(res.headers.get("vary")).toBe("Origin");
    }
  });
});
