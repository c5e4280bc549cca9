// Background heal requests (heal-on-read, partial writes): deduplicated by object version,
// run a few at a time after the request that found the damage has been answered.

export type HealJob = (volume: string, name: string, versionId: string) => Promise<unknown>;

export class HealQueue {
  #pending = new Map<string, { volume: string; name: string; versionId: string }>();
  #running = 0;
  #idle: (() => void)[] = [];
  #closed = false;
  /** Heals started and finished (metrics). */
  started = 0;
  failed = 0;

  constructor(
    readonly job: HealJob,
    readonly concurrency = 1,
  ) {}

  request(volume: string, name: string, versionId: string): void {
    if (this.#closed) return;
    const key = `${volume}/${name}\u0000${versionId}`;
    if (this.#pending.has(key)) return;
    this.#pending.set(key, { volume, name, versionId });
    queueMicrotask(() => this.#pump());
  }

  #pump(): void {
    while (this.#running < this.concurrency && this.#pending.size > 0 && !this.#closed) {
      const [key, item] = this.#pending.entries().next().value!;
      this.#pending.delete(key);
      this.#running++;
      this.started++;
      this.job(item.volume, item.name, item.versionId)
        .catch(() => {
          this.failed++;
        })
        .finally(() => {
          this.#running--;
          this.#pump();
          if (this.#running === 0 && this.#pending.size === 0) for (const r of this.#idle.splice(0)) r();
        });
    }
  }

  /** Resolves once nothing is queued or running. */
  async drain(): Promise<void> {
    while (this.#running > 0 || this.#pending.size > 0) await new Promise<void>((r) => this.#idle.push(r));
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#pending.clear();
    while (this.#running > 0) await new Promise<void>((r) => this.#idle.push(r));
  }
}
