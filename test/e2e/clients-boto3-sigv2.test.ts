// boto3 signing with SigV2 (signature_version "s3") against the real server process: bucket
// create/delete (botocore signs a bucket as "/bucket/"), put/head/range get with metadata, copy
// replacing metadata, listing, presigned GET (with a response override) and PUT, a wrong secret.
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { join } from "node:path";
import { cleanEnv, describeWithTool, findBoto3Python, runOk } from "../support/cli.ts";
import { ROOT_PASSWORD, ROOT_USER, startServer, type ServerProcess } from "../support/server-process.ts";
import { TempDirs } from "../support/temp-dirs.ts";

setDefaultTimeout(120_000);
const PYTHON = findBoto3Python();

describeWithTool("boto3 SigV2", PYTHON, () => {
  const temp = new TempDirs();
  let server: ServerProcess;
  beforeAll(async () => {
    server = await startServer(temp);
  });
  afterAll(async () => {
    await server?.stop();
    temp.cleanup();
  });

  test("a scripted SigV2 session", async () => {
    const work = temp.make("bunker-boto3v2-");
    const env = cleanEnv(work, { KEY: ROOT_USER, SECRET: ROOT_PASSWORD });
    const out = JSON.parse(await runOk([PYTHON!, join(import.meta.dir, "scripts/boto3-sigv2.py"), server.endpoint], env, work));
    expect(out.head).toEqual({ size: 100_000, type: "application/x-test", meta: { colour: "blue" } });
    expect(out.range).toBe(out.body_range);
    expect(out.copy).toEqual({ meta: { colour: "red" }, type: "text/x-copy" });
    expect(out.keys).toEqual(["copy.bin", "dir/a b+c.bin"]);
    expect(out.presigned_get).toEqual({ sha: out.body, type: "text/x-override" });
    expect(out.presigned_put).toBe(200);
    expect(out.pp).toBe("presigned");
    expect(out.bad).toBe("SignatureDoesNotMatch");
    expect(out.left).toEqual([]);
  });
});
