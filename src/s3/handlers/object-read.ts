// GetObject and HeadObject: version, Range and partNumber, conditional headers (304/412),
// response-* overrides and checksums on request (delete-marker headers are added by toS3Error).
import { ObjectError, checkPreconditions, type GetObjectResult, type ObjectInfo, type RangeSpec } from "../../object/index.ts";
import { decodeMinioChecksums, checksumHeaderName, toBase64 } from "../../util/index.ts";
import type { S3Context } from "../context.ts";
import { S3Error } from "../errors.ts";
import { applyResponseOverrides, httpDate, objectHeaders } from "../object-headers.ts";
import { parsePartNumber, validateVersionId } from "../validate.ts";
import { refuseKeyOnPlaintext } from "../unsupported-headers.ts";
import { readPreconditions } from "../request-helpers.ts";
import { showVersionHeader } from "../versioning-state.ts";
import { encryptionHeaders, kmsError } from "../sse/sse-keys.ts";
import { sseReader } from "../sse/sse-read.ts";
import { customerKeyOf } from "../sse/sse-request.ts";

/** Parses a single-range Range header; anything S3 would ignore (syntax, several ranges) gives undefined. */
export function parseRange(header: string | null): RangeSpec | undefined {
  if (!header) return undefined;
  const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!m || (m[1] === "" && m[2] === "")) return undefined;
  if (m[1] === "") return { suffix: Number(m[2]) };
  const start = Number(m[1]);
  const end = m[2] === "" ? undefined : Number(m[2]);
  if (!Number.isSafeInteger(start) || (end !== undefined && (!Number.isSafeInteger(end) || end < start))) return undefined;
  return { start, end };
}

/** S3's 416 for a part the object does not have names the part asked for and how many there are. */
async function partNotSatisfiable(ctx: S3Context, versionId: string | undefined, partNumber: number, err: ObjectError): Promise<S3Error> {
  // The part count only: an encrypted or compressed version is not opened for it.
  const info = await ctx.deps.layer.getObjectInfo(ctx.bucket, ctx.key, { versionId, stored: (i) => ({ info: i, range: null }) });
  return new S3Error("InvalidPartNumber", undefined, {
    fields: { PartNumberRequested: partNumber, ActualPartCount: Math.max(1, info.parts.length) },
    cause: err,
  });
}

function checksumHeaders(h: Headers, info: ObjectInfo): void {
  if (!info.checksumBlob) return;
  for (const e of decodeMinioChecksums(info.checksumBlob)) {
    const value = e.multipart && !e.fullObject ? `${toBase64(e.raw)}-${e.multipart.count}` : toBase64(e.raw);
    h.set(checksumHeaderName(e.algorithm), value);
    h.set("x-amz-checksum-type", e.multipart && !e.fullObject ? "COMPOSITE" : "FULL_OBJECT");
  }
}

async function open(ctx: S3Context): Promise<{ res: GetObjectResult; headers: Headers; status: number }> {
  const versionId = ctx.query.get("versionId") ?? undefined;
  if (versionId !== undefined) validateVersionId(versionId);
  // S3 refuses a Range beside partNumber before it looks at the number itself.
  if (ctx.query.has("partNumber") && ctx.req.headers.has("range"))
    throw new S3Error("InvalidRequest", "Cannot specify both Range header and partNumber query parameter");
  const partNumber = ctx.query.has("partNumber") ? parsePartNumber(ctx.query.get("partNumber")) : undefined;
  const checksumMode = ctx.req.headers.get("x-amz-checksum-mode");
  if (checksumMode !== null && checksumMode.toUpperCase() !== "ENABLED")
    throw new S3Error("InvalidRequest", "Value for x-amz-checksum-mode header is invalid.");
  const range = partNumber === undefined ? parseRange(ctx.req.headers.get("range")) : undefined;
  const customer = customerKeyOf(ctx.req.headers);
  const sse = sseReader(ctx.deps.kms, { range, partNumber, customer });
  let res: GetObjectResult;
  try {
    res = await ctx.deps.layer.getObject(ctx.bucket, ctx.key, { versionId, range, partNumber, stored: sse.stored });
  } catch (err) {
    if (partNumber !== undefined && err instanceof ObjectError && err.kind === "InvalidPartNumber")
      throw await partNotSatisfiable(ctx, versionId, partNumber, err);
    throw err;
  }
  const plan = sse.plan();
  if (plan) res = { ...res, range: plan.range, partsCount: plan.partsCount, body: plan.decrypt(res.body) };
  const headers = objectHeaders(res.info, await showVersionHeader(ctx, res.info));
  encryptionHeaders(headers, res.info.sse, customer);
  try {
    // An encrypted version checked the key against its own encryption (sseReader); a plaintext one takes none.
    if (!plan) refuseKeyOnPlaintext(ctx.req.headers);
    checkPreconditions(res.info, readPreconditions(ctx.req.headers), ctx.key, "read");
    applyResponseOverrides(headers, ctx.query, ctx.auth.kind === "signed");
  } catch (err) {
    await res.body.cancel().catch(() => {});
    if (err instanceof ObjectError && err.kind === "Unmodified") {
      const h = new Headers({ etag: headers.get("etag")!, "last-modified": headers.get("last-modified")! });
      if (headers.has("x-amz-version-id")) h.set("x-amz-version-id", headers.get("x-amz-version-id")!);
      throw new S3Error("NotModified", undefined, { headers: Object.fromEntries(h) });
    }
    throw err;
  }
  if (res.partsCount !== undefined) headers.set("x-amz-mp-parts-count", String(res.partsCount));
  const whole = !res.range || (res.range.start === 0 && res.range.end === res.info.size - 1 && !range);
  if (checksumMode !== null && whole) checksumHeaders(headers, res.info);
  let status = 200;
  let length = res.info.size;
  if (res.range) {
    status = 206;
    length = res.range.end - res.range.start + 1;
    headers.set("content-range", `bytes ${res.range.start}-${res.range.end}/${res.info.size}`);
  }
  headers.set("content-length", String(length));
  return { res, headers, status };
}

export async function getObject(ctx: S3Context): Promise<Response> {
  const { res, headers, status } = await open(ctx);
  // An encrypted body's first package is opened before the answer starts: a version that does
  // not decrypt is an error response, not a 200 cut short.
  const body = res.info.sse ? await primed(res.body) : res.body;
  return new Response(body, { status, headers });
}

/** The stream with its first chunk already read (errors surface here), the rest as it comes. */
async function primed(body: ReadableStream<Uint8Array>): Promise<ReadableStream<Uint8Array>> {
  const reader = body.getReader();
  let first: Awaited<ReturnType<typeof reader.read>>;
  try {
    first = await reader.read();
  } catch (err) {
    reader.releaseLock();
    await body.cancel().catch(() => {});
    throw kmsError(err);
  }
  let pending: Uint8Array | undefined = first.done ? undefined : first.value;
  let done = first.done;
  return new ReadableStream<Uint8Array>({
    async pull(ctl) {
      if (pending) {
        ctl.enqueue(pending);
        pending = undefined;
        return;
      }
      if (done) return ctl.close();
      const next = await reader.read();
      if (next.done) {
        done = true;
        ctl.close();
      } else ctl.enqueue(next.value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
}

export async function headObject(ctx: S3Context): Promise<Response> {
  const { res, headers, status } = await open(ctx);
  await res.body.cancel().catch(() => {});
  return new Response(null, { status, headers });
}

export { httpDate };
