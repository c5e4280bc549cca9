// Encodes version bodies exactly as MinIO's msgp-generated code does (SPEC §2.4, §2.5): fixed
// key order, signed vs unsigned ints, nil vs empty. The same code serves signatures, which
// encode the body with the drive-specific and map fields blanked (SPEC §2.6).
import { MsgpackWriter } from "../../util/index.ts";
import type { XlDeleteBody, XlObjectBody, XlVersionBody } from "./version-body.ts";

/** `v` stamped on versions Bunker writes: 2026-01-01T00:00:00Z, after every MinIO load-time fix-up window. */
export const BUNKER_WRITTEN_BY = 1767225600;

/** Encodes a whole version body: {Type, V2Obj|DelObj|V1Obj, v}. */
export function encodeVersionBody(body: XlVersionBody, w = new MsgpackWriter(512)): Uint8Array {
  w.mapHeader(3);
  w.str("Type");
  w.uint(body.type);
  if (body.object) {
    w.str("V2Obj");
    writeObject(w, body.object, false);
  } else if (body.deleteMarker) {
    w.str("DelObj");
    writeDelete(w, body.deleteMarker, false);
  } else if (body.legacy) {
    w.str("V1Obj");
    w.raw(body.legacy);
  } else throw new RangeError(`Version body of type ${body.type} lacks its object`);
  w.str("v");
  w.uint(body.writtenBy ?? 0);
  return w.bytes();
}

/**
 * V2Obj with its 17 fields (18 with PartIdx). `forSignature` applies SPEC §2.6: EcIndex 0,
 * all-empty PartETags and empty PartASizes become nil, MetaSys/MetaUsr nil.
 */
export function writeObject(w: MsgpackWriter, o: XlObjectBody, forSignature: boolean): void {
  const hasIdx = o.partIdx !== null && o.partIdx.length > 0;
  w.mapHeader(hasIdx ? 18 : 17);
  w.str("ID");
  w.bin(o.id);
  w.str("DDir");
  w.bin(o.dataDir);
  w.str("EcAlgo");
  w.uint(o.ecAlgo);
  w.str("EcM");
  w.int(o.ecM);
  w.str("EcN");
  w.int(o.ecN);
  w.str("EcBSize");
  w.int(o.ecBSize);
  w.str("EcIndex");
  w.int(forSignature ? 0 : o.ecIndex);
  w.str("EcDist");
  w.arrayHeader(o.ecDist.length);
  for (const d of o.ecDist) w.uint(d);
  w.str("CSumAlgo");
  w.uint(o.cSumAlgo);
  w.str("PartNums");
  writeInts(w, o.partNums);
  w.str("PartETags");
  const etags = forSignature && (o.partETags ?? []).every((e) => e === "") ? null : o.partETags;
  writeStrings(w, etags);
  w.str("PartSizes");
  writeInts(w, o.partSizes);
  w.str("PartASizes");
  writeInts(w, forSignature && o.partASizes?.length === 0 ? null : o.partASizes);
  if (hasIdx) {
    w.str("PartIdx");
    w.arrayHeader(o.partIdx!.length);
    for (const idx of o.partIdx!) w.bin(idx);
  }
  w.str("Size");
  w.int(o.size);
  w.str("MTime");
  w.int(o.mTime);
  w.str("MetaSys");
  writeSysMap(w, forSignature ? null : o.metaSys);
  w.str("MetaUsr");
  writeUserMap(w, forSignature ? null : o.metaUsr);
}

/** DelObj: ID, MTime, then MetaSys unless nil (always omitted for the signature). */
export function writeDelete(w: MsgpackWriter, d: XlDeleteBody, forSignature: boolean): void {
  const sys = forSignature ? null : d.metaSys;
  w.mapHeader(sys ? 3 : 2);
  w.str("ID");
  w.bin(d.id);
  w.str("MTime");
  w.int(d.mTime);
  if (sys) {
    w.str("MetaSys");
    writeSysMap(w, sys);
  }
}

function writeInts(w: MsgpackWriter, values: number[] | null): void {
  if (values === null) return w.nil();
  w.arrayHeader(values.length);
  for (const v of values) w.int(v);
}

function writeStrings(w: MsgpackWriter, values: string[] | null): void {
  if (values === null) return w.nil();
  w.arrayHeader(values.length);
  for (const v of values) w.str(v);
}

function writeSysMap(w: MsgpackWriter, map: Record<string, Uint8Array> | null): void {
  if (map === null) return w.nil();
  const keys = Object.keys(map);
  w.mapHeader(keys.length);
  for (const k of keys) {
    w.str(k);
    w.bin(map[k]);
  }
}

function writeUserMap(w: MsgpackWriter, map: Record<string, string> | null): void {
  if (map === null) return w.nil();
  const keys = Object.keys(map);
  w.mapHeader(keys.length);
  for (const k of keys) {
    w.str(k);
    w.str(map[k]);
  }
}
