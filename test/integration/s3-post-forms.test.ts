// POST Object forms as conformance suites (ceph/s3-tests' test_post_object_*, framed as Python
// requests frames them: every field a "file" part) and browsers send them: what S3 accepts is
// stored with its headers, metadata, tags and checksum; what it refuses stores nothing.
import { describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { CreateBucketCommand, GetObjectCommand, GetObjectTaggingCommand, HeadObjectCommand, PutBucketPolicyCommand } from "@aws-sdk/client-s3";
import { errorOf, pattern, ROOT_PASSWORD, ROOT_USER } from "../support/s3-harness.ts";
import { bytesOf, rejectsWith } from "../support/s3-expect.ts";
import { browserForm, expiresIn, requestsForm, v2Fields, v4Fields, type Condition, type Field, type FormFile } from "../support/post-forms.ts";
import { useS3Bucket } from "../support/use-s3-bucket.ts";

const B = "conform";
const OPEN = "open-forms";
const { h, s3 } = useS3Bucket(B, {
  setup: async () => {
    await s3.send(new CreateBucketCommand({ Bucket: OPEN }));
    const policy = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:PutObject", Resource: `arn:aws:s3:::${OPEN}/*` }] };
    await s3.send(new PutBucketPolicyCommand({ Bucket: OPEN, Policy: JSON.stringify(policy) }));
  },
});

const BAR: FormFile = { content: "bar" };

async function send(form: { body: Uint8Array; type: string }, bucket = B): Promise<Response> {
  return h.anon(`/${bucket}`, { method: "POST", body: form.body, headers: { "content-type": form.type }, redirect: "manual" });
}

/** s3-tests' signed form: its usual conditions plus `extra`, fields as requests sends them. */
function v2Form(fields: Field[], conditions: Condition[], file: FormFile = BAR, doc?: unknown) {
  const policy = doc ?? { expiration: expiresIn(6000), conditions: [{ bucket: B }, ["starts-with", "$key", ""], ...conditions] };
  return requestsForm([...fields, ...v2Fields(policy, ROOT_USER, ROOT_PASSWORD)], file);
}

const body = async (key: string, bucket = B) => (await bytesOf((await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body)).toString();

/** Nothing under that name: not listed by S3, and no directory on any drive. */
async function absent(key: string, bucket = B): Promise<void> {
  await rejectsWith(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key })), "NotFound", 404);
  for (const d of h.drives) expect(existsSync(`${d}/${bucket}/${key}`)).toBe(false);
}

