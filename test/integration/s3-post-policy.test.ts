// Browser form uploads (POST Object) against the in-process server: forms built and signed here
// (SigV4 and SigV2 policies), success answers (204, 201 document, 303 redirect), every refusal
// (conditions, lengths, signatures, expiry, uncovered fields) storing nothing.
import { beforeAll, describe, expect, test } from "bun:test";
import { createHmac } from "node:crypto";
import { HeadObjectCommand, PutBucketPolicyCommand } from "@aws-sdk/client-s3";
import { errorOf, ROOT_PASSWORD, ROOT_USER } from "../support/s3-harness.ts";
import { signingKey } from "../support/aws-chunked.ts";
import { bytesOf, rejectsWith } from "../support/s3-expect.ts";
import { GetObjectCommand } from "@aws-sdk/client-s3";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { rawExchange } from "../support/raw-http.ts";
import { pattern } from "../support/s3-harness.ts";
import { useS3Bucket } from "../support/use-s3-bucket.ts";

const B = "forms";
const { h, s3 } = useS3Bucket(B);

type Condition = Record<string, string> | [string, string | number, string | number];

function amzDate(d: Date): string {
  return d
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");
}

/** Form fields of a SigV4-signed policy with `conditions` (bucket and credential fields added). */
function v4Fields(conditions: Condition[], opts: { expires?: Date; secret?: string; extra?: [string, string][] } = {}): [string, string][] {
  const now = new Date();
  const date = amzDate(now);
  const credential = `${ROOT_USER}/${date.slice(0, 8)}/us-east-1/s3/aws4_request`;
  const doc = {
    expiration: (opts.expires ?? new Date(now.getTime() + 600_000)).toISOString(),
    conditions: [{ bucket: B }, ...conditions, { "x-amz-algorithm": "AWS4-HMAC-SHA256" }, { "x-amz-credential": credential }, { "x-amz-date": date }],
  };
  const policy = Buffer.from(JSON.stringify(doc)).toString("base64");
  const signature = createHmac("sha256", signingKey(opts.secret ?? ROOT_PASSWORD, date.slice(0, 8), "us-east-1"))
    .update(policy)
    .digest("hex");
  return [
    ...(opts.extra ?? []),
    ["x-amz-algorithm", "AWS4-HMAC-SHA256"],
    ["x-amz-credential", credential],
    ["x-amz-date", date],
    ["policy", policy],
    ["x-amz-signature", signature],
  ];
}

async function post(fields: [string, string][], file: Blob = new Blob(["form file body"]), filename = "local.txt"): Promise<Response> {
  const fd = new FormData();
  for (const [k, v] of fields) fd.append(k, v);
  fd.append("file", file, filename);
  const encoded = new Response(fd);
  const type = encoded.headers.get("content-type")!;
  const body = new Uint8Array(await encoded.arrayBuffer());
  return h.anon(`/${B}`, { method: "POST", body, headers: { "content-type": type }, redirect: "manual" });
}

const stored = async (key: string) => (await bytesOf((await s3.send(new GetObjectCommand({ Bucket: B, Key: key }))).Body)).toString();
/** Not listed by S3, and no directory for it on any drive. */
async function absent(key: string): Promise<void> {
  await rejectsWith(s3.send(new HeadObjectCommand({ Bucket: B, Key: key })), "NotFound", 404);
  for (const d of h.drives) expect(readdirSync(join(d, B)).includes(key.split("/")[0])).toBe(false);
}

