// The other servers of a cluster as the trace and console log streams see them: each peer is a
// feed of live values (madmin TraceInfo / LogInfo JSON, filtered and rendered on that server),
// followed from when a client connects until it leaves; server.ts supplies them over internode RPC.

/** What is streamed: S3 request traces (mc admin trace) or console log lines (mc admin logs). */
export type FeedKind = "trace" | "log";

/**
 * What a server serves its peers for one kind: `args` (what the asking server sent: filters, a
 * replay length) and `push` (sends one rendered value; false when the peer reads too slowly) in,
 * how to stop out. Throws for arguments it cannot use.
 */
export type FeedSource = (args: unknown, push: (value: unknown) => boolean) => () => void;

/** One other server of the deployment. */
export interface PeerFeed {
  /** The server's name (host:port), as madmin names nodes. */
  readonly node: string;
  /**
   * Follows that server's `kind` values into `onValue` until `signal` aborts: a server that is
   * away is waited for and followed again when it answers; `args(resumed)` is asked at each
   * (re)connection, `resumed` when a stream of this follow was open before (the values sent in
   * the gap are missing). Never throws.
   */
  follow(kind: FeedKind, args: (resumed: boolean) => unknown, onValue: (value: unknown) => void, signal: AbortSignal): Promise<void>;
}

/**
 * Follows `kind` on every one of `peers` into `onValue` (told which peer sent each value), with
 * `args(peer, resumed)` asked at each (re)connection; the returned function stops following them all.
 */
export function followPeers(
  peers: readonly PeerFeed[],
  kind: FeedKind,
  args: (peer: PeerFeed, resumed: boolean) => unknown,
  onValue: (value: unknown, peer: PeerFeed) => void,
): () => void {
  const stop = new AbortController();
  for (const peer of peers)
    void peer.follow(
      kind,
      (resumed) => args(peer, resumed),
      (value) => onValue(value, peer),
      stop.signal,
    );
  return () => stop.abort();
}
