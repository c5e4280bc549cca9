// What authentication concludes about a request: who signed it (or nobody), how, and how its
// body must be treated; plus the options every verifier shares and the x-amz-content-sha256
// / aws-chunked header parsing that decides the payload mode.
import { S3Error } from "../errors.ts";
import type { SigningKeyCache } from "./signing-keys.ts";

/** How the body is checked while it streams (see payload-verifier.ts). */
export type PayloadMode =
  /** Not covered by the signature (UNSIGNED-PAYLOAD, SigV2, anonymous). */
  | { mode: "unsigned" }
  /** The whole body must hash to `expected` (lower-case hex SHA-256). */
  | { mode: "sha256"; expected: string }
  /** aws-chunked with chained chunk signatures starting from the request signature. */
  | {
      mode: "streaming-signed";
      seedSignature: string;
      signingKey: Uint8Array;
      /** "20130524/us-east-1/s3/aws4_request" */
      scope: string;
      /** "20130524T000000Z" */
      datetime: string;
      /** Trailing headers follow the final chunk and carry x-amz-trailer-signature. */
      trailer: boolean;
    }
  /**
   * aws-chunked without chunk signatures (STREAMING-UNSIGNED-PAYLOAD-TRAILER, or the framing
   * announced by Content-Encoding / x-amz-decoded-content-length next to UNSIGNED-PAYLOAD or a hash).
   */
  | {
      mode: "streaming-unsigned";
      /** Trailing headers follow the final chunk. */
      trailer: boolean;
      /** x-amz-content-sha256 was a hash: the SHA-256 the wire bytes (the framing included) must have. */
      wireSha256?: string;
    };

interface AuthCommon {
  readonly payload: PayloadMode;
  /** x-amz-decoded-content-length: the object size for aws-chunked bodies. */
  readonly decodedContentLength?: number;
  /** Lower-case names announced in x-amz-trailer (e.g. "x-amz-checksum-crc32c"). */
  readonly trailerNames: readonly string[];
}

export interface AnonymousAuth extends AuthCommon {
  readonly kind: "anonymous";
}

export interface SignedAuth extends AuthCommon {
  readonly kind: "signed";
  readonly accessKey: string;
  readonly version: 2 | 4;
  /** Authorization header or query-string (presigned URL) authentication. */
  readonly method: "header" | "presigned";
  /** SigV4 credential-scope region. */
  readonly region?: string;
  /** The signed request time (x-amz-date / Date / X-Amz-Date; for SigV2 presigned, Expires). */
  readonly requestTime: Date;
  /** x-amz-security-token, when the request carried one. */
  readonly securityToken?: string;
}

export type AuthResult = AnonymousAuth | SignedAuth;

/**
 * Secret (and, for temporary credentials, the session token) of an access key; null if unknown.
 * `disabled`: the key exists but may not sign requests (the root's, with root access turned off).
 */
export type CredentialLookup = (accessKey: string) => Promise<{ secretKey: string; sessionToken?: string; expired?: boolean; disabled?: boolean } | null>;

export interface AuthOptions {
  /** The server's region; "" accepts any region a client signs for (MinIO's default). */
  region: string;
  lookup: CredentialLookup;
  /** The clock; tests pin it. */
  now?: Date;
  /** Signing-key cache to reuse derivations across requests (see Authenticator). */
  keys?: SigningKeyCache;
  /** Bucket named by a virtual-hosted-style Host header; SigV2 puts it in the signed resource. */
  virtualHostBucket?: string;
  /** Allowed clock difference for header auth (default 15 minutes). */
  maxSkewMs?: number;
  /** The SigV4 service the credential scope must name (default "s3"; STS requests sign for "sts"). */
  service?: string;
  /** The body's SHA-256 (hex) when it was read first: the payload hash of requests without x-amz-content-sha256 (STS forms). */
  bodySha256?: string;
}

export const DEFAULT_MAX_SKEW_MS = 15 * 60 * 1000;

const STREAMING_SIGNED = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";
const STREAMING_SIGNED_TRAILER = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER";
const STREAMING_UNSIGNED_TRAILER = "STREAMING-UNSIGNED-PAYLOAD-TRAILER";
export const UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";

/** The x-amz-content-sha256 forms, classified. */
export type ContentSha256 =
  | { kind: "hash"; hex: string }
  | { kind: "unsigned" }
  | { kind: "streaming-signed"; trailer: boolean }
  | { kind: "streaming-unsigned-trailer" };

