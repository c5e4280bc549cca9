// Requests signed by the AWS SDK's own signer must verify unchanged: the S3 client's requests
// are captured before they leave (no network) and replayed into authenticate().
import { describe, expect, test } from "bun:test";
import { createHash, createHmac } from "node:crypto";
import { Readable } from "node:stream";
import { CreateMultipartUploadCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { SignatureV4 } from "@smithy/signature-v4";
import { S3Error } from "../errors.ts";
import { authenticate, type AuthOptions } from "./authenticate.ts";
import { createPayloadVerifier } from "./payload-verifier.ts";

const AK = "AKIDSDKTEST";
const SECRET = "sdk/secret+key=";
const lookup: AuthOptions["lookup"] = async (ak) => (ak === AK ? { secretKey: SECRET } : null);

interface Captured {
  method: string;
  protocol: string;
  hostname: string;
  port?: number;
  path: string;
  query?: Record<string, string | string[] | null>;
  headers: Record<string, string>;
  body?: unknown;
}

/** The SDK's query escaping (encodeURIComponent plus !'()*). */
const esc = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());

function queryString(query: Captured["query"]): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v === null) parts.push(esc(k));
    else for (const one of Array.isArray(v) ? v : [v]) parts.push(`${esc(k)}=${esc(one)}`);
  }
  return parts.join("&");
}

async function bodyBytes(body: unknown): Promise<Uint8Array | undefined> {
  if (body === undefined || body === null) return undefined;
  if (typeof body === "string") return new TextEncoder().encode(body);
  if (body instanceof Uint8Array) return body;
  const chunks: Buffer[] = [];
  for await (const c of body as Readable) chunks.push(Buffer.from(c as Uint8Array));
  return Buffer.concat(chunks);
}

async function toRequest(c: Captured): Promise<Request> {
  const qs = queryString(c.query);
  const url = `${c.protocol}//${c.hostname}${c.port ? `:${c.port}` : ""}${c.path}${qs ? `?${qs}` : ""}`;
  const headers = { ...c.headers };
  delete headers["transfer-encoding"];
  return new Request(url, { method: c.method, headers, body: (await bodyBytes(c.body)) ?? null });
}

function capturingClient(region = "us-east-1") {
  const box: { req?: Captured } = {};
  const client = new S3Client({
    endpoint: "http://127.0.0.1:9000",
    region,
    forcePathStyle: true,
    credentials: { accessKeyId: AK, secretAccessKey: SECRET },
    requestHandler: {
      handle: async (req: Captured) => {
        box.req = req;
        throw new Error("captured");
      },
    } as never,
  });
  // Commands are generic over their own input/output; send() accepts any of them at runtime.
  const send = client.send.bind(client) as (cmd: object) => Promise<unknown>;
  const capture = async (cmd: object): Promise<Request> => {
    await send(cmd).catch((e: Error) => {
      if (e.message !== "captured") throw e;
    });
    return toRequest(box.req!);
  };
  return { capture };
}

async function verify(req: Request, over: Partial<AuthOptions> = {}) {
  return authenticate(req, new URL(req.url), { region: "us-east-1", lookup, ...over });
}

const AWKWARD_KEYS = [
  "a b+c%d/é~!*'()",
  "日本語/ファイル.txt",
  "x&y=z?#frag",
  "with//double/slash",
  "trailing/",
  "emoji 😀 and tab\t",
  "  spaces  ",
  "percent%2Fencoded%20already",
  "semi;colon,comma:colon@at$dollar",
];

describe("S3Client requests verify", () => {
  const { capture } = capturingClient();

  test.each(AWKWARD_KEYS)("PutObject of key %j", async (key) => {
    const req = await capture(new PutObjectCommand({ Bucket: "bucket", Key: key, Body: "hello" }));
    const auth = await verify(req);
    expect(auth.kind).toBe("signed");
    expect(auth.payload.mode).toBe("sha256");
    const payload = createPayloadVerifier(auth, req.body);
    expect(await new Response(payload.stream).text()).toBe("hello");
  });

  test.each(AWKWARD_KEYS)("GetObject of key %j with response overrides", async (key) => {
    const req = await capture(
      new GetObjectCommand({ Bucket: "bucket", Key: key, ResponseContentDisposition: 'attachment; filename="a b.txt"', VersionId: "v+1/=" }),
    );
    expect((await verify(req)).kind).toBe("signed");
  });

  test("ListObjectsV2 with spaces, plus signs, empty values and tokens", async () => {
    const req = await capture(
      new ListObjectsV2Command({ Bucket: "bucket", Prefix: "x y+z/é", Delimiter: "/", StartAfter: "", ContinuationToken: "a/b+c==", MaxKeys: 7 }),
    );
    expect(new URL(req.url).search).toContain("start-after=");
    expect((await verify(req)).kind).toBe("signed");
  });

  test("CreateMultipartUpload (?uploads sub-resource) verifies", async () => {
    const req = await capture(new CreateMultipartUploadCommand({ Bucket: "bucket", Key: "k", Metadata: { "my-meta": "v a l" } }));
    expect((await verify(req)).kind).toBe("signed");
  });

  test("a streaming body becomes STREAMING-UNSIGNED-PAYLOAD-TRAILER and decodes with its CRC32 trailer", async () => {
    const data = [Buffer.alloc(70_000, 1), Buffer.from("tail")];
    const req = await capture(new PutObjectCommand({ Bucket: "bucket", Key: "s", Body: Readable.from(data), ContentLength: 70_004 }));
    const auth = await verify(req);
    expect(auth.payload).toEqual({ mode: "streaming-unsigned", trailer: true });
    expect(auth.decodedContentLength).toBe(70_004);
    expect(auth.trailerNames).toEqual(["x-amz-checksum-crc32"]);
    const payload = createPayloadVerifier(auth, req.body);
    const out = new Uint8Array(await new Response(payload.stream).arrayBuffer());
    expect(Buffer.compare(out, Buffer.concat(data))).toBe(0);
    expect(payload.summary().checksum?.algorithm).toBe("CRC32");
  });

  test("tampering with a captured request fails", async () => {
    const req = await capture(new PutObjectCommand({ Bucket: "bucket", Key: "k", Body: "hello" }));
    const url = new URL(req.url);
    const moved = new Request(url.toString().replace("/k", "/j"), { method: "PUT", headers: req.headers, body: "hello" });
    await expect(verify(moved)).rejects.toMatchObject({ code: "SignatureDoesNotMatch" });
    const renamed = new Request(req.url, { method: "POST", headers: req.headers, body: "hello" });
    await expect(verify(renamed)).rejects.toMatchObject({ code: "SignatureDoesNotMatch" });
    await expect(verify(req, { region: "eu-central-1" })).rejects.toMatchObject({ code: "AuthorizationHeaderMalformed" });
  });

  test("a changed body fails at the end of the stream, not before", async () => {
    const req = await capture(new PutObjectCommand({ Bucket: "bucket", Key: "k", Body: "hello" }));
    const auth = await verify(req);
    const payload = createPayloadVerifier(auth, new Response("hellO").body);
    const reader = payload.stream.getReader();
    expect((await reader.read()).value?.length).toBe(5);
    const err = await reader.read().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(S3Error);
    expect((err as S3Error).code).toBe("XAmzContentSHA256Mismatch");
  });
});

