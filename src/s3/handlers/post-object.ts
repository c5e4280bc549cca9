// POST Object (browser form uploads): the fields before the file are read, the policy and its
// signature checked (or, without a policy, the bucket policy must allow anonymous
// s3:PutObject), the file streamed into the object layer, and the answer given as
// success_action_redirect / success_action_status ask.
import { authorizeObject } from "../authorize.ts";
import { quotaWrite } from "../bucket-quota.ts";
import { emptyResponse, xmlResponse, type S3Context } from "../context.ts";
import { S3Error } from "../errors.ts";
import { headerBytes } from "../auth/canonical.ts";
import { checkHeaderValue, encodeTags, storageClassFrom, userMetaFromHeaders } from "../object-headers.ts";
import { preparePostBody } from "../post-body.ts";
import { readPostForm } from "../post-form.ts";
import { verifyPostPolicy } from "../post-policy.ts";
import { encryptionHeaders } from "../sse/sse-keys.ts";
import { visibleEtag } from "../sse/sse-read.ts";
import { compresses, objectWrite, writeEncryption } from "../sse/sse-write.ts";
import { refuseAcl, checkEncryptionHeaders, checkObjectLockHeaders, lockMetaOf } from "../unsupported-headers.ts";
import { parseXml } from "../xml.ts";
import { validateObjectKey } from "../validate.ts";
import { parseTagSet } from "../request-helpers.ts";
import { showVersionHeader } from "../versioning-state.ts";

/** Form fields stored as the object's headers, as the same request headers of a PUT would be. */
const HEADER_FIELDS = new Set([
  "content-type",
  "cache-control",
  "content-disposition",
  "content-encoding",
  "content-language",
  "expires",
  "x-amz-website-redirect-location",
  "x-amz-storage-class",
  "x-amz-tagging",
]);

/** Form fields that ask for encryption, object lock or an ACL (the acl field is x-amz-acl). */
const ASKING = ["x-amz-server-side-encryption", "x-amz-object-lock-", "x-amz-grant-", "acl"];

/**
 * Form fields stand in for request headers: encryption, object lock or ACLs asked for in the
 * form are refused by the same rules as on PUT, before anything is stored.
 */
async function refuseUnsupported(ctx: S3Context, fields: ReadonlyMap<string, string>, key: string, accessKey: string | undefined): Promise<Headers> {
  const asked = new Headers();
  for (const [name, value] of fields) {
    if (!ASKING.some((prefix) => name.startsWith(prefix))) continue;
    try {
      asked.set(name === "acl" ? "x-amz-acl" : name, value);
    } catch {
      throw new S3Error("InvalidArgument", `The form field "${name}" is not a valid header value.`);
    }
  }
  refuseAcl("PostObject", asked);
  checkEncryptionHeaders("PostObject", asked, ctx.url.protocol === "https:", ctx.deps.customerKeysOverHttp);
  await checkObjectLockHeaders(ctx, "PostObject", asked, key, accessKey);
  return asked;
}

/**
 * Form fields that become stored metadata, as request headers would. A form field is text and
 * may hold what no header can (CR, LF): refused, since GET would echo it. Other text goes in as
 * its UTF-8 bytes, which is how a header would have carried it.
 */
function metaHeaders(fields: ReadonlyMap<string, string>, fileType: string): Headers {
  const h = new Headers();
  const put = (name: string, value: string) => {
    checkHeaderValue(name, value);
    try {
      h.set(name, headerBytes(value));
    } catch {
      throw new S3Error("InvalidArgument", `The form field "${name}" is not a valid header value.`);
    }
  };
  for (const [name, value] of fields) {
    if (HEADER_FIELDS.has(name) || (name.startsWith("x-amz-meta-") && name.length > "x-amz-meta-".length)) put(name, value);
  }
  if (!h.has("content-type") && fileType) put("content-type", fileType);
  return h;
}

/** The tagging field: a Tagging XML document, as PutObjectTagging takes. */
function taggingField(value: string): string {
  const tags = parseTagSet(parseXml(value, { maxBytes: 8192 }), 10);
  return encodeTags(tags);
}

