// Additional checksums of multipart uploads, as MinIO keeps them: the algorithm and type chosen
// at CreateMultipartUpload live in the upload's metadata; every part must carry that checksum;
// Complete checks the client's part checksums and stores the COMPOSITE or FULL_OBJECT value
// (with the part checksums) in the x-minio-internal-crc blob.
import type { CompletedPart, CompleteFinishResult } from "../object/index.ts";
import {
  checksumHeaderName,
  combineCrcParts,
  compositeChecksum,
  createChecksummer,
  decodeChecksum,
  decodeMinioChecksums,
  encodeMinioChecksums,
  isCrcAlgorithm,
  parseChecksumAlgorithm,
  pullThrough,
  toBase64,
  type ChecksumAlgorithm,
  type ChecksumType,
  type Checksummer,
} from "../util/index.ts";
import { S3Error } from "./errors.ts";

/** MetaUsr keys MinIO records on the upload (dropped when it completes). */
export const MP_CHECKSUM = "x-minio-multipart-checksum";
export const MP_CHECKSUM_TYPE = "x-minio-multipart-checksum-type";

export interface UploadChecksum {
  algorithm: ChecksumAlgorithm;
  type: ChecksumType;
}

/** x-amz-checksum-algorithm / x-amz-checksum-type of CreateMultipartUpload, as upload metadata. */
export function uploadChecksumMeta(headers: Headers): Record<string, string> {
  const rawAlgo = headers.get("x-amz-checksum-algorithm");
  const rawType = headers.get("x-amz-checksum-type");
  if (rawAlgo === null) {
    if (rawType !== null) throw new S3Error("InvalidRequest", "x-amz-checksum-type needs x-amz-checksum-algorithm.");
    return {};
  }
  const algorithm = parseChecksumAlgorithm(rawAlgo);
  if (!algorithm) throw new S3Error("InvalidRequest", `Checksum algorithm "${rawAlgo}" is not supported.`);
  // CRC64NVME exists only as a full-object checksum; the others default to composite.
  const type = (rawType ?? (algorithm === "CRC64NVME" ? "FULL_OBJECT" : "COMPOSITE")).toUpperCase();
  if (type !== "COMPOSITE" && type !== "FULL_OBJECT") throw new S3Error("InvalidRequest", `Checksum type "${rawType}" is not supported.`);
  if (type === "FULL_OBJECT" && !isCrcAlgorithm(algorithm))
    throw new S3Error("InvalidRequest", `The FULL_OBJECT checksum type cannot be used with the ${algorithm} algorithm.`);
  if (type === "COMPOSITE" && algorithm === "CRC64NVME")
    throw new S3Error("InvalidRequest", "The COMPOSITE checksum type cannot be used with the CRC64NVME algorithm.");
  return { [MP_CHECKSUM]: algorithm, [MP_CHECKSUM_TYPE]: type };
}

/** The checksum an upload asked for, from its metadata. */
export function uploadChecksum(userMeta: Record<string, string>): UploadChecksum | undefined {
  const algorithm = parseChecksumAlgorithm(userMeta[MP_CHECKSUM] ?? "");
  if (!algorithm) return undefined;
  return { algorithm, type: userMeta[MP_CHECKSUM_TYPE] === "FULL_OBJECT" ? "FULL_OBJECT" : "COMPOSITE" };
}

/** A part must carry its upload's checksum algorithm (and no other). */
export function checkPartChecksum(userMeta: Record<string, string>, sent: ChecksumAlgorithm | undefined): void {
  const want = uploadChecksum(userMeta);
  if (!want || sent === want.algorithm) return;
  throw new S3Error(
    "InvalidRequest",
    `Checksum Type mismatch occurred, expected checksum Type: ${want.algorithm.toLowerCase()}, actual checksum Type: ${sent?.toLowerCase() ?? "none"}`,
  );
}

/**
 * UploadPartCopy into an upload with a checksum: the copied bytes are hashed on their way
 * through (the algorithm is known once the object layer has found the upload).
 */
