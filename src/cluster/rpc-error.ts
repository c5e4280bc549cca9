// RpcError: the one error type of internode RPC, for failures of the link itself (auth,
// reachability, deadlines, framing). Errors raised by the far side's handlers cross as data and
// are rebuilt as their own class (DriveError, ObjectError) by rpc-wire-error.ts.

export type RpcErrorKind =
  /** The token is missing, malformed, expired or signed with another secret. */
  | "Unauthorized"
  /** The peer cannot be reached (refused, reset, cut mid-call) or is marked offline. */
  | "Unreachable"
  /** The call (or a streamed reply's next bytes) did not arrive within its deadline. */
  | "Timeout"
  /** The peer answered something we cannot read: bad framing, another RPC version, no RPC service. */
  | "Protocol"
  /** The far side's handler failed with an error that is neither a DriveError nor an ObjectError. */
  | "Remote"
  /** The peer does not know the method. */
  | "NotFound"
  /** A peer runs with other cluster-wide settings (bootstrap refuses to start). */
  | "Mismatch";

export class RpcError extends Error {
  override name = "RpcError";
  constructor(
    readonly kind: RpcErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isRpcError(err: unknown, ...kinds: RpcErrorKind[]): err is RpcError {
  return err instanceof RpcError && (kinds.length === 0 || kinds.includes(err.kind));
}

/** Failures of the link (as opposed to the far side answering with an error). */
export function isTransportError(err: unknown): err is RpcError {
  return isRpcError(err, "Unreachable", "Timeout", "Protocol");
}
