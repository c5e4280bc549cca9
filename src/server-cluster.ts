// Distributed mode's wiring: this node's RPC server (drive, lock, bootstrap and peer services),
// one RPC client per peer with health pings, RemoteDrives for the peers' drives, the
// distributed locker, and the start-up loop that waits for peers and formats the cluster once.
// server.ts calls it when the drive arguments are URLs on several servers.
import type { ServerConfig } from "./config/index.ts";
import {
  DistributedLocker,
  LocalLockerPeer,
  LockTable,
  RemoteDrive,
  RpcClient,
  RpcServer,
  checkPeer,
  clusterTopology,
  registerBootstrapService,
  registerDriveService,
  registerLockService,
  registerPeerService,
  registerPoolService,
  setScanner,
  rpcLockerPeer,
  BUCKET_CHANGED_METHOD,
  LEAVING_METHOD,
  POOLS_CHANGED_METHOD,
  IAM_CHANGED_METHOD,
  type ClusterFacts,
  type PeerEvents,
  type PoolService,
  type Topology,
} from "./cluster/index.ts";
import { DriveError, LocalDrive, type Drive, type FsyncPolicy } from "./disk/index.ts";
import { ObjectError, isObjectError, loadPoolFormat, writeQuorum, type MrfConfig, type NamespaceLocker, type PoolFormat } from "./object/index.ts";

/** Internode protocol version: peers with another one are refused at start. */
export const RPC_VERSION = 1;

export interface Cluster {
  readonly topology: Topology;
  /** Answers internode calls (mounted under RPC_PATH_PREFIX by the listener). */
  readonly rpc: RpcServer;
  /** Every drive by pool, in command-line order: LocalDrive here, RemoteDrive elsewhere (null: a local drive that could not be opened). */
  readonly pools: (Drive | null)[][];
  readonly locker: NamespaceLocker;
  /** Peers' clients, by node index (undefined for this node). */
  readonly clients: (RpcClient | undefined)[];
  /** Tells every peer that a bucket changed (best effort: a peer that is away re-reads on its return). */
  notifyBucket(bucket: string): void;
  /** Tells every peer that a pool's decommission status changed (same best effort). */
  notifyPools(): void;
  /** Tells every peer that IAM changed and waits (2 s at most) until they reloaded; peers also reload periodically. */
  notifyIam(): Promise<void>;
  /** Whether this server's heal scanner walks set `set` of pool `pool` now (one server per set). */
  scans(pool: number, set: number): boolean;
  /** Servers answering (this one included) and not, for the cluster metrics. */
  nodesOnline(): { online: number; offline: number };
  /** Graceful shutdown: tell every peer we are going (they stop writing to our drives), stop answering pings. */
  leave(): Promise<void>;
  /** Connects the peer and pool services to the object layer once it exists. */
  attach(events: PeerEvents, pools?: PoolService): void;
  close(): Promise<void>;
}

/** The settings every server of the cluster must share (secrets as digests). */
export function clusterFacts(cfg: ServerConfig): ClusterFacts {
  const digest = (s: string) => new Bun.CryptoHasher("sha256").update(s).digest("hex").slice(0, 16);
  return {
    "RPC version": String(RPC_VERSION),
    "drive arguments": cfg.layout.pools.map((p) => p.cmdline).join(" "),
    "root user digest": digest(cfg.rootUser),
    "storage class": `STANDARD=${cfg.storageClass.standard ?? "default"} RRS=${cfg.storageClass.rrs ?? "default"} optimize=${cfg.storageClass.optimize}`,
    "inline block": String(cfg.storageClass.inlineBlock),
  };
}

export async function openCluster(cfg: ServerConfig, fsync: FsyncPolicy, logError: (line: string) => void = (l) => console.error(l)): Promise<Cluster> {
  const topology = clusterTopology(cfg.layout.pools);
  const self = topology.nodes[topology.self];
  const secret = `${cfg.rootUser}:${cfg.rootPassword}`;
  const rpc = new RpcServer({ secret, version: RPC_VERSION, node: self.name });
  const clients = topology.nodes.map((n) => (n.local ? undefined : new RpcClient({ url: n.url, secret, node: self.name, version: RPC_VERSION })));
  const local = new Map<string, Drive>();
  const pools: (Drive | null)[][] = [];
  for (const [p, drives] of topology.pools.entries()) {
    const out: (Drive | null)[] = [];
    for (const [i, d] of drives.entries()) {
      const client = clients[d.node];
      if (client) {
        out.push(new RemoteDrive(client, d.path, d.endpoint));
        continue;
      }
      const opened = await LocalDrive.open(cfg.layout.pools[p].endpoints[i].path, { fsync }).catch((err: unknown) => {
        if (err instanceof DriveError && (err.kind === "Unformatted" || err.kind === "InvalidPath")) throw err;
        logError(`Drive "${d.endpoint}" is offline: ${err instanceof Error ? err.message : String(err)}`);
        return null;
      });
      if (opened) local.set(d.path, opened);
      out.push(opened);
    }
    pools.push(out);
  }
  registerDriveService(rpc, local);
  const table = new LockTable();
  registerLockService(rpc, table);
  registerBootstrapService(rpc, clusterFacts(cfg));
  const peers = topology.nodes.map((n, i) => (clients[i] ? rpcLockerPeer(n.name, clients[i]) : new LocalLockerPeer(n.name, table)));
  const locker = new DistributedLocker({ peers, owner: self.name });
  let events: PeerEvents | undefined;
  let poolStore: PoolService | undefined;
  registerPoolService(rpc, () => poolStore);
  for (const [i, c] of clients.entries()) {
    c?.onChange((online) => void (online ? events?.peerReturned(topology.nodes[i].name) : undefined));
    c?.startHealth();
  }
  registerPeerService(
    rpc,
    () => events,
    (node) => clients[topology.nodes.findIndex((n) => n.name === node)]?.markLeaving(),
  );
  return {
    topology,
    rpc,
    pools,
    locker,
    clients,
    notifyBucket(bucket) {
      for (const c of clients) c?.call(BUCKET_CHANGED_METHOD, { bucket }, { deadlineMs: 2_000 }).catch(() => {});
    },
    notifyPools() {
      for (const c of clients) c?.call(POOLS_CHANGED_METHOD, {}, { deadlineMs: 2_000 }).catch(() => {});
    },
    async notifyIam() {
      await Promise.allSettled(clients.map((c) => c?.call(IAM_CHANGED_METHOD, {}, { deadlineMs: 2_000 })));
    },
    attach(e, p) {
      events = e;
      poolStore = p;
    },
    scans(pool, set) {
      const drives = cfg.layout.pools[pool].sets[set];
      return setScanner(topology, pool, drives, (n) => clients[n]?.online === true) === topology.self;
    },
    nodesOnline() {
      const peers = clients.filter((c) => c !== undefined);
      const online = peers.filter((c) => c.online).length;
      return { online: online + 1, offline: peers.length - online };
    },
    async leave() {
      rpc.leave();
      await Promise.all(clients.map((c) => c?.call(LEAVING_METHOD, {}, { deadlineMs: 1_000 }).catch(() => {})));
      // Peers' writes already under way still commit to our drives; new ones count us out. Reads
      // still reach us, so a busy cluster is never idle: the grace period is bounded.
      await rpc.quiesce(1_000, Math.min(2_000, cfg.shutdownTimeoutMs));
    },
    async close() {
      await locker.close?.();
      table.close();
      for (const c of clients) await c?.close();
      for (const d of local.values()) await d.close();
    },
  };
}

