// part.N.meta (SPEC §5): the msgpack record MinIO keeps beside each uploaded part of an
// in-progress multipart upload (Go's ObjectPartInfo with its short msgp keys).
import { MsgpackReader, MsgpackWriter } from "../util/index.ts";
import { DriveError } from "./drive-error.ts";

/** One uploaded part, as stored in `<uploadUUID>/<dataDir>/part.N.meta`. */
export interface PartMeta {
  /** e: the part's ETag (lower-case hex MD5 for plain uploads). Always written, even when empty. */
  etag: string;
  /** n: part number (1..10000). */
  number: number;
  /** s: stored size in bytes (after compression/encryption, before erasure coding). */
  size: number;
  /** as: actual size in bytes before compression/encryption. */
  actualSize: number;
  /** mt: upload time, Unix nanoseconds (msgp ext-5 time). */
  modTimeNs: bigint;
  /** i: compression seek index; omitted when absent or empty. */
  index?: Uint8Array;
  /** crc: S3 checksums keyed CRC32, CRC32C, SHA1, SHA256, CRC64NVME (base64 values); omitted when empty. */
  checksums?: Record<string, string>;
  /** err: an error note MinIO sets only in memory while reading parts; omitted when empty. */
  error?: string;
}

/** Encodes a part record with msgp's field order (e, n, s, as, mt, then i, crc, err when non-empty). */
export function encodePartMeta(p: PartMeta): Uint8Array {
  const crcKeys = Object.keys(p.checksums ?? {});
  const hasIndex = (p.index?.length ?? 0) > 0;
  const hasError = (p.error ?? "") !== "";
  const w = new MsgpackWriter(128 + (p.index?.length ?? 0));
  w.mapHeader(5 + (hasIndex ? 1 : 0) + (crcKeys.length > 0 ? 1 : 0) + (hasError ? 1 : 0));
  w.str("e");
  w.str(p.etag);
  w.str("n");
  w.int(p.number);
  w.str("s");
  w.int(p.size);
  w.str("as");
  w.int(p.actualSize);
  w.str("mt");
  w.timeNs(p.modTimeNs);
  if (hasIndex) {
    w.str("i");
    w.bin(p.index!);
  }
  if (crcKeys.length > 0) {
    w.str("crc");
    w.mapHeader(crcKeys.length);
    for (const k of crcKeys) {
      w.str(k);
      w.str(p.checksums![k]);
    }
  }
  if (hasError) {
    w.str("err");
    w.str(p.error!);
  }
  return w.bytes();
}

/** Decodes a part record; unknown keys are skipped, missing ones default to zero values. */
export function decodePartMeta(bytes: Uint8Array): PartMeta {
  const p: PartMeta = { etag: "", number: 0, size: 0, actualSize: 0, modTimeNs: 0n };
  try {
    const r = new MsgpackReader(bytes);
    for (let n = r.readMapHeader(); n > 0; n--) {
      const key = r.readKey();
      if (r.tryNil()) continue;
      if (key === "e") p.etag = r.readText();
      else if (key === "n") p.number = r.readInt();
      else if (key === "s") p.size = r.readInt();
      else if (key === "as") p.actualSize = r.readInt();
      else if (key === "mt") p.modTimeNs = r.readTimeNs();
      else if (key === "i") p.index = r.readBinOrStr().slice();
      else if (key === "crc") p.checksums = readChecksums(r);
      else if (key === "err") p.error = r.readText();
      else r.skip();
    }
  } catch (err) {
    throw new DriveError("Corrupt", `Cannot decode part metadata: ${(err as Error).message}`, { cause: err });
  }
  return p;
}

function readChecksums(r: MsgpackReader): Record<string, string> {
  const entries: [string, string][] = [];
  for (let n = r.readMapHeader(); n > 0; n--) entries.push([r.readKey(), r.readText()]);
  return Object.fromEntries(entries);
}
