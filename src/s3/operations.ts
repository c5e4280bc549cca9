// Which S3 operation a request is (method + bucket/key presence + sub-resource query) and its
// API name (metrics, logs, authorization). Unknown combinations, and any S3/MinIO sub-resource
// the resolved operation does not serve, are NotImplemented, never a wrong success. The policy actions each name needs live in iam/policy/actions.ts.
import type { Handler, Operation } from "./context.ts";
import { S3Error } from "./errors.ts";
import type { S3Operation } from "../iam/index.ts";
import * as bucket from "./handlers/bucket.ts";
import * as config from "./handlers/bucket-config.ts";
import * as list from "./handlers/list.ts";
import * as read from "./handlers/object-read.ts";
import * as write from "./handlers/object-write.ts";
import * as del from "./handlers/object-delete.ts";
import * as tagging from "./handlers/object-tagging.ts";
import * as attributes from "./handlers/object-attributes.ts";
import * as mp from "./handlers/multipart.ts";
import * as post from "./handlers/post-object.ts";
import * as lock from "./handlers/object-lock.ts";

export type { Operation } from "./context.ts";

const op = (name: S3Operation, handler: Handler): Operation => ({ name, handler });

/**
 * Bucket sub-resources with no configuration support yet: GET shows what MinIO stored for a
 * migrated bucket, else answers "none configured"; PUT and DELETE are NotImplemented.
 */
const UNCONFIGURED: Record<string, Operation> = {
  lifecycle: op("GetBucketLifecycleConfiguration", config.notConfigured("NoSuchLifecycleConfiguration", "lifecycle")),
  cors: op("GetBucketCors", config.notConfigured("NoSuchCORSConfiguration")),
  replication: op("GetBucketReplication", config.notConfigured("ReplicationConfigurationNotFoundError", "replication")),
  website: op("GetBucketWebsite", config.notConfigured("NoSuchWebsiteConfiguration")),
  notification: op("GetBucketNotificationConfiguration", config.emptyDocument("NotificationConfiguration", "notification")),
  logging: op("GetBucketLogging", config.emptyDocument("BucketLoggingStatus")),
  accelerate: op("GetBucketAccelerateConfiguration", config.emptyDocument("AccelerateConfiguration")),
  requestPayment: op("GetBucketRequestPayment", config.requestPayment),
};

const has = (q: URLSearchParams, ...names: string[]) => names.some((n) => q.has(n));

/**
 * Every query parameter AWS S3 or MinIO treats as a sub-resource (it selects an operation). Any
 * other parameter is ignored, as AWS ignores it (a browser's cache-busting "?t=123" on a GET).
 */
const SUB_RESOURCES: ReadonlySet<string> = new Set([
  "accelerate",
  "acl",
  "analytics",
  "attributes",
  "cors",
  "delete",
  "encryption",
  "intelligent-tiering",
  "inventory",
  "legal-hold",
  "lifecycle",
  "location",
  "logging",
  "metadataConfiguration",
  "metadataTable",
  "metrics",
  "notification",
  "object-lock",
  "ownershipControls",
  "policy",
  "policyStatus",
  "publicAccessBlock",
  "replication",
  "requestPayment",
  "restore",
  "retention",
  "select",
  "select-type",
  "session",
  "tagging",
  "torrent",
  "uploadId",
  "uploads",
  "versioning",
  "versions",
  "website",
  "renameObject",
  // MinIO's own: ListenBucketNotification, replication status and resync.
  "events",
  "replication-metrics",
  "replication-reset",
  "replication-reset-status",
  "replication-check",
  "lambda",
]);

