// Turning merged, quorum-elected walk entries into S3 listing pages: prefix and delimiter
// roll-up, markers, max-keys and truncation for objects, versions and multipart uploads.
import type { WalkOptions } from "../../disk/index.ts";
import { compareKeys } from "../../util/index.ts";
import type {
  ListObjectsOptions,
  ListObjectsResult,
  ListUploadsOptions,
  ListUploadsResult,
  ListVersionsOptions,
  ListVersionsResult,
  ObjectInfo,
  UploadInfo,
} from "../object-layer.ts";
import { toObjectInfo } from "../object-info.ts";
import type { ListedEntry } from "../set/list.ts";

/** Walk options for a listing: with "/" as delimiter only the prefix's directory is read. */
export function walkOptionsFor(bucket: string, prefix: string, delimiter: string, after?: string, includeAfter = false): WalkOptions {
  const cut = prefix.lastIndexOf("/");
  return {
    volume: bucket,
    baseDir: cut >= 0 ? prefix.slice(0, cut + 1) : "",
    recursive: delimiter !== "/",
    filterPrefix: prefix || undefined,
    after: after || undefined,
    includeAfter: includeAfter || undefined,
  };
}

/** The common prefix `key` rolls up to under `delimiter`, or null. */
export function commonPrefix(key: string, prefix: string, delimiter: string): string | null {
  if (!delimiter) return null;
  const i = key.indexOf(delimiter, prefix.length);
  return i < 0 ? null : key.slice(0, i + delimiter.length);
}

type Item = { kind: "object"; info: ObjectInfo } | { kind: "prefix"; name: string };

/**
 * Does anything listable live below a directory the walk reported as a prefix? (A directory
 * may hold only delete markers, which ListObjects must not show, or only unelected leftovers.)
 */
export type PrefixCheck = (prefix: string, versions: boolean) => Promise<boolean>;

/**
 * Entries → (objects | prefixes), deduplicated prefixes. A common prefix is listed only when
 * it sorts after `after` (the marker): a continuation from a prefix skips everything below it.
 */
async function* rollUp(
  entries: AsyncIterable<ListedEntry>,
  bucket: string,
  prefix: string,
  delimiter: string,
  after: string | undefined,
  versions: boolean,
  checkPrefix?: PrefixCheck,
): AsyncGenerator<Item | { kind: "versions"; infos: ObjectInfo[] }> {
  let lastPrefix = "";
  for await (const e of entries) {
    const cp = e.kind === "prefix" ? e.name : commonPrefix(e.name, prefix, delimiter);
    if (cp !== null) {
      if (cp === lastPrefix || (after !== undefined && compareKeys(cp, after) <= 0) || !cp.startsWith(prefix)) continue;
      if (e.kind === "object" && !versions && e.versions[0].deleted) continue;
      if (e.kind === "prefix" && checkPrefix && !(await checkPrefix(cp, versions))) continue;
      lastPrefix = cp;
      yield { kind: "prefix", name: cp };
      continue;
    }
    if (e.kind !== "object") continue;
    if (versions) yield { kind: "versions", infos: e.versions.map((fi) => toObjectInfo(bucket, fi)) };
    else if (!e.versions[0].deleted) yield { kind: "object", info: toObjectInfo(bucket, e.versions[0]) };
  }
}

export async function pageObjects(
  entries: AsyncIterable<ListedEntry>,
  bucket: string,
  opts: ListObjectsOptions,
  checkPrefix?: PrefixCheck,
): Promise<ListObjectsResult> {
  const out: ListObjectsResult = { objects: [], prefixes: [], isTruncated: false };
  if (opts.maxKeys <= 0) return out;
  const it = rollUp(entries, bucket, opts.prefix ?? "", opts.delimiter ?? "", opts.after, false, checkPrefix);
  try {
    for await (const item of it) {
      if (out.objects.length + out.prefixes.length >= opts.maxKeys) {
        out.isTruncated = true;
        break;
      }
      if (item.kind === "prefix") {
        out.prefixes.push(item.name);
        out.nextMarker = item.name;
      } else if (item.kind === "object") {
        out.objects.push(item.info);
        out.nextMarker = item.info.key;
      }
    }
  } finally {
    await it.return(undefined);
  }
  return out;
}

