// madmin's EncryptData/DecryptData (SPEC §7.4): salt(32) ‖ id(1) ‖ nonce(8) ‖ sio-go stream,
// keyed by Argon2id or PBKDF2 over a password. Admin request/response bodies use the caller's
// secret key as password; very old IAM files use "<rootAccessKey>:<rootSecretKey>".
import { pbkdf2Sync, randomBytes } from "node:crypto";
import { argon2id } from "hash-wasm";
import { CryptoError } from "./crypto-error.ts";
import { type SioAlgorithm, sioDecrypt, sioEncrypt } from "./sio-stream.ts";

/** The three key-derivation + cipher pairs, by the id byte madmin writes after the salt. */
export type MadminAlgorithm = "argon2id-aes-gcm" | "argon2id-chacha20-poly1305" | "pbkdf2-aes-gcm";

const IDS: readonly MadminAlgorithm[] = ["argon2id-aes-gcm", "argon2id-chacha20-poly1305", "pbkdf2-aes-gcm"];
const SALT_SIZE = 32;
const NONCE_SIZE = 8;
const HEADER_SIZE = SALT_SIZE + 1 + NONCE_SIZE;

export interface MadminEncryptOptions {
  /**
   * Default "argon2id-aes-gcm" (id 0x00). madmin itself picks ChaCha20-Poly1305 when the CPU
   * has no AES instructions (and PBKDF2 in FIPS builds); we always write AES-GCM because every
   * reader accepts all three ids and node:crypto's AES-GCM is far faster than our ChaCha20.
   */
  algorithm?: MadminAlgorithm;
  /** Source of the salt (read first, 32 bytes) and the stream nonce (8 bytes); tests inject it. */
  random?: (size: number) => Uint8Array;
}

export interface MadminDecryptOptions {
  /** Names the payload in error messages, e.g. "admin request body". */
  what?: string;
}

/** What madmin derives the 32-byte stream key from: Argon2id(t=1, m=64 MiB, p=4) or PBKDF2-SHA256(8192). */
async function deriveKey(algorithm: MadminAlgorithm, password: string, salt: Uint8Array): Promise<Uint8Array> {
  if (algorithm === "pbkdf2-aes-gcm") return new Uint8Array(pbkdf2Sync(password, salt, 8192, 32, "sha256"));
  // hash-wasm refuses empty passwords; MinIO never has one (secret keys are ≥ 8 characters).
  if (password === "") throw new CryptoError("Unsupported", "Cannot derive an Argon2id key from an empty password: not supported");
  return argon2id({ password, salt, iterations: 1, memorySize: 65536, parallelism: 4, hashLength: 32, outputType: "binary" });
}

function cipherOf(algorithm: MadminAlgorithm): SioAlgorithm {
  return algorithm === "argon2id-chacha20-poly1305" ? "ChaCha20-Poly1305" : "AES-256-GCM";
}

/** Cheap format sniff: longer than the salt and a known algorithm id right after it. */
export function looksMadminEncrypted(data: Uint8Array): boolean {
  return data.length > SALT_SIZE && data[SALT_SIZE] <= 2;
}

/** Encrypts `plaintext` the way madmin.EncryptData does. */
export async function madminEncrypt(password: string, plaintext: Uint8Array, opts: MadminEncryptOptions = {}): Promise<Uint8Array> {
  const algorithm = opts.algorithm ?? "argon2id-aes-gcm";
  const id = IDS.indexOf(algorithm);
  if (id < 0) throw new CryptoError("Unsupported", `Cannot encrypt with madmin algorithm "${algorithm}": not supported`);
  const random = opts.random ?? ((n: number) => new Uint8Array(randomBytes(n)));
  const salt = random(SALT_SIZE);
  const nonce = random(NONCE_SIZE);
  if (salt.length !== SALT_SIZE || nonce.length !== NONCE_SIZE) throw new RangeError("The random source returned the wrong number of bytes");
  const key = await deriveKey(algorithm, password, salt);
  const stream = sioEncrypt(cipherOf(algorithm), key, nonce, plaintext);
  const out = new Uint8Array(HEADER_SIZE + stream.length);
  out.set(salt);
  out[SALT_SIZE] = id;
  out.set(nonce, SALT_SIZE + 1);
  out.set(stream, HEADER_SIZE);
  return out;
}

/** Decrypts madmin.EncryptData output of any of the three ids; throws CryptoError, never returns wrong plaintext. */
export async function madminDecrypt(password: string, data: Uint8Array, opts: MadminDecryptOptions = {}): Promise<Uint8Array> {
  const what = opts.what ?? "madmin-encrypted data";
  if (data.length < HEADER_SIZE + 16) {
    throw new CryptoError("Malformed", `Cannot decrypt ${what}: ${data.length} bytes is shorter than the ${HEADER_SIZE + 16}-byte minimum`);
  }
  const algorithm = IDS[data[SALT_SIZE]];
  if (algorithm === undefined) throw new CryptoError("Unsupported", `Cannot decrypt ${what}: unknown algorithm id ${data[SALT_SIZE]}`);
  const key = await deriveKey(algorithm, password, data.subarray(0, SALT_SIZE));
  const nonce = data.subarray(SALT_SIZE + 1, HEADER_SIZE);
  return sioDecrypt(cipherOf(algorithm), key, nonce, data.subarray(HEADER_SIZE), undefined, { what });
}
