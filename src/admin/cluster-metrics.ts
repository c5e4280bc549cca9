// The families of /minio/v2/metrics/cluster and /minio/v2/metrics/bucket under MinIO's v2
// names: drives online/offline, raw and usable capacity, health and quorums per erasure set,
// nodes, buckets and usage (from the usage cache), heals, S3 requests, process and version.
import type { MetricFamily, RequestMetrics } from "../util/index.ts";
import type { AdminSet, DriveState } from "./admin-store.ts";
import type { HealthResult } from "./health.ts";
import { counter, gauge, nodeProcessFamilies, softwareFamilies } from "./metric-families.ts";
import type { ProcessStats } from "./process-stats.ts";
import type { BucketUsage, UsageSnapshot } from "./usage-cache.ts";

/** Everything one scrape renders, gathered by the handler. */
export interface ScrapeInput {
  sets: readonly AdminSet[];
  states: readonly DriveState[];
  health: HealthResult;
  /** Buckets now (a cheap listing), or null when listing failed. */
  bucketCount: number | null;
  /** The last finished usage walk, or null before the first. */
  usage: UsageSnapshot | null;
  heals: { started: number; failed: number; healed?: number; lastActivityMs?: number };
  nodes: { online: number; offline: number };
  process: ProcessStats;
  requests?: RequestMetrics;
  version: string;
  commit: string;
  nowMs: number;
}

function capacityFamilies(sets: readonly AdminSet[], states: readonly DriveState[]): MetricFamily[] {
  let rawTotal = 0;
  let rawFree = 0;
  let usableTotal = 0;
  let usableFree = 0;
  for (const s of sets) {
    const online = states.filter((d) => d.pool === s.pool && d.set === s.set && d.online && d.stats);
    const total = online.reduce((n, d) => n + d.stats!.total, 0);
    const free = online.reduce((n, d) => n + d.stats!.free, 0);
    // Only the data share of a set holds object bytes; parity is overhead.
    const dataShare = (s.driveCount - s.standardParity) / s.driveCount;
    rawTotal += total;
    rawFree += free;
    usableTotal += total * dataShare;
    usableFree += free * dataShare;
  }
  return [
    gauge("minio_cluster_capacity_raw_free_bytes", "Free bytes on online drives", rawFree),
    gauge("minio_cluster_capacity_raw_total_bytes", "Bytes on online drives", rawTotal),
    gauge("minio_cluster_capacity_usable_free_bytes", "Free bytes on online drives available to object data (parity share excluded)", Math.floor(usableFree)),
    gauge("minio_cluster_capacity_usable_total_bytes", "Bytes on online drives available to object data (parity share excluded)", Math.floor(usableTotal)),
  ];
}

function healthFamilies(h: HealthResult): MetricFamily[] {
  const per = (pick: (s: HealthResult["sets"][number]) => number) =>
    h.sets.map((s) => [{ pool: String(s.pool), set: String(s.set) }, pick(s)] as [Record<string, string>, number]);
  return [
    gauge("minio_cluster_write_quorum", "Largest write quorum of any erasure set", h.writeQuorum),
    gauge("minio_cluster_health_status", "1 when every erasure set has write quorum, else 0", h.healthy ? 1 : 0),
    gauge(
      "minio_cluster_health_erasure_set_read_quorum",
      "Read quorum of the erasure set",
      per((s) => s.readQuorum),
    ),
    gauge(
      "minio_cluster_health_erasure_set_write_quorum",
      "Write quorum of the erasure set",
      per((s) => s.writeQuorum),
    ),
    gauge(
      "minio_cluster_health_erasure_set_online_drives",
      "Online drives of the erasure set",
      per((s) => s.online),
    ),
    gauge(
      "minio_cluster_health_erasure_set_healing_drives",
      "Drives of the erasure set being healed",
      per((s) => s.healing),
    ),
    gauge(
      "minio_cluster_health_erasure_set_status",
      "1 when the erasure set has write quorum, else 0",
      per((s) => (s.healthy ? 1 : 0)),
    ),
  ];
}

