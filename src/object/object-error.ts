// ObjectError: the one error type of the object layer; s3/errors.ts maps each kind to an
// S3 error code exactly once. Lower-layer errors are attached as `cause`. Kinds say what
// happened to the object, never which HTTP answer to give (that is toS3Error's job).

export type ObjectErrorKind =
  | "NoSuchBucket"
  | "BucketAlreadyOwnedByYou"
  | "BucketNotEmpty"
  | "InvalidBucketName"
  | "NoSuchKey"
  | "NoSuchVersion"
  /** The version id is not "null" and not a UUID. */
  | "InvalidVersionId"
  /** A read (GET/HEAD, copy source) of a version that is a delete marker: there are no bytes to read. */
  | "DeleteMarker"
  | "ObjectNameInvalid"
  | "KeyTooLong"
  /** A prefix of the key is already an object (MinIO: XMinioParentIsObject). */
  | "ParentIsObject"
  | "ReadQuorum"
  | "WriteQuorum"
  | "NoSuchUpload"
  | "InvalidPart"
  | "InvalidPartOrder"
  | "EntityTooSmall"
  | "EntityTooLarge"
  /** Body shorter than the declared length. */
  | "IncompleteBody"
  /** Content-MD5 did not match. */
  | "BadDigest"
  /** An x-amz-checksum-* value did not match. */
  | "ChecksumMismatch"
  | "PreconditionFailed"
  /** A read precondition (If-None-Match, If-Modified-Since) says the caller's copy is still current. */
  | "Unmodified"
  | "InvalidRange"
  /** GET/HEAD ?partNumber= beyond the object's parts. */
  | "InvalidPartNumber"
  | "InvalidArgument"
  /** Object lock / retention / legal hold forbids the operation. */
  | "ObjectLocked"
  | "InvalidObjectState"
  | "NoSuchTagSet"
  | "NoSuchBucketPolicy"
  | "NoSuchLifecycleConfiguration"
  | "ObjectLockConfigurationNotFound"
  | "ServerSideEncryptionConfigurationNotFound"
  /** Data or a rule this server cannot handle (compressed or encrypted objects, default retention). */
  | "Unsupported"
  /** The operation would exceed a limit we enforce (e.g. too many parts). */
  | "LimitExceeded"
  /** No pool has room for a new object (every pool full, draining or suspended). */
  | "StorageFull"
  /** The write would give the object more versions than the configured limit (nothing was written). */
  | "TooManyVersions"
  /** A lock or a drive did not answer in time; the client may retry. */
  | "OperationTimedOut"
  /** A cluster's drives are not formatted yet, or not all reachable to format them: start-up waits and retries. */
  | "FormatPending"
  /** The request was cancelled by the client (disconnect); nothing was committed. */
  | "Aborted";

export class ObjectError extends Error {
  override name = "ObjectError";
  constructor(
    readonly kind: ObjectErrorKind,
    message: string,
    options?: { cause?: unknown; bucket?: string; key?: string; versionId?: string; deleteMarker?: boolean; modTime?: Date },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.bucket = options?.bucket;
    this.key = options?.key;
    this.versionId = options?.versionId;
    this.deleteMarker = options?.deleteMarker;
    this.modTime = options?.modTime;
  }
  readonly bucket?: string;
  readonly key?: string;
  /** Version concerned (e.g. of the delete marker that hides the key). */
  readonly versionId?: string;
  /** The answer is about a delete marker (S3 sets x-amz-delete-marker). */
  readonly deleteMarker?: boolean;
  /** When the version concerned was written (S3 sends Last-Modified on a 405 for a delete marker). */
  readonly modTime?: Date;
}

export function isObjectError(err: unknown, ...kinds: ObjectErrorKind[]): err is ObjectError {
  return err instanceof ObjectError && (kinds.length === 0 || kinds.includes(err.kind));
}
