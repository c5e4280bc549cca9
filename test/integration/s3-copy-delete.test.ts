// CopyObject (metadata and tagging directives, copy-source conditions and versions, self-copy
// rules) and DeleteObjects (quiet mode, versions, key limits, Content-MD5) through the SDK.
import { describe, expect, test } from "bun:test";
import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
} from "@aws-sdk/client-s3";
import { errorOf, esc, md5Base64 } from "../support/s3-harness.ts";
import { bytesOf, rejectsWith } from "../support/s3-expect.ts";
import { useS3Bucket } from "../support/use-s3-bucket.ts";

const B = "copies";
const { h, s3 } = useS3Bucket(B, {
  setup: async () => {
    await s3.send(new CreateBucketCommand({ Bucket: "other-bucket" }));
    await s3.send(
      new PutObjectCommand({
        Bucket: B,
        Key: "src key+é",
        Body: "source body",
        ContentType: "text/x-src",
        Metadata: { origin: "src" },
        Tagging: "t=1",
        CacheControl: "no-cache",
      }),
    );
  },
});

const text = async (bucket: string, key: string) => (await bytesOf((await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body)).toString();

describe("CopyObject", () => {
  test("COPY keeps data, metadata and tags, across buckets", async () => {
    const res = await s3.send(new CopyObjectCommand({ Bucket: "other-bucket", Key: "dst", CopySource: `${B}/${esc("src key+é")}` }));
    const src = await s3.send(new HeadObjectCommand({ Bucket: B, Key: "src key+é" }));
    expect(res.CopyObjectResult?.ETag).toBe(src.ETag);
    expect(res.CopyObjectResult?.LastModified).toBeInstanceOf(Date);
    const head = await s3.send(new HeadObjectCommand({ Bucket: "other-bucket", Key: "dst" }));
    expect(head.ContentType).toBe("text/x-src");
    expect(head.CacheControl).toBe("no-cache");
    expect(head.Metadata).toEqual({ origin: "src" });
    expect(await text("other-bucket", "dst")).toBe("source body");
    expect((await s3.send(new GetObjectTaggingCommand({ Bucket: "other-bucket", Key: "dst" }))).TagSet).toEqual([{ Key: "t", Value: "1" }]);
  });

  test("REPLACE takes the request's metadata; tagging REPLACE the request's tags", async () => {
    await s3.send(
      new CopyObjectCommand({
        Bucket: B,
        Key: "replaced",
        CopySource: `/${B}/${esc("src key+é")}`,
        MetadataDirective: "REPLACE",
        ContentType: "application/json",
        Metadata: { fresh: "yes" },
        TaggingDirective: "REPLACE",
        Tagging: "n=2",
      }),
    );
    const head = await s3.send(new HeadObjectCommand({ Bucket: B, Key: "replaced" }));
    expect(head.ContentType).toBe("application/json");
    expect(head.Metadata).toEqual({ fresh: "yes" });
    expect(head.CacheControl).toBeUndefined();
    expect((await s3.send(new GetObjectTaggingCommand({ Bucket: B, Key: "replaced" }))).TagSet).toEqual([{ Key: "n", Value: "2" }]);
    expect(await text(B, "replaced")).toBe("source body");
  });

  test("COPY metadata with REPLACE tags keeps the source metadata", async () => {
    await s3.send(new CopyObjectCommand({ Bucket: B, Key: "tags-only", CopySource: `${B}/${esc("src key+é")}`, TaggingDirective: "REPLACE", Tagging: "z=9" }));
    const head = await s3.send(new HeadObjectCommand({ Bucket: B, Key: "tags-only" }));
    expect(head.Metadata).toEqual({ origin: "src" });
    expect(head.ContentType).toBe("text/x-src");
    expect((await s3.send(new GetObjectTaggingCommand({ Bucket: B, Key: "tags-only" }))).TagSet).toEqual([{ Key: "z", Value: "9" }]);
  });

  test("copying onto itself: COPY is the illegal-copy InvalidRequest, REPLACE changes metadata in place", async () => {
    await s3.send(new PutObjectCommand({ Bucket: B, Key: "self", Body: "self body", Metadata: { v: "1" } }));
    const err = await rejectsWith(s3.send(new CopyObjectCommand({ Bucket: B, Key: "self", CopySource: `${B}/self` })), "InvalidRequest", 400);
    expect(err.message).toContain("copy an object to itself");
    await s3.send(
      new CopyObjectCommand({ Bucket: B, Key: "self", CopySource: `${B}/self`, MetadataDirective: "REPLACE", Metadata: { v: "2" }, ContentType: "text/plain" }),
    );
    const head = await s3.send(new HeadObjectCommand({ Bucket: B, Key: "self" }));
    expect(head.Metadata).toEqual({ v: "2" });
    expect(head.ContentType).toBe("text/plain");
    expect(await text(B, "self")).toBe("self body");
  });

  test("copy-source conditions: match/none-match/modified/unmodified", async () => {
    const src = await s3.send(new HeadObjectCommand({ Bucket: B, Key: "src key+é" }));
    const CopySource = `${B}/${esc("src key+é")}`;
    await s3.send(new CopyObjectCommand({ Bucket: B, Key: "c1", CopySource, CopySourceIfMatch: src.ETag }));
    await rejectsWith(
      s3.send(new CopyObjectCommand({ Bucket: B, Key: "c2", CopySource, CopySourceIfMatch: '"00000000000000000000000000000000"' })),
      "PreconditionFailed",
      412,
    );
    await rejectsWith(s3.send(new CopyObjectCommand({ Bucket: B, Key: "c2", CopySource, CopySourceIfNoneMatch: src.ETag })), "PreconditionFailed", 412);
    const later = new Date(src.LastModified!.getTime() + 3600_000);
    const earlier = new Date(src.LastModified!.getTime() - 3600_000);
    await rejectsWith(s3.send(new CopyObjectCommand({ Bucket: B, Key: "c2", CopySource, CopySourceIfModifiedSince: later })), "PreconditionFailed", 412);
    await rejectsWith(s3.send(new CopyObjectCommand({ Bucket: B, Key: "c2", CopySource, CopySourceIfUnmodifiedSince: earlier })), "PreconditionFailed", 412);
    await rejectsWith(s3.send(new HeadObjectCommand({ Bucket: B, Key: "c2" })), "NotFound", 404);
    await s3.send(new CopyObjectCommand({ Bucket: B, Key: "c3", CopySource, CopySourceIfModifiedSince: earlier, CopySourceIfUnmodifiedSince: later }));
    expect(await text(B, "c3")).toBe("source body");
  });

  test("copy of a specific source version reports it", async () => {
    await s3.send(new CreateBucketCommand({ Bucket: "copy-versions" }));
    await s3.send(new PutBucketVersioningCommand({ Bucket: "copy-versions", VersioningConfiguration: { Status: "Enabled" } }));
    const v1 = await s3.send(new PutObjectCommand({ Bucket: "copy-versions", Key: "k", Body: "old" }));
    await s3.send(new PutObjectCommand({ Bucket: "copy-versions", Key: "k", Body: "new" }));
    const res = await s3.send(new CopyObjectCommand({ Bucket: "copy-versions", Key: "from-old", CopySource: `copy-versions/k?versionId=${v1.VersionId}` }));
    expect(res.CopySourceVersionId).toBe(v1.VersionId);
    expect(res.VersionId).toBeTruthy();
    expect(await text("copy-versions", "from-old")).toBe("old");
    await rejectsWith(
      s3.send(new CopyObjectCommand({ Bucket: "copy-versions", Key: "x", CopySource: "copy-versions/k?versionId=00000000-0000-0000-0000-000000000000" })),
      "NoSuchVersion",
      404,
    );
  });

  test("missing sources and malformed copy sources", async () => {
    await rejectsWith(s3.send(new CopyObjectCommand({ Bucket: B, Key: "x", CopySource: `${B}/nope` })), "NoSuchKey", 404);
    await rejectsWith(s3.send(new CopyObjectCommand({ Bucket: B, Key: "x", CopySource: "no-such-bucket-x/k" })), "NoSuchBucket", 404);
    await rejectsWith(s3.send(new CopyObjectCommand({ Bucket: B, Key: "x", CopySource: "justabucket" })), "InvalidArgument", 400);
    await rejectsWith(
      s3.send(new CopyObjectCommand({ Bucket: B, Key: "x", CopySource: `${B}/src`, MetadataDirective: "MERGE" as never })),
      "InvalidArgument",
      400,
    );
  });

  test("If-None-Match: * on the destination of a copy", async () => {
    await rejectsWith(
      s3.send(new CopyObjectCommand({ Bucket: B, Key: "c1", CopySource: `${B}/${esc("src key+é")}`, IfNoneMatch: "*" } as never)),
      "PreconditionFailed",
      412,
    );
  });
});

describe("DeleteObjects", () => {
  test("verbose and quiet results; missing keys count as deleted", async () => {
    for (const k of ["d/1", "d/2", "d/3"]) await s3.send(new PutObjectCommand({ Bucket: B, Key: k, Body: k }));
    const res = await s3.send(new DeleteObjectsCommand({ Bucket: B, Delete: { Objects: [{ Key: "d/1" }, { Key: "d/2" }, { Key: "d/missing" }] } }));
    expect(res.Deleted!.map((d) => d.Key).sort()).toEqual(["d/1", "d/2", "d/missing"]);
    expect(res.Errors ?? []).toEqual([]);
    const quiet = await s3.send(new DeleteObjectsCommand({ Bucket: B, Delete: { Objects: [{ Key: "d/3" }], Quiet: true } }));
    expect(quiet.Deleted ?? []).toEqual([]);
    const left = await s3.send(new ListObjectsV2Command({ Bucket: B, Prefix: "d/" }));
    expect(left.KeyCount).toBe(0);
  });

  test("per-key errors are reported, not fatal", async () => {
    await s3.send(new PutObjectCommand({ Bucket: B, Key: "e/ok", Body: "x" }));
    const body = `<Delete><Object><Key>e/ok</Key></Object><Object><Key>e/x</Key><VersionId>bad-version</VersionId></Object></Delete>`;
    const res = await h.signed({ method: "POST", path: `/${B}`, query: { delete: "" }, body, headers: { "content-md5": md5Base64(body) } });
    expect(res.status).toBe(200);
    const xml = await res.text();
    expect(xml).toContain("<Deleted><Key>e/ok</Key></Deleted>");
    expect(xml).toMatch(/<Error><Key>e\/x<\/Key><VersionId>bad-version<\/VersionId><Code>InvalidArgument<\/Code>/);
  });

  test("versions: deleting without a version adds markers; with versions removes them", async () => {
    const v1 = await s3.send(new PutObjectCommand({ Bucket: "copy-versions", Key: "multi", Body: "1" }));
    const res = await s3.send(new DeleteObjectsCommand({ Bucket: "copy-versions", Delete: { Objects: [{ Key: "multi" }] } }));
    expect(res.Deleted![0]).toMatchObject({ Key: "multi", DeleteMarker: true });
    const markerId = res.Deleted![0].DeleteMarkerVersionId!;
    expect(markerId).toBeTruthy();
    const res2 = await s3.send(
      new DeleteObjectsCommand({
        Bucket: "copy-versions",
        Delete: {
          Objects: [
            { Key: "multi", VersionId: markerId },
            { Key: "multi", VersionId: v1.VersionId },
          ],
        },
      }),
    );
    expect(res2.Deleted!.map((d) => d.VersionId).sort()).toEqual([markerId, v1.VersionId].sort());
    const versions = await s3.send(new ListObjectVersionsCommand({ Bucket: "copy-versions", Prefix: "multi" }));
    expect(versions.Versions ?? []).toEqual([]);
    expect(versions.DeleteMarkers ?? []).toEqual([]);
  });

  test("Content-MD5 (or a checksum) is required; a wrong one is BadDigest; nothing is deleted", async () => {
    await s3.send(new PutObjectCommand({ Bucket: B, Key: "keep", Body: "x" }));
    const body = "<Delete><Object><Key>keep</Key></Object></Delete>";
    const none = await h.signed({ method: "POST", path: `/${B}`, query: { delete: "" }, body });
    expect(await errorOf(none)).toMatchObject({ status: 400, code: "InvalidRequest" });
    const wrong = await h.signed({ method: "POST", path: `/${B}`, query: { delete: "" }, body, headers: { "content-md5": md5Base64("other") } });
    expect(await errorOf(wrong)).toMatchObject({ status: 400, code: "BadDigest" });
    expect(await text(B, "keep")).toBe("x");
  });

  test("1000 keys are accepted, 1001 are MalformedXML; empty lists and bad XML too", async () => {
    const objects = (n: number) => Array.from({ length: n }, (_, i) => `<Object><Key>bulk/${i}</Key></Object>`).join("");
    const send = (body: string) => h.signed({ method: "POST", path: `/${B}`, query: { delete: "" }, body, headers: { "content-md5": md5Base64(body) } });
    const ok = await send(`<Delete><Quiet>true</Quiet>${objects(1000)}</Delete>`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).not.toContain("<Error>");
    expect((await errorOf(await send(`<Delete>${objects(1001)}</Delete>`))).code).toBe("MalformedXML");
    expect((await errorOf(await send("<Delete></Delete>"))).code).toBe("MalformedXML");
    expect((await errorOf(await send("<Delete><Object><Key>a</Key></Object>"))).code).toBe("MalformedXML");
    expect((await errorOf(await send("<NotDelete/>"))).code).toBe("MalformedXML");
  });

  test("on a missing bucket: NoSuchBucket", async () => {
    await rejectsWith(s3.send(new DeleteObjectsCommand({ Bucket: "no-such-bucket-x", Delete: { Objects: [{ Key: "a" }] } })), "NoSuchBucket", 404);
  });
});
