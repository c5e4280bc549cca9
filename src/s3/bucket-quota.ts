// Hard bucket quotas on every S3 write that adds data (PutObject, CopyObject, PostObject,
// UploadPart(Copy) and, beyond MinIO, CompleteMultipartUpload): a write that would take the
// bucket's bytes past its quota is refused with MinIO's XMinioAdminBucketQuotaExceeded before
// anything is stored. The bytes are the server's usage count (BucketUsageLedger) plus the
// writes and deletes this server acknowledged since, plus writes in flight (so concurrent writes
// cannot both slip under). In a cluster each server enforces with its own view: its own writes
// at once, other servers' from its next count of the bucket.
import { hardQuotaLimit, type DeleteObjectResult, type ObjectInfo } from "../object/index.ts";
import type { BucketUsageLedger, S3Context } from "./context.ts";
import { S3Error } from "./errors.ts";

/** How long a write waits for the first count of its bucket before it is refused as retryable. */
const COUNT_WAIT_MS = 10_000;

async function loaded(usage: BucketUsageLedger, bucket: string): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<"late">((resolve) => {
    timer = setTimeout(() => resolve("late"), COUNT_WAIT_MS);
  });
  try {
    const outcome = await Promise.race([usage.load(bucket).then(() => "done" as const), late]);
    if (outcome === "late")
      throw new S3Error("ServiceUnavailable", `The usage of bucket "${bucket}" is still being counted to check its quota; retry shortly.`);
  } catch (err) {
    if (err instanceof S3Error) throw err;
    throw new S3Error("ServiceUnavailable", `The usage of bucket "${bucket}" cannot be counted to check its quota; retry shortly.`, { cause: err });
  } finally {
    clearTimeout(timer);
  }
}

/** One write's admission under its bucket's quota. */
export class QuotaGuard {
  #reservation: ReturnType<BucketUsageLedger["reserve"]> | undefined;
  #reserved = 0;

  private constructor(
    readonly bucket: string,
    readonly limit: number,
    readonly usage: BucketUsageLedger,
  ) {}

  /** The guard of a bucket with a hard quota (its usage counted), or null when it has none. */
  static async open(ctx: S3Context, bucket: string): Promise<QuotaGuard | null> {
    const limit = hardQuotaLimit(await ctx.deps.layer.getBucketConfig(bucket, "quota"));
    if (limit === null) return null;
    const usage = ctx.deps.usage;
    if (!usage) throw new S3Error("NotImplemented", `Bucket "${bucket}" has a quota, which this server keeps no usage count to enforce; writes are refused.`);
    await loaded(usage, bucket);
    return new QuotaGuard(bucket, limit, usage);
  }

  /** Admits a write of `size` bytes, held until settled or released; again: the size is replaced (e.g. once known). */
  admit(size: number): void {
    const others = this.usage.bytes(this.bucket) - this.#reserved;
    if (others + Math.max(0, size) > this.limit) {
      throw new S3Error("XMinioAdminBucketQuotaExceeded", undefined, { fields: { BucketName: this.bucket } });
    }
    this.#reservation?.cancel();
    this.#reservation = this.usage.reserve(this.bucket, size);
    this.#reserved = Math.max(0, size);
  }

  /** The write was acknowledged: `added` bytes are now the bucket's, `replaced` bytes are not (nothing if never admitted). */
  settle(added: number, replaced: number): void {
    this.#reservation?.settle(added - replaced);
    this.#reservation = undefined;
    this.#reserved = 0;
  }

  /** The write failed, or stores nothing the bucket's usage counts (a part): the held bytes go. */
  release(): void {
    this.#reservation?.cancel();
    this.#reservation = undefined;
    this.#reserved = 0;
  }
}

/** Bytes of one version (0 when there is none, it is a delete marker, or it cannot be read now). */
async function versionBytes(ctx: S3Context, bucket: string, key: string, versionId: string): Promise<number> {
  try {
    return (await ctx.deps.layer.getObjectInfo(bucket, key, { versionId })).size;
  } catch {
    return 0;
  }
}

/** Bytes a new version of `key` replaces: the null version's, unless the bucket keeps every version. */
async function replacedBytes(ctx: S3Context, bucket: string, key: string): Promise<number> {
  if ((await ctx.deps.layer.bucketVersioning(bucket)) === "Enabled") return 0;
  return versionBytes(ctx, bucket, key, "null");
}

/**
 * Runs a write of `key` under the bucket's quota. `size` is admitted first when known; `write`
 * gets `admit` for a size learnt later (a copy's source, a completion's parts, a streamed form
 * file), which it must call before anything is committed.
 */
export async function quotaWrite(
  ctx: S3Context,
  bucket: string,
  key: string,
  size: number | null,
  write: (admit: (size: number) => void) => Promise<ObjectInfo>,
): Promise<ObjectInfo> {
  const guard = await QuotaGuard.open(ctx, bucket);
  if (!guard) return write(() => {});
  if (size !== null) guard.admit(size);
  try {
    const replaced = await replacedBytes(ctx, bucket, key);
    const info = await write((n) => guard.admit(n));
    guard.settle(info.size, replaced);
    return info;
  } catch (err) {
    guard.release();
    throw err;
  }
}

/** Deletes under quota bookkeeping: what a delete frees leaves the bucket's count at once. */
export class QuotaDeletes {
  private constructor(
    readonly bucket: string,
    readonly usage: BucketUsageLedger | null,
    readonly versioned: boolean,
  ) {}

  /** For a bucket without a quota nothing is looked up or recorded. */
  static async open(ctx: S3Context, bucket: string): Promise<QuotaDeletes> {
    const limit = hardQuotaLimit(await ctx.deps.layer.getBucketConfig(bucket, "quota"));
    const usage = limit === null ? null : (ctx.deps.usage ?? null);
    const versioned = usage ? (await ctx.deps.layer.bucketVersioning(bucket)) === "Enabled" : false;
    return new QuotaDeletes(bucket, usage, versioned);
  }

  /** Runs one delete of `key` (a version, or the latest) and records the bytes it freed. */
  async run(ctx: S3Context, key: string, versionId: string | undefined, del: () => Promise<DeleteObjectResult>): Promise<DeleteObjectResult> {
    if (!this.usage) return del();
    // Without a version id a versioned bucket only gains a delete marker: nothing is freed.
    const target = versionId ?? (this.versioned ? undefined : "null");
    const freed = target === undefined ? 0 : await versionBytes(ctx, this.bucket, key, target);
    const res = await del();
    this.usage.adjust(this.bucket, -freed);
    return res;
  }
}
