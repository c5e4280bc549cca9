// Peer notifications: a node that changed a bucket (created, deleted, configured) tells every
// other node, which drops what it cached of that bucket and re-reads it from the drives on next
// use. Best effort by design: a node that missed a message re-reads everything when the sender
// comes back into view (see PeerEvents.peerReturned), so a missed call costs staleness, not data.

/** What a node does when told of changes (the object layer's reload hooks). */
export interface PeerEvents {
  /** Bucket `bucket` was created, deleted or reconfigured elsewhere. */
  bucketChanged(bucket: string): void;
  /** A peer answers again after being unreachable: anything it changed meanwhile is unknown here. */
  peerReturned(node: string): void;
  /** A pool's decommission status changed elsewhere (a drain began or ended): re-read the pool state. */
  poolsChanged?(): void;
  /** Users, groups, policies or credentials changed elsewhere: re-read IAM (the caller waits for it). */
  iamChanged?(): Promise<void> | void;
}

/** What the peer service needs of the RPC server (RpcServer fits). */
export interface PeerServer {
  register(method: string, handler: (args: { bucket?: unknown }, body: unknown, ctx: { node: string }) => Promise<{ value?: unknown }>): void;
}

export const BUCKET_CHANGED_METHOD = "peer.bucketChanged";
export const POOLS_CHANGED_METHOD = "peer.poolsChanged";
export const IAM_CHANGED_METHOD = "peer.iamChanged";
/** A peer announces its graceful shutdown, so writes stop counting on its drives before it goes. */
export const LEAVING_METHOD = "peer.leaving";

/**
 * Answers peers' notifications; `events` is read at call time (the object layer exists only after
 * bootstrap). `leaving(node)` is told which node (by its token's name) announced its shutdown.
 */
export function registerPeerService(server: PeerServer, events: () => PeerEvents | undefined, leaving: (node: string) => void): void {
  server.register(BUCKET_CHANGED_METHOD, async (args) => {
    if (typeof args?.bucket !== "string") throw new TypeError("peer.bucketChanged needs a bucket name");
    events()?.bucketChanged(args.bucket);
    return {};
  });
  server.register(POOLS_CHANGED_METHOD, async () => {
    events()?.poolsChanged?.();
    return {};
  });
  server.register(IAM_CHANGED_METHOD, async () => {
    await events()?.iamChanged?.();
    return {};
  });
  server.register(LEAVING_METHOD, async (_args, _body, ctx) => {
    leaving(ctx.node);
    return {};
  });
}
