// The S3 error vocabulary: the one table of codes → HTTP status and default message, the
// S3Error class every s3/ module throws, `toS3Error` (the single mapping from ObjectError
// kinds) and `renderError`, which only the router's outer catch calls.
import { isPolicyError } from "../iam/index.ts";
import { ObjectError, type ObjectErrorKind } from "../object/index.ts";
import { escapeXml, XML_DECLARATION } from "./xml-escape.ts";

/** Code → status and default message. AWS codes as AWS spells them; MinIO extensions as MinIO does. */
export const S3_ERRORS = {
  AccessDenied: { status: 403, message: "Access Denied." },
  // A browser's preflight for an origin or method the CORS rules do not allow.
  AccessForbidden: { status: 403, message: "CORSResponse: This CORS request is not allowed: its origin or method is not allowed here." },
  AuthorizationHeaderMalformed: { status: 400, message: "The authorization header is malformed." },
  AuthorizationQueryParametersError: { status: 400, message: "The query-string authentication parameters are malformed." },
  BadDigest: { status: 400, message: "The Content-MD5 you specified did not match what we received." },
  BadRequest: { status: 400, message: "Bad request." },
  BucketAlreadyExists: { status: 409, message: "The requested bucket name is not available; choose a different name." },
  BucketAlreadyOwnedByYou: { status: 409, message: "The bucket you tried to create already exists, and you own it." },
  BucketNotEmpty: { status: 409, message: "The bucket you tried to delete is not empty." },
  ClientDisconnected: { status: 499, message: "The client disconnected before the response was ready." },
  EntityTooLarge: { status: 400, message: "Your proposed upload exceeds the maximum allowed object size." },
  EntityTooSmall: { status: 400, message: "Your proposed upload is smaller than the minimum allowed object size." },
  ExpiredToken: { status: 400, message: "The provided token has expired." },
  // SSE-KMS with a key id the KMS does not have (AWS's code, dot included).
  "KMS.NotFoundException": { status: 400, message: "Invalid keyId." },
  IllegalVersioningConfigurationException: { status: 400, message: "The versioning configuration specified in the request is invalid." },
  IncompleteBody: { status: 400, message: "You did not provide the number of bytes specified by the Content-Length HTTP header." },
  InternalError: { status: 500, message: "We encountered an internal error. Please try again." },
  InvalidAccessKeyId: { status: 403, message: "The Access Key Id you provided does not exist in our records." },
  InvalidArgument: { status: 400, message: "Invalid argument." },
  InvalidBucketName: { status: 400, message: "The specified bucket is not valid." },
  InvalidBucketState: { status: 409, message: "The request is not valid with the current state of the bucket." },
  InvalidDigest: { status: 400, message: "The Content-MD5 or checksum value you specified is not valid." },
  InvalidEncryptionAlgorithmError: { status: 400, message: "The encryption request you specified is not valid." },
  IllegalLocationConstraintException: {
    status: 400,
    message: "The location constraint is incompatible for the region specific endpoint this request was sent to.",
  },
  InvalidLocationConstraint: { status: 400, message: "The specified location constraint is not valid." },
  InvalidObjectState: { status: 403, message: "The operation is not valid for the current state of the object." },
  InvalidPart: { status: 400, message: "One or more of the specified parts could not be found, or its entity tag did not match." },
  InvalidPartOrder: { status: 400, message: "The list of parts was not in ascending order by part number." },
  InvalidPartNumber: { status: 416, message: "The requested partnumber is not satisfiable" },
  InvalidPolicyDocument: { status: 400, message: "The content of the form does not meet the conditions specified in the policy document." },
  InvalidRange: { status: 416, message: "The requested range is not satisfiable." },
  InvalidRequest: { status: 400, message: "Invalid request." },
  InvalidStorageClass: { status: 400, message: "The storage class you specified is not valid." },
  InvalidTag: { status: 400, message: "The tag provided was not a valid tag." },
  InvalidToken: { status: 400, message: "The provided token is malformed or otherwise invalid." },
  InvalidURI: { status: 400, message: "Couldn't parse the specified URI." },
  KeyTooLongError: { status: 400, message: "Your key is too long." },
  MalformedACLError: { status: 400, message: "The ACL you provided was not well-formed." },
  MalformedPOSTRequest: { status: 400, message: "The body of your POST request is not well-formed multipart/form-data." },
  MalformedPolicy: { status: 400, message: "The policy is not valid." },
  MalformedXML: { status: 400, message: "The XML you provided was not well-formed or did not validate against our published schema." },
  MaxMessageLengthExceeded: { status: 400, message: "Your request was too big." },
  // MinIO's answer past the api subsystem's object_max_versions.
  MaxVersionsExceeded: { status: 400, message: "You've exceeded the limit on the number of versions you can create on this object" },
  MaxPostPreDataLengthExceeded: { status: 400, message: "Your POST request fields preceding the upload file were too large." },
  MetadataTooLarge: { status: 400, message: "Your metadata headers exceed the maximum allowed metadata size." },
  MethodNotAllowed: { status: 405, message: "The specified method is not allowed against this resource." },
  MissingContentLength: { status: 411, message: "You must provide the Content-Length HTTP header." },
  MissingRequestBodyError: { status: 400, message: "Request body is empty." },
  MissingSecurityHeader: { status: 400, message: "Your request is missing a required header." },
  NoSuchBucket: { status: 404, message: "The specified bucket does not exist." },
  NoSuchBucketPolicy: { status: 404, message: "The bucket policy does not exist." },
  NoSuchCORSConfiguration: { status: 404, message: "The CORS configuration does not exist." },
  NoSuchKey: { status: 404, message: "The specified key does not exist." },
  NoSuchLifecycleConfiguration: { status: 404, message: "The lifecycle configuration does not exist." },
  NoSuchObjectLockConfiguration: { status: 404, message: "The specified object does not have an Object Lock configuration." },
  NoSuchTagSet: { status: 404, message: "The TagSet does not exist." },
  NoSuchUpload: { status: 404, message: "The specified multipart upload does not exist; it may have been aborted or completed." },
  NoSuchVersion: { status: 404, message: "The specified version does not exist." },
  NoSuchWebsiteConfiguration: { status: 404, message: "The specified bucket does not have a website configuration." },
  NotImplemented: { status: 501, message: "A header or parameter you provided implies functionality that is not implemented." },
  NotModified: { status: 304, message: "Not modified." },
  ObjectLockConfigurationNotFoundError: { status: 404, message: "Object Lock configuration does not exist for this bucket." },
  OperationAborted: { status: 409, message: "A conflicting conditional operation is in progress against this resource. Try again." },
  PolicyTooLarge: { status: 400, message: "Policy exceeds the maximum allowed document size." },
  PreconditionFailed: { status: 412, message: "At least one of the preconditions you specified did not hold." },
  ReplicationConfigurationNotFoundError: { status: 404, message: "The replication configuration was not found." },
  RequestTimeTooSkewed: { status: 403, message: "The difference between the request time and the server's time is too large." },
  RequestTimeout: { status: 400, message: "Your socket connection to the server was not read from or written to within the timeout period." },
  ServerSideEncryptionConfigurationNotFoundError: { status: 404, message: "The server side encryption configuration was not found." },
  ServiceUnavailable: { status: 503, message: "Service unavailable. Please retry." },
  SignatureDoesNotMatch: {
    status: 403,
    message: "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
  },
  SlowDown: { status: 503, message: "Please reduce your request rate." },
  SlowDownRead: { status: 503, message: "Resource requested is unreadable, please reduce your request rate." },
  SlowDownWrite: { status: 503, message: "Resource requested is unwritable, please reduce your request rate." },
  TooManyBuckets: { status: 400, message: "You have attempted to create more buckets than allowed." },
  UnexpectedContent: { status: 400, message: "This request does not support content." },
  XAmzContentChecksumMismatch: { status: 400, message: "The provided 'x-amz-checksum' header does not match what was computed." },
  XAmzContentSHA256Mismatch: { status: 400, message: "The provided 'x-amz-content-sha256' header does not match what was computed." },
  // MinIO answers a write past a bucket's hard quota with this admin-flavoured code, on the S3 API too.
  XMinioAdminBucketQuotaExceeded: { status: 400, message: "Bucket quota exceeded" },
  // The KMS (KES) did not answer or refused this server: the request stored nothing and may be retried.
  XMinioKMSUnavailable: { status: 503, message: "The KMS is not reachable; please retry." },
  // An encrypted object whose keys or packages do not open: it was changed on the drives, never served.
  XMinioObjectTampered: { status: 500, message: "The requested object was modified and may be compromised." },
  XMinioInvalidObjectName: { status: 400, message: "Object name contains unsupported characters." },
  XMinioInvalidResourceName: { status: 400, message: 'Resource name contains bad components such as ".." or ".".' },
  XMinioObjectExistsAsDirectory: { status: 409, message: "Object name already exists as a directory." },
  XMinioParentIsObject: { status: 400, message: "Object-prefix is already an object, please choose a different object-prefix name." },
  XMinioReadQuorum: { status: 503, message: "Multiple disk failures, unable to reconstruct data." },
  XMinioServerNotInitialized: { status: 503, message: "Server not initialized, please try again." },
  XMinioStorageFull: { status: 507, message: "Storage backend has reached its minimum free drive threshold." },
  XMinioWriteQuorum: { status: 503, message: "Multiple disk failures, unable to write data." },
} as const satisfies Record<string, { status: number; message: string }>;

