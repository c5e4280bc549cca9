// Namespace locks: read/write locks per "bucket/object", behind the NamespaceLocker interface
// so a distributed lock can replace the in-process one. Fair: a waiting writer blocks new
// readers, so a stream of GETs cannot starve a PUT.
import { ObjectError } from "./object-error.ts";

/**
 * Ends a hold. `lost` (distributed locks only) fires when the lock could no longer be kept
 * (its lease lost quorum): from then on another node may hold it, so nothing may be committed.
 */
export type Release = (() => void) & { readonly lost?: AbortSignal };

/** Fails a write at its commit point when a lock it holds was lost meanwhile. */
export function assertLockHeld(release: Release | undefined, resource: string): void {
  if (release?.lost?.aborted) throw new ObjectError("OperationTimedOut", `Lock on "${resource}" was lost before commit`, { cause: release.lost.reason });
}

export interface NamespaceLocker {
  /** Locks every resource (sorted, to avoid deadlocks) or fails after `timeoutMs`. */
  lock(resources: string[], mode: "read" | "write", timeoutMs?: number): Promise<Release>;
}

interface Waiter {
  mode: "read" | "write";
  grant: () => void;
}

class RwLock {
  readers = 0;
  writer = false;
  queue: Waiter[] = [];

  tryGrant(mode: "read" | "write"): boolean {
    if (mode === "read" ? !this.writer && this.queue.length === 0 : !this.writer && this.readers === 0) {
      if (mode === "read") this.readers++;
      else this.writer = true;
      return true;
    }
    return false;
  }

  release(mode: "read" | "write"): void {
    if (mode === "read") this.readers--;
    else this.writer = false;
    while (this.queue.length > 0) {
      const next = this.queue[0];
      const ok = next.mode === "read" ? !this.writer : !this.writer && this.readers === 0;
      if (!ok) break;
      this.queue.shift();
      if (next.mode === "read") this.readers++;
      else this.writer = true;
      next.grant();
      if (next.mode === "write") break;
    }
  }

  get idle(): boolean {
    return !this.writer && this.readers === 0 && this.queue.length === 0;
  }
}

export class LocalLocker implements NamespaceLocker {
  #locks = new Map<string, RwLock>();

  constructor(readonly defaultTimeoutMs = 30_000) {}

  async lock(resources: string[], mode: "read" | "write", timeoutMs = this.defaultTimeoutMs): Promise<Release> {
    const sorted = [...new Set(resources)].sort();
    const held: Release[] = [];
    try {
      for (const r of sorted) held.push(await this.#lockOne(r, mode, timeoutMs));
    } catch (err) {
      for (const r of held.reverse()) r();
      throw err;
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      for (const r of held.reverse()) r();
    };
  }

  #lockOne(resource: string, mode: "read" | "write", timeoutMs: number): Promise<Release> {
    let lock = this.#locks.get(resource);
    if (!lock) this.#locks.set(resource, (lock = new RwLock()));
    const l = lock;
    const release: Release = () => {
      l.release(mode);
      if (l.idle) this.#locks.delete(resource);
    };
    if (l.tryGrant(mode)) return Promise.resolve(release);
    return new Promise<Release>((resolve, reject) => {
      const waiter: Waiter = {
        mode,
        grant: () => {
          clearTimeout(timer);
          resolve(release);
        },
      };
      const timer = setTimeout(() => {
        const i = l.queue.indexOf(waiter);
        if (i >= 0) l.queue.splice(i, 1);
        if (l.idle) this.#locks.delete(resource);
        reject(new ObjectError("OperationTimedOut", `Timed out after ${timeoutMs} ms waiting for a ${mode} lock on "${resource}"`));
      }, timeoutMs);
      l.queue.push(waiter);
    });
  }

  /** Number of resources with a lock held or awaited (tests: nothing leaks). */
  get active(): number {
    return this.#locks.size;
  }
}
