// Bucket policy documents: the parsed form and `parsePolicy`, which validates a JSON policy the
// way PutBucketPolicy must (MalformedPolicy with a message naming the problem) and normalizes
// every single-or-list field into lists so evaluation never guesses.
import { S3Error } from "../errors.ts";
import { S3_ACTIONS } from "./actions.ts";
import { parseOperator, valueShapeError, wildcardMatch, type ConditionClause } from "./conditions.ts";

/** AWS's limit on a bucket policy document. */
export const MAX_POLICY_BYTES = 20 * 1024;
export const POLICY_VERSIONS = ["2012-10-17", "2008-10-17"] as const;

export interface PolicyStatement {
  sid?: string;
  effect: "Allow" | "Deny";
  /** Principal list ("*" = everyone, anonymous included); exactly one of principals/notPrincipals. */
  principals?: string[];
  notPrincipals?: string[];
  /** Action patterns (case-insensitive wildcards); exactly one of actions/notActions. */
  actions?: string[];
  notActions?: string[];
  /** Resource ARN patterns (case-sensitive wildcards); exactly one of resources/notResources. */
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

function malformed(message: string): S3Error {
  return new S3Error("MalformedPolicy", message);
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

function validateAction(pattern: string): string {
  if (pattern === "*") return pattern;
  if (!/^s3:/i.test(pattern)) throw malformed(`Policy has invalid action "${pattern}": actions must start with "s3:".`);
  const known = Object.keys(S3_ACTIONS).some((a) => wildcardMatch(pattern, a, true));
  if (!known) throw malformed(`Policy has invalid action "${pattern}".`);
  return pattern;
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

function parseStatement(s: unknown, bucket: string | undefined): PolicyStatement {
  if (!isObject(s)) throw malformed("Each statement must be an object.");
  for (const k of Object.keys(s)) if (!STATEMENT_FIELDS.has(k)) throw malformed(`Unknown field "${k}" in statement.`);
  if (s.Effect !== "Allow" && s.Effect !== "Deny") throw malformed(`Effect must be "Allow" or "Deny".`);
  if (s.Sid !== undefined && typeof s.Sid !== "string") throw malformed("Sid must be a string.");
  const [principals, notPrincipals] = pick(s, "Principal", "NotPrincipal", parsePrincipal);
  const [actions, notActions] = pick(s, "Action", "NotAction", (v, f) => stringList(v, f).map(validateAction));
  const [resources, notResources] = pick(s, "Resource", "NotResource", (v, f) => stringList(v, f).map((r) => validateResource(r, bucket)));
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
 * Parses and validates a bucket policy. With `bucket`, every resource must name that bucket
 * (as PutBucketPolicy requires). Throws S3Error MalformedPolicy.
 */
export function parsePolicy(json: string | Uint8Array, opts: { bucket?: string; maxBytes?: number } = {}): BucketPolicy {
  const text = typeof json === "string" ? json : new TextDecoder().decode(json);
  const max = opts.maxBytes ?? MAX_POLICY_BYTES;
  if (Buffer.byteLength(text) > max) throw new S3Error("PolicyTooLarge", `Policies must not exceed ${max} bytes.`);
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
  const statements = raw.map((s) => parseStatement(s, opts.bucket));
  const sids = statements.map((s) => s.sid).filter((s) => s !== undefined);
  if (new Set(sids).size !== sids.length) throw malformed("Statement IDs (Sid) in a policy must be unique.");
  return { version: version as string, id: doc.Id as string | undefined, statements };
}
