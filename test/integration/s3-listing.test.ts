// Listings through the SDK and raw requests: ListObjects v1 (marker, NextMarker), ListObjectsV2
// (continuation tokens, start-after, fetch-owner), ListObjectVersions (key and version-id
// markers), prefix, delimiter, max-keys and encoding-type=url.
import { describe, expect, test } from "bun:test";
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  ListObjectsCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
} from "@aws-sdk/client-s3";
import { errorOf } from "../support/s3-harness.ts";
import { rejectsWith } from "../support/s3-expect.ts";
import { useS3Bucket } from "../support/use-s3-bucket.ts";

const B = "listing";
const KEYS = ["a.txt", "b/1", "b/2", "b/c/3", "c d/é", "c+d", "d&<x>", "e%20f", "z/"].sort();
const { h, s3 } = useS3Bucket(B, {
  setup: async () => {
    for (const k of KEYS) await s3.send(new PutObjectCommand({ Bucket: B, Key: k, Body: k }));
  },
});

describe("ListObjectsV2", () => {
  test("everything, in UTF-8 byte order, with sizes and ETags", async () => {
    const res = await s3.send(new ListObjectsV2Command({ Bucket: B }));
    expect(res.Contents!.map((o) => o.Key)).toEqual(KEYS);
    expect(res.KeyCount).toBe(KEYS.length);
    expect(res.IsTruncated).toBe(false);
    const a = res.Contents!.find((o) => o.Key === "a.txt")!;
    expect(a.Size).toBe(5);
    expect(a.ETag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(a.StorageClass).toBe("STANDARD");
    expect(a.Owner).toBeUndefined();
  });

  test("delimiter folds common prefixes; prefix narrows", async () => {
    const top = await s3.send(new ListObjectsV2Command({ Bucket: B, Delimiter: "/" }));
    expect(top.Contents!.map((o) => o.Key)).toEqual(["a.txt", "c+d", "d&<x>", "e%20f"]);
    expect(top.CommonPrefixes!.map((p) => p.Prefix)).toEqual(["b/", "c d/", "z/"]);
    expect(top.KeyCount).toBe(7);
    const b = await s3.send(new ListObjectsV2Command({ Bucket: B, Prefix: "b/", Delimiter: "/" }));
    expect(b.Contents!.map((o) => o.Key)).toEqual(["b/1", "b/2"]);
    expect(b.CommonPrefixes!.map((p) => p.Prefix)).toEqual(["b/c/"]);
    const none = await s3.send(new ListObjectsV2Command({ Bucket: B, Prefix: "nothing/" }));
    expect(none.Contents).toBeUndefined();
    expect(none.KeyCount).toBe(0);
  });

  test("pages with continuation tokens cover every key once; prefixes count against max-keys", async () => {
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: B, MaxKeys: 2, ContinuationToken: token, Delimiter: "/" }));
      expect((page.Contents?.length ?? 0) + (page.CommonPrefixes?.length ?? 0)).toBeLessThanOrEqual(2);
      seen.push(...(page.Contents ?? []).map((o) => o.Key!), ...(page.CommonPrefixes ?? []).map((p) => p.Prefix!));
      token = page.NextContinuationToken;
      expect(page.IsTruncated).toBe(token !== undefined);
      pages++;
    } while (token);
    expect(seen.sort()).toEqual(["a.txt", "b/", "c d/", "c+d", "d&<x>", "e%20f", "z/"]);
    expect(pages).toBe(4);
  });

  test("start-after, fetch-owner, max-keys=0", async () => {
    const after = await s3.send(new ListObjectsV2Command({ Bucket: B, StartAfter: "b/2", FetchOwner: true }));
    expect(after.Contents![0].Key).toBe("b/c/3");
    expect(after.StartAfter).toBe("b/2");
    expect(after.Contents![0].Owner?.ID).toBeTruthy();
    const zero = await s3.send(new ListObjectsV2Command({ Bucket: B, MaxKeys: 0 }));
    expect(zero.KeyCount).toBe(0);
    expect(zero.Contents).toBeUndefined();
  });

  test("encoding-type=url escapes keys and prefixes (they decode back to the keys)", async () => {
    const res = await h.signed({ path: `/${B}`, query: { "list-type": "2", "encoding-type": "url", prefix: "c", delimiter: "/" } });
    const xml = await res.text();
    expect(xml).toContain("<EncodingType>url</EncodingType>");
    const prefixes = [...xml.matchAll(/<CommonPrefixes><Prefix>([^<]*)<\/Prefix>/g)].map((m) => m[1]);
    expect(prefixes.length).toBe(1);
    expect(prefixes[0]).not.toContain(" ");
    expect(decodeURIComponent(prefixes[0])).toBe("c d/");
    expect(xml).toContain("<Key>c%2Bd</Key>");
    const sdk = await s3.send(new ListObjectsV2Command({ Bucket: B, EncodingType: "url" }));
    expect(sdk.Contents!.map((o) => decodeURIComponent(o.Key!))).toEqual(KEYS);
  });

  test("bad parameters: max-keys, encoding-type, continuation token; missing bucket", async () => {
    expect((await errorOf(await h.signed({ path: `/${B}`, query: { "list-type": "2", "max-keys": "-1" } }))).code).toBe("InvalidArgument");
    expect((await errorOf(await h.signed({ path: `/${B}`, query: { "list-type": "2", "max-keys": "ten" } }))).code).toBe("InvalidArgument");
    expect((await errorOf(await h.signed({ path: `/${B}`, query: { "list-type": "2", "encoding-type": "base64" } }))).code).toBe("InvalidArgument");
    expect((await errorOf(await h.signed({ path: `/${B}`, query: { "list-type": "2", "continuation-token": "!!!" } }))).code).toBe("InvalidArgument");
    await rejectsWith(s3.send(new ListObjectsV2Command({ Bucket: "no-such-bucket-x" })), "NoSuchBucket", 404);
  });
});

