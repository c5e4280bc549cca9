// ListObjects (v1), ListObjectsV2 and ListObjectVersions: parameters, continuation tokens,
// encoding-type=url, and the result documents in S3's element order.
import type { ObjectInfo } from "../../object/index.ts";
import { rawXmlResponse, xmlResponse, type S3Context } from "../context.ts";
import { S3Error } from "../errors.ts";
import { parseMaxKeys, prefixCanMatch, validateVersionId } from "../validate.ts";
import { xmlElement } from "../xml.ts";
import { OWNER, listEncoder } from "../request-helpers.ts";
import { listedEtag } from "../sse/sse-read.ts";

/**
 * Prefix, delimiter and max-keys. Markers and prefixes are only compared with keys, so any
 * string is fine; a prefix no valid key can start with lists nothing (`maxKeys` 0 for the layer).
 */
function listParams(ctx: S3Context) {
  const q = ctx.query;
  const prefix = q.get("prefix") ?? "";
  const delimiter = q.get("delimiter") ?? "";
  const maxKeys = parseMaxKeys(q.get("max-keys"));
  return { prefix, delimiter, maxKeys, layerMaxKeys: prefixCanMatch(prefix) ? maxKeys : 0 };
}

/** Listed versions with the ETags clients see of encrypted ones (SSE-S3 unsealed through the KMS). */
async function visibleEtags(ctx: S3Context, objects: ObjectInfo[]): Promise<ObjectInfo[]> {
  if (!objects.some((o) => o.sse)) return objects;
  return Promise.all(objects.map(async (o) => (o.sse && !o.deleteMarker ? { ...o, etag: await listedEtag(ctx.deps.kms, o) } : o)));
}

function contents(o: ObjectInfo, enc: (s: string) => string, owner: boolean) {
  return { Key: enc(o.key), LastModified: o.modTime, ETag: `"${o.etag}"`, Size: o.size, Owner: owner ? OWNER : undefined, StorageClass: o.storageClass };
}

export async function listObjectsV1(ctx: S3Context): Promise<Response> {
  const { prefix, delimiter, maxKeys, layerMaxKeys } = listParams(ctx);
  const enc = listEncoder(ctx);
  const marker = ctx.query.get("marker") ?? "";
  const page = await ctx.deps.layer.listObjects(ctx.bucket, { prefix, delimiter, after: marker || undefined, maxKeys: layerMaxKeys });
  return xmlResponse("ListBucketResult", {
    Name: ctx.bucket,
    Prefix: enc(prefix),
    Marker: enc(marker),
    NextMarker: page.isTruncated && page.nextMarker ? enc(page.nextMarker) : undefined,
    MaxKeys: maxKeys,
    Delimiter: delimiter ? enc(delimiter) : undefined,
    IsTruncated: page.isTruncated,
    Contents: (await visibleEtags(ctx, page.objects)).map((o) => contents(o, enc, true)),
    CommonPrefixes: page.prefixes.map((p) => ({ Prefix: enc(p) })),
    EncodingType: ctx.query.get("encoding-type") ? "url" : undefined,
  });
}

/** Continuation tokens are opaque to clients: the resume key, base64url-encoded. */
function decodeToken(token: string): string {
  const key = Buffer.from(token, "base64url").toString("utf8");
  if (Buffer.from(key, "utf8").toString("base64url") !== token.replace(/=+$/, "")) {
    throw new S3Error("InvalidArgument", "The continuation token provided is incorrect", { fields: { ArgumentName: "continuation-token" } });
  }
  return key;
}

export async function listObjectsV2(ctx: S3Context): Promise<Response> {
  const { prefix, delimiter, maxKeys, layerMaxKeys } = listParams(ctx);
  const enc = listEncoder(ctx);
  // An empty token is no token: the first page (SDK paginators send it so).
  const token = ctx.query.get("continuation-token") || null;
  const startAfter = ctx.query.get("start-after") ?? "";
  const after = token !== null ? decodeToken(token) : startAfter;
  const owner = (ctx.query.get("fetch-owner") ?? "").toLowerCase() === "true";
  const page = await ctx.deps.layer.listObjects(ctx.bucket, { prefix, delimiter, after: after || undefined, maxKeys: layerMaxKeys });
  return xmlResponse("ListBucketResult", {
    Name: ctx.bucket,
    Prefix: enc(prefix),
    StartAfter: startAfter ? enc(startAfter) : undefined,
    ContinuationToken: token ?? undefined,
    NextContinuationToken: page.isTruncated && page.nextMarker ? Buffer.from(page.nextMarker).toString("base64url") : undefined,
    KeyCount: page.objects.length + page.prefixes.length,
    MaxKeys: maxKeys,
    Delimiter: delimiter ? enc(delimiter) : undefined,
    IsTruncated: page.isTruncated,
    Contents: (await visibleEtags(ctx, page.objects)).map((o) => contents(o, enc, owner)),
    CommonPrefixes: page.prefixes.map((p) => ({ Prefix: enc(p) })),
    EncodingType: ctx.query.get("encoding-type") ? "url" : undefined,
  });
}

export async function listObjectVersions(ctx: S3Context): Promise<Response> {
  const { prefix, delimiter, maxKeys, layerMaxKeys } = listParams(ctx);
  const enc = listEncoder(ctx);
  const keyMarker = ctx.query.get("key-marker") ?? "";
  const versionIdMarker = ctx.query.get("version-id-marker") ?? "";
  if (versionIdMarker) {
    if (!keyMarker) throw new S3Error("InvalidArgument", "A version-id marker cannot be specified without a key marker.");
    validateVersionId(versionIdMarker);
  }
  const page = await ctx.deps.layer.listObjectVersions(ctx.bucket, {
    prefix,
    delimiter,
    keyMarker: keyMarker || undefined,
    versionIdMarker: versionIdMarker || undefined,
    maxKeys: layerMaxKeys,
  });
  const head = [
    xmlElement("Name", ctx.bucket),
    xmlElement("Prefix", enc(prefix)),
    xmlElement("KeyMarker", enc(keyMarker)),
    xmlElement("VersionIdMarker", versionIdMarker),
    page.isTruncated ? xmlElement("NextKeyMarker", page.nextKeyMarker ? enc(page.nextKeyMarker) : undefined) : "",
    page.isTruncated ? xmlElement("NextVersionIdMarker", page.nextVersionIdMarker) : "",
    xmlElement("MaxKeys", maxKeys),
    delimiter ? xmlElement("Delimiter", enc(delimiter)) : "",
    xmlElement("IsTruncated", page.isTruncated),
  ].join("");
  // Versions and delete markers stay interleaved in key/age order, as S3 returns them.
  const entries = (await visibleEtags(ctx, page.versions))
    .map((v) =>
      v.deleteMarker
        ? xmlElement("DeleteMarker", { Key: enc(v.key), VersionId: v.versionId, IsLatest: v.isLatest, LastModified: v.modTime, Owner: OWNER })
        : xmlElement("Version", {
            Key: enc(v.key),
            VersionId: v.versionId,
            IsLatest: v.isLatest,
            LastModified: v.modTime,
            ETag: `"${v.etag}"`,
            Size: v.size,
            Owner: OWNER,
            StorageClass: v.storageClass,
          }),
    )
    .join("");
  const prefixes = page.prefixes.map((p) => xmlElement("CommonPrefixes", { Prefix: enc(p) })).join("");
  const encoding = ctx.query.get("encoding-type") ? xmlElement("EncodingType", "url") : "";
  return rawXmlResponse("ListVersionsResult", head + entries + prefixes + encoding);
}