describe("accepted forms", () => {
  test("anonymous form, fields framed as requests frames them, bucket policy allowing s3:PutObject", async () => {
    const res = await send(
      requestsForm(
        [
          ["key", "foo.txt"],
          ["Content-Type", "text/plain"],
        ],
        BAR,
      ),
      OPEN,
    );
    expect(res.status).toBe(204);
    expect(await body("foo.txt", OPEN)).toBe("bar");
  });

  test("SigV2 and SigV4 policies, field names in any case", async () => {
    const v2 = await send(
      v2Form(
        [
          ["kEy", "v2.txt"],
          ["aCl", "private"],
        ],
        [{ acl: "private" }],
      ),
    );
    expect(v2.status).toBe(204);
    const doc = { expiration: expiresIn(600), conditions: [{ bucket: B }, ["starts-with", "$key", "v4/"]] };
    const v4 = await send(await browserForm([["Key", "v4/${filename}"], ...v4Fields(doc, ROOT_USER, ROOT_PASSWORD)], { content: "four", filename: "x.txt" }));
    expect(v4.status).toBe(204);
    expect(await body("v2.txt")).toBe("bar");
    expect(await body("v4/x.txt")).toBe("four");
  });

  test("condition names and operators in any case, ${filename} keys, x-ignore-* fields", async () => {
    const doc = {
      expiration: expiresIn(6000),
      conditions: [{ bUcKeT: B }, ["StArTs-WiTh", "$KeY", "up/"], ["StArTs-WiTh", "$CoNtEnT-TyPe", "text/plain"], ["content-length-range", 0, 1024]],
    };
    const res = await send(
      v2Form(
        [
          ["KEY", "up/${filename}"],
          ["Content-Type", "text/plain"],
          ["x-ignore-foo", "bar"],
        ],
        [],
        { content: "bar", filename: "foo.txt" },
        doc,
      ),
    );
    expect(res.status).toBe(204);
    expect(await body("up/foo.txt")).toBe("bar");
  });

  test('escaped values in the policy JSON, starts-with "" allowing any value', async () => {
    const json = `{"expiration": "${expiresIn(600)}", "conditions": [{"bucket": "${B}"}, ["starts-with", "$key", "\\$foo"], ["starts-with", "$x-amz-meta-any", ""]]}`;
    const res = await send(
      v2Form(
        [
          ["key", "$foo.txt"],
          ["x-amz-meta-any", "whatever"],
        ],
        [],
        BAR,
        json,
      ),
    );
    expect(res.status).toBe(204);
    expect(await body("$foo.txt")).toBe("bar");
  });

  test("standard header fields and x-amz-meta-* are stored and returned by GET", async () => {
    const stored: Field[] = [
      ["Content-Type", "text/csv"],
      ["Cache-Control", "max-age=60"],
      ["Content-Disposition", 'attachment; filename="r.csv"'],
      ["Content-Encoding", "identity"],
      ["Expires", "Thu, 01 Dec 2033 16:00:00 GMT"],
      ["X-Amz-Meta-Foo", "barclamp"],
    ];
    const conditions = stored.map(([k]) => ["starts-with", `$${k}`, ""]);
    expect((await send(v2Form([["key", "headers.csv"], ...stored], conditions))).status).toBe(204);
    const got = await s3.send(new GetObjectCommand({ Bucket: B, Key: "headers.csv" }));
    expect(got).toMatchObject({
      ContentType: "text/csv",
      CacheControl: "max-age=60",
      ContentDisposition: 'attachment; filename="r.csv"',
      ContentEncoding: "identity",
      Metadata: { foo: "barclamp" },
    });
    expect(got.ExpiresString ?? got.Expires?.toUTCString()).toBe("Thu, 01 Dec 2033 16:00:00 GMT");
    await got.Body?.transformToByteArray();
  });

  test("the tagging field (a Tagging document) becomes the object's tags", async () => {
    const tagging = "<Tagging><TagSet><Tag><Key>team</Key><Value>blue</Value></Tag><Tag><Key>env</Key><Value>dev</Value></Tag></TagSet></Tagging>";
    expect(
      (
        await send(
          v2Form(
            [
              ["key", "tagged"],
              ["tagging", tagging],
            ],
            [{ tagging }],
          ),
        )
      ).status,
    ).toBe(204);
    const tags = await s3.send(new GetObjectTaggingCommand({ Bucket: B, Key: "tagged" }));
    expect(tags.TagSet).toEqual([
      { Key: "team", Value: "blue" },
      { Key: "env", Value: "dev" },
    ]);
    const bad = await send(
      v2Form(
        [
          ["key", "badtag"],
          ["tagging", "<Tagging><TagSet><Tag><Key>k</Key>"],
        ],
        [["starts-with", "$tagging", ""]],
      ),
    );
    expect((await errorOf(bad)).code).toBe("MalformedXML");
    await absent("badtag");
  });

  test("x-amz-checksum-* fields are verified and stored; a wrong one is BadDigest", async () => {
    const data = "checked bytes";
    const sum = new Bun.CryptoHasher("sha256").update(data).digest("base64");
    const ok = await send(
      v2Form(
        [
          ["key", "summed"],
          ["x-amz-checksum-sha256", sum],
        ],
        [["starts-with", "$x-amz-checksum-sha256", ""]],
        { content: data },
      ),
    );
    expect(ok.status).toBe(204);
    expect(ok.headers.get("x-amz-checksum-sha256")).toBe(sum);
    const head = await s3.send(new HeadObjectCommand({ Bucket: B, Key: "summed", ChecksumMode: "ENABLED" }));
    expect(head.ChecksumSHA256).toBe(sum);
    const wrong = await send(
      v2Form(
        [
          ["key", "missummed"],
          ["x-amz-checksum-sha256", sum],
        ],
        [["starts-with", "$x-amz-checksum-sha256", ""]],
        { content: "other bytes" },
      ),
    );
    expect(await errorOf(wrong)).toMatchObject({ status: 400, code: "BadDigest" });
    await absent("missummed");
  });

  test("Content-MD5 is checked: a wrong one is BadDigest", async () => {
    const md5 = (t: string) => new Bun.CryptoHasher("md5").update(t).digest("base64");
    expect(
      (
        await send(
          v2Form(
            [
              ["key", "md5-ok"],
              ["Content-MD5", md5("bar")],
            ],
            [["starts-with", "$Content-MD5", ""]],
          ),
        )
      ).status,
    ).toBe(204);
    expect(
      await errorOf(
        await send(
          v2Form(
            [
              ["key", "md5-bad"],
              ["Content-MD5", md5("baz")],
            ],
            [["starts-with", "$Content-MD5", ""]],
          ),
        ),
      ),
    ).toMatchObject({ status: 400, code: "BadDigest" });
    await absent("md5-bad");
  });

  test("fields after the file are ignored, as S3 ignores them", async () => {
    const form = requestsForm([["key", "late-fields"]], BAR);
    const tail = Buffer.from(form.body)
      .toString("latin1")
      .replace(/--([0-9a-f]+)--\r\n$/, (_, b) => `--${b}\r\nContent-Disposition: form-data; name="x-amz-meta-late"\r\n\r\nlate\r\n--${b}--\r\n`);
    expect((await send({ body: Buffer.from(tail, "latin1"), type: form.type }, OPEN)).status).toBe(204);
    expect((await s3.send(new HeadObjectCommand({ Bucket: OPEN, Key: "late-fields" }))).Metadata).toEqual({});
  });

  test("a file larger than one block (6 MiB + 7) streams in intact", async () => {
    const data = pattern(6 * 1024 * 1024 + 7);
    expect((await send(v2Form([["key", "large"]], [["content-length-range", 0, 7 * 1024 * 1024]], { content: data }))).status).toBe(204);
    const got = await bytesOf((await s3.send(new GetObjectCommand({ Bucket: B, Key: "large" }))).Body);
    expect(Buffer.compare(got, Buffer.from(data))).toBe(0);
  });
});

