// UUID text ↔ the 16 raw bytes xl.meta stores, and the "null" version id convention
// (all-zero bytes on disk, the string "null" in FileInfo).
import { NULL_VERSION_ID } from "../file-info.ts";

/** Canonical lower- or upper-case 8-4-4-4-12 UUID text. */
export const UUID_PATTERN = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

const HEX = "0123456789abcdef";

/** 16 bytes → "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" (lower case). */
export function uuidFromBytes(b: Uint8Array): string {
  if (b.length !== 16) throw new RangeError(`UUID must be 16 bytes, got ${b.length}`);
  let s = "";
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) s += "-";
    s += HEX[b[i] >> 4] + HEX[b[i] & 15];
  }
  return s;
}

/** UUID text → 16 bytes; a RangeError for anything that is not a UUID (a caller bug). */
export function uuidToBytes(s: string): Uint8Array {
  if (!UUID_PATTERN.test(s)) throw new RangeError(`Not a UUID: "${s}"`);
  const hex = s.replaceAll("-", "");
  const out = new Uint8Array(16);
  for (let i = 0; i < 16; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function isZeroUuid(b: Uint8Array): boolean {
  for (let i = 0; i < b.length; i++) if (b[i] !== 0) return false;
  return true;
}

/** On-disk version id → FileInfo form: "null" for all-zero bytes, else the UUID text. */
export function versionIdFromBytes(b: Uint8Array): string {
  return isZeroUuid(b) ? NULL_VERSION_ID : uuidFromBytes(b);
}

/** FileInfo version id ("null", "" or a UUID) → on-disk bytes; undefined if not a UUID. */
export function versionIdToBytes(id: string): Uint8Array | undefined {
  if (id === "" || id === NULL_VERSION_ID) return new Uint8Array(16);
  return UUID_PATTERN.test(id) ? uuidToBytes(id) : undefined;
}

/** Lexicographic byte comparison: negative, zero or positive. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}
