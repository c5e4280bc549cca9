// Session tokens of temporary credentials and service accounts: compact JWTs signed with
// HMAC-SHA512 by the root secret, as MinIO issues them, so either server can read the other's.
import { createHmac, timingSafeEqual } from "node:crypto";

const HEADER = Buffer.from(JSON.stringify({ alg: "HS512", typ: "JWT" })).toString("base64url");

export function signSessionToken(claims: Record<string, unknown>, secret: string): string {
  const body = `${HEADER}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}`;
  return `${body}.${createHmac("sha512", secret).update(body).digest("base64url")}`;
}

/** The claims of a token signed by `secret` with HS256/384/512; null when it is not one. */
export function verifySessionToken(token: string, secret: string): Record<string, unknown> | null {
  const parts = token.split(".");
  if (parts.length !== 3) return null;
  let header: { alg?: string };
  let claims: unknown;
  try {
    header = JSON.parse(Buffer.from(parts[0], "base64url").toString("utf8"));
    claims = JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8"));
  } catch {
    return null;
  }
  const hash = { HS256: "sha256", HS384: "sha384", HS512: "sha512" }[header.alg ?? ""];
  if (!hash || typeof claims !== "object" || claims === null) return null;
  const want = createHmac(hash, secret).update(`${parts[0]}.${parts[1]}`).digest();
  const got = Buffer.from(parts[2], "base64url");
  if (got.length !== want.length || !timingSafeEqual(got, want)) return null;
  return claims as Record<string, unknown>;
}
