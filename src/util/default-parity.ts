// MinIO's default parity for an erasure set of a given size. Shared by config/ (which checks the
// configured storage classes against it) and object/ (which falls back on it when not told).

/** MinIO's default STANDARD parity for `setDriveCount` drives per set. */
export function defaultParity(setDriveCount: number): number {
  if (setDriveCount <= 1) return 0;
  if (setDriveCount <= 3) return 1;
  if (setDriveCount <= 5) return 2;
  if (setDriveCount <= 7) return 3;
  return 4;
}

/** MinIO's default REDUCED_REDUNDANCY parity. */
export function defaultRrsParity(setDriveCount: number): number {
  return setDriveCount === 1 ? 0 : 1;
}