describe("ListObjects v1", () => {
  test("marker and NextMarker (with a delimiter)", async () => {
    const first = await s3.send(new ListObjectsCommand({ Bucket: B, MaxKeys: 3, Delimiter: "/" }));
    expect(first.IsTruncated).toBe(true);
    expect([...(first.Contents ?? []).map((o) => o.Key), ...(first.CommonPrefixes ?? []).map((p) => p.Prefix)].sort()).toEqual(["a.txt", "b/", "c d/"]);
    expect(first.NextMarker).toBe("c d/");
    const rest = await s3.send(new ListObjectsCommand({ Bucket: B, Marker: first.NextMarker, Delimiter: "/" }));
    expect([...(rest.Contents ?? []).map((o) => o.Key), ...(rest.CommonPrefixes ?? []).map((p) => p.Prefix)].sort()).toEqual(["c+d", "d&<x>", "e%20f", "z/"]);
    expect(rest.IsTruncated).toBe(false);
    expect(rest.NextMarker).toBeUndefined();
    expect(rest.Contents![0].Owner?.ID).toBeTruthy();
  });

  test("a marker without a delimiter; the SDK's own paging", async () => {
    const res = await s3.send(new ListObjectsCommand({ Bucket: B, Marker: "b/c/3" }));
    expect(res.Contents!.map((o) => o.Key)).toEqual(KEYS.slice(KEYS.indexOf("b/c/3") + 1));
    expect(res.Marker).toBe("b/c/3");
  });
});

describe("ListObjectVersions", () => {
  test("versions and delete markers, newest first, paged by key and version-id markers", async () => {
    await s3.send(new CreateBucketCommand({ Bucket: "list-versions" }));
    await s3.send(new PutBucketVersioningCommand({ Bucket: "list-versions", VersioningConfiguration: { Status: "Enabled" } }));
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await s3.send(new PutObjectCommand({ Bucket: "list-versions", Key: "k", Body: `v${i}` }))).VersionId!);
    const marker = (await s3.send(new DeleteObjectCommand({ Bucket: "list-versions", Key: "k" }))).VersionId!;
    await s3.send(new PutObjectCommand({ Bucket: "list-versions", Key: "other", Body: "o" }));
    const all = await s3.send(new ListObjectVersionsCommand({ Bucket: "list-versions" }));
    expect(all.DeleteMarkers!.map((d) => [d.Key, d.VersionId, d.IsLatest])).toEqual([["k", marker, true]]);
    expect(all.Versions!.filter((v) => v.Key === "k").map((v) => v.VersionId)).toEqual([...ids].reverse());
    expect(all.Versions!.filter((v) => v.Key === "k").every((v) => v.IsLatest === false)).toBe(true);
    expect(all.Versions!.find((v) => v.Key === "other")?.IsLatest).toBe(true);

    const collected: string[] = [];
    let keyMarker: string | undefined;
    let versionMarker: string | undefined;
    for (;;) {
      const page = await s3.send(new ListObjectVersionsCommand({ Bucket: "list-versions", MaxKeys: 2, KeyMarker: keyMarker, VersionIdMarker: versionMarker }));
      collected.push(...(page.DeleteMarkers ?? []).map((d) => d.VersionId!), ...(page.Versions ?? []).map((v) => v.VersionId!));
      if (!page.IsTruncated) break;
      keyMarker = page.NextKeyMarker;
      versionMarker = page.NextVersionIdMarker;
      expect(keyMarker).toBeTruthy();
    }
    expect(collected.length).toBe(5);
    expect(new Set(collected).size).toBe(5);
    expect(collected).toContain(marker);
  });

  test("an unversioned bucket lists null versions; a version-id marker needs a key marker", async () => {
    const res = await s3.send(new ListObjectVersionsCommand({ Bucket: B, Prefix: "b/", Delimiter: "/" }));
    expect(res.Versions!.map((v) => [v.Key, v.VersionId, v.IsLatest])).toEqual([
      ["b/1", "null", true],
      ["b/2", "null", true],
    ]);
    expect(res.CommonPrefixes!.map((p) => p.Prefix)).toEqual(["b/c/"]);
    const bad = await h.signed({ path: `/${B}`, query: { versions: "", "version-id-marker": "null" } });
    expect((await errorOf(bad)).code).toBe("InvalidArgument");
  });
});
