// Bringing a pool's drives up: read every format.json, create them on a fresh deployment,
// check the deployment id and each drive's position against the command line, and format a
// replaced (empty) drive into its slot. Drives end up ordered by their format.json `this`.
import { DriveError, SYSTEM_VOLUME, parseFormatJson, serializeFormatJson, type Drive, type FormatV3 } from "../disk/index.ts";
import { ObjectError } from "./object-error.ts";
import { errorKind, settleAll } from "./quorum.ts";

export const FORMAT_FILE = "format.json";
/** Placeholder MinIO writes for a drive whose identity is unknown. */
export const OFFLINE_DRIVE_ID = "ffffffff-ffff-ffff-ffff-ffffffffffff";

/** Drives of one pool, as the command line gave them, and how they form sets. */
export interface PoolDrives {
  /** Every drive in command-line order (null: could not be opened). */
  drives: (Drive | null)[];
  /** sets[i][j] = index into `drives` of set i, position j. */
  sets: readonly (readonly number[])[];
  /** Why a null drive could not be opened (same index as `drives`), for the operator's message. */
  openErrors?: readonly unknown[];
}

export interface PoolFormat {
  deploymentId: string;
  distributionAlgo: string;
  /** Drives by set and position (null: offline). */
  sets: (Drive | null)[][];
  /** The disk id (format.json "this") each set position must hold. */
  driveIds: string[][];
  /** Drives that were formatted into an existing deployment now (replaced): they need healing. */
  freshDrives: { set: number; position: number }[];
  /** True when the whole pool was formatted now (a new deployment). */
  created: boolean;
}

type DriveState = { kind: "ok"; format: FormatV3 } | { kind: "unformatted" } | { kind: "offline"; error: unknown };

async function readStates(drives: (Drive | null)[], openErrors: readonly unknown[] = []): Promise<DriveState[]> {
  const unopened = (i: number) => openErrors[i] ?? new DriveError("Faulty", `drive ${i + 1} could not be opened`);
  const results = await settleAll(drives.map((d, i) => (d ? d.readAll(SYSTEM_VOLUME, FORMAT_FILE) : Promise.reject(unopened(i)))));
  return results.map((r, i): DriveState => {
    // A drive that could not even be opened is offline, whatever its open error says.
    if (!drives[i]) return { kind: "offline", error: r.ok ? unopened(i) : r.error };
    if (r.ok) {
      try {
        return { kind: "ok", format: parseFormatJson(r.value) };
      } catch {
        return { kind: "unformatted" }; // a damaged format.json is treated like a replaced drive
      }
    }
    const k = errorKind(r.error);
    return k === "FileNotFound" || k === "VolumeNotFound" ? { kind: "unformatted" } : { kind: "offline", error: r.error };
  });
}

export interface LoadFormatOptions {
  /** Deployment id of pool 1, which every later pool must share. */
  deploymentId?: string;
  poolIndex: number;
  /**
   * Whether this process may format a brand-new pool (default true). In a cluster only the
   * server holding the pool's first drive does, so two servers never write two deployments;
   * the others get a FormatPending error and retry.
   */
  mayCreate?: boolean;
  /** Whether this process may format the replaced (empty) drive at `driveIndex` (default: all). A server formats only its own drives. */
  mayFormat?: (driveIndex: number) => boolean;
}

