// Bucket operations through the AWS SDK against the in-process server: create (location
// constraint, object lock), head, list, delete (not empty), location, versioning, tagging.
import { describe, expect, test } from "bun:test";
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteBucketTaggingCommand,
  GetBucketLocationCommand,
  GetBucketTaggingCommand,
  GetBucketVersioningCommand,
  GetObjectLockConfigurationCommand,
  HeadBucketCommand,
  ListBucketsCommand,
  PutBucketTaggingCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  DeleteObjectCommand,
} from "@aws-sdk/client-s3";
import { errorOf } from "../support/s3-harness.ts";
import { rejectsWith } from "../support/s3-expect.ts";
import { useS3Bucket } from "../support/use-s3-bucket.ts";

const { h, s3 } = useS3Bucket(null);

describe("create, head, list, delete", () => {
  test("a new bucket is listed with its creation date and answers HEAD", async () => {
    const before = Date.now() - 2000;
    const created = await s3.send(new CreateBucketCommand({ Bucket: "alpha" }));
    expect(created.Location).toBe("/alpha");
    await s3.send(new CreateBucketCommand({ Bucket: "beta" }));
    const list = await s3.send(new ListBucketsCommand({}));
    const names = list.Buckets!.map((b) => b.Name);
    expect(names).toContain("alpha");
    expect(names).toContain("beta");
    expect(names.indexOf("alpha")).toBeLessThan(names.indexOf("beta"));
    const alpha = list.Buckets!.find((b) => b.Name === "alpha")!;
    expect(alpha.CreationDate!.getTime()).toBeGreaterThanOrEqual(before);
    expect(list.Owner?.ID).toBeTruthy();
    const head = await s3.send(new HeadBucketCommand({ Bucket: "alpha" }));
    expect(head.$metadata.httpStatusCode).toBe(200);
    expect(head.BucketRegion).toBe("us-east-1");
  });

  test("creating an existing bucket is BucketAlreadyOwnedByYou (409)", async () => {
    await s3.send(new CreateBucketCommand({ Bucket: "dup-bucket" }));
    await rejectsWith(s3.send(new CreateBucketCommand({ Bucket: "dup-bucket" })), "BucketAlreadyOwnedByYou", 409);
  });

  test.each(["ab", "UPPER", "-dash", "dots..dots", "192.168.1.1", "a_b", "x".repeat(64), "minio"])(
    "invalid name %j is InvalidBucketName (400)",
    async (name) => {
      const res = await h.signed({ method: "PUT", path: `/${name}` });
      const err = await errorOf(res);
      expect(err.status).toBe(400);
      expect(err.code).toBe("InvalidBucketName");
    },
  );

  test("HEAD and GET of a missing bucket are 404 NoSuchBucket", async () => {
    await rejectsWith(s3.send(new HeadBucketCommand({ Bucket: "nope-missing" })), "NotFound", 404);
    const err = await errorOf(await h.signed({ path: "/nope-missing" }));
    expect(err.status).toBe(404);
    expect(err.code).toBe("NoSuchBucket");
    expect(err.resource).toBe("/nope-missing");
  });

  test("deleting a non-empty bucket is BucketNotEmpty (409); after emptying it goes", async () => {
    await s3.send(new CreateBucketCommand({ Bucket: "to-delete" }));
    await s3.send(new PutObjectCommand({ Bucket: "to-delete", Key: "k", Body: "x" }));
    await rejectsWith(s3.send(new DeleteBucketCommand({ Bucket: "to-delete" })), "BucketNotEmpty", 409);
    await s3.send(new DeleteObjectCommand({ Bucket: "to-delete", Key: "k" }));
    const del = await s3.send(new DeleteBucketCommand({ Bucket: "to-delete" }));
    expect(del.$metadata.httpStatusCode).toBe(204);
    await rejectsWith(s3.send(new HeadBucketCommand({ Bucket: "to-delete" })), "NotFound", 404);
    await rejectsWith(s3.send(new DeleteBucketCommand({ Bucket: "to-delete" })), "NoSuchBucket", 404);
  });

  test("LocationConstraint with no region configured: any region is accepted (MinIO), a malformed one is not", async () => {
    await s3.send(new CreateBucketCommand({ Bucket: "loc-ok", CreateBucketConfiguration: { LocationConstraint: "us-east-1" as never } }));
    await s3.send(new CreateBucketCommand({ Bucket: "loc-eu", CreateBucketConfiguration: { LocationConstraint: "eu-west-1" } }));
    const res = await h.signed({
      method: "PUT",
      path: "/loc-bad",
      body: "<CreateBucketConfiguration><LocationConstraint>not a region!</LocationConstraint></CreateBucketConfiguration>",
    });
    expect(await errorOf(res)).toMatchObject({ status: 400, code: "InvalidLocationConstraint" });
    await rejectsWith(s3.send(new HeadBucketCommand({ Bucket: "loc-bad" })), "NotFound", 404);
    // No region is recorded per bucket: the location is the server's, empty for none (as MinIO).
    for (const Bucket of ["loc-ok", "loc-eu"]) expect((await s3.send(new GetBucketLocationCommand({ Bucket }))).LocationConstraint ?? "").toBe("");
  });

  test("a malformed CreateBucketConfiguration is MalformedXML and creates nothing", async () => {
    const res = await h.signed({ method: "PUT", path: "/bad-xml-bucket", body: "<CreateBucketConfiguration><LocationConstraint>" });
    expect((await errorOf(res)).code).toBe("MalformedXML");
    await rejectsWith(s3.send(new HeadBucketCommand({ Bucket: "bad-xml-bucket" })), "NotFound", 404);
  });

  test("x-amz-bucket-object-lock-enabled turns versioning on and records a lock configuration", async () => {
    await s3.send(new CreateBucketCommand({ Bucket: "locked", ObjectLockEnabledForBucket: true }));
    const v = await s3.send(new GetBucketVersioningCommand({ Bucket: "locked" }));
    expect(v.Status).toBe("Enabled");
    const lock = await s3.send(new GetObjectLockConfigurationCommand({ Bucket: "locked" }));
    expect(lock.ObjectLockConfiguration?.ObjectLockEnabled).toBe("Enabled");
    await rejectsWith(
      s3.send(new PutBucketVersioningCommand({ Bucket: "locked", VersioningConfiguration: { Status: "Suspended" } })),
      "InvalidBucketState",
      409,
    );
    await rejectsWith(s3.send(new GetObjectLockConfigurationCommand({ Bucket: "alpha" })), "ObjectLockConfigurationNotFoundError", 404);
  });
});

