// What the environment configures about the S3 API: a region (MINIO_REGION: signatures,
// location constraints, GetBucketLocation), root credentials (BUNKER_ROOT_* before MINIO_ROOT_*)
// and virtual-host-style addressing under MINIO_DOMAIN.
import { afterAll, describe, expect, test } from "bun:test";
import { CreateBucketCommand, GetBucketLocationCommand, HeadBucketCommand, ListBucketsCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { TempDirs } from "../support/temp-dirs.ts";
import { createHmac } from "node:crypto";
import { errorOf, ROOT_PASSWORD, ROOT_USER, startS3 } from "../support/s3-harness.ts";
import { rejectsWith } from "../support/s3-expect.ts";

const temp = new TempDirs();
afterAll(() => temp.cleanup());

describe("MINIO_REGION", () => {
  test("signatures must name the region; buckets report it", async () => {
    const h = await startS3(temp, { env: { MINIO_REGION: "eu-west-3" } });
    try {
      const s3 = h.client();
      await s3.send(new CreateBucketCommand({ Bucket: "regional", CreateBucketConfiguration: { LocationConstraint: "eu-west-3" } }));
      expect((await s3.send(new GetBucketLocationCommand({ Bucket: "regional" }))).LocationConstraint).toBe("eu-west-3");
      expect((await s3.send(new HeadBucketCommand({ Bucket: "regional" }))).BucketRegion).toBe("eu-west-3");
      await rejectsWith(
        s3.send(new CreateBucketCommand({ Bucket: "elsewhere", CreateBucketConfiguration: { LocationConstraint: "us-west-2" } })),
        "IllegalLocationConstraintException",
        400,
      ); // AWS: a constraint its endpoint does not serve
      const wrong = await h.signed({ path: "/regional", region: "us-east-1" });
      const err = await errorOf(wrong);
      expect(err).toMatchObject({ status: 400, code: "AuthorizationHeaderMalformed" });
      expect(err.body).toContain("<Region>eu-west-3</Region>");
      await rejectsWith(h.client({ region: "us-east-1" }).send(new ListBucketsCommand({})), "AuthorizationHeaderMalformed", 400);
      const presigned = await h.presign({ path: "/regional", region: "us-east-1" });
      expect((await errorOf(await fetch(presigned))).code).toBe("AuthorizationQueryParametersError");
    } finally {
      await h.close();
    }
  });
});

describe("root credentials", () => {
  test("BUNKER_ROOT_* win over MINIO_ROOT_*; the other pair is refused", async () => {
    const h = await startS3(temp, { env: { BUNKER_ROOT_USER: "bunker-user", BUNKER_ROOT_PASSWORD: "bunker-password-1" } });
    try {
      const ok = h.client({ credentials: { accessKeyId: "bunker-user", secretAccessKey: "bunker-password-1" } });
      expect((await ok.send(new ListBucketsCommand({}))).$metadata.httpStatusCode).toBe(200);
      await rejectsWith(h.client().send(new ListBucketsCommand({})), "InvalidAccessKeyId", 403);
    } finally {
      await h.close();
    }
  });
});

describe("MINIO_DOMAIN", () => {
  test("bucket.domain addresses the bucket; path style keeps working", async () => {
    const h = await startS3(temp, { env: { MINIO_DOMAIN: "s3.example.test" } });
    try {
      const s3 = h.client();
      await s3.send(new CreateBucketCommand({ Bucket: "vhost" }));
      await s3.send(new PutObjectCommand({ Bucket: "vhost", Key: "dir/obj", Body: "virtual" }));
      const vhost = `vhost.s3.example.test:${h.host.split(":")[1]}`;
      const get = await h.signed({ path: "/dir/obj", headers: { host: vhost } });
      expect(await get.text()).toBe("virtual");
      const list = await h.signed({ path: "/", headers: { host: vhost }, query: { "list-type": "2" } });
      expect(await list.text()).toContain("<Key>dir/obj</Key>");
      const put = await h.signed({ method: "PUT", path: "/made-by-vhost", headers: { host: vhost }, body: "v2" });
      expect(put.status).toBe(200);
      expect(await (await h.signed({ path: "/vhost/made-by-vhost" })).text()).toBe("v2");
      const missing = await h.signed({ path: "/k", headers: { host: `nosuch.s3.example.test:${h.host.split(":")[1]}` } });
      expect((await errorOf(missing)).code).toBe("NoSuchBucket");
      const service = await h.signed({ path: "/", headers: { host: `s3.example.test:${h.host.split(":")[1]}` } });
      expect(await service.text()).toContain("<Name>vhost</Name>");
      // SigV2 signs "/bucket/key" even when the bucket travels in the Host header.
      const date = new Date().toUTCString();
      const sig = createHmac("sha1", ROOT_PASSWORD).update(`GET\n\n\n${date}\n/vhost/dir/obj`).digest("base64");
      const v2 = await h.anon("/dir/obj", { headers: { host: vhost, date, authorization: `AWS ${ROOT_USER}:${sig}` } });
      expect(await v2.text()).toBe("virtual");
    } finally {
      await h.close();
    }
  });
});
