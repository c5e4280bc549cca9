// PartIdx as the object layer uses it: which parts get an index, and loading one only when it
// describes that part. Releases 2023-12-02 … 2024-10-29 stored indexes of other streams for
// small parts (MinIO drops them at load); a totals check refuses any such stray index.
import { CompressError } from "./compress-error.ts";
import { COMPRESSION_INDEX_MIN_SIZE } from "./compression-policy.ts";
import { type S2Index, loadS2IndexHeaderless } from "./s2-index.ts";

/** Whether MinIO stores a seek index for a compressed part of `actualSize` uncompressed bytes. */
export function partHasIndex(actualSize: number): boolean {
  return actualSize > COMPRESSION_INDEX_MIN_SIZE;
}

/** What the part's xl.meta entries say about it. */
export interface PartSizes {
  /** PartASizes: uncompressed bytes. */
  actualSize: number;
  /** PartSizes: stored bytes; omit for encrypted parts (the stored size then counts the encryption). */
  compressedSize?: number;
}

/**
 * Loads a headerless PartIdx entry and checks it describes this part: its uncompressed total
 * must equal actualSize and, when both are known, its compressed total the stored size.
 * Throws CompressError (Corrupt/Truncated/Unsupported) otherwise; callers then read the part from its start.
 */
export function loadPartIndex(bare: Uint8Array, part: PartSizes): S2Index {
  const index = loadS2IndexHeaderless(bare);
  if (index.totalUncompressed !== part.actualSize) {
    throw new CompressError(
      "Corrupt",
      `Cannot use the part's S2 index: it describes ${index.totalUncompressed} uncompressed bytes, the part holds ${part.actualSize}`,
    );
  }
  if (part.compressedSize !== undefined && index.totalCompressed >= 0 && index.totalCompressed !== part.compressedSize) {
    throw new CompressError(
      "Corrupt",
      `Cannot use the part's S2 index: it describes ${index.totalCompressed} compressed bytes, the part stores ${part.compressedSize}`,
    );
  }
  return index;
}
