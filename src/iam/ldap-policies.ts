// Policies of LDAP identities as MinIO keeps them: a user DN's in policydb/sts-users/<DN>.json, a
// group DN's in policydb/groups/<DN>.json; attaching checks the entity in the directory and the
// policies in IAM, and the entities view lists only names under the configured base DNs.
import { formatDn, parseDn } from "../util/index.ts";
import { IamError } from "./iam-error.ts";
import type { MappingFolder } from "./iam-records.ts";
import type { IamSystem } from "./iam-system.ts";
import { policyByName } from "./identities.ts";
import { LdapDirectory, type LdapUser } from "./ldap.ts";

/** madmin's PolicyAssociationReq: policies for exactly one of a user (login name or DN) or a group DN. */
export interface LdapAssociation {
  policies: string[];
  user?: string;
  group?: string;
}

/** madmin's PolicyEntitiesResult (without its timestamp). */
export interface LdapPolicyEntities {
  userMappings?: { user: string; policies: string[] }[];
  groupMappings?: { group: string; policies: string[] }[];
  policyMappings?: { policy: string; users: string[]; groups: string[] }[];
}

/** A checked LDAP login. */
export interface LdapLogin {
  user: LdapUser;
  /** The user's DN as its mapping is stored (the parent of its sessions). */
  parent: string;
  /** Its group DNs as their mappings are stored. */
  groups: string[];
  /** Policy names mapped to it and its groups. */
  policies: string[];
}

export class LdapPolicies {
  constructor(
    readonly iam: IamSystem,
    readonly directory: LdapDirectory,
  ) {}

  /**
   * Checks a login with the directory (see LdapDirectory.authenticate) and names the session's
   * parent and groups as the mappings spell them (a stored DN may differ in case), with the
   * policies mapped to them: none means the login must not get credentials.
   */
  async login(username: string, password: string): Promise<LdapLogin> {
    const user = await this.directory.authenticate(username, password);
    const parent = this.#keyIn("sts-users", user.dn);
    const groups = user.groups.map((g) => this.#keyIn("groups", g));
    return { user, parent, groups, policies: this.policiesOf(parent, groups) };
  }

  /** The mapping key already stored for `dn` in `folder` (it may differ in case), else `dn`. */
  #keyIn(folder: MappingFolder, dn: string): string {
    const want = LdapDirectory.keyOf(dn);
    for (const k of this.iam.state.mappings[folder].keys()) if (LdapDirectory.keyOf(k) === want) return k;
    return dn;
  }

  #mapped(folder: MappingFolder, dn: string): string[] {
    return this.iam.state.mappings[folder].get(this.#keyIn(folder, dn)) ?? [];
  }

