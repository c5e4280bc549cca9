// Erasure-set size selection, as MinIO does it: of the sizes 2..16 dividing the drive count, those
// symmetric with the leftmost ellipsis range (normally the hosts), the largest wins — unless
// MINIO_ERASURE_SET_DRIVE_COUNT names one of the dividing sizes.
import { ConfigError } from "./config-error.ts";

/** Smallest erasure set MinIO forms from several drives. */
export const MIN_SET_DRIVES = 2;
/** Largest erasure set MinIO forms. */
export const MAX_SET_DRIVES = 16;

/** What the set size is chosen from. */
export interface SetSizeInput {
  /** Drive count of each argument that shares the set size (one entry per pool today). */
  totalSizes: readonly number[];
  /** Values of the range MinIO checks symmetry against; undefined for plain drive lists. */
  symmetryCount?: number;
  /** Explicit set size (MINIO_ERASURE_SET_DRIVE_COUNT); 0 or undefined = automatic. */
  custom?: number;
  /** The argument(s) quoted in error messages. */
  label: string;
}

/** Greatest common divisor of all sizes. */
export function gcdAll(sizes: readonly number[]): number {
  let g = sizes[0] ?? 0;
  for (let i = 1; i < sizes.length; i++) {
    let a = g;
    let b = sizes[i];
    while (b !== 0) [a, b] = [b, a % b];
    g = a;
  }
  return g;
}

/** Set sizes in 2..16 that divide `driveCount`, ascending. */
export function dividingSetSizes(driveCount: number): number[] {
  const out: number[] = [];
  for (let s = MIN_SET_DRIVES; s <= MAX_SET_DRIVES; s++) if (driveCount % s === 0) out.push(s);
  return out;
}

/**
 * Keeps the sizes that spread evenly over `symmetryCount` (hosts): the size divides the
 * count or the count divides the size. No count = no constraint, as MinIO does for drive
 * lists without ellipses.
 */
export function symmetricSetSizes(sizes: readonly number[], symmetryCount?: number): number[] {
  if (symmetryCount === undefined) return [...sizes];
  return sizes.filter((s) => (symmetryCount > s ? symmetryCount % s === 0 : s % symmetryCount === 0));
}

/** Chooses the drives per set; throws ConfigError with the accepted values when impossible. */
export function chooseSetDriveCount(input: SetSizeInput): number {
  const { totalSizes, label } = input;
  const custom = input.custom ?? 0;
  for (const total of totalSizes) {
    if (total < MIN_SET_DRIVES || total < custom) {
      throw new ConfigError(
        "InvalidEndpoints",
        `Invalid drive count ${total} for ${label}: erasure coding needs at least ` +
          `${Math.max(MIN_SET_DRIVES, custom)} drives (or exactly one drive without ellipses)`,
      );
    }
  }
  const common = gcdAll(totalSizes);
  const dividing = dividingSetSizes(common);
  if (dividing.length === 0) {
    throw new ConfigError(
      "InvalidEndpoints",
      `Invalid drive count ${common} for ${label}: it is not divisible by any erasure set size from ` + `${MIN_SET_DRIVES} to ${MAX_SET_DRIVES}`,
    );
  }
  if (custom > 0) {
    if (!dividing.includes(custom)) {
      throw new ConfigError(
        "InvalidSetDriveCount",
        `Invalid erasure set drive count ${custom} for ${common} drives of ${label}: ` + `use one of ${dividing.join(", ")}`,
      );
    }
    // An explicit size skips the symmetry check: the operator chose the distribution.
    return custom;
  }
  const symmetric = symmetricSetSizes(dividing, input.symmetryCount);
  if (symmetric.length === 0) {
    throw new ConfigError(
      "InvalidEndpoints",
      `Invalid drive count ${common} for ${label}: no erasure set size from ${MIN_SET_DRIVES} to ` +
        `${MAX_SET_DRIVES} spreads evenly over its ${input.symmetryCount} hosts`,
    );
  }
  // MinIO prefers the fewest sets, i.e. the largest symmetric size.
  return symmetric[symmetric.length - 1];
}

/** Splits drive indices 0..driveCount-1 into consecutive sets of `setDriveCount`. */
export function splitIntoSets(driveCount: number, setDriveCount: number): number[][] {
  const sets: number[][] = [];
  for (let start = 0; start < driveCount; start += setDriveCount) {
    const set: number[] = [];
    for (let i = start; i < start + setDriveCount; i++) set.push(i);
    sets.push(set);
  }
  return sets;
}
