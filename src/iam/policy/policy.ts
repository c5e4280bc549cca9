// Policy documents, bucket and identity (IAM) alike: the parsed form and `parsePolicy`, which
// validates a JSON policy the way PutBucketPolicy / AddCannedPolicy must (MalformedPolicy with a
// message naming the problem) and normalizes every single-or-list field into lists.
import { ADMIN_ACTIONS, KMS_ACTIONS, S3_ACTIONS } from "./actions.ts";
import { parseOperator, valueShapeError, wildcardMatch, type ConditionClause } from "./conditions.ts";
import { PolicyError } from "./policy-error.ts";

/** AWS's limit on a bucket policy document. */
export const MAX_POLICY_BYTES = 20 * 1024;
/** Identity policies: MinIO sets no small limit; this one only keeps documents sane. */
export const MAX_IDENTITY_POLICY_BYTES = 256 * 1024;
export const POLICY_VERSIONS = ["2012-10-17", "2008-10-17"] as const;

export interface PolicyStatement {
  sid?: string;
  effect: "Allow" | "Deny";
  /** Principal list ("*" = everyone, anonymous included); bucket policies have exactly one of principals/notPrincipals, identity policies neither. */
  principals?: string[];
  notPrincipals?: string[];
  /** Action patterns (case-insensitive wildcards); exactly one of actions/notActions. */
  actions?: string[];
  notActions?: string[];
  /** Resource ARN patterns (case-sensitive wildcards); one of resources/notResources (neither: an identity statement of admin:/kms: actions only). */
  resources?: string[];
  notResources?: string[];
  conditions: ConditionClause[];
}

export interface BucketPolicy {
  /** "2012-10-17" enables policy variables; "2008-10-17" (or none) treats ${…} literally. */
  version: string;
  id?: string;
  statements: PolicyStatement[];
}

function malformed(message: string): PolicyError {
  return new PolicyError("MalformedPolicy", message);
}

/** How a document is read: a bucket policy, or an identity (canned / session / embedded) policy. */
export interface ParseOptions {
  /** Default "bucket". Identity policies name no principal and may use admin: and kms: actions. */
  kind?: "bucket" | "identity";
  /** Bucket policies: every resource must name this bucket. */
  bucket?: string;
  maxBytes?: number;
  /**
   * Stored documents (another server's, an older release's): unknown action names are kept
   * (they never match a request) instead of refusing the whole document.
   */
  lenient?: boolean;
}

const STATEMENT_FIELDS = new Set(["Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition"]);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A string or a non-empty list of strings, as a list. */
function stringList(v: unknown, field: string): string[] {
  const list = Array.isArray(v) ? v : [v];
  if (list.length === 0 || list.some((x) => typeof x !== "string" || x === "")) {
    throw malformed(`${field} must be a non-empty string or list of strings.`);
  }
  return list as string[];
}

function parsePrincipal(v: unknown, field: string): string[] {
  if (v === "*") return ["*"];
  if (!isObject(v)) throw malformed(`${field} must be "*" or {"AWS": ...}.`);
  const kinds = Object.keys(v);
  if (kinds.length !== 1 || kinds[0] !== "AWS") {
    throw malformed(`Invalid principal in policy: only "*" and "AWS" principals are supported, got ${JSON.stringify(kinds)}.`);
  }
  return stringList(v.AWS, `${field}.AWS`);
}

function validateAction(pattern: string, opts: ParseOptions): string {
  if (pattern === "*") return pattern;
  const identity = opts.kind === "identity";
  const vocabulary = /^s3:/i.test(pattern)
    ? Object.keys(S3_ACTIONS)
    : identity && /^admin:/i.test(pattern)
      ? ADMIN_ACTIONS
      : identity && /^kms:/i.test(pattern)
        ? KMS_ACTIONS
        : null;
  if (!vocabulary) {
    throw malformed(`Policy has invalid action "${pattern}": actions must start with ${identity ? '"s3:", "admin:" or "kms:"' : '"s3:"'}.`);
  }
  if (!opts.lenient && !vocabulary.some((a) => wildcardMatch(pattern, a, true))) throw malformed(`Policy has invalid action "${pattern}".`);
  return pattern;
}

