// madmin's user and group calls: add-user (encrypted body), remove-user, list-users (encrypted
// answer), user-info, set-user-status, update-group-members, group, groups, set-group-status.
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
import { callerUser, iamCall, type AdminRoute } from "./iam-routes.ts";

function statusParam(ctx: AdminRequest): string {
  const status = requireParam(ctx, "status");
  if (status !== "enabled" && status !== "disabled")
    throw new AdminError("XMinioAdminInvalidArgument", `Status must be "enabled" or "disabled", not "${status}"`);
  return status;
}

/** Whether a group update removes members (the action it needs differs). */
function isRemoval(body: Uint8Array): boolean {
  try {
    return JSON.parse(new TextDecoder().decode(body))?.isRemove === true;
  } catch {
    return false;
  }
}

export const USER_ROUTES: Record<string, AdminRoute> = {
  "add-user": {
    method: "PUT",
    action: "admin:CreateUser",
    async handle(ctx, deps) {
      const accessKey = requireParam(ctx, "accessKey");
      const doc = parseJsonObject(await decryptedBody(ctx), "user");
      const secretKey = stringField(doc, "secretKey") ?? "";
      await iamCall(() => deps.admin.addUser(accessKey, secretKey, stringField(doc, "status") || "enabled"));
      return emptyAdminResponse();
    },
  },
  "remove-user": {
    method: "DELETE",
    action: "admin:DeleteUser",
    async handle(ctx, deps) {
      await iamCall(() => deps.admin.removeUser(requireParam(ctx, "accessKey")));
      return emptyAdminResponse();
    },
  },
  "list-users": {
    method: "GET",
    action: "admin:ListUsers",
    async handle(ctx, deps) {
      return encryptedResponse(ctx, deps.admin.listUsers());
    },
  },
  "user-info": {
    method: "GET",
    action: "admin:GetUser",
    self: (ctx) => ctx.query.get("accessKey") === callerUser(ctx),
    async handle(ctx, deps) {
      return jsonResponse(await iamCall(() => deps.admin.userInfo(requireParam(ctx, "accessKey"))));
    },
  },
  "set-user-status": {
    method: "PUT",
    action: (ctx) => (ctx.query.get("status") === "disabled" ? "admin:DisableUser" : "admin:EnableUser"),
    async handle(ctx, deps) {
      const accessKey = requireParam(ctx, "accessKey");
      await iamCall(() => deps.admin.setUserStatus(accessKey, statusParam(ctx)));
      return emptyAdminResponse();
    },
  },
  "update-group-members": {
    method: "PUT",
    action: (ctx) => (isRemoval(ctx.body) ? "admin:RemoveUserFromGroup" : "admin:AddUserToGroup"),
    async handle(ctx, deps) {
      const doc = parseJsonObject(ctx.body, "group update");
      const group = stringField(doc, "group") ?? "";
      const members = doc.members ?? [];
      if (!Array.isArray(members) || members.some((m) => typeof m !== "string"))
        throw new AdminError("XMinioAdminInvalidArgument", '"members" must be a list of user names');
      // madmin sends groupStatus with every update, empty unless the caller set one.
      const status = stringField(doc, "groupStatus") ?? "";
      if (status !== "" && status !== "enabled" && status !== "disabled") {
        throw new AdminError("XMinioAdminInvalidArgument", `groupStatus must be "enabled" or "disabled", not "${status}"`);
      }
      const removesGroup = doc.isRemove === true && (members as string[]).length === 0;
      if (status !== "" && removesGroup) throw new AdminError("XMinioAdminInvalidArgument", "A group being removed takes no groupStatus");
      await iamCall(() => deps.admin.updateGroupMembers(group, members as string[], doc.isRemove === true));
      if (status !== "") await iamCall(() => deps.admin.setGroupStatus(group, status));
      return emptyAdminResponse();
    },
  },
  group: {
    method: "GET",
    action: "admin:GetGroup",
    async handle(ctx, deps) {
      return jsonResponse(await iamCall(() => deps.admin.groupInfo(requireParam(ctx, "group"))));
    },
  },
  groups: {
    method: "GET",
    action: "admin:ListGroups",
    async handle(_ctx, deps) {
      return jsonResponse(deps.admin.listGroups());
    },
  },
  "set-group-status": {
    method: "PUT",
    action: (ctx) => (ctx.query.get("status") === "disabled" ? "admin:DisableGroup" : "admin:EnableGroup"),
    async handle(ctx, deps) {
      const group = requireParam(ctx, "group");
      await iamCall(() => deps.admin.setGroupStatus(group, statusParam(ctx)));
      return emptyAdminResponse();
    },
  },
};
