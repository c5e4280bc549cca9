// Server-side encryption end to end with real clients over TLS: aws-cli v2 (Debian's
// /usr/bin/aws) and boto3 (python3-boto3) against one server process with a built-in KMS key.
// SSE-S3 (AES256), SSE-KMS (aws:kms with the key id) and SSE-C (customer keys) each go up and
// down single-part and multipart (20 MiB, above both clients' 8 MiB threshold); head-object
// reports the encryption; ranged GETs cross the 64 KiB DARE package boundary and part
// boundaries; a bucket default (PutBucketEncryption) encrypts a plain upload. Bytes are compared
// by sha256, and the drives are searched for the plaintext to show it is not stored as sent.
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { awsCliEnv, findAwsCliV2, cleanEnv, describeWithTool, findBoto3Python, randomData, run, runOk, sha256, sha256File, writeTree } from "../support/cli.ts";
import { ROOT_PASSWORD, ROOT_USER, startServer, type ServerProcess } from "../support/server-process.ts";
import { TempDirs } from "../support/temp-dirs.ts";
import { selfSignedCert } from "../support/tls-cert.ts";

setDefaultTimeout(120_000);
const MiB = 1024 * 1024;
const KMS_KEY = "sse-e2e-key";
const KMS_ARN = `arn:aws:kms:${KMS_KEY}`;

const AWS = findAwsCliV2();
const PYTHON = findBoto3Python();

const temp = new TempDirs();
let server: ServerProcess;
/** The server's self-signed certificate: the CA bundle both clients verify it with. */
let caBundle: string;

beforeAll(async () => {
  const certs = temp.make("bunker-sse-certs-");
  caBundle = selfSignedCert(certs);
  server = await startServer(temp, {
    args: ["--certs-dir", certs],
    tls: true,
    env: { MINIO_KMS_SECRET_KEY: `${KMS_KEY}:${randomBytes(32).toString("base64")}` },
  });
});
afterAll(async () => {
  await server?.stop();
  temp.cleanup();
});

/** Every file the drives hold for one object (xl.meta with inline data, part files). */
function storedFiles(bucket: string, key: string): string[] {
  const files: string[] = [];
  const walk = (p: string) => {
    if (statSync(p).isDirectory()) for (const n of readdirSync(p)) walk(join(p, n));
    else files.push(p);
  };
  for (const d of server.drives) if (existsSync(join(d, bucket, key))) walk(join(d, bucket, key));
  return files;
}

/**
 * Whether the first 32 bytes of `data` appear in what the drives hold for the object. Erasure
 * coding is systematic, so a plaintext object has them verbatim in its first data shard (the
 * control uploads show that); an encrypted one must not.
 */
function plaintextOnDisk(bucket: string, key: string, data: Uint8Array): boolean {
  const files = storedFiles(bucket, key);
  expect(files.length).toBeGreaterThan(0);
  const sample = Buffer.from(data.subarray(0, 32));
  return files.some((f) => readFileSync(f).includes(sample));
}

const md5Base64 = (b: Uint8Array) => new Bun.CryptoHasher("md5").update(b).digest("base64");

