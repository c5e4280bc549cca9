// madmin's `trace` (mc admin trace): a long-lived answer streaming one JSON TraceInfo per S3
// request this server serves, filtered as asked (s3 calls, errors only, a latency threshold),
// until the client goes away. Trace types we do not produce (os, storage, internal, scanner …)
// are refused, never answered with an empty stream that looks like "nothing happened".
import type { RequestTrace, TraceHub } from "../util/index.ts";
import { AdminError } from "./admin-error.ts";
import type { AdminRequest } from "./admin-request.ts";
import type { AdminRoute } from "./iam-routes.ts";
import { jsonLineStream } from "./json-stream.ts";

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

function stream(ctx: AdminRequest, hub: TraceHub, node: string): Response {
  const q = ctx.query;
  for (const t of UNSUPPORTED) if (q.get(t) === "true") throw new AdminError("NotImplemented", `Tracing "${t}" calls is not implemented; trace s3 calls only`);
  if (q.get("s3") === "false" && !UNSUPPORTED.some((t) => q.get(t) === "true"))
    throw new AdminError("XMinioAdminInvalidArgument", "Nothing to trace: ask for s3=true");
  const onlyErrors = q.get("err") === "true";
  const threshold = goDurationNs(q.get("threshold") ?? "");
  return jsonLineStream(ctx.req.signal, (write) =>
    hub.subscribe((t) => {
      if (onlyErrors && t.status < 400) return;
      if (t.durationNs < threshold) return;
      write(traceInfo(t, node));
    }),
  );
}

/** The trace route, over the server's hub; `node` names this server in every trace. */
export function traceRoutes(hub: TraceHub, node: string): Record<string, AdminRoute> {
  return { trace: { method: "GET", action: "admin:ServerTrace", handle: async (ctx) => stream(ctx, hub, node) } };
}
