// The operator endpoints MinIO serves under /minio/: health probes (live, ready, cluster,
// cluster/read), Prometheus v2 metrics (cluster, node, bucket; the legacy path answers as
// cluster) and the admin API (/minio/admin/… and the KMS calls /minio/kms/…, admin-api.ts).
// createAdminHandler returns null for any other path so the S3 router can take it.
import { EXPOSITION_CONTENT_TYPE, renderExposition, type MetricFamily, type RequestMetrics } from "../util/index.ts";
import { AdminError } from "./admin-error.ts";
import { ADMIN_PREFIX, createAdminApi, KMS_PREFIX, type AdminApiDeps } from "./admin-api.ts";
import { probeDrives, type AdminStore } from "./admin-store.ts";
import { bucketFamilies, clusterFamilies, type ScrapeInput } from "./cluster-metrics.ts";
import { evaluateHealth, type DrivePosition } from "./health.ts";
import { nodeFamilies } from "./node-metrics.ts";
import { bearerToken, verifyPrometheusToken } from "./prometheus-auth.ts";
import { readProcessStats, type ProcReader } from "./process-stats.ts";
import { UsageCache } from "./usage-cache.ts";

/** The configuration admin/ reads; a ServerConfig fits as it is. */
export interface AdminConfig {
  /** "public" serves metrics without a token (MINIO_PROMETHEUS_AUTH_TYPE). */
  readonly prometheusAuthType: "jwt" | "public";
  readonly rootUser: string;
  readonly rootPassword: string;
  readonly version: string;
  /** STANDARD unset means MinIO's default parity (x-minio-storage-class-defaults: true). */
  readonly storageClass: { readonly standard?: string };
  /** Tells which drives this process serves; all of them when absent. */
  readonly layout?: AdminLayout;
  /** rootAccess false (api root_access=off): metrics tokens signed by the root are refused too. */
  readonly api?: { readonly rootAccess: boolean };
}

/** What admin/ reads of the drive layout: config's VolumeLayout fits, admin/ does not import config/. */
export interface AdminLayout {
  readonly pools: readonly {
    /** Drives in layout order, each served here or not. */
    readonly endpoints: readonly { readonly isLocal: boolean }[];
    /** sets[i] = indices into `endpoints` of erasure set i's drives, in set position order. */
    readonly sets: readonly (readonly number[])[];
  }[];
}

export interface AdminDeps {
  config: AdminConfig;
  /** The object store, or a getter that returns null until it is ready. */
  store: AdminStore | (() => AdminStore | null);
  /** Per-request S3 metrics the S3 layer feeds (rendered on both metrics endpoints). */
  requests?: RequestMetrics;
  /** The `server` label of every sample, MinIO's node name: "host:port" of this server. */
  nodeName: string;
  /** Object and bucket counts; default: a UsageCache over the store, refreshed every 5 minutes. */
  usage?: UsageCache;
  /** Servers of the cluster answering or not (default: just this one, online). */
  nodes?: () => { online: number; offline: number };
  /** Drives being healed that the storage view does not report itself (it reports refills by healAll); default none. */
  healing?: () => readonly DrivePosition[];
  /** The admin API's authorization and pool calls; absent: every /minio/admin/ path answers NotImplemented. */
  api?: AdminApiDeps;
  /** Source revision for minio_software_commit_info (default ""). */
  commit?: string;
  /** A drive that does not answer info() within this many ms counts as offline (default 5000). */
  driveTimeoutMs?: number;
  /** /proc reader for process metrics (default: /proc on Linux; null for none). */
  proc?: ProcReader | null;
  now?: () => number;
}

/** Answers admin paths (null for any other path); close() stops the background usage walk. */
export type AdminHandler = ((req: Request, url: URL, remoteAddress?: string) => Promise<Response | null>) & { close(): Promise<void> };

const HEALTH = new Set(["/minio/health/live", "/minio/health/ready", "/minio/health/cluster", "/minio/health/cluster/read"]);
const METRICS: Record<string, "cluster" | "node" | "bucket"> = {
  "/minio/v2/metrics/cluster": "cluster",
  "/minio/v2/metrics/node": "node",
  "/minio/v2/metrics/bucket": "bucket",
  "/minio/prometheus/metrics": "cluster",
};

function empty(status: number, headers: Record<string, string> = {}): Response {
  return new Response(null, { status, headers });
}

function forbidden(path: string, reason: string): Response {
  const body = JSON.stringify({
    Code: "AccessDenied",
    Message: `Metrics need a valid bearer token (${reason}); create one with "mc admin prometheus generate" or set MINIO_PROMETHEUS_AUTH_TYPE=public`,
    Resource: path,
  });
  return new Response(body, { status: 403, headers: { "content-type": "application/json" } });
}