export async function pageVersions(
  entries: AsyncIterable<ListedEntry>,
  bucket: string,
  opts: ListVersionsOptions,
  checkPrefix?: PrefixCheck,
): Promise<ListVersionsResult> {
  const out: ListVersionsResult = { versions: [], prefixes: [], isTruncated: false };
  if (opts.maxKeys <= 0) return out;
  const count = () => out.versions.length + out.prefixes.length;
  // With a version-id marker the walk includes the marker key itself (listed from after that
  // version); common prefixes still have to sort after the key marker.
  const it = rollUp(entries, bucket, opts.prefix ?? "", opts.delimiter ?? "", opts.keyMarker || undefined, true, checkPrefix);
  try {
    outer: for await (const item of it) {
      if (item.kind === "prefix") {
        if (count() >= opts.maxKeys) {
          out.isTruncated = true;
          break;
        }
        out.prefixes.push(item.name);
        out.nextKeyMarker = item.name;
        out.nextVersionIdMarker = undefined;
        continue;
      }
      if (item.kind !== "versions") continue;
      let infos = item.infos;
      if (opts.keyMarker && opts.versionIdMarker && infos[0]?.key === opts.keyMarker) {
        const i = infos.findIndex((v) => v.versionId === opts.versionIdMarker);
        infos = i >= 0 ? infos.slice(i + 1) : [];
      }
      for (const v of infos) {
        if (count() >= opts.maxKeys) {
          out.isTruncated = true;
          break outer;
        }
        out.versions.push(v);
        out.nextKeyMarker = v.key;
        out.nextVersionIdMarker = v.versionId;
      }
    }
  } finally {
    await it.return(undefined);
  }
  return out;
}

/** Uploads sorted by key, then initiation time, then id; markers, prefix, delimiter, max-uploads. */
export function pageUploads(all: UploadInfo[], opts: ListUploadsOptions): ListUploadsResult {
  const prefix = opts.prefix ?? "";
  const sorted = all
    .filter((u) => u.key.startsWith(prefix))
    .sort((a, b) => compareKeys(a.key, b.key) || a.initiated.getTime() - b.initiated.getTime() || compareKeys(a.uploadId, b.uploadId));
  const out: ListUploadsResult = { uploads: [], prefixes: [], isTruncated: false };
  let lastPrefix = "";
  let passedMarker = !opts.keyMarker;
  // Uploads of one key are listed by initiation time, so the upload-id marker is a position in
  // that order (as MinIO treats it), not a lexical bound; an unknown id skips the whole key.
  let markerSeen = false;
  for (const u of sorted) {
    if (!passedMarker) {
      const c = compareKeys(u.key, opts.keyMarker!);
      if (c < 0) continue;
      if (c === 0 && (!opts.uploadIdMarker || !markerSeen)) {
        markerSeen ||= u.uploadId === opts.uploadIdMarker;
        continue;
      }
      passedMarker = true;
    }
    const cp = commonPrefix(u.key, prefix, opts.delimiter ?? "");
    // A common prefix at or before the key marker was on an earlier page (as in ListObjects).
    if (cp !== null && (cp === lastPrefix || (opts.keyMarker && compareKeys(cp, opts.keyMarker) <= 0))) continue;
    if (out.uploads.length + out.prefixes.length >= opts.maxUploads) {
      out.isTruncated = true;
      break;
    }
    if (cp !== null) {
      lastPrefix = cp;
      out.prefixes.push(cp);
      out.nextKeyMarker = cp;
      out.nextUploadIdMarker = undefined;
    } else {
      out.uploads.push(u);
      out.nextKeyMarker = u.key;
      out.nextUploadIdMarker = u.uploadId;
    }
  }
  return out;
}
