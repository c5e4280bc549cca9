// Credentials derived from a user: service accounts (long-lived, optionally narrowed by an
// embedded policy, optionally expiring) and temporary credentials from STS AssumeRole (a session
// token, an expiry, optionally a session policy). Both are stored as MinIO stores them, their
// claims in a session token signed by the root secret.
import { IamError } from "./iam-error.ts";
import { NO_EXPIRY, nowStamp, type UserIdentity } from "./iam-records.ts";
import { sessionPolicyOf, type Identity } from "./identities.ts";
import { checkAccessKey, checkSecretKey, generateKeys, type IamSystem } from "./iam-system.ts";
import { isPolicyError } from "./policy/policy-error.ts";
import { parsePolicy } from "./policy/policy.ts";
import { signSessionToken } from "./session-token.ts";

export interface NewServiceAccount {
  /** The user it acts for; default: the caller (a service account's or STS caller's parent). */
  targetUser?: string;
  accessKey?: string;
  secretKey?: string;
  /** An embedded policy narrowing the parent's (JSON); absent: inherits the parent's. */
  policy?: string;
  name?: string;
  description?: string;
  /** RFC 3339; absent: never expires. */
  expiration?: string;
}

export interface ServiceAccountUpdate {
  newPolicy?: string;
  newSecretKey?: string;
  newStatus?: string;
  newName?: string;
  newDescription?: string;
  newExpiration?: string;
}

export interface IssuedCredentials {
  accessKey: string;
  secretKey: string;
  sessionToken?: string;
  /** RFC 3339; absent for credentials that never expire. */
  expiration?: string;
}

/** madmin's InfoServiceAccountResp. */
export interface ServiceAccountView {
  parentUser: string;
  accountStatus: "on" | "off";
  impliedPolicy: boolean;
  policy: string;
  name?: string;
  description?: string;
  expiration?: string;
}

function checkPolicy(text: string): void {
  try {
    parsePolicy(text, { kind: "identity" });
  } catch (err) {
    if (isPolicyError(err)) throw new IamError("MalformedPolicy", err.message, { cause: err });
    throw err;
  }
}

function futureExpiration(iam: IamSystem, expiration: string | undefined): string {
  if (!expiration || Date.parse(expiration) <= 0) return NO_EXPIRY;
  const t = Date.parse(expiration);
  if (!Number.isFinite(t)) throw new IamError("InvalidArgument", `Invalid expiration "${expiration}"`);
  if (t <= iam.now()) throw new IamError("InvalidArgument", "The expiration must be in the future");
  return new Date(t).toISOString();
}

export class DerivedCredentials {
  constructor(readonly iam: IamSystem) {}

  /** The user a caller acts as: itself, or the parent of its service account / session. */
  ownerOf(caller: Identity): string {
    return caller.kind === "service-account" || caller.kind === "sts" ? (caller.parent ?? "") : caller.accessKey;
  }

