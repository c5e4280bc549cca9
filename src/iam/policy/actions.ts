// The S3 action vocabulary of policies: every known action with the resource kind it applies
// to, the table from S3 operations to the actions a request needs, and resource ARNs.

/** Known actions → whether they act on objects ("object") or on buckets/the service ("bucket"). */
export const S3_ACTIONS: Readonly<Record<string, "object" | "bucket">> = {
  "s3:AbortMultipartUpload": "object",
  "s3:BypassGovernanceRetention": "object",
  "s3:DeleteObject": "object",
  "s3:DeleteObjectTagging": "object",
  "s3:DeleteObjectVersion": "object",
  "s3:DeleteObjectVersionTagging": "object",
  "s3:GetObject": "object",
  "s3:GetObjectAcl": "object",
  "s3:GetObjectAttributes": "object",
  "s3:GetObjectLegalHold": "object",
  "s3:GetObjectRetention": "object",
  "s3:GetObjectTagging": "object",
  "s3:GetObjectVersion": "object",
  "s3:GetObjectVersionAcl": "object",
  "s3:GetObjectVersionAttributes": "object",
  "s3:GetObjectVersionForReplication": "object",
  "s3:GetObjectVersionTagging": "object",
  "s3:ListMultipartUploadParts": "object",
  "s3:PutObject": "object",
  "s3:PutObjectAcl": "object",
  "s3:PutObjectLegalHold": "object",
  "s3:PutObjectRetention": "object",
  "s3:PutObjectTagging": "object",
  "s3:PutObjectVersionAcl": "object",
  "s3:PutObjectVersionTagging": "object",
  "s3:ReplicateDelete": "object",
  "s3:ReplicateObject": "object",
  "s3:ReplicateTags": "object",
  "s3:RestoreObject": "object",
  "s3:CreateBucket": "bucket",
  "s3:DeleteBucket": "bucket",
  "s3:DeleteBucketPolicy": "bucket",
  "s3:ForceDeleteBucket": "bucket",
  "s3:GetBucketAcl": "bucket",
  "s3:GetBucketCORS": "bucket",
  "s3:GetBucketLocation": "bucket",
  "s3:GetBucketNotification": "bucket",
  "s3:GetBucketObjectLockConfiguration": "bucket",
  "s3:GetBucketPolicy": "bucket",
  "s3:GetBucketPolicyStatus": "bucket",
  "s3:GetBucketTagging": "bucket",
  "s3:GetBucketVersioning": "bucket",
  "s3:GetBucketWebsite": "bucket",
  "s3:GetAccelerateConfiguration": "bucket",
  "s3:GetBucketLogging": "bucket",
  "s3:GetBucketRequestPayment": "bucket",
  "s3:GetEncryptionConfiguration": "bucket",
  "s3:GetLifecycleConfiguration": "bucket",
  "s3:GetReplicationConfiguration": "bucket",
  "s3:ListAllMyBuckets": "bucket",
  "s3:ListBucket": "bucket",
  "s3:ListBucketMultipartUploads": "bucket",
  "s3:ListBucketVersions": "bucket",
  "s3:ListenBucketNotification": "bucket",
  "s3:PutBucketAcl": "bucket",
  "s3:PutBucketCORS": "bucket",
  "s3:PutBucketNotification": "bucket",
  "s3:PutBucketObjectLockConfiguration": "bucket",
  "s3:PutBucketPolicy": "bucket",
  "s3:PutBucketTagging": "bucket",
  "s3:PutBucketVersioning": "bucket",
  "s3:PutBucketWebsite": "bucket",
  "s3:PutEncryptionConfiguration": "bucket",
  "s3:PutLifecycleConfiguration": "bucket",
  "s3:PutReplicationConfiguration": "bucket",
};

/** What a request needs: every action (`all`) or any one of them (`any`), none explicitly denied. */
export interface PolicyCheck {
  actions: readonly string[];
  mode: "all" | "any";
}