function usageFamilies(u: UsageSnapshot | null, bucketCount: number | null, nowMs: number): MetricFamily[] {
  const out: MetricFamily[] = [];
  const buckets = bucketCount ?? u?.buckets.size;
  if (buckets !== undefined) out.push(gauge("minio_cluster_bucket_total", "Buckets in the cluster", buckets));
  if (!u) return out;
  out.push(
    gauge("minio_usage_last_activity_nano_seconds", "Nanoseconds since the last usage count finished", Math.max(0, nowMs - u.finishedAt.getTime()) * 1e6),
    gauge("minio_cluster_usage_object_total", "Objects in the cluster (latest versions that are not delete markers)", u.totals.objects),
    gauge("minio_cluster_usage_version_total", "Versions in the cluster, delete markers included", u.totals.versions),
    gauge("minio_cluster_usage_deletemarker_total", "Delete markers in the cluster", u.totals.deleteMarkers),
    gauge("minio_cluster_usage_total_bytes", "Bytes of all object versions in the cluster", u.totals.bytes),
  );
  return out;
}

/** Heal counters appear once a heal ran, as MinIO shows none before its first heal activity. */
function healFamilies(heals: { started: number; failed: number; healed?: number; lastActivityMs?: number }): MetricFamily[] {
  if (heals.started === 0) return [];
  const type = { type: "object" };
  const out = [
    counter("minio_heal_objects_total", "Objects scanned or queued for healing since start", [[type, heals.started]]),
    counter("minio_heal_objects_heal_total", "Objects healed since start (heals in progress included)", [[type, heals.healed ?? heals.started - heals.failed]]),
    counter("minio_heal_objects_errors_total", "Objects whose heal failed since start", [[type, heals.failed]]),
  ];
  if (heals.lastActivityMs !== undefined) {
    const since = Math.max(0, Date.now() - heals.lastActivityMs) * 1e6;
    out.push(gauge("minio_heal_time_last_activity_nano_seconds", "Time since the heal scanner last checked an object", since));
  }
  return out;
}

export function driveCountFamilies(prefix: "minio_cluster" | "minio_node", where: string, states: readonly DriveState[]): MetricFamily[] {
  const online = states.filter((d) => d.online).length;
  return [
    gauge(`${prefix}_drive_offline_total`, `Drives offline in this ${where}`, states.length - online),
    gauge(`${prefix}_drive_online_total`, `Drives online in this ${where}`, online),
    gauge(`${prefix}_drive_total`, `Drives in this ${where}`, states.length),
  ];
}

export function clusterFamilies(x: ScrapeInput): MetricFamily[] {
  return [
    gauge("minio_cluster_nodes_offline_total", "Servers of the cluster not answering", x.nodes.offline),
    gauge("minio_cluster_nodes_online_total", "Servers of the cluster answering", x.nodes.online),
    ...capacityFamilies(x.sets, x.states),
    ...driveCountFamilies("minio_cluster", "cluster", x.states),
    ...healthFamilies(x.health),
    ...usageFamilies(x.usage, x.bucketCount, x.nowMs),
    ...healFamilies(x.heals),
    ...(x.requests?.collect() ?? []),
    ...nodeProcessFamilies(x.process),
    ...softwareFamilies(x.version, x.commit),
  ];
}

/** MinIO caps per-bucket v2 metrics at 100 buckets (by name) to bound the scrape. */
export const MAX_BUCKETS_V2 = 100;

export function bucketFamilies(u: UsageSnapshot | null): MetricFamily[] {
  if (!u) return [];
  const names = [...u.buckets.keys()].sort().slice(0, MAX_BUCKETS_V2);
  const buckets = u.buckets;
  const per = (pick: (b: BucketUsage) => number) => names.map((b) => [{ bucket: b }, pick(buckets.get(b)!)] as [Record<string, string>, number]);
  return [
    gauge(
      "minio_bucket_usage_object_total",
      "Objects in the bucket",
      per((b) => b.objects),
    ),
    gauge(
      "minio_bucket_usage_version_total",
      "Versions in the bucket, delete markers included",
      per((b) => b.versions),
    ),
    gauge(
      "minio_bucket_usage_deletemarker_total",
      "Delete markers in the bucket",
      per((b) => b.deleteMarkers),
    ),
    gauge(
      "minio_bucket_usage_total_bytes",
      "Bytes of all object versions in the bucket",
      per((b) => b.bytes),
    ),
  ];
}