export function copiedPartChecksum(body: ReadableStream<Uint8Array>) {
  let sum: Checksummer | undefined;
  let value: { algorithm: ChecksumAlgorithm; value: string } | undefined;
  // Pulled, not piped: no chunk passes before onUpload chose the algorithm.
  const stream = pullThrough(body, {
    transform(chunk, emit) {
      sum?.update(chunk);
      emit(chunk);
    },
  });
  return {
    stream,
    onUpload(upload: { userMeta: Record<string, string> }) {
      const want = uploadChecksum(upload.userMeta);
      if (want) sum = createChecksummer(want.algorithm);
    },
    check(): { checksums?: Record<string, string> } {
      if (!sum) return {};
      value = { algorithm: sum.algorithm, value: toBase64(sum.digest()) };
      return { checksums: { [value.algorithm]: value.value } };
    },
    /** The part's checksum, for the CopyPartResult. */
    result: () => value,
  };
}

/** The object checksum a completed upload ends with, as rendered on the wire. */
export interface FinalChecksum {
  algorithm: ChecksumAlgorithm;
  type: ChecksumType;
  value: string;
}

/**
 * The `finish` step of CompleteMultipartUpload: part checksums the client listed must match
 * the stored ones; the object checksum must match x-amz-checksum-<algo> when the request sent
 * it. Reports the final checksum through `done`.
 */
export function completeChecksum(
  listed: ReadonlyMap<number, Record<string, string>>,
  headers: Headers,
  done: (c: FinalChecksum) => void,
): (parts: CompletedPart[], upload: { userMeta: Record<string, string> }) => CompleteFinishResult {
  return (parts, upload) => {
    const want = uploadChecksum(upload.userMeta);
    if (!want) return undefined;
    const raws = parts.map((p) => {
      const stored = p.checksums?.[want.algorithm];
      const raw = stored === undefined ? undefined : decodeChecksum(want.algorithm, stored);
      const given = listed.get(p.partNumber)?.[want.algorithm];
      if (!raw || (given !== undefined && given !== stored)) {
        throw new S3Error("InvalidPart", `The ${want.algorithm} checksum of part ${p.partNumber} is missing or does not match the uploaded part.`);
      }
      return raw;
    });
    const full = want.type === "FULL_OBJECT" && isCrcAlgorithm(want.algorithm);
    const raw = full
      ? combineCrcParts(
          want.algorithm as "CRC32",
          parts.map((p, i) => ({ checksum: raws[i], size: p.size })),
        )
      : compositeChecksum(want.algorithm, raws).raw;
    const value = full ? toBase64(raw) : `${toBase64(raw)}-${parts.length}`;
    const sent = headers.get(checksumHeaderName(want.algorithm));
    if (sent !== null && sent !== value && sent !== toBase64(raw)) {
      throw new S3Error("BadDigest", `The ${want.algorithm} checksum you specified did not match the calculated checksum.`);
    }
    done({ algorithm: want.algorithm, type: want.type, value });
    const blob = encodeMinioChecksums([{ algorithm: want.algorithm, raw, fullObject: full, multipart: { count: parts.length, parts: raws } }]);
    return { sysMeta: { "x-minio-internal-crc": blob }, dropUserMeta: [MP_CHECKSUM, MP_CHECKSUM_TYPE] };
  };
}

/** The final checksum a completed version stored (a retried Complete answers with it again). */
export function storedChecksum(blob: Uint8Array | undefined): FinalChecksum | undefined {
  const e = blob ? decodeMinioChecksums(blob)[0] : undefined;
  if (!e) return undefined;
  const composite = !!e.multipart && !e.fullObject;
  return {
    algorithm: e.algorithm,
    type: composite ? "COMPOSITE" : "FULL_OBJECT",
    value: composite ? `${toBase64(e.raw)}-${e.multipart!.count}` : toBase64(e.raw),
  };
}

/** Checksum<ALGO> elements of a part as the client listed them in CompleteMultipartUpload. */
export function listedPartChecksums(part: Record<string, unknown>, text: (v: unknown) => string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of ["CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256"] as const) {
    const v = text(part[`Checksum${a}`]);
    if (v !== undefined && v !== "") out[a] = v;
  }
  return out;
}
