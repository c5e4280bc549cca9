// madmin's `log` (mc admin logs): GET log?node=&limit=&logType= streams madmin.LogInfo JSON, each server's last `limit` lines then new
// ones, until the client goes away: with no node every server's (a peer's over internode RPC, rendered there; one that was away is followed
// again from the last line seen), with a node that server's only. Only the server's own lines exist (MinIO's "MINIO" kind), no application logs.
import type { LogEntry } from "../util/index.ts";
import { AdminError } from "./admin-error.ts";
import type { AdminRequest } from "./admin-request.ts";
import type { AdminRoute } from "./iam-routes.ts";
import { jsonLineStream } from "./json-stream.ts";
import { followPeers, type FeedSource, type PeerFeed } from "./peer-feed.ts";

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
  /** The other servers of a cluster, whose lines the stream merges in (or streams alone: node=<peer>). */
  peers?: readonly PeerFeed[];
}

/** What a peer is asked for: its last `limit` lines (only those after `since`, ms, when given), then each new one. */
interface LogFeedArgs {
  limit: number;
  since?: number;
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

/** Whose lines the stream holds: this server's, and which peers'. */
function selectNodes(ctx: AdminRequest, deps: LogApiDeps): { local: boolean; peers: readonly PeerFeed[] } {
  const node = (ctx.query.get("node") ?? "").toLowerCase();
  const peers = deps.peers ?? [];
  if (node === "") return { local: true, peers };
  if (node === deps.node.toLowerCase()) return { local: true, peers: [] };
  const peer = peers.find((p) => p.node.toLowerCase() === node);
  if (peer) return { local: false, peers: [peer] };
  const name = ctx.query.get("node");
  if (deps.nodes?.().some((n) => n.toLowerCase() === node))
    throw new AdminError("NotImplemented", `${name} is a server of this deployment that this server cannot stream logs from; ask ${name} itself`, 501);
  throw new AdminError("XMinioAdminInvalidArgument", `No server named "${name}" in this deployment (this server is ${deps.node})`);
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

/**
 * A writer of LogInfo values that counts what `write` refuses (a client reading too slowly) and
 * says how many lines were dropped, in a line of its own, before the next one that fits.
 */
function droppingWriter(write: (value: unknown) => boolean, deps: Pick<LogApiDeps, "node" | "deploymentId">): (info: unknown) => void {
  let dropped = 0;
  return (info) => {
    if (dropped > 0) {
      const note: LogEntry = { time: new Date(), level: "INFO", message: `${dropped} log line(s) dropped: the client reads too slowly` };
      if (!write(logInfo(note, deps))) return void dropped++;
      dropped = 0;
    }
    if (!write(info)) dropped++;
  };
}

/** Replays the last `limit` lines (after `since`), then follows new ones, as LogInfo; returns how to stop. */
function followLog(deps: LogApiDeps, limit: number, since: number | undefined, send: (info: unknown) => void): () => void {
  // Replay and subscription in one synchronous step: no line falls between them.
  for (const e of deps.source.recent(limit)) if (since === undefined || e.time.getTime() > since) send(logInfo(e, deps));
  return deps.source.subscribe((e) => send(logInfo(e, deps)));
}

/** What this server serves its peers' log streams: its own lines, replayed and followed as asked. */
export function logFeedSource(deps: LogApiDeps): FeedSource {
  return (args, push) => {
    const a = (args ?? {}) as Partial<LogFeedArgs>;
    if (typeof a.limit !== "number" || !Number.isInteger(a.limit) || a.limit < 0) throw new TypeError("A log feed needs { limit, since? }");
    if (a.since !== undefined && typeof a.since !== "number") throw new TypeError("A log feed's since is a time in ms");
    return followLog(deps, Math.min(a.limit, deps.source.capacity), a.since, droppingWriter(push, deps));
  };
}

function stream(ctx: AdminRequest, deps: LogApiDeps): Response {
  checkLogType(ctx);
  const { local, peers } = selectNodes(ctx, deps);
  const limit = limitParam(ctx, deps.source.capacity);
  return jsonLineStream(
    ctx.req.signal,
    (write) => {
      const send = droppingWriter(write, deps);
      const stopLocal = local ? followLog(deps, limit, undefined, send) : () => {};
      // Each peer replays its last `limit` lines once; after a gap (it was away, the link dropped)
      // it sends every line it kept since the last one seen (or, none seen, since it was first
      // followed: by this server's clock, so a clock skew shifts that edge case by as much).
      const lastSeen = new Map<PeerFeed, number>();
      const openedAt = new Map<PeerFeed, number>();
      const args = (peer: PeerFeed, resumed: boolean): LogFeedArgs => {
        if (!resumed) {
          openedAt.set(peer, Date.now());
          return { limit };
        }
        return { limit: deps.source.capacity, since: lastSeen.get(peer) ?? openedAt.get(peer) };
      };
      const stopPeers = followPeers(peers, "log", args, (info, peer) => {
        const time = Date.parse((info as { time?: string })?.time ?? "");
        if (!Number.isNaN(time)) lastSeen.set(peer, Math.max(time, lastSeen.get(peer) ?? 0));
        send(info);
      });
      return () => {
        stopLocal();
        stopPeers();
      };
    },
    { maxBacklog: MAX_BACKLOG },
  );
}

export function logRoutes(deps: LogApiDeps): Record<string, AdminRoute> {
  return { log: { method: "GET", action: "admin:ConsoleLog", handle: async (ctx) => stream(ctx, deps) } };
}
