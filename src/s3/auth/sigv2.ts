// AWS Signature Version 2 (HMAC-SHA1), still used by s3cmd, old boto and some appliances: the
// `Authorization: AWS <key>:<sig>` header form and the `AWSAccessKeyId/Expires/Signature`
// presigned form. The body is never covered; Content-MD5 is the handler's business.
import { S3Error } from "../errors.ts";
import { classifyContentSha256, DEFAULT_MAX_SKEW_MS, resolveSecret, type AuthOptions, unsignedChunksPayload, type SignedAuth } from "./auth-result.ts";
import { headerText, parseAmzDate, parseHttpDate } from "./canonical.ts";
import { resourceCandidates } from "./sigv2-resource.ts";
import { constantTimeEqual, hmacSha1Base64 } from "./signing-keys.ts";

/** "x-amz-name:value\n" for each x-amz-* header, sorted by name. */
function canonicalAmzHeaders(headers: Headers): string {
  const picked: [string, string][] = [];
  headers.forEach((value, name) => {
    const lower = name.toLowerCase();
    if (lower.startsWith("x-amz-"))
      picked.push([
        lower,
        headerText(value)
          .trim()
          .replace(/\s*\r?\n\s*/g, " "),
      ]);
  });
  picked.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return picked.map(([n, v]) => `${n}:${v}\n`).join("");
}

/** StringToSign = Verb\nContent-MD5\nContent-Type\nDate-or-Expires\nAmzHeaders Resource. */
export function stringToSignV2(method: string, headers: Headers, dateOrExpires: string, resource: string): string {
  const md5 = headers.get("content-md5")?.trim() ?? "";
  const type = headerText(headers.get("content-type") ?? "").trim();
  return `${method.toUpperCase()}\n${md5}\n${type}\n${dateOrExpires}\n${canonicalAmzHeaders(headers)}${resource}`;
}

function matchesAny(secret: string, method: string, headers: Headers, dateLine: string, resources: string[], sig: string): boolean {
  let ok = false;
  for (const r of resources) ok = constantTimeEqual(hmacSha1Base64(secret, stringToSignV2(method, headers, dateLine, r)), sig) || ok;
  return ok;
}

/** SigV2 leaves the body unsigned, but a client may still announce its SHA-256 or aws-chunked framing; honour them. */
function payloadV2(headers: Headers): ReturnType<typeof unsignedChunksPayload> {
  const v = headers.get("x-amz-content-sha256");
  const c = v === null ? undefined : classifyContentSha256(v.trim());
  if (c?.kind === "streaming-signed") throw new S3Error("InvalidRequest", "Signed aws-chunked bodies need SigV4.");
  return unsignedChunksPayload(c, headers);
}

/** Verifies `Authorization: AWS <AccessKeyId>:<base64 HMAC-SHA1>`. */
export async function verifyHeaderV2(req: Request, url: URL, authorization: string, opts: AuthOptions): Promise<SignedAuth> {
  const cred = authorization.slice(4).trim();
  const colon = cred.lastIndexOf(":");
  if (colon <= 0 || colon === cred.length - 1) {
    throw new S3Error("InvalidArgument", 'Authorization header is invalid: expected "AWS AccessKeyId:Signature".');
  }
  const accessKey = cred.slice(0, colon);
  const signature = cred.slice(colon + 1);
  const amzDate = req.headers.get("x-amz-date");
  const dateHeader = req.headers.get("date");
  const when = amzDate !== null ? (parseAmzDate(amzDate.trim()) ?? parseHttpDate(amzDate)) : dateHeader !== null ? parseHttpDate(dateHeader) : undefined;
  if (!when) throw new S3Error("AccessDenied", "AWS authentication requires a valid Date or x-amz-date header.");
  const now = opts.now ?? new Date();
  const max = opts.maxSkewMs ?? DEFAULT_MAX_SKEW_MS;
  if (Math.abs(now.getTime() - when.getTime()) > max) {
    throw new S3Error("RequestTimeTooSkewed", undefined, {
      fields: { RequestTime: when.toISOString(), ServerTime: now.toISOString(), MaxAllowedSkewMilliseconds: max },
    });
  }
  const token = req.headers.get("x-amz-security-token") ?? undefined;
  const secret = await resolveSecret(opts, accessKey, token);
  // With x-amz-date present the Date line is empty: the x-amz-date header is signed instead.
  const dateLine = amzDate !== null ? "" : (dateHeader ?? "").trim();
  if (!matchesAny(secret, req.method, req.headers, dateLine, resourceCandidates(url, opts.virtualHostBucket), signature)) {
    throw new S3Error("SignatureDoesNotMatch");
  }
  return {
    kind: "signed",
    accessKey,
    version: 2,
    method: "header",
    requestTime: when,
    ...payloadV2(req.headers),
    securityToken: token,
  };
}

/** Verifies `?AWSAccessKeyId=…&Expires=<unix seconds>&Signature=…`. */
export async function verifyPresignedV2(req: Request, url: URL, opts: AuthOptions): Promise<SignedAuth> {
  const q = url.searchParams;
  const accessKey = q.get("AWSAccessKeyId");
  const signature = q.get("Signature");
  const expires = q.get("Expires");
  if (!accessKey || !signature || !expires) {
    throw new S3Error("AccessDenied", "Query-string authentication requires the AWSAccessKeyId, Expires and Signature parameters.");
  }
  if (!/^\d{1,12}$/.test(expires)) throw new S3Error("AccessDenied", "Expires must be a number of seconds since the epoch.");
  const expiresAt = new Date(Number(expires) * 1000);
  const now = opts.now ?? new Date();
  if (now.getTime() > expiresAt.getTime()) {
    throw new S3Error("AccessDenied", "Request has expired", { fields: { Expires: expiresAt.toISOString(), ServerTime: now.toISOString() } });
  }
  const token = q.get("x-amz-security-token") ?? req.headers.get("x-amz-security-token") ?? undefined;
  const secret = await resolveSecret(opts, accessKey, token);
  if (!matchesAny(secret, req.method, req.headers, expires, resourceCandidates(url, opts.virtualHostBucket), signature)) {
    throw new S3Error("SignatureDoesNotMatch");
  }
  return {
    kind: "signed",
    accessKey,
    version: 2,
    method: "presigned",
    requestTime: expiresAt,
    ...payloadV2(req.headers),
    securityToken: token,
  };
}
