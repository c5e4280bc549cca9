// The small answers real suites check around versions: x-amz-version-id only where AWS sends it
// (never for a bucket that never had versioning, "null" once suspended), x-amz-delete-marker on
// deletes and on reads of markers (with the DeleteObjects XML fields), and GET/HEAD ?partNumber=.
import { describe, expect, test } from "bun:test";
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { errorOf, md5Base64, pattern } from "../support/s3-harness.ts";
import { rejectsWith } from "../support/s3-expect.ts";
import { useS3Bucket } from "../support/use-s3-bucket.ts";

const { h, s3 } = useS3Bucket(null);

async function bucket(name: string, versioning?: "Enabled" | "Suspended" | "Enabled-then-Suspended"): Promise<string> {
  await s3.send(new CreateBucketCommand({ Bucket: name }));
  if (versioning === "Enabled" || versioning === "Enabled-then-Suspended") {
    await s3.send(new PutBucketVersioningCommand({ Bucket: name, VersioningConfiguration: { Status: "Enabled" } }));
  }
  if (versioning === "Suspended" || versioning === "Enabled-then-Suspended") {
    await s3.send(new PutBucketVersioningCommand({ Bucket: name, VersioningConfiguration: { Status: "Suspended" } }));
  }
  return name;
}

/** The raw response headers of every write kind, for one bucket. */
async function writeAnswers(b: string) {
  const put = await h.signed({ method: "PUT", path: `/${b}/put`, body: "one" });
  const copy = await h.signed({ method: "PUT", path: `/${b}/copy`, headers: { "x-amz-copy-source": `/${b}/put` } });
  const created = await s3.send(new CreateMultipartUploadCommand({ Bucket: b, Key: "mp" }));
  const part = await s3.send(new UploadPartCommand({ Bucket: b, Key: "mp", UploadId: created.UploadId, PartNumber: 1, Body: "part" }));
  const xml = `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${part.ETag}</ETag></Part></CompleteMultipartUpload>`;
  const complete = await h.signed({ method: "POST", path: `/${b}/mp`, query: { uploadId: created.UploadId! }, body: xml });
  const head = await h.signed({ method: "HEAD", path: `/${b}/put` });
  const tagXml = "<Tagging><TagSet><Tag><Key>a</Key><Value>1</Value></Tag></TagSet></Tagging>";
  const putTags = await h.signed({ method: "PUT", path: `/${b}/put`, query: { tagging: "" }, body: tagXml, headers: { "content-md5": md5Base64(tagXml) } });
  const getTags = await h.signed({ path: `/${b}/put`, query: { tagging: "" } });
  const delTags = await h.signed({ method: "DELETE", path: `/${b}/put`, query: { tagging: "" } });
  const del = await h.signed({ method: "DELETE", path: `/${b}/copy` });
  const delXml = "<Delete><Object><Key>mp</Key></Object></Delete>";
  const multi = await h.signed({ method: "POST", path: `/${b}`, query: { delete: "" }, body: delXml, headers: { "content-md5": md5Base64(delXml) } });
  for (const r of [put, copy, complete, head, putTags, getTags, delTags, del, multi]) expect(r.status).toBeLessThan(300);
  return {
    put,
    copy,
    copyBody: await copy.text(),
    complete,
    completeBody: await complete.text(),
    head,
    tagging: [putTags, getTags, delTags],
    del,
    multi: await multi.text(),
  };
}

