// s3cmd 2.3 (the Debian package) against the real server process, signing with SigV4 and with
// SigV2: mb, put (small, special names, multipart), ls, la, info, get, del, rb — downloads are
// compared byte for byte with what was uploaded.
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { HeadObjectCommand } from "@aws-sdk/client-s3";
import { join } from "node:path";
import { mkdirSync, writeFileSync } from "node:fs";
import { cleanEnv, describeWithTool, findTool, hashFiles, hashTree, randomData, run, runOk, sha256, writeTree } from "../support/cli.ts";
import { ROOT_PASSWORD, ROOT_USER, startServer, type ServerProcess } from "../support/server-process.ts";
import { TempDirs } from "../support/temp-dirs.ts";

setDefaultTimeout(120_000);
const S3CMD = findTool(["/usr/bin/s3cmd"]);
const MiB = 1024 * 1024;

function s3cfg(port: number, sigv2: boolean): string {
  return [
    "[default]",
    `access_key = ${ROOT_USER}`,
    `secret_key = ${ROOT_PASSWORD}`,
    `host_base = 127.0.0.1:${port}`,
    `host_bucket = 127.0.0.1:${port}`,
    "use_https = False",
    `signature_v2 = ${sigv2 ? "True" : "False"}`,
    "bucket_location = us-east-1",
    "",
  ].join("\n");
}

/** `s3cmd ls` lines → { url: size } for objects; directories ("DIR") map to -1. */
function parseLs(out: string): Record<string, number> {
  const entries: Record<string, number> = {};
  for (const line of out.split("\n")) {
    const dir = /^\s*DIR\s+(s3:\/\/.+)$/.exec(line);
    const obj = /^\S+ \S+\s+(\d+)\s+(s3:\/\/.+)$/.exec(line);
    if (dir) entries[dir[1]] = -1;
    else if (obj) entries[obj[2]] = Number(obj[1]);
  }
  return entries;
}

