// Lazy, sorted walk of one volume of a LocalDrive. A directory holding xl.meta is an object;
// its name sorts as "name" while its sub-tree sorts as "name/", so an object and objects below
// it both come out in S3 (UTF-8 byte) order. One readdir per directory, one read per object.
import { promises as fsp, type Dirent } from "node:fs";
import type { WalkEntry, WalkOptions } from "./drive.ts";
import { XL_META } from "./drive.ts";
import { DriveError } from "./drive-error.ts";
import { checkPath, checkVolume } from "./drive-path.ts";
import { errnoOf, toDriveError } from "./fs-errors.ts";
import { compareKeys } from "../util/index.ts";

/** Suffix of the directory holding a "directory object" (a key ending in "/"). */
const XLDIR_SUFFIX = "__XLDIR__";
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

type Candidate = { key: string; fsName: string; kind: "object" | "subtree" };

export async function* walkLocal(root: string, opts: WalkOptions): AsyncGenerator<WalkEntry> {
  checkVolume(opts.volume);
  if (opts.baseDir !== "" && !opts.baseDir.endsWith("/")) throw new DriveError("InvalidPath", `Walk base "${opts.baseDir}" must end with "/"`);
  checkPath(opts.baseDir);
  const volDir = `${root}/${opts.volume}`;
  try {
    await fsp.access(volDir);
  } catch (err) {
    throw toDriveError(err, `Volume "${opts.volume}" not found on "${root}"`, { FileNotFound: "VolumeNotFound" });
  }
  const entries = await readDir(`${volDir}/${opts.baseDir}`);
  if (entries) yield* walkDir(volDir, opts.baseDir, entries, opts);
}

async function readDir(abs: string): Promise<Dirent[] | null> {
  try {
    return await fsp.readdir(abs, { withFileTypes: true });
  } catch (err) {
    const code = errnoOf(err);
    if (code === "ENOENT" || code === "ENOTDIR") return null;
    throw toDriveError(err, `Cannot list "${abs}"`);
  }
}

/** Children of `dir` that hold user data: in an object's directory, data dirs are skipped. */
function candidatesOf(dirRel: string, entries: Dirent[]): Candidate[] {
  const isObjectDir = entries.some((e) => e.name === XL_META && !e.isDirectory());
  const out: Candidate[] = [];
  for (const e of entries) {
    if (!e.isDirectory()) continue;
    if (isObjectDir && (UUID_RE.test(e.name) || e.name === "legacy")) continue;
    if (e.name.endsWith(XLDIR_SUFFIX)) {
      out.push({ key: `${dirRel}${e.name.slice(0, -XLDIR_SUFFIX.length)}/`, fsName: e.name, kind: "object" });
    } else {
      out.push({ key: dirRel + e.name, fsName: e.name, kind: "object" });
      out.push({ key: `${dirRel}${e.name}/`, fsName: e.name, kind: "subtree" });
    }
  }
  // Equal keys ("a/" as a directory object and "a/" as a sub-tree): the object comes first.
  return out.sort((a, b) => compareKeys(a.key, b.key) || (a.kind === b.kind ? 0 : a.kind === "object" ? -1 : 1));
}

function subtreeWanted(key: string, opts: WalkOptions): boolean {
  const fp = opts.filterPrefix ?? "";
  if (!(key.startsWith(fp) || fp.startsWith(key))) return false;
  return opts.after === undefined || compareKeys(key, opts.after) > 0 || opts.after.startsWith(key);
}

function objectWanted(key: string, opts: WalkOptions): boolean {
  if (opts.filterPrefix && !key.startsWith(opts.filterPrefix)) return false;
  if (opts.after === undefined) return true;
  const c = compareKeys(key, opts.after);
  return c > 0 || (c === 0 && opts.includeAfter === true);
}

async function* walkDir(volDir: string, dirRel: string, entries: Dirent[], opts: WalkOptions): AsyncGenerator<WalkEntry> {
  // readdir results of children already opened for their object check, reused for their sub-tree.
  const opened = new Map<string, Dirent[] | null>();
  for (const c of candidatesOf(dirRel, entries)) {
    const abs = `${volDir}/${dirRel}${c.fsName}`;
    if (c.kind === "object") {
      const wantObject = objectWanted(c.key, opts);
      const wantTree = !c.key.endsWith("/") && subtreeWanted(`${c.key}/`, opts);
      if (!wantObject && !wantTree) continue;
      const children = await readDir(abs);
      if (!c.key.endsWith("/")) opened.set(c.fsName, children);
      if (!wantObject || !children?.some((e) => e.name === XL_META && !e.isDirectory())) continue;
      const meta = await readMeta(`${abs}/${XL_META}`);
      if (meta) yield { kind: "object", name: c.key, meta };
      continue;
    }
    const children = opened.has(c.fsName) ? opened.get(c.fsName)! : subtreeWanted(c.key, opts) ? await readDir(abs) : null;
    opened.delete(c.fsName);
    if (!children || !subtreeWanted(c.key, opts)) continue;
    if (opts.recursive) {
      yield* walkDir(volDir, c.key, children, opts);
    } else if (objectWanted(c.key, opts) && candidatesOf(c.key, children).length > 0) {
      // A directory that only holds an object's own files (xl.meta, data dirs) is no prefix.
      yield { kind: "prefix", name: c.key };
    }
  }
}

/** Reads xl.meta; a v1.3 file's inline data section is cut off (listings never need it). */
async function readMeta(file: string): Promise<Uint8Array | null> {
  let bytes: Uint8Array;
  try {
    bytes = await Bun.file(file).bytes();
  } catch (err) {
    const code = errnoOf(err);
    if (code === "ENOENT" || code === "ENOTDIR") return null; // deleted while we walked
    throw toDriveError(err, `Cannot read "${file}"`);
  }
  return stripInlineData(bytes);
}

/** Drops the inline-data section of an XL2 v1.3 file without decoding it. */
function stripInlineData(bytes: Uint8Array): Uint8Array {
  const isV13 =
    bytes.length >= 13 &&
    bytes[0] === 0x58 &&
    bytes[1] === 0x4c &&
    bytes[2] === 0x32 &&
    bytes[3] === 0x20 &&
    bytes[4] === 1 &&
    bytes[5] === 0 &&
    bytes[6] === 3 &&
    bytes[7] === 0 &&
    bytes[8] === 0xc6;
  if (!isV13) return bytes;
  const len = new DataView(bytes.buffer, bytes.byteOffset + 9, 4).getUint32(0);
  const end = 13 + len + 5;
  return end < bytes.length ? bytes.slice(0, end) : bytes;
}
