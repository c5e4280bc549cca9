// XlMeta: the xl.meta of one object on one drive — all versions newest first, plus the inline
// data section. Reads every MinIO layout, always writes XL2 v1.3, and re-encodes only the
// versions we change so untouched versions stay byte-identical to what MinIO wrote.
import { MsgpackWriter } from "../../util/index.ts";
import { DriveError } from "../drive-error.ts";
import { NULL_VERSION_ID, type FileInfo } from "../file-info.ts";
import { bodyToFileInfo, fileInfoToBody } from "./file-info-codec.ts";
import { InlineData } from "./inline-data.ts";
import type { VersionSlot } from "./load-fixups.ts";
import { headerFromBody } from "./signature.ts";
import { decodeVersionBody, ecIndexOffset, type XlVersionBody } from "./version-body.ts";
import { encodeVersionBody } from "./version-body-encode.ts";
import {
  compareHeaders,
  encodeHeader,
  FLAG_FREE_VERSION,
  FLAG_USES_DATA_DIR,
  HEADER_VERSION,
  LEGACY_TYPE,
  OBJECT_TYPE,
  type XlVersionHeader,
} from "./version-header.ts";
import { metadataCrc, NotXl2Error, parseXlMeta } from "./xl-meta-parse.ts";

/** Options of XlMeta.fileInfo. */
export interface FileInfoOptions {
  /** Include this drive's inline shard stream as `fi.data` when the version is inlined. */
  data?: boolean;
  /**
   * Another drive's xl.meta holding the same version, whose fileInfo() for it was already
   * read: when the two bodies differ only in EcIndex, its decoded body is reused (no decode).
   */
  like?: XlMeta;
}

/** Metadata version written in the v1.3 block (SPEC §2.11). */
const META_VERSION = 3;
const XL2_V13 = new Uint8Array([0x58, 0x4c, 0x32, 0x20, 0x01, 0x00, 0x03, 0x00]);

/** Wraps anything a decoder threw as DriveError("Corrupt"), keeping DriveErrors as they are. */
function corrupt(err: unknown, what: string): DriveError {
  if (err instanceof DriveError) return err;
  if (err instanceof NotXl2Error) return new DriveError("Corrupt", `${what}: not an XL2 file (legacy xl.json metadata is not supported)`, { cause: err });
  const detail = err instanceof Error ? err.message : String(err);
  return new DriveError("Corrupt", `${what}: ${detail}`, { cause: err });
}

/** "" and "null" name the null version; UUIDs compare in lower case. */
function normaliseVersionId(id: string): string {
  return id === "" ? NULL_VERSION_ID : id.toLowerCase();
}

export class XlMeta {
  #slots: VersionSlot[];
  #inline: InlineData;

  private constructor(slots: VersionSlot[], inline: InlineData) {
    this.#slots = slots;
    this.#inline = inline;
  }

  /**
   * Loads an xl.meta (any layout). Keeps views into `bytes`: do not modify it afterwards.
   * Empty input → DriveError("FileNotFound"); anything unreadable → DriveError("Corrupt").
   */
  static parse(bytes: Uint8Array): XlMeta {
    if (bytes.length === 0) throw new DriveError("FileNotFound", "xl.meta is empty");
    try {
      const parsed = parseXlMeta(bytes);
      return new XlMeta(parsed.slots, parsed.inline);
    } catch (err) {
      throw corrupt(err, "Cannot read xl.meta");
    }
  }

  /** An xl.meta with no versions, to add the first one to. */
  static empty(): XlMeta {
    return new XlMeta([], InlineData.empty());
  }

  /** Version headers, newest first (free versions included). */
  get versions(): readonly XlVersionHeader[] {
    return this.#slots.map((s) => s.header);
  }

