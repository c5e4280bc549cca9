// The object layer's own key check: a key no drive can store (the drives' path rules, applied
// to the encoded name) or one that would land on a name the on-disk format reserves is the
// caller's error, refused before any drive is asked, instead of every drive refusing it and
// the fan-out reporting a lost quorum.
import { checkPath, XL_META } from "../disk/index.ts";
import { encodeDirObject, XLDIR_SUFFIX } from "./object-info.ts";
import { ObjectError } from "./object-error.ts";

/** Longest key in UTF-8 bytes (S3's limit; the drives leave room for it and the version files). */
export const MAX_KEY_BYTES = 1024;

/**
 * Why `key` cannot be stored, or "" when it can. Besides the drives' path rules: a segment
 * ending in "__XLDIR__" would be the same directory as the directory object "<segment>/", and
 * an "xl.meta" segment below the top would be the metadata file of the object named by the
 * segments before it (writing that object would then fail on every drive).
 */
function whyNot(key: string): string {
  if (key === "") return "empty";
  const name = encodeDirObject(key);
  try {
    checkPath(name);
  } catch (err) {
    return (err as Error).message;
  }
  const raw = key.endsWith("/") ? key.slice(0, -1).split("/") : key.split("/");
  if (raw.some((s) => s.endsWith(XLDIR_SUFFIX))) return `a segment ends in "${XLDIR_SUFFIX}"`;
  if (name.split("/").some((s, i) => i > 0 && s === XL_META)) return `"${XL_META}" names an object's metadata file`;
  return "";
}

/** Throws ObjectNameInvalid (or KeyTooLong) unless `key` names something the drives can store. */
export function checkObjectName(key: string): void {
  const bytes = Buffer.byteLength(key, "utf8");
  if (bytes > MAX_KEY_BYTES) throw new ObjectError("KeyTooLong", `Object name of ${bytes} bytes is longer than ${MAX_KEY_BYTES}`, { key });
  const why = whyNot(key);
  if (why) throw new ObjectError("ObjectNameInvalid", `Object name "${key.slice(0, 64)}" cannot be stored: ${why}`, { key });
}

/** The same rules as a test, for callers that skip a name rather than fail (listings). */
export function isStorableName(key: string): boolean {
  return Buffer.byteLength(key, "utf8") <= MAX_KEY_BYTES && whyNot(key) === "";
}
