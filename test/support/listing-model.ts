// A plain in-memory model of S3 listing semantics for a versioned bucket: keys in UTF-8 byte
// order, versions newest first, delete markers, prefix / delimiter roll-up, markers (a common
// prefix is listed only when it sorts after the marker), max-keys and truncation.

export interface ModelVersion {
  versionId: string;
  deleteMarker: boolean;
  /** MD5 of the content ("" for markers). */
  etag: string;
  size: number;
}

const utf8 = new TextEncoder();

/** S3 order: compare UTF-8 bytes (not UTF-16 code units, which put astral characters too early). */
export function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(utf8.encode(a)), Buffer.from(utf8.encode(b)));
}

export type ModelItem = { kind: "object"; key: string; version: ModelVersion; isLatest: boolean } | { kind: "prefix"; prefix: string };

export interface ModelPage {
  items: ModelItem[];
  isTruncated: boolean;
  nextMarker?: string;
  nextVersionIdMarker?: string;
}

export class ListingModel {
  /** key → versions, newest first. */
  readonly keys = new Map<string, ModelVersion[]>();

  put(key: string, v: ModelVersion, replaceNull: boolean): void {
    const list = (this.keys.get(key) ?? []).filter((x) => !(replaceNull && x.versionId === "null"));
    list.unshift(v);
    this.keys.set(key, list);
  }

  deleteVersion(key: string, versionId: string): void {
    const list = (this.keys.get(key) ?? []).filter((x) => x.versionId !== versionId);
    if (list.length === 0) this.keys.delete(key);
    else this.keys.set(key, list);
  }

  sortedKeys(): string[] {
    return [...this.keys.keys()].sort(compareUtf8);
  }

  #rollUp(key: string, prefix: string, delimiter: string): string | null {
    if (!delimiter) return null;
    const i = key.indexOf(delimiter, prefix.length);
    return i < 0 ? null : key.slice(0, i + delimiter.length);
  }

  /** Every item ListObjects would return from the start position, in order. */
  objectItems(prefix: string, delimiter: string, marker: string | undefined): ModelItem[] {
    const out: ModelItem[] = [];
    let last = "";
    for (const key of this.sortedKeys()) {
      if (!key.startsWith(prefix) || (marker !== undefined && compareUtf8(key, marker) <= 0)) continue;
      const latest = this.keys.get(key)![0];
      if (latest.deleteMarker) continue;
      const cp = this.#rollUp(key, prefix, delimiter);
      if (cp !== null) {
        if (cp === last || (marker !== undefined && compareUtf8(cp, marker) <= 0)) continue;
        last = cp;
        out.push({ kind: "prefix", prefix: cp });
      } else out.push({ kind: "object", key, version: latest, isLatest: true });
    }
    return out;
  }

  /** Every item ListObjectVersions would return from (keyMarker, versionIdMarker), in order. */
  versionItems(prefix: string, delimiter: string, keyMarker: string | undefined, versionIdMarker: string | undefined): ModelItem[] {
    const out: ModelItem[] = [];
    let last = "";
    for (const key of this.sortedKeys()) {
      if (!key.startsWith(prefix)) continue;
      if (keyMarker !== undefined) {
        const c = compareUtf8(key, keyMarker);
        if (c < 0 || (c === 0 && !versionIdMarker)) continue;
      }
      const cp = this.#rollUp(key, prefix, delimiter);
      if (cp !== null) {
        if (cp === last || (keyMarker !== undefined && compareUtf8(cp, keyMarker) <= 0)) continue;
        last = cp;
        out.push({ kind: "prefix", prefix: cp });
        continue;
      }
      let versions = this.keys.get(key)!;
      const all = versions;
      if (key === keyMarker && versionIdMarker) {
        const i = versions.findIndex((v) => v.versionId === versionIdMarker);
        versions = i >= 0 ? versions.slice(i + 1) : [];
      }
      for (const v of versions) out.push({ kind: "object", key, version: v, isLatest: v === all[0] });
    }
    return out;
  }

  /** The first page of `items` (max-keys counts objects, versions and prefixes alike). */
  static page(items: ModelItem[], maxKeys: number): ModelPage {
    const items2 = items.slice(0, maxKeys);
    const last = items2.at(-1);
    return {
      items: items2,
      isTruncated: items.length > maxKeys,
      nextMarker: last ? (last.kind === "prefix" ? last.prefix : last.key) : undefined,
      nextVersionIdMarker: last?.kind === "object" ? last.version.versionId : undefined,
    };
  }
}
