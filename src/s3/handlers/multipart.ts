// Multipart uploads: Create, UploadPart, UploadPartCopy (with ranges), Complete, Abort,
// ListParts and ListMultipartUploads.
import { SYS_COMPRESSION, SYS_CRC, checkPreconditions, type CompletePart, type UploadMeta } from "../../object/index.ts";
import { authorizeObject } from "../authorize.ts";
import { QuotaGuard, quotaWrite } from "../bucket-quota.ts";
import { emptyResponse, xmlResponse, type S3Context } from "../context.ts";
import { S3Error } from "../errors.ts";
import { storageClassFrom, userMetaFromHeaders } from "../object-headers.ts";
import {
  checkPartChecksum,
  completeChecksum,
  copiedPartChecksum,
  listedPartChecksums,
  storedChecksum,
  uploadChecksum,
  uploadChecksumMeta,
  type FinalChecksum,
} from "../multipart-checksum.ts";
import { MAX_PART_SIZE, prepareBody, readXmlBody } from "../request-body.ts";
import { parseMaxKeys, parsePartNumber, validateUploadId } from "../validate.ts";
import { asArray, xmlText } from "../xml.ts";
import { OWNER, listEncoder, parseCopySource, readPreconditions, writePreconditions } from "../request-helpers.ts";
import { showVersionHeader } from "../versioning-state.ts";
import { lockMetaOf } from "../unsupported-headers.ts";
import { encryptionHeaders, newObjectKey, storedObjectKey } from "../sse/sse-keys.ts";
import { COPY_SSE_C, customerKeyOf, hasManagedHeaders, managedKeyOf } from "../sse/sse-request.ts";
import { sseDomainOf } from "../../crypto/index.ts";
import { sseReader } from "../sse/sse-read.ts";
import { compresses, encryptChecksumBlob, partBody, storedSizeOf, writeEncryption } from "../sse/sse-write.ts";
import { S2_COMPRESSION_ALGORITHM } from "../../compress/index.ts";

function uploadIdOf(ctx: S3Context): string {
  const id = ctx.query.get("uploadId") ?? "";
  validateUploadId(id);
  return id;
}

export async function createMultipartUpload(ctx: S3Context): Promise<Response> {
  const checksumMeta = uploadChecksumMeta(ctx.req.headers);
  // The upload's object key is made (and sealed) now; each part is encrypted under its part key.
  const sse = await writeEncryption(ctx, ctx.bucket, ctx.req.headers);
  const sealed = sse ? await newObjectKey(ctx.deps.kms, ctx.bucket, ctx.key, sse, { multipart: true }) : undefined;
  // Compression is decided for the whole upload, as MinIO does; each part is its own S2 stream.
  const compress = compresses(ctx, ctx.key, ctx.req.headers.get("content-type"), -1, sse !== undefined);
  const uploadId = await ctx.deps.layer.newMultipartUpload(ctx.bucket, ctx.key, {
    userMeta: { ...userMetaFromHeaders(ctx.req.headers), ...checksumMeta, ...lockMetaOf(ctx.req.headers) },
    sysMeta: { ...sealed?.sysMeta, ...(compress ? { [SYS_COMPRESSION]: new TextEncoder().encode(S2_COMPRESSION_ALGORITHM) } : {}) },
    storageClass: storageClassFrom(ctx.req.headers),
  });
  const want = uploadChecksum(checksumMeta);
  const headers = new Headers(want ? { "x-amz-checksum-algorithm": want.algorithm, "x-amz-checksum-type": want.type } : undefined);
  if (sealed) encryptionHeaders(headers, sealed.sse, sse?.kind === "SSE-C" ? sse : undefined);
  return xmlResponse("InitiateMultipartUploadResult", { Bucket: ctx.bucket, Key: ctx.key, UploadId: uploadId }, { headers });
}

/**
 * The object key of an encrypted upload for one of its requests (SSE-C: the key sent with it
 * must be the upload's); undefined for a plaintext upload, which takes no encryption headers.
 */
async function uploadObjectKey(ctx: S3Context, upload: UploadMeta): Promise<Uint8Array | undefined> {
  const sse = upload.sse;
  const customer = customerKeyOf(ctx.req.headers);
  if (!sse) {
    if (customer || hasManagedHeaders(ctx.req.headers))
      throw new S3Error("InvalidRequest", "The encryption parameters are not applicable to this upload: it is not encrypted.");
    return undefined;
  }
  // The upload's encryption was chosen when it was created: a part asking for another kind is refused, not stored otherwise.
  const asked = managedKeyOf(ctx.req.headers);
  const domain = sseDomainOf(sse);
  if (asked && asked.kind !== domain) throw new S3Error("InvalidRequest", `The upload is encrypted with ${domain}; its parts cannot ask for ${asked.kind}.`);
  return storedObjectKey(ctx.deps.kms, { bucket: ctx.bucket, key: ctx.key, sse }, customer);
}