describe("accepted uploads", () => {
  test("SigV4 policy: 204, ${filename}, metadata fields stored", async () => {
    const res = await post(
      v4Fields([["starts-with", "$key", "uploads/"], ["starts-with", "$Content-Type", "text/"], { "x-amz-meta-origin": "form" }], {
        extra: [
          ["key", "uploads/${filename}"],
          ["Content-Type", "text/plain"],
          ["x-amz-meta-origin", "form"],
        ],
      }),
    );
    expect(res.status).toBe(204);
    expect(res.headers.get("etag")).toMatch(/^"[0-9a-f]{32}"$/);
    expect(await stored("uploads/local.txt")).toBe("form file body");
    const head = await s3.send(new HeadObjectCommand({ Bucket: B, Key: "uploads/local.txt" }));
    expect(head.ContentType).toBe("text/plain");
    expect(head.Metadata).toEqual({ origin: "form" });
  });

  test("a metadata field holding non-Latin-1 text is stored as its text and sent back mail-safe (RFC 2047), as S3 answers", async () => {
    const res = await post(
      v4Fields([{ key: "utf8-meta" }, { "x-amz-meta-name": "日本 café" }], {
        extra: [
          ["key", "utf8-meta"],
          ["x-amz-meta-name", "日本 café"],
        ],
      }),
    );
    expect(res.status).toBe(204);
    const head = await h.signed({ method: "HEAD", path: `/${B}/utf8-meta` });
    expect(head.headers.get("x-amz-meta-name")).toBe(`=?UTF-8?B?${Buffer.from("日本 café").toString("base64")}?=`);
  });

  test("success_action_status 201 answers a PostResponse document", async () => {
    const res = await post(
      v4Fields([{ key: "doc" }, { success_action_status: "201" }], {
        extra: [
          ["key", "doc"],
          ["success_action_status", "201"],
        ],
      }),
    );
    expect(res.status).toBe(201);
    const xml = await res.text();
    expect(xml).toContain("<PostResponse>");
    expect(xml).toContain(`<Bucket>${B}</Bucket><Key>doc</Key>`);
    expect(xml.replaceAll("&quot;", '"')).toMatch(/<ETag>"[0-9a-f]{32}"<\/ETag>/);
  });

  test("success_action_redirect answers 303 with bucket, key and etag", async () => {
    const redirect = "https://app.example.test/done?x=1";
    const res = await post(
      v4Fields([{ key: "redir" }, { success_action_redirect: redirect }], {
        extra: [
          ["key", "redir"],
          ["success_action_redirect", redirect],
        ],
      }),
    );
    expect(res.status).toBe(303);
    const location = new URL(res.headers.get("location")!);
    expect(location.origin + location.pathname).toBe("https://app.example.test/done");
    expect(location.searchParams.get("bucket")).toBe(B);
    expect(location.searchParams.get("key")).toBe("redir");
    expect(location.searchParams.get("x")).toBe("1");
  });

  test("content-length-range within bounds; SigV2 policies", async () => {
    const ok = await post(v4Fields([{ key: "ranged" }, ["content-length-range", 1, 100]], { extra: [["key", "ranged"]] }));
    expect(ok.status).toBe(204);
    const doc = { expiration: new Date(Date.now() + 600_000).toISOString(), conditions: [{ bucket: B }, { key: "v2-form" }] };
    const policy = Buffer.from(JSON.stringify(doc)).toString("base64");
    const signature = createHmac("sha1", ROOT_PASSWORD).update(policy).digest("base64");
    const v2 = await post([
      ["key", "v2-form"],
      ["AWSAccessKeyId", ROOT_USER],
      ["policy", policy],
      ["signature", signature],
    ]);
    expect(v2.status).toBe(204);
    expect(await stored("v2-form")).toBe("form file body");
  });
});