export type S3ErrorCode = keyof typeof S3_ERRORS;

export interface S3ErrorOptions {
  /** Extra elements rendered after <Message>, in order (e.g. BucketName, Key, Region). */
  fields?: Record<string, string | number | undefined>;
  /** Extra response headers (e.g. x-amz-delete-marker on a 405 for a delete marker). */
  headers?: Record<string, string>;
  cause?: unknown;
}

export class S3Error extends Error {
  override name = "S3Error";
  readonly status: number;
  readonly fields: Readonly<Record<string, string>>;
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    readonly code: S3ErrorCode,
    message?: string,
    opts: S3ErrorOptions = {},
  ) {
    super(message ?? S3_ERRORS[code].message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.status = S3_ERRORS[code].status;
    const fields: Record<string, string> = {};
    for (const [k, v] of Object.entries(opts.fields ?? {})) if (v !== undefined) fields[k] = String(v);
    this.fields = fields;
    this.headers = opts.headers ?? {};
  }
}

/** The S3 code for each object-layer error kind; the switch is exhaustive by construction. */
function codeForKind(kind: ObjectErrorKind): { code: S3ErrorCode; message?: string } {
  switch (kind) {
    case "NoSuchBucket":
    case "BucketAlreadyOwnedByYou":
    case "BucketNotEmpty":
    case "InvalidBucketName":
    case "NoSuchKey":
    case "NoSuchVersion":
    case "NoSuchUpload":
    case "InvalidPart":
    case "InvalidPartOrder":
    case "EntityTooSmall":
    case "EntityTooLarge":
    case "IncompleteBody":
    case "BadDigest":
    case "PreconditionFailed":
    case "InvalidRange":
    case "InvalidPartNumber":
    case "InvalidObjectState":
    case "NoSuchTagSet":
    case "NoSuchBucketPolicy":
    case "NoSuchLifecycleConfiguration":
      return { code: kind };
    // S3 answers a read of a delete-marker version with 405 (x-amz-delete-marker says why).
    case "DeleteMarker":
      return { code: "MethodNotAllowed" };
    // A read precondition that holds the client's copy current: 304, no body.
    case "Unmodified":
      return { code: "NotModified" };
    // What we cannot handle yet is S3's 501, with our message saying what (CLIENT_MESSAGE_KINDS).
    case "Unsupported":
      return { code: "NotImplemented" };
    case "InvalidVersionId":
      return { code: "InvalidArgument", message: "Invalid version id specified." };
    case "ObjectNameInvalid":
      return { code: "XMinioInvalidObjectName" };
    case "KeyTooLong":
      return { code: "KeyTooLongError" };
    case "ParentIsObject":
      return { code: "XMinioParentIsObject" };
    // Current MinIO answers quorum loss with these retryable 503s rather than XMinio*Quorum.
    case "ReadQuorum":
      return { code: "SlowDownRead" };
    case "WriteQuorum":
      return { code: "SlowDownWrite" };
    // AWS answers an x-amz-checksum-* mismatch with BadDigest (MinIO: XAmzContentChecksumMismatch).
    case "ChecksumMismatch":
      return { code: "BadDigest", message: "The checksum you specified did not match the calculated checksum." };
    // The object layer writes these messages for the client (which argument, which limit).
    case "InvalidArgument":
    case "LimitExceeded":
      return { code: "InvalidArgument" };
    // MinIO's answer for a WORM-protected version (AWS uses AccessDenied on deletes).
    case "ObjectLocked":
      return { code: "InvalidRequest", message: "Object is WORM protected and cannot be overwritten or deleted." };
    case "ObjectLockConfigurationNotFound":
      return { code: "ObjectLockConfigurationNotFoundError" };
    case "ServerSideEncryptionConfigurationNotFound":
      return { code: "ServerSideEncryptionConfigurationNotFoundError" };
    // Lock or drive timeouts: a 503 that SDKs retry with back-off.
    case "OperationTimedOut":
      return { code: "SlowDown", message: "The operation timed out waiting for a lock or a drive; please retry." };
    case "Aborted":
      return { code: "ClientDisconnected" };
    // A cluster still waiting for its drives: MinIO's retryable 503.
    case "FormatPending":
      return { code: "XMinioServerNotInitialized" };
    case "StorageFull":
      return { code: "XMinioStorageFull" };
    case "TooManyVersions":
      return { code: "MaxVersionsExceeded" };
    default: {
      const unhandled: never = kind;
      throw new Error(`Unmapped ObjectError kind "${String(unhandled)}"`);
    }
  }
}