describe("GetBucketLocation", () => {
  test("us-east-1 is the empty constraint; a missing bucket is NoSuchBucket", async () => {
    const res = await h.signed({ path: "/alpha", query: { location: "" } });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/"></LocationConstraint>');
    await rejectsWith(s3.send(new GetBucketLocationCommand({ Bucket: "nope-missing" })), "NoSuchBucket", 404);
  });
});

describe("versioning", () => {
  test("unversioned → Enabled → Suspended", async () => {
    await s3.send(new CreateBucketCommand({ Bucket: "vers" }));
    const none = await s3.send(new GetBucketVersioningCommand({ Bucket: "vers" }));
    expect(none.Status).toBeUndefined();
    await s3.send(new PutBucketVersioningCommand({ Bucket: "vers", VersioningConfiguration: { Status: "Enabled" } }));
    expect((await s3.send(new GetBucketVersioningCommand({ Bucket: "vers" }))).Status).toBe("Enabled");
    await s3.send(new PutBucketVersioningCommand({ Bucket: "vers", VersioningConfiguration: { Status: "Suspended" } }));
    expect((await s3.send(new GetBucketVersioningCommand({ Bucket: "vers" }))).Status).toBe("Suspended");
  });

  test("a bad status is IllegalVersioningConfigurationException; a missing bucket NoSuchBucket", async () => {
    const body = '<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Status>On</Status></VersioningConfiguration>';
    expect((await errorOf(await h.signed({ method: "PUT", path: "/vers", query: { versioning: "" }, body }))).code).toBe(
      "IllegalVersioningConfigurationException",
    );
    await rejectsWith(s3.send(new PutBucketVersioningCommand({ Bucket: "nope-missing", VersioningConfiguration: { Status: "Enabled" } })), "NoSuchBucket", 404);
    await rejectsWith(s3.send(new GetBucketVersioningCommand({ Bucket: "nope-missing" })), "NoSuchBucket", 404);
    expect((await s3.send(new GetBucketVersioningCommand({ Bucket: "vers" }))).Status).toBe("Suspended");
  });
});

