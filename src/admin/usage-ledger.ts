// What each bucket holds as this server knows it between usage counts: the bytes its last count
// found, plus what this server's acknowledged writes added and deletes freed since, plus the
// bytes of writes admitted but not yet acknowledged. Bucket quotas are checked against it; each
// new count of the bucket replaces the estimate. It errs towards too much, never too little.

interface Entry {
  /** Bytes the last finished count found; undefined before the first. */
  base?: number;
  /** When that count finished, ms. */
  countedAt: number;
  /** Changes recorded before the running count (if any) began: the running count will include them. */
  earlier: number;
  /** Changes recorded since the running (or the last) count began. */
  since: number;
  /** A count of the bucket is running. */
  counting: boolean;
  /** Bytes of admitted writes not yet acknowledged (or refused). */
  inFlight: number;
}

/** Bytes held for a write until it is acknowledged (settle) or fails (cancel). */
export interface Reservation {
  /** The write was acknowledged: `delta` bytes (added minus replaced) now count instead of the reservation. */
  settle(delta: number): void;
  cancel(): void;
}

/** A count of one bucket in progress (from beginCount, for endCount). */
export type CountToken = { readonly entry: Entry };

export class UsageLedger {
  readonly #entries = new Map<string, Entry>();

  #entry(bucket: string): Entry {
    let e = this.#entries.get(bucket);
    if (!e) {
      e = { countedAt: -Infinity, earlier: 0, since: 0, counting: false, inFlight: 0 };
      this.#entries.set(bucket, e);
    }
    return e;
  }

  /** Whether a count of the bucket has finished (since the last forget). */
  known(bucket: string): boolean {
    return this.#entries.get(bucket)?.base !== undefined;
  }

  /** When the bucket's last count finished, ms (-Infinity: never). */
  countedAt(bucket: string): number {
    return this.#entries.get(bucket)?.countedAt ?? -Infinity;
  }

  /** The bucket's bytes as this server knows them now, writes in flight included. */
  bytes(bucket: string): number {
    const e = this.#entries.get(bucket);
    if (!e) return 0;
    return Math.max(0, (e.base ?? 0) + e.earlier + e.since) + e.inFlight;
  }

  /** A count of the bucket begins (the caller runs one count per bucket at a time). */
  beginCount(bucket: string): CountToken {
    const e = this.#entry(bucket);
    e.earlier += e.since;
    e.since = 0;
    e.counting = true;
    return { entry: e };
  }

  /** The count ended: with the bytes it found, or null when it failed (the previous estimate stays). */
  endCount(token: CountToken, bytes: number | null, nowMs: number): void {
    const e = token.entry;
    e.counting = false;
    if (bytes === null) return;
    e.base = bytes;
    e.countedAt = nowMs;
    e.earlier = 0;
  }

  /**
   * Records bytes this server added (positive) or freed (negative). An addition always counts
   * until the next count (a running count may see it too: too much, for a while). A deletion
   * during a running count is left to that count, which may or may not have seen the object.
   */
  adjust(bucket: string, delta: number): void {
    if (delta === 0 || !Number.isFinite(delta)) return;
    const e = this.#entry(bucket);
    if (delta < 0 && e.counting) e.earlier += delta;
    else e.since += delta;
  }

  /** Holds `bytes` for a write in flight: counted at once, settled or cancelled once. */
  reserve(bucket: string, bytes: number): Reservation {
    const e = this.#entry(bucket);
    const held = Math.max(0, bytes);
    e.inFlight += held;
    let open = true;
    const close = () => {
      if (!open) return false;
      open = false;
      e.inFlight -= held;
      return true;
    };
    return {
      settle: (delta) => {
        if (close()) this.adjust(bucket, delta);
      },
      cancel: () => void close(),
    };
  }

  /** Drops what is known of the bucket (its quota changed, or it went): the next use counts it afresh. */
  forget(bucket: string): void {
    this.#entries.delete(bucket);
  }
}