/**
 * A part's body on its way to the layer in its upload's stored form (compressed, and/or under
 * its part key), which is learnt once the layer found the upload (onUpload).
 */
function partWriter(ctx: S3Context, plain: ReadableStream<Uint8Array>, size: number, partNumber: number) {
  let form: { objectKey?: Uint8Array; compress: boolean } = { compress: false };
  let sse: Record<string, string> | undefined;
  const body = partBody(plain, size, partNumber, () => form);
  const transformed = () => form.objectKey !== undefined || form.compress;
  return {
    stream: body.stream,
    /** PutPartOptions.onUpload: the upload's form, and the stored size when it differs from `size`. */
    async onUpload(upload: UploadMeta): Promise<{ size: number } | undefined> {
      if (upload.compression !== undefined && upload.compression !== S2_COMPRESSION_ALGORITHM) {
        throw new S3Error(
          "NotImplemented",
          `The upload's parts are stored compressed with ${upload.compression}; only ${S2_COMPRESSION_ALGORITHM} is written.`,
        );
      }
      form = { objectKey: await uploadObjectKey(ctx, upload), compress: upload.compression !== undefined };
      sse = form.objectKey ? upload.sse : undefined;
      return transformed() ? { size: storedSizeOf(size, { key: form.objectKey, compress: form.compress }) } : undefined;
    },
    /** The MD5 a part is checked and named by: of its plaintext when it is stored transformed. */
    md5: (stored: Uint8Array) => (transformed() ? body.md5() : stored),
    /** What the part check records besides checksums: a transformed part's plaintext ETag, its S2 index. */
    recorded: () => ({ etag: transformed() ? Buffer.from(body.md5()).toString("hex") : undefined, index: body.partIndex() }),
    /** The encryption headers of the answer. */
    headers: (h: Headers) => encryptionHeaders(h, sse, customerKeyOf(ctx.req.headers)),
  };
}

export async function uploadPart(ctx: S3Context): Promise<Response> {
  const uploadId = uploadIdOf(ctx);
  const partNumber = parsePartNumber(ctx.query.get("partNumber"));
  const body = prepareBody(ctx, MAX_PART_SIZE);
  // A part is held against the quota while it uploads; it counts once the upload completes.
  const quota = await QuotaGuard.open(ctx, ctx.bucket);
  quota?.admit(body.size);
  const writer = partWriter(ctx, body.stream, body.size, partNumber);
  const part = await ctx.deps.layer
    .putObjectPart(ctx.bucket, ctx.key, uploadId, partNumber, writer.stream, {
      size: body.size,
      actualSize: body.size,
      signal: ctx.req.signal,
      onUpload: writer.onUpload,
      check: async (digest, upload) => {
        await body.check({ md5: writer.md5(digest.md5), size: body.size });
        const sum = body.checksum();
        checkPartChecksum(upload.userMeta, sum?.algorithm);
        return { ...(sum ? { checksums: { [sum.algorithm]: sum.value } } : {}), ...writer.recorded() };
      },
    })
    .finally(() => quota?.release());
  const h = new Headers({ etag: `"${part.etag}"` });
  writer.headers(h);
  for (const [algo, value] of Object.entries(part.checksums ?? {})) h.set(`x-amz-checksum-${algo.toLowerCase()}`, value);
  return emptyResponse(200, h);
}

/** x-amz-copy-source-range: "bytes=first-last", both required, inside the source. */
function parseCopyRange(header: string | null): { start: number; end: number } | undefined {
  if (header === null) return undefined;
  const m = /^bytes=(\d+)-(\d+)$/.exec(header.trim());
  if (!m || Number(m[2]) < Number(m[1]))
    throw new S3Error("InvalidArgument", "Range specified is not valid for source object: the range value must be of the form bytes=first-last.");
  return { start: Number(m[1]), end: Number(m[2]) };
}

