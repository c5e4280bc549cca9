// Cluster-wide trace and console log (mc admin trace / logs): each server answers its peers' admin.trace and admin.log calls with its own
// live values, filtered and rendered at the source so only what the client asked for crosses the network, and gives the admin API one
// PeerFeed per peer that follows that server over internode RPC.
import type { FeedKind, FeedSource, PeerFeed } from "./admin/index.ts";
import { followPeer, liveFrames } from "./cluster/index.ts";
import type { Cluster } from "./server-cluster.ts";

/** The internode method serving each kind of feed. */
export const FEED_METHODS: Readonly<Record<FeedKind, string>> = { trace: "admin.trace", log: "admin.log" };

/**
 * Registers this server's side of every feed on the cluster's RPC server (`sources` say what it
 * streams) and returns the peers' feeds, by node order, this server left out.
 */
export function clusterFeeds(cluster: Cluster, sources: Readonly<Record<FeedKind, FeedSource>>): PeerFeed[] {
  for (const kind of Object.keys(FEED_METHODS) as FeedKind[]) {
    const source = sources[kind];
    // The stream lives as long as the asking server's call: its cancel (the connection closing) stops the source.
    cluster.rpc.register(FEED_METHODS[kind], async (args, _body, ctx) => ({ frames: liveFrames((push) => source(args, push), { signal: ctx.signal }) }));
  }
  return cluster.topology.nodes.flatMap((n, i): PeerFeed[] => {
    const client = cluster.clients[i];
    if (!client) return [];
    return [
      {
        node: n.name,
        follow: (kind, args, onValue, signal) => followPeer(client, FEED_METHODS[kind], args, onValue, { signal }),
      },
    ];
  });
}
