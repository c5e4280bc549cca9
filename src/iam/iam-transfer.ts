// IAM export and import as MinIO's export-iam / import-iam carry it: JSON documents (policies,
// users, groups, service accounts and the three mapping tables) that another deployment can
// load. An import is checked whole before anything is written: a bad entry changes nothing.
import { BUILTIN_POLICIES } from "./builtin-policies.ts";
import { IamError } from "./iam-error.ts";
import { NO_EXPIRY, nowStamp, type MappingFolder, type UserIdentity } from "./iam-records.ts";
import { checkAccessKey, checkSecretKey, type IamSystem } from "./iam-system.ts";
import { isPolicyError } from "./policy/policy-error.ts";
import { parsePolicy } from "./policy/policy.ts";
import { signSessionToken } from "./session-token.ts";

/** The documents of an export, by file name (MinIO's names inside the archive's iam-assets/ folder). */
export interface IamExport {
  "policies.json": Record<string, unknown>;
  "users.json": Record<string, { secretKey: string; policy?: string; status: "enabled" | "disabled" }>;
  "groups.json": Record<string, { version: 1; status: string; members: string[]; updatedAt?: string }>;
  "svcaccts.json": Record<string, ServiceAccountExport>;
  "user_mappings.json": Record<string, MappingExport>;
  "group_mappings.json": Record<string, MappingExport>;
  "stsuser_mappings.json": Record<string, MappingExport>;
}

interface MappingExport {
  version: 1;
  policy: string;
  updatedAt?: string;
}

interface ServiceAccountExport {
  parent: string;
  accessKey: string;
  secretKey: string;
  groups?: string[];
  claims?: Record<string, unknown>;
  /** The embedded policy document, or null when it inherits its parent's. */
  sessionPolicy?: unknown;
  status: string;
  name?: string;
  description?: string;
  expiration?: string;
}

export const EXPORT_FILES = [
  "policies.json",
  "users.json",
  "groups.json",
  "svcaccts.json",
  "user_mappings.json",
  "group_mappings.json",
  "stsuser_mappings.json",
] as const;

const MAPPING_FILES: Record<string, MappingFolder> = { "user_mappings.json": "users", "group_mappings.json": "groups", "stsuser_mappings.json": "sts-users" };

function mappings(iam: IamSystem, folder: MappingFolder): Record<string, MappingExport> {
  const out: Record<string, MappingExport> = {};
  for (const [name, list] of iam.state.mappings[folder]) out[name] = { version: 1, policy: list.join(",") };
  return out;
}

export function exportIam(iam: IamSystem): IamExport {
  const s = iam.state;
  const policies: Record<string, unknown> = {};
  for (const [name, p] of s.policies) policies[name] = JSON.parse(p.text);
  const users: IamExport["users.json"] = {};
  for (const [ak, id] of s.identities.users) {
    users[ak] = {
      secretKey: id.credentials.secretKey,
      policy: (s.mappings.users.get(ak) ?? []).join(",") || undefined,
      status: id.credentials.status === "off" ? "disabled" : "enabled",
    };
  }
  const groups: IamExport["groups.json"] = {};
  for (const [name, g] of s.groups) groups[name] = { version: 1, status: g.status, members: g.members, updatedAt: g.updatedAt };
  const accounts: IamExport["svcaccts.json"] = {};
  for (const [ak, id] of s.identities["service-accounts"]) {
    const c = id.credentials;
    const embedded = c.claims?.["sa-policy"] === "embedded-policy" && typeof c.claims.sessionPolicy === "string";
    accounts[ak] = {
      parent: c.parentUser ?? "",
      accessKey: ak,
      secretKey: c.secretKey,
      groups: c.groups,
      claims: c.claims,
      sessionPolicy: embedded ? JSON.parse(Buffer.from(c.claims?.sessionPolicy as string, "base64").toString("utf8")) : null,
      status: c.status === "off" ? "off" : "on",
      name: c.name,
      description: c.description,
      expiration: c.expiration && c.expiration !== NO_EXPIRY ? c.expiration : undefined,
    };
  }
  return {
    "policies.json": policies,
    "users.json": users,
    "groups.json": groups,
    "svcaccts.json": accounts,
    "user_mappings.json": mappings(iam, "users"),
    "group_mappings.json": mappings(iam, "groups"),
    "stsuser_mappings.json": mappings(iam, "sts-users"),
  };
}

function bad(message: string): never {
  throw new IamError("InvalidArgument", `Cannot import IAM: ${message}`);
}

function objectOf(doc: unknown, file: string): Record<string, unknown> {
  if (doc === undefined) return {};
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) bad(`${file} is not a JSON object`);
  return doc as Record<string, unknown>;
}

function policyText(doc: unknown, what: string): string {
  const text = typeof doc === "string" ? doc : JSON.stringify(doc);
  try {
    parsePolicy(text, { kind: "identity" });
  } catch (err) {
    if (isPolicyError(err)) throw new IamError("MalformedPolicy", `Cannot import IAM: ${what}: ${err.message}`, { cause: err });
    throw err;
  }
  return text;
}

