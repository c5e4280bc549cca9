// Peer liveness for one RpcClient: pings on an interval, two misses in a row (or one failed
// probe right after a call's transport failure) mark the peer offline, the first answer marks
// it online again. Listeners hear each change.

export interface HealthOptions {
  /** Time between pings. */
  intervalMs?: number;
  /** Deadline of one ping. */
  timeoutMs?: number;
}

export class PeerHealth {
  readonly #ping: (timeoutMs: number) => Promise<void>;
  readonly #listeners = new Set<(online: boolean) => void>();
  #online = true;
  #misses = 0;
  #interval = 1000;
  #timeout = 2000;
  /** Pings were asked for (startHealth), not only started to re-admit an offline peer. */
  #wanted = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #probing = false;
  #closed = false;
  /** Why the peer was last found unusable (for the message of calls refused while offline). */
  lastError: unknown;

  constructor(ping: (timeoutMs: number) => Promise<void>) {
    this.#ping = ping;
  }

  get online(): boolean {
    return this.#online;
  }

  onChange(cb: (online: boolean) => void): () => void {
    this.#listeners.add(cb);
    return () => this.#listeners.delete(cb);
  }

  start(opts: HealthOptions = {}): void {
    this.#interval = opts.intervalMs ?? 1000;
    this.#timeout = opts.timeoutMs ?? 2000;
    this.#wanted = true;
    this.#schedule();
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
  }

  /** A call failed on the link: probe now; a failed probe takes the peer offline at once. */
  suspect(err: unknown): void {
    if (!this.#online || this.#closed) return;
    this.lastError = err;
    void this.#probe(true);
  }

  #schedule(): void {
    clearTimeout(this.#timer);
    if (this.#closed || (!this.#wanted && this.#online)) return;
    this.#timer = setTimeout(() => void this.#probe(false).finally(() => this.#schedule()), this.#interval);
    // Pings alone must not keep a process alive that has nothing else to do.
    (this.#timer as { unref?: () => void }).unref?.();
  }

  async #probe(afterFailure: boolean): Promise<void> {
    if (this.#probing || this.#closed) return;
    this.#probing = true;
    try {
      await this.#ping(this.#timeout);
      this.#misses = 0;
      this.#set(true);
    } catch (err) {
      this.lastError = err;
      this.#misses++;
      if (afterFailure || this.#misses >= 2) this.#set(false);
    } finally {
      this.#probing = false;
    }
  }

  #set(online: boolean): void {
    if (this.#online === online || this.#closed) return;
    this.#online = online;
    // Offline peers are pinged until they answer, whether or not startHealth was called.
    if (!online) this.#schedule();
    for (const cb of this.#listeners) {
      try {
        cb(online);
      } catch {
        // A listener's failure is its own; the others still hear the change.
      }
    }
  }
}