  #taken(accessKey: string): boolean {
    const s = this.iam.state.identities;
    return accessKey === this.iam.rootUser || s.users.has(accessKey) || s["service-accounts"].has(accessKey) || s.sts.has(accessKey);
  }

  #claims(parent: string, accessKey: string, policy: string | undefined, extra: Record<string, unknown> = {}): Record<string, unknown> {
    const claims: Record<string, unknown> = { ...extra, parent, accessKey, "sa-policy": policy ? "embedded-policy" : "inherited-policy" };
    if (policy) claims.sessionPolicy = Buffer.from(policy).toString("base64");
    return claims;
  }

  async addServiceAccount(caller: Identity, req: NewServiceAccount): Promise<IssuedCredentials> {
    const parent = req.targetUser || this.ownerOf(caller);
    if (parent !== this.iam.rootUser) this.iam.requireIdentity("users", parent);
    const generated = generateKeys();
    const accessKey = req.accessKey || generated.accessKey;
    const secretKey = req.secretKey || generated.secretKey;
    checkAccessKey(accessKey);
    checkSecretKey(secretKey);
    if (this.#taken(accessKey)) throw new IamError("InvalidArgument", `Access key "${accessKey}" is already in use`);
    if (req.policy) checkPolicy(req.policy);
    if ((req.name?.length ?? 0) > 32) throw new IamError("InvalidArgument", "A service account name is at most 32 characters");
    if ((req.description?.length ?? 0) > 256) throw new IamError("InvalidArgument", "A service account description is at most 256 characters");
    const expiration = futureExpiration(this.iam, req.expiration);
    const claims = this.#claims(parent, accessKey, req.policy || undefined);
    const record: UserIdentity = {
      version: 1,
      credentials: {
        accessKey,
        secretKey,
        sessionToken: signSessionToken(claims, this.iam.config.root.secretKey),
        expiration,
        status: "on",
        parentUser: parent,
        claims,
        name: req.name || undefined,
        description: req.description || undefined,
      },
      updatedAt: nowStamp(),
    };
    await this.iam.putIdentity("service-accounts", record);
    await this.iam.changed();
    return { accessKey, secretKey, expiration: expiration === NO_EXPIRY ? undefined : expiration };
  }

  /** The service account `accessKey`, if `caller` may manage it (an admin, or its owner). */
  requireServiceAccount(accessKey: string): UserIdentity {
    return this.iam.requireIdentity("service-accounts", accessKey);
  }

  async updateServiceAccount(accessKey: string, req: ServiceAccountUpdate): Promise<void> {
    const sa = this.requireServiceAccount(accessKey);
    const c = { ...sa.credentials };
    if (req.newSecretKey) {
      checkSecretKey(req.newSecretKey);
      c.secretKey = req.newSecretKey;
    }
    if (req.newStatus) {
      if (!["on", "off", "enabled", "disabled"].includes(req.newStatus)) throw new IamError("InvalidArgument", `Invalid status "${req.newStatus}"`);
      c.status = req.newStatus === "on" || req.newStatus === "enabled" ? "on" : "off";
    }
    if (req.newName !== undefined && req.newName !== "") c.name = req.newName;
    if (req.newDescription !== undefined && req.newDescription !== "") c.description = req.newDescription;
    if (req.newExpiration) c.expiration = futureExpiration(this.iam, req.newExpiration);
    if (req.newPolicy !== undefined) {
      // "{}" or empty: back to the parent's policies.
      const text = req.newPolicy.trim();
      const embedded = text !== "" && text !== "{}" && text !== "null" ? text : undefined;
      if (embedded) checkPolicy(embedded);
      c.claims = this.#claims(c.parentUser ?? "", accessKey, embedded);
      c.sessionToken = signSessionToken(c.claims, this.iam.config.root.secretKey);
    }
    await this.iam.putIdentity("service-accounts", { ...sa, credentials: c, updatedAt: nowStamp() });
    await this.iam.changed();
  }

  serviceAccountInfo(accessKey: string): ServiceAccountView {
    const c = this.requireServiceAccount(accessKey).credentials;
    const embedded = sessionPolicyOf(c.claims);
    const policyText = embedded && typeof c.claims?.sessionPolicy === "string" ? Buffer.from(c.claims.sessionPolicy, "base64").toString("utf8") : undefined;
    return {
      parentUser: c.parentUser ?? "",
      accountStatus: c.status === "off" ? "off" : "on",
      impliedPolicy: policyText === undefined,
      policy: policyText ?? this.#parentPolicy(c.parentUser ?? ""),
      name: c.name,
      description: c.description,
      expiration: c.expiration && c.expiration !== NO_EXPIRY ? c.expiration : undefined,
    };
  }

  /** The parent's policies merged into one document (what an inheriting account may do). */
  #parentPolicy(parent: string): string {
    return JSON.stringify(this.iam.policyDocumentOf({ kind: "user", accessKey: parent }));
  }

  /** Service accounts of `user` (every one when user is undefined). */
  listServiceAccounts(
    user?: string,
  ): { accessKey: string; parentUser: string; accountStatus: string; name?: string; description?: string; expiration?: string }[] {
    const out = [];
    for (const [ak, id] of this.iam.state.identities["service-accounts"]) {
      const c = id.credentials;
      if (user !== undefined && c.parentUser !== user) continue;
      out.push({
        accessKey: ak,
        parentUser: c.parentUser ?? "",
        accountStatus: c.status === "off" ? "off" : "on",
        name: c.name,
        description: c.description,
        expiration: c.expiration && c.expiration !== NO_EXPIRY ? c.expiration : undefined,
      });
    }
    return out.sort((a, b) => (a.accessKey < b.accessKey ? -1 : 1));
  }

  async deleteServiceAccount(accessKey: string): Promise<void> {
    this.requireServiceAccount(accessKey);
    await this.iam.deleteIdentity("service-accounts", accessKey);
    await this.iam.changed();
  }

  /**
   * Temporary credentials (STS) acting for `parent` — an IAM user, the root, or an external
   * identity (OpenID subject, LDAP DN) whose `claims` and `groups` decide its policies — valid
   * `durationSeconds`, narrowed by `policy` when given.
   */
  async issueTemporary(
    parent: string,
    opts: { durationSeconds: number; policy?: string; claims?: Record<string, unknown>; groups?: string[] },
  ): Promise<IssuedCredentials> {
    if (opts.policy) checkPolicy(opts.policy);
    const { accessKey, secretKey } = generateKeys();
    const exp = new Date(this.iam.now() + opts.durationSeconds * 1000);
    // The claims that decide what a credential is are ours alone: a token cannot bring its own.
    const { "sa-policy": _sa, sessionPolicy: _sp, parent: _p, accessKey: _ak, exp: _exp, ...foreign } = opts.claims ?? {};
    const claims: Record<string, unknown> = { ...foreign, accessKey, parent, exp: Math.floor(exp.getTime() / 1000) };
    if (opts.policy) claims.sessionPolicy = Buffer.from(opts.policy).toString("base64");
    const sessionToken = signSessionToken(claims, this.iam.config.root.secretKey);
    const expiration = exp.toISOString().replace(/\.\d{3}Z$/, "Z");
    await this.iam.putIdentity("sts", {
      version: 1,
      credentials: {
        accessKey,
        secretKey,
        sessionToken,
        expiration,
        status: "on",
        parentUser: parent,
        groups: opts.groups?.length ? opts.groups : undefined,
        claims,
      },
      updatedAt: nowStamp(),
    });
    await this.iam.changed();
    return { accessKey, secretKey, sessionToken, expiration };
  }

  /** STS AssumeRole by a user or the root (not a service account or another session). */
  assumeRole(caller: Identity, durationSeconds: number, policy?: string): Promise<IssuedCredentials> {
    return this.issueTemporary(caller.accessKey, { durationSeconds, policy });
  }
}