describe("success answers", () => {
  test.each([
    ["200", 200],
    ["204", 204],
    ["404", 204],
    ["", 204],
  ])("success_action_status %p → %p, empty", async (value, status) => {
    const res = await send(
      requestsForm(
        [
          ["key", `status-${value}`],
          ["success_action_status", value],
        ],
        BAR,
      ),
      OPEN,
    );
    expect(res.status).toBe(status);
    expect(await res.text()).toBe("");
  });

  test("success_action_status 201 → PostResponse with Location, Bucket, Key, ETag", async () => {
    const res = await send(
      requestsForm(
        [
          ["key", "foo.txt"],
          ["success_action_status", "201"],
        ],
        BAR,
      ),
      OPEN,
    );
    expect(res.status).toBe(201);
    const xml = await res.text();
    const etag = (await s3.send(new HeadObjectCommand({ Bucket: OPEN, Key: "foo.txt" }))).ETag!;
    expect(xml).toMatch(
      new RegExp(
        `<PostResponse><Location>http://[^<]+/${OPEN}/foo.txt</Location><Bucket>${OPEN}</Bucket><Key>foo.txt</Key><ETag>${etag.replaceAll('"', "&quot;")}</ETag></PostResponse>`,
      ),
    );
  });

  test("success_action_redirect and the legacy redirect: 303 with bucket, key and etag", async () => {
    for (const field of ["success_action_redirect", "redirect"]) {
      const url = `http://app.example.test/${field}`;
      const res = await send(
        v2Form(
          [
            ["key", `to-${field}`],
            [field, url],
          ],
          [["eq", `$${field}`, url]],
        ),
      );
      expect(res.status).toBe(303);
      const etag = (await s3.send(new HeadObjectCommand({ Bucket: B, Key: `to-${field}` }))).ETag!;
      expect(res.headers.get("location")).toBe(`${url}?bucket=${B}&key=to-${field}&etag=${encodeURIComponent(etag)}`);
    }
  });

  test("a redirect S3 cannot interpret is ignored (success_action_status applies)", async () => {
    const res = await send(
      requestsForm(
        [
          ["key", "no-redirect"],
          ["success_action_redirect", "not a url"],
          ["success_action_status", "201"],
        ],
        BAR,
      ),
      OPEN,
    );
    expect(res.status).toBe(201);
  });
});