describe("x-amz-version-id", () => {
  test("a bucket that never had versioning: no version header on any write, read or delete answer", async () => {
    const a = await writeAnswers(await bucket("vh-never"));
    for (const r of [a.put, a.copy, a.complete, a.head, ...a.tagging, a.del]) expect(r.headers.get("x-amz-version-id")).toBeNull();
    expect(a.copyBody).not.toContain("VersionId");
    expect(a.completeBody).not.toContain("VersionId");
    expect(a.del.headers.get("x-amz-delete-marker")).toBeNull();
    expect(a.multi).toContain("<Deleted><Key>mp</Key></Deleted>");
  });

  test('a suspended bucket answers "null" for writes and for the null delete marker', async () => {
    const a = await writeAnswers(await bucket("vh-suspended", "Enabled-then-Suspended"));
    for (const r of [a.put, a.copy, a.complete, a.head, ...a.tagging, a.del]) expect(r.headers.get("x-amz-version-id")).toBe("null");
    expect(a.del.headers.get("x-amz-delete-marker")).toBe("true");
    expect(a.multi).toContain("<Deleted><Key>mp</Key><DeleteMarker>true</DeleteMarker><DeleteMarkerVersionId>null</DeleteMarkerVersionId></Deleted>");
  });

  test("an enabled bucket answers the new version ids", async () => {
    const a = await writeAnswers(await bucket("vh-enabled", "Enabled"));
    const versions = await s3.send(new ListObjectVersionsCommand({ Bucket: "vh-enabled" }));
    const ids = new Set([...(versions.Versions ?? []), ...(versions.DeleteMarkers ?? [])].map((v) => v.VersionId));
    for (const r of [a.put, a.copy, a.complete, a.head, ...a.tagging, a.del]) {
      const id = r.headers.get("x-amz-version-id");
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      expect(ids.has(id!)).toBe(true);
    }
    expect(a.multi).toMatch(
      /<Deleted><Key>mp<\/Key><DeleteMarker>true<\/DeleteMarker><DeleteMarkerVersionId>[0-9a-f-]{36}<\/DeleteMarkerVersionId><\/Deleted>/,
    );
  });

  test("copying from a versioned source reports the source version it copied", async () => {
    await bucket("vh-src", "Enabled");
    const v = await s3.send(new PutObjectCommand({ Bucket: "vh-src", Key: "k", Body: "x" }));
    const out = await s3.send(new CopyObjectCommand({ Bucket: "vh-never", Key: "from-versioned", CopySource: "vh-src/k" }));
    expect(out.CopySourceVersionId).toBe(v.VersionId);
    expect(out.VersionId).toBeUndefined();
    const fromNever = await h.signed({ method: "PUT", path: "/vh-src/from-never", headers: { "x-amz-copy-source": "/vh-never/put" } });
    expect(fromNever.headers.get("x-amz-copy-source-version-id")).toBeNull();
    expect(fromNever.headers.get("x-amz-version-id")).toMatch(/^[0-9a-f-]{36}$/);
    const created = await s3.send(new CreateMultipartUploadCommand({ Bucket: "vh-never", Key: "part-copy" }));
    const partFromVersioned = await h.signed({
      method: "PUT",
      path: "/vh-never/part-copy",
      query: { partNumber: "1", uploadId: created.UploadId! },
      headers: { "x-amz-copy-source": "/vh-src/k" },
    });
    expect(partFromVersioned.headers.get("x-amz-copy-source-version-id")).toBe(v.VersionId!);
    const partFromNever = await h.signed({
      method: "PUT",
      path: "/vh-never/part-copy",
      query: { partNumber: "2", uploadId: created.UploadId! },
      headers: { "x-amz-copy-source": "/vh-never/put" },
    });
    expect(partFromNever.status).toBe(200);
    expect(partFromNever.headers.get("x-amz-copy-source-version-id")).toBeNull();
  });
});