describe("refused uploads store nothing", () => {
  test("a failed starts-with or eq condition is AccessDenied", async () => {
    const res = await post(v4Fields([["starts-with", "$key", "uploads/"]], { extra: [["key", "elsewhere/x"]] }));
    expect(await errorOf(res)).toMatchObject({ status: 403, code: "AccessDenied" });
    await absent("elsewhere/x");
    const wrongBucket = v4Fields([{ key: "wb" }], { extra: [["key", "wb"]] }).map(([k, v]): [string, string] => [k, v]);
    const res2 = await post([...wrongBucket.filter(([k]) => k !== "policy" && k !== "x-amz-signature"), ...v4FieldsForBucket("other-bucket", "wb")]);
    expect((await errorOf(res2)).code).toBe("AccessDenied");
    await absent("wb");
  });

  test("sizes outside content-length-range", async () => {
    const big = await post(v4Fields([{ key: "big" }, ["content-length-range", 1, 5]], { extra: [["key", "big"]] }));
    expect(await errorOf(big)).toMatchObject({ status: 400, code: "EntityTooLarge" });
    const small = await post(v4Fields([{ key: "small" }, ["content-length-range", 100, 200]], { extra: [["key", "small"]] }));
    expect(await errorOf(small)).toMatchObject({ status: 400, code: "EntityTooSmall" });
    await absent("big");
    await absent("small");
  });

  test("bad signature, expired policy, field not in the policy, no key", async () => {
    const badSig = await post(v4Fields([{ key: "s" }], { secret: "not-the-secret", extra: [["key", "s"]] }));
    expect(await errorOf(badSig)).toMatchObject({ status: 403, code: "SignatureDoesNotMatch" });
    const expired = await post(v4Fields([{ key: "s" }], { expires: new Date(Date.now() - 1000), extra: [["key", "s"]] }));
    expect(await errorOf(expired)).toMatchObject({ status: 403, code: "AccessDenied" });
    const uncovered = await post(
      v4Fields([{ key: "s" }], {
        extra: [
          ["key", "s"],
          ["x-amz-meta-sneaky", "1"],
        ],
      }),
    );
    expect(await errorOf(uncovered)).toMatchObject({ status: 403, code: "AccessDenied" });
    const noKey = await post(v4Fields([]));
    expect((await errorOf(noKey)).status).toBe(400);
    await absent("s");
  });

  test("a field GET would echo as a header (metadata, Content-Type) holding CR/LF is InvalidArgument", async () => {
    for (const [field, value] of [
      ["x-amz-meta-x", "a\r\nSet-Cookie: b=c"],
      ["Content-Type", "text/plain\r\nX-Injected: 1"],
      ["Cache-Control", "no\u0000cache"],
    ]) {
      const res = await post(
        v4Fields([{ key: "crlf" }, ["starts-with", `$${field}`, ""]], {
          extra: [
            ["key", "crlf"],
            [field, value],
          ],
        }),
      );
      expect({ field, ...(await errorOf(res)) }).toMatchObject({ field, status: 400, code: "InvalidArgument" });
    }
    await absent("crlf");
  });

  test("not multipart/form-data, or no file", async () => {
    const res = await h.anon(`/${B}`, { method: "POST", body: "key=x", headers: { "content-type": "application/x-www-form-urlencoded" } });
    expect(await errorOf(res)).toMatchObject({ status: 400, code: "MalformedPOSTRequest" });
    const fd = new FormData();
    fd.append("key", "nofile");
    const encoded = new Response(fd);
    const type = encoded.headers.get("content-type")!;
    const noFile = await h.anon(`/${B}`, { method: "POST", body: new Uint8Array(await encoded.arrayBuffer()), headers: { "content-type": type } });
    expect((await errorOf(noFile)).status).toBe(400);
  });

  test("without a policy the upload is anonymous: denied unless the bucket policy allows PutObject", async () => {
    const denied = await post([["key", "anon-form"]]);
    expect(await errorOf(denied)).toMatchObject({ status: 403, code: "AccessDenied" });
    await absent("anon-form");
    const policy = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:PutObject", Resource: `arn:aws:s3:::${B}/anon-*` }] };
    await s3.send(new PutBucketPolicyCommand({ Bucket: B, Policy: JSON.stringify(policy) }));
    expect((await post([["key", "anon-form"]])).status).toBe(204);
    expect(await stored("anon-form")).toBe("form file body");
    expect((await errorOf(await post([["key", "other-form"]]))).code).toBe("AccessDenied");
  });
});