/** admin: and kms: actions act on the deployment, not on a bucket or object. */
function isServiceAction(pattern: string): boolean {
  return /^(admin|kms):/i.test(pattern);
}

function validateResource(pattern: string, bucket: string | undefined): string {
  const m = /^arn:aws:s3:::([^/]+)(\/.*)?$/.exec(pattern);
  if (!m) throw malformed(`Policy has invalid resource "${pattern}": expected "arn:aws:s3:::bucket[/key]".`);
  if (bucket !== undefined && !wildcardMatch(m[1], bucket)) {
    throw malformed(`Policy has invalid resource "${pattern}": it does not name bucket "${bucket}".`);
  }
  return pattern;
}

function parseConditions(v: unknown): ConditionClause[] {
  if (v === undefined) return [];
  if (!isObject(v)) throw malformed("Condition must be an object of operators.");
  const out: ConditionClause[] = [];
  for (const [raw, block] of Object.entries(v)) {
    const op = parseOperator(raw);
    if (!op) throw malformed(`Unknown condition operator "${raw}".`);
    if (!isObject(block) || Object.keys(block).length === 0) throw malformed(`Condition operator "${raw}" needs {"key": value}.`);
    for (const [key, value] of Object.entries(block)) {
      const list = Array.isArray(value) ? value : [value];
      if (list.length === 0 || list.some((x) => !["string", "number", "boolean"].includes(typeof x))) {
        throw malformed(`Condition "${raw}" on "${key}" needs string, number or boolean values.`);
      }
      const values = list.map(String);
      for (const val of values) {
        const problem = valueShapeError(op.operator, val);
        if (problem) throw malformed(`Condition "${raw}" on "${key}": ${problem}.`);
      }
      out.push({ raw, ...op, key: key.toLowerCase(), values });
    }
  }
  return out;
}

/** Whether some resource pattern can name the kind of thing an action acts on. */
function actionApplies(kind: "object" | "bucket", resources: string[]): boolean {
  return resources.some((r) => {
    const path = r.slice("arn:aws:s3:::".length);
    return kind === "object" ? path.includes("/") || path.endsWith("*") : !path.includes("/");
  });
}

function checkActionsApply(actions: string[], resources: string[]): void {
  for (const pattern of actions) {
    if (isServiceAction(pattern)) continue;
    const kinds = new Set(
      Object.entries(S3_ACTIONS)
        .filter(([a]) => wildcardMatch(pattern, a, true))
        .map(([, k]) => k),
    );
    if (![...kinds].some((k) => actionApplies(k, resources))) {
      throw malformed(`Action "${pattern}" does not apply to any resource in the statement.`);
    }
  }
}

function pick<T>(s: Record<string, unknown>, a: string, b: string, parse: (v: unknown, f: string) => T): [T?, T?] {
  if ((s[a] === undefined) === (s[b] === undefined)) throw malformed(`A statement needs exactly one of ${a} or ${b}.`);
  return s[a] !== undefined ? [parse(s[a], a), undefined] : [undefined, parse(s[b], b)];
}

/** Identity statements: no principal; a resource is needed unless every action is an admin:/kms: one. */
function identityParts(s: Record<string, unknown>, opts: ParseOptions) {
  if (s.Principal !== undefined || s.NotPrincipal !== undefined)
    throw malformed("Principal is not allowed in an identity policy: it applies to whoever it is attached to.");
  const [actions, notActions] = pick(s, "Action", "NotAction", (v, f) => stringList(v, f).map((a) => validateAction(a, opts)));
  const serviceOnly = (actions ?? []).every(isServiceAction) && notActions === undefined;
  if (serviceOnly && s.Resource === undefined && s.NotResource === undefined) return { actions, notActions, resources: undefined, notResources: undefined };
  const [resources, notResources] = pick(s, "Resource", "NotResource", (v, f) => stringList(v, f).map((r) => validateResource(r, undefined)));
  return { actions, notActions, resources, notResources };
}

