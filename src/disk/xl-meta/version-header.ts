// XlVersionHeader: the small tuple xl.meta keeps in front of every version body so that
// listings and cross-drive merges never decode bodies. Encoding (always header version 3),
// decoding (header versions 1–3) and MinIO's newest-first ordering (SPEC §2.3, §2.7).
import { MsgpackReader, type MsgpackWriter } from "../../util/index.ts";
import { compareBytes, versionIdFromBytes, versionIdToBytes } from "./uuid.ts";

/** Header flag bit 0: a hidden free version (tiering leftover, delete markers only). */
export const FLAG_FREE_VERSION = 1;
/** Header flag bit 1: the version's data lives in (or is named by) its data dir. */
export const FLAG_USES_DATA_DIR = 2;
/** Header flag bit 2: MetaSys says the data is inline in xl.meta. */
export const FLAG_INLINE_DATA = 4;

/** Version types as stored in xl.meta. */
export const OBJECT_TYPE = 1;
export const DELETE_TYPE = 2;
export const LEGACY_TYPE = 3;
export type XlVersionType = 1 | 2 | 3;

/** The header of one version, as listed by XlMeta.versions (newest first). */
export interface XlVersionHeader {
  /** VersionID: "null" (stored as 16 zero bytes) or the canonical lower-case UUID. */
  versionId: string;
  /** ModTime: Unix nanoseconds, a copy of the body's MTime. */
  modTimeNs: bigint;
  /** Signature: 4 bytes every drive holding this version agrees on (SPEC §2.6). */
  signature: Uint8Array;
  /** Type: 1 object, 2 delete marker, 3 legacy (xl.json era) object. */
  type: XlVersionType;
  /** Flags: FLAG_FREE_VERSION | FLAG_USES_DATA_DIR | FLAG_INLINE_DATA. */
  flags: number;
  /** EcN: parity shard count; 0 for delete markers, legacy versions and headers read from header version < 3. */
  ecN: number;
  /** EcM: data shard count; 0 in the same cases as ecN. */
  ecM: number;
}

/** Current header version written by toBytes (7-element tuple). */
export const HEADER_VERSION = 3;

/** Appends the header as msgp tuple of 7: [ID bin16, ModTime int, Sig bin4, Type, Flags, EcN, EcM]. */
export function encodeHeader(w: MsgpackWriter, h: XlVersionHeader): void {
  const id = versionIdToBytes(h.versionId);
  if (!id) throw new RangeError(`Bad version id "${h.versionId}"`);
  w.arrayHeader(7);
  w.bin(id);
  w.int(h.modTimeNs);
  w.bin(h.signature);
  w.uint(h.type);
  w.uint(h.flags);
  w.uint(h.ecN);
  w.uint(h.ecM);
}

/** Tuple lengths by header version: v1 has no signature, v2 no EcN/EcM. */
const TUPLE_LENGTH: Record<number, number> = { 1: 4, 2: 5, 3: 7 };

/** Decodes one header tuple written with `headerVersion` (1..3); throws MsgpackError/RangeError. */
export function decodeHeader(bytes: Uint8Array, headerVersion: number): XlVersionHeader {
  const r = new MsgpackReader(bytes);
  const n = r.readArrayHeader();
  if (n !== TUPLE_LENGTH[headerVersion]) throw new RangeError(`Header v${headerVersion} has ${n} fields`);
  const id = r.readBin();
  if (id.length !== 16) throw new RangeError(`Version id of ${id.length} bytes`);
  const modTimeNs = r.readBigInt();
  const signature = headerVersion >= 2 ? r.readBin().slice() : new Uint8Array(4);
  if (signature.length !== 4) throw new RangeError(`Signature of ${signature.length} bytes`);
  const type = r.readUint();
  if (type < 1 || type > 3) throw new RangeError(`Unknown version type ${type}`);
  const flags = r.readUint();
  const ecN = headerVersion >= 3 ? r.readUint() : 0;
  const ecM = headerVersion >= 3 ? r.readUint() : 0;
  if (flags > 0xff || ecN > 0xff || ecM > 0xff) throw new RangeError("Header field exceeds uint8");
  return { versionId: versionIdFromBytes(id), modTimeNs, signature, type: type as XlVersionType, flags, ecN, ecM };
}

/**
 * Sort comparator, newest first (SPEC §2.7): ModTime descending, then Type ascending, then
 * Signature bytes descending, VersionID bytes descending, Flags descending.
 */
export function compareHeaders(a: XlVersionHeader, b: XlVersionHeader): number {
  if (a.modTimeNs !== b.modTimeNs) return a.modTimeNs > b.modTimeNs ? -1 : 1;
  if (a.type !== b.type) return a.type - b.type;
  const sig = compareBytes(b.signature, a.signature);
  if (sig !== 0) return sig;
  if (a.versionId !== b.versionId) {
    // Only reached on exact ties, so converting ids to bytes here costs nothing in practice.
    return compareBytes(versionIdToBytes(b.versionId) ?? new Uint8Array(16), versionIdToBytes(a.versionId) ?? new Uint8Array(16));
  }
  return b.flags - a.flags;
}