/** Kinds whose ObjectError message is written for the client and may be shown as is. */
const CLIENT_MESSAGE_KINDS: ReadonlySet<ObjectErrorKind> = new Set(["InvalidArgument", "LimitExceeded", "Unsupported"]);

/**
 * Any thrown value as an S3Error: S3Error passes through, ObjectError maps by kind (with
 * BucketName/Key fields), everything else is InternalError (the router logs the original,
 * kept as `cause`).
 */
export function toS3Error(err: unknown): S3Error {
  if (err instanceof S3Error) return err;
  if (isPolicyError(err)) return new S3Error(err.kind, err.message, { cause: err });
  if (err instanceof ObjectError) {
    const { code, message } = codeForKind(err.kind);
    const text = CLIENT_MESSAGE_KINDS.has(err.kind) && err.message ? err.message : message;
    return new S3Error(code, text, { cause: err, fields: { BucketName: err.bucket, Key: err.key }, headers: markerHeaders(err, code) });
  }
  // The request body stream fails this way when the client hangs up mid-upload (Bun.serve's
  // AbortError, node:http's "aborted" ECONNRESET).
  if ((err instanceof DOMException && err.name === "AbortError") || (err instanceof Error && (err as { code?: unknown }).code === "ECONNRESET")) {
    return new S3Error("ClientDisconnected", undefined, { cause: err });
  }
  return new S3Error("InternalError", undefined, { cause: err });
}

