// aws-cli v2 (Debian's /usr/bin/aws) against the real server process: the high-level s3
// commands (mb, cp incl. multipart and --recursive, ls, sync with --delete, rm, rb), s3api
// calls (multipart, versioning, head, copy, tagging) and a presigned URL — bytes compared by sha256.
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { HeadObjectCommand } from "@aws-sdk/client-s3";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  awsCliEnv,
  findAwsCliV2,
  describeWithTool,
  hashFiles,
  hashTree,
  randomData,
  run,
  runBytes,
  runOk,
  sha256,
  sha256File,
  writeTree,
} from "../support/cli.ts";
import { ROOT_PASSWORD, ROOT_USER, startServer, type ServerProcess } from "../support/server-process.ts";
import { TempDirs } from "../support/temp-dirs.ts";

setDefaultTimeout(180_000);
const MiB = 1024 * 1024;

const AWS = findAwsCliV2();

/** `aws s3 ls` lines → key (or "PRE prefix/", or bucket name) → size (-1 for prefixes and buckets). */
function parseLs(out: string): Record<string, number> {
  const entries: Record<string, number> = {};
  for (const line of out.split("\n")) {
    const pre = /^\s+PRE (.+)$/.exec(line);
    const obj = /^\S+ \S+\s+(\d+) (.+)$/.exec(line);
    const bucket = /^\S+ \S+ (\S+)$/.exec(line);
    if (pre) entries[`PRE ${pre[1]}`] = -1;
    else if (obj) entries[obj[2]] = Number(obj[1]);
    else if (bucket) entries[bucket[1]] = -1;
  }
  return entries;
}

