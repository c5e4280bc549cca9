// Browser uploads (POST Object with multipart/form-data): the form fields, the base64 policy
// document with its expiration and conditions (eq, starts-with, content-length-range), and the
// SigV4 (x-amz-signature) or SigV2 (signature) over that base64 policy.
import { resolveSecret, type AuthOptions } from "./auth/auth-result.ts";
import { parseAmzDate } from "./auth/canonical.ts";
import { constantTimeEqual, deriveSigningKey, hmacSha1Base64, hmacSha256Hex } from "./auth/signing-keys.ts";
import { parseCredential } from "./auth/sigv4.ts";
import { S3Error } from "./errors.ts";

/** One condition of the policy document, normalized. */
export type PostCondition = { op: "eq" | "starts-with"; field: string; value: string } | { op: "content-length-range"; min: number; max: number };

export interface PostPolicyDocument {
  expiration: Date;
  conditions: PostCondition[];
}

export interface PostPolicyAuth {
  /** undefined for an anonymous upload (no policy): only a bucket policy can allow it. */
  accessKey?: string;
  version?: 2 | 4;
  /** The object key with ${filename} substituted. */
  key: string;
  contentLengthRange?: { min: number; max: number };
}

/** Fields that need no policy condition (AWS's list; SigV2's two are added where they apply). */
const EXEMPT = new Set(["policy", "x-amz-signature", "file"]);
/** Fields that only accept exact matches. */
const EQ_ONLY = new Set(["bucket", "x-amz-algorithm", "x-amz-credential", "x-amz-date"]);

function denied(detail: string): S3Error {
  return new S3Error("AccessDenied", `Invalid according to Policy: ${detail}`);
}

function badDocument(detail: string): S3Error {
  return new S3Error("InvalidPolicyDocument", `Invalid Policy: ${detail}`);
}

function toInteger(v: unknown): number {
  const n = typeof v === "number" ? v : typeof v === "string" && /^\d+$/.test(v.trim()) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n) || n < 0) throw badDocument(`content-length-range bounds must be non-negative integers, got ${JSON.stringify(v)}.`);
  return n;
}

function parseCondition(c: unknown): PostCondition {
  if (Array.isArray(c)) {
    const op = typeof c[0] === "string" ? c[0].toLowerCase() : "";
    if (c.length !== 3) throw badDocument(`condition ${JSON.stringify(c)} must have three elements.`);
    if (op === "content-length-range") return { op, min: toInteger(c[1]), max: toInteger(c[2]) };
    if ((op === "eq" || op === "starts-with") && typeof c[1] === "string" && typeof c[2] === "string" && c[1].startsWith("$")) {
      return { op, field: c[1].slice(1).toLowerCase(), value: c[2] };
    }
    throw badDocument(`unknown condition ${JSON.stringify(c)}.`);
  }
  if (typeof c === "object" && c !== null) {
    const entries = Object.entries(c);
    if (entries.length === 1 && typeof entries[0][1] === "string") return { op: "eq", field: entries[0][0].toLowerCase(), value: entries[0][1] };
  }
  throw badDocument(`unknown condition ${JSON.stringify(c)}.`);
}

/**
 * AWS lets policy strings escape "$" as "\$" (its documented escapes go beyond JSON's): that one
 * becomes a plain "$"; every other escape is left for JSON.parse, which refuses the unknown.
 */
function unescapeDollars(json: string): string {
  return json.replace(/\\(.)/gs, (all, c: string) => (c === "$" ? "$" : all));
}

/** Decodes and parses the base64 policy document. */
export function parsePostPolicy(base64: string): PostPolicyDocument {
  const compact = base64.replace(/\s+/g, "");
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2,3})?$/.test(compact)) throw badDocument("Invalid 'Base64' encoding.");
  let doc: unknown;
  try {
    doc = JSON.parse(unescapeDollars(new TextDecoder("utf-8", { fatal: true }).decode(Buffer.from(compact, "base64"))));
  } catch {
    throw badDocument("Invalid JSON.");
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) throw badDocument("the policy must be a JSON object.");
  const { expiration, conditions, ...rest } = doc as Record<string, unknown>;
  if (Object.keys(rest).length > 0) throw badDocument(`unknown field "${Object.keys(rest)[0]}".`);
  const exp = typeof expiration === "string" && /^\d{4}-\d{2}-\d{2}T/.test(expiration) ? new Date(expiration) : undefined;
  if (!exp || Number.isNaN(exp.getTime())) throw badDocument("expiration must be an ISO 8601 date.");
  if (!Array.isArray(conditions)) throw badDocument("conditions must be a list.");
  return { expiration: exp, conditions: conditions.map(parseCondition) };
}

/**
 * Checks expiration and every condition against the form (`bucket` and the effective `key`
 * included), and that every form field is covered by a condition. Returns the length range.
 */
