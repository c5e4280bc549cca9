// Bearer tokens for the metrics endpoints, as MinIO checks them: a JWT signed with HMAC
// (HS256/384/512) using the secret key of the access key named in `accessKey` or `sub`, issued
// by "prometheus", not expired. `mc admin prometheus generate` makes such a token (HS512).
import { createHmac, timingSafeEqual } from "node:crypto";

const ALGORITHMS: Record<string, string> = { HS256: "sha256", HS384: "sha384", HS512: "sha512" };

/** `mc` signs tokens valid for 100 years. */
export const PROMETHEUS_TOKEN_LIFETIME_S = 100 * 365 * 24 * 3600;

export interface Credentials {
  accessKey: string;
  secretKey: string;
}

export type TokenCheck = { ok: true; accessKey: string } | { ok: false; reason: string };

const b64url = (data: Buffer | string) => Buffer.from(data).toString("base64url");

function decodeJson(part: string): Record<string, unknown> | null {
  try {
    const v = JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
    return v && typeof v === "object" && !Array.isArray(v) ? v : null;
  } catch {
    return null;
  }
}

/** A token as `mc admin prometheus generate` makes it: HS512 over {exp, sub, iss: "prometheus"}. */
export function signPrometheusToken(creds: Credentials, opts: { nowS?: number; lifetimeS?: number; alg?: "HS256" | "HS384" | "HS512" } = {}): string {
  const alg = opts.alg ?? "HS512";
  const now = opts.nowS ?? Math.floor(Date.now() / 1000);
  const header = b64url(JSON.stringify({ alg, typ: "JWT" }));
  const claims = b64url(JSON.stringify({ exp: now + (opts.lifetimeS ?? PROMETHEUS_TOKEN_LIFETIME_S), sub: creds.accessKey, iss: "prometheus" }));
  const sig = createHmac(ALGORITHMS[alg], creds.secretKey).update(`${header}.${claims}`).digest();
  return `${header}.${claims}.${b64url(sig)}`;
}

/** The token of an `Authorization: Bearer …` header, or null. */
export function bearerToken(authorization: string | null): string | null {
  if (!authorization || authorization.length <= 7 || authorization.slice(0, 7).toUpperCase() !== "BEARER ") return null;
  return authorization.slice(7).trim() || null;
}

/**
 * Checks a metrics token. `lookup` returns the secret key of an access key (today only the root
 * user has one); the signature must verify with it, the issuer must be "prometheus", and `exp`
 * and `nbf`, when present, must hold at `nowS`.
 */
export function verifyPrometheusToken(token: string, lookup: (accessKey: string) => string | null, nowS = Math.floor(Date.now() / 1000)): TokenCheck {
  const parts = token.split(".");
  if (parts.length !== 3) return { ok: false, reason: "malformed token" };
  const header = decodeJson(parts[0]);
  const claims = decodeJson(parts[1]);
  if (!header || !claims) return { ok: false, reason: "malformed token" };
  const hash = typeof header.alg === "string" ? ALGORITHMS[header.alg] : undefined;
  if (!hash) return { ok: false, reason: `unsupported signing method ${JSON.stringify(header.alg)}` };
  const accessKey = typeof claims.accessKey === "string" ? claims.accessKey : typeof claims.sub === "string" ? claims.sub : "";
  if (!accessKey) return { ok: false, reason: "no access key in the token" };
  const secret = lookup(accessKey);
  if (secret === null) return { ok: false, reason: "unknown access key" };
  const expected = createHmac(hash, secret).update(`${parts[0]}.${parts[1]}`).digest();
  const given = Buffer.from(parts[2], "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: "signature mismatch" };
  if (claims.iss !== "prometheus") return { ok: false, reason: "issuer is not prometheus" };
  if (typeof claims.exp === "number" && claims.exp < nowS) return { ok: false, reason: "token expired" };
  if (typeof claims.nbf === "number" && claims.nbf > nowS) return { ok: false, reason: "token not valid yet" };
  return { ok: true, accessKey };
}
