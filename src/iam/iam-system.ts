// The IAM system of one server: the state loaded from the drives, kept in memory (reloaded when
// a peer announces a change, and periodically as a fallback), the credential lookup and policy
// decision every request asks for, and the changes the admin API makes.
import { randomBytes } from "node:crypto";
import { IamError } from "./iam-error.ts";
import { neverExpires, NO_EXPIRY, nowStamp, type IdentityFolder, type MappingFolder, type UserIdentity } from "./iam-records.ts";
import { emptyState, IamStore, PLAIN_CODEC, type IamCodec, type IamState, type IamStorage } from "./iam-store.ts";
import { BUILTIN_POLICIES } from "./builtin-policies.ts";
import { Decider, externalPolicyNames, lookupCredential, userPolicyNames, type AccessRequest, type Credential, type Identity } from "./identities.ts";
import type { PolicyDecision } from "./policy/evaluate.ts";
import type { BucketPolicy } from "./policy/policy.ts";
import { verifySessionToken } from "./session-token.ts";

export interface IamConfig {
  storage: IamStorage;
  root: { accessKey: string; secretKey: string };
  /** Decrypts what MinIO stored encrypted (and encrypts when a KMS is configured); default plain. */
  codec?: IamCodec;
  /** Called after every change this server made; resolves once the peers reloaded (cluster), so the change holds everywhere when the call returns. */
  onChange?: () => Promise<void> | void;
  log?: (line: string) => void;
  /** Reload from the drives this often as a fallback to notifications (ms; 0 = never). */
  reloadEveryMs?: number;
  now?: () => number;
}

/** Access keys: MinIO's bounds and reserved characters. */
export function checkAccessKey(accessKey: string): void {
  if (accessKey.length < 3 || accessKey.length > 128) throw new IamError("InvalidArgument", "Access key length should be between 3 and 128");
  if (/[=,]/.test(accessKey)) throw new IamError("InvalidArgument", "Access key contains a reserved character (= or ,)");
  if (/[\u0000-\u001f/\\]/.test(accessKey)) throw new IamError("InvalidArgument", "Access key contains a character that cannot be stored");
}

export function checkSecretKey(secretKey: string): void {
  if (secretKey.length < 8 || secretKey.length > 40) throw new IamError("InvalidArgument", "Secret key length should be between 8 and 40");
}

const KEY_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/** A generated access key (20 upper-case letters and digits) and secret (40 characters), as MinIO makes them. */
export function generateKeys(): { accessKey: string; secretKey: string } {
  const bytes = randomBytes(20);
  const accessKey = [...bytes].map((b) => KEY_ALPHABET[b % KEY_ALPHABET.length]).join("");
  const secretKey = randomBytes(30).toString("base64").replaceAll("/", "+").slice(0, 40);
  return { accessKey, secretKey };
}

export class IamSystem {
  readonly store: IamStore;
  #state: IamState = emptyState();
  #timer: ReturnType<typeof setInterval> | undefined;
  #loading: Promise<void> | undefined;
  readonly #sessionPolicies = new Map<string, BucketPolicy>();

  constructor(readonly config: IamConfig) {
    this.store = new IamStore(config.storage, config.codec ?? PLAIN_CODEC, config.log ?? (() => {}));
  }

  get state(): IamState {
    return this.#state;
  }

  get rootUser(): string {
    return this.config.root.accessKey;
  }

  now(): number {
    return this.config.now?.() ?? Date.now();
  }

  /**
   * Loads everything (a failed first load — drives not yet in quorum — is retried every few
   * seconds in the background, not fatal); then reloads periodically when configured.
   */
  async start(): Promise<void> {
    try {
      await this.reload();
    } catch (err) {
      this.config.log?.(`IAM: cannot load users and policies yet (${(err as Error).message}); retrying`);
      const retry = setInterval(
        () =>
          void this.reload().then(
            () => clearInterval(retry),
            () => {},
          ),
        5_000,
      );
      retry.unref?.();
    }
    const every = this.config.reloadEveryMs ?? 0;
    if (every > 0) {
      this.#timer = setInterval(() => void this.reload().catch((err) => this.config.log?.(`IAM reload failed: ${(err as Error).message}`)), every);
      this.#timer.unref?.();
    }
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  /** Re-reads every document (a peer changed something); concurrent calls share one read. */
  reload(): Promise<void> {
    this.#loading ??= this.store
      .load()
      .then((state) => {
        this.#fillClaims(state);
        this.#state = state;
        void this.#purgeExpired();
      })
      .finally(() => {
        this.#loading = undefined;
      });
    return this.#loading;
  }

  /** Temporary credentials past their expiry are removed from the drives (any server may: it is idempotent). */
  async #purgeExpired(): Promise<void> {
    for (const [ak, id] of [...this.#state.identities.sts]) {
      // An hour's grace: a client using it meanwhile is told ExpiredToken, not that it never existed.
      const exp = Date.parse(id.credentials.expiration ?? "");
      if (!this.expired(id.credentials.expiration) || this.now() - exp < 3_600_000) continue;
      await this.deleteIdentity("sts", ak).catch((err) => this.config.log?.(`IAM: cannot remove expired session ${ak}: ${(err as Error).message}`));
    }
  }

  /** Claims MinIO kept only inside the session token are read from it (signed by the root secret). */
  #fillClaims(state: IamState): void {
    for (const folder of ["service-accounts", "sts"] as const) for (const id of state.identities[folder].values()) this.#claimsOf(id);
  }

