// The `api` subsystem's keys this server honours, from MinIO's MINIO_API_* variables (BUNKER_API_*
// first): S3 requests served at once and how long one waits for a slot, the origins browsers may
// call from, root access and the versions an object may have. MinIO's other api keys are named here.
import { ConfigError } from "./config-error.ts";
import { goDurationMs, isGoDuration, type Env } from "./config-flags.ts";

export interface ApiConfig {
  /** S3 requests served at once (…_API_REQUESTS_MAX); 0 = automatic, from the memory the server may use. */
  requestsMax: number;
  /** How long a request beyond requestsMax waits for a slot before it is refused with SlowDown (…_API_REQUESTS_DEADLINE, default 10 s). */
  requestsDeadlineMs: number;
  /** Origins a browser may call the S3 API from when a bucket has no CORS rules (…_API_CORS_ALLOW_ORIGIN, comma-separated; "*" matches any text). */
  corsAllowOrigins: readonly string[];
  /** False (…_API_ROOT_ACCESS=off): requests signed by the root credentials, its service accounts or its sessions are refused. */
  rootAccess: boolean;
  /** Versions one object may have (…_API_OBJECT_MAX_VERSIONS); undefined = no limit. */
  objectMaxVersions?: number;
}

/** MinIO's deadline when none (or 0) is given. */
export const DEFAULT_REQUESTS_DEADLINE_MS = 10_000;

/** MinIO's spelling of "no limit" for object_max_versions (the largest int64), as its config.json stores it. */
export const UNLIMITED_VERSIONS = "9223372036854775807";

/** Why a requests_max value is refused, or undefined. */
export function requestsMaxProblem(v: string): string | undefined {
  if (/^\d+$/.test(v) && Number.isSafeInteger(Number(v))) return undefined;
  return "use a whole number of requests, 0 for automatic";
}

/** Why a requests_deadline value is refused, or undefined. */
export function requestsDeadlineProblem(v: string): string | undefined {
  if (isGoDuration(v) && !v.startsWith("-")) return undefined;
  return 'use a duration such as "10s" or "500ms"';
}

/** The origins of a cors_allow_origin value, or why it is refused. */
export function parseCorsOrigins(v: string): { origins: string[] } | { problem: string } {
  const origins = v.split(",").map((o) => o.trim());
  const bad = origins.find((o) => o === "" || /\s/.test(o));
  if (bad === undefined) return { origins };
  return { problem: 'use a comma-separated list of origins, e.g. "https://app.example.com,https://*.example.org" or "*"' };
}

/** Why a root_access value is refused, or undefined: only "on" and "off" (MinIO reads anything but "on" as off). */
export function rootAccessProblem(v: string): string | undefined {
  return v === "on" || v === "off" ? undefined : 'use "on" or "off"';
}

/** The limit an object_max_versions value sets (undefined: none), or why it is refused. */
export function parseMaxVersions(v: string): { max: number | undefined } | { problem: string } {
  if (!/^\d+$/.test(v) || BigInt(v) < 1n || BigInt(v) > BigInt(UNLIMITED_VERSIONS)) {
    return { problem: `use a whole number of versions from 1 to ${UNLIMITED_VERSIONS} (no limit)` };
  }
  // No object reaches more versions than a double counts exactly: past that it is no limit.
  return { max: Number.isSafeInteger(Number(v)) ? Number(v) : undefined };
}

/**
 * Keys MinIO has in its api subsystem that this server does not implement, with MinIO's default
 * (the value its config.json stores when nobody set the key); no default: MinIO no longer reads it.
 */
export const MINIO_ONLY_API_KEYS: readonly { key: string; minioDefault?: string }[] = [
  { key: "cluster_deadline", minioDefault: "10s" },
  { key: "remote_transport_deadline", minioDefault: "2h" },
  { key: "list_quorum", minioDefault: "strict" },
  { key: "replication_priority", minioDefault: "auto" },
  { key: "replication_max_workers", minioDefault: "500" },
  { key: "replication_max_lrg_workers", minioDefault: "10" },
  { key: "transition_workers", minioDefault: "100" },
  { key: "stale_uploads_cleanup_interval", minioDefault: "6h" },
  { key: "stale_uploads_expiry", minioDefault: "24h" },
  { key: "delete_cleanup_interval", minioDefault: "5m" },
  { key: "disable_odirect", minioDefault: "" },
  { key: "odirect", minioDefault: "on" },
  { key: "gzip_objects", minioDefault: "off" },
  { key: "sync_events", minioDefault: "off" },
  { key: "ready_deadline" },
  { key: "extend_list_cache_life" },
  { key: "replication_workers" },
  { key: "replication_failed_workers" },
  { key: "expiry_workers" },
];

/** BUNKER_API_<key> first, then MINIO_API_<key>; empty counts as unset. */
function read(env: Env, key: string): { name: string; value: string } | undefined {
  for (const name of [`BUNKER_API_${key}`, `MINIO_API_${key}`]) {
    const value = env[name]?.trim();
    if (value) return { name, value };
  }
}

function invalid(found: { name: string; value: string }, why: string): never {
  throw new ConfigError("InvalidEnv", `Invalid ${found.name} "${found.value}": ${why}`);
}

/** The api settings from the environment (config.json's values already laid under it); throws ConfigError. */
export function apiOf(env: Env, warnings: string[]): ApiConfig {
  const max = read(env, "REQUESTS_MAX");
  if (max && requestsMaxProblem(max.value)) invalid(max, requestsMaxProblem(max.value)!);
  const deadline = read(env, "REQUESTS_DEADLINE");
  if (deadline && requestsDeadlineProblem(deadline.value)) invalid(deadline, requestsDeadlineProblem(deadline.value)!);
  const cors = read(env, "CORS_ALLOW_ORIGIN");
  const origins = cors ? parseCorsOrigins(cors.value) : { origins: ["*"] };
  if ("problem" in origins) invalid(cors!, origins.problem);
  const root = read(env, "ROOT_ACCESS");
  if (root && rootAccessProblem(root.value)) invalid(root, rootAccessProblem(root.value)!);
  const versions = read(env, "OBJECT_MAX_VERSIONS");
  const limit = versions ? parseMaxVersions(versions.value) : { max: undefined };
  if ("problem" in limit) invalid(versions!, limit.problem);
  for (const { key } of MINIO_ONLY_API_KEYS) {
    const found = read(env, key.toUpperCase());
    if (found) warnings.push(`${found.name} is ignored: the api ${key} setting is not implemented by this server`);
  }
  const ciphers = read(env, "SECURE_CIPHERS");
  if (ciphers) warnings.push(`${ciphers.name} is ignored: TLS cipher suites are not configurable on this server`);
  // As MinIO: a deadline of 0 means the default, not "refuse at once".
  const deadlineMs = deadline ? goDurationMs(deadline.value) : 0;
  return Object.freeze({
    requestsMax: max ? Number(max.value) : 0,
    requestsDeadlineMs: deadlineMs > 0 ? deadlineMs : DEFAULT_REQUESTS_DEADLINE_MS,
    corsAllowOrigins: Object.freeze(origins.origins),
    rootAccess: root?.value !== "off",
    objectMaxVersions: limit.max,
  });
}
