// STS AssumeRoleWithLDAPIdentity: an unsigned form with LDAPUsername and LDAPPassword; the
// directory checks them, and temporary credentials are issued for the user's DN with its groups —
// only when a policy is mapped to one of them, as MinIO requires. No password is ever echoed.
import { isIamError, type IamError } from "../iam/index.ts";
import type { StsDeps } from "./context.ts";
import { DEFAULT_DURATION_S, durationSecondsOf, sessionPolicyOf } from "./sts-params.ts";
import { credentialsXml, StsError } from "./sts-response.ts";

const ACTION = "AssumeRoleWithLDAPIdentity";

/** The directory's refusals as STS answers them; an unreachable directory is ours to fix, and logged. */
function refusal(err: IamError, requestId: string, logError?: (requestId: string, err: unknown) => void): StsError {
  if (err.kind === "LdapUnavailable") {
    // One line for the operator (the message names the server and the cause, never a password).
    logError?.(requestId, `AssumeRoleWithLDAPIdentity: ${err.message}`);
    return new StsError("InternalError", "The LDAP server could not be asked; try again later, or ask an administrator to check the LDAP settings", 500);
  }
  return new StsError("InvalidParameterValue", err.message);
}

/** Answers AssumeRoleWithLDAPIdentity; throws StsError for a refusal. */
export async function assumeRoleWithLdap(
  form: URLSearchParams,
  sts: StsDeps,
  requestId: string,
  logError?: (requestId: string, err: unknown) => void,
): Promise<Response> {
  const ldap = sts.ldap;
  if (!ldap) throw new StsError("InvalidParameterValue", `${ACTION} needs an LDAP server, and none is configured (MINIO_IDENTITY_LDAP_SERVER_ADDR)`);
  const username = form.get("LDAPUsername") ?? "";
  const password = form.get("LDAPPassword") ?? "";
  // An empty password must never reach the directory: LDAP takes it as an unauthenticated bind.
  if (username === "" || password === "") throw new StsError("MissingParameter", "LDAPUsername and LDAPPassword are required and cannot be empty");
  // MinIO allows up to 365 days because it re-checks LDAP users in the background; we do not.
  const durationSeconds = durationSecondsOf(form) ?? DEFAULT_DURATION_S;
  const policy = sessionPolicyOf(form);
  let login: Awaited<ReturnType<typeof ldap.login>>;
  try {
    login = await ldap.login(username, password);
  } catch (err) {
    if (isIamError(err)) throw refusal(err, requestId, logError);
    throw err;
  }
  const { user, parent, groups } = login;
  if (login.policies.length === 0) {
    const where = groups.length > 0 ? `any of its groups ("${groups.join('", "')}")` : "a group of it (it is in none)";
    throw new StsError("InvalidParameterValue", `No policy is mapped to the LDAP user "${user.actualDN}" or ${where}: credentials will not be issued`);
  }
  const claims: Record<string, unknown> = { ldapUser: user.dn, ldapActualUser: user.actualDN, ldapUsername: username };
  for (const [name, values] of Object.entries(user.attributes)) claims[`ldapAttrib_${name}`] = values;
  const creds = await sts.derived.issueTemporary(parent, { durationSeconds, policy, groups, claims });
  return credentialsXml(ACTION, creds, requestId);
}
