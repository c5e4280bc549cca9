// Parity per storage class with MinIO's rules ("EC:<parity>", at most half the set, RRS not
// above STANDARD), checked against the set layout. The default parity for a set size is in
// util/ because the object layer, which never imports config/, falls back on it too.
import { defaultParity, defaultRrsParity } from "../util/index.ts";
import { ConfigError } from "./config-error.ts";
import type { VolumeLayout } from "./volume-layout.ts";

/** Storage class names as S3 clients send them. */
export const STANDARD = "STANDARD";
export const REDUCED_REDUNDANCY = "REDUCED_REDUNDANCY";

/** Default inline threshold for shards (MINIO_STORAGE_CLASS_INLINE_BLOCK), 128 KiB. */
export const DEFAULT_INLINE_BLOCK = 128 * 1024;

/** Storage-class settings as configured, before they meet a set size. */
export interface StorageClassSettings {
  /** STANDARD as "EC:n", undefined = default for the set size. */
  standard?: string;
  /** REDUCED_REDUNDANCY as "EC:n", undefined = EC:1 (EC:0 for one drive). */
  rrs?: string;
}

/** Resolved parity for one set size. */
export interface ParityChoice {
  /** Parity drives for STANDARD (and requests without a storage class). */
  standard: number;
  /** Parity drives for REDUCED_REDUNDANCY. */
  rrs: number;
}

/**
 * Parses "EC:<parity>" and, when `setDriveCount` is given, checks parity <= drives/2.
 * MinIO skips that check for sets of 1–2 drives, where a larger parity leaves no data
 * drive and every write would fail; we reject it there too.
 */
export function parseStorageClass(value: string, setDriveCount?: number, name = "storage class"): number {
  const parts = value.split(":");
  if (parts.length !== 2 || parts[0] !== "EC" || !/^[0-9]+$/.test(parts[1])) {
    throw new ConfigError("InvalidStorageClass", `Invalid ${name} "${value}": expected "EC:<parity drives>", e.g. "EC:4"`);
  }
  const parity = Number(parts[1]);
  if (setDriveCount !== undefined && parity > Math.floor(setDriveCount / 2)) {
    throw new ConfigError(
      "InvalidStorageClass",
      `Invalid ${name} "${value}" for erasure sets of ${setDriveCount} drives: parity must be at most ` + `${Math.floor(setDriveCount / 2)} (half the drives)`,
    );
  }
  return parity;
}

/** STANDARD and RRS parity for one set size; throws ConfigError when they do not fit. */
export function resolveParity(settings: StorageClassSettings, setDriveCount: number): ParityChoice {
  const standard =
    settings.standard !== undefined ? parseStorageClass(settings.standard, setDriveCount, "STANDARD storage class") : defaultParity(setDriveCount);
  const rrs = settings.rrs !== undefined ? parseStorageClass(settings.rrs, setDriveCount, "REDUCED_REDUNDANCY storage class") : defaultRrsParity(setDriveCount);
  // As in MinIO, the ordering rule only binds when both parities are non-zero.
  if (standard > 0 && rrs > 0 && standard < rrs) {
    throw new ConfigError(
      "InvalidStorageClass",
      `Invalid storage classes: REDUCED_REDUNDANCY parity ${rrs} is higher than STANDARD parity ${standard}; ` + `RRS must not be more redundant than STANDARD`,
    );
  }
  return { standard, rrs };
}

/** Parity for every pool of a layout (MinIO validates the settings against each pool). */
export function resolveStorageClasses(settings: StorageClassSettings, layout: VolumeLayout): ParityChoice[] {
  return layout.pools.map((p) => resolveParity(settings, p.setDriveCount));
}

const BYTE_UNITS: Record<string, number> = {
  "": 1,
  b: 1,
  k: 1e3,
  kb: 1e3,
  ki: 1024,
  kib: 1024,
  m: 1e6,
  mb: 1e6,
  mi: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1e9,
  gb: 1e9,
  gi: 1024 ** 3,
  gib: 1024 ** 3,
  t: 1e12,
  tb: 1e12,
  ti: 1024 ** 4,
  tib: 1024 ** 4,
};

/** Parses sizes like "128KiB", "64 KB", "131072" (decimal and binary units, as MinIO). */
export function parseByteSize(text: string): number | undefined {
  const m = /^\s*([0-9]+(?:\.[0-9]+)?)\s*([A-Za-z]*)\s*$/.exec(text);
  if (!m) return undefined;
  const unit = BYTE_UNITS[m[2].toLowerCase()];
  return unit === undefined ? undefined : Math.floor(Number(m[1]) * unit);
}
