// madmin's LDAP policy calls: idp/ldap/policy/attach and detach (encrypted {policies, user?|group?},
// answered 200 with the encrypted names changed) and idp/ldap/policy-entities (encrypted answer);
// all refused clearly while no LDAP server is configured.
import type { LdapAssociation } from "../iam/index.ts";
import { AdminError } from "./admin-error.ts";
import { decryptedBody, encryptedResponse, parseJsonObject, stringField, type AdminRequest } from "./admin-request.ts";
import { iamCall, type AdminRoute, type IamApiDeps } from "./iam-routes.ts";

function ldapOf(deps: IamApiDeps): NonNullable<IamApiDeps["ldap"]> {
  if (!deps.ldap) throw new AdminError("XMinioLDAPNotEnabled", "LDAP is not configured on this server (MINIO_IDENTITY_LDAP_SERVER_ADDR)", 400);
  return deps.ldap;
}

/** madmin's PolicyAssociationReq, checked as its IsValid checks it. */
async function associationOf(ctx: AdminRequest): Promise<LdapAssociation> {
  // As MinIO: an opaque body only, so that no proxy or form parser took it for form data.
  if ((ctx.req.headers.get("content-type") ?? "") !== "application/octet-stream") {
    throw new AdminError("BadRequest", 'The request body must be sent as "application/octet-stream"', 400);
  }
  const doc = parseJsonObject(await decryptedBody(ctx), "policy association");
  const policies = doc.policies ?? [];
  if (!Array.isArray(policies) || policies.some((p) => typeof p !== "string" || p.trim() === "") || policies.length === 0) {
    throw new AdminError("XMinioAdminInvalidArgument", '"policies" must be a non-empty list of policy names');
  }
  const user = stringField(doc, "user") ?? "";
  const group = stringField(doc, "group") ?? "";
  if ((user === "") === (group === "")) throw new AdminError("XMinioAdminInvalidArgument", 'Name exactly one of "user" or "group"');
  return { policies: policies as string[], user: user || undefined, group: group || undefined };
}

async function associate(ctx: AdminRequest, deps: IamApiDeps, detach: boolean): Promise<Response> {
  const ldap = ldapOf(deps);
  const req = await associationOf(ctx);
  const { changed, updatedAt } = await iamCall(() => ldap.associate(req, detach));
  return encryptedResponse(ctx, detach ? { policiesDetached: changed, updatedAt } : { policiesAttached: changed, updatedAt });
}

export const LDAP_ROUTES: Record<string, AdminRoute> = {
  "idp/ldap/policy/attach": { method: "POST", action: "admin:AttachUserOrGroupPolicy", handle: (ctx, deps) => associate(ctx, deps, false) },
  "idp/ldap/policy/detach": { method: "POST", action: "admin:AttachUserOrGroupPolicy", handle: (ctx, deps) => associate(ctx, deps, true) },
  "idp/ldap/policy-entities": {
    method: "GET",
    action: "admin:ListUserPolicies",
    async handle(ctx, deps) {
      const ldap = ldapOf(deps);
      const all = (name: string) => ctx.query.getAll(name).filter((v) => v !== "");
      const query = { users: all("user"), groups: all("group"), policies: all("policy") };
      const found = await iamCall(() => ldap.entities(query));
      return encryptedResponse(ctx, { timestamp: new Date().toISOString(), ...found });
    },
  },
};