/** The sub-resources each operation serves; any other sub-resource on its request is NotImplemented. */
const SERVES: Readonly<Record<string, readonly string[]>> = {
  GetBucketLocation: ["location"],
  GetBucketVersioning: ["versioning"],
  PutBucketVersioning: ["versioning"],
  GetBucketTagging: ["tagging"],
  PutBucketTagging: ["tagging"],
  DeleteBucketTagging: ["tagging"],
  GetBucketPolicy: ["policy"],
  PutBucketPolicy: ["policy"],
  DeleteBucketPolicy: ["policy"],
  GetBucketPolicyStatus: ["policyStatus"],
  GetBucketAcl: ["acl"],
  PutBucketAcl: ["acl"],
  GetObjectAcl: ["acl"],
  PutObjectAcl: ["acl"],
  GetObjectLockConfiguration: ["object-lock"],
  ListMultipartUploads: ["uploads"],
  ListObjectVersions: ["versions"],
  GetBucketLifecycleConfiguration: ["lifecycle"],
  GetBucketEncryption: ["encryption"],
  PutBucketEncryption: ["encryption"],
  DeleteBucketEncryption: ["encryption"],
  GetBucketCors: ["cors"],
  GetBucketReplication: ["replication"],
  GetBucketWebsite: ["website"],
  GetBucketNotificationConfiguration: ["notification"],
  GetBucketLogging: ["logging"],
  GetBucketAccelerateConfiguration: ["accelerate"],
  GetBucketRequestPayment: ["requestPayment"],
  DeleteObjects: ["delete"],
  CreateMultipartUpload: ["uploads"],
  ListParts: ["uploadId"],
  UploadPart: ["uploadId"],
  UploadPartCopy: ["uploadId"],
  CompleteMultipartUpload: ["uploadId"],
  AbortMultipartUpload: ["uploadId"],
  GetObjectTagging: ["tagging"],
  PutObjectTagging: ["tagging"],
  DeleteObjectTagging: ["tagging"],
  GetObjectAttributes: ["attributes"],
  GetObjectRetention: ["retention"],
  PutObjectRetention: ["retention"],
  GetObjectLegalHold: ["legal-hold"],
  PutObjectLegalHold: ["legal-hold"],
};

/** A request naming a sub-resource its operation does not serve would be answered as something else. */
function refuseUnserved(o: Operation, q: URLSearchParams): Operation {
  const served = SERVES[o.name] ?? [];
  const other = [...q.keys()].find((k) => SUB_RESOURCES.has(k) && !served.includes(k));
  if (other !== undefined) throw new S3Error("NotImplemented", `The "${other}" sub-resource is not supported for this request.`);
  return o;
}

function serviceOperation(method: string): Operation {
  if (method === "GET") return op("ListBuckets", bucket.listBuckets);
  throw new S3Error("MethodNotAllowed");
}

function bucketGet(q: URLSearchParams): Operation {
  if (q.has("location")) return op("GetBucketLocation", bucket.getBucketLocation);
  if (q.has("versioning")) return op("GetBucketVersioning", config.getBucketVersioning);
  if (q.has("tagging")) return op("GetBucketTagging", config.getBucketTagging);
  if (q.has("policy")) return op("GetBucketPolicy", config.getBucketPolicy);
  if (q.has("policyStatus")) return op("GetBucketPolicyStatus", config.getBucketPolicyStatus);
  if (q.has("acl")) return op("GetBucketAcl", config.getAcl);
  if (q.has("object-lock")) return op("GetObjectLockConfiguration", config.getObjectLockConfig);
  if (q.has("uploads")) return op("ListMultipartUploads", mp.listMultipartUploads);
  if (q.has("versions")) return op("ListObjectVersions", list.listObjectVersions);
  if (q.has("encryption")) return op("GetBucketEncryption", config.getBucketEncryption);
  for (const [sub, o] of Object.entries(UNCONFIGURED)) if (q.has(sub)) return o;
  if (has(q, "ownershipControls", "intelligent-tiering", "inventory", "metrics", "analytics", "publicAccessBlock")) throw new S3Error("NotImplemented");
  if (q.get("list-type") === "2") return op("ListObjectsV2", list.listObjectsV2);
  return op("ListObjects", list.listObjectsV1);
}

