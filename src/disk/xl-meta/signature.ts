// Version signatures (SPEC §2.6) and headers regenerated from bodies (SPEC §2.3). Drives
// compare signatures to agree on a version, so these must match MinIO bit for bit.
import { MsgpackWriter } from "../../util/index.ts";
import type { FileInfo } from "../file-info.ts";
import { fileInfoToBody } from "./file-info-codec.ts";
import { legacyModTimeNs, legacySignatureHash } from "./legacy-v1.ts";
import type { XlObjectBody, XlVersionBody } from "./version-body.ts";
import { writeDelete, writeObject } from "./version-body-encode.ts";
import { DELETE_TYPE, FLAG_FREE_VERSION, FLAG_INLINE_DATA, FLAG_USES_DATA_DIR, LEGACY_TYPE, OBJECT_TYPE, type XlVersionHeader } from "./version-header.ts";
import { versionIdFromBytes } from "./uuid.ts";

const MASK64 = (1n << 64n) - 1n;
const USER_SEED = 0xc2b40bbac11a7295n;
const SYS_SEED = 0x1bbc7e1dde654743n;
const KEY_MIX = 0x4ee3bbaf7ab2506bn;
const VALUE_MIX = 0x8da4c8da66194257n;

const META_INLINE_DATA = "x-minio-internal-inline-data";
const META_FREE_VERSION = "x-minio-internal-free-version";
const META_TRANSITION_STATUS = "x-minio-internal-transition-status";

/** Order-independent hash of a metadata map: XOR of per-entry XXH3 mixes (nil = the seed). */
function hashMap(seed: bigint, map: Record<string, string | Uint8Array> | null): bigint {
  let h = seed;
  if (!map) return h;
  for (const k of Object.keys(map)) {
    const kh = Bun.hash.xxHash3(k) ^ KEY_MIX;
    const vh = Bun.hash.xxHash3(map[k]) ^ VALUE_MIX;
    h ^= (kh + vh) & MASK64;
  }
  return h;
}

/** Folds a 64-bit hash into the 4 little-endian signature bytes. */
function fold(h: bigint): Uint8Array {
  const v = Number((h ^ (h >> 32n)) & 0xffffffffn);
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, v, true);
  return out;
}

/** The 4-byte signature of a version body, or of the version a FileInfo would be stored as. */
export function signature(source: FileInfo | XlVersionBody): Uint8Array {
  const body = "volume" in source ? fileInfoToBody(source) : source;
  const w = new MsgpackWriter(512);
  let h: bigint;
  if (body.object) {
    h = hashMap(USER_SEED, body.object.metaUsr) ^ hashMap(SYS_SEED, body.object.metaSys);
    writeObject(w, body.object, true);
  } else if (body.deleteMarker) {
    h = hashMap(SYS_SEED, body.deleteMarker.metaSys);
    writeDelete(w, body.deleteMarker, true);
  } else if (body.legacy) {
    return fold(legacySignatureHash(body.legacy, (m) => hashMap(USER_SEED, m)));
  } else throw new RangeError("Version body has no object");
  return fold(h ^ Bun.hash.xxHash64(w.view()));
}

/** True when a tiered (transitioned) object is not restored locally, i.e. has no data dir. */
function isTieredAway(o: XlObjectBody): boolean {
  const status = o.metaSys?.[META_TRANSITION_STATUS];
  if (!status || new TextDecoder().decode(status) !== "complete") return false;
  return !isRestoredOnDisk(o.metaUsr);
}

/** X-Amz-Restore: `ongoing-request="false", expiry-date="<RFC 1123>"` with the expiry still ahead. */
function isRestoredOnDisk(meta: Record<string, string> | null): boolean {
  const key = Object.keys(meta ?? {}).find((k) => k.toLowerCase() === "x-amz-restore");
  const value = key ? meta![key] : "";
  if (!/ongoing-request="false"/.test(value)) return false;
  const expiry = /expiry-date="([^"]+)"/.exec(value);
  return expiry !== null && Date.parse(expiry[1]) > Date.now();
}

/** Regenerates the header from a body, as MinIO does whenever it rewrites a version. */
export function headerFromBody(body: XlVersionBody): XlVersionHeader {
  const sig = signature(body);
  if (body.type === OBJECT_TYPE && body.object) {
    const o = body.object;
    let flags = isTieredAway(o) ? 0 : FLAG_USES_DATA_DIR;
    if (o.metaSys && Object.hasOwn(o.metaSys, META_INLINE_DATA)) flags |= FLAG_INLINE_DATA;
    return { versionId: versionIdFromBytes(o.id), modTimeNs: o.mTime, signature: sig, type: OBJECT_TYPE, flags, ecN: o.ecN & 0xff, ecM: o.ecM & 0xff };
  }
  if (body.type === DELETE_TYPE && body.deleteMarker) {
    const d = body.deleteMarker;
    const flags = d.metaSys && Object.hasOwn(d.metaSys, META_FREE_VERSION) ? FLAG_FREE_VERSION : 0;
    return { versionId: versionIdFromBytes(d.id), modTimeNs: d.mTime, signature: sig, type: DELETE_TYPE, flags, ecN: 0, ecM: 0 };
  }
  // Legacy versions are always the null version and carry no flags.
  return { versionId: "null", modTimeNs: legacyModTimeNs(body.legacy!), signature: sig, type: LEGACY_TYPE, flags: 0, ecN: 0, ecM: 0 };
}
