// CompressError: the one error class of the compress layer (DESIGN.md §4). Every malformed,
// truncated or unsupported S2 input ends here; messages say what was being decoded and where.

export type CompressErrorKind =
  /** The bytes break the S2 block, stream or index format (bad tag, offset, length, header). */
  | "Corrupt"
  /** A chunk decoded, but its CRC-32C does not match the data: the bytes were changed. */
  | "Checksum"
  /** The input ended inside a chunk, or before the offset the caller asked to skip to. */
  | "Truncated"
  /** Well-formed input this decoder refuses: a reserved unskippable chunk type. */
  | "Unsupported"
  /** A caller's argument or configuration value is out of range (block size, padding, config list). */
  | "InvalidArgument";

export class CompressError extends Error {
  override readonly name = "CompressError";
  readonly kind: CompressErrorKind;

  constructor(kind: CompressErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.kind = kind;
  }
}
