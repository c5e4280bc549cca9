// Type 3 ("legacy") versions: an xl.json-era object (V1Obj) kept inside xl.meta until it is
// overwritten. We keep its bytes untouched and decode only what a FileInfo needs. The
// signature recipe for these is UNCONFIRMED against real files (SPEC §11); see legacySignatureHash.
import { MsgpackReader, MsgpackWriter } from "../../util/index.ts";
import type { ErasureInfo, PartInfo } from "../file-info.ts";
import { readUserMap } from "./version-body.ts";

/** The parts of a V1Obj that FileInfo carries. */
export interface LegacyObject {
  /** VersionID (V1Obj string field; "" and "null" both mean the null version). */
  versionId: string;
  /** DataDir: directory of the part files, always "legacy" in practice. */
  dataDir: string;
  /** Stat.Size. */
  size: number;
  /** Stat.ModTime as Unix nanoseconds. */
  modTimeNs: bigint;
  /** Meta: user and internal metadata in one map, as xl.json had it. */
  meta: Record<string, string>;
  /** Erasure.{DataBlocks, ParityBlocks, BlockSize, Index, Distribution}. */
  erasure: ErasureInfo;
  /** Parts: Number, Size, ActualSize, ETag. */
  parts: PartInfo[];
}

/** Calls `fn(key, reader)` for each entry of the map at the reader; `fn` must consume the value. */
function eachEntry(r: MsgpackReader, fn: (key: string) => void): void {
  for (let n = r.readMapHeader(); n > 0; n--) {
    const key = r.readKey();
    if (r.tryNil()) continue;
    fn(key);
  }
}

/** Decodes the fields of a V1Obj that FileInfo needs; unknown fields are skipped. */
export function decodeLegacy(raw: Uint8Array): LegacyObject {
  const out: LegacyObject = {
    versionId: "",
    dataDir: "legacy",
    size: 0,
    modTimeNs: 0n,
    meta: {},
    parts: [],
    erasure: { dataBlocks: 0, parityBlocks: 0, blockSize: 0, index: 0, distribution: [] },
  };
  const r = new MsgpackReader(raw);
  eachEntry(r, (key) => {
    if (key === "Stat") decodeStat(r, out);
    else if (key === "Erasure") decodeErasure(r, out.erasure);
    else if (key === "Meta") out.meta = readUserMap(r) ?? {};
    else if (key === "Parts") out.parts = decodeParts(r);
    else if (key === "VersionID") out.versionId = r.readText();
    else if (key === "DataDir") out.dataDir = r.readText();
    else r.skip();
  });
  return out;
}

function decodeStat(r: MsgpackReader, out: LegacyObject): void {
  eachEntry(r, (k) => {
    if (k === "Size") out.size = r.readInt();
    else if (k === "ModTime") out.modTimeNs = r.readTimeNs();
    else r.skip();
  });
}

function decodeErasure(r: MsgpackReader, e: ErasureInfo): void {
  eachEntry(r, (k) => {
    if (k === "DataBlocks") e.dataBlocks = r.readInt();
    else if (k === "ParityBlocks") e.parityBlocks = r.readInt();
    else if (k === "BlockSize") e.blockSize = r.readInt();
    else if (k === "Index") e.index = r.readInt();
    else if (k === "Distribution") {
      const n = r.readArrayHeader();
      for (let i = 0; i < n; i++) e.distribution.push(r.readInt());
    } else r.skip();
  });
}

/** Parts entries: Go field names, or the short msgp tags newer MinIO releases use (e, n, s, as). */
function decodeParts(r: MsgpackReader): PartInfo[] {
  const parts: PartInfo[] = [];
  for (let n = r.readArrayHeader(); n > 0; n--) {
    const p: PartInfo = { number: 0, size: 0, actualSize: -1 };
    eachEntry(r, (k) => {
      if (k === "Number" || k === "n") p.number = r.readInt();
      else if (k === "Size" || k === "s") p.size = r.readInt();
      else if (k === "ActualSize" || k === "as") p.actualSize = r.readInt();
      else if (k === "ETag" || k === "e") p.etag = r.readText();
      else r.skip();
    });
    if (p.actualSize < 0) p.actualSize = p.size;
    if (!p.etag) delete p.etag;
    parts.push(p);
  }
  return parts;
}

/** Stat.ModTime of a V1Obj in Unix nanoseconds (the header ModTime of a legacy version). */
export function legacyModTimeNs(raw: Uint8Array): bigint {
  return decodeLegacy(raw).modTimeNs;
}

/**
 * MinIO's legacy signature: hash(Meta) XOR xxHash64(V1Obj encoded with Erasure.Index = 0,
 * Minio.Release = "" and Meta = nil). We re-emit the stored bytes with just those three values
 * patched, which equals msgp's re-encoding when the bytes came from msgp. UNCONFIRMED: no
 * fixture holds a legacy version.
 */
export function legacySignatureHash(raw: Uint8Array, hashUser: (m: Record<string, string> | null) => bigint): bigint {
  const r = new MsgpackReader(raw);
  const w = new MsgpackWriter(raw.length + 16);
  let h = hashUser(null);
  const copyMap = (patch: (key: string) => boolean): void => {
    const n = r.readMapHeader();
    w.mapHeader(n);
    for (let i = 0; i < n; i++) {
      const start = r.pos;
      const key = r.readKey();
      w.raw(raw.subarray(start, r.pos));
      if (!patch(key)) w.raw(r.raw());
    }
  };
  copyMap((key) => {
    if (key === "Meta") {
      h = hashUser(readUserMap(r));
      w.nil();
    } else if (key === "Erasure" && r.kind() === "map") {
      copyMap((k) => k === "Index" && (r.skip(), w.int(0), true));
    } else if (key === "Minio" && r.kind() === "map") {
      copyMap((k) => k === "Release" && (r.skip(), w.str(""), true));
    } else return false;
    return true;
  });
  return h ^ Bun.hash.xxHash64(w.view());
}
