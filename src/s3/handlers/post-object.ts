// POST Object (browser form uploads): the form is read, the policy and its signature checked
// (or, without a policy, the bucket policy must allow anonymous s3:PutObject), the file stored,
// and the answer given as success_action_redirect / success_action_status ask.
import { authorizeObject } from "../authorize.ts";
import { emptyResponse, xmlResponse, type S3Context } from "../context.ts";
import { S3Error } from "../errors.ts";
import { headerBytes } from "../auth/canonical.ts";
import { checkHeaderValue, userMetaFromHeaders } from "../object-headers.ts";
import { readPostForm, verifyPostPolicy } from "../post-policy.ts";
import { validateObjectKey } from "../validate.ts";
import { showVersionHeader } from "./versioning-state.ts";

/** The whole form is buffered by Request.formData(): keep POST uploads bounded. */
const MAX_POST_BYTES = 5 * 1024 ** 3;

/**
 * Form fields that become stored metadata, as request headers would. A form field is text and
 * may hold what no header can (CR, LF): refused, since GET would echo it. Other text goes in as
 * its UTF-8 bytes, which is how a header would have carried it.
 */
function metaHeaders(fields: ReadonlyMap<string, string>, fileType: string): Headers {
  const h = new Headers();
  const put = (k: string, v: string) => (checkHeaderValue(k, v), h.set(k, headerBytes(v)));
  for (const [k, v] of fields) {
    if (k.startsWith("x-amz-meta-") || ["content-type", "cache-control", "content-disposition", "content-encoding", "expires", "x-amz-tagging", "x-amz-storage-class"].includes(k)) put(k, v);
  }
  if (!h.has("content-type") && fileType) put("content-type", fileType);
  return h;
}

export async function postObject(ctx: S3Context): Promise<Response> {
  await ctx.deps.layer.getBucketInfo(ctx.bucket);
  const form = await readPostForm(ctx.req, MAX_POST_BYTES);
  const auth = ctx.deps.auth.config;
  const post = await verifyPostPolicy(form, { bucket: ctx.bucket }, { region: auth.region, lookup: auth.lookup, maxSkewMs: auth.maxSkewMs });
  validateObjectKey(post.key);
  if (post.accessKey === undefined) await authorizeObject(ctx, "PutObject", ctx.bucket, post.key, false);
  else if (post.accessKey !== ctx.deps.rootAccessKey) throw new S3Error("AccessDenied");
  const headers = metaHeaders(form.fields, form.file.type);
  const info = await ctx.deps.layer.putObject(ctx.bucket, post.key, form.file.stream(), { size: form.file.size, userMeta: userMetaFromHeaders(headers) });
  const out = new Headers({ etag: `"${info.etag}"`, location: `${ctx.url.protocol}//${ctx.req.headers.get("host") ?? ctx.url.host}/${ctx.bucket}/${encodeURI(post.key)}` });
  if (await showVersionHeader(ctx, info)) out.set("x-amz-version-id", info.versionId);
  const redirect = form.fields.get("success_action_redirect") ?? form.fields.get("redirect");
  if (redirect) {
    let target: URL;
    try {
      target = new URL(redirect);
    } catch {
      throw new S3Error("InvalidArgument", "success_action_redirect is not a valid URL.");
    }
    target.searchParams.set("bucket", ctx.bucket);
    target.searchParams.set("key", post.key);
    target.searchParams.set("etag", `"${info.etag}"`);
    out.set("location", target.toString());
    return emptyResponse(303, out);
  }
  const status = form.fields.get("success_action_status");
  if (status === "201") {
    return xmlResponse("PostResponse", { Location: out.get("location"), Bucket: ctx.bucket, Key: post.key, ETag: `"${info.etag}"` }, { status: 201, headers: out, namespace: false });
  }
  return emptyResponse(status === "200" ? 200 : 204, out);
}
