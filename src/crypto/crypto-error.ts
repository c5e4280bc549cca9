// CryptoError: the one error class of the crypto layer (DESIGN.md §4). Messages say what was
// being decrypted or parsed, because callers (admin bodies, IAM files, config objects) surface them.

export type CryptoErrorKind =
  /** The bytes do not have the layout of the format (too short, bad header, bad JSON, bad base64). */
  | "Malformed"
  /** Authentication failed: the key is wrong or the data was changed, truncated or extended. */
  | "Tampered"
  /** The data names a key we do not have (another KMS key name). */
  | "WrongKey"
  /** A well-formed input asks for something we do not implement (format version, algorithm id). */
  | "Unsupported"
  /** An external KMS (KES) could not be reached or answered with a server error; retrying may help. */
  | "Unavailable"
  /** An external KMS refused this client: no or unknown client certificate, or its policy forbids the call. */
  | "Denied";

export class CryptoError extends Error {
  override readonly name = "CryptoError";
  readonly kind: CryptoErrorKind;

  constructor(kind: CryptoErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.kind = kind;
  }
}

/** The message tail every authentication failure uses: we cannot tell a wrong key from changed bytes. */
export const AUTH_FAILED = "authentication failed (wrong key or tampered data)";
