// One authenticated admin request as every admin call sees it: who signed it, the body it signed,
// and the answers madmin reads — plain JSON, or JSON encrypted with the caller's secret key
// (madmin.EncryptData) for calls that carry credentials.
import { CryptoError, madminDecrypt, madminEncrypt } from "../crypto/index.ts";
import type { Identity } from "../iam/index.ts";
import { AdminError } from "./admin-error.ts";

/** Who signed an admin request, and what they sent. */
export interface AdminCaller {
  identity: Identity;
  /** The caller's secret key: the password of encrypted bodies both ways. */
  secretKey: string;
  /** The whole request body (admin bodies are small; its hash was checked against the signature). */
  body: Uint8Array;
}

export interface AdminRequest extends AdminCaller {
  req: Request;
  url: URL;
  query: URLSearchParams;
  /** The client's address, when the listener told it. */
  remoteAddress?: string;
}

export function jsonResponse(value: unknown, status = 200): Response {
  return new Response(JSON.stringify(value), { status, headers: { "content-type": "application/json" } });
}

export function emptyAdminResponse(status = 200): Response {
  return new Response(null, { status });
}

/** A JSON answer encrypted for the caller, as madmin's DecryptData expects. */
export async function encryptedResponse(ctx: AdminRequest, value: unknown): Promise<Response> {
  const sealed = await madminEncrypt(ctx.secretKey, new TextEncoder().encode(JSON.stringify(value)));
  return new Response(sealed, { headers: { "content-type": "application/octet-stream" } });
}

/** The request body decrypted with the caller's secret; a tampered or foreign body is refused clearly. */
export async function decryptedBody(ctx: AdminRequest): Promise<Uint8Array> {
  if (ctx.body.length === 0) throw new AdminError("XMinioAdminInvalidArgument", "The request needs an encrypted body");
  try {
    return await madminDecrypt(ctx.secretKey, ctx.body, { what: "admin request body" });
  } catch (err) {
    if (err instanceof CryptoError) throw new AdminError("XMinioAdminConfigBadJSON", err.message, 400);
    throw err;
  }
}

/** A JSON object from bytes, or XMinioAdminInvalidArgument naming the problem. */
export function parseJsonObject(bytes: Uint8Array, what: string): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = JSON.parse(new TextDecoder().decode(bytes));
  } catch (err) {
    throw new AdminError("XMinioAdminInvalidArgument", `The ${what} is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) throw new AdminError("XMinioAdminInvalidArgument", `The ${what} must be a JSON object`);
  return doc as Record<string, unknown>;
}

/** A required query parameter. */
export function requireParam(ctx: AdminRequest, name: string): string {
  const v = ctx.query.get(name);
  if (v === null || v === "") throw new AdminError("XMinioAdminInvalidArgument", `The "${name}" parameter is required`);
  return v;
}

/** An optional string field of a decoded body. */
export function stringField(doc: Record<string, unknown>, name: string): string | undefined {
  const v = doc[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string") throw new AdminError("XMinioAdminInvalidArgument", `"${name}" must be a string`);
  return v;
}
