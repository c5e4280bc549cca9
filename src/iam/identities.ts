// Who an access key is and what its policies allow, decided over the in-memory IAM state: the
// root, an IAM user (its own and its enabled groups' policies), a service account (its parent's
// policies, narrowed by an embedded policy) or temporary credentials (the same, narrowed by a
// session policy). A narrowed identity never exceeds what its parent may do.
import { BUILTIN_POLICIES } from "./builtin-policies.ts";
import { neverExpires, type UserIdentity } from "./iam-records.ts";
import type { IamState } from "./iam-store.ts";
import type { ConditionValues } from "./policy/conditions.ts";
import { evaluate, type PolicyDecision } from "./policy/evaluate.ts";
import { parsePolicy, type BucketPolicy } from "./policy/policy.ts";

export type IdentityKind = "root" | "user" | "service-account" | "sts";

export interface Identity {
  kind: IdentityKind;
  accessKey: string;
  /**
   * Service accounts and temporary credentials: the user they act for — an IAM user, the root
   * user's name, or an external identity (an LDAP DN, an OpenID subject) named by the claims.
   */
  parent?: string;
  /** Claims of temporary credentials and service accounts (for ${jwt:…} / ${ldap:…} variables). */
  claims?: Record<string, unknown>;
  /** Groups an external identity belongs to (LDAP group DNs, OpenID groups), mapped through policydb/groups. */
  groups?: readonly string[];
}

/** The claim naming the policies of an external (OpenID) identity, as MinIO's default claim name. */
export const POLICY_CLAIM = "policy";

/** What authentication needs of an access key. */
export interface Credential {
  secretKey: string;
  /** Temporary credentials: the token every request must present. */
  sessionToken?: string;
  /** Temporary credentials past their expiry. */
  expired: boolean;
  identity: Identity;
}

const builtins = new Map(Object.entries(BUILTIN_POLICIES).map(([name, text]) => [name, parsePolicy(text, { kind: "identity" })]));

/** The policy named `name`: a stored one, else a built-in; undefined if neither. */
export function policyByName(state: IamState, name: string): BucketPolicy | undefined {
  return state.policies.get(name)?.parsed ?? builtins.get(name);
}

export function isExpired(id: UserIdentity, now: number): boolean {
  const exp = id.credentials.expiration;
  return !neverExpires(exp) && Date.parse(exp as string) <= now;
}

function enabled(id: UserIdentity | undefined): id is UserIdentity {
  return id !== undefined && id.credentials.status !== "off";
}

/** Names of the enabled groups `user` is a member of. */
export function groupsOf(state: IamState, user: string, opts: { includeDisabled?: boolean } = {}): string[] {
  const out: string[] = [];
  for (const [name, g] of state.groups) if ((opts.includeDisabled || g.status !== "disabled") && g.members.includes(user)) out.push(name);
  return out.sort();
}

/** Policy names that apply to IAM user `user`: its own mapping, then its enabled groups'. */
export function userPolicyNames(state: IamState, user: string): string[] {
  const names = [...(state.mappings.users.get(user) ?? [])];
  for (const g of groupsOf(state, user)) names.push(...(state.mappings.groups.get(g) ?? []));
  return [...new Set(names)];
}

/** The credential of `accessKey`, or null when it is unknown or disabled. */
export function lookupCredential(state: IamState, root: { accessKey: string; secretKey: string }, accessKey: string, now: number): Credential | null {
  if (accessKey === root.accessKey) return { secretKey: root.secretKey, expired: false, identity: { kind: "root", accessKey } };
  const user = state.identities.users.get(accessKey);
  if (user)
    return enabled(user) && !isExpired(user, now) ? { secretKey: user.credentials.secretKey, expired: false, identity: { kind: "user", accessKey } } : null;
  const sa = state.identities["service-accounts"].get(accessKey);
  if (sa) {
    if (!enabled(sa) || isExpired(sa, now)) return null;
    const c = sa.credentials;
    return { secretKey: c.secretKey, expired: false, identity: { kind: "service-account", accessKey, parent: c.parentUser, claims: c.claims } };
  }
  const sts = state.identities.sts.get(accessKey);
  if (sts) {
    if (!enabled(sts)) return null;
    const c = sts.credentials;
    return {
      secretKey: c.secretKey,
      sessionToken: c.sessionToken ?? "",
      expired: isExpired(sts, now),
      identity: { kind: "sts", accessKey, parent: c.parentUser, claims: c.claims, groups: c.groups },
    };
  }
  return null;
}

/**
 * The policies of an external identity (OpenID, LDAP) behind temporary credentials: those its
 * claims name, and the policydb mappings of its session, its name and its groups.
 */
