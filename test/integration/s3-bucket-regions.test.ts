// Buckets and regions, and ListBuckets pagination: CreateBucket's LocationConstraint against
// a configured region (MINIO_REGION), GetBucketLocation and HeadBucket's region, and
// max-buckets / continuation-token / prefix / bucket-region with the result's echo fields.
import { describe, expect, test } from "bun:test";
import { CreateBucketCommand, GetBucketLocationCommand, HeadBucketCommand, ListBucketsCommand } from "@aws-sdk/client-s3";
import { errorOf } from "../support/s3-harness.ts";
import { rejectsWith } from "../support/s3-expect.ts";
import { useS3Bucket } from "../support/use-s3-bucket.ts";

const REGION = "eu-central-1";
const NAMES = ["page-a", "page-b", "page-c", "page-d", "zeta-1"];
const { h, s3 } = useS3Bucket(null, {
  env: { MINIO_REGION: REGION },
  setup: async () => {
    for (const Bucket of NAMES) await s3.send(new CreateBucketCommand({ Bucket, CreateBucketConfiguration: { LocationConstraint: REGION } }));
  },
});

describe("a configured region", () => {
  test("a LocationConstraint naming another region is IllegalLocationConstraintException; none or the same is fine", async () => {
    await rejectsWith(
      s3.send(new CreateBucketCommand({ Bucket: "elsewhere", CreateBucketConfiguration: { LocationConstraint: "eu-west-1" } })),
      "IllegalLocationConstraintException",
      400,
    );
    await rejectsWith(
      s3.send(new CreateBucketCommand({ Bucket: "elsewhere", CreateBucketConfiguration: { LocationConstraint: "us-east-1" as never } })),
      "IllegalLocationConstraintException",
      400,
    );
    await rejectsWith(s3.send(new HeadBucketCommand({ Bucket: "elsewhere" })), "NotFound", 404);
    await s3.send(new CreateBucketCommand({ Bucket: "no-constraint" }));
    expect((await s3.send(new GetBucketLocationCommand({ Bucket: "no-constraint" }))).LocationConstraint).toBe(REGION);
    expect((await s3.send(new HeadBucketCommand({ Bucket: "page-a" }))).BucketRegion).toBe(REGION);
  });
});

async function listRaw(query: Record<string, string>) {
  const res = await h.signed({ path: "/", query });
  const xml = await res.text();
  const all = (tag: string) => [...xml.matchAll(new RegExp(`<${tag}>([^<]*)</${tag}>`, "g"))].map((m) => m[1]);
  return { status: res.status, xml, names: all("Name"), token: all("ContinuationToken")[0], prefix: all("Prefix")[0], regions: all("BucketRegion") };
}

describe("ListBuckets pagination", () => {
  test("max-buckets pages with ContinuationToken until every bucket was listed once", async () => {
    const seen: string[] = [];
    let token: string | undefined;
    for (let i = 0; i < 10; i++) {
      const page = await listRaw({ "max-buckets": "2", ...(token ? { "continuation-token": token } : {}) });
      expect(page.status).toBe(200);
      expect(page.names.length).toBeLessThanOrEqual(2);
      seen.push(...page.names);
      token = page.token;
      if (!token) break;
    }
    expect(seen).toEqual([...NAMES, "no-constraint"].sort());
    const sdk = await s3.send(new ListBucketsCommand({ MaxBuckets: 3 }));
    expect(sdk.Buckets!.map((b) => b.Name)).toEqual(seen.slice(0, 3));
    expect(sdk.ContinuationToken).toBeTruthy();
    expect(sdk.Buckets![0].BucketRegion).toBe(REGION);
  });

  test("prefix filters and is echoed; bucket-region filters by region", async () => {
    const page = await listRaw({ prefix: "page-" });
    expect(page.names).toEqual(["page-a", "page-b", "page-c", "page-d"]);
    expect(page.prefix).toBe("page-");
    expect(page.token).toBeUndefined();
    const sdk = await s3.send(new ListBucketsCommand({ Prefix: "zeta", BucketRegion: REGION }));
    expect(sdk.Buckets!.map((b) => b.Name)).toEqual(["zeta-1"]);
    expect(sdk.Prefix).toBe("zeta");
    expect((await listRaw({ "bucket-region": "us-west-2" })).names).toEqual([]);
    const plain = await listRaw({});
    expect(plain.token).toBeUndefined();
    expect(plain.xml).not.toContain("<Prefix>");
  });

  test("max-buckets outside 1..10000 and a foreign continuation token are InvalidArgument", async () => {
    for (const n of ["0", "10001", "-1", "ten", ""]) {
      expect({ n, ...(await errorOf(await h.signed({ path: "/", query: { "max-buckets": n } }))) }).toMatchObject({ n, status: 400, code: "InvalidArgument" });
    }
    expect((await errorOf(await h.signed({ path: "/", query: { "continuation-token": "!!" } }))).code).toBe("InvalidArgument");
  });
});