export function createAdminHandler(deps: AdminDeps): AdminHandler {
  const { config } = deps;
  const now = deps.now ?? Date.now;
  const getStore = typeof deps.store === "function" ? deps.store : () => deps.store as AdminStore;
  let usage = deps.usage;
  const layout = config.layout;
  const isLocal = (pool: number, set: number, pos: number) => layout?.pools[pool]?.endpoints[layout.pools[pool].sets[set]?.[pos]]?.isLocal ?? true;
  const probe = (store: AdminStore) => probeDrives(store, { timeoutMs: deps.driveTimeoutMs ?? 5000, isLocal });

  async function health(path: string, url: URL): Promise<Response> {
    const store = getStore();
    // Live: the process answers (flagging a store still starting in a header, as MinIO does).
    if (path === "/minio/health/live") return empty(200, store ? {} : { "x-minio-server-status": "offline" });
    if (!store) return empty(503, { "x-minio-server-status": "offline" });
    const healing = deps.healing?.() ?? [];
    // Ready: this node can serve a write now, i.e. every set has write quorum of drives online.
    if (path === "/minio/health/ready") {
      const view = await probe(store);
      return empty(evaluateHealth(view.sets, view.states, { healing }).healthy ? 200 : 503);
    }
    const maintenance = url.searchParams.get("maintenance") === "true";
    const view = await probe(store);
    const h = evaluateHealth(view.sets, view.states, { maintenance, healing });
    const read = path.endsWith("/read");
    const headers: Record<string, string> = {
      [read ? "x-minio-read-quorum" : "x-minio-write-quorum"]: String(read ? h.readQuorum : h.writeQuorum),
      "x-minio-storage-class-defaults": String(config.storageClass.standard === undefined),
    };
    if (h.healingDrives > 0) headers["x-minio-healing-drives"] = String(h.healingDrives);
    if (read ? h.healthyRead : h.healthy) return empty(200, headers);
    // Maintenance asks "may this server go down?": 412 says no, MinIO's answer for orchestrators.
    return empty(maintenance ? 412 : 503, headers);
  }

  async function gather(store: AdminStore | null): Promise<ScrapeInput> {
    const { sets, states, heals } = store ? await probe(store) : { sets: [], states: [], heals: { started: 0, failed: 0 } };
    if (store && !usage) usage = new UsageCache(store);
    const bucketCount = store
      ? await store.listBuckets().then(
          (b) => b.length,
          () => null,
        )
      : null;
    return {
      sets,
      states,
      health: evaluateHealth(sets, states, { healing: store ? (deps.healing?.() ?? []) : [] }),
      bucketCount,
      usage: usage?.snapshot() ?? null,
      heals,
      nodes: deps.nodes?.() ?? { online: 1, offline: 0 },
      process: readProcessStats(deps.proc),
      requests: deps.requests,
      version: config.version,
      commit: deps.commit ?? "",
      nowMs: now(),
    };
  }

  async function metrics(kind: "cluster" | "node" | "bucket", req: Request, path: string): Promise<Response> {
    if (config.prometheusAuthType !== "public") {
      const token = bearerToken(req.headers.get("authorization"));
      if (!token) return forbidden(path, "none was sent");
      const check = verifyPrometheusToken(token, (key) => (key === config.rootUser ? config.rootPassword : null), Math.floor(now() / 1000));
      if (!check.ok) return forbidden(path, check.reason);
      // Tokens are the root's (mc admin prometheus generate): with root access off, none is accepted.
      if (config.api?.rootAccess === false) return forbidden(path, "it is the root's, and api root_access=off refuses the root");
    }
    const store = getStore();
    let families: MetricFamily[];
    if (kind === "bucket") {
      if (store && !usage) usage = new UsageCache(store);
      families = bucketFamilies(usage?.snapshot() ?? null);
    } else {
      const input = await gather(store);
      families = kind === "cluster" ? clusterFamilies(input) : nodeFamilies(input);
    }
    const body = req.method === "HEAD" ? null : renderExposition(families, { server: deps.nodeName });
    return new Response(body, { status: 200, headers: { "content-type": EXPOSITION_CONTENT_TYPE } });
  }

  const api = createAdminApi(
    deps.api ?? {
      authenticate: async () => {
        throw new AdminError("AccessDenied", "The admin API is not configured on this server", 403);
      },
    },
  );
  const handle = async (req: Request, url: URL, remoteAddress?: string): Promise<Response | null> => {
    const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, "") : url.pathname;
    if (path.startsWith(ADMIN_PREFIX) || path.startsWith(KMS_PREFIX)) return api(req, url, path, remoteAddress);
    const isHealth = HEALTH.has(path);
    if (!isHealth && !(path in METRICS)) return null;
    if (req.method !== "GET" && req.method !== "HEAD") return empty(405, { allow: "GET, HEAD" });
    return isHealth ? health(path, url) : metrics(METRICS[path], req, path);
  };
  return Object.assign(handle, { close: async () => void (await usage?.close()) });
}
