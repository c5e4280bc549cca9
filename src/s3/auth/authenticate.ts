// Entry point of request authentication: picks the one mechanism a request uses (SigV4 header,
// SigV4 presigned, SigV2 header, SigV2 presigned or none) and runs its verifier. Authenticator
// owns the signing-key cache so derivations are shared across requests without module state.
import { S3Error } from "../errors.ts";
import { classifyContentSha256, unsignedChunksPayload, type AnonymousAuth, type AuthOptions, type AuthResult, type CredentialLookup } from "./auth-result.ts";
import { SigningKeyCache } from "./signing-keys.ts";
import { verifyHeaderV2, verifyPresignedV2 } from "./sigv2.ts";
import { V4_ALGORITHM, verifyHeaderV4, verifyPresignedV4 } from "./sigv4.ts";

export type { AuthOptions, AuthResult, CredentialLookup, PayloadMode, SignedAuth, AnonymousAuth } from "./auth-result.ts";

/** A request without credentials; its body may still announce a hash, aws-chunked framing or unsigned trailers. */
function anonymous(headers: Headers): AnonymousAuth {
  const announced = headers.get("x-amz-content-sha256");
  const c = announced === null ? undefined : classifyContentSha256(announced.trim());
  if (c?.kind === "streaming-signed") throw new S3Error("AccessDenied", "A signed aws-chunked body needs a signed request.");
  return { kind: "anonymous", ...unsignedChunksPayload(c, headers) };
}

/**
 * Authenticates one request. Throws S3Error for every failure (bad signature, unknown key,
 * expired URL, skewed clock, malformed parameters); resolves to who signed and how the body
 * must be verified. A browser POST-policy upload has no credentials here: it authenticates with
 * post-policy.ts once its form is read.
 */
export async function authenticate(req: Request, url: URL, opts: AuthOptions): Promise<AuthResult> {
  const authorization = req.headers.get("authorization") || null;
  const q = url.searchParams;
  const presignedV4 = q.has("X-Amz-Algorithm") || q.has("X-Amz-Credential") || q.has("X-Amz-Signature");
  const presignedV2 = q.has("AWSAccessKeyId") || (q.has("Signature") && q.has("Expires"));
  if (Number(authorization !== null) + Number(presignedV4) + Number(presignedV2) > 1) {
    throw new S3Error(
      "InvalidArgument",
      "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified.",
    );
  }
  if (authorization !== null) {
    if (authorization.startsWith(`${V4_ALGORITHM} `)) return verifyHeaderV4(req, url, authorization, opts);
    if (authorization.startsWith("AWS ")) return verifyHeaderV2(req, url, authorization, opts);
    throw new S3Error("InvalidRequest", `The authorization mechanism you have provided is not supported. Please use ${V4_ALGORITHM}.`);
  }
  if (presignedV4) return verifyPresignedV4(req, url, opts);
  if (presignedV2) return verifyPresignedV2(req, url, opts);
  return anonymous(req.headers);
}

export interface AuthenticatorConfig {
  /** The server's region; "" accepts whatever region a client signs for. */
  region: string;
  lookup: CredentialLookup;
  maxSkewMs?: number;
  /** Signing keys kept (default 256). */
  keyCacheSize?: number;
}

/** Long-lived authenticator: one per server, holding the bounded signing-key cache. */
export class Authenticator {
  readonly #keys: SigningKeyCache;

  constructor(readonly config: AuthenticatorConfig) {
    this.#keys = new SigningKeyCache(config.keyCacheSize ?? 256);
  }

  authenticate(req: Request, url: URL, extra: { now?: Date; virtualHostBucket?: string; service?: string; bodySha256?: string } = {}): Promise<AuthResult> {
    return authenticate(req, url, {
      region: this.config.region,
      lookup: this.config.lookup,
      maxSkewMs: this.config.maxSkewMs,
      keys: this.#keys,
      ...extra,
    });
  }

  /** The SigV4 signing key for POST-policy verification, from the same cache. */
  signingKey(secret: string, date: string, region: string): Uint8Array {
    return this.#keys.get(secret, date, region, "s3");
  }
}

/**
 * Condition keys bucket policies may test about authentication (s3:signatureversion,
 * s3:authType, s3:x-amz-content-sha256); the handler adds the request-specific ones.
 */
export function authConditions(auth: AuthResult, headers: Headers): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const sha = headers.get("x-amz-content-sha256");
  if (sha !== null) out["s3:x-amz-content-sha256"] = [sha];
  if (auth.kind === "signed") {
    out["s3:signatureversion"] = [auth.version === 4 ? V4_ALGORITHM : "AWS"];
    out["s3:authType"] = [auth.method === "header" ? "REST-HEADER" : "REST-QUERY-STRING"];
  }
  return out;
}
