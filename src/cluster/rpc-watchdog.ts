// Deadlines for one RPC exchange: a timer that, when it fires, rejects every step racing it and
// aborts the fetch (freeing the connection). Armed while we wait on the peer, disarmed while we
// wait on our own producer or consumer, so only the peer's silence counts.
import type { RpcError } from "./rpc-error.ts";

export class Watchdog {
  readonly #ms: number;
  readonly #make: () => RpcError;
  readonly #onFire: (err: RpcError) => void;
  readonly #waiters = new Set<(err: unknown) => void>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #stopped = false;
  /** Set once the deadline passed. */
  error: RpcError | undefined;

  constructor(ms: number, make: () => RpcError, onFire: (err: RpcError) => void) {
    this.#ms = ms;
    this.#make = make;
    this.#onFire = onFire;
  }

  /** (Re)starts the countdown. */
  arm(): void {
    if (this.#stopped || this.error) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#fire(), this.#ms);
  }

  disarm(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** The exchange is over: the timer never fires again. */
  stop(): void {
    this.#stopped = true;
    this.disarm();
  }

  #fire(): void {
    this.error = this.#make();
    for (const reject of this.#waiters) reject(this.error);
    this.#waiters.clear();
    this.#onFire(this.error);
  }

  /**
   * `p`, or the deadline's error if it fires first. One short-lived listener per step (not a
   * race against one long-lived promise, which would keep every step's result reachable).
   */
  race<T>(p: Promise<T>): Promise<T> {
    if (this.error) {
      p.catch(() => {});
      return Promise.reject(this.error);
    }
    return new Promise<T>((resolve, reject) => {
      this.#waiters.add(reject);
      p.then(resolve, reject).finally(() => this.#waiters.delete(reject));
    });
  }

  /** `p` with the countdown running only while it is pending (an idle limit per step). */
  idle<T>(p: Promise<T>): Promise<T> {
    this.arm();
    return this.race(p).finally(() => this.disarm());
  }
}
