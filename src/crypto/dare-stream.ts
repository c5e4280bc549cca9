// Incremental DARE (SPEC §8.5) for streamed object bodies: DareEncryptor seals 64 KiB packages
// as bytes arrive, DareDecryptor releases plaintext one verified package at a time (trimmed to a
// range), and both come as TransformStreams. Memory: one package per direction.
import type { Aead } from "./aead.ts";
import { CryptoError } from "./crypto-error.ts";
import {
  DARE_MAX_SEQUENCE,
  DARE_PAYLOAD_SIZE,
  type DareOpenState,
  checkDareKey,
  dareAead,
  dareCipherId,
  dareOpenState,
  darePackageLength,
  openDarePackage,
  sealDarePackage,
} from "./dare-package.ts";
import { type DareEncryptOptions, type DarePackagesOptions, dareNonce } from "./dare.ts";

/** Seals a stream chunk by chunk; the last package is only sealed by end(), since it carries the final flag. */
export class DareEncryptor {
  readonly #aead: Aead;
  readonly #cipherId: number;
  readonly #nonce: Uint8Array;
  readonly #buf = new Uint8Array(DARE_PAYLOAD_SIZE);
  #fill = 0;
  #seq: number;
  #ended = false;

  constructor(key: Uint8Array, opts: DareEncryptOptions = {}) {
    checkDareKey(key, "DARE encryption");
    const cipher = opts.cipher ?? "AES-256-GCM";
    this.#aead = dareAead(cipher, key);
    this.#cipherId = dareCipherId(cipher);
    this.#nonce = dareNonce(opts.random);
    this.#seq = opts.sequence ?? 0;
    if (!Number.isInteger(this.#seq) || this.#seq < 0 || this.#seq > DARE_MAX_SEQUENCE)
      throw new RangeError(`DARE sequence number must be a uint32, got ${this.#seq}`);
  }

  /** Adds plaintext; returns the full packages it completed (a full buffer waits for the next byte or end()). */
  push(chunk: Uint8Array): Uint8Array[] {
    if (this.#ended) throw new RangeError("DareEncryptor.push after end()");
    const out: Uint8Array[] = [];
    for (let at = 0; at < chunk.length; ) {
      if (this.#fill === DARE_PAYLOAD_SIZE) out.push(this.#seal(false));
      const n = Math.min(chunk.length - at, DARE_PAYLOAD_SIZE - this.#fill);
      this.#buf.set(chunk.subarray(at, at + n), this.#fill);
      this.#fill += n;
      at += n;
    }
    return out;
  }

  /** The final package, or nothing when no byte was pushed (the empty stream). */
  end(): Uint8Array[] {
    if (this.#ended) return [];
    this.#ended = true;
    return this.#fill === 0 ? [] : [this.#seal(true)];
  }

  #seal(final: boolean): Uint8Array {
    if (this.#seq > DARE_MAX_SEQUENCE) throw new RangeError("Cannot encrypt: more than 2^32 DARE packages in one stream");
    const pkg = sealDarePackage(this.#aead, this.#cipherId, this.#nonce, this.#seq++, this.#buf.subarray(0, this.#fill), final);
    this.#fill = 0;
    return pkg;
  }
}

export interface DareDecryptorOptions extends DarePackagesOptions {
  /** Plaintext bytes to drop from the start of the first package (DareRange.skip). */
  skip?: number;
  /** Plaintext bytes to release after the skip (DareRange.length); default all. */
  length?: number;
}

/**
 * Opens packages as their bytes arrive. Plaintext of a package is released only after it
 * verified, but a stream cut short still releases its verified prefix before end() throws: a
 * caller must treat an error from push() or end() as the failure of the whole read.
 */
export class DareDecryptor {
  readonly #st: DareOpenState;
  readonly #endsStream: boolean | undefined;
  #chunks: Uint8Array[] = [];
  #held = 0;
  #skip: number;
  #left: number;

  constructor(key: Uint8Array, opts: DareDecryptorOptions = {}) {
    this.#st = dareOpenState(key, opts.sequence ?? 0, opts.what ?? "DARE stream");
    this.#endsStream = opts.endsStream;
    this.#skip = opts.skip ?? 0;
    this.#left = opts.length ?? Number.POSITIVE_INFINITY;
  }

  /** Adds ciphertext; returns the plaintext of the packages it completed (within the range). */
  push(chunk: Uint8Array): Uint8Array[] {
    if (chunk.length > 0) {
      this.#chunks.push(chunk);
      this.#held += chunk.length;
    }
    const out: Uint8Array[] = [];
    while (this.#held >= 4) {
      const need = darePackageLength(this.#peek(4));
      if (this.#held < need) break;
      const plain = this.#trim(openDarePackage(this.#st, this.#take(need)));
      if (plain.length > 0) out.push(plain);
    }
    return out;
  }

  /** Checks that the input ended on a package boundary and, if asked, with (or without) the final package. */
  end(): void {
    const st = this.#st;
    if (this.#held > 0) throw new CryptoError("Tampered", `Cannot decrypt ${st.what}: truncated package at package ${st.seq}`);
    if (this.#endsStream !== undefined && st.version === 0x20 && st.final !== this.#endsStream) {
      const why = st.final ? "the stream ends before the last package asked for" : "the final package is missing (truncated stream)";
      throw new CryptoError("Tampered", `Cannot decrypt ${st.what}: ${why}`);
    }
    if (this.#left !== Number.POSITIVE_INFINITY && this.#left > 0) {
      throw new CryptoError("Tampered", `Cannot decrypt ${st.what}: the stream ended ${this.#left} bytes before the end of the range`);
    }
  }

  #trim(plain: Uint8Array): Uint8Array {
    const drop = Math.min(this.#skip, plain.length);
    this.#skip -= drop;
    const keep = Math.min(plain.length - drop, this.#left);
    this.#left -= keep;
    return plain.subarray(drop, drop + keep);
  }

  #peek(n: number): Uint8Array {
    return this.#chunks[0].length >= n ? this.#chunks[0] : this.#gather(n, false);
  }

  #take(n: number): Uint8Array {
    const first = this.#chunks[0];
    if (first.length < n) return this.#gather(n, true);
    this.#held -= n;
    if (first.length === n) this.#chunks.shift();
    else this.#chunks[0] = first.subarray(n);
    return first.subarray(0, n);
  }

  /** The first n held bytes in one buffer, spanning chunks; `consume` removes them. */
  #gather(n: number, consume: boolean): Uint8Array {
    const out = new Uint8Array(n);
    let pos = 0;
    let i = 0;
    while (pos < n) {
      const c = this.#chunks[i];
      const k = Math.min(c.length, n - pos);
      out.set(c.subarray(0, k), pos);
      pos += k;
      if (consume && k === c.length) this.#chunks.shift();
      else if (consume) this.#chunks[i] = c.subarray(k);
      else i++;
    }
    if (consume) this.#held -= n;
    return out;
  }
}

/** Plaintext in, DARE 2.0 stream out. */
export function dareEncryptTransform(key: Uint8Array, opts: DareEncryptOptions = {}): TransformStream<Uint8Array, Uint8Array> {
  const enc = new DareEncryptor(key, opts);
  return new TransformStream({
    transform: (chunk, ctl) => enc.push(chunk).forEach((p) => ctl.enqueue(p)),
    flush: (ctl) => enc.end().forEach((p) => ctl.enqueue(p)),
  });
}

/** DARE packages in, verified plaintext out; errors the stream on any failed check. */
export function dareDecryptTransform(key: Uint8Array, opts: DareDecryptorOptions = {}): TransformStream<Uint8Array, Uint8Array> {
  const dec = new DareDecryptor(key, opts);
  return new TransformStream({
    transform: (chunk, ctl) => dec.push(chunk).forEach((p) => ctl.enqueue(p)),
    flush: () => dec.end(),
  });
}
