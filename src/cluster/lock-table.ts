// One node's locker: the grants it has handed out for namespace resources, as leases. A grant
// answers at once (granted or refused, never queued: the client retries), and one not refreshed
// within the validity period is dropped, so a client that died never blocks the others for long.

/** One lock request as it crosses the wire (lock.lock). */
export interface LockRequest {
  /** Id of this attempt, chosen by the client; unlock and refresh name it. */
  uid: string;
  /** "bucket/object" names, all granted together or none. */
  resources: string[];
  /** read: shared with other readers; write: exclusive. */
  mode: "read" | "write";
  /** Who holds it (the client node), for admin listings and logs. */
  owner: string;
  /** Where in the client the lock was taken, for debugging stuck locks. */
  source?: string;
}

export interface LockTableOptions {
  /** A grant not refreshed for this long is dropped (default 60 s). */
  validityMs?: number;
  /** How often expired grants are swept (default: a quarter of the validity). */
  sweepMs?: number;
}

interface Grant {
  readonly req: LockRequest;
  /** Resources still held under this uid (an unlock may name only some). */
  readonly resources: Set<string>;
  refreshedAt: number;
}

interface Holders {
  writer?: string;
  readers: Set<string>;
}

export class LockTable {
  readonly validityMs: number;
  #grants = new Map<string, Grant>();
  #resources = new Map<string, Holders>();
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(opts: LockTableOptions = {}) {
    this.validityMs = opts.validityMs ?? 60_000;
    const sweep = opts.sweepMs ?? Math.max(1, Math.floor(this.validityMs / 4));
    this.#timer = setInterval(() => this.expire(), sweep);
    this.#timer.unref?.();
  }

  /** Grants every resource of `req` or none; the same uid asking again is granted again. */
  lock(req: LockRequest, now = Date.now()): boolean {
    const known = this.#grants.get(req.uid);
    if (known && !this.#expired(known, now)) {
      if (!sameResources(known.resources, req.resources)) return false;
      known.refreshedAt = now;
      return true;
    }
    const resources = [...new Set(req.resources)];
    for (const r of resources) if (!this.#free(r, req.mode, now)) return false;
    const grant: Grant = { req: { ...req, resources }, resources: new Set(resources), refreshedAt: now };
    this.#grants.set(req.uid, grant);
    for (const r of resources) {
      let h = this.#resources.get(r);
      if (!h) this.#resources.set(r, (h = { readers: new Set() }));
      if (req.mode === "write") h.writer = req.uid;
      else h.readers.add(req.uid);
    }
    return true;
  }

  /** Releases what `uid` holds of `resources` (all of it when the list is empty); unknown uids are ignored. */
  unlock(uid: string, resources: string[]): void {
    const g = this.#grants.get(uid);
    if (!g) return;
    for (const r of resources.length > 0 ? resources : [...g.resources]) this.#release(g, r);
  }

  /** Extends the lease of `uid`; false if it is unknown or already expired (the client lost it). */
  refresh(uid: string, now = Date.now()): boolean {
    const g = this.#grants.get(uid);
    if (!g) return false;
    if (this.#expired(g, now)) {
      this.#drop(g);
      return false;
    }
    g.refreshedAt = now;
    return true;
  }

  /** Drops every grant not refreshed within the validity period. */
  expire(now = Date.now()): void {
    for (const g of [...this.#grants.values()]) if (this.#expired(g, now)) this.#drop(g);
  }

  /** Drops every grant on `resource` (admin: clear a stuck lock). */
  forceUnlock(resource: string): void {
    const h = this.#resources.get(resource);
    if (!h) return;
    for (const uid of [...h.readers, ...(h.writer ? [h.writer] : [])]) {
      const g = this.#grants.get(uid);
      if (g) this.#release(g, resource);
    }
    this.#resources.delete(resource);
  }

  /** The grants held now (admin listings, tests). */
  list(): LockRequest[] {
    return [...this.#grants.values()].map((g) => ({ ...g.req, resources: [...g.resources] }));
  }

  close(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #expired(g: Grant, now: number): boolean {
    return now - g.refreshedAt > this.validityMs;
  }

  /** Whether `resource` can be granted in `mode`; expired holders found on the way are dropped. */
  #free(resource: string, mode: "read" | "write", now: number): boolean {
    const h = this.#resources.get(resource);
    if (!h) return true;
    for (const uid of [...h.readers, ...(h.writer ? [h.writer] : [])]) {
      const g = this.#grants.get(uid);
      if (g && this.#expired(g, now)) this.#drop(g);
    }
    return mode === "read" ? h.writer === undefined : h.writer === undefined && h.readers.size === 0;
  }

  #release(g: Grant, resource: string): void {
    if (!g.resources.delete(resource)) return;
    const h = this.#resources.get(resource);
    if (h) {
      if (h.writer === g.req.uid) h.writer = undefined;
      h.readers.delete(g.req.uid);
      if (h.writer === undefined && h.readers.size === 0) this.#resources.delete(resource);
    }
    if (g.resources.size === 0) this.#grants.delete(g.req.uid);
  }

  #drop(g: Grant): void {
    for (const r of [...g.resources]) this.#release(g, r);
    this.#grants.delete(g.req.uid);
  }
}

function sameResources(held: Set<string>, asked: string[]): boolean {
  const a = new Set(asked);
  return a.size === held.size && [...a].every((r) => held.has(r));
}
