// The one error class of the IAM layer; the admin API maps each kind to madmin's code and status.

export type IamErrorKind =
  | "NoSuchUser"
  | "NoSuchGroup"
  | "NoSuchPolicy"
  | "NoSuchServiceAccount"
  | "GroupNotEmpty"
  | "InvalidArgument"
  | "MalformedPolicy"
  | "AlreadyApplied"
  | "NotAllowed"
  /** LDAP refused the login: unknown user, wrong password (one kind, so no answer tells which). */
  | "LdapAuthFailed"
  /** The LDAP server cannot be reached or refused the lookup account; not the client's fault. */
  | "LdapUnavailable";

export class IamError extends Error {
  override name = "IamError";

  constructor(
    readonly kind: IamErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isIamError(err: unknown, ...kinds: IamErrorKind[]): err is IamError {
  return err instanceof IamError && (kinds.length === 0 || kinds.includes(err.kind));
}
