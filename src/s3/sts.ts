// The STS API MinIO serves on the S3 port: a form POSTed to "/" with Action=AssumeRole (SigV4, "sts"
// service, by a user or the root), an OpenID token (sts-openid.ts) or an LDAP login (sts-ldap.ts),
// answered with the XML the AWS SDKs parse. Actions we do not serve are refused, never answered with credentials.
import { createHash } from "node:crypto";
import { isIamError } from "../iam/index.ts";
import type { S3Deps, StsDeps } from "./context.ts";
import { S3Error, toS3Error } from "./errors.ts";
import { assumeRoleWithLdap } from "./sts-ldap.ts";
import { assumeRoleWithOpenId } from "./sts-openid.ts";
import { DEFAULT_DURATION_S, durationSecondsOf, refuseUnsupportedParams, sessionPolicyOf } from "./sts-params.ts";
import { credentialsXml, StsError, stsErrorResponse as errorResponse } from "./sts-response.ts";

const MAX_FORM_BYTES = 64 * 1024;

/** Whether a request is an STS call rather than S3: a form POSTed to the service root. */
export function isStsRequest(req: Request, url: URL): boolean {
  if (url.pathname !== "/" || req.method !== "POST") return false;
  return (req.headers.get("content-type") ?? "").toLowerCase().startsWith("application/x-www-form-urlencoded") || url.searchParams.has("Action");
}

async function readForm(req: Request): Promise<{ bytes: Uint8Array; form: URLSearchParams }> {
  if (Number(req.headers.get("content-length") ?? 0) > MAX_FORM_BYTES) throw new StsError("InvalidParameterValue", "The request body is too large");
  const bytes = new Uint8Array(await req.arrayBuffer());
  if (bytes.length > MAX_FORM_BYTES) throw new StsError("InvalidParameterValue", "The request body is too large");
  return { bytes, form: new URLSearchParams(new TextDecoder().decode(bytes)) };
}

async function assumeRole(req: Request, url: URL, deps: S3Deps, sts: StsDeps, bytes: Uint8Array, form: URLSearchParams, requestId: string): Promise<Response> {
  const bodySha256 = createHash("sha256").update(bytes).digest("hex");
  const auth = await deps.auth.authenticate(req, url, { service: "sts", bodySha256 });
  if (auth.kind !== "signed") throw new StsError("AccessDenied", "AssumeRole must be signed", 403);
  const identity = deps.identities.identity(auth.accessKey);
  if (!identity) throw new StsError("InvalidClientTokenId", "The security token included in the request is invalid", 403);
  if (identity.kind === "sts" || identity.kind === "service-account") {
    throw new StsError("AccessDenied", "Temporary credentials and service accounts cannot assume a role", 403);
  }
  const creds = await sts.derived.assumeRole(identity, durationSecondsOf(form) ?? DEFAULT_DURATION_S, sessionPolicyOf(form));
  const user = `<AssumedRoleUser><Arn></Arn><AssumedRoleId></AssumedRoleId></AssumedRoleUser>`;
  return credentialsXml("AssumeRole", creds, requestId, user);
}

/** Answers one STS request. */
export async function handleSts(req: Request, url: URL, deps: S3Deps, sts: StsDeps | undefined, requestId: string): Promise<Response> {
  try {
    if (!sts) throw new StsError("NotImplemented", "STS is not served by this server", 501);
    const { bytes, form } = await readForm(req);
    for (const [k, v] of url.searchParams) if (!form.has(k)) form.set(k, v);
    const action = form.get("Action") ?? "";
    if (form.get("Version") !== "2011-06-15") throw new StsError("InvalidParameterValue", `Version must be "2011-06-15"`);
    refuseUnsupportedParams(form);
    switch (action) {
      case "AssumeRole":
        return await assumeRole(req, url, deps, sts, bytes, form, requestId);
      case "AssumeRoleWithWebIdentity":
      case "AssumeRoleWithClientGrants":
        return await assumeRoleWithOpenId(action, form, sts, requestId);
      case "AssumeRoleWithLDAPIdentity":
        return await assumeRoleWithLdap(form, sts, requestId, deps.logError);
      default:
        throw new StsError("InvalidAction", `The STS action "${action}" is not served`);
    }
  } catch (err) {
    if (err instanceof StsError) return errorResponse(err, requestId);
    if (isIamError(err))
      return errorResponse(new StsError(err.kind === "MalformedPolicy" ? "MalformedPolicyDocument" : "InvalidParameterValue", err.message), requestId);
    const s3 = err instanceof S3Error ? err : toS3Error(err);
    if (s3.code === "InternalError") deps.logError?.(requestId, err);
    return errorResponse(new StsError(s3.code, s3.message, s3.status), requestId);
  }
}
