// Bucket lifecycle: ListBuckets, CreateBucket (LocationConstraint, object lock), HeadBucket,
// DeleteBucket and GetBucketLocation.
import { visibleBuckets } from "../authorize.ts";
import { emptyResponse, xmlResponse, type S3Context } from "../context.ts";
import { S3Error } from "../errors.ts";
import { OWNER } from "../request-helpers.ts";
import { readXmlBody } from "../request-body.ts";
import { isValidBucketName, validateBucketName } from "../validate.ts";
import { S3_XMLNS, XML_DECLARATION, escapeXml, xmlText } from "../xml.ts";

/** Pages of ListBuckets: AWS's default (and largest) page when paginating. */
const MAX_BUCKETS = 10_000;

/**
 * ListBuckets, paginated as AWS does once max-buckets, continuation-token, prefix or
 * bucket-region is sent: names in order, the token is the last name listed (base64url).
 */
export async function listBuckets(ctx: S3Context): Promise<Response> {
  const q = ctx.query;
  const max = q.get("max-buckets");
  if (max !== null && (!/^\d{1,5}$/.test(max) || Number(max) < 1 || Number(max) > MAX_BUCKETS)) {
    throw new S3Error("InvalidArgument", `max-buckets must be an integer from 1 to ${MAX_BUCKETS}.`, {
      fields: { ArgumentName: "max-buckets", ArgumentValue: max },
    });
  }
  const token = q.get("continuation-token") || null;
  const after = token === null ? "" : Buffer.from(token, "base64url").toString("utf8");
  if (token !== null && (!isValidBucketName(after, false) || Buffer.from(after).toString("base64url") !== token)) {
    throw new S3Error("InvalidArgument", "The continuation token provided is incorrect.", { fields: { ArgumentName: "continuation-token" } });
  }
  const prefix = q.get("prefix") ?? "";
  const region = serverRegion(ctx);
  // With no region configured the server answers for any region (see createBucket).
  const wanted = q.get("bucket-region");
  const all = (await visibleBuckets(ctx, await ctx.deps.layer.listBuckets()))
    .filter(
      (b) =>
        b.name.startsWith(prefix) && (after === "" || b.name > after) && (wanted === null || wanted === "" || !ctx.deps.regionConfigured || wanted === region),
    )
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const paginated = max !== null || token !== null || q.has("prefix") || q.has("bucket-region");
  const page = paginated ? all.slice(0, max === null ? MAX_BUCKETS : Number(max)) : all;
  const more = page.length < all.length;
  return xmlResponse("ListAllMyBucketsResult", {
    Owner: OWNER,
    Buckets: { Bucket: page.map((b) => ({ Name: b.name, CreationDate: b.created, BucketRegion: paginated ? region : undefined })) },
    ContinuationToken: more ? Buffer.from(page[page.length - 1].name).toString("base64url") : undefined,
    Prefix: q.has("prefix") ? prefix : undefined,
  });
}

/** The region this server is in: the configured one, else us-east-1 (what S3 assumes). */
function serverRegion(ctx: S3Context): string {
  return ctx.deps.regionConfigured && ctx.deps.region ? ctx.deps.region : "us-east-1";
}

/** S3's object ownership settings (x-amz-object-ownership on CreateBucket). */
const OWNERSHIPS = new Set(["BucketOwnerEnforced", "BucketOwnerPreferred", "ObjectWriter"]);

/** A region name as AWS spells them (letters, digits, dashes), not e.g. free text. */
const REGION_NAME = /^[a-zA-Z][a-zA-Z0-9_-]{0,62}$/;

export async function createBucket(ctx: S3Context): Promise<Response> {
  validateBucketName(ctx.bucket);
  const body = await readXmlBody(ctx, { allowEmpty: true });
  const config = body.CreateBucketConfiguration as Record<string, unknown> | undefined;
  const location = config ? (xmlText(config.LocationConstraint) ?? "") : "";
  if (location !== "" && !REGION_NAME.test(location))
    throw new S3Error("InvalidLocationConstraint", `The specified location-constraint "${location}" is not valid.`);
  // With no region configured any constraint is accepted (MinIO's rule: clients and test
  // suites create buckets "in" eu-west-1 and the like); with one, another region is refused
  // as AWS refuses a constraint its endpoint does not serve. No constraint means this region.
  if (location !== "" && ctx.deps.regionConfigured && location !== ctx.deps.region) {
    throw new S3Error(
      "IllegalLocationConstraintException",
      `The ${location} location constraint is incompatible for the region specific endpoint this request was sent to.`,
    );
  }
  const lock = (ctx.req.headers.get("x-amz-bucket-object-lock-enabled") ?? "").toLowerCase();
  if (lock !== "" && lock !== "true" && lock !== "false") throw new S3Error("InvalidArgument", "x-amz-bucket-object-lock-enabled must be true or false.");
  // One account owns every bucket and object here, so each ownership setting already holds;
  // a value S3 does not know is refused before the bucket exists.
  const ownership = ctx.req.headers.get("x-amz-object-ownership");
  if (ownership !== null && !OWNERSHIPS.has(ownership)) {
    throw new S3Error("InvalidArgument", "Invalid x-amz-object-ownership header.", {
      fields: { ArgumentName: "x-amz-object-ownership", ArgumentValue: ownership },
    });
  }
  await ctx.deps.layer.makeBucket(ctx.bucket, { lockEnabled: lock === "true" });
  return emptyResponse(200, { location: `/${ctx.bucket}` });
}

export async function headBucket(ctx: S3Context): Promise<Response> {
  await ctx.deps.layer.getBucketInfo(ctx.bucket);
  return emptyResponse(200, { "x-amz-bucket-region": serverRegion(ctx) });
}

export async function deleteBucket(ctx: S3Context): Promise<Response> {
  const force = (ctx.req.headers.get("x-minio-force-delete") ?? "").toLowerCase() === "true";
  await ctx.deps.layer.deleteBucket(ctx.bucket, { force });
  return emptyResponse(204);
}

export async function getBucketLocation(ctx: S3Context): Promise<Response> {
  await ctx.deps.layer.getBucketInfo(ctx.bucket);
  // The server's region (no bucket records its own); us-east-1, and no configured region, are
  // the empty constraint, as S3 and MinIO answer.
  const region = serverRegion(ctx);
  const text = region === "us-east-1" ? "" : escapeXml(region);
  const body = `${XML_DECLARATION}<LocationConstraint xmlns="${S3_XMLNS}">${text}</LocationConstraint>`;
  return new Response(body, { headers: { "content-type": "application/xml" } });
}
