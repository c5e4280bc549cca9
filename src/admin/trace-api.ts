// madmin's `trace` (mc admin trace): a long-lived answer of one JSON TraceInfo per S3 request served here and, in a cluster, by
// every peer (each filters its own at the source and names itself in `nodename`), filtered as asked, until the client goes away.
// Trace types we do not produce (os, storage, internal …) are refused, never answered with an empty stream that looks like "nothing happened".
import type { RequestTrace, TraceHub } from "../util/index.ts";
import { AdminError } from "./admin-error.ts";
import type { AdminRequest } from "./admin-request.ts";
import type { AdminRoute } from "./iam-routes.ts";
import { jsonLineStream } from "./json-stream.ts";
import { followPeers, type FeedSource, type PeerFeed } from "./peer-feed.ts";

export interface TraceApiDeps {
  /** This server's traces (the S3 handler publishes to it). */
  hub: TraceHub;
  /** The name this server gives itself in its traces ("host:port"). */
  node: string;
  /** The other servers of a cluster: their traces are merged into the stream. */
  peers?: readonly PeerFeed[];
}

/** What passes into a trace stream: decided by the server asked, applied where traces are made. */
export interface TraceFilter {
  /** Only failed requests (status 400 and above). */
  onlyErrors: boolean;
  /** Only requests that took at least this long. */
  thresholdNs: number;
}

/** madmin.TraceType bits. */
const TRACE_S3 = 1 << 2;
const UNSUPPORTED = ["internal", "storage", "os", "scanner", "decommission", "healing", "batch-replication", "rebalance", "replication-resync", "bootstrap"];

/** A Go duration ("0s", "100ms", "1.5s", "2m") in nanoseconds. */
export function goDurationNs(text: string): number {
  if (text === "" || text === "0") return 0;
  const units: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
  let total = 0;
  let rest = text;
  while (rest !== "") {
    const m = /^(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/.exec(rest);
    if (!m) throw new AdminError("XMinioAdminInvalidArgument", `Invalid threshold "${text}": use a duration such as 100ms or 2s`);
    total += Number(m[1]) * units[m[2]];
    rest = rest.slice(m[0].length);
  }
  return total;
}

function headerList(h: Record<string, string>): Record<string, string[]> {
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k, [v]]));
}

function traceInfo(t: RequestTrace, node: string): unknown {
  const done = new Date(t.time.getTime() + t.durationNs / 1e6).toISOString();
  return {
    type: TRACE_S3,
    nodename: node,
    funcname: `s3.${t.api}`,
    time: t.time.toISOString(),
    path: t.path,
    dur: t.durationNs,
    error: t.error,
    http: {
      request: {
        time: t.time.toISOString(),
        proto: "HTTP/1.1",
        method: t.method,
        path: t.path,
        rawquery: t.rawQuery,
        headers: headerList(t.headers),
        client: t.client,
      },
      response: { time: done, headers: headerList(t.responseHeaders), statuscode: t.status },
      stats: { inputbytes: t.bytesIn, outputbytes: t.bytesOut, latency: t.durationNs, timetofirstbyte: t.durationNs },
    },
  };
}

/** Traces queued for a client that reads too slowly before further ones are dropped. */
const MAX_BACKLOG = 1_000;

function traceFilter(ctx: AdminRequest): TraceFilter {
  const q = ctx.query;
  for (const t of UNSUPPORTED) if (q.get(t) === "true") throw new AdminError("NotImplemented", `Tracing "${t}" calls is not implemented; trace s3 calls only`);
  if (q.get("s3") === "false" && !UNSUPPORTED.some((t) => q.get(t) === "true"))
    throw new AdminError("XMinioAdminInvalidArgument", "Nothing to trace: ask for s3=true");
  return { onlyErrors: q.get("err") === "true", thresholdNs: goDurationNs(q.get("threshold") ?? "") };
}

/** Follows `hub`'s traces that pass `filter` into `write`, as TraceInfo naming `node`; returns how to stop. */
function followTraces(hub: TraceHub, node: string, filter: TraceFilter, write: (value: unknown) => boolean): () => void {
  return hub.subscribe((t) => {
    if (filter.onlyErrors && t.status < 400) return;
    if (t.durationNs < filter.thresholdNs) return;
    write(traceInfo(t, node));
  });
}

/** What this server serves its peers' trace streams: its own traces, filtered as the asking server says. */
export function traceFeedSource(hub: TraceHub, node: string): FeedSource {
  return (args, push) => {
    const a = (args ?? {}) as Partial<TraceFilter>;
    if (typeof a.onlyErrors !== "boolean" || typeof a.thresholdNs !== "number") throw new TypeError("A trace feed needs { onlyErrors, thresholdNs }");
    return followTraces(hub, node, { onlyErrors: a.onlyErrors, thresholdNs: a.thresholdNs }, push);
  };
}

function stream(ctx: AdminRequest, deps: TraceApiDeps): Response {
  const filter = traceFilter(ctx);
  return jsonLineStream(
    ctx.req.signal,
    (write) => {
      const stopLocal = followTraces(deps.hub, deps.node, filter, write);
      // A peer's traces come already filtered and named; a peer that is away is followed once it answers.
      const stopPeers = followPeers(
        deps.peers ?? [],
        "trace",
        () => filter,
        (value) => void write(value),
      );
      return () => {
        stopLocal();
        stopPeers();
      };
    },
    { maxBacklog: MAX_BACKLOG },
  );
}

/** The trace route: this server's hub, and its peers' in a cluster. */
export function traceRoutes(deps: TraceApiDeps): Record<string, AdminRoute> {
  return { trace: { method: "GET", action: "admin:ServerTrace", handle: async (ctx) => stream(ctx, deps) } };
}
