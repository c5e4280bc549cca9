// OpenID Connect tokens, checked before STS trusts them: the provider's discovery document (issuer,
// jwks_uri), its signing keys (cached, fetched again when a token names an unknown key), and each
// token's signature (asymmetric algorithms only) and claims — iss, aud/azp, exp, nbf — with jose.
import { createHash } from "node:crypto";
import { createRemoteJWKSet, customFetch, errors, jwtVerify, type FetchImplementation, type JWTVerifyGetKey } from "jose";

export type OpenIdErrorKind =
  /** The token's `exp` has passed. */
  | "ExpiredToken"
  /** Anything else wrong with the token: malformed, signature, issuer, audience, nbf, claims. */
  | "InvalidToken"
  /** The provider's discovery document or keys cannot be fetched. */
  | "ProviderUnavailable";

export class OpenIdError extends Error {
  override name = "OpenIdError";

  constructor(
    readonly kind: OpenIdErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isOpenIdError(err: unknown, ...kinds: OpenIdErrorKind[]): err is OpenIdError {
  return err instanceof OpenIdError && (kinds.length === 0 || kinds.includes(err.kind));
}

export interface OpenIdOptions {
  /** The provider's `.well-known/openid-configuration` URL. */
  configUrl: string;
  /** Tokens must name this client in `aud` (or `azp`). */
  clientId: string;
  /** How documents are fetched (default: global fetch); tests pass their own. */
  fetch?: (url: string, init: { signal: AbortSignal; headers?: Headers; redirect?: "manual" }) => Promise<Response>;
  /** Milliseconds since the epoch (default Date.now); checks exp and nbf. */
  now?: () => number;
  log?: (line: string) => void;
  /** While the provider cannot be reached: how often discovery is tried again (ms, default 5 s). */
  retryMs?: number;
  /** A token naming an unknown key fetches the keys again at most this often (ms, default 5 s). */
  keyRefetchMs?: number;
  /** Per-request timeout for the provider's documents (ms, default 5 s). */
  timeoutMs?: number;
}

/** What a verified token says. */
export interface VerifiedToken {
  /** Every claim of the token, as issued. */
  claims: Record<string, unknown>;
  subject: string;
  issuer: string;
  /** The client id the token was issued to (the one it was checked against). */
  audience: string;
  /** When the token expires (ms since the epoch). */
  expiresAt: number;
}

/** Signature algorithms accepted: asymmetric only, so neither "none" nor a shared secret can sign a token. */
const ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA", "Ed25519"];

interface Provider {
  issuer: string;
  jwksUri: string;
  keys: JWTVerifyGetKey;
}

/** The names a policy claim lists (a comma-separated string or an array); undefined when the claim is absent. */
export function claimedPolicies(claims: Record<string, unknown>, claim: string): string[] | undefined {
  const value = claims[claim];
  const items = typeof value === "string" ? value.split(",") : Array.isArray(value) ? value.filter((v) => typeof v === "string") : undefined;
  return items && [...new Set(items.map((s) => s.trim()).filter((s) => s !== ""))];
}

/**
 * The user temporary credentials of an OpenID identity act for: as MinIO names it, a hash of
 * subject and issuer (a subject is unique only per issuer; the name must also be a safe file name).
 */
export function openIdParent(subject: string, issuer: string): string {
  return createHash("sha256").update(`openid:${subject}:${issuer}`).digest("base64url");
}

function describeAudience(aud: unknown): string {
  return Array.isArray(aud) ? aud.map(String).join(", ") : String(aud ?? "");
}

/** Why a claim was refused, in words (values from the token are only quoted, never trusted to be well formed). */
function claimMessage(err: InstanceType<typeof errors.JWTClaimValidationFailed>, issuer: string): string {
  const p = err.payload;
  const at = (seconds: unknown) => (Number.isFinite(Number(seconds)) ? new Date(Number(seconds) * 1000).toISOString() : JSON.stringify(seconds));
  switch (err.claim) {
    case "iss":
      return `Token issuer "${String(p.iss ?? "")}" is not the provider's issuer "${issuer}"`;
    case "nbf":
      return err.reason === "check_failed" ? `Token is not valid before ${at(p.nbf)}` : "Token has an invalid nbf claim";
    case "exp":
      return err.reason === "missing" ? "Token has no exp claim" : "Token has an invalid exp claim";
    case "sub":
      return "Token has no sub claim";
    default:
      return `Token claim "${err.claim}" is invalid: ${err.message}`;
  }
}

export class OpenIdVerifier {
  #provider: Provider | undefined;
  #pending: Promise<Provider> | undefined;
  #lastFailure: { at: number; error: OpenIdError } | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;
  readonly #fetch: NonNullable<OpenIdOptions["fetch"]>;

  constructor(readonly options: OpenIdOptions) {
    this.#fetch = options.fetch ?? ((url, init) => fetch(url, init));
  }

  #now(): number {
    return this.options.now?.() ?? Date.now();
  }

  /** Fetches the discovery document; a provider that is down is tried again in the background. */
  async start(): Promise<void> {
    try {
      await this.#discover();
    } catch (err) {
      this.options.log?.(`OpenID: ${(err as Error).message}; retrying every ${Math.round((this.options.retryMs ?? 5000) / 1000)} s`);
      this.#timer = setInterval(
        () =>
          void this.#discover().then(
            () => {
              clearInterval(this.#timer);
              this.options.log?.(`OpenID: provider ${this.#provider?.issuer} reached`);
            },
            () => {},
          ),
        this.options.retryMs ?? 5000,
      );
      this.#timer.unref?.();
    }
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  /** The provider's issuer, once its discovery document was read. */
  get issuer(): string | undefined {
    return this.#provider?.issuer;
  }

  #discover(): Promise<Provider> {
    if (this.#provider) return Promise.resolve(this.#provider);
    this.#pending ??= this.#readDiscovery()
      .then((p) => {
        this.#provider = p;
        this.#lastFailure = undefined;
        return p;
      })
      .catch((err: unknown) => {
        const error = isOpenIdError(err)
          ? err
          : new OpenIdError("ProviderUnavailable", `Cannot read ${this.options.configUrl}: ${(err as Error).message}`, { cause: err });
        this.#lastFailure = { at: this.#now(), error };
        throw error;
      })
      .finally(() => {
        this.#pending = undefined;
      });
    return this.#pending;
  }

  async #readDiscovery(): Promise<Provider> {
    const url = this.options.configUrl;
    const res = await this.#fetch(url, { signal: AbortSignal.timeout(this.options.timeoutMs ?? 5000) });
    if (res.status !== 200) {
      await res.body?.cancel();
      throw new OpenIdError("ProviderUnavailable", `Cannot read the OpenID discovery document ${url}: HTTP ${res.status}`);
    }
    const doc = (await res.json().catch(() => null)) as { issuer?: unknown; jwks_uri?: unknown } | null;
    if (!doc || typeof doc.issuer !== "string" || doc.issuer === "") {
      throw new OpenIdError("ProviderUnavailable", `The OpenID discovery document ${url} has no issuer`);
    }
    const jwksUri = typeof doc.jwks_uri === "string" ? doc.jwks_uri : "";
    if (!/^https?:\/\//.test(jwksUri)) throw new OpenIdError("ProviderUnavailable", `The OpenID discovery document ${url} has no http(s) jwks_uri`);
    const fetcher: FetchImplementation = (u, init) => this.#fetch(u, init);
    const keys = createRemoteJWKSet(new URL(jwksUri), {
      cooldownDuration: this.options.keyRefetchMs ?? 5000,
      timeoutDuration: this.options.timeoutMs ?? 5000,
      [customFetch]: fetcher,
    });
    return { issuer: doc.issuer, jwksUri, keys };
  }

  /** The provider, discovering it now if that failed before (at most once per retry interval). */
  async #ready(): Promise<Provider> {
    if (this.#provider) return this.#provider;
    const failed = this.#lastFailure;
    if (failed && !this.#pending && this.#now() - failed.at < (this.options.retryMs ?? 5000)) throw failed.error;
    return this.#discover();
  }

  /** Checks a token; throws OpenIdError saying what is wrong with it. */
  async verify(token: string): Promise<VerifiedToken> {
    if (token.split(".").length !== 3) throw new OpenIdError("InvalidToken", "Token is not a signed JWT (three base64url parts separated by dots)");
    const provider = await this.#ready();
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, provider.keys, {
        issuer: provider.issuer,
        algorithms: ALGORITHMS,
        requiredClaims: ["exp", "sub"],
        currentDate: new Date(this.#now()),
      }));
    } catch (err) {
      throw this.#explain(err, provider);
    }
    const clientId = this.options.clientId;
    const aud = payload.aud;
    const audiences = Array.isArray(aud) ? aud : typeof aud === "string" ? [aud] : [];
    if (!audiences.includes(clientId) && payload.azp !== clientId) {
      const azp = payload.azp === undefined ? "" : ` (azp "${String(payload.azp)}")`;
      throw new OpenIdError("InvalidToken", `Token audience "${describeAudience(aud)}"${azp} does not include client id "${clientId}"`);
    }
    if (typeof payload.sub !== "string" || payload.sub === "") throw new OpenIdError("InvalidToken", "Token has no sub claim");
    return { claims: payload, subject: payload.sub, issuer: provider.issuer, audience: clientId, expiresAt: (payload.exp as number) * 1000 };
  }

