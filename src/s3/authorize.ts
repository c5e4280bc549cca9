// Authorization of S3 requests with AWS's rules: the identity's policies (IAM users, groups,
// service accounts, temporary credentials; the root may do everything) together with the bucket
// policy — an explicit Deny in either denies, an Allow in either allows, anything else is
// AccessDenied. Copy sources, DeleteObjects keys and POST-form uploads are checked per object.
import { actionsFor, evaluate, parsePolicy, resourceArn, type BucketPolicy, type Identity, type PolicyDecision, type S3Operation } from "../iam/index.ts";
import { isObjectError } from "../object/index.ts";
import { authConditions } from "./auth/authenticate.ts";
import type { Operation, S3Context } from "./context.ts";
import { S3Error } from "./errors.ts";

/** Who signed the request: null for anonymous requests. */
function identityOf(ctx: S3Context, accessKey?: string): Identity | null {
  const ak = accessKey ?? (ctx.auth.kind === "signed" ? ctx.auth.accessKey : undefined);
  if (ak === undefined) return null;
  return ctx.deps.identities.identity(ak) ?? { kind: "user", accessKey: ak };
}

/** Condition keys a policy may test about this request. */
function conditionValues(ctx: S3Context, identity: Identity | null): Record<string, string[]> {
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
  // A service account or session acts as its parent user: ${aws:username} names the parent.
  const user = identity && (identity.kind === "service-account" || identity.kind === "sts") ? identity.parent : identity?.accessKey;
  set("aws:username", user);
  set("aws:userid", user);
  for (const [claim, value] of Object.entries(identity?.claims ?? {})) {
    if (typeof value === "string") set(`jwt:${claim}`, value);
    else if (Array.isArray(value)) values[`jwt:${claim}`] = value.map(String);
  }
  // An LDAP session: ${ldap:username} (the login name), ${ldap:user} (its DN), ldap:groups (its group DNs).
  const ldapUser = identity?.kind === "sts" ? identity.claims?.ldapUser : undefined;
  if (typeof ldapUser === "string") {
    set("ldap:user", ldapUser);
    set("ldap:username", typeof identity?.claims?.ldapUsername === "string" ? identity.claims.ldapUsername : undefined);
    values["ldap:groups"] = [...(identity?.groups ?? [])];
  }
  for (const q of ["prefix", "delimiter", "max-keys", "versionId"]) set(`s3:${q === "versionId" ? "versionid" : q}`, ctx.query.get(q));
  for (const hdr of [
    "x-amz-acl",
    "x-amz-copy-source",
    "x-amz-metadata-directive",
    "x-amz-storage-class",
    "x-amz-server-side-encryption",
    "x-amz-server-side-encryption-aws-kms-key-id",
    "x-amz-object-lock-mode",
    "x-amz-object-lock-retain-until-date",
    "x-amz-object-lock-legal-hold",
    "x-amz-grant-full-control",
    "x-amz-grant-read",
    "x-amz-grant-write",
  ])
    set(`s3:${hdr}`, h.get(hdr));
  return values;
}

async function bucketPolicy(ctx: S3Context, bucket: string): Promise<BucketPolicy | null> {
  // A missing bucket has no policy: the caller learns nothing about which buckets exist.
  const stored = await ctx.deps.layer.getBucketConfig(bucket, "policy").catch((err: unknown) => {
    if (isObjectError(err, "NoSuchBucket")) return null;
    throw err;
  });
  if (!stored) return null;
  let parsed = ctx.policies.get(stored);
  if (!parsed) ctx.policies.set(stored, (parsed = parsePolicy(stored)));
  return parsed;
}

function combine(a: PolicyDecision, b: PolicyDecision): PolicyDecision {
  if (a === "deny" || b === "deny") return "deny";
  return a === "allow" || b === "allow" ? "allow" : "default";
}