describe("what is not implemented is refused, nothing stored", () => {
  // The same rules as the request headers of a PUT (unsupported-headers.ts): SSE-C over plain
  // HTTP and a lock on a bucket without object lock are InvalidRequest, as AWS answers.
  test.each([
    ["x-amz-server-side-encryption", "AES256", 501, "NotImplemented"],
    ["x-amz-server-side-encryption-customer-algorithm", "AES256", 400, "InvalidRequest"],
    ["x-amz-object-lock-mode", "GOVERNANCE", 400, "InvalidArgument"], // without its retain-until-date
    ["x-amz-object-lock-legal-hold", "ON", 400, "InvalidRequest"],
    ["acl", "public-read", 501, "NotImplemented"],
    ["x-amz-grant-read", 'uri="http://acs.amazonaws.com/groups/global/AllUsers"', 501, "NotImplemented"],
  ] as [string, string, number, string][])("%s: %s → %d %s", async (field, value, status, code) => {
    const key = `unsupported-${field}`;
    const res = await post(
      v4Fields([{ key }, ["starts-with", `$${field}`, ""]], {
        extra: [
          ["key", key],
          [field, value],
        ],
      }),
    );
    expect(await errorOf(res)).toMatchObject({ status, code });
    await absent(key);
  });

  test("a field that cannot be a stored header is InvalidArgument, not a server error", async () => {
    for (const [field, value] of [
      ["Content-Type", "text/plain\r\nX-Evil: 1"],
      ["x-amz-meta-a b", "1"],
      ["x-amz-meta-nul", "a\u0000b"],
    ]) {
      const res = await post(
        v4Fields([{ key: "bad-header" }, ["starts-with", `$${field}`, ""]], {
          extra: [
            ["key", "bad-header"],
            [field, value],
          ],
        }),
      );
      expect(await errorOf(res)).toMatchObject({ status: 400, code: "InvalidArgument" });
    }
    await absent("bad-header");
  });

  test("acl private is what every object gets: accepted", async () => {
    const res = await post(
      v4Fields([{ key: "acl-private" }, { acl: "private" }], {
        extra: [
          ["key", "acl-private"],
          ["acl", "private"],
        ],
      }),
    );
    expect(res.status).toBe(204);
  });
});

/** Files under .minio.sys/tmp on any drive (staging clean-up is asynchronous: waits, bounded). */
async function expectNoStagedFiles(): Promise<void> {
  const staged = () =>
    h.drives.flatMap((d) => {
      try {
        return readdirSync(join(d, ".minio.sys", "tmp"), { recursive: true, withFileTypes: true })
          .filter((e) => e.isFile())
          .map((e) => join(e.parentPath, e.name));
      } catch {
        return [];
      }
    });
  for (let i = 0; i < 200 && staged().length > 0; i++) await Bun.sleep(25);
  expect(staged()).toEqual([]);
}