export async function uploadPartCopy(ctx: S3Context): Promise<Response> {
  const uploadId = uploadIdOf(ctx);
  const partNumber = parsePartNumber(ctx.query.get("partNumber"));
  const src = parseCopySource(ctx.req.headers.get("x-amz-copy-source"));
  const range = parseCopyRange(ctx.req.headers.get("x-amz-copy-source-range"));
  await authorizeObject(ctx, "GetObject", src.bucket, src.key, src.versionId !== undefined);
  const quota = await QuotaGuard.open(ctx, ctx.bucket);
  // An encrypted source is decrypted here (only the packages of the range are read); an
  // encrypted upload gets the part encrypted under its part key.
  const reader = sseReader(ctx.deps.kms, { range, customer: customerKeyOf(ctx.req.headers, COPY_SSE_C) });
  let res = await ctx.deps.layer.getObject(src.bucket, src.key, { versionId: src.versionId, range, preconditions: undefined, stored: reader.stored });
  const plan = reader.plan();
  if (plan) res = { ...res, range: plan.range, body: plan.decrypt(res.body) };
  try {
    if (!plan && customerKeyOf(ctx.req.headers, COPY_SSE_C))
      throw new S3Error("InvalidRequest", "The encryption parameters are not applicable to the copy source: it is not encrypted.");
    if (range && range.end >= res.info.size) throw new S3Error("InvalidRange", "The requested range is not satisfiable");
    checkPreconditions(res.info, readPreconditions(ctx.req.headers, "x-amz-copy-source-"), src.key, "copy-source");
    const copied = range ? range.end - range.start + 1 : res.info.size;
    if (copied > MAX_PART_SIZE) throw new S3Error("EntityTooLarge");
    quota?.admit(copied);
  } catch (err) {
    await res.body.cancel().catch(() => {});
    throw err;
  }
  const size = res.range ? res.range.end - res.range.start + 1 : res.info.size;
  const sum = copiedPartChecksum(res.body);
  const writer = partWriter(ctx, sum.stream, size, partNumber);
  const part = await ctx.deps.layer
    .putObjectPart(ctx.bucket, ctx.key, uploadId, partNumber, writer.stream, {
      size,
      actualSize: size,
      signal: ctx.req.signal,
      onUpload: (upload) => {
        sum.onUpload(upload);
        return writer.onUpload(upload);
      },
      check: () => ({ ...sum.check(), ...writer.recorded() }),
    })
    .finally(() => quota?.release());
  const h = new Headers();
  writer.headers(h);
  if (await showVersionHeader(ctx, res.info, src.bucket)) h.set("x-amz-copy-source-version-id", res.info.versionId);
  const c = sum.result();
  return xmlResponse(
    "CopyPartResult",
    { LastModified: part.lastModified, ETag: `"${part.etag}"`, ...(c ? { [`Checksum${c.algorithm}`]: c.value } : {}) },
    { headers: h },
  );
}

export async function completeMultipartUpload(ctx: S3Context): Promise<Response> {
  const uploadId = uploadIdOf(ctx);
  const doc = (await readXmlBody(ctx)).CompleteMultipartUpload as Record<string, unknown> | undefined;
  if (!doc) throw new S3Error("MalformedXML");
  const listedChecksums = new Map<number, Record<string, string>>();
  const parts: CompletePart[] = asArray(doc.Part as Record<string, unknown> | Record<string, unknown>[] | undefined).map((p) => {
    const num = xmlText(p.PartNumber);
    const etag = xmlText(p.ETag);
    if (num === undefined || etag === undefined || !/^\d{1,5}$/.test(num)) throw new S3Error("MalformedXML");
    listedChecksums.set(Number(num), listedPartChecksums(p, xmlText));
    return { partNumber: Number(num), etag };
  });
  if (parts.length === 0) throw new S3Error("MalformedXML", "You must specify at least one part.");
  let checksum: FinalChecksum | undefined;
  const finishChecksum = completeChecksum(listedChecksums, ctx.req.headers, (c) => (checksum = c));
  // The object's size is known once the layer has checked the part list, before it commits.
  const info = await quotaWrite(ctx, ctx.bucket, ctx.key, null, (admit) =>
    ctx.deps.layer.completeMultipartUpload(ctx.bucket, ctx.key, uploadId, parts, {
      preconditions: writePreconditions(ctx.req.headers),
      finish: async (done, upload) => {
        admit(done.reduce((sum, p) => sum + p.size, 0));
        const extra = finishChecksum(done, upload) || {};
        const crc = extra.sysMeta?.[SYS_CRC];
        if (crc && upload.sse) {
          // An encrypted object's checksums are stored encrypted (SSE-C: the key is needed here, as AWS asks for it).
          const objectKey = await uploadObjectKey(ctx, upload);
          extra.sysMeta = { ...extra.sysMeta, [SYS_CRC]: encryptChecksumBlob(objectKey!, crc) };
        }
        return extra;
      },
    }),
  );
  // A retried Complete (the upload already finished) runs no finish step: answer from the version.
  checksum ??= info.sse ? undefined : storedChecksum(info.checksumBlob);
  const h = new Headers();
  if (await showVersionHeader(ctx, info)) h.set("x-amz-version-id", info.versionId);
  const location = `${ctx.url.protocol}//${ctx.req.headers.get("host") ?? ctx.url.host}/${ctx.bucket}/${ctx.key}`;
  return xmlResponse(
    "CompleteMultipartUploadResult",
    {
      Location: location,
      Bucket: ctx.bucket,
      Key: ctx.key,
      ETag: `"${info.etag}"`,
      ...(checksum ? { [`Checksum${checksum.algorithm}`]: checksum.value, ChecksumType: checksum.type } : {}),
    },
    { headers: h },
  );
}

