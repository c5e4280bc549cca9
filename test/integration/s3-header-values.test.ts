// Request values a response echoes as a header: GET's response-* overrides (signed and
// presigned), x-amz-website-redirect-location (PUT and CopyObject REPLACE). A value that cannot
// be a header (CR, LF, NUL, other controls, characters beyond ISO-8859-1) is 400 InvalidArgument
// as AWS answers, never a 500, never an injected header; nothing is stored.
import { describe, expect, test } from "bun:test";
import { errorOf } from "../support/s3-harness.ts";
import { useS3Bucket } from "../support/use-s3-bucket.ts";

const B = "echoes";
const { h } = useS3Bucket(null, {
  setup: async () => {
    expect((await h.signed({ method: "PUT", path: `/${B}` })).status).toBe(200);
    expect((await h.signed({ method: "PUT", path: `/${B}/obj`, body: "body", headers: { "content-type": "text/plain" } })).status).toBe(200);
  },
});

const PARAMS = [
  "response-content-type",
  "response-content-language",
  "response-expires",
  "response-cache-control",
  "response-content-disposition",
  "response-content-encoding",
];
const BAD = ["text/html\r\nSet-Cookie: a=b", "x\ny", "x\rY", "nul\u0000", "bell\u0007", "del\u007f", "wide \u0100", "日本.txt"];

describe("response-* overrides", () => {
  test("a value that cannot be a header is 400 InvalidArgument naming the parameter, for GET, HEAD and presigned GET", async () => {
    const seen: string[] = [];
    const wanted: string[] = [];
    for (const param of PARAMS) {
      for (const value of BAD) {
        const get = await h.signed({ path: `/${B}/obj`, query: { [param]: value } });
        const err = await errorOf(get);
        const head = await h.signed({ method: "HEAD", path: `/${B}/obj`, query: { [param]: value } });
        const pre = await fetch(await h.presign({ path: `/${B}/obj`, query: { [param]: value } }));
        const perr = await errorOf(pre);
        seen.push(
          `${param}=${JSON.stringify(value)}: ${err.status} ${err.code} ${/<ArgumentName>(.*?)</.exec(err.body)?.[1]} / HEAD ${head.status} / presigned ${perr.status} ${perr.code}`,
        );
        wanted.push(`${param}=${JSON.stringify(value)}: 400 InvalidArgument ${param} / HEAD 400 / presigned 400 InvalidArgument`);
        expect(get.headers.get("set-cookie")).toBeNull();
      }
    }
    expect(seen).toEqual(wanted);
  });

  test("printable values, ISO-8859-1 included, are sent as given", async () => {
    const res = await h.signed({
      path: `/${B}/obj`,
      query: {
        "response-content-type": "text/x-custom; charset=latin1",
        "response-content-disposition": 'attachment; filename="caf\u00e9.txt"',
        "response-cache-control": "no-cache\tprivate",
      },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/x-custom; charset=latin1");
    expect(res.headers.get("content-disposition")).toBe('attachment; filename="caf\u00e9.txt"');
    expect(res.headers.get("cache-control")).toBe("no-cache\tprivate");
    expect(await res.text()).toBe("body");
  });
});

describe("x-amz-website-redirect-location", () => {
  test("must start with '/', 'http://' or 'https://' (PUT and CopyObject REPLACE); nothing stored otherwise", async () => {
    for (const bad of ["javascript:alert(1)", "elsewhere", "ftp://x/y"]) {
      const put = await h.signed({ method: "PUT", path: `/${B}/redir`, body: "x", headers: { "x-amz-website-redirect-location": bad } });
      expect(await errorOf(put)).toMatchObject({ status: 400, code: "InvalidArgument" });
      const copy = await h.signed({
        method: "PUT",
        path: `/${B}/redir`,
        headers: { "x-amz-copy-source": `/${B}/obj`, "x-amz-metadata-directive": "REPLACE", "x-amz-website-redirect-location": bad },
      });
      expect(await errorOf(copy)).toMatchObject({ status: 400, code: "InvalidArgument" });
    }
    expect((await h.signed({ method: "HEAD", path: `/${B}/redir` })).status).toBe(404);
    const ok = await h.signed({ method: "PUT", path: `/${B}/redir`, body: "x", headers: { "x-amz-website-redirect-location": "/obj" } });
    expect(ok.status).toBe(200);
    expect((await h.signed({ method: "HEAD", path: `/${B}/redir` })).headers.get("x-amz-website-redirect-location")).toBe("/obj");
  });
});