describe("bucket tagging", () => {
  test("put, get, delete; no tags is NoSuchTagSet", async () => {
    await s3.send(new CreateBucketCommand({ Bucket: "tagged" }));
    await rejectsWith(s3.send(new GetBucketTaggingCommand({ Bucket: "tagged" })), "NoSuchTagSet", 404);
    await s3.send(
      new PutBucketTaggingCommand({
        Bucket: "tagged",
        Tagging: {
          TagSet: [
            { Key: "team", Value: "storage" },
            { Key: "env", Value: "a b&c" },
          ],
        },
      }),
    );
    const got = await s3.send(new GetBucketTaggingCommand({ Bucket: "tagged" }));
    expect(got.TagSet).toEqual([
      { Key: "team", Value: "storage" },
      { Key: "env", Value: "a b&c" },
    ]);
    const del = await s3.send(new DeleteBucketTaggingCommand({ Bucket: "tagged" }));
    expect(del.$metadata.httpStatusCode).toBe(204);
    await rejectsWith(s3.send(new GetBucketTaggingCommand({ Bucket: "tagged" })), "NoSuchTagSet", 404);
  });

  test("duplicate keys and oversized keys are InvalidTag; the stored set is unchanged", async () => {
    await s3.send(new PutBucketTaggingCommand({ Bucket: "tagged", Tagging: { TagSet: [{ Key: "keep", Value: "1" }] } }));
    await rejectsWith(
      s3.send(
        new PutBucketTaggingCommand({
          Bucket: "tagged",
          Tagging: {
            TagSet: [
              { Key: "a", Value: "1" },
              { Key: "a", Value: "2" },
            ],
          },
        }),
      ),
      "InvalidTag",
      400,
    );
    await rejectsWith(
      s3.send(new PutBucketTaggingCommand({ Bucket: "tagged", Tagging: { TagSet: [{ Key: "k".repeat(129), Value: "1" }] } })),
      "InvalidTag",
      400,
    );
    expect((await s3.send(new GetBucketTaggingCommand({ Bucket: "tagged" }))).TagSet).toEqual([{ Key: "keep", Value: "1" }]);
    await rejectsWith(s3.send(new PutBucketTaggingCommand({ Bucket: "nope-missing", Tagging: { TagSet: [] } })), "NoSuchBucket", 404);
  });
});

describe("ListBuckets with no region configured", () => {
  test("bucket-region does not filter (any region is this server's); BucketRegion is us-east-1", async () => {
    const res = await h.signed({ path: "/", query: { "bucket-region": "eu-west-1", prefix: "loc-" } });
    const xml = await res.text();
    expect([...xml.matchAll(/<Name>([^<]*)<\/Name>/g)].map((m) => m[1])).toEqual(["loc-eu", "loc-ok"]);
    expect(xml).toContain("<BucketRegion>us-east-1</BucketRegion>");
    expect(xml).toContain("<Prefix>loc-</Prefix>");
  });
});
