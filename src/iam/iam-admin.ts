// The changes and views the admin API offers on users, groups, canned policies and policy
// attachments, with MinIO's rules (members must exist, a group with members cannot be removed,
// only existing policies can be attached, the root user cannot be changed).
import { BUILTIN_POLICIES } from "./builtin-policies.ts";
import { IamError } from "./iam-error.ts";
import { nowStamp, type GroupInfo, type MappingFolder } from "./iam-records.ts";
import { groupsOf, policyByName } from "./identities.ts";
import { checkAccessKey, checkSecretKey, IamSystem } from "./iam-system.ts";
import { isPolicyError } from "./policy/policy-error.ts";
import { parsePolicy } from "./policy/policy.ts";

export type Status = "enabled" | "disabled";

/** madmin's UserInfo. */
export interface UserView {
  policyName?: string;
  status: Status;
  memberOf?: string[];
  updatedAt?: string;
}

/** madmin's GroupDesc. */
export interface GroupView {
  name: string;
  status: Status;
  members: string[];
  policy: string;
  updatedAt?: string;
}

function statusOf(stored: string | undefined): Status {
  return stored === "off" ? "disabled" : "enabled";
}

function parseStatus(status: string): "on" | "off" {
  if (status === "enabled") return "on";
  if (status === "disabled") return "off";
  throw new IamError("InvalidArgument", `Status must be "enabled" or "disabled", not "${status}"`);
}

export class IamAdmin {
  constructor(readonly iam: IamSystem) {}

