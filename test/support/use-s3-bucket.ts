// useS3Bucket(): the preamble most integration suites share. beforeAll starts an in-process
// server on temp drives (startS3), makes an SDK client and creates the bucket(s), then runs the
// suite's own setup; afterAll closes the server and removes the drives.
import { afterAll, beforeAll } from "bun:test";
import type { S3Client } from "@aws-sdk/client-s3";
import { CreateBucketCommand } from "@aws-sdk/client-s3";
import { late } from "./late.ts";
import { startS3, type HarnessOptions, type S3Harness } from "./s3-harness.ts";
import { TempDirs } from "./temp-dirs.ts";

export interface S3Bucket {
  /** The running server (valid from beforeAll on). */
  h: S3Harness;
  /** An SDK client for the root user. */
  s3: S3Client;
  temp: TempDirs;
}

export interface UseS3BucketOptions extends HarnessOptions {
  /** Runs after the buckets exist (h and s3 are ready): seed objects, extra buckets. */
  setup?: () => Promise<void>;
}

/** `bucket`: created before setup (a name, several, or null for none). */
export function useS3Bucket(bucket: string | string[] | null, opts: UseS3BucketOptions = {}): S3Bucket {
  const { setup, ...harness } = opts;
  const temp = new TempDirs();
  let h: S3Harness | undefined;
  let s3: S3Client | undefined;
  beforeAll(async () => {
    h = await startS3(temp, harness);
    s3 = h.client();
    for (const Bucket of bucket === null ? [] : [bucket].flat()) await s3.send(new CreateBucketCommand({ Bucket }));
    await setup?.();
  });
  afterAll(async () => {
    await h?.close();
    h = s3 = undefined;
    temp.cleanup();
  });
  return { h: late("useS3Bucket's server", () => h), s3: late("useS3Bucket's client", () => s3), temp };
}
