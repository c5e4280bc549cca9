// Wall-clock time in Unix nanoseconds, strictly increasing per clock instance, so two
// versions written by this process in the same millisecond still order newest-first.

export class NsClock {
  #last = 0n;

  /** Current time in Unix nanoseconds; never returns the same value twice. */
  now(): bigint {
    const wall = BigInt(Date.now()) * 1_000_000n;
    this.#last = wall > this.#last ? wall : this.#last + 1n;
    return this.#last;
  }
}

/** Unix nanoseconds → JS Date (millisecond precision). */
export function nsToDate(ns: bigint): Date {
  return new Date(Number(ns / 1_000_000n));
}

/** JS Date → Unix nanoseconds. */
export function dateToNs(d: Date): bigint {
  return BigInt(d.getTime()) * 1_000_000n;
}
