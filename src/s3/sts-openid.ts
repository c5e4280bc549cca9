// STS for OpenID Connect identities: AssumeRoleWithWebIdentity (an ID token) and
// AssumeRoleWithClientGrants (a JWT access token of a client-credentials grant). Both are unsigned —
// the token is the proof: it is verified, its policies chosen (its policy claim, or the configured
// role policy) and temporary credentials issued for the identity it names, as MinIO does.
import { claimedPolicies, isOpenIdError, openIdParent, policyByName, type OpenIdError, type VerifiedToken } from "../iam/index.ts";
import type { StsDeps, StsOpenId } from "./context.ts";
import { MAX_DURATION_S, durationSecondsOf, sessionPolicyOf } from "./sts-params.ts";
import { credentialsXml, StsError } from "./sts-response.ts";
import { escapeXml } from "./xml-escape.ts";

type OpenIdAction = "AssumeRoleWithWebIdentity" | "AssumeRoleWithClientGrants";

/** AWS's bounds on WebIdentityToken. */
const MIN_TOKEN_CHARS = 4;
const MAX_TOKEN_CHARS = 20_000;
/**
 * Claims that belong to the credential, not to the token: who it acts for, its keys, its
 * narrowing policy, its role and an LDAP identity. A token carrying them must not set them.
 */
const RESERVED_CLAIMS = ["accessKey", "parent", "sessionPolicy", "sa-policy", "roleArn", "ldapUser", "ldapUsername", "ldapActualUser"];

const OPENID_CODES: Record<OpenIdError["kind"], string> = {
  ExpiredToken: "ExpiredTokenException",
  InvalidToken: "InvalidIdentityToken",
  ProviderUnavailable: "IDPCommunicationError",
};

/** The token: WebIdentityToken or Token (MinIO reads either for both actions). */
function tokenOf(action: OpenIdAction, form: URLSearchParams): string {
  const name = action === "AssumeRoleWithWebIdentity" ? "WebIdentityToken" : "Token";
  const token = form.get(name) || form.get(name === "Token" ? "WebIdentityToken" : "Token") || "";
  if (token === "") throw new StsError("MissingParameter", `${name} is required`);
  if (token.length < MIN_TOKEN_CHARS || token.length > MAX_TOKEN_CHARS) {
    throw new StsError("InvalidParameterValue", `${name} must be ${MIN_TOKEN_CHARS} to ${MAX_TOKEN_CHARS} characters, not ${token.length}`);
  }
  return token;
}

/**
 * Role-policy mode: RoleArn must name the configured role. Claim mode ignores RoleArn, as MinIO
 * does, because the AWS SDKs and CLI will not call AssumeRoleWithWebIdentity without one.
 */
function roleOf(openid: StsOpenId, form: URLSearchParams): StsOpenId["role"] {
  if (!openid.role) return undefined;
  const given = form.get("RoleArn") ?? "";
  if (given !== openid.role.arn) {
    const what = given === "" ? "RoleArn is required" : `RoleArn "${given}" is not a configured role`;
    throw new StsError("InvalidParameterValue", `${what}: this server's OpenID role is "${openid.role.arn}"`);
  }
  return openid.role;
}

/** RoleSessionName, when given: AWS's characters and length. */
function sessionNameOf(form: URLSearchParams): string | undefined {
  const name = form.get("RoleSessionName");
  if (name === null || name === "") return undefined;
  if (!/^[\w+=,.@-]{2,64}$/.test(name)) throw new StsError("InvalidParameterValue", `RoleSessionName "${name}" must be 2 to 64 of letters, digits and +=,.@_-`);
  return name;
}

async function verify(openid: StsOpenId, token: string): Promise<VerifiedToken> {
  try {
    return await openid.verifier.verify(token);
  } catch (err) {
    if (isOpenIdError(err)) throw new StsError(OPENID_CODES[err.kind], err.message);
    throw err;
  }
}

/** The policies the credentials get: the role's, or those the token's claim names; only defined ones count. */
function policiesOf(openid: StsOpenId, role: StsOpenId["role"], token: VerifiedToken, sts: StsDeps): string[] {
  const named = role ? [...role.policies] : claimedPolicies(token.claims, openid.policyClaim);
  if (named === undefined) {
    throw new StsError("InvalidParameterValue", `The token has no "${openid.policyClaim}" claim naming its policies: credentials will not be generated`);
  }
  const state = sts.derived.iam.state;
  const defined = named.filter((n) => policyByName(state, n) !== undefined);
  if (defined.length === 0) {
    throw new StsError("InvalidParameterValue", `None of the given policies ("${named.join(",")}") are defined: credentials will not be generated`);
  }
  return defined;
}

function resultXml(action: OpenIdAction, token: VerifiedToken, role: StsOpenId["role"], assumedRoleId: string): string {
  const subject = action === "AssumeRoleWithWebIdentity" ? "SubjectFromWebIdentityToken" : "SubjectFromToken";
  return (
    `<AssumedRoleUser><Arn>${escapeXml(role?.arn ?? "")}</Arn><AssumedRoleId>${escapeXml(assumedRoleId)}</AssumedRoleId></AssumedRoleUser>` +
    `<${subject}>${escapeXml(token.subject)}</${subject}><Audience>${escapeXml(token.audience)}</Audience><Provider>${escapeXml(token.issuer)}</Provider>`
  );
}

/** Answers AssumeRoleWithWebIdentity / AssumeRoleWithClientGrants; throws StsError for a refusal. */
export async function assumeRoleWithOpenId(action: OpenIdAction, form: URLSearchParams, sts: StsDeps, requestId: string): Promise<Response> {
  const openid = sts.openid;
  if (!openid) throw new StsError("InvalidParameterValue", `${action} needs an OpenID provider, and none is configured (MINIO_IDENTITY_OPENID_CONFIG_URL)`);
  const token = tokenOf(action, form);
  const role = roleOf(openid, form);
  // Without DurationSeconds MinIO lets the credentials expire with the token (its `exp`); so do we, but never beyond 12 hours.
  const requested = durationSecondsOf(form);
  const sessionName = sessionNameOf(form);
  const policy = sessionPolicyOf(form);
  const verified = await verify(openid, token);
  const policies = policiesOf(openid, role, verified, sts);
  // Rounded up: the credentials' expiry (kept to the second) is then the token's own `exp`.
  const remaining = Math.ceil((verified.expiresAt - sts.derived.iam.now()) / 1000);
  const durationSeconds = requested ?? Math.min(remaining, MAX_DURATION_S);
  if (durationSeconds < 1) throw new StsError("ExpiredTokenException", "Token expired");
  const claims: Record<string, unknown> = { ...verified.claims };
  for (const k of RESERVED_CLAIMS) delete claims[k];
  // The resolved names ride in the credential's `policy` claim, which decides what it may do.
  claims.policy = policies.join(",");
  if (role) claims.roleArn = role.arn;
  const parent = openIdParent(verified.subject, verified.issuer);
  const creds = await sts.derived.issueTemporary(parent, { durationSeconds, policy, claims });
  return credentialsXml(action, creds, requestId, resultXml(action, verified, role, `${parent}:${sessionName ?? verified.subject}`));
}