function bucketOperation(method: string, q: URLSearchParams): Operation {
  switch (method) {
    case "GET":
      return bucketGet(q);
    case "HEAD":
      return op("HeadBucket", bucket.headBucket);
    case "PUT":
      if (q.has("versioning")) return op("PutBucketVersioning", config.putBucketVersioning);
      if (q.has("tagging")) return op("PutBucketTagging", config.putBucketTagging);
      if (q.has("policy")) return op("PutBucketPolicy", config.putBucketPolicy);
      if (q.has("acl")) return op("PutBucketAcl", config.putAcl);
      if (q.has("encryption")) return op("PutBucketEncryption", config.putBucketEncryption);
      return op("CreateBucket", bucket.createBucket);
    case "DELETE":
      if (q.has("tagging")) return op("DeleteBucketTagging", config.deleteBucketTagging);
      if (q.has("policy")) return op("DeleteBucketPolicy", config.deleteBucketPolicy);
      if (q.has("encryption")) return op("DeleteBucketEncryption", config.deleteBucketEncryption);
      return op("DeleteBucket", bucket.deleteBucket);
    case "POST":
      if (q.has("delete")) return op("DeleteObjects", del.deleteObjects);
      return op("PostObject", post.postObject);
    default:
      throw new S3Error("MethodNotAllowed");
  }
}

function objectOperation(method: string, q: URLSearchParams, headers: Headers): Operation {
  const copy = headers.has("x-amz-copy-source");
  switch (method) {
    case "GET":
      if (q.has("uploadId")) return op("ListParts", mp.listParts);
      if (q.has("tagging")) return op("GetObjectTagging", tagging.getObjectTagging);
      if (q.has("acl")) return op("GetObjectAcl", config.getAcl);
      if (q.has("attributes")) return op("GetObjectAttributes", attributes.getObjectAttributes);
      if (q.has("retention")) return op("GetObjectRetention", lock.getObjectRetention);
      if (q.has("legal-hold")) return op("GetObjectLegalHold", lock.getObjectLegalHold);
      if (q.has("torrent")) throw new S3Error("NotImplemented");
      return op("GetObject", read.getObject);
    case "HEAD":
      return op("HeadObject", read.headObject);
    case "PUT":
      if (q.has("uploadId") || q.has("partNumber")) {
        return copy ? op("UploadPartCopy", mp.uploadPartCopy) : op("UploadPart", mp.uploadPart);
      }
      if (q.has("tagging")) return op("PutObjectTagging", tagging.putObjectTagging);
      if (q.has("acl")) return op("PutObjectAcl", config.putAcl);
      if (q.has("retention")) return op("PutObjectRetention", lock.putObjectRetention);
      if (q.has("legal-hold")) return op("PutObjectLegalHold", lock.putObjectLegalHold);
      return copy ? op("CopyObject", write.copyObject) : op("PutObject", write.putObject);
    case "POST":
      if (q.has("uploads")) return op("CreateMultipartUpload", mp.createMultipartUpload);
      if (q.has("uploadId")) return op("CompleteMultipartUpload", mp.completeMultipartUpload);
      throw new S3Error("NotImplemented");
    case "DELETE":
      if (q.has("uploadId")) return op("AbortMultipartUpload", mp.abortMultipartUpload);
      if (q.has("tagging")) return op("DeleteObjectTagging", tagging.deleteObjectTagging);
      return op("DeleteObject", del.deleteObject);
    default:
      throw new S3Error("MethodNotAllowed");
  }
}

export function resolveOperation(method: string, bucketName: string, key: string, q: URLSearchParams, headers: Headers): Operation {
  if (bucketName === "") return refuseUnserved(serviceOperation(method), q);
  if (key === "") return refuseUnserved(bucketOperation(method, q), q);
  return refuseUnserved(objectOperation(method, q, headers), q);
}
