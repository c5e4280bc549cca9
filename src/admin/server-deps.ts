// What the server admin calls (info, storage and usage info, heal, service restart/stop) need from
// the server: the object store, the usage walk, the servers of the deployment and which of them
// holds each drive, heal counters, and the process hooks only the server's main() owns.
import type { ObjectLayer } from "../object/index.ts";
import type { HealSequences } from "./heal-sequences.ts";
import type { UsageCache } from "./usage-cache.ts";

/** The object-layer calls these admin calls make. */
export type ServerStore = Pick<
  ObjectLayer,
  "storageInfo" | "listBuckets" | "listObjectVersions" | "getBucketInfo" | "healObject" | "healBucket" | "listSystem"
>;

/** What one server says of itself (this one directly, a peer over internode RPC). */
export interface ServerProps {
  /** Seconds since the server started. */
  uptime: number;
  version: string;
  /** Source revision ("" when the build does not know it). */
  commitID: string;
  /** Every server of the deployment as this one sees it: "host:port" → "online" | "offline". */
  network: Record<string, string>;
  /** Heap bytes in use. */
  heapUsed: number;
  numCpu: number;
  runtimeVersion: string;
  /** The server's own heal counters. */
  heal: HealStats;
}

/** One server of the deployment. */
export interface ServerNode {
  /** "host:port", as the drive arguments name it. */
  endpoint: string;
  scheme: "http" | "https";
  /** This process. */
  local: boolean;
  /** Asks the server for its properties; null when it does not answer. */
  properties(): Promise<ServerProps | null>;
}

/** One server's heal counters: its background scanner and its owed heals (MRF). */
export interface HealStats {
  /** Objects the scanner visited since the server started (0 when it does not run). */
  scanned: number;
  /** Owed heals done (they reached every drive). */
  mrfHealed: number;
  /** Owed heals still waiting. */
  mrfPending: number;
  /** When the oldest waiting one was queued, ms since the epoch. */
  mrfOldestMs?: number;
}

/** Restart and stop of this server's process (only main() owns the process). */
export interface ServiceControl {
  /** Finishes in-flight requests, releases everything, then exits. Called after the answer is sent. */
  stop(): void;
  /** The same drain, then the process replaces itself with the same command line and environment. */
  restart(): void;
  /** Before answering (a cluster: every peer agrees, then is told); throws AdminError when it cannot be done. */
  prepare?(action: "restart" | "stop"): Promise<void>;
}

export interface ServerAdminDeps {
  store: ServerStore;
  /** The bucket and object counts (shared with the metrics). */
  usage: UsageCache;
  deploymentId: string;
  region: string;
  domains: readonly string[];
  /** Every server, this one included, in the order the drive arguments name them. */
  servers: readonly ServerNode[];
  /** Index into `servers` of the server holding drive `position` of set `set` of pool `pool`. */
  serverOf(pool: number, set: number, position: number): number;
  /** The heal sequences started through the admin API. */
  heals: HealSequences;
  /** Absent: an embedded (in-process) server, which answers NotImplemented for restart and stop. */
  service?: ServiceControl;
  /** Why restart and stop are not offered, when `service` is absent for a reason worth telling (e.g. a cluster). */
  serviceRefusal?: string;
}
