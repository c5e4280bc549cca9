// The body of one xl.meta version (xlMetaV2Version: Type, V1Obj|V2Obj|DelObj, v) as plain data,
// and its tolerant decoder: any integer width, unknown keys skipped, missing keys defaulted.
// Nil and empty are kept apart where MinIO's encoding (and so the signature) depends on it.
import { MsgpackReader } from "../../util/index.ts";
import { DELETE_TYPE, LEGACY_TYPE, OBJECT_TYPE, type XlVersionType } from "./version-header.ts";

/** V2Obj: an object version (SPEC §2.4), field names as MinIO's msgp keys. */
export interface XlObjectBody {
  /** ID: version id, 16 bytes (all zero = null version). */
  id: Uint8Array;
  /** DDir: data dir UUID, 16 bytes. */
  dataDir: Uint8Array;
  /** EcAlgo: 1 = Reed-Solomon. */
  ecAlgo: number;
  /** EcM: data shards. */
  ecM: number;
  /** EcN: parity shards. */
  ecN: number;
  /** EcBSize: erasure block size in bytes. */
  ecBSize: number;
  /** EcIndex: 1-based shard number held by this drive. */
  ecIndex: number;
  /** EcDist: shard number per drive position. */
  ecDist: number[];
  /** CSumAlgo: 1 = HighwayHash256S bitrot. */
  cSumAlgo: number;
  /** PartNums: part numbers. */
  partNums: number[];
  /** PartETags: null when stored as nil. */
  partETags: string[] | null;
  /** PartSizes: stored size per part. */
  partSizes: number[];
  /** PartASizes: actual size per part; null when stored as nil. */
  partASizes: number[] | null;
  /** PartIdx: compression index per part; null when the key is absent (omitempty). */
  partIdx: Uint8Array[] | null;
  /** Size: total stored size. */
  size: number;
  /** MTime: Unix nanoseconds. */
  mTime: bigint;
  /** MetaSys: internal metadata (str → bin); null when stored as nil. */
  metaSys: Record<string, Uint8Array> | null;
  /** MetaUsr: user metadata (str → str); null when stored as nil. */
  metaUsr: Record<string, string> | null;
}

/** DelObj: a delete marker. */
export interface XlDeleteBody {
  /** ID: version id, 16 bytes. */
  id: Uint8Array;
  /** MTime: Unix nanoseconds. */
  mTime: bigint;
  /** MetaSys: internal metadata; null when the key is absent. */
  metaSys: Record<string, Uint8Array> | null;
}

/** A decoded version body. Exactly one of object / deleteMarker / legacy is set, per `type`. */
export interface XlVersionBody {
  /** Type: 1 object, 2 delete marker, 3 legacy. */
  type: XlVersionType;
  /** V2Obj, for type 1. */
  object?: XlObjectBody;
  /** DelObj, for type 2. */
  deleteMarker?: XlDeleteBody;
  /** V1Obj's exact msgpack bytes, for type 3 (decoded on demand by legacy-v1.ts). */
  legacy?: Uint8Array;
  /** v: Unix seconds of the writing release; undefined when the key is absent (pre-2022 writers). */
  writtenBy?: number;
}

/** Decodes a version body; throws MsgpackError or RangeError on malformed input. */
export function decodeVersionBody(bytes: Uint8Array): XlVersionBody {
  const r = new MsgpackReader(bytes);
  const body: Partial<XlVersionBody> = {};
  for (let n = r.readMapHeader(); n > 0; n--) {
    const key = r.readKey();
    if (key === "Type") body.type = r.readUint() as XlVersionType;
    else if (key === "v") body.writtenBy = r.readUint();
    else if (r.tryNil()) continue;
    else if (key === "V2Obj") body.object = decodeObject(r);
    else if (key === "DelObj") body.deleteMarker = decodeDelete(r);
    else if (key === "V1Obj") body.legacy = r.raw();
    else r.skip();
  }
  const ok = (body.type === OBJECT_TYPE && body.object) || (body.type === DELETE_TYPE && body.deleteMarker) || (body.type === LEGACY_TYPE && body.legacy);
  if (!ok) throw new RangeError(`Version body of type ${body.type} lacks its object`);
  return body as XlVersionBody;
}

/**
 * Offset of the EcIndex value in an object body when it is a positive fixint (one byte, as
 * every MinIO writer emits it), else -1. Copies of a version on different drives differ only
 * there (SPEC §2.6), which lets a reader reuse one drive's decoded body for the others.
 */
export function ecIndexOffset(bytes: Uint8Array): number {
  try {
    const r = new MsgpackReader(bytes);
    for (let n = r.readMapHeader(); n > 0; n--) {
      if (r.readKey() !== "V2Obj" || r.tryNil()) {
        r.skip();
        continue;
      }
      for (let m = r.readMapHeader(); m > 0; m--) {
        if (r.readKey() === "EcIndex") return bytes[r.pos] < 0x80 ? r.pos : -1;
        r.skip();
      }
      return -1;
    }
  } catch {
    // malformed: the caller decodes in full and reports it
  }
  return -1;
}

