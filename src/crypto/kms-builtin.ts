// BuiltinKms: MinIO's static single-key KMS (MINIO_KMS_SECRET_KEY=<name>:<base64 32 bytes>,
// SPEC §8.2): data keys in the binary and legacy JSON forms, bound to a KMS context whose JSON
// bytes (kmsContextJson, Go's escaping) must match MinIO's exactly or authentication fails.
import { createHmac, randomBytes } from "node:crypto";
import { aesGcm, chacha20Poly1305 } from "./aead.ts";
import { hchacha20 } from "./chacha20.ts";
import { AUTH_FAILED, CryptoError } from "./crypto-error.ts";
import type { DataKey, Kms, KmsContext } from "./kms.ts";

export type { DataKey, KmsContext } from "./kms.ts";

const HEX = "0123456789abcdef";
const SHORT: Record<string, string> = { '"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/**
 * `s` as a JSON string literal the way Go's encoding/json writes it: `"` and `\` escaped,
 * \n \r \t short, other control characters and `<` `>` `&` U+2028 U+2029 as \u00XX / \uXXXX
 * (lower-case hex), and lone surrogates (invalid UTF-8 in Go) as \ufffd.
 */
export function goJsonString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ch = s[i];
    if (SHORT[ch] !== undefined) out += SHORT[ch];
    else if (c < 0x20 || ch === "<" || ch === ">" || ch === "&" || c === 0x2028 || c === 0x2029) {
      out += "\\u" + HEX[(c >> 12) & 15] + HEX[(c >> 8) & 15] + HEX[(c >> 4) & 15] + HEX[c & 15];
    } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      out += ch + s[++i]; // a valid surrogate pair: one character outside the BMP, written as is
    } else if (c >= 0xd800 && c <= 0xdfff) out += "\\ufffd";
    else out += ch;
  }
  return out + '"';
}

/** Go compares strings bytewise (UTF-8); JS `<` compares UTF-16 units, which differs above U+FFFF. */
function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

/** `{}` when empty, else `{"k":"v",...}` sorted by key, no spaces, Go-escaped (SPEC §8.2). */
export function kmsContextJson(ctx: KmsContext): string {
  const keys = Object.keys(ctx).sort(compareUtf8);
  return "{" + keys.map((k) => goJsonString(k) + ":" + goJsonString(ctx[k])).join(",") + "}";
}

export interface BuiltinKmsOptions {
  /** Source of the data key (32), iv (16) and nonce (12), read in that order; tests inject it. */
  random?: (size: number) => Uint8Array;
}

const IV_SIZE = 16;
const NONCE_SIZE = 12;
const BASE64_32 = /^[A-Za-z0-9+/]{43}=$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Strict (padded, standard alphabet) base64 as Go's StdEncoding reads it; null when not base64. */
export function decodeBase64(s: unknown): Uint8Array | null {
  if (typeof s !== "string" || !BASE64.test(s)) return null;
  return new Uint8Array(Buffer.from(s, "base64"));
}

function hmacSha256(key: Uint8Array, data: Uint8Array): Uint8Array {
  return new Uint8Array(createHmac("sha256", key).update(data).digest());
}

export class BuiltinKms implements Kms {
  /** The key name before the colon; data keys name it as their key id. */
  readonly keyId: string;
  readonly #master: Uint8Array;
  readonly #random: (size: number) => Uint8Array;

  /** Parses the MINIO_KMS_SECRET_KEY value; the error never echoes the key material. */
  constructor(secretKey: string, opts: BuiltinKmsOptions = {}) {
    const colon = secretKey.indexOf(":");
    const name = colon < 0 ? "" : secretKey.slice(0, colon);
    const b64 = secretKey.slice(colon + 1).trim();
    const usage = 'expected "<key-name>:<base64 of 32 bytes>"';
    if (colon < 0) throw new CryptoError("Malformed", `Cannot parse MINIO_KMS_SECRET_KEY: no ":" separator, ${usage}`);
    if (name.trim() === "") throw new CryptoError("Malformed", `Cannot parse MINIO_KMS_SECRET_KEY: the key name is empty, ${usage}`);
    if (!BASE64_32.test(b64)) {
      throw new CryptoError("Malformed", `Cannot parse MINIO_KMS_SECRET_KEY for key "${name}": the key is not base64 of exactly 32 bytes, ${usage}`);
    }
    this.keyId = name;
    this.#master = new Uint8Array(Buffer.from(b64, "base64"));
    this.#random = opts.random ?? ((n: number) => new Uint8Array(randomBytes(n)));
  }

  /** A new 32-byte data key sealed under the master key, bound to `context`. */
  async generateKey(context: KmsContext = {}, keyId?: string): Promise<DataKey> {
    return this.generateKeySync(context, keyId);
  }