/** Formats the pool (fresh) or validates and completes an existing format. */
export async function loadPoolFormat(pool: PoolDrives, opts: LoadFormatOptions): Promise<PoolFormat> {
  const states = await readStates(pool.drives, pool.openErrors);
  const formatted = states.flatMap((s, i) => (s.kind === "ok" ? [{ i, f: s.format }] : []));
  if (formatted.length === 0) {
    if (opts.mayCreate === false) {
      const where = pool.drives[0]?.endpoint ?? "the first drive";
      throw new ObjectError("FormatPending", `Pool ${opts.poolIndex + 1} is not formatted yet: waiting for the server of "${where}" to format it`);
    }
    return createPoolFormat(pool, states, opts);
  }
  const ids = new Map<string, number>();
  for (const { f } of formatted) ids.set(f.id, (ids.get(f.id) ?? 0) + 1);
  const [refId] = [...ids.entries()].sort((a, b) => b[1] - a[1])[0];
  if (opts.deploymentId && opts.deploymentId !== refId) {
    throw new ObjectError("InvalidArgument", `Pool ${opts.poolIndex + 1} belongs to deployment ${refId}, but pool 1 belongs to ${opts.deploymentId}`);
  }
  const ref = formatted.find((x) => x.f.id === refId)!.f;
  for (const { i, f } of formatted) {
    const where = pool.drives[i]!.endpoint;
    if (f.id !== refId)
      throw new ObjectError("InvalidArgument", `Drive "${where}" belongs to another deployment (${f.id}, expected ${refId}); remove it or use a fresh drive`);
    checkPosition(pool, ref, f, i, where);
  }
  if (ref.xl.sets.length !== pool.sets.length || ref.xl.sets[0].length !== pool.sets[0].length) {
    throw new ObjectError(
      "InvalidArgument",
      `The drives were formatted as ${ref.xl.sets.length} set(s) of ${ref.xl.sets[0].length} drives, but the command line makes ${pool.sets.length} set(s) of ${pool.sets[0].length}`,
    );
  }
  const freshDrives: PoolFormat["freshDrives"] = [];
  const sets = pool.sets.map((set) => set.map((idx) => (states[idx].kind === "offline" ? null : pool.drives[idx])));
  await Promise.all(
    pool.sets.flatMap((set, si) =>
      set.map(async (idx, pos) => {
        if (states[idx].kind !== "unformatted") return;
        if (opts.mayFormat && !opts.mayFormat(idx)) {
          // Another server formats its own replaced drive; until then it is offline here.
          sets[si][pos] = null;
          return;
        }
        const f: FormatV3 = { ...ref, xl: { ...ref.xl, this: ref.xl.sets[si][pos] } };
        await writeFormat(pool.drives[idx]!, f);
        freshDrives.push({ set: si, position: pos });
      }),
    ),
  );
  return { deploymentId: refId, distributionAlgo: ref.xl.distributionAlgo, sets, driveIds: ref.xl.sets.map((set) => [...set]), freshDrives, created: false };
}

/** A formatted drive must sit at the command-line position its format.json names. */
function checkPosition(pool: PoolDrives, ref: FormatV3, f: FormatV3, driveIndex: number, where: string): void {
  for (const [si, set] of ref.xl.sets.entries()) {
    const pos = set.indexOf(f.xl.this);
    if (pos < 0) continue;
    const expected = pool.sets[si]?.[pos];
    if (expected !== driveIndex) {
      const given = pool.sets.flatMap((s, i) => s.map((d, j) => (d === driveIndex ? `set ${i + 1} position ${j + 1}` : ""))).find((x) => x) ?? "?";
      throw new ObjectError(
        "InvalidArgument",
        `Drive "${where}" was formatted as set ${si + 1} position ${pos + 1} but is given as ${given}; pass the drives in their original order`,
      );
    }
    return;
  }
  throw new ObjectError("InvalidArgument", `Drive "${where}" (id ${f.xl.this}) is not part of this deployment's layout`);
}

async function createPoolFormat(pool: PoolDrives, states: DriveState[], opts: LoadFormatOptions): Promise<PoolFormat> {
  const offline = states.filter((s) => s.kind === "offline").length;
  if (offline > 0) {
    const first = states.find((s) => s.kind === "offline") as { error: unknown };
    throw new ObjectError(
      // In a cluster the other servers may still be starting: the caller waits and retries.
      opts.mayCreate === undefined ? "InvalidArgument" : "FormatPending",
      `Cannot format a new deployment while ${offline} drive(s) are unusable (first: ${first.error instanceof Error ? first.error.message : String(first.error)})`,
    );
  }
  const deploymentId = opts.deploymentId ?? crypto.randomUUID();
  const single = pool.drives.length === 1;
  const ids = pool.sets.map((set) => set.map(() => crypto.randomUUID()));
  const base: FormatV3 = {
    version: "1",
    format: single ? "xl-single" : "xl",
    id: deploymentId,
    xl: { version: "3", this: "", sets: ids, distributionAlgo: "SIPMOD+PARITY" },
  };
  await Promise.all(pool.sets.flatMap((set, si) => set.map((idx, pos) => writeFormat(pool.drives[idx]!, { ...base, xl: { ...base.xl, this: ids[si][pos] } }))));
  const sets = pool.sets.map((set) => set.map((idx) => pool.drives[idx]));
  return { deploymentId, distributionAlgo: base.xl.distributionAlgo, sets, driveIds: ids, freshDrives: [], created: true };
}

async function writeFormat(drive: Drive, f: FormatV3): Promise<void> {
  await drive.makeVol(SYSTEM_VOLUME).catch((err) => {
    if (!(err instanceof DriveError && err.kind === "VolumeExists")) throw err;
  });
  await drive.writeAll(SYSTEM_VOLUME, FORMAT_FILE, new TextEncoder().encode(serializeFormatJson(f)));
}