function emptyObject(): XlObjectBody {
  return {
    id: new Uint8Array(16),
    dataDir: new Uint8Array(16),
    ecAlgo: 0,
    ecM: 0,
    ecN: 0,
    ecBSize: 0,
    ecIndex: 0,
    ecDist: [],
    cSumAlgo: 0,
    partNums: [],
    partETags: null,
    partSizes: [],
    partASizes: null,
    partIdx: null,
    size: 0,
    mTime: 0n,
    metaSys: null,
    metaUsr: null,
  };
}

function decodeObject(r: MsgpackReader): XlObjectBody {
  const o = emptyObject();
  for (let n = r.readMapHeader(); n > 0; n--) {
    const key = r.readKey();
    switch (key) {
      case "ID":
        o.id = uuid16(r);
        break;
      case "DDir":
        o.dataDir = uuid16(r);
        break;
      case "EcAlgo":
        o.ecAlgo = r.readUint();
        break;
      case "EcM":
        o.ecM = r.readInt();
        break;
      case "EcN":
        o.ecN = r.readInt();
        break;
      case "EcBSize":
        o.ecBSize = r.readInt();
        break;
      case "EcIndex":
        o.ecIndex = r.readInt();
        break;
      case "EcDist":
        o.ecDist = readInts(r) ?? [];
        break;
      case "CSumAlgo":
        o.cSumAlgo = r.readUint();
        break;
      case "PartNums":
        o.partNums = readInts(r) ?? [];
        break;
      case "PartETags":
        o.partETags = readStrings(r);
        break;
      case "PartSizes":
        o.partSizes = readInts(r) ?? [];
        break;
      case "PartASizes":
        o.partASizes = readInts(r);
        break;
      case "PartIdx":
        o.partIdx = readBins(r);
        break;
      case "Size":
        o.size = r.readInt();
        break;
      case "MTime":
        o.mTime = r.readBigInt();
        break;
      case "MetaSys":
        o.metaSys = readSysMap(r);
        break;
      case "MetaUsr":
        o.metaUsr = readUserMap(r);
        break;
      default:
        r.skip();
    }
  }
  return o;
}

function decodeDelete(r: MsgpackReader): XlDeleteBody {
  const d: XlDeleteBody = { id: new Uint8Array(16), mTime: 0n, metaSys: null };
  for (let n = r.readMapHeader(); n > 0; n--) {
    const key = r.readKey();
    if (key === "ID") d.id = uuid16(r);
    else if (key === "MTime") d.mTime = r.readBigInt();
    else if (key === "MetaSys") d.metaSys = readSysMap(r);
    else r.skip();
  }
  return d;
}

function uuid16(r: MsgpackReader): Uint8Array {
  const b = r.readBin();
  if (b.length !== 16) throw new RangeError(`UUID field of ${b.length} bytes`);
  return b.slice();
}

function readInts(r: MsgpackReader): number[] | null {
  if (r.tryNil()) return null;
  const n = r.readArrayHeader();
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = r.readInt();
  return out;
}

function readStrings(r: MsgpackReader): string[] | null {
  if (r.tryNil()) return null;
  const n = r.readArrayHeader();
  const out = new Array<string>(n);
  for (let i = 0; i < n; i++) out[i] = r.readText();
  return out;
}

function readBins(r: MsgpackReader): Uint8Array[] | null {
  if (r.tryNil()) return null;
  const n = r.readArrayHeader();
  const out = new Array<Uint8Array>(n);
  for (let i = 0; i < n; i++) out[i] = r.tryNil() ? new Uint8Array(0) : r.readBinOrStr().slice();
  return out;
}

/** MetaSys: str → bin (str values tolerated). fromEntries keeps "__proto__" an ordinary key. */
function readSysMap(r: MsgpackReader): Record<string, Uint8Array> | null {
  if (r.tryNil()) return null;
  const entries: [string, Uint8Array][] = [];
  for (let n = r.readMapHeader(); n > 0; n--) {
    const key = r.readKey();
    entries.push([key, r.tryNil() ? new Uint8Array(0) : r.readBinOrStr().slice()]);
  }
  return Object.fromEntries(entries);
}

/** MetaUsr: str → str (bin values tolerated). */
export function readUserMap(r: MsgpackReader): Record<string, string> | null {
  if (r.tryNil()) return null;
  const entries: [string, string][] = [];
  for (let n = r.readMapHeader(); n > 0; n--) {
    const key = r.readKey();
    entries.push([key, r.tryNil() ? "" : r.readText()]);
  }
  return Object.fromEntries(entries);
}
