// The secure-io/sio-go stream construction (SPEC §7.3) on whole buffers: MinIO's KMS-encrypted
// config objects and madmin's EncryptData both wrap their payload in it. Fragments of
// `fragmentSize` plaintext bytes, each sealed with nonce ‖ LE32(seq) and AD = flag ‖ adTag.
import { type Aead, TAG_SIZE, aesGcm, chacha20Poly1305, xchacha20Poly1305 } from "./aead.ts";
import { AUTH_FAILED, CryptoError } from "./crypto-error.ts";

/**
 * The AEADs a stream can use. MinIO writes AES-256-GCM or ChaCha20-Poly1305 (8-byte stream
 * nonce); AES-128-GCM and XChaCha20-Poly1305 (20-byte stream nonce) are what sio-go's own test
 * vectors use.
 */
export type SioAlgorithm = "AES-256-GCM" | "ChaCha20-Poly1305" | "AES-128-GCM" | "XChaCha20-Poly1305";

/** sio-go's default (and MinIO's) fragment size: 16 KiB of plaintext per fragment. */
const SIO_FRAGMENT_SIZE = 16384;

export interface SioOptions {
  /** Plaintext bytes per fragment; sio-go calls it the buffer size. Default 16384. */
  fragmentSize?: number;
  /** Names the thing being decrypted in error messages, e.g. `config object "config/config.json"`. */
  what?: string;
}

const FLAG_MORE = 0x00;
const FLAG_FINAL = 0x80;

function aeadOf(alg: SioAlgorithm, key: Uint8Array): Aead {
  const need = alg === "AES-128-GCM" ? 16 : 32;
  if (key.length !== need) throw new CryptoError("Malformed", `Cannot use a ${key.length}-byte key for ${alg}: it needs ${need} bytes`);
  switch (alg) {
    case "AES-256-GCM":
    case "AES-128-GCM":
      return aesGcm(key);
    case "ChaCha20-Poly1305":
      return chacha20Poly1305(key);
    case "XChaCha20-Poly1305":
      return xchacha20Poly1305(key);
    default:
      throw new CryptoError("Unsupported", `Cannot use stream algorithm "${alg}": not supported`);
  }
}

/** Bytes of stream nonce an algorithm takes: the AEAD nonce minus the 4-byte sequence number. */
function sioNonceSize(alg: SioAlgorithm): number {
  return alg === "XChaCha20-Poly1305" ? 20 : 8;
}

/** Encrypted size of `plaintextLength` bytes: one tag per fragment, and at least one (final) fragment. */
export function sioEncryptedSize(plaintextLength: number, fragmentSize = SIO_FRAGMENT_SIZE): number {
  return plaintextLength + TAG_SIZE * Math.max(1, Math.ceil(plaintextLength / fragmentSize));
}

/** Per-stream state shared by both directions: the keyed AEAD, the nonce template and the adTag. */
function streamSetup(alg: SioAlgorithm, key: Uint8Array, nonce: Uint8Array, ad: Uint8Array, fragmentSize: number) {
  if (!Number.isInteger(fragmentSize) || fragmentSize < 1) throw new RangeError(`Fragment size must be a positive integer, got ${fragmentSize}`);
  const aead = aeadOf(alg, key);
  const size = sioNonceSize(alg);
  if (nonce.length !== size) throw new CryptoError("Malformed", `Cannot use a ${nonce.length}-byte stream nonce for ${alg}: it needs ${size} bytes`);
  const full = new Uint8Array(size + 4);
  full.set(nonce);
  const seqView = new DataView(full.buffer, size, 4);
  const nonceFor = (seq: number) => {
    seqView.setUint32(0, seq, true);
    return full;
  };
  // adTag authenticates the caller's AD once; every fragment then carries flag ‖ adTag as its AD.
  const adTag = aead.seal(nonceFor(0), new Uint8Array(0), ad);
  const fragmentAd = new Uint8Array(1 + TAG_SIZE);
  fragmentAd.set(adTag, 1);
  const adFor = (final: boolean) => {
    fragmentAd[0] = final ? FLAG_FINAL : FLAG_MORE;
    return fragmentAd;
  };
  return { aead, nonceFor, adFor };
}

/** Encrypts a whole buffer into one sio-go stream (`ad` defaults to empty). */
export function sioEncrypt(
  alg: SioAlgorithm,
  key: Uint8Array,
  nonce: Uint8Array,
  plaintext: Uint8Array,
  ad: Uint8Array = new Uint8Array(0),
  opts: SioOptions = {},
): Uint8Array {
  const fragmentSize = opts.fragmentSize ?? SIO_FRAGMENT_SIZE;
  const { aead, nonceFor, adFor } = streamSetup(alg, key, nonce, ad, fragmentSize);
  const count = Math.max(1, Math.ceil(plaintext.length / fragmentSize));
  if (count >= 0xffff_ffff) throw new RangeError("Cannot encrypt: too many fragments for one sio stream");
  const out = new Uint8Array(sioEncryptedSize(plaintext.length, fragmentSize));
  for (let i = 0; i < count; i++) {
    const chunk = plaintext.subarray(i * fragmentSize, (i + 1) * fragmentSize);
    out.set(aead.seal(nonceFor(i + 1), chunk, adFor(i === count - 1)), i * (fragmentSize + TAG_SIZE));
  }
  return out;
}

/**
 * Decrypts a whole sio-go stream. A fragment is final when fewer than fragmentSize + 17 bytes
 * remain, so a truncated, extended or final-less stream fails authentication instead of
 * returning a prefix. Nothing is returned unless every fragment verifies.
 */
export function sioDecrypt(
  alg: SioAlgorithm,
  key: Uint8Array,
  nonce: Uint8Array,
  ciphertext: Uint8Array,
  ad: Uint8Array = new Uint8Array(0),
  opts: SioOptions = {},
): Uint8Array {
  const fragmentSize = opts.fragmentSize ?? SIO_FRAGMENT_SIZE;
  const what = opts.what ?? "encrypted stream";
  const { aead, nonceFor, adFor } = streamSetup(alg, key, nonce, ad, fragmentSize);
  if (ciphertext.length < TAG_SIZE) {
    throw new CryptoError("Malformed", `Cannot decrypt ${what}: ${ciphertext.length} bytes is shorter than one ${TAG_SIZE}-byte tag`);
  }
  const sealedSize = fragmentSize + TAG_SIZE;
  const count = Math.floor((ciphertext.length - 1) / sealedSize) + 1; // full fragments, then a final one of 1..sealedSize bytes
  const lastSize = ciphertext.length - (count - 1) * sealedSize;
  if (lastSize < TAG_SIZE) {
    throw new CryptoError("Tampered", `Cannot decrypt ${what}: its final fragment is ${lastSize} bytes, shorter than a tag (truncated or tampered data)`);
  }
  const out = new Uint8Array(ciphertext.length - TAG_SIZE * count);
  let pos = 0;
  for (let seq = 1; ; seq++) {
    const final = ciphertext.length - pos <= sealedSize;
    const end = final ? ciphertext.length : pos + sealedSize;
    const plain = aead.open(nonceFor(seq), ciphertext.subarray(pos, end), adFor(final));
    if (plain === null) throw new CryptoError("Tampered", `Cannot decrypt ${what}: ${AUTH_FAILED} at fragment ${seq}`);
    out.set(plain, (seq - 1) * fragmentSize);
    if (final) return out;
    pos = end;
  }
}