  #explain(err: unknown, provider: Provider): OpenIdError {
    if (err instanceof errors.JWTExpired) {
      const exp = Number(err.payload.exp);
      return new OpenIdError("ExpiredToken", `Token expired${Number.isFinite(exp) ? ` at ${new Date(exp * 1000).toISOString()}` : ""}`, { cause: err });
    }
    if (err instanceof errors.JWTClaimValidationFailed) return new OpenIdError("InvalidToken", claimMessage(err, provider.issuer), { cause: err });
    if (err instanceof errors.JWSSignatureVerificationFailed) {
      return new OpenIdError("InvalidToken", "Token signature does not verify with the provider's key", { cause: err });
    }
    if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys) {
      return new OpenIdError("InvalidToken", `No single signing key of the provider (${provider.jwksUri}) matches the token's kid and alg`, { cause: err });
    }
    if (err instanceof errors.JOSEAlgNotAllowed)
      return new OpenIdError("InvalidToken", `Token algorithm is not accepted (only ${ALGORITHMS.join(", ")})`, { cause: err });
    if (err instanceof errors.JWKSTimeout || err instanceof errors.JWKSInvalid || !(err instanceof errors.JOSEError) || err.code === "ERR_JOSE_GENERIC") {
      const why = err instanceof Error ? err.message : String(err);
      return new OpenIdError("ProviderUnavailable", `Cannot read the provider's signing keys (${provider.jwksUri}): ${why}`, { cause: err });
    }
    return new OpenIdError("InvalidToken", `Token is malformed: ${err.message}`, { cause: err });
  }
}
