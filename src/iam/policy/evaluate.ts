// Policy evaluation (bucket and identity policies): which statements apply to a request (principal, action, resource,
// conditions) and the decision — an explicit Deny wins, then an Allow, else "default" (the
// caller falls back to ownership/IAM rules).
import { evaluateClause, wildcardMatch, type ConditionValues } from "./conditions.ts";
import type { PolicyCheck } from "./actions.ts";
import type { BucketPolicy, PolicyStatement } from "./policy.ts";

export type PolicyDecision = "allow" | "deny" | "default";

export interface PolicyRequest {
  /** "*" for an anonymous request, otherwise the access key that signed it. */
  principal: string;
  /** e.g. "s3:GetObject" */
  action: string;
  /** e.g. "arn:aws:s3:::bucket/key" */
  resource: string;
  /** Condition keys (aws:SourceIp, s3:prefix, aws:SecureTransport, …); names case-insensitive. */
  conditions?: ConditionValues;
}

/** Principal patterns name an access key directly or as an IAM user ARN's last segment. */
function principalMatches(patterns: readonly string[], principal: string): boolean {
  return patterns.some((p) => {
    if (p === "*") return true;
    if (principal === "*") return false;
    if (wildcardMatch(p, principal)) return true;
    const user = /^arn:aws:iam::[^:]*:user\/(.+)$/.exec(p);
    return user !== null && wildcardMatch(user[1], principal);
  });
}

const MISSING = "\u0000unresolved\u0000";

/**
 * Substitutes ${key} policy variables (2012-10-17 only) from the condition values; ${*}, ${?}
 * and ${$} are the escaped literals. An unknown variable can match nothing.
 */
function resolver(policy: BucketPolicy, values: ConditionValues): (pattern: string) => string {
  if (policy.version !== "2012-10-17") return (p) => p;
  const lower = new Map(Object.entries(values).map(([k, v]) => [k.toLowerCase(), v[0]]));
  return (pattern) =>
    pattern.includes("${")
      ? pattern.replace(/\$\{([^}]*)\}/g, (_, name: string) => {
          if (name === "*" || name === "?" || name === "$") return name;
          return lower.get(name.toLowerCase()) ?? MISSING;
        })
      : pattern;
}

function statementApplies(s: PolicyStatement, req: PolicyRequest, resolve: (p: string) => string): boolean {
  if (s.principals && !principalMatches(s.principals, req.principal)) return false;
  if (s.notPrincipals && principalMatches(s.notPrincipals, req.principal)) return false;
  const actionHit = (list: string[]) => list.some((a) => wildcardMatch(a, req.action, true));
  if (s.actions && !actionHit(s.actions)) return false;
  if (s.notActions && actionHit(s.notActions)) return false;
  // admin: and kms: actions act on the deployment: resources do not narrow them.
  const service = /^(admin|kms):/i.test(req.action);
  const resourceHit = (list: string[]) => list.some((r) => wildcardMatch(resolve(r), req.resource));
  if (!service && s.resources && !resourceHit(s.resources)) return false;
  if (!service && s.notResources && resourceHit(s.notResources)) return false;
  if (!service && !s.resources && !s.notResources) return false;
  const values = req.conditions ?? {};
  return s.conditions.every((c) => evaluateClause(c, values, resolve));
}

/** The decision for one action on one resource. */
export function evaluate(policy: BucketPolicy, req: PolicyRequest): PolicyDecision {
  const resolve = resolver(policy, req.conditions ?? {});
  let allowed = false;
  for (const s of policy.statements) {
    if (!statementApplies(s, req, resolve)) continue;
    if (s.effect === "Deny") return "deny";
    allowed = true;
  }
  return allowed ? "allow" : "default";
}

/**
 * The decision for an operation's PolicyCheck (see actionsFor): any explicit Deny denies;
 * `all` needs every action allowed, `any` one of them; otherwise "default".
 */
export function evaluateCheck(policy: BucketPolicy, check: PolicyCheck, req: Omit<PolicyRequest, "action">): PolicyDecision {
  const decisions = check.actions.map((action) => evaluate(policy, { ...req, action }));
  if (decisions.includes("deny")) return "deny";
  const ok = check.mode === "all" ? decisions.every((d) => d === "allow") : decisions.includes("allow");
  return ok ? "allow" : "default";
}