/** A success_action_redirect S3 can interpret (http/https); anything else is ignored, as S3 does. */
function redirectTarget(value: string | undefined): URL | undefined {
  if (!value) return undefined;
  try {
    const u = new URL(value);
    return u.protocol === "http:" || u.protocol === "https:" ? u : undefined;
  } catch {
    return undefined;
  }
}

export async function postObject(ctx: S3Context): Promise<Response> {
  await ctx.deps.layer.getBucketInfo(ctx.bucket);
  if (ctx.req.headers.get("content-length") === null) throw new S3Error("MissingContentLength");
  const form = await readPostForm(ctx.req);
  const { fields } = form;
  let stored;
  try {
    const auth = ctx.deps.auth.config;
    const post = await verifyPostPolicy(
      fields,
      form.file.name,
      { bucket: ctx.bucket },
      { region: auth.region, lookup: auth.lookup, maxSkewMs: auth.maxSkewMs },
    );
    validateObjectKey(post.key);
    await authorizeObject(ctx, "PutObject", ctx.bucket, post.key, false, post.accessKey);
    const asked = await refuseUnsupported(ctx, fields, post.key, post.accessKey);
    // Encrypted as its fields, its bucket's default or auto-encryption say; compressed as the policy says.
    const sse = await writeEncryption(ctx, ctx.bucket, asked);
    const headers = metaHeaders(fields, form.file.type);
    const userMeta = { ...userMetaFromHeaders(headers), ...lockMetaOf(asked) };
    const tagging = fields.get("tagging");
    if (tagging !== undefined) userMeta["X-Amz-Tagging"] = taggingField(tagging);
    const storageClass = storageClassFrom(headers);
    const body = await preparePostBody(form.file.stream, fields, post.contentLengthRange);
    const compress = compresses(ctx, post.key, headers.get("content-type"), body.size, sse !== undefined);
    let objectKey: Uint8Array | undefined;
    // A file longer than the first block has no size up front: it is admitted once read, before it is stored.
    const info = await quotaWrite(ctx, ctx.bucket, post.key, Math.max(0, body.size), async (admit) => {
      const check = (digest: { md5: Uint8Array; size: number }) => {
        admit(digest.size);
        return body.check(digest);
      };
      const w = await objectWrite(ctx, ctx.bucket, post.key, { sse, compress }, body.stream, body.size, check);
      objectKey = w.objectKey;
      return ctx.deps.layer.putObject(ctx.bucket, post.key, w.stream, {
        size: w.size,
        actualSize: w.actualSize,
        userMeta,
        sysMeta: w.sysMeta,
        storageClass,
        check: w.check,
        signal: ctx.req.signal,
      });
    });
    stored = { key: post.key, info: { ...info, etag: visibleEtag(info, objectKey) }, checksum: body.checksum(), sse };
  } catch (err) {
    await form.cancel();
    throw err;
  }
  const { key, info, checksum, sse } = stored;
  const out = new Headers({
    etag: `"${info.etag}"`,
    location: `${ctx.url.protocol}//${ctx.req.headers.get("host") ?? ctx.url.host}/${ctx.bucket}/${encodeURI(key)}`,
  });
  encryptionHeaders(out, info.sse, sse?.kind === "SSE-C" ? sse : undefined);
  if (await showVersionHeader(ctx, info)) out.set("x-amz-version-id", info.versionId);
  if (checksum) out.set(`x-amz-checksum-${checksum.algorithm.toLowerCase()}`, checksum.value);
  const redirect = redirectTarget(fields.get("success_action_redirect") ?? fields.get("redirect"));
  if (redirect) {
    redirect.searchParams.set("bucket", ctx.bucket);
    redirect.searchParams.set("key", key);
    redirect.searchParams.set("etag", `"${info.etag}"`);
    out.set("location", redirect.toString());
    return emptyResponse(303, out);
  }
  // S3 answers 204 to any value but 200 and 201.
  const status = fields.get("success_action_status");
  if (status === "201") {
    return xmlResponse(
      "PostResponse",
      { Location: out.get("location"), Bucket: ctx.bucket, Key: key, ETag: `"${info.etag}"` },
      { status: 201, headers: out, namespace: false },
    );
  }
  return emptyResponse(status === "200" ? 200 : 204, out);
}
