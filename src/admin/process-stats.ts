// This process's resource use for the metrics endpoints: memory and CPU from the runtime, and
// on Linux open files, their limit and I/O counters from /proc/self (cheap reads, no syscalls
// beyond that). Elsewhere only what the runtime reports.
import { readFileSync, readdirSync } from "node:fs";

export interface ProcessStats {
  residentBytes: number;
  /** Virtual memory size, when the platform says (Linux VmSize). */
  virtualBytes?: number;
  /** User + system CPU time. */
  cpuSeconds: number;
  /** Process start, Unix seconds. */
  startTimeSeconds: number;
  uptimeSeconds: number;
  openFds?: number;
  maxFds?: number;
  /** /proc/self/io counters (Linux). */
  io?: { rchar: number; wchar: number; readBytes: number; writeBytes: number; syscr: number; syscw: number };
}

/** How /proc is read; tests pass their own. */
export interface ProcReader {
  text(path: string): string | undefined;
  count(dir: string): number | undefined;
}

export const LINUX_PROC: ProcReader = {
  text(path) {
    try {
      return readFileSync(path, "utf8");
    } catch {
      return undefined;
    }
  },
  count(dir) {
    try {
      return readdirSync(dir).length;
    } catch {
      return undefined;
    }
  },
};

function kv(text: string | undefined, sep: RegExp): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text?.split("\n") ?? []) {
    const m = line.match(sep);
    if (m) out.set(m[1].trim(), m[2].trim());
  }
  return out;
}

/** Reads the stats now. `proc` is consulted only on Linux (or when a test passes one). */
export function readProcessStats(proc: ProcReader | null = process.platform === "linux" ? LINUX_PROC : null): ProcessStats {
  const cpu = process.cpuUsage();
  const stats: ProcessStats = {
    residentBytes: process.memoryUsage().rss,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    startTimeSeconds: performance.timeOrigin / 1000,
    uptimeSeconds: process.uptime(),
  };
  if (!proc) return stats;
  const status = kv(proc.text("/proc/self/status"), /^(\w+):\s+(.*)$/);
  const vm = status.get("VmSize")?.match(/^(\d+)\s*kB/);
  if (vm) stats.virtualBytes = Number(vm[1]) * 1024;
  const fds = proc.count("/proc/self/fd");
  if (fds !== undefined) stats.openFds = fds;
  const limit = proc.text("/proc/self/limits")?.match(/^Max open files\s+(\d+)/m);
  if (limit) stats.maxFds = Number(limit[1]);
  const io = kv(proc.text("/proc/self/io"), /^(\w+):\s*(\d+)$/);
  if (io.size > 0) {
    const n = (k: string) => Number(io.get(k) ?? 0);
    stats.io = { rchar: n("rchar"), wchar: n("wchar"), readBytes: n("read_bytes"), writeBytes: n("write_bytes"), syscr: n("syscr"), syscw: n("syscw") };
  }
  return stats;
}
