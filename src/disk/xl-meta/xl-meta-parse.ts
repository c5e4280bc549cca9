// Reads every xl.meta layout MinIO ever wrote (SPEC §2.1): "XL2 1   " (v1.0, bare map),
// v1.1 (bin-wrapped map), v1.2 (+ CRC), v1.3 (indexed headers + CRC). Throws MsgpackError or
// RangeError on damage; XlMeta.parse turns those into DriveError("Corrupt").
import { MsgpackReader } from "../../util/index.ts";
import { InlineData } from "./inline-data.ts";
import { applyLoadFixups, type VersionSlot } from "./load-fixups.ts";
import { headerFromBody } from "./signature.ts";
import { decodeVersionBody } from "./version-body.ts";
import { compareHeaders, decodeHeader } from "./version-header.ts";

/** What a file holds once loaded: versions newest first and the inline section. */
export interface ParsedXlMeta {
  /** Versions, sorted newest first. */
  slots: VersionSlot[];
  /** The inline data section (empty for v1.0 files). */
  inline: InlineData;
}

/** Thrown for a file that is not XL2 at all; XlMeta.parse reports it with its own message. */
export class NotXl2Error extends Error {}

const MAGIC = [0x58, 0x4c, 0x32, 0x20]; // "XL2 "
const V1_0 = [0x31, 0x20, 0x20, 0x20]; // "1   "

function startsWith(b: Uint8Array, at: number, bytes: number[]): boolean {
  return bytes.every((x, i) => b[at + i] === x);
}

/** Low 32 bits of xxHash64 (seed 0): the xl.meta metadata checksum. */
export function metadataCrc(meta: Uint8Array): number {
  return Number(Bun.hash.xxHash64(meta) & 0xffffffffn);
}

function readCrc(r: MsgpackReader, meta: Uint8Array): void {
  const stored = r.readUint();
  const actual = metadataCrc(meta);
  if (stored !== actual) throw new RangeError(`Checksum mismatch: stored 0x${stored.toString(16)}, computed 0x${actual.toString(16)}`);
}

export function parseXlMeta(bytes: Uint8Array): ParsedXlMeta {
  if (bytes.length <= 8 || !startsWith(bytes, 0, MAGIC)) throw new NotXl2Error("Not an XL2 file");
  const v10 = startsWith(bytes, 4, V1_0);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = v10 ? 1 : view.getUint16(4, true);
  const minor = v10 ? 0 : view.getUint16(6, true);
  if (major !== 1) throw new RangeError(`Unknown xl.meta major version ${major}`);
  if (minor >= 3) return parseIndexed(bytes);
  if (minor === 0) return parseLegacy(bytes.subarray(8), InlineData.empty());
  const r = new MsgpackReader(bytes, 8);
  const meta = r.readBin();
  if (minor === 2) readCrc(r, meta);
  return parseLegacy(meta, InlineData.parse(r.rest()));
}

/** v1.3: bin(meta) + CRC + inline; meta = headerVersion, metaVersion, count, count × (bin hdr, bin body). */
function parseIndexed(bytes: Uint8Array): ParsedXlMeta {
  const r = new MsgpackReader(bytes, 8);
  const meta = r.readBin();
  readCrc(r, meta);
  const inline = InlineData.parse(r.rest());
  const m = new MsgpackReader(meta);
  const headerVersion = m.readUint();
  const metaVersion = m.readUint();
  if (headerVersion < 1 || headerVersion > 3) throw new RangeError(`Unknown xl header version ${headerVersion}`);
  if (metaVersion > 3) throw new RangeError(`Unknown xl meta version ${metaVersion}`);
  const count = m.readInt();
  // Each version needs at least two 2-byte bins; checked before allocating anything per version.
  if (count < 0 || count * 4 > m.remaining) throw new RangeError(`Version count ${count} does not fit in ${m.remaining} bytes`);
  const slots: VersionSlot[] = [];
  for (let i = 0; i < count; i++) {
    const hdr = m.readBin();
    const body = m.readBin();
    let header = decodeHeader(hdr, headerVersion);
    // Header version 1 (never released) has no signature: regenerate it from the body.
    if (headerVersion === 1) header = headerFromBody(decodeVersionBody(body));
    const slot: VersionSlot = { header, body };
    applyLoadFixups(slot, metaVersion);
    slots.push(slot);
  }
  return { slots, inline };
}

/** v1.0–v1.2: {"Versions": [body, ...]} in arbitrary order; headers are rebuilt from bodies. */
function parseLegacy(meta: Uint8Array, inline: InlineData): ParsedXlMeta {
  const r = new MsgpackReader(meta);
  const slots: VersionSlot[] = [];
  for (let n = r.readMapHeader(); n > 0; n--) {
    if (r.readKey() !== "Versions") {
      r.skip();
      continue;
    }
    if (r.tryNil()) continue;
    for (let count = r.readArrayHeader(); count > 0; count--) {
      const body = r.raw();
      const decoded = decodeVersionBody(body);
      const slot: VersionSlot = { header: headerFromBody(decoded), body, decoded };
      applyLoadFixups(slot, 1);
      slots.push(slot);
    }
  }
  slots.sort((a, b) => compareHeaders(a.header, b.header));
  return { slots, inline };
}
