// AWS Signature Version 4 for S3: the Authorization header form and the presigned-URL form.
// Both rebuild the canonical request from what arrived, derive the signing key and compare in
// constant time; everything wrong about the request becomes the S3Error S3 itself would send.
import { S3Error, type S3ErrorCode } from "../errors.ts";
import {
  classifyContentSha256,
  DEFAULT_MAX_SKEW_MS,
  resolveSecret,
  streamingHeaders,
  unsignedChunksPayload,
  type AuthOptions,
  type ContentSha256,
  type PayloadMode,
  type SignedAuth,
} from "./auth-result.ts";
import { canonicalHeaders, canonicalQuery, canonicalUri, formatAmzDate, parseAmzDate, parseHttpDate } from "./canonical.ts";
import { constantTimeEqual, deriveSigningKey, EMPTY_SHA256, hmacSha256Hex, sha256Hex } from "./signing-keys.ts";

export const V4_ALGORITHM = "AWS4-HMAC-SHA256";
/** Longest presigned URL lifetime S3 accepts: 7 days. */
export const MAX_PRESIGN_EXPIRES_S = 7 * 24 * 3600;

/** Parsed `<AK>/<yyyymmdd>/<region>/<service>/aws4_request`. */
export interface CredentialScope {
  accessKey: string;
  date: string;
  region: string;
  service: string;
}

/** Splits from the right: access keys may themselves contain "/" (MinIO allows it). */
export function parseCredential(value: string, code: S3ErrorCode, expectedService = "s3"): CredentialScope {
  const parts = value.trim().split("/");
  const bad = (why: string) => new S3Error(code, `Error parsing the Credential parameter: ${why}; expecting "<AccessKeyId>/YYYYMMDD/REGION/s3/aws4_request".`);
  if (parts.length < 5) throw bad(`"${value}" has too few components`);
  const [date, region, service, terminator] = parts.slice(-4);
  const accessKey = parts.slice(0, -4).join("/");
  if (accessKey === "") throw bad("the access key is empty");
  if (!/^\d{8}$/.test(date)) throw bad(`incorrect date format "${date}"`);
  if (service !== expectedService) throw bad(`incorrect service "${service}"; this endpoint belongs to "${expectedService}"`);
  if (terminator !== "aws4_request") throw bad(`incorrect terminal "${terminator}"; this endpoint uses "aws4_request"`);
  return { accessKey, date, region, service };
}

export function scopeString(c: { date: string; region: string; service: string }): string {
  return `${c.date}/${c.region}/${c.service}/aws4_request`;
}

export function canonicalRequestV4(args: {
  method: string;
  url: URL;
  headers: Headers;
  signedHeaders: readonly string[];
  payloadHash: string;
  presigned: boolean;
}): string {
  const query = canonicalQuery(args.url.search, args.presigned ? (n) => n.toLowerCase() === "x-amz-signature" : undefined);
  return [
    args.method.toUpperCase(),
    canonicalUri(args.url.pathname),
    query,
    canonicalHeaders(args.headers, args.signedHeaders, args.url.host),
    args.signedHeaders.join(";"),
    args.payloadHash,
  ].join("\n");
}

export function stringToSignV4(datetime: string, scope: string, canonicalRequest: string): string {
  return `${V4_ALGORITHM}\n${datetime}\n${scope}\n${sha256Hex(canonicalRequest)}`;
}

function signingKeyFor(opts: AuthOptions, secret: string, c: CredentialScope): Uint8Array {
  return opts.keys ? opts.keys.get(secret, c.date, c.region, c.service) : deriveSigningKey(secret, c.date, c.region, c.service);
}

function checkRegion(opts: AuthOptions, c: CredentialScope, code: S3ErrorCode): void {
  if (opts.region === "" || c.region === opts.region) return;
  throw new S3Error(code, `The region '${c.region}' is wrong; expecting '${opts.region}'.`, { fields: { Region: opts.region } });
}