describe("policy refusals store nothing", () => {
  test.each([
    [
      "an extra field without a condition",
      [
        ["key", "r1"],
        ["x-amz-meta-extra", "1"],
      ],
      [],
      403,
      "AccessDenied",
      /Extra input fields: x-amz-meta-extra/,
    ],
    ["a policy without a bucket condition", [["key", "r2"]], null, 403, "AccessDenied", /Extra input fields: bucket/],
    ["a condition on a field that is missing", [["key", "r3"]], [["starts-with", "$x-amz-meta-foo", "bar"]], 403, "AccessDenied", /Policy Condition failed/],
    [
      "an eq condition that does not hold",
      [
        ["key", "r4"],
        ["x-amz-meta-foo", "barclamp"],
      ],
      [["eq", "$x-amz-meta-foo", ""]],
      403,
      "AccessDenied",
      /Policy Condition failed/,
    ],
    ["a file over content-length-range", [["key", "r5"]], [["content-length-range", 0, 2]], 400, "EntityTooLarge", /./],
    ["a file under content-length-range", [["key", "r6"]], [["content-length-range", 512, 1000]], 400, "EntityTooSmall", /./],
  ] as [string, Field[], Condition[] | null, number, string, RegExp][])("%s → %d %s", async (_, fields, conditions, status, code, message) => {
    const doc = conditions === null ? { expiration: expiresIn(600), conditions: [["starts-with", "$key", ""]] } : undefined;
    const e = await errorOf(await send(v2Form(fields, conditions ?? [], BAR, doc)));
    expect(e).toMatchObject({ status, code });
    expect(e.message).toMatch(message);
    await absent(fields[0][1]);
  });

  test("signature and expiry: expired, bad signature, unknown key, no signature", async () => {
    const doc = { expiration: expiresIn(-6000), conditions: [{ bucket: B }, ["starts-with", "$key", ""]] };
    expect(await errorOf(await send(v2Form([["key", "s1"]], [], BAR, doc)))).toMatchObject({
      status: 403,
      code: "AccessDenied",
      message: "Invalid according to Policy: Policy expired.",
    });
    const valid = v2Fields({ expiration: expiresIn(600), conditions: [{ bucket: B }, ["starts-with", "$key", ""]] }, ROOT_USER, ROOT_PASSWORD);
    const tamper = (name: string, value: string | null): Field[] =>
      valid.flatMap(([k, v]): Field[] => (k === name ? (value === null ? [] : [[k, value]]) : [[k, v]]));
    expect((await errorOf(await send(requestsForm([["key", "s2"], ...tamper("signature", "AAAA" + valid[2][1].slice(4))], BAR)))).code).toBe(
      "SignatureDoesNotMatch",
    );
    expect(await errorOf(await send(requestsForm([["key", "s3"], ...tamper("AWSAccessKeyId", "NOSUCHKEY")], BAR)))).toMatchObject({
      status: 403,
      code: "InvalidAccessKeyId",
    });
    expect((await errorOf(await send(requestsForm([["key", "s4"], ...tamper("signature", null)], BAR)))).status).toBe(400);
    for (const k of ["s1", "s2", "s3", "s4"]) await absent(k);
  });

  test.each([
    ["policy not base64", "%%%not-base64%%%"],
    ["policy not JSON", Buffer.from("{expiration: soon").toString("base64")],
  ])("%s → InvalidPolicyDocument", async (_, policy) => {
    const fields: Field[] = [
      ["key", "p1"],
      ["AWSAccessKeyId", ROOT_USER],
      ["policy", policy],
      ["signature", new Bun.CryptoHasher("sha1", ROOT_PASSWORD).update(policy).digest("base64")],
    ];
    expect(await errorOf(await send(requestsForm(fields, BAR)))).toMatchObject({ status: 400, code: "InvalidPolicyDocument" });
    await absent("p1");
  });

  test.each([
    ["an expiration not in ISO 8601", { expiration: "2030-01-01 00:00:00.000+00:00", conditions: [{ bucket: B }] }],
    ["no expiration", { conditions: [{ bucket: B }] }],
    ["no conditions", { expiration: expiresIn(600) }],
    ["CONDITIONS in capitals", { expiration: expiresIn(600), CONDITIONS: [{ bucket: B }] }],
    ["EXPIRATION in capitals", { EXPIRATION: expiresIn(600), conditions: [{ bucket: B }] }],
    ["an empty condition", { expiration: expiresIn(600), conditions: [{}] }],
    ["a content-length-range without its max", { expiration: expiresIn(600), conditions: [{ bucket: B }, ["content-length-range", 0]] }],
    ["a negative content-length-range", { expiration: expiresIn(600), conditions: [{ bucket: B }, ["content-length-range", -1, 0]] }],
  ])("%s → 400 InvalidPolicyDocument", async (_, doc) => {
    expect(await errorOf(await send(v2Form([["key", "p2"]], [], BAR, doc)))).toMatchObject({ status: 400, code: "InvalidPolicyDocument" });
    await absent("p2");
  });

  test("no key field, no file part", async () => {
    expect(await errorOf(await send(v2Form([], [])))).toMatchObject({
      status: 400,
      code: "InvalidArgument",
      message: expect.stringContaining("must contain a field named"),
    });
    const noFile = Buffer.from(`--x\r\nContent-Disposition: form-data; name="key"\r\n\r\nnofile\r\n--x--\r\n`);
    expect(await errorOf(await send({ body: noFile, type: "multipart/form-data; boundary=x" }, OPEN))).toMatchObject({
      status: 400,
      code: "InvalidArgument",
      message: "POST requires exactly one file upload per request.",
    });
    await absent("nofile", OPEN);
  });
});