  /** generateKey without the promise (the key is local). */
  generateKeySync(context: KmsContext = {}, keyId = this.keyId): DataKey {
    if (keyId !== this.keyId)
      throw new CryptoError("WrongKey", `Cannot make a data key with KMS key "${keyId}": MINIO_KMS_SECRET_KEY holds key "${this.keyId}"`);
    const plaintext = this.#take(32);
    const iv = this.#take(IV_SIZE);
    const nonce = this.#take(NONCE_SIZE);
    const sealed = aesGcm(hmacSha256(this.#master, iv)).seal(nonce, plaintext, new TextEncoder().encode(kmsContextJson(context)));
    const ciphertext = new Uint8Array(sealed.length + IV_SIZE + NONCE_SIZE);
    ciphertext.set(sealed);
    ciphertext.set(iv, sealed.length);
    ciphertext.set(nonce, sealed.length + IV_SIZE);
    return { plaintext, ciphertext };
  }

  /** The plaintext data key of a binary or legacy-JSON ciphertext made by key `keyId` with `context`. */
  async decrypt(keyId: string, ciphertext: Uint8Array, context: KmsContext = {}): Promise<Uint8Array> {
    return this.decryptSync(keyId, ciphertext, context);
  }

  /** decrypt without the promise (the key is local). */
  decryptSync(keyId: string, ciphertext: Uint8Array, context: KmsContext = {}): Uint8Array {
    if (keyId !== this.keyId) {
      throw new CryptoError("WrongKey", `Cannot decrypt data key of KMS key "${keyId}": MINIO_KMS_SECRET_KEY holds key "${this.keyId}"`);
    }
    const ad = new TextEncoder().encode(kmsContextJson(context));
    const legacy = ciphertext[0] === 0x7b ? parseLegacy(ciphertext) : null; // '{'
    let plain: Uint8Array | null;
    if (legacy !== null) {
      const key = legacy.aead === "ChaCha20Poly1305" ? hchacha20(this.#master, legacy.iv) : hmacSha256(this.#master, legacy.iv);
      const aead = legacy.aead === "ChaCha20Poly1305" ? chacha20Poly1305(key) : aesGcm(key);
      plain = aead.open(legacy.nonce, legacy.bytes, ad);
    } else {
      if (ciphertext.length < 16 + IV_SIZE + NONCE_SIZE) {
        throw new CryptoError("Malformed", `Cannot decrypt data key of KMS key "${keyId}": ${ciphertext.length} bytes is too short`);
      }
      const nonceAt = ciphertext.length - NONCE_SIZE;
      const iv = ciphertext.subarray(nonceAt - IV_SIZE, nonceAt);
      plain = aesGcm(hmacSha256(this.#master, iv)).open(ciphertext.subarray(nonceAt), ciphertext.subarray(0, nonceAt - IV_SIZE), ad);
    }
    if (plain === null) throw new CryptoError("Tampered", `Cannot decrypt data key of KMS key "${keyId}": ${AUTH_FAILED}`);
    return plain;
  }

  #take(size: number): Uint8Array {
    const b = this.#random(size);
    if (b.length !== size) throw new RangeError("The random source returned the wrong number of bytes");
    return b;
  }
}

interface LegacyCiphertext {
  aead: "AES-256-GCM-HMAC-SHA-256" | "ChaCha20Poly1305";
  iv: Uint8Array;
  nonce: Uint8Array;
  bytes: Uint8Array;
}

/**
 * The legacy JSON form {"aead","id"?,"iv","nonce","bytes"}; null when the bytes are not JSON
 * at all (a binary ciphertext may start with "{" by chance), an error when JSON but unusable.
 */
function parseLegacy(ciphertext: Uint8Array): LegacyCiphertext | null {
  let doc: unknown;
  try {
    doc = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(ciphertext));
  } catch {
    return null;
  }
  const bad = (why: string) => new CryptoError("Malformed", `Cannot decrypt legacy JSON data key: ${why}`);
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) throw bad("not a JSON object");
  const o = doc as Record<string, unknown>;
  if (o.aead !== "AES-256-GCM-HMAC-SHA-256" && o.aead !== "ChaCha20Poly1305") {
    throw new CryptoError("Unsupported", `Cannot decrypt legacy JSON data key: unknown algorithm ${JSON.stringify(o.aead)}`);
  }
  const iv = decodeBase64(o.iv);
  const nonce = decodeBase64(o.nonce);
  const bytes = decodeBase64(o.bytes);
  if (iv?.length !== IV_SIZE) throw bad(`"iv" must be base64 of ${IV_SIZE} bytes`);
  if (nonce?.length !== NONCE_SIZE) throw bad(`"nonce" must be base64 of ${NONCE_SIZE} bytes`);
  if (bytes === null || bytes.length < 16) throw bad('"bytes" must be base64 of at least a 16-byte tag');
  return { aead: o.aead, iv, nonce, bytes };
}
