// Turns (volume, path) into a file-system path under a drive root, refusing anything that
// could escape the root or that no file system would accept. Every LocalDrive call goes here.
import { DriveError } from "./drive-error.ts";

/** Longest relative path we accept: a 1024-byte key plus room for "/<uuid>/part.10000.meta". */
const MAX_PATH_BYTES = 1024 + 128;
/** Longest single path segment (NAME_MAX on Linux file systems). */
const MAX_SEGMENT_BYTES = 255;

const encoder = new TextEncoder();

/** Validates a volume name: one segment, not "." or "..", no separators or NUL. */
export function checkVolume(volume: string): void {
  if (volume.length === 0 || volume === "." || volume === ".." || /[/\\\0]/.test(volume)) {
    throw new DriveError("InvalidPath", `Invalid volume name "${volume}"`);
  }
  if (encoder.encode(volume).length > MAX_SEGMENT_BYTES) {
    throw new DriveError("InvalidPath", `Volume name "${volume.slice(0, 32)}…" is too long`);
  }
}

/**
 * Validates a "/"-separated path relative to a volume and returns its segments. Empty string
 * (the volume root) gives []. A single trailing "/" is allowed (a directory).
 */
export function checkPath(path: string): string[] {
  if (path === "") return [];
  const trimmed = path.endsWith("/") ? path.slice(0, -1) : path;
  const fail = (why: string): never => {
    throw new DriveError("InvalidPath", `Invalid path "${path.length > 64 ? path.slice(0, 64) + "…" : path}": ${why}`);
  };
  if (trimmed.length === 0) fail("empty");
  if (trimmed.startsWith("/")) fail("absolute paths are not allowed");
  if (trimmed.includes("\0")) fail("NUL byte");
  if (trimmed.includes("\\")) fail("backslash");
  if (encoder.encode(trimmed).length > MAX_PATH_BYTES) fail(`longer than ${MAX_PATH_BYTES} bytes`);
  const segments = trimmed.split("/");
  for (const s of segments) {
    if (s === "") fail("empty segment");
    if (s === "." || s === "..") fail(`"${s}" segment`);
    if (s.length > MAX_SEGMENT_BYTES / 3 && encoder.encode(s).length > MAX_SEGMENT_BYTES) fail("segment too long");
  }
  return segments;
}

/** Joins a root, a validated volume and a validated path into a file-system path. */
export function resolveOnDrive(root: string, volume: string, path: string): string {
  checkVolume(volume);
  const segments = checkPath(path);
  return segments.length === 0 ? `${root}/${volume}` : `${root}/${volume}/${segments.join("/")}`;
}

/** Parent of a "/"-separated relative path ("" for a top-level name). */
export function parentOf(path: string): string {
  const trimmed = path.endsWith("/") ? path.slice(0, -1) : path;
  const i = trimmed.lastIndexOf("/");
  return i < 0 ? "" : trimmed.slice(0, i);
}
