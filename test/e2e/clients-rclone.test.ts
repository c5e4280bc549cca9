// rclone (the Debian package, provider Minio) against the real server process: copy up and
// down, lsjson with sizes and MD5s, check (clean, and a same-size change detected), sync with
// changes, deletions and a server-side move, a multipart upload with ranged reads, mkdir/purge.
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { HeadObjectCommand } from "@aws-sdk/client-s3";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cleanEnv, describeWithTool, findTool, hashFiles, hashTree, randomData, run, runBytes, runOk, sha256, sha256File, writeTree } from "../support/cli.ts";
import { ROOT_PASSWORD, ROOT_USER, startServer, type ServerProcess } from "../support/server-process.ts";
import { TempDirs } from "../support/temp-dirs.ts";

setDefaultTimeout(120_000);
const RCLONE = findTool(["/usr/bin/rclone"]);
const MiB = 1024 * 1024;

interface LsEntry {
  Path: string;
  Size: number;
  IsDir: boolean;
  Hashes?: { md5?: string };
}

const md5 = (data: Uint8Array | string) => new Bun.CryptoHasher("md5").update(data).digest("hex");

describeWithTool("rclone", RCLONE, () => {
  const temp = new TempDirs();
  let server: ServerProcess;
  let work: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    server = await startServer(temp);
    work = temp.make("bunker-rclone-");
    writeFileSync(join(work, "rclone.conf"), "");
    // The remote is defined by environment only; cleanEnv leaves AWS_CA_BUNDLE out (rclone refuses it).
    env = cleanEnv(work, {
      RCLONE_CONFIG: join(work, "rclone.conf"),
      RCLONE_CONFIG_MYS3_TYPE: "s3",
      RCLONE_CONFIG_MYS3_PROVIDER: "Minio",
      RCLONE_CONFIG_MYS3_ENDPOINT: server.endpoint,
      RCLONE_CONFIG_MYS3_ACCESS_KEY_ID: ROOT_USER,
      RCLONE_CONFIG_MYS3_SECRET_ACCESS_KEY: ROOT_PASSWORD,
      RCLONE_CONFIG_MYS3_REGION: "us-east-1",
    });
  });
  afterAll(async () => {
    await server?.stop();
    temp.cleanup();
  });

  // One try per call: a server error must fail the test, not be retried away.
  const rcloneArgs = (args: string[]) => [RCLONE!, "--retries", "1", "--low-level-retries", "1", ...args];
  const rclone = (...args: string[]) => runOk(rcloneArgs(args), env, work);
  const rcloneRaw = (...args: string[]) => run(rcloneArgs(args), env, work);
  const lsjson = async (...args: string[]): Promise<LsEntry[]> => JSON.parse(await rclone("lsjson", ...args));
  const files = (entries: LsEntry[]) => Object.fromEntries(entries.filter((e) => !e.IsDir).map((e) => [e.Path, e.Size]));

  test("copy a tree up and down; lsjson -R sizes and MD5s; check clean, then a same-size change is found", async () => {
    const src = join(work, "copy-src");
    const tree = {
      "top.txt": "top\n",
      "a/b/c.bin": randomData(100_000),
      "a/sp ace+plus&amp=é ✓.txt": "special\n",
      "d/empty": "",
    };
    writeTree(src, tree);
    await rclone("mkdir", "mys3:rc-copy");
    await rclone("copy", src, "mys3:rc-copy/tree");

    const listed = await lsjson("-R", "--hash", "mys3:rc-copy/tree");
    expect(files(listed)).toEqual(Object.fromEntries(Object.entries(tree).map(([k, v]) => [k, Buffer.byteLength(v)])));
    expect(
      listed
        .filter((e) => e.IsDir)
        .map((e) => e.Path)
        .sort(),
    ).toEqual(["a", "a/b", "d"]);
    // Single-part ETags are the content MD5, which rclone reports as the hash.
    for (const e of listed.filter((x) => !x.IsDir)) expect(e.Hashes?.md5).toBe(md5(tree[e.Path as keyof typeof tree]));

    await rclone("copy", "mys3:rc-copy/tree", join(work, "copy-dst"));
    expect(hashTree(join(work, "copy-dst"))).toEqual(hashFiles(tree));
    const clean = await rcloneRaw("check", src, "mys3:rc-copy/tree");
    expect(clean.code).toBe(0);
    expect(clean.stderr).toContain("0 differences found");

    // Same size, different bytes: only the hash can tell.
    writeFileSync(join(src, "top.txt"), "TOP\n");
    const dirty = await rcloneRaw("check", src, "mys3:rc-copy/tree");
    expect(dirty.code).not.toBe(0);
    expect(dirty.stderr).toContain("1 differences found");
    expect(dirty.stderr).toContain("top.txt");

    // link: a presigned GET URL.
    const link = (await rclone("link", "mys3:rc-copy/tree/a/b/c.bin")).trim();
    const res = await fetch(link);
    expect([res.status, res.headers.get("content-length")]).toEqual([200, "100000"]);
    expect(sha256(new Uint8Array(await res.arrayBuffer()))).toBe(sha256(tree["a/b/c.bin"]));
  });

  test("sync with changes, deletions and a server-side move; sync down matches; check is clean", async () => {
    const src = join(work, "sync-src");
    writeTree(src, { "keep.txt": "keep\n", "change.txt": "before\n", "gone/x.bin": randomData(4000), "deep/er/y.txt": "y\n" });
    await rclone("sync", src, "mys3:rc-sync/data");
    writeTree(src, { "change.txt": "after, and longer\n", "new/z.bin": randomData(3000) });
    rmSync(join(src, "gone"), { recursive: true });
    await rclone("sync", src, "mys3:rc-sync/data");
    expect(Object.keys(files(await lsjson("-R", "mys3:rc-sync/data"))).sort()).toEqual(["change.txt", "deep/er/y.txt", "keep.txt", "new/z.bin"]);
    const check = await rcloneRaw("check", src, "mys3:rc-sync/data");
    expect([check.code, check.stderr.includes("0 differences found")]).toEqual([0, true]);

    // moveto within the remote: a server-side copy, then a delete of the source.
    await rclone("moveto", "mys3:rc-sync/data/keep.txt", "mys3:rc-sync/moved/kept.txt");
    expect(files(await lsjson("-R", "mys3:rc-sync/moved"))).toEqual({ "kept.txt": 5 });
    expect(await rclone("cat", "mys3:rc-sync/moved/kept.txt")).toBe("keep\n");
    await rclone("sync", "mys3:rc-sync/data", join(work, "sync-dst"));
    rmSync(join(src, "keep.txt"));
    expect(hashTree(join(work, "sync-dst"))).toEqual(hashTree(src));
  });

  test("a 20 MiB file in 5 MiB parts: multipart upload, ranged reads, download, check", async () => {
    const big = randomData(20 * MiB + 3);
    writeTree(join(work, "big"), { "big.bin": big });
    await rclone("copy", "--s3-upload-cutoff", "5M", "--s3-chunk-size", "5M", join(work, "big/big.bin"), "mys3:rc-big");
    const head = await server.client().send(new HeadObjectCommand({ Bucket: "rc-big", Key: "big.bin" }));
    expect(head.ETag).toMatch(/^"[0-9a-f]{32}-5"$/);
    expect(head.ContentLength).toBe(big.length);

    const tail = await runBytes(rcloneArgs(["cat", "--offset", String(big.length - 1000), "mys3:rc-big/big.bin"]), env, work);
    expect(sha256(tail)).toBe(sha256(big.subarray(big.length - 1000)));
    const middle = await runBytes(rcloneArgs(["cat", "--offset", String(5 * MiB - 10), "--count", "20", "mys3:rc-big/big.bin"]), env, work);
    expect(Buffer.from(middle).equals(Buffer.from(big.subarray(5 * MiB - 10, 5 * MiB + 10)))).toBe(true);

    // rcat streams stdin of unknown length: a multipart upload ended by the stream's end.
    await runOk(rcloneArgs(["rcat", "--s3-chunk-size", "5M", "mys3:rc-big/streamed.bin"]), env, work, join(work, "big/big.bin"));
    expect(sha256(await runBytes(rcloneArgs(["cat", "mys3:rc-big/streamed.bin"]), env, work))).toBe(sha256(big));
    await rclone("deletefile", "mys3:rc-big/streamed.bin");

    await rclone("copy", "mys3:rc-big/big.bin", join(work, "big-down"));
    expect(sha256File(join(work, "big-down/big.bin"))).toBe(sha256(big));
    const check = await rcloneRaw("check", join(work, "big"), "mys3:rc-big");
    expect([check.code, check.stderr.includes("0 differences found")]).toEqual([0, true]);
  });

  test("mkdir, lsd, purge", async () => {
    await rclone("mkdir", "mys3:rc-purge");
    writeTree(join(work, "purge"), { "a/1.txt": "1\n", "b/2.txt": "2\n" });
    await rclone("copy", join(work, "purge"), "mys3:rc-purge");
    expect(await rclone("lsd", "mys3:")).toMatch(/\s+-1 \S+ \S+\s+-1 rc-purge$/m);
    await rclone("purge", "mys3:rc-purge");
    expect(await rclone("lsd", "mys3:")).not.toContain("rc-purge");
  });
});
