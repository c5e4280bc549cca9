// The families of /minio/v2/metrics/node under MinIO's v2 names: this server's drives (bytes
// and inodes per drive, online/offline counts), storage-class parity, S3 requests, version,
// and the standard process collector (minio_process_*).
import type { MetricFamily } from "../util/index.ts";
import { driveCountFamilies, type ScrapeInput } from "./cluster-metrics.ts";
import { gauge, processCollectorFamilies, softwareFamilies } from "./metric-families.ts";

function localDriveFamilies(x: ScrapeInput): MetricFamily[] {
  const local = x.states.filter((d) => d.local);
  // Bytes are known only for drives that answered; MinIO likewise lists the drives it could read.
  const measured = local.filter((d) => d.stats);
  const per = (pick: (s: NonNullable<(typeof measured)[number]["stats"]>) => number) =>
    measured.map((d) => [{ drive: d.stats!.endpoint || d.endpoint }, pick(d.stats!)] as [Record<string, string>, number]);
  const parity = x.sets[0];
  return [
    gauge(
      "minio_node_drive_used_bytes",
      "Bytes used on the drive",
      per((s) => s.used),
    ),
    gauge(
      "minio_node_drive_free_bytes",
      "Bytes free on the drive",
      per((s) => s.free),
    ),
    gauge(
      "minio_node_drive_total_bytes",
      "Bytes on the drive",
      per((s) => s.total),
    ),
    gauge(
      "minio_node_drive_free_inodes",
      "Free inodes on the drive",
      per((s) => s.filesFree),
    ),
    ...driveCountFamilies("minio_node", "node", local),
    ...(parity
      ? [
          gauge("minio_node_storage_class_standard_parity", "Parity drives of the STANDARD storage class", parity.standardParity),
          gauge("minio_node_storage_class_rrs_parity", "Parity drives of the REDUCED_REDUNDANCY storage class", parity.rrsParity),
        ]
      : []),
  ];
}

export function nodeFamilies(x: ScrapeInput): MetricFamily[] {
  return [
    gauge("minio_cluster_nodes_offline_total", "Servers of the cluster not answering", x.nodes.offline),
    gauge("minio_cluster_nodes_online_total", "Servers of the cluster answering", x.nodes.online),
    ...(x.requests?.collect() ?? []),
    ...softwareFamilies(x.version, x.commit),
    ...localDriveFamilies(x),
    ...processCollectorFamilies(x.process),
  ];
}