/** Checks `opName` on `bucket[/key]` against the identity's and the bucket's policies; throws AccessDenied. */
async function check(ctx: S3Context, identity: Identity | null, opName: string, bucket: string, key: string | undefined, versionId: boolean): Promise<void> {
  if (identity?.kind === "root") return;
  const policy = await bucketPolicy(ctx, bucket);
  const needed = actionsFor(opName as S3Operation, { versionId });
  const resource = resourceArn(bucket, key);
  const conditions = conditionValues(ctx, identity);
  const decisions = needed.actions.map((action) => {
    const own = identity ? ctx.deps.identities.decide(identity, { action, resource, conditions }) : "default";
    const principal = identity ? identity.accessKey : "*";
    return combine(own, policy ? evaluate(policy, { principal, action, resource, conditions }) : "default");
  });
  if (decisions.includes("deny")) throw new S3Error("AccessDenied");
  const ok = needed.mode === "all" ? decisions.every((d) => d === "allow") : decisions.includes("allow");
  if (!ok) throw new S3Error("AccessDenied");
}

export async function authorize(ctx: S3Context, op: Operation): Promise<void> {
  const identity = identityOf(ctx);
  if (identity?.kind === "root") return;
  // ListBuckets: a signed identity sees the buckets its policies let it see (visibleBuckets).
  if (!ctx.bucket) {
    if (identity && op.name === "ListBuckets") return;
    throw new S3Error("AccessDenied");
  }
  // Per-key checks happen in the handler for these; a POST form authenticates with its own
  // signed policy, known only once the form is read.
  if (op.name === "DeleteObjects" || op.name === "PostObject") return;
  await check(ctx, identity, op.name, ctx.bucket, ctx.key || undefined, ctx.query.has("versionId"));
}

/** For handlers that touch other objects: a copy source, each key of a DeleteObjects, a POST form's key (signed by `accessKey`). */
export async function authorizeObject(ctx: S3Context, opName: string, bucket: string, key: string, versionId: boolean, accessKey?: string): Promise<void> {
  await check(ctx, accessKey === undefined ? identityOf(ctx) : identityOf(ctx, accessKey), opName, bucket, key, versionId);
}

/**
 * Whether the caller may do `action` (an s3: action no operation maps to, such as
 * s3:BypassGovernanceRetention) on bucket/key: the identity's and the bucket's policies
 * together, as every check combines them; the root may. `accessKey`: a POST form's signer.
 */
export async function allowsAction(ctx: S3Context, action: string, bucket: string, key: string, accessKey?: string): Promise<boolean> {
  const identity = accessKey === undefined ? identityOf(ctx) : identityOf(ctx, accessKey);
  if (identity?.kind === "root") return true;
  const policy = await bucketPolicy(ctx, bucket);
  const resource = resourceArn(bucket, key);
  const conditions = conditionValues(ctx, identity);
  const own = identity ? ctx.deps.identities.decide(identity, { action, resource, conditions }) : "default";
  return combine(own, policy ? evaluate(policy, { principal: identity ? identity.accessKey : "*", action, resource, conditions }) : "default") === "allow";
}

/**
 * The buckets ListBuckets shows: all of them with s3:ListAllMyBuckets, otherwise those the
 * identity may list (s3:ListBucket from its policies or the bucket's), as MinIO answers.
 */
export async function visibleBuckets<T extends { name: string }>(ctx: S3Context, buckets: T[]): Promise<T[]> {
  const identity = identityOf(ctx);
  if (!identity || identity.kind === "root") return buckets;
  const conditions = conditionValues(ctx, identity);
  const all = ctx.deps.identities.decide(identity, { action: "s3:ListAllMyBuckets", resource: "arn:aws:s3:::*", conditions });
  if (all === "allow") return buckets;
  const out: T[] = [];
  for (const b of buckets) {
    const ok = await check(ctx, identity, "ListObjects", b.name, undefined, false).then(
      () => true,
      () => false,
    );
    if (ok) out.push(b);
  }
  return out;
}
