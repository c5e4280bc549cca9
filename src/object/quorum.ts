// Quorum arithmetic and reductions over per-drive results, kept pure so they are tested on
// their own: write/read quorum sizes, electing the versions enough drives agree on, and
// turning a set of per-drive failures into one answer.
import { DriveError, compareHeaders, type DriveErrorKind, type XlVersionHeader } from "../disk/index.ts";

/** Result of one drive's call: a value or an error (never both). */
export type DriveResult<T> = { ok: true; value: T } | { ok: false; error: unknown };

export async function settleAll<T>(calls: Promise<T>[]): Promise<DriveResult<T>[]> {
  const settled = await Promise.allSettled(calls);
  return settled.map((s) => (s.status === "fulfilled" ? { ok: true, value: s.value } : { ok: false, error: s.reason }));
}

/** Drives needed to acknowledge a write of d data + p parity shards. */
export function writeQuorum(d: number, p: number): number {
  return d === p ? d + 1 : d;
}

/** Quorum for operations without erasure data (delete markers, buckets): a strict majority. */
export function majority(n: number): number {
  return Math.floor(n / 2) + 1;
}

export function errorKind(err: unknown): DriveErrorKind | "Other" {
  return err instanceof DriveError ? err.kind : "Other";
}

/** Counts failed results whose DriveError kind is one of `kinds`. */
export function countErrors<T>(results: DriveResult<T>[], ...kinds: DriveErrorKind[]): number {
  let n = 0;
  for (const r of results) if (!r.ok && kinds.includes(errorKind(r.error) as DriveErrorKind)) n++;
  return n;
}

/** The header fields drives must agree on; xl.meta's XlVersionHeader. */
export type VersionHeaderLike = XlVersionHeader;

export interface ElectedVersion<H extends VersionHeaderLike> {
  header: H;
  /** Set positions of the drives that hold exactly this version. */
  drives: number[];
}

/** Identity of a version across drives, EcN/EcM aside (they are matched in `bestVariant`). */
function agreementKey(h: VersionHeaderLike): string {
  const s = h.signature;
  const sig = s.length === 4 ? ((s[0] | (s[1] << 8) | (s[2] << 16) | (s[3] << 24)) >>> 0).toString(16) : Array.from(s).join(",");
  return `${h.versionId}|${h.modTimeNs}|${sig}|${h.type}|${h.flags}`;
}

/** Header version < 3 (and delete markers) carry no EcN/EcM: such a header agrees with any EC. */
function hasEc(h: VersionHeaderLike): boolean {
  return h.ecM > 0 && h.ecN > 0;
}

/** Newest first: ModTime desc, then Type asc, Signature desc, VersionID desc (SPEC §2.7). */
export function compareVersionsNewestFirst(a: VersionHeaderLike, b: VersionHeaderLike): number {
  return compareHeaders(a, b);
}

/**
 * Of the drives agreeing on one version (ignoring EC), the largest group whose EC matches:
 * drives with EC vote for their own pair, EC-less ones for every pair. The header returned is
 * one with EC when there is one, so callers learn the data shard count.
 */
function bestVariant<H extends VersionHeaderLike>(holders: { drive: number; h: H }[]): ElectedVersion<H> {
  const plain = holders.filter((x) => !hasEc(x.h));
  const byEc = new Map<string, { drive: number; h: H }[]>();
  for (const x of holders) {
    if (!hasEc(x.h)) continue;
    const k = `${x.h.ecN}/${x.h.ecM}`;
    byEc.set(k, [...(byEc.get(k) ?? []), x]);
  }
  let best = plain.length > 0 ? plain : [holders[0]];
  let bestHasEc = plain.length === 0;
  for (const group of byEc.values()) {
    const all = [...group, ...plain];
    if (all.length > best.length || (all.length === best.length && !bestHasEc)) {
      best = all;
      bestHasEc = true;
    }
  }
  return { header: best[0].h, drives: best.map((x) => x.drive).sort((a, b) => a - b) };
}

/** Every distinct version the drives hold, with the drives holding it (each drive counted once). */
export function tallyVersions<H extends VersionHeaderLike>(perDrive: (readonly H[] | null)[]): ElectedVersion<H>[] {
  const groups = new Map<string, { drive: number; h: H }[]>();
  perDrive.forEach((headers, drive) => {
    if (!headers) return;
    const seen = new Set<string>();
    for (const h of headers) {
      const key = agreementKey(h);
      if (seen.has(key)) continue;
      seen.add(key);
      const g = groups.get(key);
      if (g) g.push({ drive, h });
      else groups.set(key, [{ drive, h }]);
    }
  });
  return [...groups.values()].map((g) => bestVariant(g));
}

/**
 * The versions that enough drives agree on, newest first. `required(header)` gives the quorum
 * a version needs (its data shard count for objects, a majority for delete markers). Drives
 * agree on a version when id, mod time, signature, type and flags match, and EcN/EcM too where
 * both headers carry them. When two variants of one version id reach quorum, the one more
 * drives hold wins, so a version id is never elected twice.
 */
export function electVersions<H extends VersionHeaderLike>(perDrive: (readonly H[] | null)[], required: (h: H) => number): ElectedVersion<H>[] {
  const winners = new Map<string, ElectedVersion<H>>();
  for (const v of tallyVersions(perDrive)) {
    if (v.drives.length < Math.max(1, required(v.header))) continue;
    const prev = winners.get(v.header.versionId);
    const better = !prev || v.drives.length > prev.drives.length || (v.drives.length === prev.drives.length && compareHeaders(v.header, prev.header) < 0);
    if (better) winners.set(v.header.versionId, v);
  }
  return [...winners.values()].sort((a, b) => compareHeaders(a.header, b.header));
}

/**
 * Could a version we cannot elect now reach quorum if the `unreachable` drives hold it? True
 * when a version seen below quorum would reach it, or when so many drives are unreachable
 * that a version we have not seen at all might live only there.
 */
export function mightReachQuorum<H extends VersionHeaderLike>(
  perDrive: (readonly H[] | null)[],
  unreachable: number,
  required: (h: H) => number,
  n: number,
): boolean {
  if (unreachable <= 0) return false;
  for (const v of tallyVersions(perDrive)) {
    const need = Math.max(1, required(v.header));
    if (v.drives.length < need && v.drives.length + unreachable >= need) return true;
  }
  // An unseen version needs at least n - n/2 drives (parity is at most n/2).
  return unreachable >= n - Math.floor(n / 2);
}
