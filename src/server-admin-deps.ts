// The server admin calls' wiring: the usage walk (shared with the metrics), the heal sequences,
// and the servers of the deployment — this one answering for itself, each peer over internode RPC
// (admin.serverProperties, registered here) — plus the drive → server map from the topology.
import type { ServerConfig } from "./config/index.ts";
import { HealSequences, UsageCache, type HealStats, type ServerAdminDeps, type ServerNode, type ServerProps, type ServiceControl } from "./admin/index.ts";
import type { ObjectStore, StorageInfo } from "./object/index.ts";
import type { Cluster } from "./server-cluster.ts";
import { clusterService } from "./server-cluster-service.ts";
import { tlsFiles } from "./server-listen.ts";

export const SERVER_PROPERTIES_METHOD = "admin.serverProperties";

export interface ServerAdminSetup {
  deps: ServerAdminDeps;
  /** The usage walk, for the metrics too. */
  usage: UsageCache;
  /** Stops the heal sequences (before the store closes). */
  close(): Promise<void>;
}

function healStats(store: ObjectStore): HealStats {
  const { mrf, scanner } = store.healStats();
  const queued = store.heals.entries().map((e) => e.queuedAt);
  return {
    scanned: scanner?.objectsScanned ?? 0,
    mrfHealed: Math.max(0, mrf.started - mrf.failed),
    mrfPending: mrf.pending,
    ...(queued.length > 0 ? { mrfOldestMs: Math.min(...queued) } : {}),
  };
}

/** A peer's answer, checked field by field (an older peer may answer something else). */
function peerProps(v: unknown): ServerProps | null {
  const p = v as Partial<ServerProps> | null;
  if (!p || typeof p.uptime !== "number" || typeof p.version !== "string" || typeof p.heal !== "object" || p.heal === null) return null;
  return {
    uptime: p.uptime,
    version: p.version,
    commitID: typeof p.commitID === "string" ? p.commitID : "",
    network: typeof p.network === "object" && p.network !== null ? p.network : {},
    heapUsed: typeof p.heapUsed === "number" ? p.heapUsed : 0,
    numCpu: typeof p.numCpu === "number" ? p.numCpu : 0,
    runtimeVersion: typeof p.runtimeVersion === "string" ? p.runtimeVersion : "",
    heal: p.heal,
  };
}

/** In a cluster every drive is named by its URL (a local drive reports only its path), as MinIO names them. */
function withDriveUrls(view: StorageInfo, cfg: ServerConfig, cluster: Cluster): StorageInfo {
  const url = (pool: number, set: number, position: number) => {
    const drive = cfg.layout.pools[pool]?.sets[set]?.[position];
    return drive === undefined ? undefined : cluster.topology.pools[pool]?.[drive]?.endpoint;
  };
  const pools = view.pools.map((p) => ({
    ...p,
    sets: p.sets.map((s) => ({ ...s, drives: s.drives.map((d) => ({ ...d, endpoint: url(d.pool, d.set, d.position) ?? d.endpoint })) })),
  }));
  return { ...view, pools };
}

export function serverAdminDeps(cfg: ServerConfig, objects: ObjectStore, deploymentId: string, cluster?: Cluster, service?: ServiceControl): ServerAdminSetup {
  const startedAt = Date.now();
  const usage = new UsageCache(objects);
  const store: ServerAdminDeps["store"] = {
    storageInfo: async (o) => (cluster ? withDriveUrls(await objects.storageInfo(o), cfg, cluster) : objects.storageInfo(o)),
    listBuckets: () => objects.listBuckets(),
    listObjectVersions: (b, o) => objects.listObjectVersions(b, o),
    getBucketInfo: (b) => objects.getBucketInfo(b),
    healObject: (b, k, o) => objects.healObject(b, k, o),
    healBucket: (b, o) => objects.healBucket(b, o),
    listSystem: (p) => objects.listSystem(p),
  };
  const heals = new HealSequences(store);
  const scheme = tlsFiles(cfg.certsDir) ? "https" : "http";
  const topology = cluster?.topology;
  const network = (): Record<string, string> => {
    if (!cluster || !topology) return { [`${cfg.address.host || "127.0.0.1"}:${cfg.address.port}`]: "online" };
    return Object.fromEntries(topology.nodes.map((n, i) => [n.name, n.local || cluster.clients[i]?.online ? "online" : "offline"]));
  };
  const own = (): ServerProps => ({
    uptime: Math.floor((Date.now() - startedAt) / 1000),
    version: cfg.version,
    commitID: "",
    network: network(),
    heapUsed: process.memoryUsage().heapUsed,
    numCpu: navigator.hardwareConcurrency ?? 0,
    runtimeVersion: `bun ${Bun.version}`,
    heal: healStats(objects),
  });
  let servers: ServerNode[];
  if (!cluster || !topology) {
    servers = [{ endpoint: Object.keys(network())[0], scheme, local: true, properties: async () => own() }];
  } else {
    cluster.rpc.register(SERVER_PROPERTIES_METHOD, async () => ({ value: own() }));
    servers = topology.nodes.map((n, i): ServerNode => {
      const client = cluster.clients[i];
      return {
        endpoint: n.name,
        scheme: n.url.startsWith("https:") ? "https" : "http",
        local: n.local,
        properties: async () => {
          if (!client) return own();
          if (!client.online) return null;
          return peerProps(await client.call(SERVER_PROPERTIES_METHOD, {}, { deadlineMs: 5_000 }).catch(() => null));
        },
      };
    });
  }
  const serverOf = (pool: number, set: number, position: number): number => {
    if (!topology) return 0;
    const drive = cfg.layout.pools[pool]?.sets[set]?.[position];
    return drive === undefined ? -1 : (topology.pools[pool][drive]?.node ?? -1);
  };
  return {
    usage,
    deps: {
      store,
      usage,
      deploymentId,
      region: cfg.region,
      domains: cfg.domains,
      servers,
      serverOf,
      heals,
      // In a cluster every server goes, or none: one restarted alone would run on while the others do not.
      service: cluster ? clusterService(cluster, service) : service,
    },
    close: () => heals.close(),
  };
}
