// The object layer's own key check: a key no drive can store (the drives' path rules, applied
// to the encoded name) is the caller's error, refused before any drive is asked, instead of
// every drive refusing it and the fan-out reporting a lost quorum.
import { checkPath } from "../disk/index.ts";
import { encodeDirObject } from "./object-info.ts";
import { ObjectError } from "./object-error.ts";

/** Longest key in UTF-8 bytes (S3's limit; the drives leave room for it and the version files). */
export const MAX_KEY_BYTES = 1024;

/** Throws ObjectNameInvalid (or KeyTooLong) unless `key` names something the drives can store. */
export function checkObjectName(key: string): void {
  if (Buffer.byteLength(key, "utf8") > MAX_KEY_BYTES) throw new ObjectError("KeyTooLong", `Object name of ${Buffer.byteLength(key, "utf8")} bytes is longer than ${MAX_KEY_BYTES}`, { key });
  try {
    if (key === "" || checkPath(encodeDirObject(key)).length === 0) throw new Error("empty");
  } catch (err) {
    throw new ObjectError("ObjectNameInvalid", `Object name "${key.slice(0, 64)}" cannot be stored on a drive`, { cause: err, key });
  }
}

/** The same rules as a test, for callers that skip a name rather than fail (listings). */
export function isStorableName(key: string): boolean {
  try {
    checkObjectName(key);
    return true;
  } catch {
    return false;
  }
}
