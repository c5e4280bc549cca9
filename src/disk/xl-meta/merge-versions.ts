// mergeVersions: which versions a set of drives agrees on. Pure: headers in, headers out, so
// listings and heal can reduce per-drive results in one tested place (DESIGN §4).
import { compareHeaders, type XlVersionHeader } from "./version-header.ts";

/** Identity of a version across drives, EcN/EcM aside (compared separately, see ecCompatible). */
function agreementKey(h: XlVersionHeader): string {
  let sig = "";
  for (const b of h.signature) sig += b.toString(16).padStart(2, "0");
  return `${h.versionId}|${h.modTimeNs}|${sig}|${h.type}|${h.flags}`;
}

/** Headers read from header version < 3 (or for non-objects) carry no EC; they match any EC. */
function hasEc(h: XlVersionHeader): boolean {
  return h.ecM > 0 && h.ecN > 0;
}

interface Candidate {
  header: XlVersionHeader;
  count: number;
}

/** Best EC variant of one agreement group: headers with EC vote for their pair, EC-less ones for all. */
function bestVariant(headers: XlVersionHeader[]): Candidate {
  const plain = headers.filter((h) => !hasEc(h));
  const byEc = new Map<string, XlVersionHeader[]>();
  for (const h of headers) {
    if (!hasEc(h)) continue;
    const k = `${h.ecN}/${h.ecM}`;
    byEc.set(k, [...(byEc.get(k) ?? []), h]);
  }
  let best: Candidate = { header: plain[0] ?? headers[0], count: plain.length };
  for (const group of byEc.values()) {
    const count = group.length + plain.length;
    if (count > best.count || (count === best.count && !hasEc(best.header))) best = { header: group[0], count };
  }
  return best;
}

/**
 * The versions at least `quorum` drives agree on (same id, mod time, signature, type and flags;
 * EcN/EcM too when both sides have them), newest first. `null` entries are drives that could not
 * be read. Each drive counts once per version; when several variants of one version id reach
 * quorum (possible only with quorum ≤ half the drives) the one most drives hold wins.
 */
export function mergeVersions(perDrive: (readonly XlVersionHeader[] | null)[], quorum: number): XlVersionHeader[] {
  const need = Math.max(1, quorum);
  const groups = new Map<string, XlVersionHeader[]>();
  for (const versions of perDrive) {
    if (!versions) continue;
    const seen = new Set<string>();
    for (const h of versions) {
      const key = agreementKey(h);
      if (seen.has(key)) continue;
      seen.add(key);
      groups.set(key, [...(groups.get(key) ?? []), h]);
    }
  }
  const winners = new Map<string, Candidate>();
  for (const headers of groups.values()) {
    const c = bestVariant(headers);
    if (c.count < need) continue;
    const prev = winners.get(c.header.versionId);
    const better = !prev || c.count > prev.count || (c.count === prev.count && compareHeaders(c.header, prev.header) < 0);
    if (better) winners.set(c.header.versionId, c);
  }
  return [...winners.values()].map((c) => c.header).sort(compareHeaders);
}