function parseStatement(s: unknown, opts: ParseOptions): PolicyStatement {
  if (!isObject(s)) throw malformed("Each statement must be an object.");
  for (const k of Object.keys(s)) if (!STATEMENT_FIELDS.has(k)) throw malformed(`Unknown field "${k}" in statement.`);
  if (s.Effect !== "Allow" && s.Effect !== "Deny") throw malformed(`Effect must be "Allow" or "Deny".`);
  if (s.Sid !== undefined && typeof s.Sid !== "string") throw malformed("Sid must be a string.");
  let principals: string[] | undefined;
  let notPrincipals: string[] | undefined;
  let parts: Pick<PolicyStatement, "actions" | "notActions" | "resources" | "notResources">;
  if (opts.kind === "identity") parts = identityParts(s, opts);
  else {
    [principals, notPrincipals] = pick(s, "Principal", "NotPrincipal", parsePrincipal);
    const [actions, notActions] = pick(s, "Action", "NotAction", (v, f) => stringList(v, f).map((a) => validateAction(a, opts)));
    const [resources, notResources] = pick(s, "Resource", "NotResource", (v, f) => stringList(v, f).map((r) => validateResource(r, opts.bucket)));
    parts = { actions, notActions, resources, notResources };
  }
  const { actions, notActions, resources, notResources } = parts;
  if (actions && resources) checkActionsApply(actions, resources);
  return {
    sid: s.Sid as string | undefined,
    effect: s.Effect,
    principals,
    notPrincipals,
    actions,
    notActions,
    resources,
    notResources,
    conditions: parseConditions(s.Condition),
  };
}

/**
 * Parses and validates a policy. With `bucket`, every resource must name that bucket (as
 * PutBucketPolicy requires). Throws PolicyError (MalformedPolicy, PolicyTooLarge).
 */
export function parsePolicy(json: string | Uint8Array, opts: ParseOptions = {}): BucketPolicy {
  const text = typeof json === "string" ? json : new TextDecoder().decode(json);
  const max = opts.maxBytes ?? (opts.kind === "identity" ? MAX_IDENTITY_POLICY_BYTES : MAX_POLICY_BYTES);
  if (Buffer.byteLength(text) > max) throw new PolicyError("PolicyTooLarge", `Policies must not exceed ${max} bytes.`);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw malformed(`Policies must be valid JSON: ${(e as Error).message}`);
  }
  if (!isObject(doc)) throw malformed("A policy must be a JSON object.");
  for (const k of Object.keys(doc)) if (!["Version", "Id", "Statement"].includes(k)) throw malformed(`Unknown field "${k}" in policy.`);
  const version = doc.Version ?? "2008-10-17";
  if (!(POLICY_VERSIONS as readonly unknown[]).includes(version)) throw malformed(`Unsupported policy version ${JSON.stringify(doc.Version)}.`);
  if (doc.Id !== undefined && typeof doc.Id !== "string") throw malformed("Id must be a string.");
  const raw = Array.isArray(doc.Statement) ? doc.Statement : doc.Statement === undefined ? [] : [doc.Statement];
  if (raw.length === 0) throw malformed("Could not parse the policy: Statement is empty.");
  const statements = raw.map((s) => parseStatement(s, opts));
  const sids = statements.map((s) => s.sid).filter((s) => s !== undefined);
  if (new Set(sids).size !== sids.length) throw malformed("Statement IDs (Sid) in a policy must be unique.");
  return { version: version as string, id: doc.Id as string | undefined, statements };
}
