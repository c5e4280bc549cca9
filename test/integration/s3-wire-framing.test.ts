// The S3 server on one raw connection: pipelined requests keep their own answers when bytes
// that are not HTTP follow them (no response desync), and Expect: 100-continue is answered with
// the refusal itself when the request will be refused, 100 Continue only when the body is read.
import { describe, expect, test } from "bun:test";
import { rawConnect } from "../support/raw-http.ts";
import { useS3Bucket } from "../support/use-s3-bucket.ts";

const B = "framing";
const { h } = useS3Bucket(null, {
  setup: async () => {
    expect((await h.signed({ method: "PUT", path: `/${B}` })).status).toBe(200);
  },
});

/** The request line and headers of a signed request, ready for a raw socket. */
async function head(method: string, path: string, opts: { body?: string; headers?: Record<string, string>; secret?: string } = {}): Promise<string> {
  const { url, headers } = await h.sign({ method, path, body: opts.body, headers: opts.headers, secretAccessKey: opts.secret });
  const all: Record<string, string> = { ...headers, ...opts.headers };
  if (opts.body !== undefined) all["content-length"] ??= String(Buffer.byteLength(opts.body));
  return `${method} ${url.slice(h.endpoint.length)} HTTP/1.1\r\n${Object.entries(all)
    .map(([k, v]) => `${k}: ${v}`)
    .join("\r\n")}\r\n\r\n`;
}

const statuses = (text: string) => [...text.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => Number(m[1]));
const stored = async (key: string) => {
  const r = await h.signed({ path: `/${B}/${key}` });
  return r.status === 200 ? await r.text() : r.status;
};

describe("pipelining", () => {
  test("a PUT followed by garbage on the same connection gets its own 200, the garbage a 400, then close", async () => {
    const c = await rawConnect(h.host);
    await c.write((await head("PUT", `/${B}/piped`, { body: "first body" })) + "first body" + "GARBAGE / NOT-HTTP\r\n\r\n");
    const got = await c.read(() => false);
    expect(statuses(got)).toEqual([200, 400]);
    expect(got.slice(got.lastIndexOf("HTTP/1.1 400"))).toMatch(/\r\nConnection: close\r\n/i);
    expect(c.closed).toBe(true);
    expect(await stored("piped")).toBe("first body");
  });

  test("a PUT followed by a request with Content-Length and Transfer-Encoding: the second stores nothing", async () => {
    const c = await rawConnect(h.host);
    const second = (await head("PUT", `/${B}/smuggled`, { body: "xxxx" })).replace("\r\n\r\n", "\r\nTransfer-Encoding: chunked\r\n\r\n");
    await c.write((await head("PUT", `/${B}/kept`, { body: "kept" })) + "kept" + second + "0\r\n\r\n");
    expect(statuses(await c.read(() => false))).toEqual([200, 400]);
    expect(await stored("kept")).toBe("kept");
    expect(await stored("smuggled")).toBe(404);
  });

  test("two valid pipelined requests are both answered, in order", async () => {
    const c = await rawConnect(h.host);
    await c.write((await head("PUT", `/${B}/pair`, { body: "pair" })) + "pair" + (await head("GET", `/${B}/pair`, { headers: { connection: "close" } })));
    const got = await c.read(() => false);
    expect(statuses(got)).toEqual([200, 200]);
    expect(got.endsWith("pair")).toBe(true);
  });
});

describe("Expect: 100-continue", () => {
  const refusals: [string, () => Promise<string>, number][] = [
    ["a bad signature", () => head("PUT", `/${B}/refused`, { body: "12345", headers: { expect: "100-continue" }, secret: "wrong-secret" }), 403],
    ["no such bucket", () => head("PUT", `/no-such-bucket/refused`, { body: "12345", headers: { expect: "100-continue" } }), 404],
    [
      "a size beyond 5 TiB",
      () => head("PUT", `/${B}/refused`, { body: "12345", headers: { expect: "100-continue", "content-length": String(6 * 1024 ** 4) } }),
      400,
    ],
    ["an invalid key", () => head("PUT", `/${B}/a%5Cb`, { body: "12345", headers: { expect: "100-continue" } }), 400],
    [
      "a Content-Length that is not a number",
      async () =>
        (await head("PUT", `/${B}/refused`, { body: "12345", headers: { expect: "100-continue" } })).replace(/content-length: 5/i, "Content-Length: 5x"),
      400,
    ],
    [
      "an unsupported conditional write",
      () => head("PUT", `/${B}/refused`, { body: "12345", headers: { expect: "100-continue", "if-none-match": '"abc"' } }),
      501,
    ],
  ];
  for (const [what, request, status] of refusals) {
    test(`${what}: the refusal comes first, with Connection: close, never 100 Continue`, async () => {
      const c = await rawConnect(h.host);
      await c.write(await request());
      // Headers only: a client honouring Expect waits for 100 before sending the body.
      const got = await c.read((r) => r.includes("\r\n\r\n"));
      expect(got.slice(0, 12)).toBe(`HTTP/1.1 ${status}`);
      expect(got.slice(0, got.indexOf("\r\n\r\n"))).toMatch(/\r\nConnection: close/i);
      c.end();
      expect(await stored("refused")).toBe(404);
    });
  }

  test("a good request gets 100 Continue, then (after the body) 200, and the object is stored", async () => {
    const c = await rawConnect(h.host);
    await c.write(await head("PUT", `/${B}/continued`, { body: "continued body", headers: { expect: "100-continue" } }));
    const interim = await c.read((r) => r.includes("\r\n\r\n"));
    expect(interim).toBe("HTTP/1.1 100 Continue\r\n\r\n");
    await c.write("continued body");
    const got = await c.read((r) => /HTTP\/1\.1 200[\s\S]*\r\n\r\n/.test(r));
    expect(statuses(got)).toEqual([100, 200]);
    c.end();
    expect(await stored("continued")).toBe("continued body");
  });
});
