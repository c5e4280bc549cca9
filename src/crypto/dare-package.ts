// One DARE package (minio/sio, SPEC §8.5): the 16-byte header, sealing a version 2.0 package and
// opening version 2.0 or 1.0 packages in stream order. dare.ts (whole buffers) and
// dare-stream.ts (incremental) build streams on these two functions.
import { type Aead, TAG_SIZE, aesGcm, chacha20Poly1305 } from "./aead.ts";
import { AUTH_FAILED, CryptoError } from "./crypto-error.ts";

/** The AEADs a DARE package can name in header byte 1 (0x00 and 0x01). */
export type DareCipher = "AES-256-GCM" | "ChaCha20-Poly1305";

export const DARE_HEADER_SIZE = 16;
/** Plaintext bytes of every package but the final one. */
export const DARE_PAYLOAD_SIZE = 65536;
/** Bytes of a full package: header ‖ 64 KiB ciphertext ‖ tag. */
export const DARE_PACKAGE_SIZE = DARE_HEADER_SIZE + DARE_PAYLOAD_SIZE + TAG_SIZE;
/** Sequence numbers are 32 bits: a stream has at most 2^32 packages. */
export const DARE_MAX_SEQUENCE = 0xffff_ffff;

const V10 = 0x10;
const V20 = 0x20;
const FINAL = 0x80;
const CIPHERS: readonly DareCipher[] = ["AES-256-GCM", "ChaCha20-Poly1305"];

/** The numeric id of a cipher name; a RangeError for anything else (a caller bug, not data). */
export function dareCipherId(cipher: DareCipher): number {
  const id = CIPHERS.indexOf(cipher);
  if (id < 0) throw new RangeError(`Unknown DARE cipher "${cipher}"`);
  return id;
}

/** Checks a DARE key: always 32 bytes (both ciphers). */
export function checkDareKey(key: Uint8Array, what: string): void {
  if (key.length !== 32) throw new CryptoError("Malformed", `Cannot use a ${key.length}-byte key for ${what}: DARE needs 32 bytes`);
}

function aeadFor(id: number, key: Uint8Array): Aead {
  return id === 0 ? aesGcm(key) : chacha20Poly1305(key);
}

/** AEAD nonce of a v2 package: header bytes 4..15 (final flag included) with the last four XORed, LE32, with the sequence number. */
function v2Nonce(header: Uint8Array, seq: number): Uint8Array {
  const nonce = copy(header, 4, 16); // a copy even when `header` is a Buffer, whose slice() is a view
  const v = new DataView(nonce.buffer);
  v.setUint32(8, (v.getUint32(8, true) ^ seq) >>> 0, true);
  return nonce;
}

/** A v2 package of `payload` (1..65536 bytes) under `nonce` (12 bytes, bit 7 of byte 0 clear) with sequence number `seq`. */
export function sealDarePackage(aead: Aead, cipherId: number, nonce: Uint8Array, seq: number, payload: Uint8Array, final: boolean): Uint8Array {
  const header = new Uint8Array(DARE_HEADER_SIZE);
  header[0] = V20;
  header[1] = cipherId;
  header[2] = (payload.length - 1) & 0xff;
  header[3] = (payload.length - 1) >> 8;
  header.set(nonce, 4);
  if (final) header[4] |= FINAL;
  const sealed = aead.seal(v2Nonce(header, seq), payload, header.subarray(0, 4));
  const out = new Uint8Array(DARE_HEADER_SIZE + sealed.length);
  out.set(header);
  out.set(sealed, DARE_HEADER_SIZE);
  return out;
}

/** Makes the keyed AEAD for sealing. */
export function dareAead(cipher: DareCipher, key: Uint8Array): Aead {
  return aeadFor(dareCipherId(cipher), key);
}

/** Total bytes of the package whose header starts `head` (at least 4 bytes): header ‖ payload ‖ tag. */
export function darePackageLength(head: Uint8Array): number {
  return DARE_HEADER_SIZE + (head[2] | (head[3] << 8)) + 1 + TAG_SIZE;
}