describe("bad multipart framing is MalformedPOSTRequest, nothing stored", () => {
  const bnd = "frame-boundary-7";
  const head = (key: string) =>
    `--${bnd}\r\nContent-Disposition: form-data; name="key"\r\n\r\n${key}\r\n--${bnd}\r\nContent-Disposition: form-data; name="file"; filename="f"\r\n\r\n`;
  const big = Buffer.from(pattern(3 * 1024 * 1024));
  const anonPolicy = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:PutObject", Resource: `arn:aws:s3:::${B}/frame-*` }] };
  beforeAll(() => s3.send(new PutBucketPolicyCommand({ Bucket: B, Policy: JSON.stringify(anonPolicy) })));

  test.each([
    ["no closing boundary (small file)", (k: string) => Buffer.from(head(k) + "tiny\r\n")],
    ["no closing boundary (3 MiB file)", (k: string) => Buffer.concat([Buffer.from(head(k)), big])],
    ["a part after the file cut short", (k: string) => Buffer.concat([Buffer.from(head(k)), big, Buffer.from(`\r\n--${bnd}\r\nContent-Disposition: form-da`)])],
    ["no boundary anywhere", () => Buffer.from("key=x&file=y")],
  ])("%s", async (_, build) => {
    const key = `frame-${crypto.randomUUID()}`;
    const res = await h.anon(`/${B}`, { method: "POST", body: build(key), headers: { "content-type": `multipart/form-data; boundary=${bnd}` } });
    expect(await errorOf(res)).toMatchObject({ status: 400, code: "MalformedPOSTRequest" });
    await absent(key);
    await expectNoStagedFiles();
  });

  test("a Content-Type without a boundary", async () => {
    const res = await h.anon(`/${B}`, { method: "POST", body: head("frame-nb") + `x\r\n--${bnd}--`, headers: { "content-type": "multipart/form-data" } });
    expect(await errorOf(res)).toMatchObject({ status: 400, code: "MalformedPOSTRequest" });
    await absent("frame-nb");
  });

  test("a body shorter than its Content-Length (the client half-closes) stores nothing", async () => {
    const body = Buffer.concat([Buffer.from(head("frame-short")), big.subarray(0, 2 * 1024 * 1024)]);
    const reply = await rawExchange(
      h.host,
      "POST",
      `/${B}`,
      { "content-type": `multipart/form-data; boundary=${bnd}`, "content-length": String(body.length + 1024 * 1024) },
      { body, halfClose: true },
    );
    expect([0, 400, 499]).toContain(reply.status);
    await absent("frame-short");
    await expectNoStagedFiles();
  });

  test("more than 20 KiB of fields before the file", async () => {
    const res = await post(
      v4Fields([{ key: "frame-pre" }], {
        extra: [
          ["key", "frame-pre"],
          ["x-amz-meta-big", "v".repeat(21 * 1024)],
        ],
      }),
    );
    expect(await errorOf(res)).toMatchObject({ status: 400, code: "MaxPostPreDataLengthExceeded" });
    await absent("frame-pre");
  });
});

/** Policy and signature fields for a policy naming another bucket. */
function v4FieldsForBucket(bucket: string, key: string): [string, string][] {
  const date = amzDate(new Date());
  const credential = `${ROOT_USER}/${date.slice(0, 8)}/us-east-1/s3/aws4_request`;
  const doc = {
    expiration: new Date(Date.now() + 600_000).toISOString(),
    conditions: [{ bucket }, { key }, { "x-amz-algorithm": "AWS4-HMAC-SHA256" }, { "x-amz-credential": credential }, { "x-amz-date": date }],
  };
  const policy = Buffer.from(JSON.stringify(doc)).toString("base64");
  const signature = createHmac("sha256", signingKey(ROOT_PASSWORD, date.slice(0, 8), "us-east-1"))
    .update(policy)
    .digest("hex");
  return [
    ["policy", policy],
    ["x-amz-signature", signature],
  ];
}

describe("form fields asking for what we do not do", () => {
  test("encryption, a public ACL or a legal hold in the form are refused; nothing is stored", async () => {
    const ask = async (key: string, field: string, value: string) =>
      errorOf(
        await post(
          v4Fields([{ key }, { [field]: value }], {
            extra: [
              ["key", key],
              [field, value],
            ],
          }),
        ),
      );
    expect((await ask("sse-form", "x-amz-server-side-encryption", "AES256")).code).toBe("NotImplemented");
    expect((await ask("acl-form", "acl", "public-read")).code).toBe("NotImplemented");
    expect((await ask("hold-form", "x-amz-object-lock-legal-hold", "ON")).code).toBe("InvalidRequest");
    for (const key of ["sse-form", "acl-form", "hold-form"]) await absent(key);
    expect(
      (
        await post(
          v4Fields([{ key: "private-form" }, { acl: "private" }], {
            extra: [
              ["key", "private-form"],
              ["acl", "private"],
            ],
          }),
        )
      ).status,
    ).toBe(204);
    expect(await stored("private-form")).toBe("form file body");
  });
});