export function externalPolicyNames(state: IamState, identity: Identity): Set<string> {
  const names = new Set<string>();
  const claimed = identity.claims?.[POLICY_CLAIM];
  for (const n of Array.isArray(claimed) ? claimed : typeof claimed === "string" ? claimed.split(",") : []) if (String(n).trim()) names.add(String(n).trim());
  for (const n of state.mappings.users.get(identity.parent ?? "") ?? []) names.add(n);
  // MinIO maps a session's policies by its access key (policydb/sts-users/<accessKey>.json); older data by the parent.
  for (const key of [identity.accessKey, identity.parent ?? ""]) for (const n of state.mappings["sts-users"].get(key) ?? []) names.add(n);
  for (const g of identity.groups ?? []) for (const n of state.mappings.groups.get(g) ?? []) names.add(n);
  return names;
}

/** Combines decisions: any deny denies, any allow allows. */
function union(decisions: PolicyDecision[]): PolicyDecision {
  if (decisions.includes("deny")) return "deny";
  return decisions.includes("allow") ? "allow" : "default";
}

/** Both must allow (a narrowing policy on top of the parent's); a deny from either denies. */
function intersect(a: PolicyDecision, b: PolicyDecision): PolicyDecision {
  if (a === "deny" || b === "deny") return "deny";
  return a === "allow" && b === "allow" ? "allow" : "default";
}

export interface AccessRequest {
  action: string;
  resource: string;
  conditions: ConditionValues;
}

/** The narrowing policy a service account or temporary credential carries in its claims, if any. */
export function sessionPolicyOf(
  claims: Record<string, unknown> | undefined,
  kind: IdentityKind = "service-account",
  cache?: Map<string, BucketPolicy>,
): BucketPolicy | undefined {
  const encoded = claims?.sessionPolicy;
  if (typeof encoded !== "string" || encoded === "") return undefined;
  // Only a service account says whether it inherits; a session's policy always narrows.
  if (kind === "service-account" && claims?.["sa-policy"] === "inherited-policy") return undefined;
  const hit = cache?.get(encoded);
  if (hit) return hit;
  let parsed: BucketPolicy;
  try {
    parsed = parsePolicy(Buffer.from(encoded, "base64").toString("utf8"), { kind: "identity", lenient: true });
  } catch {
    // A policy that cannot be read narrows to nothing rather than widening to the parent's.
    parsed = { version: "2012-10-17", statements: [] };
  }
  if (cache) {
    if (cache.size >= MAX_CACHED_SESSION_POLICIES) cache.delete(cache.keys().next().value as string);
    cache.set(encoded, parsed);
  }
  return parsed;
}

/** Parsed session policies kept by their owner (IamSystem): one parse per document, not per request. */
const MAX_CACHED_SESSION_POLICIES = 4096;

export class Decider {
  constructor(
    readonly state: IamState,
    readonly rootUser: string,
    readonly now: number,
    /** Parsed session/embedded policies by their base64 text (bench:iam: parsing per request cost a service account's GETs 38 %). */
    readonly sessionPolicies?: Map<string, BucketPolicy>,
  ) {}

  /** The decision of the identity policies of IAM user (or root) `user`. */
  #forUser(user: string, req: AccessRequest): PolicyDecision {
    if (user === this.rootUser) return "allow";
    const id = this.state.identities.users.get(user);
    if (!enabled(id) || isExpired(id, this.now)) return "deny";
    const decisions: PolicyDecision[] = [];
    for (const name of userPolicyNames(this.state, user)) {
      const p = policyByName(this.state, name);
      if (p) decisions.push(evaluate(p, { principal: user, ...req }));
    }
    return union(decisions);
  }

  /**
   * An external identity (OpenID, LDAP) behind temporary credentials: the policies its claims name
   * and the policydb mappings of its name and groups; the IAM user rules do not apply to it.
   */
  #forExternal(identity: Identity, req: AccessRequest): PolicyDecision {
    const names = externalPolicyNames(this.state, identity);
    const decisions: PolicyDecision[] = [];
    for (const name of names) {
      const p = policyByName(this.state, name);
      if (p) decisions.push(evaluate(p, { principal: identity.parent ?? identity.accessKey, ...req }));
    }
    return union(decisions);
  }

  /** Whether `parent` names an IAM user (or the root) rather than an external identity. */
  #internal(parent: string): boolean {
    return parent === this.rootUser || this.state.identities.users.has(parent);
  }

  /** The identity-policy decision for one request by `identity`. */
  decide(identity: Identity, req: AccessRequest): PolicyDecision {
    switch (identity.kind) {
      case "root":
        return "allow";
      case "user":
        return this.#forUser(identity.accessKey, req);
      case "service-account":
      case "sts": {
        const folder = identity.kind === "sts" ? "sts" : "service-accounts";
        const own = this.state.identities[folder].get(identity.accessKey);
        if (!enabled(own) || isExpired(own, this.now)) return "deny";
        const parent = identity.parent ?? "";
        // A service account of an external identity carries that identity's claims and groups too.
        const base = this.#internal(parent) ? this.#forUser(parent, req) : this.#forExternal(identity, req);
        const narrow = sessionPolicyOf(identity.claims, identity.kind, this.sessionPolicies);
        return narrow ? intersect(base, evaluate(narrow, { principal: identity.accessKey, ...req })) : base;
      }
    }
  }
}
