// The heal sequences of this server, by path ("" everything, "bucket", "bucket/prefix"): at most
// one runs per path and none on a path inside or around a running one; an ended sequence is kept
// for a while so its client can collect the last items, and a client token must match its path's.
import { AdminError } from "./admin-error.ts";
import type { HealSettings } from "./heal-settings.ts";
import { HealSequence, type HealStore, type SequenceLimits } from "./heal-sequence.ts";

export interface HealSequencesOptions extends Partial<SequenceLimits> {
  /** How long an ended sequence stays to be asked about, ms (default 10 minutes). */
  keepMs?: number;
}

function pathKey(bucket: string, prefix: string): string {
  return bucket === "" ? "" : prefix === "" ? bucket : `${bucket}/${prefix}`;
}

/** Two paths overlap when one holds objects the other also heals: same bucket, one prefix starting the other. */
function overlaps(a: HealSequence, bucket: string, prefix: string): boolean {
  if (a.bucket === "" || bucket === "") return true;
  return a.bucket === bucket && (a.prefix.startsWith(prefix) || prefix.startsWith(a.prefix));
}

function describe(key: string): string {
  return key === "" ? "every bucket" : `"${key}"`;
}

export class HealSequences {
  readonly #byPath = new Map<string, HealSequence>();
  readonly #limits: SequenceLimits;
  readonly #keepMs: number;
  #closed = false;

  constructor(
    readonly store: HealStore,
    opts: HealSequencesOptions = {},
  ) {
    this.#limits = { maxItems: opts.maxItems ?? 1000, collectTimeoutMs: opts.collectTimeoutMs ?? 10 * 60_000, driveTimeoutMs: opts.driveTimeoutMs ?? 5_000 };
    this.#keepMs = opts.keepMs ?? 10 * 60_000;
  }

  /** Forgets sequences that ended longer than keepMs ago. */
  #prune(): void {
    const now = Date.now();
    for (const [k, s] of this.#byPath) if (s.ended && now - s.endedAt > this.#keepMs) this.#byPath.delete(k);
  }

  /** Starts a sequence; `force` stops one running on the same path first. */
  async start(bucket: string, prefix: string, settings: HealSettings, clientAddress: string, force: boolean): Promise<HealSequence> {
    if (this.#closed) throw new AdminError("ServiceUnavailable", "The server is shutting down", 503);
    this.#prune();
    const key = pathKey(bucket, prefix);
    const same = this.#byPath.get(key);
    if (same && !same.ended) {
      if (!force) {
        throw new AdminError(
          "XMinioHealAlreadyRunning",
          `A heal of ${describe(key)} is already running (started at ${same.startTime.toISOString()} by ${same.clientAddress || "an unknown client"}, token ${same.token}); force-start it to stop that one and begin again`,
          400,
        );
      }
      await same.stop("Stopped by a forced start of a new heal on the same path");
      // Another forced start may have begun while this one waited.
      const now = this.#byPath.get(key);
      if (now && !now.ended)
        throw new AdminError("XMinioHealAlreadyRunning", `Another heal of ${describe(key)} was started meanwhile (token ${now.token})`, 400);
    }
    for (const [k, s] of this.#byPath) {
      if (k === key || s.ended) continue;
      if (overlaps(s, bucket, prefix)) {
        throw new AdminError("XMinioHealOverlappingPaths", `The heal path ${describe(key)} overlaps the running heal of ${describe(k)}`, 400);
      }
    }
    const seq = new HealSequence(this.store, bucket, prefix, settings, clientAddress, this.#limits);
    this.#byPath.set(key, seq);
    return seq;
  }

  /** Stops the sequence running on the path and returns it. */
  async stop(bucket: string, prefix: string): Promise<HealSequence> {
    const seq = this.#byPath.get(pathKey(bucket, prefix));
    if (!seq || seq.ended) throw new AdminError("XMinioHealNoSuchProcess", `No heal is running on ${describe(pathKey(bucket, prefix))}`, 400);
    await seq.stop("Stopped by a forced stop");
    return seq;
  }

  /** The status of the path's sequence, for the client that holds its token. */
  status(bucket: string, prefix: string, token: string): Record<string, unknown> {
    this.#prune();
    const seq = this.#byPath.get(pathKey(bucket, prefix));
    if (!seq) throw new AdminError("XMinioHealNoSuchProcess", `No heal is running on ${describe(pathKey(bucket, prefix))}`, 400);
    if (seq.token !== token) throw new AdminError("XMinioHealInvalidClientToken", "The client token does not belong to the heal running on this path", 400);
    return seq.status();
  }

  /** Stops every sequence and waits for them (the server is stopping). */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#byPath.values()].map((s) => s.stop("The server is shutting down")));
  }
}