  #claimsOf(id: UserIdentity): void {
    const c = id.credentials;
    if (c.claims && Object.keys(c.claims).length > 0) return;
    if (c.sessionToken) c.claims = verifySessionToken(c.sessionToken, this.config.root.secretKey) ?? undefined;
  }

  /** The credential for an access key (null: unknown or disabled). */
  lookup(accessKey: string): Credential | null {
    return lookupCredential(this.#state, this.config.root, accessKey, this.now());
  }

  /** The identity of a known, enabled access key. */
  identity(accessKey: string): Identity | null {
    return this.lookup(accessKey)?.identity ?? null;
  }

  /** What the identity policies say of one action (the caller combines it with a bucket policy). */
  decide(identity: Identity, req: AccessRequest): PolicyDecision {
    return new Decider(this.#state, this.rootUser, this.now(), this.#sessionPolicies).decide(identity, req);
  }

  /**
   * Every policy that applies to `identity` as one document, as accountinfo and the service-account
   * and session info calls show it: the root's (and what acts for it) allows everything.
   */
  policyDocumentOf(identity: Identity): { Version: string; Statement: unknown[] } {
    const user = identity.kind === "service-account" || identity.kind === "sts" ? (identity.parent ?? "") : identity.accessKey;
    if (identity.kind === "root" || user === this.rootUser) {
      return { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["s3:*", "admin:*", "kms:*"], Resource: ["arn:aws:s3:::*"] }] };
    }
    return { Version: "2012-10-17", Statement: this.statementsOf(identity) };
  }

  /** The statements of every policy that applies to `identity` (accountinfo shows them as one document). */
  statementsOf(identity: Identity): unknown[] {
    const user = identity.kind === "service-account" || identity.kind === "sts" ? (identity.parent ?? "") : identity.accessKey;
    const internal = user === this.rootUser || this.#state.identities.users.has(user);
    const out: unknown[] = [];
    for (const name of internal ? userPolicyNames(this.#state, user) : externalPolicyNames(this.#state, identity)) {
      const text = this.#state.policies.get(name)?.text ?? BUILTIN_POLICIES[name];
      if (text) out.push(...[JSON.parse(text).Statement].flat());
    }
    return out;
  }

  /** After a change: tell the peers, and wait for them (best effort: a peer that is away reloads when it returns). */
  async changed(): Promise<void> {
    await this.config.onChange?.();
  }

  readonly #misses = new Map<string, number>();

  /**
   * An access key this server does not know may be one a peer just made (its notification still
   * on the way, or lost): its identity files are read from the drives once, and a key that is
   * nowhere is not looked for again for a few seconds (unknown keys cost no repeated reads).
   */
  async lookupFresh(accessKey: string): Promise<Credential | null> {
    const known = this.lookup(accessKey);
    if (known || accessKey === "") return known;
    const now = this.now();
    if ((this.#misses.get(accessKey) ?? 0) > now) return null;
    for (const folder of ["users", "service-accounts", "sts"] as const) {
      const id = await this.store.readIdentity(folder, accessKey).catch(() => null);
      if (!id) continue;
      this.#claimsOf(id);
      this.#state.identities[folder].set(accessKey, id);
      return this.lookup(accessKey);
    }
    if (this.#misses.size > 10_000) this.#misses.clear();
    this.#misses.set(accessKey, now + 3_000);
    return null;
  }

  /** A user-like record by folder; throws the folder's NoSuch… error when absent. */
  requireIdentity(folder: IdentityFolder, accessKey: string): UserIdentity {
    const id = this.#state.identities[folder].get(accessKey);
    if (!id) {
      if (folder === "users") throw new IamError("NoSuchUser", `The specified user "${accessKey}" does not exist`);
      throw new IamError("NoSuchServiceAccount", `The specified service account "${accessKey}" does not exist`);
    }
    return id;
  }

  /** Writes an identity record and keeps it in memory. */
  async putIdentity(folder: IdentityFolder, id: UserIdentity): Promise<void> {
    await this.store.saveIdentity(folder, id);
    this.#state.identities[folder].set(id.credentials.accessKey, id);
  }

  async deleteIdentity(folder: IdentityFolder, accessKey: string): Promise<void> {
    await this.store.removeIdentity(folder, accessKey);
    this.#state.identities[folder].delete(accessKey);
    const mapping = folder === "users" ? "users" : folder === "sts" ? "sts-users" : "service-accounts";
    if (this.#state.mappings[mapping].has(accessKey)) await this.setMapping(mapping, accessKey, []);
  }

  async setMapping(folder: MappingFolder, name: string, policies: string[]): Promise<void> {
    await this.store.saveMapping(folder, name, policies, nowStamp());
    if (policies.length === 0) this.#state.mappings[folder].delete(name);
    else this.#state.mappings[folder].set(name, policies);
  }

  /** A new identity record with MinIO's defaults. */
  static record(credentials: UserIdentity["credentials"]): UserIdentity {
    return { version: 1, credentials: { expiration: NO_EXPIRY, status: "on", ...credentials }, updatedAt: nowStamp() };
  }

  /** Whether an RFC 3339 expiration string lies in the past. */
  expired(expiration: string | undefined): boolean {
    return !neverExpires(expiration) && Date.parse(expiration as string) <= this.now();
  }
}