export function classifyContentSha256(value: string): ContentSha256 {
  if (/^[0-9a-fA-F]{64}$/.test(value)) return { kind: "hash", hex: value.toLowerCase() };
  switch (value) {
    case UNSIGNED_PAYLOAD:
      return { kind: "unsigned" };
    case STREAMING_SIGNED:
      return { kind: "streaming-signed", trailer: false };
    case STREAMING_SIGNED_TRAILER:
      return { kind: "streaming-signed", trailer: true };
    case STREAMING_UNSIGNED_TRAILER:
      return { kind: "streaming-unsigned-trailer" };
  }
  if (value.startsWith("STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD")) {
    throw new S3Error("NotImplemented", "SigV4a (AWS4-ECDSA-P256-SHA256) streaming signatures are not supported.");
  }
  throw new S3Error(
    "InvalidArgument",
    "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER], STREAMING-UNSIGNED-PAYLOAD-TRAILER or a SHA-256 hex digest.",
  );
}

/** x-amz-decoded-content-length and x-amz-trailer, required/parsed for aws-chunked bodies. */
export function streamingHeaders(headers: Headers): { decodedContentLength: number; trailerNames: string[] } {
  const raw = headers.get("x-amz-decoded-content-length");
  if (raw === null) throw new S3Error("MissingContentLength", "aws-chunked uploads must send x-amz-decoded-content-length.");
  if (!/^\d{1,16}$/.test(raw.trim()) || !Number.isSafeInteger(Number(raw.trim()))) {
    throw new S3Error("InvalidArgument", `x-amz-decoded-content-length "${raw}" is not a byte count.`);
  }
  return { decodedContentLength: Number(raw.trim()), trailerNames: trailerNames(headers) };
}

/**
 * The body is aws-chunked framing: the client sent x-amz-decoded-content-length (only aws-chunked
 * bodies have a decoded length), or Content-Encoding lists the aws-chunked token and there is a
 * body (a bodiless CreateMultipartUpload or CopyObject may carry it as metadata only). Newer SDKs
 * send such bodies with UNSIGNED-PAYLOAD, so the STREAMING-* sentinel alone does not decide it.
 */
export function announcesAwsChunked(headers: Headers): boolean {
  if (headers.has("x-amz-decoded-content-length")) return true;
  const encoding = headers.get("content-encoding");
  if (encoding === null || !encoding.split(",").some((t) => t.trim().toLowerCase() === "aws-chunked")) return false;
  const length = headers.get("content-length");
  return headers.has("transfer-encoding") || (length !== null && length.trim() !== "0");
}

/**
 * The payload of a body without chunk signatures: `content` is the classified
 * x-amz-content-sha256 (undefined when absent); aws-chunked framing is decoded whenever it is
 * announced, the hash (if any) then covering the wire bytes.
 */
export function unsignedChunksPayload(
  content: Exclude<ContentSha256, { kind: "streaming-signed" }> | undefined,
  headers: Headers,
): { payload: PayloadMode; decodedContentLength?: number; trailerNames: string[] } {
  if (content?.kind === "streaming-unsigned-trailer") return { payload: { mode: "streaming-unsigned", trailer: true }, ...streamingHeaders(headers) };
  if (announcesAwsChunked(headers)) {
    const streaming = streamingHeaders(headers);
    const trailer = streaming.trailerNames.length > 0;
    const payload: PayloadMode =
      content?.kind === "hash" ? { mode: "streaming-unsigned", trailer, wireSha256: content.hex } : { mode: "streaming-unsigned", trailer };
    return { payload, ...streaming };
  }
  const payload: PayloadMode = content?.kind === "hash" ? { mode: "sha256", expected: content.hex } : { mode: "unsigned" };
  return { payload, trailerNames: trailerNames(headers) };
}

export function trailerNames(headers: Headers): string[] {
  const raw = headers.get("x-amz-trailer");
  if (!raw) return [];
  return raw
    .split(",")
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s !== "");
}

/** Looks up the secret of an access key; temporary credentials must present their session token. */
export async function resolveSecret(opts: AuthOptions, accessKey: string, token: string | undefined): Promise<string> {
  const cred = await opts.lookup(accessKey);
  if (!cred) throw new S3Error("InvalidAccessKeyId", undefined, { fields: { AWSAccessKeyId: accessKey } });
  // MinIO's answer for a key that is known but may not sign requests.
  if (cred.disabled)
    throw new S3Error("InvalidAccessKeyId", "Your account is disabled; please contact your administrator.", { fields: { AWSAccessKeyId: accessKey } });
  if (cred.sessionToken !== undefined && cred.sessionToken !== token) {
    throw new S3Error("InvalidToken", "The security token included in the request is invalid.");
  }
  if (cred.expired) throw new S3Error("ExpiredToken", "The provided token has expired.");
  return cred.secretKey;
}