describeWithTool("s3cmd", S3CMD, () => {
  const temp = new TempDirs();
  let server: ServerProcess;
  beforeAll(async () => {
    server = await startServer(temp);
  });
  afterAll(async () => {
    await server?.stop();
    temp.cleanup();
  });

  /** A working directory with its own s3cmd config and HOME. */
  function setup(sigv2: boolean) {
    const work = temp.make("bunker-s3cmd-");
    const cfg = join(work, "s3cfg");
    writeFileSync(cfg, s3cfg(server.port, sigv2));
    const env = cleanEnv(work);
    const s3cmd = (...args: string[]) => runOk([S3CMD!, "-c", cfg, "--no-progress", ...args], env, work);
    return { work, cfg, env, s3cmd };
  }

  for (const sigv2 of [false, true]) {
    test(`${sigv2 ? "SigV2" : "SigV4"}: mb, put, ls, la, info, get, del, rb`, async () => {
      const { work, cfg, env, s3cmd } = setup(sigv2);
      const bucket = `s3cmd-${sigv2 ? "v2" : "v4"}`;
      const url = `s3://${bucket}`;
      const files = {
        "small.txt": "hello from s3cmd\n",
        "dir/sp ace+plus&amp=é.txt": randomData(3000),
        "big.bin": randomData(16 * MiB + 123),
      };
      writeTree(join(work, "up"), files);

      expect(await s3cmd("mb", url)).toContain(`Bucket '${url}/' created`);
      const bucketLine = new RegExp(`^\\S+ \\S+\\s+${url}$`, "m");
      expect(await s3cmd("ls")).toMatch(bucketLine);
      await s3cmd("put", join(work, "up/small.txt"), `${url}/small.txt`);
      await s3cmd("put", join(work, "up/dir/sp ace+plus&amp=é.txt"), `${url}/dir/sp ace+plus&amp=é.txt`);
      await s3cmd("put", "--multipart-chunk-size-mb=5", join(work, "up/big.bin"), `${url}/big.bin`);
      // s3cmd split the big file into 5 MiB parts: the object's ETag says how many.
      const head = await server.client().send(new HeadObjectCommand({ Bucket: bucket, Key: "big.bin" }));
      expect(head.ETag).toMatch(/^"[0-9a-f]{32}-4"$/);
      expect(head.ContentLength).toBe(16 * MiB + 123);

      expect(parseLs(await s3cmd("ls", `${url}/`))).toEqual({ [`${url}/dir/`]: -1, [`${url}/big.bin`]: 16 * MiB + 123, [`${url}/small.txt`]: 17 });
      const all = { [`${url}/dir/sp ace+plus&amp=é.txt`]: 3000, [`${url}/big.bin`]: 16 * MiB + 123, [`${url}/small.txt`]: 17 };
      expect(parseLs(await s3cmd("ls", "--recursive", `${url}/`))).toEqual(all);
      expect(parseLs(await s3cmd("la", "--recursive"))).toMatchObject(all);

      const info = await s3cmd("info", `${url}/big.bin`);
      expect(info).toContain(`File size: ${16 * MiB + 123}`);
      expect(info).toMatch(/MD5 sum:\s+[0-9a-f]{32}/);
      expect(await s3cmd("info", `${url}/`)).toMatch(/Location:\s+us-east-1/);

      mkdirSync(join(work, "down"));
      await s3cmd("get", "--recursive", `${url}/`, join(work, "down") + "/");
      expect(hashTree(join(work, "down"))).toEqual(hashFiles(files));

      const missing = await run([S3CMD!, "-c", cfg, "get", `${url}/no-such-key`, join(work, "nothing")], env, work);
      expect(missing.code).not.toBe(0);
      expect(missing.stderr).toContain("does not exist");

      await s3cmd("del", `${url}/small.txt`);
      expect(Object.keys(parseLs(await s3cmd("ls", "--recursive", `${url}/`))).sort()).toEqual([`${url}/big.bin`, `${url}/dir/sp ace+plus&amp=é.txt`]);
      await s3cmd("del", "--recursive", "--force", `${url}/`);
      expect(parseLs(await s3cmd("ls", "--recursive", `${url}/`))).toEqual({});
      await s3cmd("rb", url);
      expect(await s3cmd("ls")).not.toMatch(bucketLine);
    });

    test(`${sigv2 ? "SigV2" : "SigV4"}: sync up and down (then nothing to do), server-side cp and mv, modify, signurl`, async () => {
      const { work, s3cmd } = setup(sigv2);
      const url = `s3://s3cmd-sync-${sigv2 ? "v2" : "v4"}`;
      const tree = { "a.txt": "a\n", "sub/b.bin": randomData(20_000), "sub/deeper/c d.txt": "c d\n" };
      writeTree(join(work, "src"), tree);
      await s3cmd("mb", url);
      await s3cmd("sync", join(work, "src") + "/", `${url}/tree/`);
      // Sizes and MD5s (ETags) agree now, so a second sync uploads nothing.
      expect(await s3cmd("sync", join(work, "src") + "/", `${url}/tree/`)).not.toContain("upload:");
      mkdirSync(join(work, "dst"));
      await s3cmd("sync", `${url}/tree/`, join(work, "dst") + "/");
      expect(hashTree(join(work, "dst"))).toEqual(hashFiles(tree));

      await s3cmd("cp", `${url}/tree/sub/b.bin`, `${url}/copied.bin`);
      await s3cmd("mv", `${url}/tree/a.txt`, `${url}/moved.txt`);
      await s3cmd("modify", "--add-header=Cache-Control:max-age=60", `${url}/moved.txt`);
      const head = await server.client().send(new HeadObjectCommand({ Bucket: url.slice(5), Key: "moved.txt" }));
      expect(head.CacheControl).toBe("max-age=60");
      expect(Object.keys(parseLs(await s3cmd("ls", "--recursive", `${url}/`))).sort()).toEqual([
        `${url}/copied.bin`,
        `${url}/moved.txt`,
        `${url}/tree/sub/b.bin`,
        `${url}/tree/sub/deeper/c d.txt`,
      ]);

      // signurl signs a query-string (SigV2) URL whatever the config says.
      const signed = (await s3cmd("signurl", `${url}/copied.bin`, "+600")).trim();
      const res = await fetch(signed);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-length")).toBe("20000");
      expect(sha256(new Uint8Array(await res.arrayBuffer()))).toBe(sha256(tree["sub/b.bin"]));
      expect((await fetch(signed.replace(/Signature=[^&]+/, "Signature=AAAA"))).status).toBe(403);
    });
  }
});