describeWithTool("aws-cli v2", AWS, () => {
  const temp = new TempDirs();
  let server: ServerProcess;
  let work: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    server = await startServer(temp);
    work = temp.make("bunker-awscli-");
    env = awsCliEnv(work, ROOT_USER, ROOT_PASSWORD);
  });
  afterAll(async () => {
    await server?.stop();
    temp.cleanup();
  });

  const aws = (...args: string[]) => runOk([AWS!, "--endpoint-url", server.endpoint, ...args], env, work);
  const awsFails = (...args: string[]) => run([AWS!, "--endpoint-url", server.endpoint, ...args], env, work);
  const api = async (...args: string[]) => {
    const out = await aws("s3api", ...args, "--output", "json");
    return out.trim() === "" ? {} : JSON.parse(out);
  };
  const awsBytes = (...args: string[]) => runBytes([AWS!, "--endpoint-url", server.endpoint, ...args], env, work);
  /** Transfers (cp, sync, rm, mv) print progress unless told not to; ls, mb and rb take no such flag. */
  const s3 = (...args: string[]) => aws("s3", ...args, ...(["cp", "sync", "rm", "mv"].includes(args[0]) ? ["--only-show-errors"] : []));

  test.concurrent("s3 mb, cp (multipart, --recursive, bucket to bucket, stdin), mv, ls with prefixes and paging, rm --recursive, rb", async () => {
    const dir = join(work, "cp");
    const big = randomData(9 * MiB + 7);
    const tree = {
      "small.txt": "small file\n",
      "big/big.bin": big,
      "tree/a/one.txt": "one\n",
      "tree/a/b/two.bin": randomData(70_000),
      "tree/c/sp ace+plus&amp=é ✓.txt": "special\n",
      "tree/c/per%cent.txt": "percent\n",
      "tree/empty": "",
    };
    writeTree(join(dir, "up"), tree);
    expect(await aws("s3", "mb", "s3://aws-cp")).toContain("make_bucket: aws-cp");
    expect(parseLs(await s3("ls"))["aws-cp"]).toBe(-1);
    await s3("cp", join(dir, "up"), "s3://aws-cp", "--recursive");
    // Above the CLI's 8 MiB threshold the upload is multipart: 8 MiB + the rest.
    const head = await server.client().send(new HeadObjectCommand({ Bucket: "aws-cp", Key: "big/big.bin" }));
    expect(head.ETag).toMatch(/^"[0-9a-f]{32}-2"$/);

    const sizes = Object.fromEntries(Object.entries(tree).map(([k, v]) => [k, typeof v === "string" ? Buffer.byteLength(v) : v.length]));
    // Two keys a page: the listing walks continuation tokens through URL-encoded special keys.
    expect(parseLs(await s3("ls", "s3://aws-cp", "--recursive", "--page-size", "2"))).toEqual(sizes);
    expect(parseLs(await s3("ls", "s3://aws-cp/tree/"))).toEqual({ "PRE a/": -1, "PRE c/": -1, empty: 0 });
    expect(parseLs(await s3("ls", "s3://aws-cp/tree/a"))).toEqual({ "PRE a/": -1 });

    // Bucket to bucket above the threshold: a multipart copy (UploadPartCopy with ranges); then mv.
    await s3("cp", "s3://aws-cp/big/big.bin", "s3://aws-cp/copies/big.bin");
    await s3("mv", "s3://aws-cp/copies/big.bin", "s3://aws-cp/copies/moved.bin");
    // From stdin the size is unknown: the CLI streams it as a multipart upload.
    await runOk(
      [AWS!, "--endpoint-url", server.endpoint, "s3", "cp", "-", "s3://aws-cp/copies/stdin.bin", "--only-show-errors"],
      env,
      work,
      join(dir, "up/big/big.bin"),
    );
    expect(sha256(await awsBytes("s3", "cp", "s3://aws-cp/copies/stdin.bin", "-"))).toBe(sha256(big));

    // One recursive download: ranged GETs for the big objects, plain GETs for the rest.
    await s3("cp", "s3://aws-cp", join(dir, "down"), "--recursive");
    expect(hashTree(join(dir, "down"))).toEqual(hashFiles({ ...tree, "copies/moved.bin": big, "copies/stdin.bin": big }));

    await s3("rm", "s3://aws-cp", "--recursive", "--page-size", "3");
    await s3("rb", "s3://aws-cp");
    expect(parseLs(await s3("ls"))["aws-cp"]).toBeUndefined();
  });

  test.concurrent("s3 sync up and down, then changes and removals with --delete; an unchanged tree syncs nothing", async () => {
    const dir = join(work, "sync");
    const src = join(dir, "src");
    const dst = join(dir, "dst");
    writeTree(src, { "keep.txt": "keep\n", "change.txt": "before\n", "gone/x.bin": randomData(5000), "deep/er/y.txt": "y\n" });
    await s3("mb", "s3://aws-sync");
    await s3("sync", src, "s3://aws-sync/data");
    await s3("sync", "s3://aws-sync/data", dst);
    expect(hashTree(dst)).toEqual(hashTree(src));

    // Sizes change, so the CLI's size-and-time comparison must pick the change up.
    writeTree(src, { "change.txt": "after, and longer\n", "new/z.bin": randomData(3000) });
    rmSync(join(src, "gone"), { recursive: true });
    const up = await aws("s3", "sync", src, "s3://aws-sync/data", "--delete", "--no-progress");
    expect(up.split("\n").filter(Boolean).sort()).toEqual([
      `delete: s3://aws-sync/data/gone/x.bin`,
      // (the CLI prints local paths relative to its working directory)
      "upload: sync/src/change.txt to s3://aws-sync/data/change.txt",
      "upload: sync/src/new/z.bin to s3://aws-sync/data/new/z.bin",
    ]);
    expect(Object.keys(parseLs(await s3("ls", "s3://aws-sync/data", "--recursive"))).sort()).toEqual([
      "data/change.txt",
      "data/deep/er/y.txt",
      "data/keep.txt",
      "data/new/z.bin",
    ]);
    await s3("sync", "s3://aws-sync/data", dst, "--delete");
    expect(hashTree(dst)).toEqual(hashTree(src));

    // Nothing changed: Last-Modified and sizes agree, so neither direction transfers anything.
    expect(await aws("s3", "sync", src, "s3://aws-sync/data", "--delete", "--no-progress")).toBe("");
    expect(await aws("s3", "sync", "s3://aws-sync/data", dst, "--delete", "--no-progress")).toBe("");
  });

  test.concurrent("s3api multipart: create, upload-part, list-parts, list-multipart-uploads, complete, abort", async () => {
    const dir = join(work, "mpu");
    const p1 = randomData(5 * MiB);
    const p2 = randomData(12345);
    writeTree(dir, { p1, p2 });
    await api("create-bucket", "--bucket", "aws-mpu");
    const { UploadId } = await api("create-multipart-upload", "--bucket", "aws-mpu", "--key", "obj", "--content-type", "text/x-mpu", "--metadata", "k=v");
    const e1 = (await api("upload-part", "--bucket", "aws-mpu", "--key", "obj", "--upload-id", UploadId, "--part-number", "1", "--body", join(dir, "p1"))).ETag;
    const e2 = (await api("upload-part", "--bucket", "aws-mpu", "--key", "obj", "--upload-id", UploadId, "--part-number", "2", "--body", join(dir, "p2"))).ETag;
    expect(e1).toBe(`"${new Bun.CryptoHasher("md5").update(p1).digest("hex")}"`);

    const parts = await api("list-parts", "--bucket", "aws-mpu", "--key", "obj", "--upload-id", UploadId);
    expect(parts.Parts.map((p: { PartNumber: number; ETag: string; Size: number }) => [p.PartNumber, p.ETag, p.Size])).toEqual([
      [1, e1, p1.length],
      [2, e2, p2.length],
    ]);
    const { UploadId: other } = await api("create-multipart-upload", "--bucket", "aws-mpu", "--key", "dropped");
    const uploads = await api("list-multipart-uploads", "--bucket", "aws-mpu");
    expect(uploads.Uploads.map((u: { Key: string; UploadId: string }) => [u.Key, u.UploadId]).sort()).toEqual([
      ["dropped", other],
      ["obj", UploadId],
    ]);

    const doc = join(dir, "complete.json");
    writeFileSync(
      doc,
      JSON.stringify({
        Parts: [
          { PartNumber: 1, ETag: e1 },
          { PartNumber: 2, ETag: e2 },
        ],
      }),
    );
    const done = await api("complete-multipart-upload", "--bucket", "aws-mpu", "--key", "obj", "--upload-id", UploadId, "--multipart-upload", `file://${doc}`);
    expect(done.ETag).toMatch(/^"[0-9a-f]{32}-2"$/);
    await api("abort-multipart-upload", "--bucket", "aws-mpu", "--key", "dropped", "--upload-id", other);
    expect((await api("list-multipart-uploads", "--bucket", "aws-mpu")).Uploads ?? []).toEqual([]);

    const got = await api("get-object", "--bucket", "aws-mpu", "--key", "obj", join(dir, "out"));
    expect([got.ContentLength, got.ContentType, got.Metadata, got.ETag]).toEqual([p1.length + p2.length, "text/x-mpu", { k: "v" }, done.ETag]);
    expect(sha256File(join(dir, "out"))).toBe(sha256(Buffer.concat([p1, p2])));
  });

  test.concurrent("s3api versioning: versions, get/head/delete by --version-id, delete markers", async () => {
    const dir = join(work, "ver");
    writeTree(dir, { v1: "version one\n", v2: "version two, longer\n" });
    await api("create-bucket", "--bucket", "aws-ver");
    await api("put-bucket-versioning", "--bucket", "aws-ver", "--versioning-configuration", "Status=Enabled");
    expect((await api("get-bucket-versioning", "--bucket", "aws-ver")).Status).toBe("Enabled");
    const v1 = (await api("put-object", "--bucket", "aws-ver", "--key", "doc", "--body", join(dir, "v1"))).VersionId;
    const v2 = (await api("put-object", "--bucket", "aws-ver", "--key", "doc", "--body", join(dir, "v2"))).VersionId;
    expect(v1).toBeString();
    expect(v2).not.toBe(v1);
    type Version = { VersionId: string; IsLatest: boolean; Size?: number };
    const versions = async () => {
      const r = await api("list-object-versions", "--bucket", "aws-ver");
      return {
        v: (r.Versions ?? []).map((x: Version) => [x.VersionId, x.IsLatest, x.Size]),
        m: (r.DeleteMarkers ?? []).map((x: Version) => [x.VersionId, x.IsLatest]),
      };
    };
    expect(await versions()).toEqual({
      v: [
        [v2, true, 20],
        [v1, false, 12],
      ],
      m: [],
    });

    const old = await api("get-object", "--bucket", "aws-ver", "--key", "doc", "--version-id", v1, join(dir, "got-v1"));
    expect([old.VersionId, old.ContentLength, readFileSync(join(dir, "got-v1"), "utf8")]).toEqual([v1, 12, "version one\n"]);
    expect((await api("head-object", "--bucket", "aws-ver", "--key", "doc", "--version-id", v1)).ContentLength).toBe(12);

    const marker = await api("delete-object", "--bucket", "aws-ver", "--key", "doc");
    expect(marker.DeleteMarker).toBe(true);
    expect(await versions()).toEqual({
      v: [
        [v2, false, 20],
        [v1, false, 12],
      ],
      m: [[marker.VersionId, true]],
    });
    const hidden = await awsFails("s3api", "get-object", "--bucket", "aws-ver", "--key", "doc", join(dir, "none"));
    expect([hidden.code, hidden.stderr.includes("NoSuchKey")]).toEqual([254, true]);
    const headHidden = await awsFails("s3api", "head-object", "--bucket", "aws-ver", "--key", "doc");
    expect([headHidden.code, headHidden.stderr.includes("Not Found")]).toEqual([254, true]);

    await api("delete-object", "--bucket", "aws-ver", "--key", "doc", "--version-id", marker.VersionId);
    await api("get-object", "--bucket", "aws-ver", "--key", "doc", join(dir, "got-latest"));
    expect(readFileSync(join(dir, "got-latest"), "utf8")).toBe("version two, longer\n");
    await api("delete-object", "--bucket", "aws-ver", "--key", "doc", "--version-id", v1);
    expect(await versions()).toEqual({ v: [[v2, true, 20]], m: [] });
  });

  test.concurrent("s3api head-object, copy-object (COPY and REPLACE), object tagging, bucket location", async () => {
    const dir = join(work, "copy");
    const data = randomData(300_000);
    writeTree(dir, { src: data });
    await api("create-bucket", "--bucket", "aws-copy");
    const put = await api(
      "put-object",
      "--bucket",
      "aws-copy",
      "--key",
      "src/obj",
      "--body",
      join(dir, "src"),
      "--content-type",
      "text/x-src",
      "--metadata",
      "colour=blue",
    );
    const head = await api("head-object", "--bucket", "aws-copy", "--key", "src/obj");
    expect([head.ContentLength, head.ContentType, head.Metadata, head.ETag]).toEqual([data.length, "text/x-src", { colour: "blue" }, put.ETag]);

    const copied = await api("copy-object", "--bucket", "aws-copy", "--key", "copy/same", "--copy-source", "aws-copy/src/obj");
    expect(copied.CopyObjectResult.ETag).toBe(put.ETag);
    const same = await api("head-object", "--bucket", "aws-copy", "--key", "copy/same");
    expect([same.ContentType, same.Metadata]).toEqual(["text/x-src", { colour: "blue" }]);
    await api(
      "copy-object",
      "--bucket",
      "aws-copy",
      "--key",
      "copy/replaced",
      "--copy-source",
      "aws-copy/src/obj",
      "--metadata-directive",
      "REPLACE",
      "--content-type",
      "text/x-new",
      "--metadata",
      "shape=round",
    );
    const replaced = await api("get-object", "--bucket", "aws-copy", "--key", "copy/replaced", join(dir, "replaced"));
    expect([replaced.ContentType, replaced.Metadata]).toEqual(["text/x-new", { shape: "round" }]);
    expect(sha256File(join(dir, "replaced"))).toBe(sha256(data));

    await api("put-object-tagging", "--bucket", "aws-copy", "--key", "src/obj", "--tagging", "TagSet=[{Key=team,Value=storage},{Key=note,Value=a b/c+d}]");
    const tags = await api("get-object-tagging", "--bucket", "aws-copy", "--key", "src/obj");
    expect(tags.TagSet.map((t: { Key: string; Value: string }) => `${t.Key}=${t.Value}`).sort()).toEqual(["note=a b/c+d", "team=storage"]);
    expect((await api("get-object", "--bucket", "aws-copy", "--key", "src/obj", join(dir, "tagged"))).TagCount).toBe(2);
    await api("delete-object-tagging", "--bucket", "aws-copy", "--key", "src/obj");
    expect((await api("get-object-tagging", "--bucket", "aws-copy", "--key", "src/obj")).TagSet).toEqual([]);

    expect((await api("get-bucket-location", "--bucket", "aws-copy")).LocationConstraint).toBeNull();
    const missing = await awsFails("s3api", "head-object", "--bucket", "aws-copy", "--key", "no/such");
    expect([missing.code, missing.stderr.includes("404")]).toEqual([254, true]);
  });

  test.concurrent("s3 presign: the URL serves the object's bytes with its length; a tampered one is refused", async () => {
    const data = randomData(3 * MiB + 5);
    writeTree(join(work, "presign"), { obj: data });
    await s3("mb", "s3://aws-presign");
    await s3("cp", join(work, "presign/obj"), "s3://aws-presign/dir/obj name.bin");
    const url = (await aws("s3", "presign", "s3://aws-presign/dir/obj name.bin", "--expires-in", "600")).trim();
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-length")).toBe(String(data.length));
    expect(sha256(new Uint8Array(await res.arrayBuffer()))).toBe(sha256(data));

    const tampered = url.replace(/X-Amz-Signature=([0-9a-f])/, (_, c: string) => `X-Amz-Signature=${c === "0" ? "1" : "0"}`);
    const refused = await fetch(tampered);
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain("<Code>SignatureDoesNotMatch</Code>");
  });
});
