// How the admin API's IAM calls are described: a route is a method, the admin: action a caller's
// policies must allow (or a rule that lets a user act on itself), and a handler; the errors of the
// IAM layer become madmin's codes here.
import { isIamError, type DerivedCredentials, type IamAdmin, type IamErrorKind, type IamSystem, type LdapPolicies } from "../iam/index.ts";
import { AdminError } from "./admin-error.ts";
import type { AdminRequest } from "./admin-request.ts";

/** What the IAM calls act on (server.ts builds them over the IAM system). */
export interface IamApiDeps {
  iam: IamSystem;
  admin: IamAdmin;
  derived: DerivedCredentials;
  /** Buckets with their usage for accountinfo. */
  buckets(): Promise<{ name: string; created: Date; size: number; objects: number }[]>;
  /** LDAP policy mappings (idp/ldap/…); absent when no LDAP server is configured. */
  ldap?: LdapPolicies;
}

export interface AdminRoute {
  method: string | readonly string[];
  /** The admin: action the caller needs; a function decides per request (e.g. "enable" vs "disable"). */
  action: string | ((ctx: AdminRequest) => string);
  /** Lets a caller without the action through for requests about itself (its own service accounts, its info). */
  self?: (ctx: AdminRequest, deps: IamApiDeps) => boolean;
  handle(ctx: AdminRequest, deps: IamApiDeps): Promise<Response>;
}

/** madmin's codes and statuses for the IAM layer's error kinds. */
const CODES: Record<IamErrorKind, { code: string; status: number }> = {
  NoSuchUser: { code: "XMinioAdminNoSuchUser", status: 404 },
  NoSuchGroup: { code: "XMinioAdminNoSuchGroup", status: 404 },
  NoSuchPolicy: { code: "XMinioAdminNoSuchPolicy", status: 404 },
  NoSuchServiceAccount: { code: "XMinioAdminServiceAccountNotFound", status: 404 },
  GroupNotEmpty: { code: "XMinioAdminGroupNotEmpty", status: 400 },
  InvalidArgument: { code: "XMinioAdminInvalidArgument", status: 400 },
  MalformedPolicy: { code: "XMinioMalformedPolicy", status: 400 },
  AlreadyApplied: { code: "XMinioAdminPolicyChangeAlreadyApplied", status: 400 },
  NotAllowed: { code: "XMinioIAMActionNotAllowed", status: 400 },
  LdapAuthFailed: { code: "XMinioAdminInvalidArgument", status: 400 },
  LdapUnavailable: { code: "InternalError", status: 500 },
};

/** Runs `fn`, turning IAM errors into admin errors. */
export async function iamCall<T>(fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (isIamError(err)) {
      const { code, status } = CODES[err.kind];
      throw new AdminError(code, err.message, status);
    }
    throw err;
  }
}

/** The IAM user a caller acts as (a service account's or session's parent). */
export function callerUser(ctx: AdminRequest): string {
  const id = ctx.identity;
  return id.kind === "service-account" || id.kind === "sts" ? (id.parent ?? "") : id.accessKey;
}

/** Whether the caller's policies allow admin action `action`. */
export function isAllowed(ctx: AdminRequest, deps: Pick<IamApiDeps, "iam">, action: string): boolean {
  const user = callerUser(ctx);
  return deps.iam.decide(ctx.identity, { action, resource: "arn:aws:s3:::*", conditions: { "aws:username": [user] } }) === "allow";
}
