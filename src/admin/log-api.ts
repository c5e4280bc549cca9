// madmin's `log` (mc admin logs): GET log?node=&limit=&logType= answers a long-lived stream of
// madmin.LogInfo JSON objects — first the last `limit` lines this server logged, then each new
// line as it is logged — until the client goes away. Only this server's own log is streamed: in
// a cluster a request naming another server is refused (ask that server), and with no node the
// stream holds this server's lines only (each carries its node name). We log the server's own
// lines (MinIO's "MINIO" kind); application logs are not produced, so asking for them is refused.
import type { LogEntry } from "../util/index.ts";
import { AdminError } from "./admin-error.ts";
import type { AdminRequest } from "./admin-request.ts";
import type { AdminRoute } from "./iam-routes.ts";
import { jsonLineStream } from "./json-stream.ts";

/** The server's log as this call reads it (util's Logger). */
export interface LogSource {
  readonly capacity: number;
  recent(limit: number): LogEntry[];
  subscribe(listener: (e: LogEntry) => void): () => void;
}

export interface LogApiDeps {
  source: LogSource;
  /** This server's name ("host:port"), as madmin names nodes. */
  node: string;
  /** Every server of the deployment (a cluster), to tell "another server" from "no such server". */
  nodes?: () => readonly string[];
  deploymentId?: string;
}

/** mc admin logs --last: madmin sends it always; 10 is mc's default. */
const DEFAULT_LIMIT = 10;
/** Lines queued for a client that reads too slowly before further lines are dropped (and counted). */
const MAX_BACKLOG = 1_000;

function limitParam(ctx: AdminRequest, capacity: number): number {
  const raw = ctx.query.get("limit");
  if (raw === null || raw === "") return DEFAULT_LIMIT;
  if (!/^\d{1,9}$/.test(raw)) throw new AdminError("XMinioAdminInvalidArgument", `The "limit" parameter must be a number of lines, not "${raw}"`);
  return Math.min(Number(raw), capacity);
}

function checkLogType(ctx: AdminRequest): void {
  const type = (ctx.query.get("logType") ?? "").toUpperCase();
  if (type === "" || type === "ALL" || type === "MINIO") return;
  if (type === "APPLICATION")
    throw new AdminError("NotImplemented", "Application logs are not produced by this server; ask for logType MINIO or ALL (the server's own lines)", 501);
  throw new AdminError("XMinioAdminInvalidArgument", `Unknown logType "${ctx.query.get("logType")}": use MINIO, APPLICATION or ALL`);
}

function checkNode(ctx: AdminRequest, deps: LogApiDeps): void {
  const node = ctx.query.get("node") ?? "";
  if (node === "" || node.toLowerCase() === deps.node.toLowerCase()) return;
  if (deps.nodes?.().some((n) => n.toLowerCase() === node.toLowerCase()))
    throw new AdminError("NotImplemented", `This server streams only its own log; ask ${node} itself for its log`, 501);
  throw new AdminError("XMinioAdminInvalidArgument", `No server named "${node}" in this deployment (this server is ${deps.node})`);
}

/** madmin.LogInfo: logEntry's fields, ConsoleMsg and node. */
export function logInfo(e: LogEntry, deps: Pick<LogApiDeps, "node" | "deploymentId">): Record<string, unknown> {
  return {
    ...(deps.deploymentId ? { deploymentid: deps.deploymentId } : {}),
    level: e.level,
    errKind: "MINIO",
    time: e.time.toISOString(),
    ...(e.level === "ERROR" ? { message: e.message } : {}),
    ...(e.error ? { error: { message: e.error.message, source: e.error.source } } : {}),
    ConsoleMsg: e.error ? `${e.message} ${e.error.message}` : e.message,
    node: deps.node,
  };
}

function stream(ctx: AdminRequest, deps: LogApiDeps): Response {
  checkLogType(ctx);
  checkNode(ctx, deps);
  const limit = limitParam(ctx, deps.source.capacity);
  return jsonLineStream(
    ctx.req.signal,
    (write) => {
      let dropped = 0;
      const send = (e: LogEntry) => {
        if (dropped > 0) {
          const note: LogEntry = { time: new Date(), level: "INFO", message: `${dropped} log line(s) dropped: the client reads too slowly` };
          if (!write(logInfo(note, deps))) return void dropped++;
          dropped = 0;
        }
        if (!write(logInfo(e, deps))) dropped++;
      };
      // Replay and subscription in one synchronous step: no line falls between them.
      for (const e of deps.source.recent(limit)) send(e);
      return deps.source.subscribe(send);
    },
    { maxBacklog: MAX_BACKLOG },
  );
}

export function logRoutes(deps: LogApiDeps): Record<string, AdminRoute> {
  return { log: { method: "GET", action: "admin:ConsoleLog", handle: async (ctx) => stream(ctx, deps) } };
}
