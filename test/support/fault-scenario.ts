// Shared pieces of the object-layer fault tests: which Drive calls count as writes, how each
// kind of fault is put on a FaultyDrive, and a ledger of acknowledged objects that checks
// nothing acknowledged was lost (content by MD5, listing, full redundancy on disk).
import { expect } from "bun:test";
import type { ObjectStore } from "../../src/object/index.ts";
import type { DriveMethod, FaultyDrive, Faults } from "./faulty-drive.ts";
import { bodyOf, md5hex, randomBytes, readAllBody } from "./object-harness.ts";
import { damagedPositions } from "./shard-check.ts";

export const WRITE_METHODS: ReadonlySet<DriveMethod> = new Set([
  "createFile",
  "renameData",
  "writeAll",
  "writeMetadata",
  "updateMetadata",
  "deleteVersion",
  "renameFile",
  "makeVol",
  "delete",
  "deleteVol",
]);
export const READ_METHODS: ReadonlySet<DriveMethod> = new Set([
  "readAll",
  "readFile",
  "readFileStream",
  "readMetadata",
  "readVersion",
  "statFile",
  "listDir",
  "walk",
  "statVol",
  "listVols",
]);

export type FaultKind = "offline" | "failWrites" | "failReads" | "slow" | "hang" | "corrupt";

/** Does this kind of fault stop the drive from taking writes? */
export function blocksWrites(kind: FaultKind): boolean {
  return kind === "offline" || kind === "failWrites" || kind === "hang";
}

/** Does this kind of fault stop the drive from serving reads (or serving correct bytes)? */
export function blocksReads(kind: FaultKind): boolean {
  return kind !== "slow" && kind !== "failWrites";
}

export function faultsFor(kind: FaultKind): Faults {
  switch (kind) {
    case "offline":
      return { offline: true };
    case "failWrites":
      return { failOn: (m) => WRITE_METHODS.has(m) };
    case "failReads":
      return { failOn: (m) => READ_METHODS.has(m) };
    case "slow":
      return { delayMs: 15 };
    case "hang":
      return { hangOn: () => true };
    case "corrupt":
      return { corruptReads: (m) => m === "readFile" || m === "readAll" || m === "readMetadata" || m === "readFileStream" };
  }
}

export function clearFaults(drives: readonly FaultyDrive[]): void {
  for (const d of drives) {
    d.faults = {};
    d.release();
  }
}

/** Deterministic choice of `k` distinct positions out of `n`. */
export function pickPositions(n: number, k: number, seed: number): number[] {
  const all = Array.from({ length: n }, (_, i) => i);
  let s = seed * 2654435761 + 1;
  for (let i = n - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const j = s % (i + 1);
    [all[i], all[j]] = [all[j], all[i]];
  }
  return all.slice(0, k).sort((a, b) => a - b);
}

/** Object sizes covering empty, inline, single-block part file and multi-block objects. */
export const SIZES = [0, 5_000, 600_000, 2 * (1 << 20) + 17];

export async function errorKindOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "ok";
  } catch (err) {
    return (err as { kind?: string }).kind ?? `thrown:${(err as Error).message}`;
  }
}

/** What the store acknowledged: key → MD5. Everything in it must stay readable. */
export class Ledger {
  readonly acked = new Map<string, string>();

  constructor(
    readonly store: () => ObjectStore,
    readonly bucket: string,
  ) {}

  /** PUTs an object; records it when acknowledged; returns the error kind or "ok". */
  async put(key: string, size: number, seed: number): Promise<string> {
    const data = randomBytes(size, seed);
    const kind = await errorKindOf(this.store().putObject(this.bucket, key, bodyOf(data), { size, userMeta: {} }));
    if (kind === "ok") this.acked.set(key, md5hex(data));
    return kind;
  }

  /** MD5 of the key as the store serves it now, or the error kind. */
  async md5Of(key: string): Promise<string> {
    try {
      const r = await this.store().getObject(this.bucket, key);
      return md5hex(await readAllBody(r.body));
    } catch (err) {
      return `error:${(err as { kind?: string }).kind ?? (err as Error).message}`;
    }
  }

  /** Every acknowledged key reads back with its MD5. */
  async expectAllReadable(): Promise<void> {
    for (const [key, md5] of this.acked) expect(`${key}: ${await this.md5Of(key)}`).toBe(`${key}: ${md5}`);
  }

  /** A listing shows exactly the acknowledged keys (nothing half-written). */
  async expectListingExact(): Promise<void> {
    const listed: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await this.store().listObjects(this.bucket, { maxKeys: 7, after });
      listed.push(...page.objects.map((o) => o.key));
      if (!page.isTruncated) break;
      after = page.nextMarker;
    }
    expect(listed).toEqual([...this.acked.keys()].sort());
  }

  /** Every drive of set 0 holds a verified shard of every acknowledged key. */
  async expectFullRedundancy(): Promise<void> {
    for (const key of this.acked.keys()) {
      const bad = await damagedPositions(this.store(), this.bucket, key);
      expect(`${key}: ${bad.map((b) => `${b.position} ${b.why}`).join("; ")}`).toBe(`${key}: `);
    }
  }
}
