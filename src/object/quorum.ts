// Quorum arithmetic and reductions over per-drive results, kept pure so they are tested on
// their own: write/read quorum sizes, electing the versions enough drives agree on, and
// turning a set of per-drive failures into one answer.
import { DriveError, type DriveErrorKind } from "../disk/index.ts";

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

/** Fields of an xl.meta version header that decide whether drives agree on a version. */
export interface VersionHeaderLike {
  versionId: string;
  modTimeNs: bigint;
  signature: Uint8Array;
  type: number;
  flags: number;
  ecN: number;
  ecM: number;
}

export interface ElectedVersion<H extends VersionHeaderLike> {
  header: H;
  /** Set positions of the drives that hold exactly this version. */
  drives: number[];
}

function voteKey(h: VersionHeaderLike): string {
  let sig = "";
  for (const b of h.signature) sig += b.toString(16).padStart(2, "0");
  return `${h.versionId}|${h.modTimeNs}|${sig}|${h.type}|${h.flags}|${h.ecN}|${h.ecM}`;
}

/** Newest first: ModTime desc, then Type asc, Signature desc, VersionID desc (SPEC §2.7). */
export function compareVersionsNewestFirst(a: VersionHeaderLike, b: VersionHeaderLike): number {
  if (a.modTimeNs !== b.modTimeNs) return a.modTimeNs > b.modTimeNs ? -1 : 1;
  if (a.type !== b.type) return a.type - b.type;
  for (let i = 0; i < Math.min(a.signature.length, b.signature.length); i++) {
    if (a.signature[i] !== b.signature[i]) return b.signature[i] - a.signature[i];
  }
  if (a.versionId !== b.versionId) return a.versionId < b.versionId ? 1 : -1;
  return b.flags - a.flags;
}

/**
 * The versions that enough drives agree on, newest first. `required(header)` gives the quorum
 * a version needs (its data shard count for objects, a majority for delete markers).
 */
export function electVersions<H extends VersionHeaderLike>(perDrive: (readonly H[] | null)[], required: (h: H) => number): ElectedVersion<H>[] {
  const votes = new Map<string, ElectedVersion<H>>();
  perDrive.forEach((headers, drive) => {
    if (!headers) return;
    for (const h of headers) {
      const key = voteKey(h);
      const v = votes.get(key);
      if (v) {
        if (!v.drives.includes(drive)) v.drives.push(drive);
      } else votes.set(key, { header: h, drives: [drive] });
    }
  });
  return [...votes.values()].filter((v) => v.drives.length >= required(v.header)).sort((a, b) => compareVersionsNewestFirst(a.header, b.header));
}

/** Could any version held by fewer than quorum drives still reach quorum if the unreachable drives have it? */
export function mightReachQuorum<H extends VersionHeaderLike>(perDrive: (readonly H[] | null)[], unreachable: number, required: (h: H) => number, n: number): boolean {
  const counts = new Map<string, { h: H; c: number }>();
  for (const headers of perDrive) {
    for (const h of headers ?? []) {
      const k = voteKey(h);
      const e = counts.get(k);
      if (e) e.c++;
      else counts.set(k, { h, c: 1 });
    }
  }
  for (const { h, c } of counts.values()) if (c < required(h) && c + unreachable >= required(h)) return true;
  // A version we have not seen at all needs at least n - n/2 drives (parity is at most n/2).
  return unreachable >= n - Math.floor(n / 2);
}
