// GetObjectAttributes (GET ?attributes): the object's ETag, additional checksum, parts,
// storage class and size, as many as x-amz-object-attributes names, in S3's document and order.
import type { ObjectInfo } from "../../object/index.ts";
import { decodeMinioChecksums, toBase64, type MinioChecksumEntry } from "../../util/index.ts";
import { xmlResponse, type S3Context } from "../context.ts";
import { S3Error } from "../errors.ts";
import { httpDate } from "../object-headers.ts";
import { parseMaxKeys, validateVersionId } from "../validate.ts";
import type { XmlObject } from "../xml.ts";
import { visibleInfo } from "../sse/sse-read.ts";
import { customerKeyOf } from "../sse/sse-request.ts";
import { refuseKeyOnPlaintext } from "../unsupported-headers.ts";
import { showVersionHeader } from "../versioning-state.ts";

const ATTRIBUTES = ["ETag", "Checksum", "ObjectParts", "StorageClass", "ObjectSize"] as const;
type Attribute = (typeof ATTRIBUTES)[number];

/**
 * The header's names, split as S3 splits them (trailing empty names dropped, so "ETag," is
 * ETag and "," names nothing); names are case-sensitive and trimmed.
 */
export function parseObjectAttributes(header: string | null): Set<Attribute> {
  if (header === null) return new Set();
  const names = header.split(",");
  if (header.includes(",")) while (names.length > 0 && names[names.length - 1] === "") names.pop();
  const out = new Set<Attribute>();
  for (const raw of names) {
    const name = raw.trim();
    if (!(ATTRIBUTES as readonly string[]).includes(name)) {
      throw new S3Error("InvalidArgument", "Invalid attribute name specified.", { fields: { ArgumentValue: name } });
    }
    out.add(name as Attribute);
  }
  return out;
}

function partNumberMarker(value: string | null): number {
  if (value === null || value === "") return 0;
  if (!/^\d{1,5}$/.test(value))
    throw new S3Error("InvalidArgument", "Invalid part-number-marker.", { fields: { ArgumentName: "x-amz-part-number-marker", ArgumentValue: value } });
  return Number(value);
}

/** Multipart objects have a "-N" ETag; only they answer ObjectParts. */
const isMultipart = (info: ObjectInfo) => /-\d+$/.test(info.etag);

/** S3 gives the checksum of a multipart object here without its "-N" suffix. */
function checksumElement(entry: MinioChecksumEntry | undefined): XmlObject | undefined {
  if (!entry) return undefined;
  const composite = entry.multipart !== undefined && !entry.fullObject;
  return { [`Checksum${entry.algorithm}`]: toBase64(entry.raw), ChecksumType: composite ? "COMPOSITE" : "FULL_OBJECT" };
}

function partsElement(info: ObjectInfo, entry: MinioChecksumEntry | undefined, marker: number, maxParts: number): XmlObject {
  // S3 lists the parts themselves only for objects with an additional checksum.
  const listed = entry?.multipart?.parts ? info.parts.map((p, i) => ({ p, sum: entry.multipart!.parts![i] })).filter(({ p }) => p.number > marker) : [];
  const page = listed.slice(0, maxParts);
  const truncated = listed.length > page.length;
  return {
    PartsCount: info.parts.length,
    PartNumberMarker: marker,
    NextPartNumberMarker: page.length > 0 ? page[page.length - 1].p.number : marker,
    MaxParts: maxParts,
    IsTruncated: truncated,
    Part: page.map(({ p, sum }) => ({ PartNumber: p.number, Size: p.size, ...(sum ? { [`Checksum${entry!.algorithm}`]: toBase64(sum) } : {}) })),
  };
}

export async function getObjectAttributes(ctx: S3Context): Promise<Response> {
  const versionId = ctx.query.get("versionId") ?? undefined;
  if (versionId !== undefined) validateVersionId(versionId);
  const wanted = parseObjectAttributes(ctx.req.headers.get("x-amz-object-attributes"));
  const maxParts = parseMaxKeys(ctx.req.headers.get("x-amz-max-parts"), "max-parts");
  const marker = partNumberMarker(ctx.req.headers.get("x-amz-part-number-marker"));
  // S3 names a missing bucket before a missing attribute list, and that before a missing key.
  await ctx.deps.layer.getBucketInfo(ctx.bucket);
  if (wanted.size === 0)
    throw new S3Error("InvalidRequest", "The x-amz-object-attributes header specifying the attributes to be retrieved is either missing or empty");
  // An encrypted version answers with what a GET shows of it (SSE-C: given its key).
  const customer = customerKeyOf(ctx.req.headers);
  let transformed = false;
  const info = await ctx.deps.layer.getObjectInfo(ctx.bucket, ctx.key, {
    versionId,
    stored: async (i) => {
      transformed = true;
      return { info: (await visibleInfo(ctx.deps.kms, i, customer)).info, range: null };
    },
  });
  // An encrypted or compressed version checked the key against itself (visibleInfo); a plaintext one takes none.
  if (!transformed) refuseKeyOnPlaintext(ctx.req.headers);
  const entry = info.checksumBlob ? decodeMinioChecksums(info.checksumBlob)[0] : undefined;
  const headers = new Headers({ "last-modified": httpDate(info.modTime) });
  if (await showVersionHeader(ctx, info)) headers.set("x-amz-version-id", info.versionId);
  return xmlResponse(
    "GetObjectAttributesResponse",
    {
      ETag: wanted.has("ETag") ? info.etag : undefined,
      Checksum: wanted.has("Checksum") ? checksumElement(entry) : undefined,
      ObjectParts: wanted.has("ObjectParts") && isMultipart(info) ? partsElement(info, entry, marker, maxParts) : undefined,
      StorageClass: wanted.has("StorageClass") ? info.storageClass : undefined,
      ObjectSize: wanted.has("ObjectSize") ? info.size : undefined,
    },
    { headers },
  );
}