  /** Policy names mapped to a user DN and its group DNs (what a session of it would get). */
  policiesOf(dn: string, groups: readonly string[]): string[] {
    const names = [...this.#mapped("sts-users", dn), ...this.#mapped("users", dn)];
    for (const g of groups) names.push(...this.#mapped("groups", g));
    return [...new Set(names)];
  }

  /** A DN the directory no longer knows may still be detached (its mapping outlived the entry). */
  #stale(name: string, detach: boolean, missing: IamError): string {
    const parsed = parseDn(name);
    if (!detach || typeof parsed === "string" || parsed.length === 0) throw missing;
    return formatDn(parsed);
  }

  async #entity(req: LdapAssociation, detach: boolean): Promise<{ folder: MappingFolder; dn: string }> {
    if (req.user) {
      const dn = await this.directory.findUser(req.user);
      return { folder: "sts-users", dn: dn ?? this.#stale(req.user, detach, new IamError("NoSuchUser", `The LDAP user "${req.user}" does not exist`)) };
    }
    const group = req.group ?? "";
    const dn = await this.directory.findGroup(group);
    return {
      folder: "groups",
      dn: dn ?? this.#stale(group, detach, new IamError("NoSuchGroup", `The LDAP group "${group}" does not exist under a group search base`)),
    };
  }

  /**
   * Attaches (or detaches) policies to an LDAP user or group; returns the names actually added
   * (or removed). A change that changes nothing is refused, as MinIO refuses it.
   */
  async associate(req: LdapAssociation, detach: boolean): Promise<{ changed: string[]; updatedAt: string }> {
    const names = [...new Set(req.policies.map((p) => p.trim()))];
    if (names.length === 0 || names.some((n) => n === "")) throw new IamError("InvalidArgument", "Name at least one policy, and no empty names");
    if (!req.user === !req.group) throw new IamError("InvalidArgument", "Name exactly one of an LDAP user or an LDAP group");
    if (!detach) for (const n of names) if (!policyByName(this.iam.state, n)) throw new IamError("NoSuchPolicy", `The canned policy "${n}" does not exist`);
    const { folder, dn } = await this.#entity(req, detach);
    const key = this.#keyIn(folder, dn);
    const current = this.iam.state.mappings[folder].get(key) ?? [];
    const changed = detach ? names.filter((n) => current.includes(n)) : names.filter((n) => !current.includes(n));
    if (changed.length === 0) throw new IamError("AlreadyApplied", detach ? "The policies are not attached" : "The policies are already attached");
    const next = detach ? current.filter((n) => !changed.includes(n)) : [...current, ...changed];
    await this.iam.setMapping(folder, key, next);
    this.iam.changed();
    return { changed, updatedAt: new Date(this.iam.now()).toISOString() };
  }

  /** Mappings in `folder` whose names lie under the matching base DNs. */
  #ldapMappings(folder: "sts-users" | "groups"): [string, string[]][] {
    const out: [string, string[]][] = [];
    for (const [name, policies] of this.iam.state.mappings[folder]) {
      const parsed = parseDn(name);
      if (typeof parsed === "string" || parsed.length === 0) continue;
      if (folder === "groups" ? this.directory.isGroupDN(parsed) : this.directory.isUserDN(parsed)) out.push([name, policies]);
    }
    return out.sort(([a], [b]) => LdapDirectory.keyOf(a).localeCompare(LdapDirectory.keyOf(b)));
  }

  /** A user named in a query: a DN as is, a login name through the directory (unknown names match nothing). */
  async #queryUserKey(name: string): Promise<string> {
    const parsed = parseDn(name);
    if (typeof parsed !== "string" && parsed.length > 0) return LdapDirectory.keyOf(name);
    const dn = await this.directory.findUser(name).catch(() => null);
    return dn ? LdapDirectory.keyOf(dn) : `\u0000${name}`;
  }

  /**
   * Who has which policy (get-ldap-policy-entities): the users and groups asked about, the
   * policies asked about; with no filter, every policy's users and groups (as MinIO answers).
   */
  async entities(query: { users: string[]; groups: string[]; policies: string[] }): Promise<LdapPolicyEntities> {
    const users = this.#ldapMappings("sts-users");
    const groups = this.#ldapMappings("groups");
    const out: LdapPolicyEntities = {};
    if (query.users.length > 0) {
      const keys = new Set(await Promise.all(query.users.map((u) => this.#queryUserKey(u))));
      out.userMappings = users.filter(([u]) => keys.has(LdapDirectory.keyOf(u))).map(([user, policies]) => ({ user, policies }));
    }
    if (query.groups.length > 0) {
      const keys = new Set(query.groups.map((g) => LdapDirectory.keyOf(g)));
      out.groupMappings = groups.filter(([g]) => keys.has(LdapDirectory.keyOf(g))).map(([group, policies]) => ({ group, policies }));
    }
    if (query.policies.length > 0 || (query.users.length === 0 && query.groups.length === 0)) {
      const wanted = query.policies.length > 0 ? query.policies : [...new Set([...users, ...groups].flatMap(([, p]) => p))];
      out.policyMappings = [...new Set(wanted)].sort().map((policy) => ({
        policy,
        users: users.filter(([, p]) => p.includes(policy)).map(([u]) => u),
        groups: groups.filter(([, p]) => p.includes(policy)).map(([g]) => g),
      }));
    }
    return out;
  }
}
