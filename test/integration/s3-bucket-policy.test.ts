// Bucket policies stored through the SDK and enforced for unsigned requests: Allow and explicit
// Deny, actions and wildcard resources, conditions (s3:prefix, aws:SourceIp, aws:Referer),
// per-key checks in DeleteObjects and copy sources; policy documents validated on PUT.
import { describe, expect, test } from "bun:test";
import { DeleteBucketPolicyCommand, GetBucketPolicyCommand, GetBucketPolicyStatusCommand, PutBucketPolicyCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { errorOf, md5Base64 } from "../support/s3-harness.ts";
import { rejectsWith } from "../support/s3-expect.ts";
import { useS3Bucket } from "../support/use-s3-bucket.ts";

const B = "pub";

const POLICY = {
  Version: "2012-10-17",
  Statement: [
    { Sid: "ReadPublic", Effect: "Allow", Principal: "*", Action: ["s3:GetObject"], Resource: [`arn:aws:s3:::${B}/public/*`] },
    { Sid: "HideSecrets", Effect: "Deny", Principal: { AWS: ["*"] }, Action: "s3:GetObject", Resource: `arn:aws:s3:::${B}/public/secret*` },
    {
      Sid: "ListPublic",
      Effect: "Allow",
      Principal: "*",
      Action: "s3:ListBucket",
      Resource: `arn:aws:s3:::${B}`,
      Condition: { StringLike: { "s3:prefix": ["public/*"] } },
    },
    {
      Sid: "UploadLocal",
      Effect: "Allow",
      Principal: "*",
      Action: ["s3:PutObject", "s3:DeleteObject"],
      Resource: `arn:aws:s3:::${B}/uploads/*`,
      Condition: { IpAddress: { "aws:SourceIp": ["127.0.0.0/8", "::1/128"] } },
    },
    {
      Sid: "RefererOnly",
      Effect: "Allow",
      Principal: "*",
      Action: "s3:GetObject",
      Resource: `arn:aws:s3:::${B}/site/*`,
      Condition: { StringLike: { "aws:Referer": "https://example.test/*" } },
    },
  ],
};

const { h, s3 } = useS3Bucket(B, {
  setup: async () => {
    for (const k of ["public/a.txt", "public/secret.txt", "private/x", "site/page", "uploads/old"])
      await s3.send(new PutObjectCommand({ Bucket: B, Key: k, Body: `body of ${k}` }));
  },
});

const status = async (path: string, init?: RequestInit) => {
  const res = await h.anon(path, init);
  const body = await res.text();
  if (res.status === 403) expect(body).toContain("<Code>AccessDenied</Code>");
  return res.status;
};

describe("stored policy", () => {
  test("no policy: GetBucketPolicy is NoSuchBucketPolicy and anonymous reads are denied", async () => {
    await rejectsWith(s3.send(new GetBucketPolicyCommand({ Bucket: B })), "NoSuchBucketPolicy", 404);
    expect(await status(`/${B}/public/a.txt`)).toBe(403);
  });

  test("put, get back, policy status", async () => {
    const put = await s3.send(new PutBucketPolicyCommand({ Bucket: B, Policy: JSON.stringify(POLICY) }));
    expect(put.$metadata.httpStatusCode).toBe(204);
    const got = await s3.send(new GetBucketPolicyCommand({ Bucket: B }));
    expect(JSON.parse(got.Policy!)).toEqual(POLICY);
    expect((await s3.send(new GetBucketPolicyStatusCommand({ Bucket: B }))).PolicyStatus?.IsPublic).toBe(true);
  });

  test("invalid documents are MalformedPolicy and leave the stored policy alone", async () => {
    const bad = [
      "not json",
      JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Maybe", Principal: "*", Action: "s3:GetObject", Resource: `arn:aws:s3:::${B}/*` }] }),
      JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::other-bucket/*" }],
      }),
      JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:NoSuchAction", Resource: `arn:aws:s3:::${B}/*` }] }),
      JSON.stringify({ Version: "2012-10-17", Statement: [] }),
    ];
    for (const Policy of bad) await rejectsWith(s3.send(new PutBucketPolicyCommand({ Bucket: B, Policy })), "MalformedPolicy", 400);
    expect(JSON.parse((await s3.send(new GetBucketPolicyCommand({ Bucket: B }))).Policy!)).toEqual(POLICY);
    await rejectsWith(s3.send(new PutBucketPolicyCommand({ Bucket: "no-such-bucket-x", Policy: JSON.stringify(POLICY) })), "NoSuchBucket", 404);
  });
});

describe("enforcement for anonymous requests", () => {
  test("Allow on a wildcard resource, explicit Deny wins, other keys denied", async () => {
    expect(await (await h.anon(`/${B}/public/a.txt`)).text()).toBe("body of public/a.txt");
    expect(await status(`/${B}/public/a.txt`, { method: "HEAD" })).toBe(200);
    expect(await status(`/${B}/public/secret.txt`)).toBe(403);
    expect(await status(`/${B}/private/x`)).toBe(403);
    expect(await status(`/${B}/public/missing`)).toBe(404);
    expect(await status(`/${B}/private/missing`)).toBe(403);
  });

  test("actions are separate: reading does not allow writing, deleting or tagging", async () => {
    expect(await status(`/${B}/public/a.txt`, { method: "PUT", body: "overwrite" })).toBe(403);
    expect(await status(`/${B}/public/a.txt`, { method: "DELETE" })).toBe(403);
    expect(await status(`/${B}/public/a.txt?tagging`)).toBe(403);
    expect(await status(`/${B}?policy`)).toBe(403);
    expect(await status(`/${B}?policy`, { method: "DELETE" })).toBe(403);
    expect(await status(`/${B}`, { method: "DELETE" })).toBe(403);
    expect(await status("/")).toBe(403);
    expect(await (await h.anon(`/${B}/public/a.txt`)).text()).toBe("body of public/a.txt");
  });

  test("s3:prefix condition on ListBucket", async () => {
    const ok = await h.anon(`/${B}?list-type=2&prefix=public/`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain("<Key>public/a.txt</Key>");
    expect(await status(`/${B}?list-type=2`)).toBe(403);
    expect(await status(`/${B}?list-type=2&prefix=private/`)).toBe(403);
    expect(await status(`/${B}?prefix=public/x`)).toBe(200);
  });

  test("aws:SourceIp condition allows loopback uploads and deletes under uploads/", async () => {
    expect(await status(`/${B}/uploads/new`, { method: "PUT", body: "anonymous upload" })).toBe(200);
    expect(await (await h.signed({ path: `/${B}/uploads/new` })).text()).toBe("anonymous upload");
    expect(await status(`/${B}/uploads/new`, { method: "DELETE" })).toBe(204);
    expect(await status(`/${B}/elsewhere`, { method: "PUT", body: "x" })).toBe(403);
  });

  test("aws:Referer condition", async () => {
    expect(await status(`/${B}/site/page`)).toBe(403);
    expect(await status(`/${B}/site/page`, { headers: { referer: "https://evil.test/" } })).toBe(403);
    expect(await status(`/${B}/site/page`, { headers: { referer: "https://example.test/index.html" } })).toBe(200);
  });

  test("DeleteObjects checks each key; CopyObject checks the source", async () => {
    const body = `<Delete><Object><Key>uploads/old</Key></Object><Object><Key>private/x</Key></Object></Delete>`;
    const res = await h.anon(`/${B}?delete`, { method: "POST", body, headers: { "content-md5": md5Base64(body) } });
    expect(res.status).toBe(200);
    const xml = await res.text();
    expect(xml).toContain("<Deleted><Key>uploads/old</Key></Deleted>");
    expect(xml).toMatch(/<Error><Key>private\/x<\/Key><Code>AccessDenied<\/Code>/);
    expect((await h.signed({ path: `/${B}/private/x` })).status).toBe(200);
    expect(await status(`/${B}/uploads/copied`, { method: "PUT", headers: { "x-amz-copy-source": `/${B}/private/x` } })).toBe(403);
    expect(await status(`/${B}/uploads/copied`, { method: "PUT", headers: { "x-amz-copy-source": `/${B}/public/a.txt` } })).toBe(200);
  });

  test("anonymous requests to other buckets stay denied; deleting the policy closes the bucket", async () => {
    expect(await status("/no-such-bucket-x/public/a.txt")).toBe(403);
    const del = await s3.send(new DeleteBucketPolicyCommand({ Bucket: B }));
    expect(del.$metadata.httpStatusCode).toBe(204);
    expect(await status(`/${B}/public/a.txt`)).toBe(403);
    await rejectsWith(s3.send(new GetBucketPolicyCommand({ Bucket: B })), "NoSuchBucketPolicy", 404);
  });

  test("a Deny without a matching Allow still denies; NotPrincipal/Allow of everything", async () => {
    const policy = {
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Principal: "*", Action: "s3:*", Resource: [`arn:aws:s3:::${B}/*`, `arn:aws:s3:::${B}`] },
        { Effect: "Deny", Principal: "*", Action: "s3:DeleteObject", Resource: `arn:aws:s3:::${B}/*` },
        {
          Effect: "Deny",
          Principal: "*",
          Action: "s3:GetObject",
          Resource: `arn:aws:s3:::${B}/*`,
          Condition: { StringEquals: { "aws:UserAgent": "blocked-agent" } },
        },
      ],
    };
    await s3.send(new PutBucketPolicyCommand({ Bucket: B, Policy: JSON.stringify(policy) }));
    expect(await status(`/${B}/private/x`)).toBe(200);
    expect(await status(`/${B}/private/x`, { headers: { "user-agent": "blocked-agent" } })).toBe(403);
    expect(await status(`/${B}/private/x`, { method: "DELETE" })).toBe(403);
    expect(await status(`/${B}?list-type=2`)).toBe(200);
    expect(await status(`/${B}?versioning`)).toBe(200);
    const errorDoc = await errorOf(await h.anon(`/${B}/private/x?response-content-type=text/html`));
    expect(errorDoc).toMatchObject({ status: 400, code: "InvalidRequest" });
    await s3.send(new DeleteBucketPolicyCommand({ Bucket: B }));
  });
});
