// Small builders for metric families, and the process and software families that both MinIO
// v2 endpoints carry (under MinIO's names: minio_node_process_* on /cluster, the Prometheus
// process collector's minio_process_* on /node).
import type { Labels, MetricFamily, MetricType } from "../util/index.ts";
import type { ProcessStats } from "./process-stats.ts";

/** A family of one sample, or of one sample per entry of `values`. */
export function family(name: string, help: string, type: MetricType, values: number | [Labels, number][]): MetricFamily {
  const samples = typeof values === "number" ? [{ value: values }] : values.map(([labels, value]) => ({ labels, value }));
  return { name, help, type, samples };
}

export const gauge = (name: string, help: string, values: number | [Labels, number][]) => family(name, help, "gauge", values);
export const counter = (name: string, help: string, values: number | [Labels, number][]) => family(name, help, "counter", values);

/** Version and commit as MinIO reports them: labels on a sample whose value is 0. */
export function softwareFamilies(version: string, commit: string): MetricFamily[] {
  return [
    gauge("minio_software_commit_info", "Source revision of this build", [[{ commit }, 0]]),
    gauge("minio_software_version_info", "Release of this server", [[{ version }, 0]]),
  ];
}

/** The cluster endpoint's per-node process group (minio_node_*). */
export function nodeProcessFamilies(p: ProcessStats): MetricFamily[] {
  const out: MetricFamily[] = [];
  if (p.openFds !== undefined) out.push(gauge("minio_node_file_descriptor_open_total", "Files this process has open", p.openFds));
  if (p.maxFds !== undefined) out.push(gauge("minio_node_file_descriptor_limit_total", "Most files this process may open", p.maxFds));
  if (p.io) {
    out.push(
      counter("minio_node_io_rchar_bytes", "Bytes read by this process, page cache included (/proc/self/io rchar)", p.io.rchar),
      counter("minio_node_io_read_bytes", "Bytes this process read from storage (/proc/self/io read_bytes)", p.io.readBytes),
      counter("minio_node_io_wchar_bytes", "Bytes written by this process, page cache included (/proc/self/io wchar)", p.io.wchar),
      counter("minio_node_io_write_bytes", "Bytes this process wrote to storage (/proc/self/io write_bytes)", p.io.writeBytes),
      counter("minio_node_syscall_read_total", "Read system calls (/proc/self/io syscr)", p.io.syscr),
      counter("minio_node_syscall_write_total", "Write system calls (/proc/self/io syscw)", p.io.syscw),
    );
  }
  out.push(
    counter("minio_node_process_cpu_total_seconds", "User and system CPU time of this process, seconds", p.cpuSeconds),
    gauge("minio_node_process_resident_memory_bytes", "Resident memory of this process, bytes", p.residentBytes),
    gauge("minio_node_process_starttime_seconds", "When this process started, Unix seconds", p.startTimeSeconds),
    gauge("minio_node_process_uptime_seconds", "How long this process has run, seconds", p.uptimeSeconds),
  );
  if (p.virtualBytes !== undefined) out.push(gauge("minio_node_process_virtual_memory_bytes", "Virtual memory of this process, bytes", p.virtualBytes));
  return out;
}

/** The node endpoint's standard Prometheus process collector, namespace "minio". */
export function processCollectorFamilies(p: ProcessStats): MetricFamily[] {
  const out = [
    counter("minio_process_cpu_seconds_total", "User and system CPU time spent, seconds", p.cpuSeconds),
    gauge("minio_process_resident_memory_bytes", "Resident memory size, bytes", p.residentBytes),
    gauge("minio_process_start_time_seconds", "Process start time since the Unix epoch, seconds", p.startTimeSeconds),
  ];
  if (p.virtualBytes !== undefined) out.push(gauge("minio_process_virtual_memory_bytes", "Virtual memory size, bytes", p.virtualBytes));
  if (p.openFds !== undefined) out.push(gauge("minio_process_open_fds", "Open file descriptors", p.openFds));
  if (p.maxFds !== undefined) out.push(gauge("minio_process_max_fds", "Most file descriptors the process may open", p.maxFds));
  return out;
}
