// The SigV2 resource candidates: one per client family's sub-resource rule, and no others.
import { describe, expect, test } from "bun:test";
import { resourceCandidates, SIGNERS, subresourceSuffix } from "./sigv2-resource.ts";

const [BOTOCORE, MINIO_GO, S3CMD] = SIGNERS;
const candidates = (target: string, vh?: string) => resourceCandidates(new URL(`http://h${target}`), vh);

describe("subresourceSuffix per rule", () => {
  test("an empty value: bare for minio-go and s3cmd, as written for botocore", () => {
    expect(subresourceSuffix("?uploads=", MINIO_GO)).toBe("?uploads");
    expect(subresourceSuffix("?uploads=", S3CMD)).toBe("?uploads");
    expect(subresourceSuffix("?uploads=", BOTOCORE)).toBe("?uploads=");
    expect(subresourceSuffix("?uploads", BOTOCORE)).toBe("?uploads");
  });

  test("each family's list decides what is signed", () => {
    expect(subresourceSuffix("?tagging", BOTOCORE)).toBe("?tagging");
    expect(subresourceSuffix("?tagging", MINIO_GO)).toBe("?tagging");
    expect(subresourceSuffix("?tagging", S3CMD)).toBe("");
    expect(subresourceSuffix("?object-lock", BOTOCORE)).toBe("?object-lock");
    expect(subresourceSuffix("?object-lock", MINIO_GO)).toBe("");
    expect(subresourceSuffix("?retention&versionId=1", MINIO_GO)).toBe("?retention&versionId=1");
    expect(subresourceSuffix("?retention&versionId=1", BOTOCORE)).toBe("?versionId=1");
  });

  test("values decoded; '+' is a space for Go clients only; repeated names", () => {
    expect(subresourceSuffix("?uploadId=a%2Bb+c&partNumber=2", MINIO_GO)).toBe("?partNumber=2&uploadId=a+b c");
    expect(subresourceSuffix("?uploadId=a%2Bb+c&partNumber=2", BOTOCORE)).toBe("?partNumber=2&uploadId=a+b+c");
    expect(subresourceSuffix("?versionId=1&versionId=2", MINIO_GO)).toBe("?versionId=1");
    expect(subresourceSuffix("?versionId=1&versionId=2", BOTOCORE)).toBe("?versionId=1&versionId=2");
  });
});

describe("resourceCandidates", () => {
  test("a request every family signs alike has a single resource per path spelling", () => {
    expect(candidates("/b/k?acl")).toEqual(["/b/k?acl"]);
    expect(candidates("/b/k?prefix=x&max-keys=2")).toEqual(["/b/k"]);
    expect(candidates("/b/a%20b?acl")).toEqual(["/b/a%20b?acl", "/b/a b?acl"]);
  });

  test("families that disagree each get their own", () => {
    expect(candidates("/b/k?uploads=").sort()).toEqual(["/b/k?uploads", "/b/k?uploads="]);
    expect(candidates("/b/k?tagging").sort()).toEqual(["/b/k", "/b/k?tagging"]);
  });

  test("a bucket alone is signed as /bucket or /bucket/; an object key keeps its exact path", () => {
    expect(candidates("/b").sort()).toEqual(["/b", "/b/"]);
    expect(candidates("/b/?acl").sort()).toEqual(["/b/?acl", "/b?acl"]);
    expect(candidates("/", "b").sort()).toEqual(["/b", "/b/"]);
    expect(candidates("/b/dir/")).toEqual(["/b/dir/"]);
    expect(candidates("/")).toEqual(["/"]);
  });

  test("the virtual-hosted bucket opens every candidate", () => {
    expect(candidates("/k?location=", "b").sort()).toEqual(["/b/k?location", "/b/k?location="]);
  });
});
