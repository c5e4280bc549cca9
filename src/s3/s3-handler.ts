// The S3 front door: CORS preflights, request id, target and operation, a request slot,
// authentication, authorization, the handler, and — the one place errors become S3 error XML —
// the outer catch. Every response carries x-amz-request-id; every request is counted in the metrics.
import { authorize } from "./authorize.ts";
import type { RejectReason, S3Context, S3Deps } from "./context.ts";
import { addCorsHeaders, isPreflight, preflightResponse } from "./cors.ts";
import { releaseWhenSent, type ReleaseSlot } from "./request-limiter.ts";
import { renderError, S3Error, toS3Error } from "./errors.ts";
import { resolveOperation } from "./operations.ts";
import { handleSts, isStsRequest } from "./sts.ts";
import type { BucketPolicy } from "../iam/index.ts";
import { traceHeaders } from "../util/index.ts";
import { checkBucketName, parseTarget } from "./request-target.ts";
import { refuseAcl, checkEncryptionHeaders, checkObjectLockHeaders } from "./unsupported-headers.ts";

export type S3Handler = (req: Request, remoteAddress?: string) => Promise<Response>;

/** 16 upper-case hex characters, like MinIO's request ids. */
export function newRequestId(): string {
  const b = new Uint8Array(8);
  crypto.getRandomValues(b);
  return Buffer.from(b).toString("hex").toUpperCase();
}

export function createS3Handler(deps: S3Deps): S3Handler {
  // Bucket policies parsed once per stored document (the bucket metadata cache hands out the same bytes).
  const policies = new WeakMap<Uint8Array, BucketPolicy>();
  return async (req, remoteAddress) => {
    const started = performance.now();
    const requestId = newRequestId();
    const url = new URL(req.url);
    let api = "Unknown";
    let response: Response;
    // Which gate the request is at: a 4xx raised there is a rejection (MinIO's
    // minio_s3_requests_rejected_*); once the handler runs, errors are the API's own.
    let gate: RejectReason | undefined = "invalid";
    let inFlight = false;
    let errorCode: string | undefined;
    let release: ReleaseSlot | undefined;
    const preflight = deps.cors !== undefined && isPreflight(req);
    // STS calls (a form POSTed to "/") have their own answers and error documents.
    if (isStsRequest(req, url)) {
      api = "STS";
      response = await handleSts(req, url, deps, deps.sts, requestId);
    } else if (preflight) {
      api = "PreflightCORS";
      try {
        response = preflightResponse(req, deps.cors!);
      } catch (err) {
        const s3err = toS3Error(err);
        errorCode = s3err.code;
        response = renderError(s3err, { resource: url.pathname, requestId, hostId: deps.hostId });
      }
    } else
      try {
        const target = parseTarget(url, req.headers.get("host"), deps.domains);
        const op = resolveOperation(req.method, target.bucket, target.key, url.searchParams, req.headers);
        api = op.name;
        // Before anything costly (authentication may read IAM from the drives); SlowDown past the deadline.
        if (deps.limiter) release = await deps.limiter.acquire(req.signal);
        deps.metrics?.requestStarted?.(api);
        inFlight = true;
        if (target.bucket && op.name !== "CreateBucket") checkBucketName(target.bucket, false);
        gate = "auth";
        const auth = await deps.auth.authenticate(req, url, { virtualHostBucket: target.virtualHost ? target.bucket : undefined });
        const ctx: S3Context = { req, url, query: url.searchParams, bucket: target.bucket, key: target.key, auth, requestId, deps, remoteAddress, policies };
        await authorize(ctx, op);
        gate = "header";
        checkEncryptionHeaders(op.name, req.headers, url.protocol === "https:", deps.customerKeysOverHttp);
        await checkObjectLockHeaders(ctx, op.name, req.headers);
        refuseAcl(op.name, req.headers);
        gate = undefined;
        response = await op.handler(ctx);
      } catch (err) {
        // Whatever broke after the client went away (body stream errors of every flavour) is its disconnect.
        const s3err = req.signal.aborted && !(err instanceof S3Error) ? new S3Error("ClientDisconnected", undefined, { cause: err }) : toS3Error(err);
        errorCode = s3err.code;
        if (s3err.code === "InternalError") deps.logError?.(requestId, err);
        // Refusals only: client errors and NotImplemented, not a disconnect or a server failure.
        const refused = (s3err.status >= 400 && s3err.status < 499) || s3err.code === "NotImplemented";
        if (gate && refused) deps.metrics?.rejected?.(s3err.code === "RequestTimeTooSkewed" ? "timestamp" : gate);
        response = renderError(s3err, { resource: url.pathname, requestId, hostId: deps.hostId, head: req.method === "HEAD" });
        if (req.body && !req.bodyUsed && !req.body.locked) void req.body.cancel().catch(() => {});
      } finally {
        if (inFlight) deps.metrics?.requestFinished?.(api);
      }
    response.headers.set("x-amz-request-id", requestId);
    response.headers.set("x-amz-id-2", deps.hostId);
    if (!response.headers.has("server")) response.headers.set("server", "Bunker");
    if (deps.cors && !preflight) addCorsHeaders(req, response, deps.cors);
    const bytesIn = Number(req.headers.get("content-length") ?? 0);
    const bytesOut = Number(response.headers.get("content-length") ?? 0);
    deps.metrics?.observeRequest(api, response.status, (performance.now() - started) / 1000, bytesIn, bytesOut);
    if (deps.trace?.active) {
      deps.trace.publish({
        api,
        time: new Date(Date.now() - (performance.now() - started)),
        durationNs: Math.round((performance.now() - started) * 1e6),
        method: req.method,
        path: url.pathname,
        rawQuery: url.search
          .slice(1)
          .replace(/(^|&)(X-Amz-Signature|Signature|X-Amz-Security-Token|LDAPPassword|WebIdentityToken|Token)=[^&]*/gi, "$1$2=*REDACTED*"),
        headers: traceHeaders(req.headers),
        client: remoteAddress ?? "",
        status: response.status,
        responseHeaders: Object.fromEntries(response.headers),
        bytesIn,
        bytesOut,
        error: errorCode,
      });
    }
    return release ? releaseWhenSent(response, release, req.signal) : response;
  };
}