/** What opening a stream's packages in order has to remember between packages. */
export interface DareOpenState {
  readonly key: Uint8Array;
  /** Names the stream in error messages. */
  readonly what: string;
  /** Sequence number of the next package. */
  seq: number;
  /** 0x20 or 0x10 once the first package was read; every package of a stream has the same. */
  version: number;
  /** v2: header bytes 4..15 of the first package with the final flag cleared. */
  nonce: Uint8Array | null;
  /** A package that can only be the last one was read (v2: final flag; v1: short payload). */
  ended: boolean;
  /** v2 only: the final package was read. */
  final: boolean;
  /** AEAD instances by cipher id. */
  aeads: (Aead | undefined)[];
}

export function dareOpenState(key: Uint8Array, seq: number, what: string): DareOpenState {
  checkDareKey(key, what);
  if (!Number.isInteger(seq) || seq < 0 || seq > DARE_MAX_SEQUENCE) throw new RangeError(`DARE sequence number must be a uint32, got ${seq}`);
  return { key, what, seq, version: 0, nonce: null, ended: false, final: false, aeads: [] };
}

/**
 * Verifies and decrypts the next package of a stream (`pkg` holds exactly one package, sized by
 * darePackageLength). Rejects a package after the last one, a short package that is not the
 * last, a changed version or stream nonce and a v1 package out of order, so reordered, dropped
 * or spliced packages fail as surely as flipped bytes.
 */
export function openDarePackage(st: DareOpenState, pkg: Uint8Array): Uint8Array {
  const fail = (kind: "Malformed" | "Tampered" | "Unsupported", why: string) => new CryptoError(kind, `Cannot decrypt ${st.what}: ${why} at package ${st.seq}`);
  if (pkg.length < DARE_HEADER_SIZE + 1 + TAG_SIZE || pkg.length !== darePackageLength(pkg)) throw fail("Tampered", "truncated package");
  if (st.ended) throw fail("Tampered", "data after the final package");
  const version = pkg[0];
  if (version !== V20 && version !== V10) throw fail("Malformed", `unknown DARE version 0x${version.toString(16).padStart(2, "0")}`);
  if (st.version !== 0 && version !== st.version) throw fail("Tampered", "package version changes within the stream");
  const cipherId = pkg[1];
  if (cipherId >= CIPHERS.length) throw fail("Unsupported", `unknown DARE cipher id ${cipherId}`);
  if (st.seq > DARE_MAX_SEQUENCE) throw fail("Tampered", "too many packages");
  const payloadSize = pkg.length - DARE_HEADER_SIZE - TAG_SIZE;
  const header = pkg.subarray(0, DARE_HEADER_SIZE);
  let nonce: Uint8Array;
  let ref: Uint8Array | null = null;
  let ended: boolean;
  if (version === V20) {
    ended = (pkg[4] & FINAL) !== 0;
    if (!ended && payloadSize !== DARE_PAYLOAD_SIZE) throw fail("Tampered", "short package without the final flag");
    ref = copy(header, 4, 16);
    ref[0] &= ~FINAL;
    if (st.nonce !== null && !equal(ref, st.nonce)) throw fail("Tampered", "package of another stream (nonce differs)");
    nonce = v2Nonce(header, st.seq);
  } else {
    const seq = new DataView(pkg.buffer, pkg.byteOffset + 4, 4).getUint32(0, true);
    if (seq !== st.seq) throw fail("Tampered", `package out of order (its sequence number is ${seq})`);
    nonce = copy(header, 4, 16);
    ended = payloadSize !== DARE_PAYLOAD_SIZE;
  }
  const aead = (st.aeads[cipherId] ??= aeadFor(cipherId, st.key));
  const plain = aead.open(nonce, pkg.subarray(DARE_HEADER_SIZE), header.subarray(0, 4));
  if (plain === null) throw fail("Tampered", AUTH_FAILED);
  // State changes only once the package verified.
  st.version = version;
  st.nonce ??= ref;
  st.ended = ended;
  st.final = version === V20 && ended;
  st.seq++;
  return plain;
}

function copy(b: Uint8Array, start: number, end: number): Uint8Array {
  return new Uint8Array(b.subarray(start, end));
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i] ^ b[i];
  return d === 0;
}
