// HMAC and hashing primitives for request signing, constant-time comparison, and the bounded
// cache of SigV4 signing keys (one derivation per secret, day, region and service).
import { createHash, createHmac, timingSafeEqual } from "node:crypto";

export function hmacSha256(key: Uint8Array | string, data: Uint8Array | string): Uint8Array {
  return new Uint8Array(createHmac("sha256", key).update(data).digest());
}

export function hmacSha256Hex(key: Uint8Array | string, data: Uint8Array | string): string {
  return createHmac("sha256", key).update(data).digest("hex");
}

export function hmacSha1Base64(key: string, data: string): string {
  return createHmac("sha1", key).update(data, "utf8").digest("base64");
}

export function sha256Hex(data: Uint8Array | string): string {
  return createHash("sha256").update(data).digest("hex");
}

/** SHA-256 of the empty string, the hash of an empty payload. */
export const EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/**
 * Compares two signatures without leaking where they differ. Different lengths still cost one
 * full comparison so the time does not reveal the expected length either.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a, "utf8");
  const bb = Buffer.from(b, "utf8");
  if (ab.length !== bb.length) {
    timingSafeEqual(ab, ab);
    return false;
  }
  return timingSafeEqual(ab, bb);
}

/** kSigning = HMAC(HMAC(HMAC(HMAC("AWS4"+secret, date), region), service), "aws4_request"). */
export function deriveSigningKey(secret: string, date: string, region: string, service: string): Uint8Array {
  const kDate = hmacSha256(`AWS4${secret}`, date);
  const kRegion = hmacSha256(kDate, region);
  const kService = hmacSha256(kRegion, service);
  return hmacSha256(kService, "aws4_request");
}

/**
 * Derived signing keys, least recently used evicted first. Keys change daily, so a few hundred
 * entries cover every active credential; the cache is owned by whoever constructs it.
 */
export class SigningKeyCache {
  readonly #entries = new Map<string, Uint8Array>();

  constructor(readonly maxEntries = 256) {
    if (!(maxEntries >= 1)) throw new RangeError("SigningKeyCache needs room for at least one key");
  }

  get size(): number {
    return this.#entries.size;
  }

  get(secret: string, date: string, region: string, service: string): Uint8Array {
    const id = `${date}\u0000${region}\u0000${service}\u0000${secret}`;
    const hit = this.#entries.get(id);
    if (hit) {
      this.#entries.delete(id);
      this.#entries.set(id, hit);
      return hit;
    }
    const key = deriveSigningKey(secret, date, region, service);
    this.#entries.set(id, key);
    if (this.#entries.size > this.maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
    return key;
  }
}