/** S3 operations as AWS names them → the action they need (without a version id). */
const OPERATION_ACTIONS = {
  AbortMultipartUpload: "s3:AbortMultipartUpload",
  CompleteMultipartUpload: "s3:PutObject",
  CopyObject: "s3:PutObject",
  CreateBucket: "s3:CreateBucket",
  CreateMultipartUpload: "s3:PutObject",
  DeleteBucket: "s3:DeleteBucket",
  DeleteBucketCors: "s3:PutBucketCORS",
  DeleteBucketEncryption: "s3:PutEncryptionConfiguration",
  DeleteBucketLifecycle: "s3:PutLifecycleConfiguration",
  DeleteBucketPolicy: "s3:DeleteBucketPolicy",
  DeleteBucketReplication: "s3:PutReplicationConfiguration",
  DeleteBucketTagging: "s3:PutBucketTagging",
  DeleteObject: "s3:DeleteObject",
  DeleteObjects: "s3:DeleteObject",
  DeleteObjectTagging: "s3:DeleteObjectTagging",
  GetBucketAccelerateConfiguration: "s3:GetAccelerateConfiguration",
  GetBucketAcl: "s3:GetBucketAcl",
  GetBucketCors: "s3:GetBucketCORS",
  GetBucketEncryption: "s3:GetEncryptionConfiguration",
  GetBucketLifecycleConfiguration: "s3:GetLifecycleConfiguration",
  GetBucketLocation: "s3:GetBucketLocation",
  GetBucketLogging: "s3:GetBucketLogging",
  GetBucketNotificationConfiguration: "s3:GetBucketNotification",
  GetBucketPolicy: "s3:GetBucketPolicy",
  GetBucketPolicyStatus: "s3:GetBucketPolicyStatus",
  GetBucketReplication: "s3:GetReplicationConfiguration",
  GetBucketRequestPayment: "s3:GetBucketRequestPayment",
  GetBucketTagging: "s3:GetBucketTagging",
  GetBucketVersioning: "s3:GetBucketVersioning",
  GetBucketWebsite: "s3:GetBucketWebsite",
  GetObject: "s3:GetObject",
  GetObjectAcl: "s3:GetObjectAcl",
  GetObjectAttributes: "s3:GetObjectAttributes",
  GetObjectLegalHold: "s3:GetObjectLegalHold",
  GetObjectLockConfiguration: "s3:GetBucketObjectLockConfiguration",
  GetObjectRetention: "s3:GetObjectRetention",
  GetObjectTagging: "s3:GetObjectTagging",
  HeadBucket: "s3:ListBucket",
  HeadObject: "s3:GetObject",
  ListBuckets: "s3:ListAllMyBuckets",
  ListMultipartUploads: "s3:ListBucketMultipartUploads",
  ListObjects: "s3:ListBucket",
  ListObjectsV2: "s3:ListBucket",
  ListObjectVersions: "s3:ListBucketVersions",
  ListParts: "s3:ListMultipartUploadParts",
  PostObject: "s3:PutObject",
  PutBucketAcl: "s3:PutBucketAcl",
  PutBucketCors: "s3:PutBucketCORS",
  PutBucketEncryption: "s3:PutEncryptionConfiguration",
  PutBucketLifecycleConfiguration: "s3:PutLifecycleConfiguration",
  PutBucketNotificationConfiguration: "s3:PutBucketNotification",
  PutBucketPolicy: "s3:PutBucketPolicy",
  PutBucketReplication: "s3:PutReplicationConfiguration",
  PutBucketTagging: "s3:PutBucketTagging",
  PutBucketVersioning: "s3:PutBucketVersioning",
  PutObject: "s3:PutObject",
  PutObjectAcl: "s3:PutObjectAcl",
  PutObjectLegalHold: "s3:PutObjectLegalHold",
  PutObjectLockConfiguration: "s3:PutBucketObjectLockConfiguration",
  PutObjectRetention: "s3:PutObjectRetention",
  PutObjectTagging: "s3:PutObjectTagging",
  RestoreObject: "s3:RestoreObject",
  SelectObjectContent: "s3:GetObject",
  UploadPart: "s3:PutObject",
  UploadPartCopy: "s3:PutObject",
} as const;

export type S3Operation = keyof typeof OPERATION_ACTIONS;

/** Operations whose version-specific form has its own action. */
const VERSIONED: Partial<Record<S3Operation, { action: string; mode: PolicyCheck["mode"] }>> = {
  // Reads: AWS wants the version action, MinIO's canned policies grant only the plain one; either serves.
  GetObject: { action: "s3:GetObjectVersion", mode: "any" },
  HeadObject: { action: "s3:GetObjectVersion", mode: "any" },
  GetObjectAcl: { action: "s3:GetObjectVersionAcl", mode: "any" },
  GetObjectAttributes: { action: "s3:GetObjectVersionAttributes", mode: "any" },
  GetObjectTagging: { action: "s3:GetObjectVersionTagging", mode: "any" },
  // Changes to a specific version (permanent deletes included) need both.
  DeleteObject: { action: "s3:DeleteObjectVersion", mode: "all" },
  DeleteObjects: { action: "s3:DeleteObjectVersion", mode: "all" },
  PutObjectAcl: { action: "s3:PutObjectVersionAcl", mode: "all" },
  PutObjectTagging: { action: "s3:PutObjectVersionTagging", mode: "all" },
  DeleteObjectTagging: { action: "s3:DeleteObjectVersionTagging", mode: "all" },
};

/**
 * The actions an operation needs. DeleteObjects is checked per key; CopyObject/UploadPartCopy
 * also need s3:GetObject on the source (check that separately with the source's ARN).
 */
export function actionsFor(op: S3Operation, opts: { versionId?: boolean } = {}): PolicyCheck {
  const base = OPERATION_ACTIONS[op];
  const versioned = opts.versionId ? VERSIONED[op] : undefined;
  if (!versioned) return { actions: [base], mode: "all" };
  return { actions: versioned.mode === "any" ? [versioned.action, base] : [base, versioned.action], mode: versioned.mode };
}

/** arn:aws:s3:::bucket or arn:aws:s3:::bucket/key; the key is used verbatim (policies match raw keys). */
export function resourceArn(bucket: string, key?: string): string {
  return key === undefined ? `arn:aws:s3:::${bucket}` : `arn:aws:s3:::${bucket}/${key}`;
}