  #body(slot: VersionSlot): XlVersionBody {
    try {
      slot.decoded ??= decodeVersionBody(slot.body);
      return slot.decoded;
    } catch (err) {
      throw corrupt(err, `Cannot decode version "${slot.header.versionId}" in xl.meta`);
    }
  }

  #toFileInfo(slot: VersionSlot, volume: string, name: string): FileInfo {
    const body = this.#body(slot);
    try {
      return bodyToFileInfo(body, volume, name);
    } catch (err) {
      throw corrupt(err, `Cannot decode version "${slot.header.versionId}" of "${volume}/${name}"`);
    }
  }

  /** Takes `like`'s decoded copy of the slot's version when only the EcIndex byte differs. */
  #borrowBody(slot: VersionSlot, like: XlMeta): void {
    const other = like.#slots[like.#indexOf(slot.header.versionId)];
    const o = other?.decoded?.object;
    if (!o || other.body.length !== slot.body.length) return;
    const at = (other.ecIndexAt ??= ecIndexOffset(other.body));
    if (at < 0 || slot.body[at] >= 0x80) return;
    const a = slot.body;
    const b = other.body;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && i !== at) return;
    slot.decoded = { ...other.decoded!, object: { ...o, ecIndex: a[at] } };
  }

  #indexOf(versionId: string): number {
    const want = normaliseVersionId(versionId);
    return this.#slots.findIndex((s) => s.header.versionId === want);
  }

  /** Inline bytes of a version: keyed by version id, or by data dir in 2021-era files (SPEC §2.9). */
  #inlineFor(versionId: string, dataDir: string): Uint8Array | undefined {
    return this.#inline.get(versionId) ?? (dataDir ? this.#inline.get(dataDir) : undefined);
  }

  /**
   * One version: "" = the latest non-free version, "null" = the null version, else a UUID.
   * Sets isLatest / successorModTimeNs (relative to non-free versions) and numVersions (non-free).
   */
  fileInfo(volume: string, name: string, versionId: string, opts: FileInfoOptions = {}): FileInfo {
    const want = versionId === "" ? "" : normaliseVersionId(versionId);
    let isLatest = true;
    let successor = 0n;
    let found = -1;
    for (let i = 0; i < this.#slots.length && found < 0; i++) {
      const h = this.#slots[i].header;
      const free = (h.flags & FLAG_FREE_VERSION) !== 0;
      if (want === "" ? !free : h.versionId === want) found = i;
      else if (!free) {
        isLatest = false;
        successor = h.modTimeNs;
      }
    }
    if (found < 0) {
      if (want === "") throw new DriveError("FileNotFound", `No visible version of "${volume}/${name}" in xl.meta`);
      throw new DriveError("VersionNotFound", `Version "${versionId}" of "${volume}/${name}" not found in xl.meta`);
    }
    const slot = this.#slots[found];
    if (opts.like && !slot.decoded) this.#borrowBody(slot, opts.like);
    const fi = this.#toFileInfo(slot, volume, name);
    fi.isLatest = isLatest;
    fi.successorModTimeNs = successor;
    fi.numVersions = this.#slots.filter((s) => (s.header.flags & FLAG_FREE_VERSION) === 0).length;
    if (opts.data && !fi.deleted) {
      const data = this.#inlineFor(fi.versionId, fi.dataDir);
      if (data) fi.data = data;
    }
    return fi;
  }

  /** Every version newest first (free versions included, no inline data), as MinIO lists them. */
  fileInfos(volume: string, name: string): FileInfo[] {
    return this.#slots.map((slot, i) => {
      const fi = this.#toFileInfo(slot, volume, name);
      fi.isLatest = i === 0;
      fi.successorModTimeNs = i === 0 ? 0n : this.#slots[i - 1].header.modTimeNs;
      fi.numVersions = this.#slots.length;
      return fi;
    });
  }

  /** This drive's inline shard stream of a version, or undefined (version absent or not inline). */
  inlineData(versionId: string): Uint8Array | undefined {
    const i = this.#indexOf(versionId);
    if (i < 0 || this.#inline.size === 0) return undefined;
    const slot = this.#slots[i];
    const byId = this.#inline.get(slot.header.versionId);
    if (byId || slot.header.type !== OBJECT_TYPE) return byId;
    return this.#inlineFor(slot.header.versionId, this.#toFileInfo(slot, "", "").dataDir);
  }

  #slotFor(fi: FileInfo): VersionSlot {
    const body = fileInfoToBody(fi);
    return { header: headerFromBody(body), body: encodeVersionBody(body) };
  }

  #replaceAt(i: number, slot: VersionSlot): void {
    const moved = this.#slots[i].header.modTimeNs !== slot.header.modTimeNs;
    this.#slots[i] = slot;
    if (moved) this.#slots.sort((a, b) => compareHeaders(a.header, b.header));
  }

  /**
   * Adds a version, or replaces the one with the same id (the null version whatever its type).
   * `fi.data` becomes this version's inline data; an object without data (and size > 0) or a
   * delete marker drops any stale inline data under its id. Throws RangeError for a FileInfo
   * that cannot be stored (bad UUIDs, object without erasure info): a caller bug.
   */
  addVersion(fi: FileInfo): void {
    const slot = this.#slotFor(fi);
    const key = slot.header.versionId;
    const i = this.#indexOf(key);
    if (i >= 0) {
      const old = this.#slots[i];
      if (old.header.type === OBJECT_TYPE) this.#dropDataDirEntry(old, fi.dataDir);
      this.#replaceAt(i, slot);
    } else {
      // MinIO inserts before the first version that is not newer (SPEC §2.7).
      const at = this.#slots.findIndex((s) => s.header.modTimeNs <= slot.header.modTimeNs);
      this.#slots.splice(at < 0 ? this.#slots.length : at, 0, slot);
    }
    if (!fi.deleted && (fi.data?.length || fi.size === 0)) this.#inline.set(key, fi.data ?? new Uint8Array(0));
    else this.#inline.remove(key);
  }

  /** Drops a 2021-style inline entry keyed by the replaced version's data dir. */
  #dropDataDirEntry(old: VersionSlot, newDataDir: string): void {
    if (this.#inline.size === 0) return;
    try {
      const dir = bodyToFileInfo(this.#body(old), "", "").dataDir;
      if (dir && dir !== newDataDir) this.#inline.remove(dir);
    } catch {
      // A corrupt old body has nothing we can trust; it is being replaced anyway.
    }
  }

  /** Replaces the metadata of an existing version, keeping its inline data; VersionNotFound if absent. */
  updateVersion(fi: FileInfo): void {
    const i = this.#indexOf(fi.versionId);
    if (i < 0) throw new DriveError("VersionNotFound", `Version "${fi.versionId}" of "${fi.volume}/${fi.name}" not found in xl.meta`);
    this.#replaceAt(i, this.#slotFor(fi));
  }

  /**
   * Removes a version ("" or "null" = the null version) and its inline data; returns what it
   * was (volume and name are "", this class does not know them). VersionNotFound if absent.
   */
  deleteVersion(versionId: string): FileInfo {
    const i = this.#indexOf(versionId);
    if (i < 0) throw new DriveError("VersionNotFound", `Version "${versionId}" not found in xl.meta`);
    const fi = this.#toFileInfo(this.#slots[i], "", "");
    this.#slots.splice(i, 1);
    this.#inline.remove(fi.versionId);
    if (fi.dataDir && this.dataDirRefs(fi.dataDir) === 0) this.#inline.remove(fi.dataDir);
    return fi;
  }

  /** Number of versions whose data lives in `dataDir` (delete the directory only when 0). */
  dataDirRefs(dataDir: string): number {
    let refs = 0;
    for (const slot of this.#slots) {
      const { type, flags } = slot.header;
      const usesDir = (type === OBJECT_TYPE && (flags & FLAG_USES_DATA_DIR) !== 0) || type === LEGACY_TYPE;
      if (usesDir && this.#toFileInfo(slot, "", "").dataDir === dataDir) refs++;
    }
    return refs;
  }

  /** XL2 v1.3 bytes: header version 3, meta version 3, bin32 block, 5-byte CRC, inline section. */
  toBytes(): Uint8Array {
    return this.#serialize(true);
  }

  /** Same as toBytes without the inline section (what listings and merges need). */
  toBytesWithoutData(): Uint8Array {
    return this.#serialize(false);
  }

  #serialize(withData: boolean): Uint8Array {
    let size = 32;
    for (const s of this.#slots) size += s.body.length + 48;
    const inline = withData ? this.#inline.toBytes() : new Uint8Array(0);
    const w = new MsgpackWriter(size + inline.length);
    w.raw(XL2_V13);
    w.raw(new Uint8Array([0xc6, 0, 0, 0, 0])); // bin32 always, length patched below
    const start = w.length;
    w.uint(HEADER_VERSION);
    w.uint(META_VERSION);
    w.int(this.#slots.length);
    const hw = new MsgpackWriter(64);
    for (const s of this.#slots) {
      hw.reset();
      encodeHeader(hw, s.header);
      w.bin(hw.view());
      w.bin(s.body);
    }
    w.patchUint32(start - 4, w.length - start);
    const crc = new Uint8Array(5);
    crc[0] = 0xce; // fixed-width uint32 since v1.3
    new DataView(crc.buffer).setUint32(1, metadataCrc(w.view().subarray(start)));
    w.raw(crc);
    w.raw(inline);
    return w.bytes();
  }
}
