// The client certificate a KES server knows this server by: from a PEM certificate and key
// (MINIO_KMS_KES_CERT_FILE/_KEY_FILE, the key maybe encrypted), or made from a KES API key
// ("kes:v1:…", an Ed25519 seed) as a self-signed certificate. KES names a client by its identity:
// the hex SHA-256 of the certificate's DER SubjectPublicKeyInfo.
import { createHash, createPrivateKey, createPublicKey, randomBytes, sign, X509Certificate, type KeyObject } from "node:crypto";
import { CryptoError } from "./crypto-error.ts";

/** What the TLS client presents to KES. */
export interface KesClientCertificate {
  /** PEM certificate (chain). */
  cert: string;
  /** Its private key, unencrypted PKCS#8 PEM. */
  key: string;
  /** KES's name for this client: hex SHA-256 of the certificate's SubjectPublicKeyInfo. */
  identity: string;
}

/** The KES identity of the (first) certificate in `certPem`. */
export function kesIdentity(certPem: string): string {
  return identityOf(new X509Certificate(certPem).publicKey);
}

function identityOf(publicKey: KeyObject): string {
  return createHash("sha256")
    .update(publicKey.export({ type: "spki", format: "der" }))
    .digest("hex");
}

/**
 * A certificate and private key as given in files; an encrypted key (legacy PEM or PKCS#8) opens
 * with `password`. Errors say which half is wrong and never echo key material or the password.
 */
export function kesClientCertificate(certPem: string, keyPem: string, password?: string): KesClientCertificate {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certPem);
  } catch (err) {
    throw new CryptoError("Malformed", "Cannot read the KES client certificate: not a PEM X.509 certificate", { cause: err });
  }
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: keyPem, passphrase: password === undefined || password === "" ? undefined : password });
  } catch (err) {
    const code = (err as { code?: string }).code;
    const why =
      code === "ERR_MISSING_PASSPHRASE"
        ? "it is encrypted and MINIO_KMS_KES_KEY_PASSWORD is not set"
        : code === "ERR_OSSL_BAD_DECRYPT"
          ? "it does not decrypt with MINIO_KMS_KES_KEY_PASSWORD (wrong password)"
          : "not a PEM private key";
    throw new CryptoError("Malformed", `Cannot read the KES client private key: ${why}`, { cause: err });
  }
  if (!cert.checkPrivateKey(key)) {
    throw new CryptoError("Malformed", "Cannot use the KES client certificate: its private key file holds a different key");
  }
  return { cert: certPem, key: key.export({ type: "pkcs8", format: "pem" }) as string, identity: identityOf(cert.publicKey) };
}

const API_KEY_PREFIX = "kes:v1:";
/** PKCS#8 wrapping of a raw Ed25519 seed (RFC 8410): the 16 bytes before the 32-byte seed. */
const ED25519_PKCS8_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");
const OID_ED25519 = [0x2b, 0x65, 0x70];
const OID_COMMON_NAME = [0x55, 0x04, 0x03];
const OID_KEY_USAGE = [0x55, 0x1d, 0x0f];
const OID_EXT_KEY_USAGE = [0x55, 0x1d, 0x25];
const OID_BASIC_CONSTRAINTS = [0x55, 0x1d, 0x13];
const OID_CLIENT_AUTH = [0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x02];
const DAY_MS = 86_400_000;

/**
 * The client certificate of a KES API key: "kes:v1:" + base64(type 0x00 ‖ 32-byte Ed25519 seed).
 * As KES's own clients do, a self-signed certificate (CN = the identity, client auth, 90 days)
 * is made for the key; KES identifies the client by the public key, not by the certificate.
 */
export function kesApiKeyCertificate(apiKey: string, now = new Date()): KesClientCertificate {
  const bad = (why: string) => new CryptoError("Malformed", `Cannot parse MINIO_KMS_KES_API_KEY: ${why}`);
  if (!apiKey.startsWith(API_KEY_PREFIX)) throw bad(`it does not start with "${API_KEY_PREFIX}"`);
  const b64 = apiKey.slice(API_KEY_PREFIX.length).trim();
  if (!/^[A-Za-z0-9+/]{44}$/.test(b64)) throw bad("the part after the prefix is not base64 of 33 bytes");
  const raw = Buffer.from(b64, "base64");
  if (raw[0] !== 0) throw bad(`unknown key type ${raw[0]} (only 0, Ed25519, exists)`);
  const privateKey = createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, raw.subarray(1)]), format: "der", type: "pkcs8" });
  const spki = createPublicKey(privateKey).export({ type: "spki", format: "der" });
  const identity = createHash("sha256").update(spki).digest("hex");
  const name = seq(set(seq(oid(OID_COMMON_NAME), tlv(0x0c, Buffer.from(identity)))));
  const algorithm = seq(oid(OID_ED25519));
  const serial = randomBytes(16);
  serial[0] = (serial[0] & 0x7f) | 0x01; // positive and without a leading zero byte
  const extensions = seq(
    seq(oid(OID_KEY_USAGE), TRUE, octets(tlv(0x03, Buffer.from([0x07, 0x80])))), // digitalSignature
    seq(oid(OID_EXT_KEY_USAGE), octets(seq(oid(OID_CLIENT_AUTH)))),
    seq(oid(OID_BASIC_CONSTRAINTS), TRUE, octets(seq())), // not a CA
  );
  const tbs = seq(
    tlv(0xa0, tlv(0x02, Buffer.from([2]))), // version 3
    tlv(0x02, serial),
    algorithm,
    name,
    seq(x509Time(new Date(now.getTime() - 60_000)), x509Time(new Date(now.getTime() + 90 * DAY_MS))),
    name,
    spki,
    tlv(0xa3, extensions),
  );
  const signature = sign(null, tbs, privateKey);
  const der = seq(tbs, algorithm, tlv(0x03, Buffer.concat([Buffer.from([0]), signature])));
  return { cert: pem("CERTIFICATE", der), key: privateKey.export({ type: "pkcs8", format: "pem" }) as string, identity };
}

const TRUE = Buffer.from([0x01, 0x01, 0xff]);

/** One DER element: tag, definite length, content. */
function tlv(tag: number, content: Buffer): Buffer {
  const n = content.length;
  const len = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return Buffer.concat([Buffer.from([tag, ...len]), content]);
}

function seq(...items: Buffer[]): Buffer {
  return tlv(0x30, Buffer.concat(items));
}

function set(...items: Buffer[]): Buffer {
  return tlv(0x31, Buffer.concat(items));
}

function oid(bytes: number[]): Buffer {
  return tlv(0x06, Buffer.from(bytes));
}

function octets(content: Buffer): Buffer {
  return tlv(0x04, content);
}

/** X.509 validity time: UTCTime "YYMMDDHHMMSSZ" for 1950–2049, GeneralizedTime "YYYYMMDDHHMMSSZ" after. */
function x509Time(d: Date): Buffer {
  const two = (n: number) => String(n).padStart(2, "0");
  const year = d.getUTCFullYear();
  const rest = two(d.getUTCMonth() + 1) + two(d.getUTCDate()) + two(d.getUTCHours()) + two(d.getUTCMinutes()) + two(d.getUTCSeconds()) + "Z";
  return year < 2050 ? tlv(0x17, Buffer.from(two(year % 100) + rest)) : tlv(0x18, Buffer.from(String(year) + rest));
}

function pem(label: string, der: Buffer): string {
  const lines = der.toString("base64").match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}
