// madmin's service-account calls (add / update / info / list / delete, bodies and answers
// encrypted with the caller's secret) and accountinfo. A user manages its own service accounts
// without any admin: action, as MinIO allows; anyone else's need the action.
import type { ServiceAccountView } from "../iam/index.ts";
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
import { callerUser, iamCall, isAllowed, type AdminRoute, type IamApiDeps } from "./iam-routes.ts";

/** A policy field: madmin sends the document as JSON (json.RawMessage), possibly null or {}. */
function policyField(doc: Record<string, unknown>, name: string): string | undefined {
  const v = doc[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v === "string") return v === "" ? undefined : v;
  if (typeof v === "object" && Object.keys(v).length === 0) return "";
  return JSON.stringify(v);
}

/** Whether the service account in ?accessKey= belongs to the caller. */
function ownAccount(ctx: AdminRequest, deps: IamApiDeps): boolean {
  const sa = deps.iam.state.identities["service-accounts"].get(ctx.query.get("accessKey") ?? "");
  return sa !== undefined && sa.credentials.parentUser === callerUser(ctx);
}

/** madmin 2.x lists access keys only; later releases list objects. The client says which it is. */
function oldClient(ctx: AdminRequest): boolean {
  return /madmin-go\/[0-2]\./.test(ctx.req.headers.get("user-agent") ?? "");
}

function infoJson(v: ServiceAccountView): Record<string, unknown> {
  return { ...v, comment: v.description ?? "" };
}

async function accountInfo(ctx: AdminRequest, deps: IamApiDeps): Promise<Response> {
  if (ctx.query.get("prefix-usage") === "true")
    throw new AdminError("NotImplemented", "Usage per prefix is not counted by this server; ask without prefix-usage", 501);
  const identity = ctx.identity;
  const user = callerUser(ctx);
  const decide = (action: string, resource: string) => deps.iam.decide(identity, { action, resource, conditions: { "aws:username": [user] } }) === "allow";
  const buckets = (await deps.buckets())
    .map((b) => ({ b, access: { read: decide("s3:ListBucket", `arn:aws:s3:::${b.name}`), write: decide("s3:PutObject", `arn:aws:s3:::${b.name}/*`) } }))
    .filter(({ access }) => access.read || access.write)
    .map(({ b, access }) => ({ name: b.name, size: b.size, objects: b.objects, created: b.created.toISOString(), access }));
  return jsonResponse({ AccountName: user, Server: { Type: 2 }, Policy: deps.iam.policyDocumentOf(identity), Buckets: buckets });
}

export const SERVICE_ACCOUNT_ROUTES: Record<string, AdminRoute> = {
  "add-service-account": {
    method: "PUT",
    action: "admin:CreateServiceAccount",
    self: () => true,
    async handle(ctx, deps) {
      const doc = parseJsonObject(await decryptedBody(ctx), "service account");
      const targetUser = stringField(doc, "targetUser");
      // Without admin:CreateServiceAccount a caller may only make its own.
      if (targetUser && targetUser !== callerUser(ctx) && !isAllowed(ctx, deps, "admin:CreateServiceAccount"))
        throw new AdminError("AccessDenied", "Access Denied.", 403);
      const creds = await iamCall(() =>
        deps.derived.addServiceAccount(ctx.identity, {
          targetUser,
          accessKey: stringField(doc, "accessKey"),
          secretKey: stringField(doc, "secretKey"),
          policy: policyField(doc, "policy"),
          name: stringField(doc, "name"),
          description: stringField(doc, "description") ?? stringField(doc, "comment"),
          expiration: stringField(doc, "expiration"),
        }),
      );
      return encryptedResponse(ctx, { credentials: creds });
    },
  },
  "update-service-account": {
    method: "POST",
    action: "admin:UpdateServiceAccount",
    self: ownAccount,
    async handle(ctx, deps) {
      const accessKey = requireParam(ctx, "accessKey");
      const doc = parseJsonObject(await decryptedBody(ctx), "service account update");
      await iamCall(() =>
        deps.derived.updateServiceAccount(accessKey, {
          newPolicy: policyField(doc, "newPolicy"),
          newSecretKey: stringField(doc, "newSecretKey"),
          newStatus: stringField(doc, "newStatus"),
          newName: stringField(doc, "newName"),
          newDescription: stringField(doc, "newDescription") ?? stringField(doc, "newComment"),
          newExpiration: stringField(doc, "newExpiration"),
        }),
      );
      return emptyAdminResponse(204);
    },
  },
  "info-service-account": {
    method: "GET",
    action: "admin:ListServiceAccounts",
    self: ownAccount,
    async handle(ctx, deps) {
      return encryptedResponse(ctx, infoJson(await iamCall(() => deps.derived.serviceAccountInfo(requireParam(ctx, "accessKey")))));
    },
  },
  "list-service-accounts": {
    method: "GET",
    action: "admin:ListServiceAccounts",
    self: (ctx) => !ctx.query.get("user") || ctx.query.get("user") === callerUser(ctx),
    async handle(ctx, deps) {
      const user = ctx.query.get("user") || callerUser(ctx);
      const list = deps.derived.listServiceAccounts(user);
      if (oldClient(ctx)) return encryptedResponse(ctx, { accounts: list.map((a) => a.accessKey) });
      return encryptedResponse(ctx, { accounts: list.map((a) => ({ ...a, impliedPolicy: deps.derived.serviceAccountInfo(a.accessKey).impliedPolicy })) });
    },
  },
  "delete-service-account": {
    method: "DELETE",
    action: "admin:RemoveServiceAccount",
    self: ownAccount,
    async handle(ctx, deps) {
      await iamCall(() => deps.derived.deleteServiceAccount(requireParam(ctx, "accessKey")));
      return emptyAdminResponse(204);
    },
  },
  "temporary-account-info": {
    method: "GET",
    action: "admin:ListTemporaryAccounts",
    self: (ctx, deps) => deps.iam.state.identities.sts.get(ctx.query.get("accessKey") ?? "")?.credentials.parentUser === callerUser(ctx),
    async handle(ctx, deps) {
      const accessKey = requireParam(ctx, "accessKey");
      const c = deps.iam.state.identities.sts.get(accessKey)?.credentials;
      if (!c) throw new AdminError("XMinioAdminNoSuchUser", `The temporary account "${accessKey}" does not exist`, 404);
      const session = typeof c.claims?.sessionPolicy === "string" ? Buffer.from(c.claims.sessionPolicy, "base64").toString("utf8") : undefined;
      return encryptedResponse(ctx, {
        parentUser: c.parentUser ?? "",
        accountStatus: c.status === "off" ? "off" : "on",
        impliedPolicy: session === undefined,
        policy: session ?? JSON.stringify(deps.iam.policyDocumentOf({ kind: "sts", accessKey, parent: c.parentUser, claims: c.claims, groups: c.groups })),
        expiration: c.expiration,
      });
    },
  },
  accountinfo: { method: "GET", action: "", self: () => true, handle: accountInfo },
};