  #notRoot(accessKey: string): void {
    if (accessKey === this.iam.rootUser) throw new IamError("NotAllowed", "The root user cannot be changed through the IAM API");
  }

  async addUser(accessKey: string, secretKey: string, status: string = "enabled"): Promise<void> {
    this.#notRoot(accessKey);
    checkAccessKey(accessKey);
    checkSecretKey(secretKey);
    const s = this.iam.state;
    if (s.identities["service-accounts"].has(accessKey) || s.identities.sts.has(accessKey)) {
      throw new IamError("InvalidArgument", `Access key "${accessKey}" is taken by a service account or temporary credential`);
    }
    await this.iam.putIdentity("users", IamSystem.record({ accessKey, secretKey, status: parseStatus(status) }));
    await this.iam.changed();
  }

  async removeUser(accessKey: string): Promise<void> {
    this.#notRoot(accessKey);
    this.iam.requireIdentity("users", accessKey);
    // Its service accounts and temporary credentials go with it; so does its group membership.
    for (const folder of ["service-accounts", "sts"] as const) {
      for (const [ak, id] of this.iam.state.identities[folder]) if (id.credentials.parentUser === accessKey) await this.iam.deleteIdentity(folder, ak);
    }
    for (const [name, g] of this.iam.state.groups) {
      if (g.members.includes(accessKey)) await this.#saveGroup(name, { ...g, members: g.members.filter((m) => m !== accessKey) });
    }
    await this.iam.deleteIdentity("users", accessKey);
    await this.iam.changed();
  }

  async setUserStatus(accessKey: string, status: string): Promise<void> {
    this.#notRoot(accessKey);
    const id = this.iam.requireIdentity("users", accessKey);
    await this.iam.putIdentity("users", { ...id, credentials: { ...id.credentials, status: parseStatus(status) }, updatedAt: nowStamp() });
    await this.iam.changed();
  }

  userInfo(accessKey: string): UserView {
    const id = this.iam.requireIdentity("users", accessKey);
    const policies = this.iam.state.mappings.users.get(accessKey) ?? [];
    const memberOf = groupsOf(this.iam.state, accessKey, { includeDisabled: true });
    return {
      policyName: policies.length ? policies.join(",") : undefined,
      status: statusOf(id.credentials.status),
      memberOf: memberOf.length ? memberOf : undefined,
      updatedAt: id.updatedAt,
    };
  }

  listUsers(): Record<string, UserView> {
    const out: Record<string, UserView> = {};
    for (const ak of [...this.iam.state.identities.users.keys()].sort()) out[ak] = this.userInfo(ak);
    return out;
  }

  async #saveGroup(name: string, g: GroupInfo): Promise<void> {
    await this.iam.store.saveGroup(name, g);
    this.iam.state.groups.set(name, g);
  }

  /** Adds or removes members; removing with no members named removes the group, if it is empty. */
  async updateGroupMembers(group: string, members: string[], isRemove: boolean): Promise<void> {
    if (!group || /[/\\,]/.test(group)) throw new IamError("InvalidArgument", `Invalid group name "${group}"`);
    const s = this.iam.state;
    const existing = s.groups.get(group);
    if (isRemove) {
      if (!existing) throw new IamError("NoSuchGroup", `The specified group "${group}" does not exist`);
      if (members.length === 0) {
        if (existing.members.length > 0) throw new IamError("GroupNotEmpty", `The group "${group}" is not empty`);
        await this.iam.store.removeGroup(group);
        s.groups.delete(group);
        if (s.mappings.groups.has(group)) await this.iam.setMapping("groups", group, []);
      } else {
        await this.#saveGroup(group, { ...existing, members: existing.members.filter((m) => !members.includes(m)), updatedAt: nowStamp() });
      }
    } else {
      for (const m of members) if (!s.identities.users.has(m)) throw new IamError("NoSuchUser", `The specified user "${m}" does not exist`);
      const base = existing ?? { version: 1 as const, status: "enabled", members: [] };
      await this.#saveGroup(group, { ...base, members: [...new Set([...base.members, ...members])], updatedAt: nowStamp() });
    }
    await this.iam.changed();
  }

  groupInfo(group: string): GroupView {
    const g = this.iam.state.groups.get(group);
    if (!g) throw new IamError("NoSuchGroup", `The specified group "${group}" does not exist`);
    return {
      name: group,
      status: g.status === "disabled" ? "disabled" : "enabled",
      members: g.members,
      policy: (this.iam.state.mappings.groups.get(group) ?? []).join(","),
      updatedAt: g.updatedAt,
    };
  }

  listGroups(): string[] {
    return [...this.iam.state.groups.keys()].sort();
  }

  async setGroupStatus(group: string, status: string): Promise<void> {
    const g = this.iam.state.groups.get(group);
    if (!g) throw new IamError("NoSuchGroup", `The specified group "${group}" does not exist`);
    const s = parseStatus(status) === "on" ? "enabled" : "disabled";
    await this.#saveGroup(group, { ...g, status: s, updatedAt: nowStamp() });
    await this.iam.changed();
  }

  /** Adds or replaces a canned policy; the document is validated as an identity policy. */
  async addPolicy(name: string, document: Uint8Array | string): Promise<void> {
    if (!name || /[/\\,\s]/.test(name)) throw new IamError("InvalidArgument", `Invalid policy name "${name}"`);
    const text = typeof document === "string" ? document : new TextDecoder().decode(document);
    let parsed;
    try {
      parsed = parsePolicy(text, { kind: "identity" });
    } catch (err) {
      if (isPolicyError(err)) throw new IamError("MalformedPolicy", err.message, { cause: err });
      throw err;
    }
    const existing = this.iam.state.policies.get(name);
    const stamp = nowStamp();
    const stored = { text: JSON.stringify(JSON.parse(text)), parsed, createDate: existing?.createDate ?? stamp, updateDate: stamp };
    await this.iam.store.savePolicy(name, stored);
    this.iam.state.policies.set(name, stored);
    await this.iam.changed();
  }

  async removePolicy(name: string): Promise<void> {
    if (!this.iam.state.policies.has(name)) {
      if (name in BUILTIN_POLICIES) throw new IamError("NotAllowed", `The built-in policy "${name}" cannot be removed`);
      throw new IamError("NoSuchPolicy", `The canned policy "${name}" does not exist`);
    }
    await this.iam.store.removePolicy(name);
    this.iam.state.policies.delete(name);
    await this.iam.changed();
  }

  /** The document of a policy, stored or built in. */
  policyInfo(name: string): { name: string; policy: string; createDate?: string; updateDate?: string } {
    const stored = this.iam.state.policies.get(name);
    if (stored) return { name, policy: stored.text, createDate: stored.createDate, updateDate: stored.updateDate };
    const builtin = BUILTIN_POLICIES[name];
    if (builtin) return { name, policy: builtin };
    throw new IamError("NoSuchPolicy", `The canned policy "${name}" does not exist`);
  }

  listPolicies(): Record<string, string> {
    const out: Record<string, string> = {};
    const names = new Set([...Object.keys(BUILTIN_POLICIES), ...this.iam.state.policies.keys()]);
    for (const name of [...names].sort()) out[name] = this.policyInfo(name).policy;
    return out;
  }

  #requireEntity(entity: string, isGroup: boolean): MappingFolder {
    const s = this.iam.state;
    if (isGroup) {
      if (!s.groups.has(entity)) throw new IamError("NoSuchGroup", `The specified group "${entity}" does not exist`);
      return "groups";
    }
    this.#notRoot(entity);
    if (s.identities.users.has(entity)) return "users";
    throw new IamError("NoSuchUser", `The specified user "${entity}" does not exist`);
  }

  #requirePolicies(names: string[]): void {
    for (const n of names) if (!policyByName(this.iam.state, n)) throw new IamError("NoSuchPolicy", `The canned policy "${n}" does not exist`);
  }

  /** Replaces the policies of a user or group (set-user-or-group-policy); empty detaches all. */
  async setPolicies(entity: string, isGroup: boolean, names: string[]): Promise<void> {
    const folder = this.#requireEntity(entity, isGroup);
    this.#requirePolicies(names);
    await this.iam.setMapping(folder, entity, [...new Set(names)]);
    await this.iam.changed();
  }

  /** Attaches (or detaches) policies; refuses a change that changes nothing, as MinIO does. */
  async attachPolicies(entity: string, isGroup: boolean, names: string[], detach: boolean): Promise<string[]> {
    const folder = this.#requireEntity(entity, isGroup);
    if (!detach) this.#requirePolicies(names);
    const current = this.iam.state.mappings[folder].get(entity) ?? [];
    const next = detach ? current.filter((n) => !names.includes(n)) : [...new Set([...current, ...names])];
    if (next.length === current.length) throw new IamError("AlreadyApplied", detach ? "The policies are not attached" : "The policies are already attached");
    await this.iam.setMapping(folder, entity, next);
    await this.iam.changed();
    return next;
  }
}