/**
 * An answer about a delete marker (404 for the current version, 405 for a named one) says so
 * with x-amz-delete-marker and the marker's version id; the 405 also tells when the marker was
 * written (Last-Modified), as S3 does.
 */
function markerHeaders(err: ObjectError, code: S3ErrorCode): Record<string, string> | undefined {
  if (!err.deleteMarker) return undefined;
  const headers: Record<string, string> = { "x-amz-delete-marker": "true", "x-amz-version-id": err.versionId ?? "" };
  if (code === "MethodNotAllowed" && err.modTime) headers["last-modified"] = err.modTime.toUTCString();
  return headers;
}

export interface RenderErrorContext {
  /** The request path as the client sent it, e.g. "/bucket/key". */
  resource: string;
  requestId: string;
  hostId: string;
  /** HEAD requests (and 304s) carry no body; the status and headers still tell the story. */
  head?: boolean;
}

/** The error response: S3's `<Error>` document (no namespace), status and request-id headers. */
export function renderError(err: S3Error, ctx: RenderErrorContext): Response {
  const headers = new Headers(err.headers);
  headers.set("x-amz-request-id", ctx.requestId);
  headers.set("x-amz-id-2", ctx.hostId);
  if (ctx.head || err.status === 304) return new Response(null, { status: err.status, headers });
  let extra = "";
  for (const [k, v] of Object.entries(err.fields)) extra += `<${k}>${escapeXml(v)}</${k}>`;
  const body =
    XML_DECLARATION +
    `<Error><Code>${err.code}</Code><Message>${escapeXml(err.message)}</Message>${extra}` +
    `<Resource>${escapeXml(ctx.resource)}</Resource><RequestId>${escapeXml(ctx.requestId)}</RequestId>` +
    `<HostId>${escapeXml(ctx.hostId)}</HostId></Error>`;
  headers.set("content-type", "application/xml");
  return new Response(body, { status: err.status, headers });
}
