// CodecError: the one error class of the ec layer (DESIGN.md §4). `kind` says what went
// wrong; `shard` and `block` point at the shard (0-based) and erasure block when known.

export type CodecErrorKind =
  | "InvalidLayout" // bad d/p/blockSize/lengths passed in by the caller
  | "Corrupt" // a chunk failed its bitrot hash
  | "Truncated" // a shard stream is shorter than its layout says
  | "Unrecoverable" // fewer than d good shards for a block
  | "QuorumLost" // too many sinks failed during a write
  | "WorkerCrashed" // the worker running a job died
  | "Closed" // the pool was closed before the job ran
  | "SourceFailed" // the object stream given to erasureEncode failed
  | "Aborted"; // the caller's AbortSignal fired

export class CodecError extends Error {
  override name = "CodecError";
  readonly kind: CodecErrorKind;
  readonly shard?: number;
  readonly block?: number;

  constructor(kind: CodecErrorKind, message: string, opts: { shard?: number; block?: number; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.kind = kind;
    if (opts.shard !== undefined) this.shard = opts.shard;
    if (opts.block !== undefined) this.block = opts.block;
  }
}

/** Throws InvalidLayout unless d ≥ 1, p ≥ 0 and d+p ≤ 256 (GF(2^8) limit; MinIO sets use ≤ 16). */
export function checkCode(d: number, p: number): void {
  if (!Number.isInteger(d) || !Number.isInteger(p) || d < 1 || p < 0 || d + p > 256) {
    throw new CodecError("InvalidLayout", `Cannot use an erasure code with ${d} data and ${p} parity shards`);
  }
}
