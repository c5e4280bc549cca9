// FileInfo ↔ version body. Reading mirrors MinIO's ToFileInfo (metadata kept as stored);
// writing mirrors MinIO's AddVersion: PartETags nil unless an etag is set, PartIdx only when
// a part has an index, empty (not nil) metadata maps, internal keys routed to MetaSys.
import type { FileInfo, PartInfo } from "../file-info.ts";
import { decodeLegacy } from "./legacy-v1.ts";
import type { XlObjectBody, XlVersionBody } from "./version-body.ts";
import { BUNKER_WRITTEN_BY } from "./version-body-encode.ts";
import { DELETE_TYPE, OBJECT_TYPE } from "./version-header.ts";
import { isZeroUuid, uuidFromBytes, uuidToBytes, versionIdFromBytes, versionIdToBytes } from "./uuid.ts";

const INTERNAL_PREFIX = "x-minio-internal-";
const FREE_VERSION_KEY = "x-minio-internal-free-version";

/** Keys MinIO uses only in flight and never persists (SPEC §2.12). */
const TRANSIENT_KEYS = new Set([
  "x-minio-internal-tier-free-versionID",
  "x-minio-internal-tier-free-marker",
  "x-minio-internal-healing",
  "x-minio-internal-data-mov",
]);

/** MinIO's routing rule: keys starting with x-minio-internal- (ASCII case-insensitive) are internal. */
function isInternalKey(key: string): boolean {
  return key.length > INTERNAL_PREFIX.length && key.slice(0, INTERNAL_PREFIX.length).toLowerCase() === INTERNAL_PREFIX;
}

const utf8 = (s: string) => new TextEncoder().encode(s);

/** A decoded body as the FileInfo of `volume/name` (isLatest/numVersions are set by XlMeta). */
export function bodyToFileInfo(body: XlVersionBody, volume: string, name: string): FileInfo {
  const base = { volume, name, writtenBy: body.writtenBy ?? 0 };
  if (body.object) return { ...base, ...objectFields(body.object) };
  if (body.deleteMarker) {
    const d = body.deleteMarker;
    const sysMeta = { ...(d.metaSys ?? {}) };
    return {
      ...base,
      versionId: versionIdFromBytes(d.id),
      deleted: true,
      dataDir: "",
      modTimeNs: d.mTime,
      size: 0,
      userMeta: {},
      sysMeta,
      parts: [],
      ...(Object.hasOwn(sysMeta, FREE_VERSION_KEY) ? { freeVersion: true } : {}),
    };
  }
  const l = decodeLegacy(body.legacy!);
  const userMeta: Record<string, string> = {};
  const sysMeta: Record<string, Uint8Array> = {};
  for (const [k, v] of Object.entries(l.meta)) {
    if (isInternalKey(k)) sysMeta[k] = utf8(v);
    else userMeta[k] = v;
  }
  return {
    ...base,
    versionId: "null",
    deleted: false,
    dataDir: l.dataDir,
    modTimeNs: l.modTimeNs,
    size: l.size,
    userMeta,
    sysMeta,
    parts: l.parts,
    erasure: l.erasure,
  };
}

function objectFields(o: XlObjectBody) {
  const etags = o.partETags?.length === o.partNums.length ? o.partETags : null;
  const idx = o.partIdx?.length === o.partNums.length ? o.partIdx : null;
  const parts: PartInfo[] = o.partNums.map((number, i) => {
    const size = o.partSizes[i] ?? 0;
    const p: PartInfo = { number, size, actualSize: o.partASizes?.[i] ?? size };
    if (etags && etags[i] !== "") p.etag = etags[i];
    if (idx && idx[i].length > 0) p.index = idx[i];
    return p;
  });
  return {
    versionId: versionIdFromBytes(o.id),
    deleted: false,
    dataDir: isZeroUuid(o.dataDir) ? "" : uuidFromBytes(o.dataDir),
    modTimeNs: o.mTime,
    size: o.size,
    userMeta: { ...(o.metaUsr ?? {}) },
    sysMeta: { ...(o.metaSys ?? {}) },
    parts,
    erasure: { dataBlocks: o.ecM, parityBlocks: o.ecN, blockSize: o.ecBSize, index: o.ecIndex, distribution: [...o.ecDist] },
  };
}

function idBytes(fi: FileInfo): Uint8Array {
  const id = versionIdToBytes(fi.versionId);
  if (!id) throw new RangeError(`Version id "${fi.versionId}" of "${fi.volume}/${fi.name}" is not a UUID or "null"`);
  return id;
}

/** Splits FileInfo metadata into MetaSys/MetaUsr the way MinIO routes fi.Metadata on write. */
function routeMeta(fi: FileInfo): { sys: Record<string, Uint8Array>; usr: Record<string, string> } {
  const sys: [string, Uint8Array][] = [];
  const usr: [string, string][] = [];
  for (const [k, v] of Object.entries(fi.sysMeta)) if (!TRANSIENT_KEYS.has(k)) sys.push([k, v]);
  for (const [k, v] of Object.entries(fi.userMeta)) {
    if (!isInternalKey(k)) usr.push([k, v]);
    else if (!TRANSIENT_KEYS.has(k)) sys.push([k, utf8(v)]);
  }
  return { sys: Object.fromEntries(sys), usr: Object.fromEntries(usr) };
}

/** The body MinIO would store for this FileInfo, stamped with Bunker's `v`. */
export function fileInfoToBody(fi: FileInfo): XlVersionBody {
  const { sys, usr } = routeMeta(fi);
  if (fi.deleted) {
    if (fi.freeVersion && !Object.hasOwn(sys, FREE_VERSION_KEY)) sys[FREE_VERSION_KEY] = new Uint8Array(0);
    return { type: DELETE_TYPE, deleteMarker: { id: idBytes(fi), mTime: fi.modTimeNs, metaSys: sys }, writtenBy: BUNKER_WRITTEN_BY };
  }
  const e = fi.erasure;
  if (!e) throw new RangeError(`Object version "${fi.versionId}" of "${fi.volume}/${fi.name}" has no erasure info`);
  const parts = fi.parts;
  const object: XlObjectBody = {
    id: idBytes(fi),
    dataDir: fi.dataDir ? uuidToBytes(fi.dataDir) : new Uint8Array(16),
    ecAlgo: 1,
    ecM: e.dataBlocks,
    ecN: e.parityBlocks,
    ecBSize: e.blockSize,
    ecIndex: e.index,
    ecDist: [...e.distribution],
    cSumAlgo: 1,
    partNums: parts.map((p) => p.number),
    partETags: parts.some((p) => p.etag) ? parts.map((p) => p.etag ?? "") : null,
    partSizes: parts.map((p) => p.size),
    partASizes: parts.map((p) => p.actualSize),
    partIdx: parts.some((p) => p.index?.length) ? parts.map((p) => p.index ?? new Uint8Array(0)) : null,
    size: fi.size,
    mTime: fi.modTimeNs,
    metaSys: sys,
    metaUsr: usr,
  };
  return { type: OBJECT_TYPE, object, writtenBy: BUNKER_WRITTEN_BY };
}