describe("SignatureV4 (smithy) directly", () => {
  const signer = new SignatureV4({
    credentials: { accessKeyId: AK, secretAccessKey: SECRET },
    region: "us-west-2",
    service: "s3",
    // smithy's hash contract: constructed with a secret it is an HMAC, without one a plain hash.
    sha256: class {
      #h: { update(d: Uint8Array | string): unknown; digest(): Buffer };
      constructor(secret?: Uint8Array | string) {
        this.#h = secret === undefined ? createHash("sha256") : createHmac("sha256", secret);
      }
      update(d: Uint8Array | string) {
        this.#h.update(d);
      }
      async digest() {
        return new Uint8Array(this.#h.digest());
      }
      reset() {}
    } as never,
    uriEscapePath: false,
    applyChecksum: true,
  });
  const base = (path: string, query: Captured["query"] = {}, headers: Record<string, string> = {}): Captured => ({
    method: "GET",
    protocol: "http:",
    hostname: "localhost",
    port: 9000,
    path,
    query,
    headers: { host: "localhost:9000", ...headers },
  });
  const s3Path = (bucket: string, key: string) => `/${bucket}/${key.split("/").map(esc).join("/")}`;

  test("multiple values per name and empty values", async () => {
    const signed = (await signer.sign(
      base("/b/k", { tag: ["z", "a", "m"], empty: "", "sp ace": "v+1" }, { "x-amz-content-sha256": "UNSIGNED-PAYLOAD" }) as never,
    )) as unknown as Captured;
    const auth = await verify(await toRequest(signed), { region: "us-west-2" });
    expect(auth.kind === "signed" && auth.region).toBe("us-west-2");
  });

  test.each(AWKWARD_KEYS)("presigned GET of key %j", async (key) => {
    const presigned = (await signer.presign(base(s3Path("bucket", key), { "x-id": "GetObject" }, { "x-amz-content-sha256": "UNSIGNED-PAYLOAD" }) as never, {
      expiresIn: 600,
    })) as unknown as Captured;
    const req = await toRequest(presigned);
    const auth = await verify(req, { region: "us-west-2" });
    expect(auth.kind === "signed" && auth.method).toBe("presigned");
    expect(auth.payload.mode).toBe("unsigned");
  });

  test("presigned PUT with a hoisted x-amz-meta header and a signed content-type", async () => {
    const presigned = (await signer.presign(
      {
        ...base(s3Path("bucket", "up load"), {}, { "content-type": "text/plain", "x-amz-meta-a": "b c", "x-amz-content-sha256": "UNSIGNED-PAYLOAD" }),
        method: "PUT",
      } as never,
      { expiresIn: 60 },
    )) as unknown as Captured;
    const req = await toRequest(presigned);
    expect(new URL(req.url).searchParams.get("x-amz-meta-a")).toBe("b c");
    expect((await verify(req, { region: "us-west-2" })).kind).toBe("signed");
    const changedType = new Request(req.url, { method: "PUT", headers: { ...Object.fromEntries(req.headers), "content-type": "text/html" } });
    await expect(verify(changedType, { region: "us-west-2" })).rejects.toMatchObject({ code: "SignatureDoesNotMatch" });
  });

  test("an expired presigned URL is AccessDenied", async () => {
    const signingDate = new Date(Date.now() - 2 * 3600_000);
    const presigned = (await signer.presign(base("/bucket/k") as never, { expiresIn: 3600, signingDate })) as unknown as Captured;
    await expect(verify(await toRequest(presigned), { region: "us-west-2" })).rejects.toMatchObject({ code: "AccessDenied" });
  });
});
