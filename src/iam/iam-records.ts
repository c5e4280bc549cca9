// The IAM documents as MinIO stores them under .minio.sys/config/iam/ (SPEC §7.1): their JSON
// shapes, where each lives, and strict readers that say what is wrong with a stored file.

/** Root of the IAM objects, relative to .minio.sys. */
export const IAM_PREFIX = "config/iam/";
/** No expiry: MinIO writes the Unix epoch for credentials that never expire. */
export const NO_EXPIRY = "1970-01-01T00:00:00Z";

/** The credential object inside identity.json (MinIO's JSON tags). */
export interface StoredCredentials {
  accessKey: string;
  secretKey: string;
  /** Temporary credentials and service accounts: a JWT (HS512, keyed by the root secret) carrying the claims. */
  sessionToken?: string;
  /** RFC 3339; NO_EXPIRY (or Go's zero time) when it never expires. */
  expiration?: string;
  /** "on" | "off" (stored form of enabled/disabled). */
  status?: string;
  /** Service accounts and temporary credentials: the user they act for. */
  parentUser?: string;
  /** Groups a temporary credential carries (LDAP / OpenID). */
  groups?: string[];
  /** Claims (parent, accessKey, sa-policy, sessionPolicy, …). */
  claims?: Record<string, unknown>;
  /** Service accounts: a display name. */
  name?: string;
  description?: string;
}

/** users/<ak>/identity.json, service-accounts/<ak>/identity.json, sts/<ak>/identity.json */
export interface UserIdentity {
  version: 1;
  credentials: StoredCredentials;
  updatedAt?: string;
}

/** groups/<name>/members.json */
export interface GroupInfo {
  version: 1;
  /** "enabled" | "disabled" */
  status: string;
  members: string[];
  updatedAt?: string;
}

/** policies/<name>/policy.json; old releases stored the bare policy document instead. */
export interface PolicyDoc {
  Version: 1;
  /** The IAM policy document as JSON. */
  Policy: unknown;
  CreateDate?: string;
  UpdateDate?: string;
}

/** policydb/{users,groups,sts-users,service-accounts}/<name>.json */
export interface MappedPolicy {
  version: 1;
  /** Comma-separated policy names. */
  policy: string;
  updatedAt?: string;
}

/** What kind of identity a users-like folder holds. */
export type IdentityFolder = "users" | "service-accounts" | "sts";
/** Which mapping folder a policy attachment is in. */
export type MappingFolder = "users" | "groups" | "sts-users" | "service-accounts";

export const paths = {
  format: `${IAM_PREFIX}format.json`,
  identity: (folder: IdentityFolder, accessKey: string) => `${IAM_PREFIX}${folder}/${accessKey}/identity.json`,
  group: (name: string) => `${IAM_PREFIX}groups/${name}/members.json`,
  policy: (name: string) => `${IAM_PREFIX}policies/${name}/policy.json`,
  mapping: (folder: MappingFolder, name: string) => `${IAM_PREFIX}policydb/${folder}/${name}.json`,
};

/** A stored file that cannot be used, with the path and the reason. */
export class IamRecordError extends Error {
  override name = "IamRecordError";
}

function fail(path: string, why: string): never {
  throw new IamRecordError(`Cannot read IAM file "${path}": ${why}`);
}

function json(path: string, bytes: Uint8Array): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch (err) {
    fail(path, `not JSON (${(err as Error).message})`);
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) fail(path, "not a JSON object");
  return doc as Record<string, unknown>;
}

export function readIdentity(path: string, bytes: Uint8Array): UserIdentity {
  const doc = json(path, bytes);
  const c = doc.credentials as StoredCredentials | undefined;
  if (typeof c !== "object" || c === null) fail(path, "no credentials");
  if (typeof c.accessKey !== "string" || c.accessKey === "") fail(path, "no access key");
  if (typeof c.secretKey !== "string") fail(path, "no secret key");
  return { version: 1, credentials: c, updatedAt: typeof doc.updatedAt === "string" ? doc.updatedAt : undefined };
}

export function readGroup(path: string, bytes: Uint8Array): GroupInfo {
  const doc = json(path, bytes);
  const members = doc.members ?? [];
  if (!Array.isArray(members) || members.some((m) => typeof m !== "string")) fail(path, "members is not a list of names");
  return { version: 1, status: doc.status === "disabled" ? "disabled" : "enabled", members, updatedAt: doc.updatedAt as string | undefined };
}

/** The policy document inside policy.json (or the bare document of old releases), as JSON text. */
export function readPolicyDoc(path: string, bytes: Uint8Array): { policy: string; createDate?: string; updateDate?: string } {
  const doc = json(path, bytes);
  if ("Policy" in doc && typeof doc.Policy === "object" && doc.Policy !== null) {
    return { policy: JSON.stringify(doc.Policy), createDate: doc.CreateDate as string | undefined, updateDate: doc.UpdateDate as string | undefined };
  }
  if ("Statement" in doc) return { policy: JSON.stringify(doc) };
  fail(path, "no policy document");
}

export function readMapping(path: string, bytes: Uint8Array): MappedPolicy {
  const doc = json(path, bytes);
  if (typeof doc.policy !== "string") fail(path, "policy is not a string of names");
  return { version: 1, policy: doc.policy, updatedAt: doc.updatedAt as string | undefined };
}

/** Comma-separated names → list (trimmed, empties dropped, order kept, duplicates removed). */
export function policyNames(list: string): string[] {
  return [
    ...new Set(
      list
        .split(",")
        .map((s) => s.trim())
        .filter((s) => s !== ""),
    ),
  ];
}

/** Whether an RFC 3339 expiration means "never" (the epoch or Go's zero time, or absent). */
export function neverExpires(expiration: string | undefined): boolean {
  if (!expiration) return true;
  const t = Date.parse(expiration);
  return !Number.isFinite(t) || t <= 0;
}

export function encodeRecord(doc: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(doc));
}

/** RFC 3339 with nanoseconds as Go writes updatedAt (milliseconds padded). */
export function nowStamp(now = new Date()): string {
  return now.toISOString().replace(/\.(\d{3})Z$/, ".$1000000Z");
}