describeWithTool("aws-cli v2", AWS, () => {
  let work: string;
  let env: Record<string, string>;
  let keyFile: string;
  let otherKeyFile: string;
  let customerKey: Uint8Array;
  beforeAll(() => {
    work = temp.make("bunker-sse-awscli-");
    customerKey = randomData(32);
    keyFile = join(work, "sse-c.key");
    otherKeyFile = join(work, "other.key");
    writeFileSync(keyFile, customerKey);
    writeFileSync(otherKeyFile, randomData(32));
    env = awsCliEnv(work, ROOT_USER, ROOT_PASSWORD, { AWS_CA_BUNDLE: caBundle });
  });

  const aws = (...args: string[]) => runOk([AWS!, "--endpoint-url", server.endpoint, ...args], env, work);
  const awsFails = (...args: string[]) => run([AWS!, "--endpoint-url", server.endpoint, ...args], env, work);
  const api = async (...args: string[]) => {
    const out = await aws("s3api", ...args, "--output", "json");
    return out.trim() === "" ? {} : JSON.parse(out);
  };
  const cp = (...args: string[]) => aws("s3", "cp", ...args, "--only-show-errors");

  interface Case {
    name: string;
    bucket: string;
    /** `aws s3 cp` flags for the upload and the download. */
    up: () => string[];
    down: () => string[];
    /** `aws s3api` flags that read the object (head-object, get-object). */
    read: () => string[];
    head: () => Record<string, string>;
  }
  const cases: Case[] = [
    {
      name: "SSE-S3: --sse AES256",
      bucket: "aws-sse-s3",
      up: () => ["--sse", "AES256"],
      down: () => [],
      read: () => [],
      head: () => ({ ServerSideEncryption: "AES256" }),
    },
    {
      name: "SSE-KMS: --sse aws:kms --sse-kms-key-id",
      bucket: "aws-sse-kms",
      up: () => ["--sse", "aws:kms", "--sse-kms-key-id", KMS_KEY],
      down: () => [],
      read: () => [],
      head: () => ({ ServerSideEncryption: "aws:kms", SSEKMSKeyId: KMS_ARN }),
    },
    {
      name: "SSE-C: --sse-c AES256 --sse-c-key fileb://",
      bucket: "aws-sse-c",
      up: () => ["--sse-c", "AES256", "--sse-c-key", `fileb://${keyFile}`],
      down: () => ["--sse-c", "AES256", "--sse-c-key", `fileb://${keyFile}`],
      read: () => ["--sse-customer-algorithm", "AES256", "--sse-customer-key", `fileb://${keyFile}`],
      head: () => ({ SSECustomerAlgorithm: "AES256", SSECustomerKeyMD5: md5Base64(customerKey) }),
    },
  ];

  for (const c of cases) {
    test.concurrent(`${c.name}: cp up and down single-part and multipart, head-object, ranged get-object`, async () => {
      const dir = join(work, c.bucket);
      const files = { "small.bin": randomData(200_000 + 3), "big.bin": randomData(20 * MiB + 11) };
      writeTree(join(dir, "up"), files);
      await aws("s3", "mb", `s3://${c.bucket}`);
      // One recursive cp: a PutObject for the small file, a multipart upload (8 MiB parts) for the big one.
      await cp(join(dir, "up"), `s3://${c.bucket}/`, "--recursive", ...c.up());

      for (const [key, data] of Object.entries(files)) {
        const head = await api("head-object", "--bucket", c.bucket, "--key", key, ...c.read());
        expect(head).toMatchObject({ ContentLength: data.length, ...c.head() });
        if (key === "big.bin") expect(head.ETag).toMatch(/-3"$/); // 8 + 8 + 4 MiB
        expect(plaintextOnDisk(c.bucket, key, data)).toBe(false);
      }

      // Download: HeadObject, then (for the big file) ranged GETs of 8 MiB, each with the key again.
      await cp(`s3://${c.bucket}/`, join(dir, "down"), "--recursive", ...c.down());
      for (const [key, data] of Object.entries(files)) expect(sha256File(join(dir, "down", key))).toBe(sha256(data));

      // Ranges: across the 64 KiB package boundary, and (multipart) across the first part boundary.
      const ranges: [string, number, number][] = [
        ["small.bin", 65530, 70000],
        ["big.bin", 65530, 70000],
        ["big.bin", 8 * MiB - 1000, 8 * MiB + 70_000],
      ];
      for (const [key, from, to] of ranges) {
        const out = join(dir, `range-${key}-${from}`);
        const got = await api("get-object", "--bucket", c.bucket, "--key", key, "--range", `bytes=${from}-${to}`, ...c.read(), out);
        expect(got).toMatchObject({
          ContentLength: to - from + 1,
          ContentRange: `bytes ${from}-${to}/${files[key as keyof typeof files].length}`,
          ...c.head(),
        });
        expect(sha256File(out)).toBe(sha256(files[key as keyof typeof files].subarray(from, to + 1)));
      }
    });
  }

  test.concurrent("SSE-C: reading without the key, or with another key, fails", async () => {
    const bucket = "aws-sse-c-denied";
    const data = randomData(100_000);
    writeFileSync(join(work, "denied.bin"), data);
    await aws("s3", "mb", `s3://${bucket}`);
    await cp(join(work, "denied.bin"), `s3://${bucket}/denied.bin`, "--sse-c", "AES256", "--sse-c-key", `fileb://${keyFile}`);

    const noKey = await awsFails("s3", "cp", `s3://${bucket}/denied.bin`, join(work, "denied-nokey.bin"), "--only-show-errors");
    expect(noKey.code).not.toBe(0);
    expect(noKey.stderr).toContain("(400)");
    expect(existsSync(join(work, "denied-nokey.bin"))).toBe(false);
    const noKeyApi = await awsFails("s3api", "get-object", "--bucket", bucket, "--key", "denied.bin", join(work, "denied-nokey2.bin"));
    expect(noKeyApi.stderr).toContain("InvalidRequest");

    const wrong = await awsFails(
      "s3",
      "cp",
      `s3://${bucket}/denied.bin`,
      join(work, "denied-wrong.bin"),
      "--sse-c",
      "AES256",
      "--sse-c-key",
      `fileb://${otherKeyFile}`,
      "--only-show-errors",
    );
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toContain("(403)");
    const wrongApi = await awsFails(
      "s3api",
      "get-object",
      "--bucket",
      bucket,
      "--key",
      "denied.bin",
      "--sse-customer-algorithm",
      "AES256",
      "--sse-customer-key",
      `fileb://${otherKeyFile}`,
      join(work, "denied-wrong2.bin"),
    );
    expect(wrongApi.stderr).toContain("AccessDenied");

    await cp(`s3://${bucket}/denied.bin`, join(work, "denied-ok.bin"), "--sse-c", "AES256", "--sse-c-key", `fileb://${keyFile}`);
    expect(sha256File(join(work, "denied-ok.bin"))).toBe(sha256(data));
  });

  test.concurrent("put-bucket-encryption AES256: a plain cp comes back encrypted; get- and delete-bucket-encryption", async () => {
    const bucket = "aws-sse-default";
    const plain = randomData(150_000);
    const big = randomData(9 * MiB + 5); // above the 8 MiB threshold: CreateMultipartUpload gets the default too
    writeFileSync(join(work, "default-plain.bin"), plain);
    writeFileSync(join(work, "default-big.bin"), big);
    await aws("s3", "mb", `s3://${bucket}`);
    const none = await awsFails("s3api", "get-bucket-encryption", "--bucket", bucket);
    expect(none.code).not.toBe(0);
    expect(none.stderr).toContain("ServerSideEncryptionConfigurationNotFoundError");

    // Control: before the default, a plain upload is stored as sent (its bytes are on the drives).
    await cp(join(work, "default-plain.bin"), `s3://${bucket}/before.bin`);
    expect((await api("head-object", "--bucket", bucket, "--key", "before.bin")).ServerSideEncryption).toBeUndefined();
    expect(plaintextOnDisk(bucket, "before.bin", plain)).toBe(true);

    const config = { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } }] };
    await api("put-bucket-encryption", "--bucket", bucket, "--server-side-encryption-configuration", JSON.stringify(config));
    const got = await api("get-bucket-encryption", "--bucket", bucket);
    expect(got.ServerSideEncryptionConfiguration.Rules).toHaveLength(1);
    expect(got.ServerSideEncryptionConfiguration.Rules[0].ApplyServerSideEncryptionByDefault).toEqual({ SSEAlgorithm: "AES256" });

    await cp(join(work, "default-plain.bin"), `s3://${bucket}/after.bin`);
    await cp(join(work, "default-big.bin"), `s3://${bucket}/after-big.bin`);
    for (const [key, data] of [
      ["after.bin", plain],
      ["after-big.bin", big],
    ] as const) {
      const head = await api("head-object", "--bucket", bucket, "--key", key);
      expect(head).toMatchObject({ ServerSideEncryption: "AES256", ContentLength: data.length });
      if (key === "after-big.bin") expect(head.ETag).toMatch(/-2"$/);
      expect(plaintextOnDisk(bucket, key, data)).toBe(false);
      await cp(`s3://${bucket}/${key}`, join(work, `default-down-${key}`));
      expect(sha256File(join(work, `default-down-${key}`))).toBe(sha256(data));
    }
    // The object uploaded before the default stays as it was.
    expect((await api("head-object", "--bucket", bucket, "--key", "before.bin")).ServerSideEncryption).toBeUndefined();

    await api("delete-bucket-encryption", "--bucket", bucket);
    const gone = await awsFails("s3api", "get-bucket-encryption", "--bucket", bucket);
    expect(gone.code).not.toBe(0);
    expect(gone.stderr).toContain("ServerSideEncryptionConfigurationNotFoundError");
    await cp(join(work, "default-plain.bin"), `s3://${bucket}/removed.bin`);
    expect((await api("head-object", "--bucket", bucket, "--key", "removed.bin")).ServerSideEncryption).toBeUndefined();
  });
});

