// The inputs of the heal call as madmin sends them: the bucket and prefix in the path after
// heal/ (the prefix unescaped by the client, so read from the raw path), and madmin.HealOpts as a
// plain JSON body, each checked so that bad input answers a madmin error, never a crash.
import { AdminError } from "./admin-error.ts";

/** MinIO's system volume, where configuration and bucket metadata live. */
export const SYSTEM_VOLUME_NAME = ".minio.sys";

/** madmin.HealOpts, with madmin's JSON names. */
export interface HealSettings {
  recursive: boolean;
  dryRun: boolean;
  remove: boolean;
  recreate: boolean;
  /** 0 unknown (treated as normal), 1 normal (presence and sizes), 2 deep (every bitrot frame). */
  scanMode: 0 | 1 | 2;
  nolock: boolean;
}

const HEAL_PATH = "/minio/admin/v3/heal";
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** The bucket and prefix a heal call names ("" for all buckets / the whole bucket). */
export function healTarget(pathname: string): { bucket: string; prefix: string } {
  const rest = pathname.startsWith(HEAL_PATH) ? pathname.slice(HEAL_PATH.length).replace(/^\/+/, "") : "";
  const slash = rest.indexOf("/");
  const decode = (s: string, what: string) => {
    try {
      return decodeURIComponent(s);
    } catch {
      throw new AdminError("XMinioAdminInvalidArgument", `The heal ${what} is not validly percent-encoded`);
    }
  };
  const bucket = decode(slash < 0 ? rest : rest.slice(0, slash), "bucket");
  const prefix = slash < 0 ? "" : decode(rest.slice(slash + 1), "prefix");
  if (bucket !== "" && (!BUCKET_NAME.test(bucket) || bucket.includes("..") || /^\d+\.\d+\.\d+\.\d+$/.test(bucket))) {
    throw new AdminError("InvalidBucketName", `"${bucket}" is not a valid bucket name`, 400);
  }
  if (prefix.includes("\0") || new TextEncoder().encode(prefix).length > 1024) {
    throw new AdminError("XMinioInvalidObjectName", "The heal prefix is not a valid object name", 400);
  }
  return { bucket, prefix };
}

function flag(doc: Record<string, unknown>, name: string): boolean {
  const v = doc[name];
  if (v === undefined || v === null) return false;
  if (typeof v !== "boolean") throw new AdminError("XMinioAdminInvalidArgument", `HealOpts "${name}" must be true or false`);
  return v;
}

/** madmin.HealOpts from a start request's body (an empty body: all defaults). */
export function parseHealSettings(body: Uint8Array): HealSettings {
  let doc: unknown = {};
  if (body.length > 0) {
    try {
      doc = JSON.parse(new TextDecoder().decode(body));
    } catch (err) {
      throw new AdminError("XMinioAdminInvalidArgument", `The heal options are not valid JSON: ${(err as Error).message}`);
    }
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc))
    throw new AdminError("XMinioAdminInvalidArgument", "The heal options must be a JSON object");
  const o = doc as Record<string, unknown>;
  const scan = o.scanMode ?? 0;
  if (scan !== 0 && scan !== 1 && scan !== 2)
    throw new AdminError("XMinioAdminInvalidArgument", `HealOpts "scanMode" must be 0, 1 (normal) or 2 (deep), not ${JSON.stringify(scan)}`);
  return {
    recursive: flag(o, "recursive"),
    dryRun: flag(o, "dryRun"),
    remove: flag(o, "remove"),
    recreate: flag(o, "recreate"),
    scanMode: scan,
    nolock: flag(o, "nolock"),
  };
}
