// madmin's canned-policy and attachment calls: add-canned-policy (the document as the body),
// remove-canned-policy, list-canned-policies, info-canned-policy (v=2: PolicyInfo), the older
// set-user-or-group-policy, idp/builtin/policy/attach|detach (encrypted bodies) and
// idp/builtin/policy-entities (encrypted answer).
import { AdminError } from "./admin-error.ts";
import {
  decryptedBody,
  emptyAdminResponse,
  encryptedResponse,
  jsonResponse,
  parseJsonObject,
  requireParam,
  stringField,
  type AdminRequest,
} from "./admin-request.ts";
import { iamCall, type AdminRoute, type IamApiDeps } from "./iam-routes.ts";

/** A policy document kept as JSON inside a JSON answer (madmin reads json.RawMessage). */
function raw(text: string): unknown {
  return JSON.parse(text);
}

function names(list: unknown, field: string): string[] {
  if (!Array.isArray(list) || list.some((n) => typeof n !== "string" || n === ""))
    throw new AdminError("XMinioAdminInvalidArgument", `"${field}" must be a list of names`);
  return list as string[];
}

async function association(ctx: AdminRequest, deps: IamApiDeps, detach: boolean): Promise<Response> {
  const doc = parseJsonObject(await decryptedBody(ctx), "policy association");
  const policies = names(doc.policies ?? [], "policies");
  const user = stringField(doc, "user") ?? "";
  const group = stringField(doc, "group") ?? "";
  if (policies.length === 0) throw new AdminError("XMinioAdminInvalidArgument", "No policies named");
  if ((user === "") === (group === "")) throw new AdminError("XMinioAdminInvalidArgument", "Name exactly one of a user or a group");
  await iamCall(() => deps.admin.attachPolicies(user || group, group !== "", policies, detach));
  return emptyAdminResponse(detach ? 204 : 201);
}

/** Who has which policy, for the users, groups and policies asked about (all when none are named). */
function entities(ctx: AdminRequest, deps: IamApiDeps): unknown {
  const s = deps.iam.state;
  const users = ctx.query.getAll("user");
  const groups = ctx.query.getAll("group");
  const policies = ctx.query.getAll("policy");
  const all = users.length + groups.length + policies.length === 0;
  const userMappings = [...s.mappings.users].filter(([u]) => all || users.includes(u)).map(([user, p]) => ({ user, policies: p }));
  const groupMappings = [...s.mappings.groups].filter(([g]) => all || groups.includes(g)).map(([group, p]) => ({ group, policies: p }));
  const wanted = all ? [...new Set([...s.mappings.users.values(), ...s.mappings.groups.values()].flat())] : policies;
  const policyMappings = wanted.sort().map((policy) => ({
    policy,
    users: [...s.mappings.users].filter(([, p]) => p.includes(policy)).map(([u]) => u),
    groups: [...s.mappings.groups].filter(([, p]) => p.includes(policy)).map(([g]) => g),
  }));
  return { timestamp: new Date().toISOString(), userMappings, groupMappings, policyMappings };
}

export const POLICY_ROUTES: Record<string, AdminRoute> = {
  "add-canned-policy": {
    method: ["PUT", "POST"],
    action: "admin:CreatePolicy",
    async handle(ctx, deps) {
      const name = requireParam(ctx, "name");
      if (ctx.body.length === 0) throw new AdminError("XMinioAdminInvalidArgument", "The policy document is empty");
      await iamCall(() => deps.admin.addPolicy(name, ctx.body));
      return emptyAdminResponse();
    },
  },
  "remove-canned-policy": {
    method: "DELETE",
    action: "admin:DeletePolicy",
    async handle(ctx, deps) {
      await iamCall(() => deps.admin.removePolicy(requireParam(ctx, "name")));
      return emptyAdminResponse();
    },
  },
  "list-canned-policies": {
    method: "GET",
    action: "admin:ListUserPolicies",
    async handle(_ctx, deps) {
      const out: Record<string, unknown> = {};
      for (const [name, text] of Object.entries(deps.admin.listPolicies())) out[name] = raw(text);
      return jsonResponse(out);
    },
  },
  "info-canned-policy": {
    method: "GET",
    action: "admin:GetPolicy",
    async handle(ctx, deps) {
      const info = await iamCall(() => deps.admin.policyInfo(requireParam(ctx, "name")));
      if (ctx.query.get("v") !== "2") return jsonResponse(raw(info.policy));
      return jsonResponse({ PolicyName: info.name, Policy: raw(info.policy), CreateDate: info.createDate, UpdateDate: info.updateDate });
    },
  },
  "set-user-or-group-policy": {
    method: "PUT",
    action: "admin:AttachUserOrGroupPolicy",
    async handle(ctx, deps) {
      const entity = requireParam(ctx, "userOrGroup");
      const isGroup = ctx.query.get("isGroup") === "true";
      const list = (ctx.query.get("policyName") ?? "")
        .split(",")
        .map((s) => s.trim())
        .filter((s) => s !== "");
      await iamCall(() => deps.admin.setPolicies(entity, isGroup, list));
      return emptyAdminResponse();
    },
  },
  "idp/builtin/policy/attach": { method: "POST", action: "admin:AttachUserOrGroupPolicy", handle: (ctx, deps) => association(ctx, deps, false) },
  "idp/builtin/policy/detach": { method: "POST", action: "admin:AttachUserOrGroupPolicy", handle: (ctx, deps) => association(ctx, deps, true) },
  "idp/builtin/policy-entities": {
    method: "GET",
    action: "admin:ListUserPolicies",
    async handle(ctx, deps) {
      return encryptedResponse(ctx, entities(ctx, deps));
    },
  },
};