/** What every boto3 script starts with: a client that verifies the server's certificate. */
const BOTO3_PRELUDE = `
import hashlib, io, json, os, sys
import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import ClientError

endpoint, work, ca = sys.argv[1], sys.argv[2], sys.argv[3]
s3 = boto3.client(
    "s3", endpoint_url=endpoint, region_name="us-east-1", verify=ca,
    aws_access_key_id=os.environ["KEY"], aws_secret_access_key=os.environ["SECRET"],
    config=Config(signature_version="s3v4", s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
)
out = {}
sha = lambda b: hashlib.sha256(b).hexdigest()
def read(name):
    with open(os.path.join(work, name), "rb") as f:
        return f.read()
def error(fn):
    try:
        fn()
        return "ok"
    except ClientError as e:
        return {"status": e.response["ResponseMetadata"]["HTTPStatusCode"], "code": e.response["Error"].get("Code")}
def enc(r):
    return {k: r[k] for k in ("ServerSideEncryption", "SSEKMSKeyId", "SSECustomerAlgorithm", "SSECustomerKeyMD5") if k in r}
`;

describeWithTool("boto3", PYTHON, () => {
  let n = 0;
  /** Runs the prelude plus `body` in a fresh directory holding `files`; returns the script's `out` dict. */
  async function boto3(files: Record<string, Uint8Array>, body: string): Promise<Record<string, unknown>> {
    const work = temp.make(`bunker-sse-boto3-${++n}-`);
    writeTree(work, files);
    const script = join(work, "script.py");
    writeFileSync(script, `${BOTO3_PRELUDE}\n${body}\nprint(json.dumps(out))\n`);
    const env = cleanEnv(work, { KEY: ROOT_USER, SECRET: ROOT_PASSWORD });
    return JSON.parse(await runOk([PYTHON!, script, server.endpoint, work, caBundle], env, work));
  }

  const ROUND_TRIP = `
s3.create_bucket(Bucket=bucket)
data = read("data.bin")
put = s3.put_object(Bucket=bucket, Key="obj", Body=data, **sse)
out["put"] = enc(put)
out["head"] = enc(s3.head_object(Bucket=bucket, Key="obj", **read_sse))
got = s3.get_object(Bucket=bucket, Key="obj", **read_sse)
out["get"] = enc(got)
out["get_sha"] = sha(got["Body"].read())
r = s3.get_object(Bucket=bucket, Key="obj", Range="bytes=65530-65545", **read_sse)
out["range"] = {"sha": sha(r["Body"].read()), "content_range": r["ContentRange"]}
`;

  const managed = [
    { name: "ServerSideEncryption='AES256'", bucket: "boto-sse-s3", sse: `{"ServerSideEncryption": "AES256"}`, want: { ServerSideEncryption: "AES256" } },
    {
      name: "ServerSideEncryption='aws:kms' and SSEKMSKeyId",
      bucket: "boto-sse-kms",
      sse: `{"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": "${KMS_KEY}"}`,
      want: { ServerSideEncryption: "aws:kms", SSEKMSKeyId: KMS_ARN },
    },
  ];
  for (const m of managed) {
    test.concurrent(`put_object / get_object with ${m.name}`, async () => {
      const data = randomData(300_000);
      const out = await boto3({ "data.bin": data }, `bucket = "${m.bucket}"\nsse = ${m.sse}\nread_sse = {}\n${ROUND_TRIP}`);
      expect(out).toEqual({
        put: m.want,
        head: m.want,
        get: m.want,
        get_sha: sha256(data),
        range: { sha: sha256(data.subarray(65530, 65546)), content_range: `bytes 65530-65545/${data.length}` },
      });
      expect(plaintextOnDisk(m.bucket, "obj", data)).toBe(false);
    });
  }

  test.concurrent("put_object / get_object with SSECustomerAlgorithm and SSECustomerKey; a wrong key is 403, none is 400", async () => {
    const data = randomData(300_000);
    const key = randomData(32);
    const out = await boto3(
      { "data.bin": data, "key.bin": key, "other.bin": randomData(32) },
      `bucket = "boto-sse-c"
sse = {"SSECustomerAlgorithm": "AES256", "SSECustomerKey": read("key.bin")}
read_sse = sse
${ROUND_TRIP}
wrong = {"SSECustomerAlgorithm": "AES256", "SSECustomerKey": read("other.bin")}
out["wrong_key"] = error(lambda: s3.get_object(Bucket=bucket, Key="obj", **wrong))
out["wrong_key_head"] = error(lambda: s3.head_object(Bucket=bucket, Key="obj", **wrong))
out["no_key"] = error(lambda: s3.get_object(Bucket=bucket, Key="obj"))
out["no_key_head"] = error(lambda: s3.head_object(Bucket=bucket, Key="obj"))
`,
    );
    const want = { SSECustomerAlgorithm: "AES256", SSECustomerKeyMD5: md5Base64(key) };
    expect(out).toEqual({
      put: want,
      head: want,
      get: want,
      get_sha: sha256(data),
      range: { sha: sha256(data.subarray(65530, 65546)), content_range: `bytes 65530-65545/${data.length}` },
      wrong_key: { status: 403, code: "AccessDenied" },
      // A HEAD answer has no body: botocore names the error by its status.
      wrong_key_head: { status: 403, code: "403" },
      no_key: { status: 400, code: "InvalidRequest" },
      no_key_head: { status: 400, code: "400" },
    });
    expect(plaintextOnDisk("boto-sse-c", "obj", data)).toBe(false);
  });

  test.concurrent("upload_fileobj of 20 MiB with ExtraArgs ServerSideEncryption (multipart) and download_fileobj back", async () => {
    const data = randomData(20 * MiB + 17);
    const boundary = 8 * MiB;
    const out = await boto3(
      { "big.bin": data },
      `bucket = "boto-sse-multipart"
s3.create_bucket(Bucket=bucket)
cfg = TransferConfig(multipart_threshold=8 * 1024 * 1024, multipart_chunksize=8 * 1024 * 1024, max_concurrency=4)
with open(os.path.join(work, "big.bin"), "rb") as f:
    s3.upload_fileobj(f, bucket, "big.bin", ExtraArgs={"ServerSideEncryption": "AES256"}, Config=cfg)
head = s3.head_object(Bucket=bucket, Key="big.bin")
out["head"] = enc(head)
out["etag_parts"] = head["ETag"].strip('"').split("-")[-1]
buf = io.BytesIO()
s3.download_fileobj(bucket, "big.bin", buf, Config=cfg)
out["down_sha"] = sha(buf.getvalue())
r = s3.get_object(Bucket=bucket, Key="big.bin", Range="bytes=${boundary - 100}-${boundary + 65_536}")
out["range"] = {"sha": sha(r["Body"].read()), "sse": enc(r)}
`,
    );
    expect(out).toEqual({
      head: { ServerSideEncryption: "AES256" },
      etag_parts: "3",
      down_sha: sha256(data),
      range: { sha: sha256(data.subarray(boundary - 100, boundary + 65_537)), sse: { ServerSideEncryption: "AES256" } },
    });
    expect(plaintextOnDisk("boto-sse-multipart", "big.bin", data)).toBe(false);
  });
});