/**
 * Waits until every reachable peer agrees on the settings and every pool is formatted with a
 * write quorum of drives per set, logging what it waits for. Only the server holding a pool's
 * first drive formats a new pool, and each server formats only its own replaced drives.
 */
export async function bootstrapCluster(
  cfg: ServerConfig,
  cluster: Cluster,
  opts: { signal?: AbortSignal; log: (m: string) => void; retryMs?: number },
): Promise<PoolFormat[]> {
  const facts = clusterFacts(cfg);
  const { topology } = cluster;
  const agreed = new Set<number>();
  let lastWait = "";
  for (;;) {
    if (opts.signal?.aborted) throw new ObjectError("Aborted", "Start-up was cancelled");
    const waiting: string[] = [];
    await Promise.all(
      topology.nodes.map(async (n, i) => {
        const client = cluster.clients[i];
        if (!client || agreed.has(i)) return;
        if ((await checkPeer(n.name, client, facts)) === "agreed") agreed.add(i);
        else waiting.push(n.name);
      }),
    );
    const formats = await tryFormats(cfg, cluster).catch((err: unknown) => {
      if (isObjectError(err, "FormatPending") || isObjectError(err, "ReadQuorum") || isObjectError(err, "WriteQuorum")) return err as ObjectError;
      throw err;
    });
    const why = formats instanceof ObjectError ? formats.message : formats.shortfall;
    if (why === null) {
      const ready = (formats as { formats: PoolFormat[] }).formats;
      // From now on a peer's drive is used only while it holds the disk its slot expects.
      for (const f of ready)
        for (const [si, set] of f.sets.entries()) for (const [pos, d] of set.entries()) if (d instanceof RemoteDrive) d.expectId(f.driveIds[si][pos]);
      return ready;
    }
    const line = `Waiting for the cluster: ${why}${waiting.length ? ` (servers not answering: ${waiting.sort().join(", ")})` : ""}`;
    if (line !== lastWait) opts.log(line);
    lastWait = line;
    await Bun.sleep(opts.retryMs ?? 1_000);
  }
}

async function tryFormats(cfg: ServerConfig, cluster: Cluster): Promise<{ formats: PoolFormat[]; shortfall: string | null }> {
  const formats: PoolFormat[] = [];
  let shortfall: string | null = null;
  const { topology } = cluster;
  for (const [i, pool] of cfg.layout.pools.entries()) {
    const drives = topology.pools[i];
    const f = await loadPoolFormat(
      { drives: cluster.pools[i], sets: pool.sets },
      {
        poolIndex: i,
        deploymentId: formats[0]?.deploymentId,
        mayCreate: drives[0].node === topology.self,
        mayFormat: (d) => drives[d].node === topology.self,
      },
    );
    for (const [s, set] of f.sets.entries()) {
      const answered = set.filter((d) => d !== null).length;
      const need = writeQuorum(set.length - cfg.storageClass.parity[i].standard, cfg.storageClass.parity[i].standard);
      shortfall ??= answered < need ? `pool ${i + 1} set ${s + 1} has ${answered} of ${set.length} drives reachable, ${need} are needed` : null;
    }
    // A peer's drive that did not answer stays in its slot: it is offline until its server answers.
    f.sets = f.sets.map((set, si) =>
      set.map((d, pos) => d ?? (drives[pool.sets[si][pos]].node === topology.self ? null : cluster.pools[i][pool.sets[si][pos]])),
    );
    formats.push(f);
  }
  return { formats, shortfall };
}

/** This server's persisted heal list: a file of its own, on its own drives (peers keep theirs). */
export function clusterMrf(cluster: Cluster): MrfConfig {
  const self = cluster.topology.nodes[cluster.topology.self].name;
  return { fileName: `${self.replace(/[^A-Za-z0-9.-]/g, "_")}.json`, persistOn: (d) => !(d instanceof RemoteDrive) };
}