export function checkPostPolicy(
  policy: PostPolicyDocument,
  fields: ReadonlyMap<string, string>,
  ctx: { bucket: string; key: string; now: Date; signatureV2: boolean },
): { min: number; max: number } | undefined {
  if (policy.expiration.getTime() <= ctx.now.getTime()) throw denied("Policy expired.");
  const values = new Map(fields);
  values.set("bucket", ctx.bucket);
  values.set("key", ctx.key);
  // The bucket counts as a field even when it comes from the URL: a policy must name it.
  const uncovered = new Set([...fields.keys(), "bucket"].filter((f) => !EXEMPT.has(f) && !f.startsWith("x-ignore-")));
  if (ctx.signatureV2) ["signature", "awsaccesskeyid"].forEach((f) => uncovered.delete(f));
  let range: { min: number; max: number } | undefined;
  for (const c of policy.conditions) {
    if (c.op === "content-length-range") {
      range = { min: c.min, max: c.max };
      continue;
    }
    const actual = values.get(c.field) ?? "";
    const ok = c.op === "eq" ? actual === c.value : !EQ_ONLY.has(c.field) && actual.startsWith(c.value);
    if (!ok) throw denied(`Policy Condition failed: ["${c.op}", "$${c.field}", ${JSON.stringify(c.value)}]`);
    uncovered.delete(c.field);
  }
  if (uncovered.size > 0) throw denied(`Extra input fields: ${[...uncovered].join(", ")}`);
  return range;
}

/** Verifies the signature over the base64 policy; returns the signing access key and version. */
async function verifyPolicySignature(fields: ReadonlyMap<string, string>, policy: string, opts: AuthOptions): Promise<{ accessKey: string; version: 2 | 4 }> {
  const token = fields.get("x-amz-security-token");
  if (fields.has("signature")) {
    const accessKey = fields.get("awsaccesskeyid");
    if (!accessKey) throw new S3Error("InvalidArgument", "A SigV2 POST policy needs the AWSAccessKeyId field.");
    const secret = await resolveSecret(opts, accessKey, token);
    if (!constantTimeEqual(hmacSha1Base64(secret, policy), fields.get("signature")!)) throw new S3Error("SignatureDoesNotMatch");
    return { accessKey, version: 2 };
  }
  const [algorithm, credential, date, signature] = ["x-amz-algorithm", "x-amz-credential", "x-amz-date", "x-amz-signature"].map((f) => fields.get(f));
  if (!algorithm || !credential || !date || !signature) {
    throw new S3Error("InvalidArgument", "A SigV4 POST policy needs the x-amz-algorithm, x-amz-credential, x-amz-date and x-amz-signature fields.");
  }
  if (algorithm !== "AWS4-HMAC-SHA256") throw new S3Error("InvalidArgument", `x-amz-algorithm "${algorithm}" is not supported.`);
  const scope = parseCredential(credential, "InvalidArgument");
  if (opts.region !== "" && scope.region !== opts.region) {
    throw new S3Error("AuthorizationQueryParametersError", `The region '${scope.region}' is wrong; expecting '${opts.region}'.`, {
      fields: { Region: opts.region },
    });
  }
  if (!parseAmzDate(date) || date.slice(0, 8) !== scope.date) throw new S3Error("InvalidArgument", "x-amz-date does not match the credential date.");
  const secret = await resolveSecret(opts, scope.accessKey, token);
  const key = opts.keys ? opts.keys.get(secret, scope.date, scope.region, "s3") : deriveSigningKey(secret, scope.date, scope.region, "s3");
  if (!constantTimeEqual(hmacSha256Hex(key, policy), signature.toLowerCase())) throw new S3Error("SignatureDoesNotMatch");
  return { accessKey: scope.accessKey, version: 4 };
}

/**
 * Authenticates a POST upload from its fields (lower-case names) and checks its policy. Without
 * a policy field the upload is anonymous (the caller then needs a bucket policy allowing
 * s3:PutObject). The file's size is checked against the returned range while it streams.
 */
export async function verifyPostPolicy(
  fields: ReadonlyMap<string, string>,
  filename: string,
  ctx: { bucket: string },
  opts: AuthOptions,
): Promise<PostPolicyAuth> {
  const rawKey = fields.get("key");
  if (rawKey === undefined)
    throw new S3Error("InvalidArgument", "Bucket POST must contain a field named 'key'.  If it is specified, please check the order of the fields.");
  const key = rawKey.replaceAll("${filename}", filename);
  const policy = fields.get("policy");
  if (policy === undefined) return { key };
  const signer = await verifyPolicySignature(fields, policy, opts);
  const document = parsePostPolicy(policy);
  const range = checkPostPolicy(document, fields, { bucket: ctx.bucket, key, now: opts.now ?? new Date(), signatureV2: signer.version === 2 });
  return { ...signer, key, contentLengthRange: range };
}
