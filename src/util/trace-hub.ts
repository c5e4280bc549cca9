// Live request tracing (MinIO's `mc admin trace`): the S3 layer publishes one event per request
// while someone listens; listeners come and go with their admin connections. Nothing is kept.

/** One served request, as a trace shows it. */
export interface RequestTrace {
  /** The S3 API name, e.g. "PutObject" (or "STS"). */
  api: string;
  /** When the request arrived. */
  time: Date;
  /** Request to response-ready, in nanoseconds. */
  durationNs: number;
  method: string;
  path: string;
  rawQuery: string;
  /** Request headers, credentials redacted. */
  headers: Record<string, string>;
  client: string;
  status: number;
  responseHeaders: Record<string, string>;
  bytesIn: number;
  bytesOut: number;
  /** The S3 error code of a failed request. */
  error?: string;
}

export class TraceHub {
  readonly #listeners = new Set<(t: RequestTrace) => void>();

  /** Whether anyone listens: publishers skip building events otherwise. */
  get active(): boolean {
    return this.#listeners.size > 0;
  }

  /** Starts listening; the returned function stops. */
  subscribe(listener: (t: RequestTrace) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  publish(t: RequestTrace): void {
    for (const l of this.#listeners) {
      try {
        l(t);
      } catch {
        // A broken listener (its connection gone) must not affect the request or the others.
      }
    }
  }
}

const SIGNATURE = /(Signature=)[0-9a-f]+/i;

/** Headers whose whole value is a secret: session tokens and SSE-C customer keys (their MD5s are not). */
const SECRET_HEADERS = new Set(["x-amz-security-token", "x-amz-server-side-encryption-customer-key", "x-amz-copy-source-server-side-encryption-customer-key"]);

/** Request headers for a trace: signatures, session tokens and customer keys never leave the server. */
export function traceHeaders(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, name) => {
    if (name === "authorization") out[name] = value.replace(SIGNATURE, "$1*REDACTED*");
    else if (SECRET_HEADERS.has(name)) out[name] = "*REDACTED*";
    else out[name] = value;
  });
  return out;
}
