// format.json (erasure format v3, SPEC §1.2): the drive-local file that marks a MinIO drive and
// says where it sits in the deployment. parseFormatJson validates everything a drive position
// depends on; serializeFormatJson writes MinIO's field order.
import { DriveError } from "./drive-error.ts";
import { UUID_PATTERN } from "./xl-meta/index.ts";

/** The xl section of format.json. */
export interface FormatXlV3 {
  /** Erasure format version: always "3" (v1/v2 drives must be migrated by MinIO first). */
  version: "3";
  /** UUID of this drive; appears exactly once in `sets`. */
  this: string;
  /** sets[i][j]: UUID of the drive at position j of erasure set i of this pool; all sets have the same length. */
  sets: string[][];
  /** Placement hash: "SIPMOD+PARITY" (current), "SIPMOD" (older, same hash) or "CRCMOD" (v2 legacy). */
  distributionAlgo: DistributionAlgo;
}

/** Set placement algorithms MinIO has written. */
export type DistributionAlgo = "SIPMOD+PARITY" | "SIPMOD" | "CRCMOD";

/** .minio.sys/format.json of an erasure-coded drive. */
export interface FormatV3 {
  /** Version of the format.json envelope: always "1". */
  version: "1";
  /** "xl" for erasure sets, "xl-single" for a single drive without parity. */
  format: "xl" | "xl-single";
  /** Deployment id (UUID), the same on every drive of every pool. */
  id: string;
  /** Erasure layout of this drive's pool. */
  xl: FormatXlV3;
}

const ALGOS: readonly string[] = ["SIPMOD+PARITY", "SIPMOD", "CRCMOD"];
const MAX_SET_DRIVES = 16;

function bad(message: string): never {
  throw new DriveError("Corrupt", `Invalid format.json: ${message}`);
}

function isUuid(v: unknown): v is string {
  return typeof v === "string" && UUID_PATTERN.test(v);
}

/** Parses and validates format.json bytes (or text); any problem is DriveError("Corrupt"). */
export function parseFormatJson(input: Uint8Array | string): FormatV3 {
  let doc: unknown;
  try {
    doc = JSON.parse(typeof input === "string" ? input : new TextDecoder().decode(input));
  } catch (err) {
    throw new DriveError("Corrupt", `Invalid format.json: not JSON (${(err as Error).message})`, { cause: err });
  }
  if (typeof doc !== "object" || doc === null) bad("not a JSON object");
  const { version, format, id, xl } = doc as Record<string, unknown>;
  if (version !== "1") bad(`version is ${JSON.stringify(version)}, expected "1"`);
  if (format === "fs") bad('format "fs" (the old single-drive FS backend) is not supported');
  if (format !== "xl" && format !== "xl-single") bad(`format is ${JSON.stringify(format)}, expected "xl" or "xl-single"`);
  if (!isUuid(id)) bad(`deployment id ${JSON.stringify(id)} is not a UUID`);
  return { version, format, id, xl: parseXl(xl, format) };
}

function parseXl(xl: unknown, format: string): FormatXlV3 {
  if (typeof xl !== "object" || xl === null) bad('missing "xl" section');
  const { version, this: self, sets, distributionAlgo } = xl as Record<string, unknown>;
  if (version !== "3") bad(`xl.version is ${JSON.stringify(version)}, expected "3" (start MinIO once to migrate older formats)`);
  if (!isUuid(self)) bad(`xl.this ${JSON.stringify(self)} is not a UUID`);
  if (typeof distributionAlgo !== "string" || !ALGOS.includes(distributionAlgo)) bad(`unknown xl.distributionAlgo ${JSON.stringify(distributionAlgo)}`);
  if (!Array.isArray(sets) || sets.length === 0) bad("xl.sets is empty");
  const width = Array.isArray(sets[0]) ? sets[0].length : 0;
  if (width < 1 || width > MAX_SET_DRIVES) bad(`erasure sets have ${width} drives, expected 1 to ${MAX_SET_DRIVES}`);
  if (format === "xl-single" && (sets.length !== 1 || width !== 1)) bad('format "xl-single" must have one set of one drive');
  const seen = new Set<string>();
  let selfCount = 0;
  const out: string[][] = sets.map((set: unknown, i: number) => {
    if (!Array.isArray(set) || set.length !== width) bad(`set ${i} has ${Array.isArray(set) ? set.length : "no"} drives, expected ${width}`);
    return set.map((drive: unknown, j: number) => {
      if (!isUuid(drive)) bad(`xl.sets[${i}][${j}] ${JSON.stringify(drive)} is not a UUID`);
      if (seen.has(drive)) bad(`drive ${drive} appears more than once in xl.sets`);
      seen.add(drive);
      if (drive === self) selfCount++;
      return drive;
    });
  });
  if (selfCount !== 1) bad(`this drive ${self} is not in xl.sets`);
  return { version, this: self, sets: out, distributionAlgo: distributionAlgo as DistributionAlgo };
}

/** format.json text in MinIO's field order (version, format, id, xl{version, this, sets, distributionAlgo}). */
export function serializeFormatJson(f: FormatV3): string {
  return JSON.stringify({
    version: f.version,
    format: f.format,
    id: f.id,
    xl: { version: f.xl.version, this: f.xl.this, sets: f.xl.sets, distributionAlgo: f.xl.distributionAlgo },
  });
}

/** Where this drive sits: erasure set index and position within the set. */
export function drivePosition(f: FormatV3): { set: number; drive: number } {
  for (let set = 0; set < f.xl.sets.length; set++) {
    const drive = f.xl.sets[set].indexOf(f.xl.this);
    if (drive >= 0) return { set, drive };
  }
  throw new DriveError("Corrupt", `Invalid format.json: this drive ${f.xl.this} is not in xl.sets`);
}
