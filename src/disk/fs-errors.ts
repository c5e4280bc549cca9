// Maps Node/Bun file-system errors (errno codes) onto DriveError kinds, so callers above the
// disk layer never see a raw ENOENT.
import { DriveError, type DriveErrorKind } from "./drive-error.ts";

const KIND_BY_CODE: Record<string, DriveErrorKind> = {
  ENOENT: "FileNotFound",
  ENOTDIR: "FileNotFound",
  EISDIR: "FileNotFound",
  ENOTEMPTY: "VolumeNotEmpty",
  EEXIST: "VolumeExists",
  ENOSPC: "Full",
  EDQUOT: "Full",
  ENAMETOOLONG: "InvalidPath",
  EACCES: "Faulty",
  EPERM: "Faulty",
  EROFS: "Faulty",
  EIO: "Faulty",
  ENXIO: "Faulty",
  ENODEV: "Faulty",
  ESTALE: "Faulty",
  EMFILE: "Faulty",
  ENFILE: "Faulty",
};

export function errnoOf(err: unknown): string | undefined {
  return typeof err === "object" && err !== null && "code" in err ? String((err as { code: unknown }).code) : undefined;
}

/** Wraps any thrown value as a DriveError (DriveErrors pass through unchanged). */
export function toDriveError(err: unknown, what: string, override?: Partial<Record<DriveErrorKind, DriveErrorKind>>): DriveError {
  if (err instanceof DriveError) return err;
  const code = errnoOf(err);
  let kind: DriveErrorKind = (code && KIND_BY_CODE[code]) || "Faulty";
  kind = override?.[kind] ?? kind;
  const detail = code ?? (err instanceof Error ? err.message : String(err));
  return new DriveError(kind, `${what}: ${detail}`, { cause: err });
}
