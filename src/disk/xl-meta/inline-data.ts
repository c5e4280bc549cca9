// The inline data section after the xl.meta CRC (SPEC §2.9): version byte 0x01, then a msgpack
// map of key (version id, "null", or a 2021-era data dir) → the drive's bitrot-framed shard.
// Like MinIO, a damaged section keeps the entries readable before the damage.
import { MsgpackReader, MsgpackWriter } from "../../util/index.ts";

const SECTION_VERSION = 0x01;

export class InlineData {
  /** Entries in stored order; values are views into the parsed file until replaced. */
  #entries: [string, Uint8Array][];
  /** The section exactly as read, while nothing has changed (reused byte for byte). */
  #raw: Uint8Array | null;

  private constructor(entries: [string, Uint8Array][], raw: Uint8Array | null) {
    this.#entries = entries;
    this.#raw = raw;
  }

  static empty(): InlineData {
    return new InlineData([], null);
  }

  /** Parses a section (possibly empty). Never throws: invalid tails are dropped as MinIO's repair does. */
  static parse(section: Uint8Array): InlineData {
    if (section.length === 0) return InlineData.empty();
    if (section[0] !== SECTION_VERSION) return InlineData.empty();
    const entries: [string, Uint8Array][] = [];
    const r = new MsgpackReader(section, 1);
    let intact = false;
    try {
      const n = r.readMapHeader();
      for (let i = 0; i < n; i++) {
        const key = r.readText(); // version ids: not worth interning
        if (key === "") throw new RangeError("Empty inline data key");
        entries.push([key, r.readBin()]);
      }
      intact = true;
    } catch {
      // Keep what was read before the damage; the section is re-serialized on write.
    }
    return new InlineData(entries, intact ? section : null);
  }

  get size(): number {
    return this.#entries.length;
  }

  keys(): string[] {
    return this.#entries.map(([k]) => k);
  }

  get(key: string): Uint8Array | undefined {
    return this.#entries.find(([k]) => k === key)?.[1];
  }

  /** Replaces the entry in place, or appends it (MinIO's order). */
  set(key: string, value: Uint8Array): void {
    const e = this.#entries.find(([k]) => k === key);
    if (e) e[1] = value;
    else this.#entries.push([key, value]);
    this.#raw = null;
  }

  /** Removes the given keys; returns true if any existed. */
  remove(...keys: string[]): boolean {
    const before = this.#entries.length;
    this.#entries = this.#entries.filter(([k]) => !keys.includes(k));
    if (this.#entries.length === before) return false;
    this.#raw = null;
    return true;
  }

  /** The section bytes: unchanged input as read, or re-serialized; empty when there are no entries. */
  toBytes(): Uint8Array {
    if (this.#raw) return this.#raw;
    if (this.#entries.length === 0) return new Uint8Array(0);
    let size = 6;
    for (const [k, v] of this.#entries) size += k.length * 3 + v.length + 10;
    const w = new MsgpackWriter(size);
    w.raw(new Uint8Array([SECTION_VERSION]));
    w.mapHeader(this.#entries.length);
    for (const [k, v] of this.#entries) {
      w.str(k);
      w.bin(v);
    }
    return w.bytes();
  }
}