describe("x-amz-delete-marker", () => {
  test("DeleteObject: a new marker, a marker removed by id, a version removed by id", async () => {
    const b = await bucket("dm-delete", "Enabled");
    const v1 = await s3.send(new PutObjectCommand({ Bucket: b, Key: "k", Body: "one" }));
    const marker = await h.signed({ method: "DELETE", path: `/${b}/k` });
    expect(marker.status).toBe(204);
    expect(marker.headers.get("x-amz-delete-marker")).toBe("true");
    const markerId = marker.headers.get("x-amz-version-id")!;
    expect(markerId).toMatch(/^[0-9a-f-]{36}$/);
    // A second simple delete stacks another marker.
    const again = await h.signed({ method: "DELETE", path: `/${b}/k` });
    expect(again.headers.get("x-amz-delete-marker")).toBe("true");
    const removedMarker = await h.signed({ method: "DELETE", path: `/${b}/k`, query: { versionId: again.headers.get("x-amz-version-id")! } });
    expect(removedMarker.headers.get("x-amz-delete-marker")).toBe("true");
    expect(removedMarker.headers.get("x-amz-version-id")).toBe(again.headers.get("x-amz-version-id"));
    const removedVersion = await h.signed({ method: "DELETE", path: `/${b}/k`, query: { versionId: v1.VersionId! } });
    expect(removedVersion.headers.get("x-amz-delete-marker")).toBeNull();
    expect(removedVersion.headers.get("x-amz-version-id")).toBe(v1.VersionId!);
  });

  test("reads of a key hidden by a marker: 404 with the marker headers; of the marker version: 405 with Last-Modified", async () => {
    const b = await bucket("dm-read", "Enabled");
    await s3.send(new PutObjectCommand({ Bucket: b, Key: "k", Body: "one" }));
    const marker = await s3.send(new DeleteObjectCommand({ Bucket: b, Key: "k" }));
    for (const method of ["GET", "HEAD"]) {
      const hidden = await h.signed({ method, path: `/${b}/k` });
      expect(hidden.status).toBe(404);
      expect(hidden.headers.get("x-amz-delete-marker")).toBe("true");
      expect(hidden.headers.get("x-amz-version-id")).toBe(marker.VersionId!);
      if (method === "GET") expect((await errorOf(hidden)).code).toBe("NoSuchKey");
      const onMarker = await h.signed({ method, path: `/${b}/k`, query: { versionId: marker.VersionId! } });
      expect(onMarker.status).toBe(405);
      expect(onMarker.headers.get("x-amz-delete-marker")).toBe("true");
      expect(onMarker.headers.get("x-amz-version-id")).toBe(marker.VersionId!);
      const listed = (await s3.send(new ListObjectVersionsCommand({ Bucket: b }))).DeleteMarkers![0];
      expect(new Date(onMarker.headers.get("last-modified")!).getTime()).toBe(Math.floor(listed.LastModified!.getTime() / 1000) * 1000);
      if (method === "GET") expect((await errorOf(onMarker)).code).toBe("MethodNotAllowed");
    }
    const sdk = await rejectsWith(s3.send(new HeadObjectCommand({ Bucket: b, Key: "k" })), "NotFound", 404);
    expect(sdk.$response?.headers["x-amz-delete-marker"]).toBe("true");
  });

  test("DeleteObjects: DeleteMarker and DeleteMarkerVersionId as AWS renders them", async () => {
    const b = await bucket("dm-multi", "Enabled");
    const v = await s3.send(new PutObjectCommand({ Bucket: b, Key: "v", Body: "x" }));
    await s3.send(new PutObjectCommand({ Bucket: b, Key: "m", Body: "x" }));
    const m = await s3.send(new DeleteObjectCommand({ Bucket: b, Key: "m" }));
    const out = await s3.send(
      new DeleteObjectsCommand({
        Bucket: b,
        Delete: { Objects: [{ Key: "new" }, { Key: "m", VersionId: m.VersionId }, { Key: "v", VersionId: v.VersionId }] },
      }),
    );
    const by = (k: string) => out.Deleted!.find((d) => d.Key === k)!;
    expect(by("new").DeleteMarker).toBe(true);
    expect(by("new").DeleteMarkerVersionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(by("new").VersionId).toBeUndefined();
    expect(by("m")).toMatchObject({ VersionId: m.VersionId, DeleteMarker: true, DeleteMarkerVersionId: m.VersionId });
    expect(by("v").VersionId).toBe(v.VersionId);
    expect(by("v").DeleteMarker).toBeUndefined();
    expect(by("v").DeleteMarkerVersionId).toBeUndefined();
  });
});

describe("GET/HEAD ?partNumber=", () => {
  const MiB = 1024 * 1024;

  test("a part the object does not have is 416 InvalidPartNumber with the counts; bad numbers are InvalidArgument", async () => {
    const b = await bucket("pn-bucket");
    await s3.send(new PutObjectCommand({ Bucket: b, Key: "single", Body: "hello" }));
    const created = await s3.send(new CreateMultipartUploadCommand({ Bucket: b, Key: "multi" }));
    const parts = [pattern(5 * MiB, 1), pattern(100, 2)];
    const done = [];
    for (const [i, Body] of parts.entries())
      done.push({
        PartNumber: i + 1,
        ETag: (await s3.send(new UploadPartCommand({ Bucket: b, Key: "multi", UploadId: created.UploadId, PartNumber: i + 1, Body }))).ETag,
      });
    await s3.send(new CompleteMultipartUploadCommand({ Bucket: b, Key: "multi", UploadId: created.UploadId, MultipartUpload: { Parts: done } }));

    const one = await h.signed({ path: `/${b}/single`, query: { partNumber: "1" } });
    expect(one.status).toBe(206);
    expect(one.headers.get("content-range")).toBe("bytes 0-4/5");
    expect(await one.text()).toBe("hello");
    const leadingZero = await h.signed({ path: `/${b}/multi`, query: { partNumber: "02" } });
    expect(leadingZero.status).toBe(206);
    expect(leadingZero.headers.get("x-amz-mp-parts-count")).toBe("2");
    expect((await leadingZero.arrayBuffer()).byteLength).toBe(100);

    for (const [key, n, count] of [
      ["single", "2", 1],
      ["multi", "3", 2],
      ["multi", "010000", 2],
    ] as const) {
      const res = await h.signed({ path: `/${b}/${key}`, query: { partNumber: n } });
      const err = await errorOf(res);
      expect({ status: err.status, code: err.code, message: err.message }).toEqual({
        status: 416,
        code: "InvalidPartNumber",
        message: "The requested partnumber is not satisfiable",
      });
      expect(err.body).toContain(`<PartNumberRequested>${Number(n)}</PartNumberRequested><ActualPartCount>${count}</ActualPartCount>`);
      const head = await h.signed({ method: "HEAD", path: `/${b}/${key}`, query: { partNumber: n } });
      expect(head.status).toBe(416);
    }
    for (const n of ["0", "00", "10001", "-1", "1.0", " 1", "abc", ""]) {
      const err = await errorOf(await h.signed({ path: `/${b}/single`, query: { partNumber: n } }));
      expect({ n, status: err.status, code: err.code }).toEqual({ n, status: 400, code: "InvalidArgument" });
      expect(err.message).toBe("Part number must be an integer between 1 and 10000, inclusive");
      expect(err.body).toContain(`<ArgumentValue>${n}</ArgumentValue>`);
    }
    // A Range beside partNumber is refused before the number is read.
    const both = await errorOf(await h.signed({ path: `/${b}/single`, query: { partNumber: "abc" }, headers: { range: "bytes=0-1" } }));
    expect({ code: both.code, message: both.message }).toEqual({
      code: "InvalidRequest",
      message: "Cannot specify both Range header and partNumber query parameter",
    });
    // Checked before the key is looked up: a missing key with a valid number is NoSuchKey.
    expect((await errorOf(await h.signed({ path: `/${b}/missing`, query: { partNumber: "2" } }))).code).toBe("NoSuchKey");
  });
});
