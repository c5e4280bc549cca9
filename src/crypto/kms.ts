// The one interface every KMS offers the server: data keys for new objects and config files,
// and the plaintext of a stored data key. BuiltinKms (MINIO_KMS_SECRET_KEY) and KesKms
// (MINIO_KMS_KES_ENDPOINT) implement it; callers never know which one they hold.
/** A KMS context (the data key's associated data): string pairs. */
export type KmsContext = Readonly<Record<string, string>>;

/** A fresh data encryption key: use `plaintext`, store `ciphertext` next to the data. */
export interface DataKey {
  /** 32 random bytes. */
  plaintext: Uint8Array;
  /** The KMS's ciphertext of it (built-in key: AES-256-GCM(ciphertext ‖ tag) ‖ iv(16) ‖ nonce(12), 76 bytes). */
  ciphertext: Uint8Array;
}

export interface Kms {
  /** The key new data keys are made with (the built-in key's name, or MINIO_KMS_KES_KEY_NAME). */
  readonly keyId: string;
  /** A fresh 32-byte data key made by key `keyId` (default: this.keyId), bound to `context`. */
  generateKey(context: KmsContext, keyId?: string): Promise<DataKey>;
  /** The plaintext of a data key `keyId` made with `context`; CryptoError when it does not open. */
  decrypt(keyId: string, ciphertext: Uint8Array, context: KmsContext): Promise<Uint8Array>;
}
