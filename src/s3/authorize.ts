// Authorization: the root credentials may do everything; everyone else (today: anonymous
// requests) needs an Allow from the bucket policy for every action the operation implies, and
// no explicit Deny. Copy sources and DeleteObjects keys are checked per object.
import { isObjectError } from "../object/index.ts";
import { authConditions } from "./auth/authenticate.ts";
import type { Operation, S3Context } from "./context.ts";
import { S3Error } from "./errors.ts";
import { actionsFor, resourceArn, type S3Operation } from "./policy/actions.ts";
import { evaluateCheck } from "./policy/evaluate.ts";
import { parsePolicy } from "./policy/policy.ts";

function isRoot(ctx: S3Context): boolean {
  return ctx.auth.kind === "signed" && ctx.auth.accessKey === ctx.deps.rootAccessKey;
}

/** Condition keys a bucket policy may test about this request. */
function conditionValues(ctx: S3Context): Record<string, string[]> {
  const h = ctx.req.headers;
  const values: Record<string, string[]> = { ...authConditions(ctx.auth, h) };
  const set = (k: string, v: string | null | undefined) => {
    if (v !== null && v !== undefined) values[k] = [v];
  };
  set("aws:SourceIp", ctx.remoteAddress);
  set("aws:SecureTransport", ctx.url.protocol === "https:" ? "true" : "false");
  set("aws:Referer", h.get("referer"));
  set("aws:UserAgent", h.get("user-agent"));
  set("aws:CurrentTime", new Date().toISOString());
  set("aws:EpochTime", String(Math.floor(Date.now() / 1000)));
  set("aws:username", ctx.auth.kind === "signed" ? ctx.auth.accessKey : undefined);
  for (const q of ["prefix", "delimiter", "max-keys", "versionId"]) set(`s3:${q === "versionId" ? "versionid" : q}`, ctx.query.get(q));
  for (const hdr of ["x-amz-acl", "x-amz-copy-source", "x-amz-metadata-directive", "x-amz-storage-class", "x-amz-server-side-encryption"])
    set(`s3:${hdr}`, h.get(hdr));
  return values;
}

/** Checks `opName` on `bucket[/key]` against the bucket policy; throws AccessDenied. */
async function checkPolicy(ctx: S3Context, opName: string, bucket: string, key: string | undefined, versionId: boolean): Promise<void> {
  // A missing bucket has no policy: the caller learns nothing about which buckets exist.
  const stored = await ctx.deps.layer.getBucketConfig(bucket, "policy").catch((err: unknown) => {
    if (isObjectError(err, "NoSuchBucket")) return null;
    throw err;
  });
  if (!stored) throw new S3Error("AccessDenied");
  const policy = parsePolicy(stored);
  const principal = ctx.auth.kind === "signed" ? ctx.auth.accessKey : "*";
  const decision = evaluateCheck(policy, actionsFor(opName as S3Operation, { versionId }), {
    principal,
    resource: resourceArn(bucket, key),
    conditions: conditionValues(ctx),
  });
  if (decision !== "allow") throw new S3Error("AccessDenied");
}

export async function authorize(ctx: S3Context, op: Operation): Promise<void> {
  if (isRoot(ctx)) return;
  // Without a bucket there is no policy to consult (ListBuckets): only the owner may.
  if (!ctx.bucket) throw new S3Error("AccessDenied");
  // Per-key checks happen in the handler for these; a POST form authenticates with its own
  // signed policy, known only once the form is read.
  if (op.name === "DeleteObjects" || op.name === "PostObject") return;
  await checkPolicy(ctx, op.name, ctx.bucket, ctx.key || undefined, ctx.query.has("versionId"));
}

/** For handlers that touch other objects: a copy source, or each key of a DeleteObjects. */
export async function authorizeObject(ctx: S3Context, opName: string, bucket: string, key: string, versionId: boolean): Promise<void> {
  if (isRoot(ctx)) return;
  await checkPolicy(ctx, opName, bucket, key, versionId);
}
