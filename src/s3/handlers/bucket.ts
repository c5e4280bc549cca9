// Bucket lifecycle: ListBuckets, CreateBucket (LocationConstraint, object lock), HeadBucket,
// DeleteBucket and GetBucketLocation.
import { emptyResponse, xmlResponse, type S3Context } from "../context.ts";
import { S3Error } from "../errors.ts";
import { readXmlBody } from "../request-body.ts";
import { validateBucketName } from "../validate.ts";
import { S3_XMLNS, XML_DECLARATION, escapeXml, xmlText } from "../xml.ts";

/** The owner every listing shows (single-tenant: the deployment's root). */
export const OWNER = { ID: "02d6176db174dc93cb1b899f7c6078f08654445fe8cf1b6ce98d8855f66bdbf4", DisplayName: "minio" };

export async function listBuckets(ctx: S3Context): Promise<Response> {
  const buckets = await ctx.deps.layer.listBuckets();
  return xmlResponse("ListAllMyBucketsResult", {
    Owner: OWNER,
    Buckets: { Bucket: buckets.map((b) => ({ Name: b.name, CreationDate: b.created })) },
  });
}

export async function createBucket(ctx: S3Context): Promise<Response> {
  validateBucketName(ctx.bucket);
  const body = await readXmlBody(ctx, { allowEmpty: true });
  const config = body.CreateBucketConfiguration as Record<string, unknown> | undefined;
  const location = config ? xmlText(config.LocationConstraint) ?? "" : "";
  const region = ctx.deps.region;
  if (location !== "" && region !== "" && location !== region && !(location === "us-east-1" && region === "")) {
    throw new S3Error("InvalidLocationConstraint", `The specified location-constraint "${location}" is not valid for this server (region "${region}").`);
  }
  const lock = (ctx.req.headers.get("x-amz-bucket-object-lock-enabled") ?? "").toLowerCase();
  if (lock !== "" && lock !== "true" && lock !== "false") throw new S3Error("InvalidArgument", "x-amz-bucket-object-lock-enabled must be true or false.");
  await ctx.deps.layer.makeBucket(ctx.bucket, { lockEnabled: lock === "true" });
  return emptyResponse(200, { location: `/${ctx.bucket}` });
}

export async function headBucket(ctx: S3Context): Promise<Response> {
  await ctx.deps.layer.getBucketInfo(ctx.bucket);
  return emptyResponse(200, { "x-amz-bucket-region": ctx.deps.region || "us-east-1" });
}

export async function deleteBucket(ctx: S3Context): Promise<Response> {
  const force = (ctx.req.headers.get("x-minio-force-delete") ?? "").toLowerCase() === "true";
  await ctx.deps.layer.deleteBucket(ctx.bucket, { force });
  return emptyResponse(204);
}

export async function getBucketLocation(ctx: S3Context): Promise<Response> {
  await ctx.deps.layer.getBucketInfo(ctx.bucket);
  const region = ctx.deps.region;
  // us-east-1 is reported as an empty constraint, as S3 does.
  const text = region === "us-east-1" || region === "" ? "" : escapeXml(region);
  const body = `${XML_DECLARATION}<LocationConstraint xmlns="${S3_XMLNS}">${text}</LocationConstraint>`;
  return new Response(body, { headers: { "content-type": "application/xml" } });
}
