// Object keys that could escape a drive root, name something a drive cannot store, or land on a
// name the on-disk format reserves (xl.meta, "__XLDIR__"): every operation that takes a key
// answers 400 (XMinioInvalidObjectName, KeyTooLongError) before any drive is touched, nothing
// is stored, no file appears anywhere, and the server stays up.
// Raw sockets throughout: fetch() would resolve dot segments and backslashes before sending.
import { describe, expect, test } from "bun:test";
import { existsSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { md5Base64 } from "../support/s3-harness.ts";
import { rawExchange, type RawReply } from "../support/raw-http.ts";
import { useS3Bucket } from "../support/use-s3-bucket.ts";

const B = "hostile";
/** Marks every file name a hostile key could create, so a stray one is found wherever it lands. */
const MARK = `evil${process.pid}x`;
let before: string[];

/** Every path under the drives' parent directory, staging areas (.minio.sys/tmp) left out. */
function tree(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (p.includes("/.minio.sys/tmp")) continue;
      out.push(p);
      if (e.isDirectory()) walk(p);
    }
  };
  walk(dirname(h.drives[0]));
  return out.sort();
}

async function send(
  method: string,
  path: string,
  opts: { query?: Record<string, string>; headers?: Record<string, string>; body?: string } = {},
): Promise<RawReply> {
  const { url, headers } = await h.sign({ method, path, query: opts.query, headers: opts.headers, body: opts.body });
  const target = url.slice(h.endpoint.length);
  const body = opts.body === undefined ? undefined : new TextEncoder().encode(opts.body);
  delete headers.host;
  return rawExchange(h.host, method, target, { ...headers, ...(body ? { "content-length": String(body.length) } : {}) }, { body });
}

const code = (r: RawReply) => /<Code>(.*?)<\/Code>/.exec(r.body)?.[1] ?? "";

/** Keys as they travel in the request path, and the error each must get. */
const HOSTILE: [string, string][] = [
  [`a%5Cb`, "XMinioInvalidObjectName"],
  [`..%5C..%5C${MARK}1`, "XMinioInvalidObjectName"],
  [`a%5C..%5C..%5C..%5C${MARK}2`, "XMinioInvalidObjectName"],
  [`..\\..\\${MARK}3`, "XMinioInvalidObjectName"],
  [`a\\b`, "XMinioInvalidObjectName"],
  [`a/../../${MARK}4`, "XMinioInvalidObjectName"],
  [`%2e%2e/%2E%2E/${MARK}5`, "XMinioInvalidObjectName"],
  [`..%2F..%2F${MARK}6`, "XMinioInvalidObjectName"],
  [`./${MARK}7`, "XMinioInvalidObjectName"],
  [`a/.`, "XMinioInvalidObjectName"],
  [`.`, "XMinioInvalidObjectName"],
  [`..`, "XMinioInvalidObjectName"],
  [`%2F${MARK}8`, "XMinioInvalidObjectName"],
  [`a//b`, "XMinioInvalidObjectName"],
  [`nul%00${MARK}9`, "XMinioInvalidObjectName"],
  [`${"s".repeat(256)}`, "XMinioInvalidObjectName"],
  [`${"k".repeat(1025)}`, "KeyTooLongError"],
  // Names the on-disk format reserves: a directory object's encoded name, an object's metadata file.
  [`dir__XLDIR__`, "XMinioInvalidObjectName"],
  [`exists/xl.meta`, "XMinioInvalidObjectName"],
];

const { h } = useS3Bucket(null, {
  setup: async () => {
    expect((await send("PUT", `/${B}`)).status).toBe(200);
    expect((await send("PUT", `/${B}/exists`, { body: "here" })).status).toBe(200);
    before = tree();
  },
});

/** Nothing was stored or created anywhere; the server still answers. */
async function expectUntouched(): Promise<void> {
  expect(tree()).toEqual(before);
  for (let i = 1; i <= 9; i++) expect(existsSync(join(dirname(dirname(h.drives[0])), `${MARK}${i}`))).toBe(false);
  const alive = await send("GET", `/${B}/exists`);
  expect([alive.status, alive.body]).toEqual([200, "here"]);
}

describe("hostile object keys are refused with 400 before any drive is touched", () => {
  test("PUT, GET, HEAD, DELETE and the object sub-resources", async () => {
    const seen: string[] = [];
    const wanted: string[] = [];
    for (const [key, want] of HOSTILE) {
      for (const [method, query, body] of [
        ["PUT", undefined, "x"],
        ["GET", undefined, undefined],
        ["HEAD", undefined, undefined],
        ["DELETE", undefined, undefined],
        ["PUT", { tagging: "" }, "<Tagging><TagSet></TagSet></Tagging>"],
        ["GET", { tagging: "" }, undefined],
        ["POST", { uploads: "" }, undefined],
        ["PUT", { partNumber: "1", uploadId: "AAAA" }, "x"],
        ["GET", { uploadId: "AAAA" }, undefined],
        ["DELETE", { uploadId: "AAAA" }, undefined],
      ] as [string, Record<string, string> | undefined, string | undefined][]) {
        const r = await send(method, `/${B}/${key}`, { query, body });
        const what = `${method} ${key.slice(0, 20)}${query ? "?" + Object.keys(query).join("&") : ""}`;
        // HEAD answers carry no body: the status alone.
        seen.push(`${what} → ${r.status} ${method === "HEAD" ? "" : code(r)}`);
        wanted.push(`${what} → 400 ${method === "HEAD" ? "" : want}`);
      }
    }
    expect(seen).toEqual(wanted);
    await expectUntouched();
  });

  test("a hostile copy source (CopyObject, UploadPartCopy) and a hostile copy destination", async () => {
    const seen: string[] = [];
    for (const [key, want] of HOSTILE) {
      const asSource = await send("PUT", `/${B}/copied`, { headers: { "x-amz-copy-source": `/${B}/${key}` } });
      const partSource = await send("PUT", `/${B}/copied`, { query: { partNumber: "1", uploadId: "AAAA" }, headers: { "x-amz-copy-source": `/${B}/${key}` } });
      const asDest = await send("PUT", `/${B}/${key}`, { headers: { "x-amz-copy-source": `/${B}/exists` } });
      seen.push(`${key.slice(0, 20)}: ${asSource.status} ${code(asSource)} / ${partSource.status} ${code(partSource)} / ${asDest.status} ${code(asDest)}`);
      expect(seen.at(-1)).toBe(`${key.slice(0, 20)}: 400 ${want} / 400 ${want} / 400 ${want}`);
    }
    await expectUntouched();
  });

  test("DeleteObjects answers each hostile key with its own Error entry and deletes nothing", async () => {
    // Keys as they appear in XML: decoded (the transport-only forms above collapse into these).
    const keys = [
      "dir__XLDIR__",
      "exists/xl.meta",
      "a\\b",
      `..\\..\\${MARK}1`,
      `a/../../${MARK}4`,
      ".",
      "..",
      `/${MARK}8`,
      "a//b",
      "s".repeat(256),
      "k".repeat(1025),
      "exists/../exists",
    ];
    const body = `<Delete>${keys.map((k) => `<Object><Key>${k}</Key></Object>`).join("")}</Delete>`;
    const r = await send("POST", `/${B}`, { query: { delete: "" }, body, headers: { "content-md5": md5Base64(body) } });
    expect(r.status).toBe(200);
    expect(r.body).not.toContain("<Deleted>");
    expect(r.body.match(/<Code>(XMinioInvalidObjectName|KeyTooLongError)<\/Code>/g)?.length).toBe(keys.length);
    await expectUntouched();
  });
});
