// The AEAD ciphers the MinIO formats use, behind one small interface: AES-GCM (node:crypto) and
// ChaCha20-Poly1305 / XChaCha20-Poly1305 (RFC 8439 and draft-irtf-cfrg-xchacha, our own code,
// since Bun's node:crypto lacks them). All tags are 16 bytes; `open` returns null on a bad tag.
import { createCipheriv, createDecipheriv, timingSafeEqual } from "node:crypto";
import { chacha20Xor, hchacha20 } from "./chacha20.ts";
import { poly1305 } from "./poly1305.ts";

export const TAG_SIZE = 16;

/** One keyed AEAD instance. */
export interface Aead {
  /** Nonce length in bytes (12, or 24 for XChaCha20-Poly1305). */
  readonly nonceSize: number;
  /** Returns ciphertext ‖ 16-byte tag. */
  seal(nonce: Uint8Array, plaintext: Uint8Array, ad: Uint8Array): Uint8Array;
  /** Returns the plaintext, or null when the tag does not verify (wrong key, nonce, AD or changed bytes). */
  open(nonce: Uint8Array, sealed: Uint8Array, ad: Uint8Array): Uint8Array | null;
}

function checkNonce(nonce: Uint8Array, size: number, name: string): void {
  if (nonce.length !== size) throw new RangeError(`${name} needs a ${size}-byte nonce, got ${nonce.length} bytes`);
}

/** AES-GCM with a 16- or 32-byte key (AES-128-GCM / AES-256-GCM), 12-byte nonce. */
export function aesGcm(key: Uint8Array): Aead {
  if (key.length !== 16 && key.length !== 32) throw new RangeError(`AES-GCM needs a 16- or 32-byte key, got ${key.length} bytes`);
  const cipher = key.length === 16 ? "aes-128-gcm" : "aes-256-gcm";
  return {
    nonceSize: 12,
    seal(nonce, plaintext, ad) {
      checkNonce(nonce, 12, "AES-GCM");
      const c = createCipheriv(cipher, key, nonce, { authTagLength: TAG_SIZE });
      c.setAAD(ad);
      const head = c.update(plaintext);
      const tail = c.final();
      const out = new Uint8Array(head.length + tail.length + TAG_SIZE);
      out.set(head);
      out.set(tail, head.length);
      out.set(c.getAuthTag(), head.length + tail.length);
      return out;
    },
    open(nonce, sealed, ad) {
      checkNonce(nonce, 12, "AES-GCM");
      if (sealed.length < TAG_SIZE) return null;
      const body = sealed.subarray(0, sealed.length - TAG_SIZE);
      const d = createDecipheriv(cipher, key, nonce, { authTagLength: TAG_SIZE });
      d.setAAD(ad);
      d.setAuthTag(sealed.subarray(body.length));
      const head = d.update(body);
      try {
        const tail = d.final();
        // The decipher's output is a fresh buffer of its own: handed out as it is, not copied.
        const out = tail.length === 0 ? head : Buffer.concat([head, tail]);
        return new Uint8Array(out.buffer, out.byteOffset, out.length);
      } catch {
        return null;
      }
    },
  };
}

/** The RFC 8439 §2.8 MAC input: ad ‖ pad16 ‖ ciphertext ‖ pad16 ‖ LE64(|ad|) ‖ LE64(|ciphertext|). */
function macData(ad: Uint8Array, ct: Uint8Array): Uint8Array {
  const pad = (n: number) => (16 - (n % 16)) % 16;
  const ctOff = ad.length + pad(ad.length);
  const lenOff = ctOff + ct.length + pad(ct.length);
  const out = new Uint8Array(lenOff + 16);
  out.set(ad);
  out.set(ct, ctOff);
  const v = new DataView(out.buffer);
  v.setBigUint64(lenOff, BigInt(ad.length), true);
  v.setBigUint64(lenOff + 8, BigInt(ct.length), true);
  return out;
}

/** ChaCha20-Poly1305 (RFC 8439 §2.8): 32-byte key, 12-byte nonce. */
export function chacha20Poly1305(key: Uint8Array): Aead {
  if (key.length !== 32) throw new RangeError(`ChaCha20-Poly1305 needs a 32-byte key, got ${key.length} bytes`);
  const tagOf = (nonce: Uint8Array, ct: Uint8Array, ad: Uint8Array) => {
    const otk = chacha20Xor(key, nonce, 0, new Uint8Array(32));
    return poly1305(otk, macData(ad, ct));
  };
  return {
    nonceSize: 12,
    seal(nonce, plaintext, ad) {
      checkNonce(nonce, 12, "ChaCha20-Poly1305");
      const ct = chacha20Xor(key, nonce, 1, plaintext);
      const out = new Uint8Array(ct.length + TAG_SIZE);
      out.set(ct);
      out.set(tagOf(nonce, ct, ad), ct.length);
      return out;
    },
    open(nonce, sealed, ad) {
      checkNonce(nonce, 12, "ChaCha20-Poly1305");
      if (sealed.length < TAG_SIZE) return null;
      const ct = sealed.subarray(0, sealed.length - TAG_SIZE);
      if (!timingSafeEqual(tagOf(nonce, ct, ad), sealed.subarray(ct.length))) return null;
      return chacha20Xor(key, nonce, 1, ct);
    },
  };
}

/** XChaCha20-Poly1305: subkey = HChaCha20(key, nonce[0..16]), then ChaCha20-Poly1305 with nonce 0⁴ ‖ nonce[16..24]. */
export function xchacha20Poly1305(key: Uint8Array): Aead {
  if (key.length !== 32) throw new RangeError(`XChaCha20-Poly1305 needs a 32-byte key, got ${key.length} bytes`);
  const inner = (nonce: Uint8Array) => {
    checkNonce(nonce, 24, "XChaCha20-Poly1305");
    const short = new Uint8Array(12);
    short.set(nonce.subarray(16), 4);
    return { aead: chacha20Poly1305(hchacha20(key, nonce.subarray(0, 16))), short };
  };
  return {
    nonceSize: 24,
    seal(nonce, plaintext, ad) {
      const { aead, short } = inner(nonce);
      return aead.seal(short, plaintext, ad);
    },
    open(nonce, sealed, ad) {
      const { aead, short } = inner(nonce);
      return aead.open(short, sealed, ad);
    },
  };
}