export async function abortMultipartUpload(ctx: S3Context): Promise<Response> {
  await ctx.deps.layer.abortMultipartUpload(ctx.bucket, ctx.key, uploadIdOf(ctx));
  return emptyResponse(204);
}

export async function listParts(ctx: S3Context): Promise<Response> {
  const uploadId = uploadIdOf(ctx);
  const markerText = ctx.query.get("part-number-marker") ?? "0";
  if (!/^\d{1,5}$/.test(markerText)) throw new S3Error("InvalidArgument", "Invalid part-number-marker.");
  const maxParts = parseMaxKeys(ctx.query.get("max-parts"), "max-parts");
  const res = await ctx.deps.layer.listObjectParts(ctx.bucket, ctx.key, uploadId, { partNumberMarker: Number(markerText), maxParts });
  const want = uploadChecksum(res.userMeta);
  return xmlResponse("ListPartsResult", {
    Bucket: ctx.bucket,
    Key: ctx.key,
    UploadId: uploadId,
    Initiator: OWNER,
    Owner: OWNER,
    StorageClass: res.storageClass,
    PartNumberMarker: Number(markerText),
    NextPartNumberMarker: res.nextPartNumberMarker,
    MaxParts: maxParts,
    IsTruncated: res.isTruncated,
    ChecksumAlgorithm: want?.algorithm,
    ChecksumType: want?.type,
    Part: res.parts.map((p) => ({
      PartNumber: p.partNumber,
      LastModified: p.lastModified,
      ETag: `"${p.etag}"`,
      Size: p.size,
      ...Object.fromEntries(Object.entries(p.checksums ?? {}).map(([a, v]) => [`Checksum${a}`, v])),
    })),
  });
}

export async function listMultipartUploads(ctx: S3Context): Promise<Response> {
  const q = ctx.query;
  // Uploads are filtered by string comparison only: any prefix or marker is fine.
  const prefix = q.get("prefix") ?? "";
  const enc = listEncoder(ctx);
  const delimiter = q.get("delimiter") ?? "";
  const keyMarker = q.get("key-marker") ?? "";
  const uploadIdMarker = q.get("upload-id-marker") ?? "";
  const maxUploads = parseMaxKeys(q.get("max-uploads"), "max-uploads");
  const res = await ctx.deps.layer.listMultipartUploads(ctx.bucket, {
    prefix,
    delimiter,
    keyMarker: keyMarker || undefined,
    uploadIdMarker: uploadIdMarker || undefined,
    maxUploads,
  });
  return xmlResponse("ListMultipartUploadsResult", {
    Bucket: ctx.bucket,
    KeyMarker: enc(keyMarker),
    UploadIdMarker: uploadIdMarker,
    NextKeyMarker: enc(res.nextKeyMarker ?? ""),
    NextUploadIdMarker: res.nextUploadIdMarker ?? "",
    Prefix: enc(prefix),
    Delimiter: delimiter ? enc(delimiter) : undefined,
    MaxUploads: maxUploads,
    IsTruncated: res.isTruncated,
    Upload: res.uploads.map((u) => ({
      Key: enc(u.key),
      UploadId: u.uploadId,
      Initiator: OWNER,
      Owner: OWNER,
      StorageClass: u.storageClass,
      Initiated: u.initiated,
    })),
    CommonPrefixes: res.prefixes.map((p) => ({ Prefix: enc(p) })),
    EncodingType: ctx.query.get("encoding-type") ? "url" : undefined,
  });
}
