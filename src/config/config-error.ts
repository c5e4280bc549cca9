// ConfigError: the one error type for bad command lines, environment variables and drive
// layouts. Messages are single lines that name the offending value and say how to fix it,
// because the server prints them as its last words before exiting.

export type ConfigErrorKind =
  /** A `{N...M}` range or an expanded pattern is malformed. */
  | "InvalidEllipses"
  /** Drive arguments that cannot form erasure sets (count, duplicates, mixed styles, bad URLs). */
  | "InvalidEndpoints"
  /** MINIO_ERASURE_SET_DRIVE_COUNT does not fit the drive count. */
  | "InvalidSetDriveCount"
  /** `EC:n` storage-class value malformed or not possible with the set size. */
  | "InvalidStorageClass"
  /** Root user/password missing half of a pair or too short. */
  | "InvalidCredentials"
  /** --address / --console-address malformed or not this machine. */
  | "InvalidAddress"
  /** A flag that does not exist, lacks its value or has a malformed value. */
  | "InvalidFlag"
  /** A sub-command that does not exist. */
  | "UnknownCommand"
  /** Any other environment variable with an unusable value. */
  | "InvalidEnv";

export class ConfigError extends Error {
  override readonly name = "ConfigError";
  readonly kind: ConfigErrorKind;

  constructor(kind: ConfigErrorKind, message: string, options?: { cause?: unknown }) {
    // Whatever a caller passes, the printed message stays one line.
    super(message.replace(/\s*[\r\n]+\s*/g, "; "), options);
    this.kind = kind;
  }
}
