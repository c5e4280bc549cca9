// The form parameters every STS action shares, read one way: DurationSeconds (AWS's 15 minutes to
// 12 hours; MinIO's 365-day ceiling is not offered, since nothing re-checks a session's source),
// the session Policy (size and grammar checked before anything else is asked), and the AWS
// parameters whose meaning we do not implement, refused rather than ignored.
import { isPolicyError, parsePolicy } from "../iam/index.ts";
import { StsError } from "./sts-response.ts";

export const MIN_DURATION_S = 900;
export const MAX_DURATION_S = 12 * 3600;
export const DEFAULT_DURATION_S = 3600;
/** AWS's packed limit on a session policy. */
const MAX_POLICY_BYTES = 2048 * 8;

/** DurationSeconds when given (undefined otherwise), within AWS's bounds. */
export function durationSecondsOf(form: URLSearchParams): number | undefined {
  const raw = form.get("DurationSeconds");
  if (raw === null || raw === "") return undefined;
  const n = Number(raw);
  if (!/^\d{1,6}$/.test(raw) || n < MIN_DURATION_S || n > MAX_DURATION_S) {
    throw new StsError("InvalidParameterValue", `DurationSeconds must be between ${MIN_DURATION_S} and ${MAX_DURATION_S}, not "${raw}"`);
  }
  return n;
}

/** The session policy, when given: at most AWS's size and a valid identity policy. */
export function sessionPolicyOf(form: URLSearchParams): string | undefined {
  const policy = form.get("Policy") || undefined;
  if (policy === undefined) return undefined;
  if (Buffer.byteLength(policy) > MAX_POLICY_BYTES) throw new StsError("PackedPolicyTooLarge", "The session policy is too large");
  try {
    parsePolicy(policy, { kind: "identity" });
  } catch (err) {
    if (isPolicyError(err)) throw new StsError("MalformedPolicyDocument", err.message);
    throw err;
  }
  return policy;
}

/**
 * AWS STS parameters that would change what a session may do or how it is checked — managed
 * policies, session tags, MFA, an external id, a source identity, an OAuth provider — which we
 * do not apply: a session issued while ignoring them would be wider or less checked than asked.
 */
const UNSUPPORTED = [
  /^PolicyArns\.member\./,
  /^Tags\.member\./,
  /^TransitiveTagKeys\.member\./,
  /^SerialNumber$/,
  /^TokenCode$/,
  /^ExternalId$/,
  /^SourceIdentity$/,
  /^ProviderId$/,
];

export function refuseUnsupportedParams(form: URLSearchParams): void {
  for (const name of form.keys()) {
    if (UNSUPPORTED.some((re) => re.test(name))) {
      throw new StsError("NotImplemented", `The STS parameter "${name}" is not supported by this server; nothing was issued`, 501);
    }
  }
}