function parseAuthorizationHeader(value: string): { credential: string; signedHeaders: string[]; signature: string } {
  const malformed = (why: string) => new S3Error("AuthorizationHeaderMalformed", `The authorization header is malformed; ${why}.`);
  const fields = new Map<string, string>();
  for (const part of value.slice(V4_ALGORITHM.length).split(",")) {
    const eq = part.indexOf("=");
    if (eq === -1) {
      if (part.trim() !== "") throw malformed(`"${part.trim()}" is not a key=value pair`);
      continue;
    }
    fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const credential = fields.get("Credential");
  const signed = fields.get("SignedHeaders");
  const signature = fields.get("Signature");
  if (!credential) throw malformed("missing Credential");
  if (!signed) throw malformed("missing SignedHeaders");
  if (!signature) throw malformed("missing Signature");
  return { credential, signedHeaders: signed.split(";").map((h) => h.trim().toLowerCase()), signature: signature.toLowerCase() };
}

function requestDatetime(headers: Headers): { date: Date; datetime: string } {
  const amz = headers.get("x-amz-date");
  if (amz !== null) {
    const d = parseAmzDate(amz.trim());
    if (!d) throw new S3Error("AccessDenied", `x-amz-date "${amz}" is not in the ISO 8601 basic format YYYYMMDD'T'HHMMSS'Z'.`);
    return { date: d, datetime: amz.trim() };
  }
  const http = headers.get("date");
  const d = http === null ? undefined : parseHttpDate(http);
  if (!d) throw new S3Error("AccessDenied", "AWS authentication requires a valid Date or x-amz-date header.");
  return { date: d, datetime: formatAmzDate(d) };
}

function checkSkew(opts: AuthOptions, signedAt: Date, now: Date): void {
  const max = opts.maxSkewMs ?? DEFAULT_MAX_SKEW_MS;
  if (Math.abs(now.getTime() - signedAt.getTime()) <= max) return;
  throw new S3Error("RequestTimeTooSkewed", undefined, {
    fields: { RequestTime: signedAt.toISOString(), ServerTime: now.toISOString(), MaxAllowedSkewMilliseconds: max },
  });
}

function mismatch(): S3Error {
  return new S3Error("SignatureDoesNotMatch");
}

/** The payload mode of a header-signed request, with the aws-chunked headers when streaming. */
function headerPayload(
  content: ContentSha256,
  headers: Headers,
  seed: Extract<PayloadMode, { mode: "streaming-signed" }>,
): { payload: PayloadMode; decodedContentLength?: number; trailerNames: string[] } {
  if (content.kind === "streaming-signed") return { payload: { ...seed, trailer: content.trailer }, ...streamingHeaders(headers) };
  return unsignedChunksPayload(content, headers);
}

/** Verifies `Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`. */
export async function verifyHeaderV4(req: Request, url: URL, authorization: string, opts: AuthOptions): Promise<SignedAuth> {
  const parsed = parseAuthorizationHeader(authorization);
  const scope = parseCredential(parsed.credential, "AuthorizationHeaderMalformed", opts.service);
  checkRegion(opts, scope, "AuthorizationHeaderMalformed");
  if (!parsed.signedHeaders.includes("host")) throw new S3Error("AccessDenied", "The host header must be signed.");
  const { date, datetime } = requestDatetime(req.headers);
  if (datetime.slice(0, 8) !== scope.date) {
    throw new S3Error("AuthorizationHeaderMalformed", "Invalid credential date. Date is not the same as X-Amz-Date.");
  }
  const now = opts.now ?? new Date();
  checkSkew(opts, date, now);
  const token = req.headers.get("x-amz-security-token") ?? undefined;
  const secret = await resolveSecret(opts, scope.accessKey, token);
  const payloadHash = req.headers.get("x-amz-content-sha256")?.trim() ?? opts.bodySha256 ?? EMPTY_SHA256;
  const content = classifyContentSha256(payloadHash);
  const canonical = canonicalRequestV4({
    method: req.method,
    url,
    headers: req.headers,
    signedHeaders: parsed.signedHeaders,
    payloadHash,
    presigned: false,
  });
  const key = signingKeyFor(opts, secret, scope);
  const scopeStr = scopeString(scope);
  const expected = hmacSha256Hex(key, stringToSignV4(datetime, scopeStr, canonical));
  if (!constantTimeEqual(expected, parsed.signature)) throw mismatch();

  const { payload, ...streaming } = headerPayload(content, req.headers, {
    mode: "streaming-signed",
    seedSignature: expected,
    signingKey: key,
    scope: scopeStr,
    datetime,
    trailer: false,
  });
  return {
    kind: "signed",
    accessKey: scope.accessKey,
    version: 4,
    method: "header",
    region: scope.region,
    requestTime: date,
    securityToken: token,
    payload,
    ...streaming,
  };
}

const REQUIRED_QUERY = ["X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature", "X-Amz-Date", "X-Amz-SignedHeaders", "X-Amz-Expires"];

/**
 * X-Amz-Expires in seconds, refused as AWS refuses it (400 AuthorizationQueryParametersError, its
 * messages): not an integer, negative, or over a week. 0 is a URL that has already expired.
 */
export function presignLifetime(text: string): number {
  const code = "AuthorizationQueryParametersError";
  if (!/^-?\d+$/.test(text)) throw new S3Error(code, "X-Amz-Expires should be a number");
  const expires = Number(text);
  if (expires < 0) throw new S3Error(code, "X-Amz-Expires must be non-negative");
  if (expires > MAX_PRESIGN_EXPIRES_S) {
    throw new S3Error(
      code,
      `X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than ${MAX_PRESIGN_EXPIRES_S} seconds`,
    );
  }
  return expires;
}

/** Verifies a presigned URL (`X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=…`). */
export async function verifyPresignedV4(req: Request, url: URL, opts: AuthOptions): Promise<SignedAuth> {
  const q = url.searchParams;
  const code = "AuthorizationQueryParametersError";
  for (const name of REQUIRED_QUERY) {
    if (!q.has(name)) {
      throw new S3Error(
        code,
        "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.",
      );
    }
  }
  if (q.get("X-Amz-Algorithm") !== V4_ALGORITHM) throw new S3Error(code, `X-Amz-Algorithm only supports "${V4_ALGORITHM}".`);
  const scope = parseCredential(q.get("X-Amz-Credential")!, code, opts.service);
  checkRegion(opts, scope, code);
  const datetime = q.get("X-Amz-Date")!;
  const date = parseAmzDate(datetime);
  if (!date) throw new S3Error(code, `X-Amz-Date must be in the ISO 8601 basic format "yyyyMMdd'T'HHmmss'Z'".`);
  if (datetime.slice(0, 8) !== scope.date) throw new S3Error(code, "Invalid credential date. Date is not the same as X-Amz-Date.");
  const expires = presignLifetime(q.get("X-Amz-Expires")!);
  const signedHeaders = q
    .get("X-Amz-SignedHeaders")!
    .split(";")
    .map((h) => h.trim().toLowerCase());
  if (!signedHeaders.includes("host")) throw new S3Error("AccessDenied", "The host header must be signed.");

  const now = opts.now ?? new Date();
  if (date.getTime() - now.getTime() > (opts.maxSkewMs ?? DEFAULT_MAX_SKEW_MS)) {
    throw new S3Error("AccessDenied", "Request is not valid yet.");
  }
  // A zero lifetime is spent by the time the request arrives.
  if (expires === 0 || now.getTime() > date.getTime() + expires * 1000) {
    throw new S3Error("AccessDenied", "Request has expired", {
      fields: { "X-Amz-Expires": expires, Expires: new Date(date.getTime() + expires * 1000).toISOString(), ServerTime: now.toISOString() },
    });
  }
  const token = q.get("X-Amz-Security-Token") ?? req.headers.get("x-amz-security-token") ?? undefined;
  const secret = await resolveSecret(opts, scope.accessKey, token);
  // Presigned URLs sign UNSIGNED-PAYLOAD unless the URL itself carries a content hash.
  const payloadHash = queryValueInsensitive(q, "x-amz-content-sha256") ?? "UNSIGNED-PAYLOAD";
  const content = classifyContentSha256(payloadHash);
  if (content.kind === "streaming-signed") throw new S3Error("InvalidRequest", "Presigned URLs cannot carry signed aws-chunked bodies.");
  const canonical = canonicalRequestV4({ method: req.method, url, headers: req.headers, signedHeaders, payloadHash, presigned: true });
  const expected = hmacSha256Hex(signingKeyFor(opts, secret, scope), stringToSignV4(datetime, scopeString(scope), canonical));
  if (!constantTimeEqual(expected, q.get("X-Amz-Signature")!.toLowerCase())) throw mismatch();

  const { payload, ...streaming } = unsignedChunksPayload(content, req.headers);
  return {
    kind: "signed",
    accessKey: scope.accessKey,
    version: 4,
    method: "presigned",
    region: scope.region,
    requestTime: date,
    securityToken: token,
    payload,
    ...streaming,
  };
}

function queryValueInsensitive(q: URLSearchParams, name: string): string | undefined {
  for (const [k, v] of q) if (k.toLowerCase() === name) return v;
  return undefined;
}