/** Loads an export: every entry is validated first, then written; existing entries of the same names are replaced. */
export async function importIam(iam: IamSystem, docs: Partial<Record<string, unknown>>): Promise<void> {
  const policies = Object.entries(objectOf(docs["policies.json"], "policies.json")).map(([name, doc]) => ({ name, text: policyText(doc, `policy "${name}"`) }));
  const known = new Set([...Object.keys(BUILTIN_POLICIES), ...iam.state.policies.keys(), ...policies.map((p) => p.name)]);
  const users = Object.entries(objectOf(docs["users.json"], "users.json")).map(([ak, raw]) => {
    const u = objectOf(raw, `users.json entry "${ak}"`);
    if (ak === iam.rootUser) bad("the root user cannot be imported");
    checkAccessKey(ak);
    if (typeof u.secretKey !== "string") bad(`user "${ak}" has no secret key`);
    checkSecretKey(u.secretKey);
    if (u.status !== undefined && u.status !== "enabled" && u.status !== "disabled") bad(`user "${ak}" has status "${String(u.status)}"`);
    return { ak, secretKey: u.secretKey, status: u.status === "disabled" ? "off" : "on", policy: typeof u.policy === "string" ? u.policy : "" };
  });
  const userNames = new Set([...iam.state.identities.users.keys(), ...users.map((u) => u.ak)]);
  const groups = Object.entries(objectOf(docs["groups.json"], "groups.json")).map(([name, raw]) => {
    const g = objectOf(raw, `groups.json entry "${name}"`);
    const members = g.members ?? [];
    if (!Array.isArray(members) || members.some((m) => typeof m !== "string" || !userNames.has(m))) bad(`group "${name}" names a member that is not a user`);
    return { name, status: g.status === "disabled" ? "disabled" : "enabled", members: members as string[] };
  });
  const accounts = Object.entries(objectOf(docs["svcaccts.json"], "svcaccts.json")).map(([ak, raw]) => {
    const a = objectOf(raw, `svcaccts.json entry "${ak}"`);
    checkAccessKey(ak);
    if (typeof a.secretKey !== "string") bad(`service account "${ak}" has no secret key`);
    checkSecretKey(a.secretKey);
    const parent = typeof a.parent === "string" ? a.parent : "";
    if (parent !== iam.rootUser && !userNames.has(parent)) bad(`service account "${ak}" belongs to "${parent}", who is not a user`);
    const embedded = a.sessionPolicy === undefined || a.sessionPolicy === null ? undefined : policyText(a.sessionPolicy, `service account "${ak}"'s policy`);
    return { ak, a, parent, embedded };
  });
  const maps: { folder: MappingFolder; name: string; list: string[] }[] = [];
  for (const [file, folder] of Object.entries(MAPPING_FILES)) {
    for (const [name, raw] of Object.entries(objectOf(docs[file], file))) {
      const m = objectOf(raw, `${file} entry "${name}"`);
      const list =
        typeof m.policy === "string"
          ? m.policy
              .split(",")
              .map((p) => p.trim())
              .filter(Boolean)
          : bad(`${file} entry "${name}" has no policy`);
      for (const p of list) if (!known.has(p)) bad(`${file} entry "${name}" names policy "${p}", which does not exist`);
      maps.push({ folder, name, list });
    }
  }
  for (const u of users)
    for (const p of u.policy.split(",").filter(Boolean)) if (!known.has(p)) bad(`user "${u.ak}" names policy "${p}", which does not exist`);

  const stamp = nowStamp();
  for (const p of policies) {
    const stored = {
      text: p.text,
      parsed: parsePolicy(p.text, { kind: "identity" }),
      createDate: iam.state.policies.get(p.name)?.createDate ?? stamp,
      updateDate: stamp,
    };
    await iam.store.savePolicy(p.name, stored);
    iam.state.policies.set(p.name, stored);
  }
  for (const u of users) {
    const record: UserIdentity = {
      version: 1,
      credentials: { accessKey: u.ak, secretKey: u.secretKey, expiration: NO_EXPIRY, status: u.status },
      updatedAt: stamp,
    };
    await iam.putIdentity("users", record);
    if (u.policy) await iam.setMapping("users", u.ak, u.policy.split(",").filter(Boolean));
  }
  for (const g of groups) {
    const doc = { version: 1 as const, status: g.status, members: g.members, updatedAt: stamp };
    await iam.store.saveGroup(g.name, doc);
    iam.state.groups.set(g.name, doc);
  }
  for (const { ak, a, parent, embedded } of accounts) {
    const claims: Record<string, unknown> = { parent, accessKey: ak, "sa-policy": embedded ? "embedded-policy" : "inherited-policy" };
    if (embedded) claims.sessionPolicy = Buffer.from(embedded).toString("base64");
    await iam.putIdentity("service-accounts", {
      version: 1,
      credentials: {
        accessKey: ak,
        secretKey: a.secretKey as string,
        sessionToken: signSessionToken(claims, iam.config.root.secretKey),
        expiration: typeof a.expiration === "string" && a.expiration ? a.expiration : NO_EXPIRY,
        status: a.status === "off" || a.status === "disabled" ? "off" : "on",
        parentUser: parent,
        claims,
        name: typeof a.name === "string" ? a.name : undefined,
        description: typeof a.description === "string" ? a.description : undefined,
      },
      updatedAt: stamp,
    });
  }
  for (const m of maps) await iam.setMapping(m.folder, m.name, m.list);
  await iam.changed();
}
