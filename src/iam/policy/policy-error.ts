// The one error a policy document can fail with: MalformedPolicy (a message naming the problem)
// or PolicyTooLarge. The S3 layer and the admin API each render it in their own error format.

export type PolicyErrorKind = "MalformedPolicy" | "PolicyTooLarge";

export class PolicyError extends Error {
  override name = "PolicyError";

  constructor(
    readonly kind: PolicyErrorKind,
    message: string,
  ) {
    super(message);
  }
}

export function isPolicyError(err: unknown): err is PolicyError {
  return err instanceof PolicyError;
}
