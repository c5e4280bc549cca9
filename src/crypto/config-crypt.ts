// MinIO's encrypted `.minio.sys` config and IAM objects: the KMS format of SPEC §7.3
// (version ‖ LE32 header length ‖ JSON header ‖ sio-go stream) and the §7.2 read order that
// tells plain, madmin-encrypted (root credential) and KMS-encrypted bodies apart.
import { isUtf8 } from "node:buffer";
import { randomBytes } from "node:crypto";
import { posix } from "node:path";
import { CryptoError } from "./crypto-error.ts";
import { type KmsContext, decodeBase64, goJsonString } from "./kms-builtin.ts";
import type { Kms } from "./kms.ts";
import { looksMadminEncrypted, madminDecrypt } from "./madmin-crypt.ts";
import { type SioAlgorithm, sioDecrypt, sioEncrypt } from "./sio-stream.ts";

const VERSION = 0x01;
const MAX_HEADER = 1 << 20;
const NONCE_SIZE = 8;
const META_BUCKET = ".minio.sys";

export interface EncryptConfigOptions {
  /** Source of the 8-byte stream nonce; tests inject it. */
  random?: (size: number) => Uint8Array;
}

export interface ReadConfigOptions {
  /** "<rootAccessKey>:<rootSecretKey>": the password of the old (2019–2021) madmin-encrypted files. */
  rootCredential?: string;
  /** The configured KMS, if any. */
  kms?: Kms;
  /** The object's path under .minio.sys, e.g. "config/iam/users/alice/identity.json". */
  objPath: string;
}

/** The context MinIO writes with (and tries first): {".minio.sys": ".minio.sys/<objPath>"}. */
function contextsFor(objPath: string): KmsContext[] {
  const joined = posix.join(META_BUCKET, objPath).replace(/\/+$/, "");
  return [{ [META_BUCKET]: joined }, { [META_BUCKET]: objPath }];
}

/** Encrypts a config object under a fresh data key (format §7.3, always AES-256-GCM). */
export async function encryptConfig(kms: Kms, plaintext: Uint8Array, objPath: string, opts: EncryptConfigOptions = {}): Promise<Uint8Array> {
  const dek = await kms.generateKey(contextsFor(objPath)[0]);
  const nonce = (opts.random ?? ((n: number) => new Uint8Array(randomBytes(n))))(NONCE_SIZE);
  if (nonce.length !== NONCE_SIZE) throw new RangeError("The random source returned the wrong number of bytes");
  const b64 = (b: Uint8Array) => Buffer.from(b).toString("base64");
  const header = new TextEncoder().encode(
    `{"keyid":${goJsonString(kms.keyId)},"kmskey":"${b64(dek.ciphertext)}","algorithm":"AES-256-GCM","nonce":"${b64(nonce)}"}`,
  );
  const stream = sioEncrypt("AES-256-GCM", dek.plaintext, nonce, plaintext);
  const out = new Uint8Array(5 + header.length + stream.length);
  out[0] = VERSION;
  new DataView(out.buffer).setUint32(1, header.length, true);
  out.set(header, 5);
  out.set(stream, 5 + header.length);
  return out;
}

interface ConfigHeader {
  keyid: string;
  kmskey: Uint8Array;
  algorithm: SioAlgorithm;
  nonce: Uint8Array;
}

function parseHeader(data: Uint8Array, what: string): { header: ConfigHeader; body: Uint8Array } {
  const bad = (why: string) => new CryptoError("Malformed", `Cannot decrypt ${what}: ${why}`);
  if (data.length < 5) throw bad(`${data.length} bytes is too short for the header`);
  if (data[0] !== VERSION) throw new CryptoError("Unsupported", `Cannot decrypt ${what}: unknown format version ${data[0]}`);
  const length = new DataView(data.buffer, data.byteOffset + 1, 4).getUint32(0, true);
  if (length > MAX_HEADER || 5 + length > data.length) throw bad(`header length ${length} does not fit the ${data.length}-byte object`);
  let doc: unknown;
  try {
    doc = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(data.subarray(5, 5 + length)));
  } catch (err) {
    throw new CryptoError("Malformed", `Cannot decrypt ${what}: the header is not JSON`, { cause: err });
  }
  const o = (typeof doc === "object" && doc !== null ? doc : {}) as Record<string, unknown>;
  if (typeof o.keyid !== "string") throw bad('the header has no "keyid"');
  const kmskey = decodeBase64(o.kmskey);
  if (kmskey === null) throw bad('the header\'s "kmskey" is not base64');
  if (o.algorithm !== "AES-256-GCM" && o.algorithm !== "ChaCha20-Poly1305") {
    throw new CryptoError("Unsupported", `Cannot decrypt ${what}: unknown algorithm ${JSON.stringify(o.algorithm)}`);
  }
  const nonce = decodeBase64(o.nonce);
  if (nonce?.length !== NONCE_SIZE) throw bad(`the header's "nonce" is not base64 of ${NONCE_SIZE} bytes`);
  return { header: { keyid: o.keyid, kmskey, algorithm: o.algorithm, nonce }, body: data.subarray(5 + length) };
}

/** Decrypts a KMS-encrypted config object, trying both KMS contexts of §7.2 in order. */
export async function decryptConfig(kms: Kms, data: Uint8Array, objPath: string): Promise<Uint8Array> {
  const what = `config object "${objPath}"`;
  const { header, body } = parseHeader(data, what);
  let dek: Uint8Array | undefined;
  for (const context of contextsFor(objPath)) {
    try {
      dek = await kms.decrypt(header.keyid, header.kmskey, context);
      break;
    } catch (err) {
      if (!(err instanceof CryptoError) || err.kind !== "Tampered") {
        throw err instanceof CryptoError ? new CryptoError(err.kind, `Cannot decrypt ${what}: ${err.message}`, { cause: err }) : err;
      }
    }
  }
  if (dek === undefined) {
    throw new CryptoError("Tampered", `Cannot decrypt ${what}: its data key did not decrypt under either KMS context (wrong key or tampered data)`);
  }
  return sioDecrypt(header.algorithm, dek, header.nonce, body, undefined, { what });
}

/**
 * The plaintext of a `.minio.sys` config/IAM object in MinIO's order (§7.2): valid UTF-8 is
 * plain JSON as stored; otherwise madmin-encrypted with the root credential; otherwise KMS.
 */
export async function readConfigBytes(data: Uint8Array, opts: ReadConfigOptions): Promise<Uint8Array> {
  if (isUtf8(data)) return data;
  const what = `config object "${opts.objPath}"`;
  let madminError: unknown;
  if (opts.rootCredential !== undefined && looksMadminEncrypted(data)) {
    try {
      return await madminDecrypt(opts.rootCredential, data, { what });
    } catch (err) {
      madminError = err;
    }
  }
  if (opts.kms !== undefined) {
    try {
      return await decryptConfig(opts.kms, data, opts.objPath);
    } catch (err) {
      // A body that is not even in the KMS layout failed as madmin data: that error says more.
      throw madminError !== undefined && data[0] !== VERSION ? madminError : err;
    }
  }
  if (madminError !== undefined) throw madminError;
  if (looksMadminEncrypted(data)) throw new CryptoError("Unsupported", `Cannot read ${what}: it is encrypted with the root credential, and none was given`);
  if (data[0] === VERSION) throw new CryptoError("Unsupported", `Cannot read ${what}: it is KMS-encrypted, and no KMS is configured`);
  throw new CryptoError("Malformed", `Cannot read ${what}: it is neither UTF-8 JSON nor in a known encrypted format`);
}
