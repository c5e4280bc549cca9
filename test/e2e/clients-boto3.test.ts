// boto3 (the Debian package python3-boto3) against the real server process: put/head/get with
// ranges, the transfer manager's multipart upload and download, copy, tagging, paginated
// listing, a presigned GET, versioning, errors and DeleteObjects — bytes compared by SHA-256.
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { join } from "node:path";
import { writeFileSync } from "node:fs";
import { cleanEnv, describeWithTool, findBoto3Python, randomData, runOk, sha256 } from "../support/cli.ts";
import { ROOT_PASSWORD, ROOT_USER, startServer, type ServerProcess } from "../support/server-process.ts";
import { TempDirs } from "../support/temp-dirs.ts";

setDefaultTimeout(120_000);
const PYTHON = findBoto3Python();
const MiB = 1024 * 1024;

describeWithTool("boto3", PYTHON, () => {
  const temp = new TempDirs();
  let server: ServerProcess;
  beforeAll(async () => {
    server = await startServer(temp);
  });
  afterAll(async () => {
    await server?.stop();
    temp.cleanup();
  });

  test("a scripted session: every byte back as uploaded, answers as S3 gives them", async () => {
    const work = temp.make("bunker-boto3-");
    const small = randomData(64 * 1024 + 7);
    const big = randomData(12 * MiB + 123);
    writeFileSync(join(work, "small.bin"), small);
    writeFileSync(join(work, "big.bin"), big);
    const script = join(import.meta.dir, "scripts/boto3-scenario.py");
    const env = cleanEnv(work, { KEY: ROOT_USER, SECRET: ROOT_PASSWORD });
    const out = JSON.parse(await runOk([PYTHON!, script, server.endpoint, work], env, work));
    expect(out.buckets).toContain("boto");
    expect(out.head).toEqual({
      size: small.length,
      type: "application/x-test",
      meta: { colour: "blue" },
      etag: `"${new Bun.CryptoHasher("md5").update(small).digest("hex")}"`,
    });
    expect(out.get_small).toBe(sha256(small));
    expect(out.meta_utf8).toEqual({ name: "=?UTF-8?B?5pel5pys?=", q: "=?UTF-8?B?Y2Fmw6k=?=", plain: "blue" });
    expect(out.range).toBe(sha256(small.subarray(100, 1100)));
    expect(out.big_down).toBe(sha256(big));
    expect(out.big_etag).toMatch(/^"[0-9a-f]{32}-3"$/); // 12 MiB in 5 MiB parts
    expect(out.copy_meta).toEqual({ colour: "red" });
    expect(out.tags).toEqual([{ Key: "k", Value: "v" }]);
    expect(out.keys).toEqual(["copy.bin", "dir/big.bin", "dir/small.bin"]);
    expect(out.prefixes).toEqual(["dir/"]);
    expect(out.presigned).toBe(sha256(small));
    expect(out.versions).toBe(true);
    expect(out.markers).toBe(1);
    expect(out.old_version).toBe("one");
    expect(out.latest_gone).toBe("NoSuchKey");
    expect(out.missing).toBe("404");
    expect(out.bad_bucket).toBe("InvalidBucketName");
    expect(out.deleted).toEqual(["copy.bin", "dir/big.bin", "dir/small.bin"]);
  });
});
