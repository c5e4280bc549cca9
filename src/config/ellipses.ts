// Ellipsis patterns in drive arguments (`/data{1...4}`, `/d{01...16}`, `http://h{1...4}/d{1...8}`,
// hex bounds for IPv6), parsed and expanded by MinIO's rules: the same argument yields the same
// drives in the same order, and the order decides which drives share an erasure set.
import { ConfigError } from "./config-error.ts";

/** One `{a...b}` range: its text as written and the values it stands for. */
export interface EllipsesRange {
  /** The range as written, braces included, e.g. "{01...16}". */
  text: string;
  /** Expanded values in order, zero-padded or hexadecimal as the bounds ask. */
  values: readonly string[];
}

/** An argument split into literal text and ranges: literals[0] range[0] literals[1] … */
export interface EllipsesPattern {
  /** The argument as given. */
  arg: string;
  /** Literal text around the ranges; always ranges.length + 1 entries. */
  literals: readonly string[];
  /** The ranges from left to right. */
  ranges: readonly EllipsesRange[];
}

/** Ranges may expand to at most this many drives in total; more is surely a typo. */
export const MAX_EXPANSION = 1 << 20;

// MinIO accepts lowercase letters in the bounds (hexadecimal); anything else is no range.
const RANGE_RE = /\{([0-9a-z]*)\.\.\.([0-9a-z]*)\}/g;

/**
 * Whether an argument is meant as an ellipsis pattern. Like MinIO this is a loose test
 * ("..." anywhere, or both braces) so that a malformed range is reported, not taken as a path.
 */
export function hasEllipses(arg: string): boolean {
  return arg.includes("...") || (arg.includes("{") && arg.includes("}"));
}

/** Splits an argument into literals and parsed ranges; throws ConfigError when malformed. */
export function parseEllipses(arg: string): EllipsesPattern {
  const literals: string[] = [];
  const ranges: EllipsesRange[] = [];
  let last = 0;
  for (const m of arg.matchAll(RANGE_RE)) {
    literals.push(arg.slice(last, m.index));
    ranges.push({ text: m[0], values: expandRange(arg, m[0], m[1], m[2]) });
    last = m.index + m[0].length;
  }
  literals.push(arg.slice(last));
  if (ranges.length === 0) {
    throw new ConfigError("InvalidEllipses", `Invalid ellipsis pattern in "${arg}": write ranges as {N...M} with N <= M, e.g. "/data{1...4}"`);
  }
  if (literals.some((l) => l.includes("{") || l.includes("}"))) {
    throw new ConfigError("InvalidEllipses", `Invalid ellipsis pattern in "${arg}": a "{" or "}" is not part of a {N...M} range`);
  }
  let total = 1;
  for (const r of ranges) total *= r.values.length;
  if (total > MAX_EXPANSION) {
    throw new ConfigError("InvalidEllipses", `Invalid ellipsis pattern in "${arg}": it expands to ${total} drives`);
  }
  return { arg, literals, ranges };
}

/** Number of drives a pattern stands for. */
export function patternSize(p: EllipsesPattern): number {
  let n = 1;
  for (const r of p.ranges) n *= r.values.length;
  return n;
}

/**
 * All strings a pattern stands for, in MinIO's order: the leftmost range changes fastest,
 * so `http://h{1...2}/d{1...2}` gives h1/d1, h2/d1, h1/d2, h2/d2 — consecutive drives sit
 * on different hosts and each erasure set spreads over the hosts.
 */
export function expandPattern(p: EllipsesPattern): string[] {
  const n = p.ranges.length;
  const counters = new Array<number>(n).fill(0);
  const total = patternSize(p);
  const out = new Array<string>(total);
  for (let i = 0; i < total; i++) {
    let s = p.literals[0];
    for (let k = 0; k < n; k++) s += p.ranges[k].values[counters[k]] + p.literals[k + 1];
    out[i] = s;
    for (let k = 0; k < n; k++) {
      if (++counters[k] < p.ranges[k].values.length) break;
      counters[k] = 0;
    }
  }
  return out;
}

/** Parses and expands in one go. */
export function expandEllipses(arg: string): string[] {
  return expandPattern(parseEllipses(arg));
}

function parseBound(s: string): { value: number; hex: boolean } | null {
  // Decimal first; MinIO falls back to hexadecimal per bound, so "{1...a}" is 1..10 in hex.
  if (/^[0-9]+$/.test(s)) return { value: Number(s), hex: false };
  if (/^[0-9a-f]+$/.test(s)) return { value: parseInt(s, 16), hex: true };
  return null;
}

function expandRange(arg: string, text: string, a: string, b: string): string[] {
  const start = parseBound(a);
  const end = parseBound(b);
  if (!start || !end) {
    throw new ConfigError("InvalidEllipses", `Invalid range ${text} in "${arg}": bounds must be decimal or lowercase hexadecimal numbers`);
  }
  if (!Number.isSafeInteger(start.value) || !Number.isSafeInteger(end.value)) {
    throw new ConfigError("InvalidEllipses", `Invalid range ${text} in "${arg}": bound too large`);
  }
  if (start.value > end.value) {
    throw new ConfigError("InvalidEllipses", `Invalid range ${text} in "${arg}": start ${a} is bigger than end ${b}`);
  }
  if (end.value - start.value + 1 > MAX_EXPANSION) {
    throw new ConfigError("InvalidEllipses", `Invalid range ${text} in "${arg}": more than ${MAX_EXPANSION} values`);
  }
  const hex = start.hex || end.hex;
  // MinIO pads to the width of the end bound when either bound is written with a leading zero.
  const width = (a.startsWith("0") && a.length > 1) || b.startsWith("0") ? b.length : 0;
  const out: string[] = [];
  for (let i = start.value; i <= end.value; i++) out.push(i.toString(hex ? 16 : 10).padStart(width, "0"));
  return out;
}
