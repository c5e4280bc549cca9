// Request parsing and response pieces that more than one handler uses: conditional headers,
// the copy source, tag sets, listing key encoding and the owner listings show. Handlers share
// these from here and never import each other.
import type { Preconditions } from "../object/index.ts";
import { parseHttpDate } from "./auth/canonical.ts";
import type { S3Context } from "./context.ts";
import { S3Error } from "./errors.ts";
import { checkBucketName } from "./request-target.ts";
import { decodeObjectKey, validateObjectKey, validateVersionId } from "./validate.ts";
import { asArray, xmlDocument, xmlText } from "./xml.ts";

/** The owner every listing shows (single-tenant: the deployment's root). */
export const OWNER = { ID: "02d6176db174dc93cb1b899f7c6078f08654445fe8cf1b6ce98d8855f66bdbf4", DisplayName: "minio" };

function dateHeader(h: Headers, name: string): Date | undefined {
  const v = h.get(name);
  return v === null ? undefined : parseHttpDate(v);
}

/** Read conditions (If-Match, If-None-Match, If-[Un]Modified-Since), or their x-amz-copy-source- forms. */
export function readPreconditions(h: Headers, prefix = ""): Preconditions {
  return {
    ifMatch: h.get(`${prefix}if-match`) ?? undefined,
    ifNoneMatch: h.get(`${prefix}if-none-match`) ?? undefined,
    ifModifiedSince: dateHeader(h, `${prefix}if-modified-since`),
    ifUnmodifiedSince: dateHeader(h, `${prefix}if-unmodified-since`),
  };
}

/** Write conditions S3 accepts on PUT: If-Match and If-None-Match ("*"). */
export function writePreconditions(h: Headers) {
  const ifNoneMatch = h.get("if-none-match") ?? undefined;
  if (ifNoneMatch !== undefined && ifNoneMatch.trim() !== "*") throw new S3Error("NotImplemented", 'If-None-Match on writes supports only "*".');
  const ifMatch = h.get("if-match") ?? undefined;
  return ifMatch === undefined && ifNoneMatch === undefined ? undefined : { ifMatch, ifNoneMatch };
}

export interface CopySource {
  bucket: string;
  key: string;
  versionId?: string;
}

/** Parses x-amz-copy-source: "[/]bucket/key[?versionId=…]", the key URL-encoded. */
export function parseCopySource(raw: string | null): CopySource {
  if (!raw) throw new S3Error("InvalidArgument", "Copy Source must mention the source bucket and key: sourcebucket/sourcekey");
  const [pathPart, query = ""] = raw.split("?", 2);
  const path = pathPart.replace(/^\/+/, "");
  const slash = path.indexOf("/");
  if (slash <= 0 || slash === path.length - 1)
    throw new S3Error("InvalidArgument", "Copy Source must mention the source bucket and key: sourcebucket/sourcekey");
  const bucket = decodeObjectKey(path.slice(0, slash));
  checkBucketName(bucket, false);
  const key = decodeObjectKey(path.slice(slash + 1));
  validateObjectKey(key);
  const versionId = new URLSearchParams(query).get("versionId") ?? undefined;
  if (versionId !== undefined) validateVersionId(versionId);
  return { bucket, key, versionId };
}

/** Parses <Tagging><TagSet><Tag><Key/><Value/></Tag>…; `max` tags at most, unique keys. */
export function parseTagSet(doc: Record<string, unknown>, max: number): Map<string, string> {
  const tagging = doc.Tagging as Record<string, unknown> | undefined;
  const set = tagging?.TagSet as Record<string, unknown> | undefined;
  if (!tagging || set === undefined) throw new S3Error("MalformedXML");
  const tags = new Map<string, string>();
  for (const t of asArray(set?.Tag as Record<string, unknown> | Record<string, unknown>[] | undefined)) {
    const k = xmlText(t.Key);
    const v = xmlText(t.Value) ?? "";
    if (k === undefined || k.length === 0 || k.length > 128) throw new S3Error("InvalidTag", "The TagKey you have provided is invalid");
    if (v.length > 256) throw new S3Error("InvalidTag", "The TagValue you have provided is invalid");
    if (tags.has(k)) throw new S3Error("InvalidTag", "Cannot provide multiple Tags with the same key");
    tags.set(k, v);
  }
  if (tags.size > max) throw new S3Error("InvalidTag", `Tags cannot be more than ${max}`);
  return tags;
}

export function tagSetXml(tags: Map<string, string>): string {
  return xmlDocument("Tagging", { TagSet: { Tag: [...tags].map(([Key, Value]) => ({ Key, Value })) } });
}

/** AWS's encoding-type=url: RFC 3986 unreserved characters and "/" stay, the rest is %XX of UTF-8. */
export function urlEncodeListed(s: string): string {
  return encodeURIComponent(s)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%2F/g, "/");
}

/** The encoder the request asked for (identity, or encoding-type=url); anything else is InvalidArgument. */
export function listEncoder(ctx: S3Context): (s: string) => string {
  const type = ctx.query.get("encoding-type");
  if (type === null || type === "") return (s) => s;
  if (type.toLowerCase() !== "url")
    throw new S3Error("InvalidArgument", "Invalid Encoding Method specified in Request", { fields: { ArgumentName: "encoding-type", ArgumentValue: type } });
  return urlEncodeListed;
}
