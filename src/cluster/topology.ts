// Which servers form the cluster and which of them holds each drive, from the parsed drive
// URLs: a node is one host:port, the one whose drives are local is this process. Plain data,
// computed once at start (config/ parses the URLs; this folder cannot import it, so the shape
// it needs is declared here and config's Endpoint fits it).

/** What topology needs of one parsed drive URL (config's Endpoint has these fields). */
export interface ClusterEndpoint {
  /** The drive argument as written (after ellipsis expansion). */
  raw: string;
  /** The drive URL; absent for path drives, which are never part of a cluster. */
  url?: URL;
  /** Host as written, lowercased (no brackets). */
  host?: string;
  /** Port, the server port when the URL had none. */
  port?: number;
  /** Path of the drive on its host. */
  path: string;
  /** Whether this process serves the drive. */
  isLocal: boolean;
}

/** One server of the cluster. */
export interface ClusterNode {
  /** "host:port" as the drive URLs name it; the node's identity in logs and locks. */
  name: string;
  /** Base URL of its RPC and S3 listener, e.g. "http://127.0.0.1:9002". */
  url: string;
  /** True for this process. */
  local: boolean;
}

/** One drive of the cluster and the node holding it. */
export interface ClusterDrive {
  /** Index of the holding node in `Topology.nodes`. */
  node: number;
  /** Path on that node: the key its drive service knows the drive by. */
  path: string;
  /** Full URL, for messages. */
  endpoint: string;
}

export interface Topology {
  /** Every server in order of first appearance in the drive arguments. */
  nodes: ClusterNode[];
  /** Index of this process in `nodes`. */
  self: number;
  /** Per pool, per drive (command-line order): where it lives. */
  pools: ClusterDrive[][];
}

function nodeName(host: string, port: number): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Builds the topology; throws when no drive is ours (the process would serve nothing). */
export function clusterTopology(pools: readonly { endpoints: readonly ClusterEndpoint[] }[]): Topology {
  const nodes: ClusterNode[] = [];
  const byName = new Map<string, number>();
  const out = pools.map((pool) =>
    pool.endpoints.map((e): ClusterDrive => {
      if (!e.url || e.host === undefined || e.port === undefined) throw new Error(`Drive "${e.raw}" is not a URL drive`);
      const name = nodeName(e.host, e.port);
      let idx = byName.get(name);
      if (idx === undefined) {
        idx = nodes.length;
        byName.set(name, idx);
        nodes.push({ name, url: `${e.url.protocol}//${name}`, local: e.isLocal });
      } else if (nodes[idx].local !== e.isLocal) {
        throw new Error(`Drive "${e.raw}" is on ${name}, which is both this server and another`);
      }
      return { node: idx, path: e.path, endpoint: e.raw };
    }),
  );
  const self = nodes.findIndex((n) => n.local);
  if (self < 0) {
    throw new Error(
      `None of the drives is served by this process: no drive URL names an address of this machine with the port it listens on (${nodes.map((n) => n.name).join(", ")})`,
    );
  }
  return { nodes, self, pools: out };
}

/**
 * The server that scans erasure set `driveIndexes` (indexes into the pool's drives) for heals:
 * the first server, in topology order, holding one of the set's drives that answers now (this
 * server always does). Every server computes the same answer from its own view of who is up,
 * so each set is scanned by one server, and by another while that one is away.
 */
export function setScanner(topology: Topology, pool: number, driveIndexes: readonly number[], online: (node: number) => boolean): number {
  const nodes = [...new Set(driveIndexes.map((i) => topology.pools[pool][i].node))].sort((a, b) => a - b);
  return nodes.find((n) => n === topology.self || online(n)) ?? topology.self;
}
