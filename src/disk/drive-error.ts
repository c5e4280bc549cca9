// DriveError: the one error type of the disk layer. Every Drive implementation (local,
// remote, fault-injecting) reports failures with these kinds so object/ can reduce them.

export type DriveErrorKind =
  /** The volume (bucket or .minio.sys) does not exist on this drive. */
  | "VolumeNotFound"
  /** makeVol on a volume that already exists. */
  | "VolumeExists"
  /** deleteVol without force on a volume that still holds entries. */
  | "VolumeNotEmpty"
  /** The file or xl.meta does not exist. */
  | "FileNotFound"
  /** xl.meta exists but does not hold the requested version. */
  | "VersionNotFound"
  /** A path component is an object (has xl.meta) where a prefix is needed, or vice versa. */
  | "ParentIsObject"
  /** The path is not acceptable: escapes the root, empty segment, NUL, absolute, too long. */
  | "InvalidPath"
  /** I/O error, drive missing, timeout: the drive is not usable for this call. */
  | "Faulty"
  /** No space left. */
  | "Full"
  /** Bytes on the drive fail a checksum or do not decode. */
  | "Corrupt"
  /** The drive has no format.json (fresh or replaced drive). */
  | "Unformatted";

export class DriveError extends Error {
  override name = "DriveError";
  constructor(
    readonly kind: DriveErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isDriveError(err: unknown, ...kinds: DriveErrorKind[]): err is DriveError {
  return err instanceof DriveError && (kinds.length === 0 || kinds.includes(err.kind));
}
