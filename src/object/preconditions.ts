// HTTP conditional requests against the current version: If-Match / If-None-Match /
// If-(Un)Modified-Since for reads (412 or 304), conditional writes, and copy sources (412 only).
import { ObjectError } from "./object-error.ts";
import type { ObjectInfo, Preconditions } from "./object-layer.ts";

/** True when `header` (a list of ETags, quoted or not, or "*") matches `etag`. */
export function etagMatches(header: string, etag: string): boolean {
  const want = etag.replace(/^"|"$/g, "");
  for (const raw of header.split(",")) {
    const t = raw.trim().replace(/^W\//, "").replace(/^"|"$/g, "");
    if (t === "*" || t === want) return true;
  }
  return false;
}

/** Whole seconds: HTTP dates carry no milliseconds. */
function seconds(d: Date): number {
  return Math.floor(d.getTime() / 1000);
}

/**
 * Throws PreconditionFailed, NotModified (reads only) or NoSuchKey. `current` is the latest
 * version, or null when the key does not exist (or its latest version is a delete marker).
 */
export function checkPreconditions(current: ObjectInfo | null, pre: Preconditions, key: string, mode: "read" | "write" | "copy-source"): void {
  const failed = (why: string): never => {
    throw new ObjectError("PreconditionFailed", `At least one of the pre-conditions you specified did not hold (${why})`, { key });
  };
  if (mode === "write") {
    if (pre.ifNoneMatch !== undefined && current && etagMatches(pre.ifNoneMatch, current.etag)) failed("If-None-Match");
    if (pre.ifMatch !== undefined) {
      if (!current) throw new ObjectError("NoSuchKey", `The key "${key}" does not exist`, { key });
      if (!etagMatches(pre.ifMatch, current.etag)) failed("If-Match");
    }
    return;
  }
  if (!current) throw new ObjectError("NoSuchKey", `The key "${key}" does not exist`, { key });
  const notModified = (why: string): never => {
    if (mode === "copy-source") failed(why);
    throw new ObjectError("Unmodified", "Not Modified", { key });
  };
  if (pre.ifMatch !== undefined) {
    if (!etagMatches(pre.ifMatch, current.etag)) failed("If-Match");
  } else if (pre.ifUnmodifiedSince && seconds(current.modTime) > seconds(pre.ifUnmodifiedSince)) {
    failed("If-Unmodified-Since");
  }
  if (pre.ifNoneMatch !== undefined) {
    if (etagMatches(pre.ifNoneMatch, current.etag)) notModified("If-None-Match");
  } else if (pre.ifModifiedSince && seconds(current.modTime) <= seconds(pre.ifModifiedSince)) {
    notModified("If-Modified-Since");
  }
}
