// Internode auth tokens: "<node, base64url>.<expiry ms>.<HMAC-SHA256, base64url>", signed with
// the root secret. Short-lived, so a leaked token is worth minutes; verified in constant time.
import { createHmac, timingSafeEqual } from "node:crypto";
import { RpcError } from "./rpc-error.ts";

function mac(secret: string, payload: string): Buffer {
  // A context string of its own keeps these MACs from ever matching another use of the secret.
  return createHmac("sha256", secret).update("bunker-rpc-token\n").update(payload).digest();
}

/** A token saying "`node` may call until now + ttlMs". */
export function signToken(secret: string, node: string, ttlMs: number, now = Date.now()): string {
  const payload = `${Buffer.from(node, "utf8").toString("base64url")}.${Math.floor(now + ttlMs)}`;
  return `${payload}.${mac(secret, payload).toString("base64url")}`;
}

/** The calling node's name; throws RpcError "Unauthorized" for a bad signature, expiry or shape. */
export function verifyToken(secret: string, token: string, now = Date.now()): { node: string } {
  const parts = token.split(".");
  if (parts.length !== 3 || !/^[\w-]*$/.test(parts[0]) || !/^\d{1,16}$/.test(parts[1]) || !/^[\w-]{43}$/.test(parts[2])) {
    throw new RpcError("Unauthorized", "Malformed internode token");
  }
  const given = Buffer.from(parts[2], "base64url");
  const expected = mac(secret, `${parts[0]}.${parts[1]}`);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new RpcError("Unauthorized", "Internode token signature does not match (do the nodes share the root credentials?)");
  }
  const expires = Number(parts[1]);
  if (expires <= now) throw new RpcError("Unauthorized", `Internode token expired ${now - expires} ms ago (clock skew between nodes?)`);
  return { node: Buffer.from(parts[0], "base64url").toString("utf8") };
}
