// MinIO's load-time repairs of old xl.meta (SPEC §2.6): versions written with metaVersion < 2
// or < 3 are rewritten on load, which changes their signature. We apply the same repairs so
// our headers agree with what MinIO computes for the same drive.
import { decodeVersionBody, type XlVersionBody } from "./version-body.ts";
import { encodeVersionBody } from "./version-body-encode.ts";
import { headerFromBody } from "./signature.ts";
import { DELETE_TYPE, OBJECT_TYPE, type XlVersionHeader } from "./version-header.ts";

/** One version as XlMeta holds it: header, encoded body, and the body decoded on demand. */
export interface VersionSlot {
  /** The header (stored, or regenerated from the body). */
  header: XlVersionHeader;
  /** The version body's msgpack bytes, kept verbatim unless the version changed. */
  body: Uint8Array;
  /** Cache of decodeVersionBody(body). */
  decoded?: XlVersionBody;
  /** Cache of ecIndexOffset(body). */
  ecIndexAt?: number;
}

const REPLICATION_TIMESTAMP = "x-minio-internal-replication-timestamp";
const REPLICA_TIMESTAMP = "x-minio-internal-replica-timestamp";
/** Releases 2023-12-02 .. 2024-10-29 wrote bogus compression indexes (exclusive bounds, Unix s). */
const BAD_INDEX_FROM = 1701471618;
const BAD_INDEX_UNTIL = 1730156418;
const MAX_UNINDEXED_PART = 8 << 20;

/** MinIO's cheap pre-check: the raw body mentions PartIdx and the s2 compression key (exact bytes). */
function mayHaveBogusIndex(body: Uint8Array): boolean {
  const buf = Buffer.from(body.buffer, body.byteOffset, body.length);
  return buf.indexOf("\xa7PartIdx", 0, "latin1") >= 0 && buf.indexOf("\xbcX-Minio-Internal-compression\xc4\x15klauspost/compress/s2", 0, "latin1") >= 0;
}

/** Applies MinIO's repairs for a file whose versions were written with `metaVersion`. */
export function applyLoadFixups(slot: VersionSlot, metaVersion: number): void {
  let body: XlVersionBody | undefined;
  if (metaVersion < 3 && slot.header.type === OBJECT_TYPE && mayHaveBogusIndex(slot.body)) {
    body = decodeVersionBody(slot.body);
    if (!dropBogusPartIndexes(body)) body = undefined;
  } else if (metaVersion < 2 && slot.header.type === DELETE_TYPE) {
    body = decodeVersionBody(slot.body);
    if (!normaliseReplicationTimes(body)) body = undefined;
  }
  if (!body) return;
  slot.body = encodeVersionBody(body);
  slot.decoded = body;
  slot.header = headerFromBody(body);
}

/** Clears indexes of parts ≤ 8 MiB written by the affected releases; true if anything changed. */
function dropBogusPartIndexes(body: XlVersionBody): boolean {
  const o = body.object;
  const v = body.writtenBy ?? 0;
  if (!o?.partIdx?.length || v <= BAD_INDEX_FROM || v >= BAD_INDEX_UNTIL) return false;
  let changed = false;
  let allEmpty = true;
  (o.partASizes ?? []).forEach((size, i) => {
    if (i >= o.partIdx!.length) return;
    if (size <= MAX_UNINDEXED_PART && o.partIdx![i].length > 0) {
      o.partIdx![i] = new Uint8Array(0);
      changed = true;
    }
    allEmpty &&= o.partIdx![i].length === 0;
  });
  if (changed && allEmpty) o.partIdx = null;
  return changed;
}

/** Rewrites replication timestamps of a delete marker in UTC; true if either key exists. */
function normaliseReplicationTimes(body: XlVersionBody): boolean {
  const sys = body.deleteMarker?.metaSys;
  if (!sys || !(Object.hasOwn(sys, REPLICATION_TIMESTAMP) || Object.hasOwn(sys, REPLICA_TIMESTAMP))) return false;
  for (const key of [REPLICATION_TIMESTAMP, REPLICA_TIMESTAMP]) {
    if (!Object.hasOwn(sys, key)) continue;
    const utc = toUtcRfc3339Nano(new TextDecoder().decode(sys[key]));
    if (utc !== undefined) sys[key] = new TextEncoder().encode(utc);
  }
  return true;
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/** Go's time.Parse(RFC3339Nano) → UTC → Format(RFC3339Nano); undefined if it does not parse. */
function toUtcRfc3339Nano(text: string): string | undefined {
  const m = RFC3339.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac = "", z, sign, oh, om] = m;
  const offsetMin = z ? 0 : (sign === "-" ? -1 : 1) * (Number(oh) * 60 + Number(om));
  const date = new Date(0);
  date.setUTCFullYear(Number(y), Number(mo) - 1, Number(d));
  date.setUTCHours(Number(h), Number(mi) - offsetMin, Number(s), 0);
  const pad = (n: number, w = 2) => String(n).padStart(w, "0");
  const fraction = frac.padEnd(9, "0").replace(/0+$/, "");
  return (
    `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}` +
    `T${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}` +
    `${fraction ? "." + fraction : ""}Z`
  );
}
