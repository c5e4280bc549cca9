// Errors as RPC data: a handler's DriveError or ObjectError crosses with its kind and message
// (so quorum logic on the calling node sees the same kinds a local drive would give), an
// RpcError keeps its kind, anything else arrives as RpcError "Remote" with its message.
import { DriveError, type DriveErrorKind } from "../disk/index.ts";
import { ObjectError, type ObjectErrorKind } from "../object/index.ts";
import { RpcError, type RpcErrorKind } from "./rpc-error.ts";

/** What an error looks like inside an error frame (CBOR). */
export interface WireError {
  /** Which error class to rebuild: the layer that raised it, or "other" for plain errors. */
  layer: "drive" | "object" | "rpc" | "other";
  /** The error's kind within its layer (absent for "other"). */
  kind?: string;
  /** The error's message, unchanged. */
  message: string;
  /** ObjectError only: the bucket concerned. */
  bucket?: string;
  /** ObjectError only: the key concerned. */
  key?: string;
  /** ObjectError only: the version concerned. */
  versionId?: string;
  /** ObjectError only: the answer is about a delete marker. */
  deleteMarker?: boolean;
  /** ObjectError only: when the version concerned was written (ms since epoch). */
  modTime?: number;
}

export function toWireError(err: unknown): WireError {
  if (err instanceof DriveError) return { layer: "drive", kind: err.kind, message: err.message };
  if (err instanceof ObjectError) {
    const w: WireError = { layer: "object", kind: err.kind, message: err.message };
    if (err.bucket !== undefined) w.bucket = err.bucket;
    if (err.key !== undefined) w.key = err.key;
    if (err.versionId !== undefined) w.versionId = err.versionId;
    if (err.deleteMarker !== undefined) w.deleteMarker = err.deleteMarker;
    if (err.modTime !== undefined) w.modTime = err.modTime.getTime();
    return w;
  }
  if (err instanceof RpcError) return { layer: "rpc", kind: err.kind, message: err.message };
  return { layer: "other", message: err instanceof Error ? err.message : String(err) };
}

/** Rebuilds the error a wire error describes; anything unreadable is a Protocol error. */
export function fromWireError(w: unknown): Error {
  if (typeof w !== "object" || w === null || typeof (w as WireError).message !== "string") {
    return new RpcError("Protocol", "The peer sent an error frame that does not decode");
  }
  const e = w as WireError;
  switch (e.layer) {
    case "drive":
      return new DriveError(e.kind as DriveErrorKind, e.message);
    case "object":
      return new ObjectError(e.kind as ObjectErrorKind, e.message, {
        bucket: e.bucket,
        key: e.key,
        versionId: e.versionId,
        deleteMarker: e.deleteMarker,
        modTime: e.modTime === undefined ? undefined : new Date(e.modTime),
      });
    case "rpc":
      return new RpcError(e.kind as RpcErrorKind, e.message);
    default:
      return new RpcError("Remote", e.message);
  }
}
