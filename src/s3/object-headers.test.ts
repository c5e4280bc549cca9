// Header values echoed from requests or stored metadata: what may go out as a header, and what
// is refused (InvalidArgument) or left out instead of failing the whole response.
import { describe, expect, test } from "bun:test";
import type { ObjectInfo } from "../object/index.ts";
import { S3Error } from "./errors.ts";
import { applyResponseOverrides, checkHeaderValue, objectHeaders } from "./object-headers.ts";

const codeOf = (f: () => void): string => {
  try {
    f();
    return "ok";
  } catch (err) {
    return err instanceof S3Error ? err.code : String(err);
  }
};

describe("checkHeaderValue", () => {
  test.each(["text/plain", "a\tb", "caf\u00e9", "", "x".repeat(4000)])("%j is a header value", (v) => {
    expect(codeOf(() => checkHeaderValue("h", v, { latin1: true }))).toBe("ok");
  });
  test.each(["a\r\nb", "a\nb", "a\rb", "\u0000", "\u001b[31m", "\u007f"])("%j is InvalidArgument", (v) => {
    expect(codeOf(() => checkHeaderValue("h", v))).toBe("InvalidArgument");
  });
  test("beyond ISO-8859-1 is refused only where the value goes out as is (latin1)", () => {
    expect(codeOf(() => checkHeaderValue("h", "日本", { latin1: true }))).toBe("InvalidArgument");
    expect(codeOf(() => checkHeaderValue("h", "日本"))).toBe("ok");
  });
});

test("a refused override sets none of the others", () => {
  const h = new Headers({ "content-type": "text/plain" });
  const q = new URLSearchParams({ "response-content-type": "text/html", "response-expires": "x\r\ny" });
  expect(codeOf(() => applyResponseOverrides(h, q, true))).toBe("InvalidArgument");
  expect(h.get("content-type")).toBe("text/plain");
});

test("stored metadata no header can carry is left out of GET/HEAD instead of failing them", () => {
  const info = {
    etag: "e",
    modTime: new Date(0),
    contentType: "text/plain\r\nx: y",
    userMeta: { "X-Amz-Meta-Bad": "a\nb", "X-Amz-Meta-Good": "ok", "cache-control": "no\u0000" },
    storageClass: "STANDARD",
  } as unknown as ObjectInfo;
  const h = objectHeaders(info, false);
  expect([h.get("content-type"), h.get("x-amz-meta-bad"), h.get("x-amz-meta-good"), h.get("cache-control")]).toEqual([null, null, "ok", null]);
});
