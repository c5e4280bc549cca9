// Browsers calling the S3 API from a web page (CORS): the preflight OPTIONS answered at the front
// door, and Access-Control-* headers on every answer to an allowed Origin. The origins come from
// the api subsystem's cors_allow_origin; no bucket has CORS rules of its own here yet.
import { S3Error } from "./errors.ts";

export interface CorsPolicy {
  /** Allowed origins: "*" matches any text, e.g. "*" or "https://*.example.com". */
  allowOrigins: readonly string[];
}

/** The methods S3 serves to browsers. */
const METHODS = ["GET", "PUT", "POST", "DELETE", "HEAD"];

/** Response headers a page can read without being told (the CORS-safelisted ones). */
const SAFELISTED = new Set(["cache-control", "content-language", "content-length", "content-type", "expires", "last-modified", "pragma"]);

/** `pattern` with "*" standing for any run of characters (none included), matched against the whole `text`. */
export function matchesWildcard(pattern: string, text: string): boolean {
  const parts = pattern.split("*");
  if (parts.length === 1) return pattern === text;
  const [first, ...rest] = parts;
  const last = rest.pop()!;
  if (!text.startsWith(first) || text.length < first.length + last.length || !text.endsWith(last)) return false;
  let at = first.length;
  const end = text.length - last.length;
  for (const part of rest) {
    const found = text.indexOf(part, at);
    if (found < 0 || found + part.length > end) return false;
    at = found + part.length;
  }
  return true;
}

export function originAllowed(policy: CorsPolicy, origin: string): boolean {
  return policy.allowOrigins.some((pattern) => matchesWildcard(pattern, origin));
}

/** A browser's preflight: OPTIONS naming the method it means to send. */
export function isPreflight(req: Request): boolean {
  return req.method === "OPTIONS" && req.headers.has("origin") && req.headers.has("access-control-request-method");
}

/**
 * The answer to a preflight: 200 with what the page may send when its origin and method are
 * allowed (every request header is), else S3's 403 for a CORS request it does not allow.
 */
export function preflightResponse(req: Request, policy: CorsPolicy): Response {
  const origin = req.headers.get("origin") ?? "";
  const method = (req.headers.get("access-control-request-method") ?? "").trim();
  if (!originAllowed(policy, origin) || !METHODS.includes(method)) {
    throw new S3Error("AccessForbidden", undefined, { headers: { vary: "Origin, Access-Control-Request-Method, Access-Control-Request-Headers" } });
  }
  const headers = new Headers({
    "access-control-allow-origin": origin,
    "access-control-allow-methods": METHODS.join(", "),
    "access-control-allow-credentials": "true",
    vary: "Origin, Access-Control-Request-Method, Access-Control-Request-Headers",
  });
  const asked = req.headers.get("access-control-request-headers");
  if (asked?.trim()) headers.set("access-control-allow-headers", asked);
  return new Response(null, { status: 200, headers });
}

/**
 * Marks any answer as depending on Origin and, for an allowed origin, lets the page read it:
 * the origin echoed (credentials allowed, so never "*") and every header it carries exposed.
 */
export function addCorsHeaders(req: Request, response: Response, policy: CorsPolicy): void {
  const h = response.headers;
  h.append("vary", "Origin");
  const origin = req.headers.get("origin");
  if (!origin || !originAllowed(policy, origin)) return;
  h.set("access-control-allow-origin", origin);
  h.set("access-control-allow-credentials", "true");
  const exposed = [...h.keys()].filter((name) => !SAFELISTED.has(name) && name !== "vary" && !name.startsWith("access-control-"));
  if (exposed.length > 0) h.set("access-control-expose-headers", exposed.join(", "));
}
