// Requests asking for what Bunker does not do — server-side encryption, object-lock retention or
// legal hold on a write, a bucket's default retention rule — are refused with AWS's error codes,
// and nothing is stored: no object, no version, no multipart upload, no part.
import { describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { errorOf, type RawRequest } from "../support/s3-harness.ts";
import { useS3Bucket } from "../support/use-s3-bucket.ts";

const B = "plain";
const LOCKED = "locked";
const RULED = "ruled";

const KEY = Buffer.alloc(32, 7);
const SSE_C = {
  "x-amz-server-side-encryption-customer-algorithm": "AES256",
  "x-amz-server-side-encryption-customer-key": KEY.toString("base64"),
  "x-amz-server-side-encryption-customer-key-md5": createHash("md5").update(KEY).digest("base64"),
};
const COPY_SSE_C = Object.fromEntries(Object.entries(SSE_C).map(([k, v]) => [k.replace("x-amz-", "x-amz-copy-source-"), v]));
const FUTURE = new Date(Date.now() + 86_400_000).toISOString();
const DEFAULT_RULE =
  '<ObjectLockConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention><Mode>GOVERNANCE</Mode><Days>30</Days></DefaultRetention></Rule></ObjectLockConfiguration>';

/** A signed request, sent over plain HTTP or (in process, the URL's scheme is what the server sees) as if over TLS. */
async function send(r: RawRequest, opts: { tls?: boolean } = {}): Promise<Response> {
  if (!opts.tls) return h.signed(r);
  const { url, headers } = await h.sign(r);
  // A Request made here, unlike one off the wire, has no Content-Length of its own.
  const length: Record<string, string> = r.body === undefined ? {} : { "content-length": String(Buffer.byteLength(r.body as string)) };
  return h.bunker.fetch(
    new Request(url.replace(/^http:/, "https:"), { method: r.method ?? "GET", headers: { ...headers, ...length }, body: r.body as string | undefined }),
  );
}

async function expectError(res: Response, status: number, code: string): Promise<string> {
  const err = await errorOf(res);
  expect({ status: err.status, code: err.code }).toEqual({ status, code });
  return err.message;
}

async function exists(bucket: string, key: string): Promise<boolean> {
  const res = await h.signed({ method: "HEAD", path: `/${bucket}/${key}` });
  return res.status === 200;
}

async function uploadsIn(bucket: string): Promise<string> {
  const res = await h.signed({ path: `/${bucket}`, query: { uploads: "" } });
  expect(res.status).toBe(200);
  return res.text();
}

async function versionsIn(bucket: string, key: string): Promise<number> {
  const body = await (await h.signed({ path: `/${bucket}`, query: { versions: "", prefix: key } })).text();
  return (body.match(/<Version>/g) ?? []).length + (body.match(/<DeleteMarker>/g) ?? []).length;
}

const { h } = useS3Bucket(null, {
  setup: async () => {
    for (const b of [B, LOCKED, RULED]) {
      const res = await h.signed({ method: "PUT", path: `/${b}`, headers: b === B ? {} : { "x-amz-bucket-object-lock-enabled": "true" } });
      expect(res.status).toBe(200);
    }
    await h.bunker.store.setBucketConfig(RULED, "objectLock", new TextEncoder().encode(DEFAULT_RULE));
    expect((await h.signed({ method: "PUT", path: `/${B}/src`, body: "source" })).status).toBe(200);
  },
});

describe("server-side encryption", () => {
  test("without a KMS, SSE-S3 and SSE-KMS are NotImplemented, for writes and copies; nothing is stored", async () => {
    const asks: [string, Record<string, string>][] = [
      ["sse-s3", { "x-amz-server-side-encryption": "AES256" }],
      ["sse-kms", { "x-amz-server-side-encryption": "aws:kms" }],
      [
        "sse-kms-key",
        {
          "x-amz-server-side-encryption": "aws:kms",
          "x-amz-server-side-encryption-aws-kms-key-id": "my-key",
          "x-amz-server-side-encryption-bucket-key-enabled": "true",
        },
      ],
      ["sse-dsse", { "x-amz-server-side-encryption": "aws:kms:dsse" }],
    ];
    for (const [key, headers] of asks) {
      await expectError(await send({ method: "PUT", path: `/${B}/${key}`, headers, body: "secret" }, { tls: true }), 501, "NotImplemented");
      expect(await exists(B, key)).toBe(false);
      await expectError(
        await send({ method: "PUT", path: `/${B}/${key}`, headers: { ...headers, "x-amz-copy-source": `/${B}/src` } }, { tls: true }),
        501,
        "NotImplemented",
      );
      expect(await exists(B, key)).toBe(false);
      await expectError(await send({ method: "POST", path: `/${B}/${key}`, query: { uploads: "" }, headers }, { tls: true }), 501, "NotImplemented");
    }
    // SSE-C needs no KMS: test/integration/sse.test.ts serves it, copies included.
    expect(await uploadsIn(B)).not.toContain("<Upload>");
  });

  test("a copy-source key for a plaintext source, and encryption headers on a plaintext upload's parts, are refused; no part is stored", async () => {
    await expectError(
      await send({ method: "PUT", path: `/${B}/copied`, headers: { ...COPY_SSE_C, "x-amz-copy-source": `/${B}/src` } }, { tls: true }),
      400,
      "InvalidRequest",
    );
    expect(await exists(B, "copied")).toBe(false);
    const created = await h.signed({ method: "POST", path: `/${B}/mp`, query: { uploads: "" } });
    const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(await created.text())![1];
    await expectError(
      await send({ method: "PUT", path: `/${B}/mp`, query: { partNumber: "1", uploadId }, headers: SSE_C, body: "part" }, { tls: true }),
      400,
      "InvalidRequest",
    );
    await expectError(
      await send({
        method: "PUT",
        path: `/${B}/mp`,
        query: { partNumber: "1", uploadId },
        headers: { "x-amz-server-side-encryption": "AES256" },
        body: "part",
      }),
      400,
      "InvalidRequest",
    );
    await expectError(
      await send(
        { method: "PUT", path: `/${B}/mp`, query: { partNumber: "2", uploadId }, headers: { ...COPY_SSE_C, "x-amz-copy-source": `/${B}/src` } },
        { tls: true },
      ),
      400,
      "InvalidRequest",
    );
    const parts = await (await h.signed({ path: `/${B}/mp`, query: { uploadId } })).text();
    expect(parts).not.toContain("<Part>");
    await h.signed({ method: "DELETE", path: `/${B}/mp`, query: { uploadId } });
  });

  test("bogus values and conflicting headers get AWS's 400s", async () => {
    const cases: [Record<string, string>, string][] = [
      [{ "x-amz-server-side-encryption": "AES128" }, "InvalidArgument"],
      [{ "x-amz-server-side-encryption-aws-kms-key-id": "k" }, "InvalidArgument"],
      [{ "x-amz-server-side-encryption": "AES256", "x-amz-server-side-encryption-aws-kms-key-id": "k" }, "InvalidArgument"],
      [{ "x-amz-server-side-encryption": "aws:kms", "x-amz-server-side-encryption-context": "not json" }, "InvalidArgument"],
      [{ "x-amz-server-side-encryption": "aws:kms", "x-amz-server-side-encryption-bucket-key-enabled": "maybe" }, "InvalidArgument"],
      [{ ...SSE_C, "x-amz-server-side-encryption-customer-algorithm": "AES128" }, "InvalidEncryptionAlgorithmError"],
      [{ ...SSE_C, "x-amz-server-side-encryption-customer-key": Buffer.alloc(16).toString("base64") }, "InvalidArgument"],
      [{ ...SSE_C, "x-amz-server-side-encryption-customer-key-md5": createHash("md5").update("other").digest("base64") }, "InvalidArgument"],
      [{ "x-amz-server-side-encryption-customer-key": SSE_C["x-amz-server-side-encryption-customer-key"] }, "InvalidArgument"],
      [{ ...SSE_C, "x-amz-server-side-encryption": "AES256" }, "InvalidArgument"],
      [{ ...SSE_C, "x-amz-server-side-encryption": "aws:kms" }, "InvalidArgument"],
    ];
    for (const [headers, code] of cases) {
      await expectError(await send({ method: "PUT", path: `/${B}/bogus`, headers, body: "x" }, { tls: true }), 400, code);
    }
    expect(await exists(B, "bogus")).toBe(false);
  });

  test("SSE-C over plain HTTP is refused before anything else (as MinIO: InvalidRequest)", async () => {
    const msg = await expectError(await send({ method: "PUT", path: `/${B}/insecure`, headers: SSE_C, body: "x" }), 400, "InvalidRequest");
    expect(msg).toContain("secure connection");
    await expectError(
      await send({ method: "PUT", path: `/${B}/insecure`, headers: { ...COPY_SSE_C, "x-amz-copy-source": `/${B}/src` } }),
      400,
      "InvalidRequest",
    );
    expect(await exists(B, "insecure")).toBe(false);
  });

  test("GET / HEAD with SSE-C on a plaintext object: InvalidRequest; SSE-S3 headers on a read: 400", async () => {
    const msg = await expectError(await send({ path: `/${B}/src`, headers: SSE_C }, { tls: true }), 400, "InvalidRequest");
    expect(msg).toContain("not applicable");
    // A missing key is still NoSuchKey; a bogus key is refused as on writes.
    await expectError(await send({ path: `/${B}/nothing-here`, headers: SSE_C }, { tls: true }), 404, "NoSuchKey");
    await expectError(
      await send({ path: `/${B}/src`, headers: { ...SSE_C, "x-amz-server-side-encryption-customer-algorithm": "AES128" } }, { tls: true }),
      400,
      "InvalidEncryptionAlgorithmError",
    );
    expect((await send({ method: "HEAD", path: `/${B}/src`, headers: SSE_C }, { tls: true })).status).toBe(400);
    await expectError(await send({ path: `/${B}/src`, headers: { "x-amz-server-side-encryption": "AES256" } }), 400, "BadRequest");
    // Plain reads still work.
    expect(await (await send({ path: `/${B}/src` })).text()).toBe("source");
  });
});

describe("object lock on writes", () => {
  const lock = { "x-amz-object-lock-mode": "GOVERNANCE", "x-amz-object-lock-retain-until-date": FUTURE };

  test("retention or legal hold asked on a copy is NotImplemented; nothing stored (PUT and multipart store them: s3-object-retention.test.ts)", async () => {
    for (const headers of [lock, { "x-amz-object-lock-legal-hold": "ON" }, { ...lock, "x-amz-object-lock-mode": "COMPLIANCE" }]) {
      await expectError(
        await send({ method: "PUT", path: `/${LOCKED}/worm`, headers: { ...headers, "x-amz-copy-source": `/${B}/src` } }),
        501,
        "NotImplemented",
      );
    }
    expect(await versionsIn(LOCKED, "worm")).toBe(0);
  });

  test("malformed lock headers are InvalidArgument; a bucket without lock is InvalidRequest", async () => {
    const bad: Record<string, string>[] = [
      { ...lock, "x-amz-object-lock-mode": "FOREVER" },
      { ...lock, "x-amz-object-lock-retain-until-date": "tomorrow" },
      { "x-amz-object-lock-mode": "GOVERNANCE" },
      { "x-amz-object-lock-retain-until-date": FUTURE },
      { ...lock, "x-amz-object-lock-retain-until-date": "2001-01-01T00:00:00Z" },
      { "x-amz-object-lock-legal-hold": "maybe" },
    ];
    for (const headers of bad) await expectError(await send({ method: "PUT", path: `/${LOCKED}/bad`, headers, body: "x" }), 400, "InvalidArgument");
    await expectError(await send({ method: "PUT", path: `/${B}/nolock`, headers: lock, body: "x" }), 400, "InvalidRequest");
    expect(await versionsIn(LOCKED, "bad")).toBe(0);
    expect(await exists(B, "nolock")).toBe(false);
    // A lock-enabled bucket without a default rule takes ordinary writes.
    expect((await send({ method: "PUT", path: `/${LOCKED}/ordinary`, body: "x" })).status).toBe(200);
  });

  test("a bucket whose lock configuration has a default retention rule refuses every write", async () => {
    const msg = await expectError(await send({ method: "PUT", path: `/${RULED}/k`, body: "x" }), 501, "NotImplemented");
    expect(msg).toContain("default object-lock retention rule (GOVERNANCE 30 days)");
    await expectError(await send({ method: "PUT", path: `/${RULED}/k`, headers: { "x-amz-copy-source": `/${B}/src` } }), 501, "NotImplemented");
    await expectError(await send({ method: "POST", path: `/${RULED}/k`, query: { uploads: "" } }), 501, "NotImplemented");
    expect(await versionsIn(RULED, "k")).toBe(0);
    expect(await uploadsIn(RULED)).not.toContain("<Upload>");
    // Reading the configuration still shows the rule MinIO stored.
    expect(await (await send({ path: `/${RULED}`, query: { "object-lock": "" } })).text()).toContain("<DefaultRetention>");
  });
});

describe("values S3 does not know are refused, not ignored", () => {
  test("CreateBucket with an unknown x-amz-object-ownership is InvalidArgument and makes no bucket; the three S3 settings are accepted", async () => {
    await expectError(await send({ method: "PUT", path: "/owned-bad", headers: { "x-amz-object-ownership": "Everyone" } }), 400, "InvalidArgument");
    expect((await send({ method: "HEAD", path: "/owned-bad" })).status).toBe(404);
    for (const [i, value] of ["BucketOwnerEnforced", "BucketOwnerPreferred", "ObjectWriter"].entries()) {
      expect((await send({ method: "PUT", path: `/owned-${i}`, headers: { "x-amz-object-ownership": value } })).status).toBe(200);
    }
  });

  test("GET/HEAD with an x-amz-checksum-mode other than ENABLED is InvalidRequest", async () => {
    expect((await send({ method: "PUT", path: `/${B}/mode`, body: "x" })).status).toBe(200);
    for (const method of ["GET", "HEAD"]) {
      const res = await send({ method, path: `/${B}/mode`, headers: { "x-amz-checksum-mode": "DISABLED" } });
      expect(res.status).toBe(400);
      if (method === "GET") expect((await errorOf(res)).code).toBe("InvalidRequest");
    }
    expect((await send({ path: `/${B}/mode`, headers: { "x-amz-checksum-mode": "ENABLED" } })).status).toBe(200);
  });
});
