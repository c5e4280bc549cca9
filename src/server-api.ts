// The api subsystem at the S3 front door, built once at start from cfg.api: the request limiter
// (requests_max, shared out among a cluster's servers; "automatic" sized from the memory this
// process may use) and the CORS origins.
import { readFileSync } from "node:fs";
import { totalmem } from "node:os";
import type { ServerConfig } from "./config/index.ts";
import { RequestLimiter, type CorsPolicy } from "./s3/index.ts";

/** The erasure block size new objects are written with (object/'s default). */
const BLOCK_SIZE = 1 << 20;

/** A stream buffer per drive of a set, between the codec and the drive's file (or its RPC connection). */
const DRIVE_BUFFER = 64 * 1024;

/**
 * Memory one S3 request holds at most: a block being read (from the client or the drives), the
 * block being encoded or decoded, its shards on the way (at most two blocks' worth, parity being
 * at most half the set) and a stream buffer per drive. Bodies stream, so this does not grow with
 * the object.
 */
export function bytesPerRequest(setDriveCount: number, blockSize = BLOCK_SIZE): number {
  return 4 * blockSize + setDriveCount * DRIVE_BUFFER;
}

/** Where Linux puts a container's memory limit (cgroup v2, then v1). */
const CGROUP_LIMITS = ["/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"];

/** The memory this process may use: its cgroup's limit when it has one, else the machine's. */
export function memoryLimit(read: (path: string) => string = (p) => readFileSync(p, "utf8")): number {
  const machine = totalmem();
  for (const path of CGROUP_LIMITS) {
    let text: string;
    try {
      text = read(path).trim();
    } catch {
      continue;
    }
    const n = Number(text);
    // "max", or v1's "no limit" (close to 2^63), means the machine's memory.
    if (Number.isFinite(n) && n > 0 && n < machine) return n;
  }
  return machine;
}

/** The servers a deployment spans (1 for drives given as paths). */
function serverCount(cfg: ServerConfig): number {
  const hosts = new Set(cfg.layout.pools.flatMap((p) => p.endpoints.map((e) => (e.url ? `${e.host}:${e.port}` : ""))));
  return hosts.size;
}

/**
 * Requests this server serves at once. requests_max is for the whole deployment, as in MinIO:
 * each server of a cluster takes its share (at least one). Automatic (0): half the memory the
 * process may use, divided by what a request of the largest set holds.
 */
export function requestLimit(cfg: ServerConfig, memory: number): { max: number; automatic: boolean } {
  if (cfg.api.requestsMax > 0) return { max: Math.max(1, Math.floor(cfg.api.requestsMax / serverCount(cfg))), automatic: false };
  const drives = Math.max(...cfg.layout.pools.map((p) => p.setDriveCount));
  return { max: Math.max(1, Math.floor(memory / 2 / bytesPerRequest(drives))), automatic: true };
}

/** The limiter and CORS policy createS3Handler takes; the limit chosen is logged. */
export function s3ApiDeps(cfg: ServerConfig, log: (line: string) => void, memory = memoryLimit()): { limiter: RequestLimiter; cors: CorsPolicy } {
  const { max, automatic } = requestLimit(cfg, memory);
  const how = automatic ? ` (automatic, from ${(memory / 2 ** 30).toFixed(1)} GiB of memory; set api requests_max to choose)` : "";
  log(`S3 requests served at once: at most ${max}${how}; others wait up to ${cfg.api.requestsDeadlineMs / 1000} s, then get SlowDown`);
  return { limiter: new RequestLimiter(max, cfg.api.requestsDeadlineMs), cors: { allowOrigins: cfg.api.corsAllowOrigins } };
}
