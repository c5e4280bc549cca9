// DistributedLocker: object's NamespaceLocker over one locker per node (dsync's model). A lock is
// held once a quorum of lockers grant it, kept by refreshing its lease, and lost (its signal fires)
// when a refresh no longer reaches quorum. A dead or hung locker costs one call deadline, never more.
import { ObjectError, type NamespaceLocker, type Release } from "../object/index.ts";
import { withDeadline } from "../util/index.ts";
import type { LockRequest } from "./lock-table.ts";
import type { LockerPeer } from "./locker-peer.ts";

export interface DistributedLockerOptions {
  /** One locker per node, this node's own included. */
  peers: LockerPeer[];
  /** This node's name, recorded in every grant. */
  owner: string;
  /** How often a held lock's lease is refreshed (default 10 s; lockers expire it after ~1 min). */
  refreshMs?: number;
  /** Longest wait for one locker's answer (default 5 s). */
  callDeadlineMs?: number;
  /** lock()'s time-out when the caller gives none (default 30 s, as LocalLocker). */
  defaultTimeoutMs?: number;
}

/** Grants needed out of `n` lockers: writes a strict majority, reads enough to overlap every write quorum. */
export function lockQuorum(n: number, mode: "read" | "write"): number {
  return mode === "read" ? n - Math.floor(n / 2) : Math.floor(n / 2) + 1;
}

/** One attempt at a lock under one uid, from its first request to its last unlock. */
interface Attempt {
  readonly req: LockRequest;
  readonly need: number;
  /** Lockers that said yes (late answers included while the attempt is held). */
  readonly granted: Set<LockerPeer>;
  /** Lockers that said no: they hold nothing of this uid, so need no unlock. */
  readonly refused: Set<LockerPeer>;
  /** Lockers whose call failed or missed its deadline (down, hung, cut off), as far as known when the attempt settled. */
  readonly failed: Set<LockerPeer>;
  state: "asking" | "held" | "done";
  lost: AbortController;
  timer?: ReturnType<typeof setTimeout>;
}

const MIN_BACKOFF_MS = 5;
/** Tries in a row with too few lockers answering before lock() gives up with a quorum error. */
const UNREACHABLE_TRIES = 3;
const MAX_BACKOFF_MS = 500;

export class DistributedLocker implements NamespaceLocker {
  readonly #peers: LockerPeer[];
  readonly #owner: string;
  readonly #refreshMs: number;
  readonly #callDeadlineMs: number;
  readonly defaultTimeoutMs: number;
  #held = new Set<Attempt>();
  #closed = false;

  constructor(opts: DistributedLockerOptions) {
    if (opts.peers.length === 0) throw new RangeError("A distributed locker needs at least one locker");
    this.#peers = [...opts.peers];
    this.#owner = opts.owner;
    this.#refreshMs = opts.refreshMs ?? 10_000;
    this.#callDeadlineMs = opts.callDeadlineMs ?? 5_000;
    this.defaultTimeoutMs = opts.defaultTimeoutMs ?? 30_000;
  }

  async lock(resources: string[], mode: "read" | "write", timeoutMs = this.defaultTimeoutMs): Promise<Release> {
    const sorted = [...new Set(resources)].sort();
    const what = `"${sorted.join('", "')}"`;
    const need = lockQuorum(this.#peers.length, mode);
    const deadline = Date.now() + timeoutMs;
    let unreachable = 0;
    for (let round = 0; ; round++) {
      if (this.#closed) throw new ObjectError("OperationTimedOut", `Cannot take a ${mode} lock on ${what}: the locker is closed`);
      const a = await this.#ask({ uid: crypto.randomUUID(), resources: sorted, mode, owner: this.#owner }, need);
      if (a.state === "held") return this.#hold(a, what);
      // Too many lockers cannot be reached at all (this node is on the minority side, or most
      // nodes are down): waiting cannot help, so after a few tries the caller gets a quorum error
      // at once (a retryable 503) instead of a time-out after the whole wait. Lockers that refuse
      // (a lock held elsewhere) or have not answered yet do not count: they mean waiting.
      const reachable = this.#peers.length - a.failed.size;
      unreachable = reachable < need ? unreachable + 1 : 0;
      if (unreachable >= UNREACHABLE_TRIES) {
        throw new ObjectError(
          mode === "write" ? "WriteQuorum" : "ReadQuorum",
          `Cannot take a ${mode} lock on ${what}: ${reachable} of ${this.#peers.length} lockers can be reached, ${need} needed`,
        );
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new ObjectError(
          "OperationTimedOut",
          `Timed out after ${timeoutMs} ms waiting for a ${mode} lock on ${what} (last try: ${a.granted.size} of ${this.#peers.length} lockers granted, ${need} needed)`,
        );
      }
      // Random backoff, so clients that collided do not collide again in step.
      const cap = Math.min(MAX_BACKOFF_MS, MIN_BACKOFF_MS * 2 ** Math.min(round, 10));
      await Bun.sleep(Math.min(left, cap / 2 + Math.random() * (cap / 2)));
    }
  }

  /** Stops refreshing, releases every held lock (best effort, each unlock under the call deadline). */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#held].map((a) => this.#finish(a)));
  }

  /** Asks every locker at once; settles as soon as the quorum is reached or can no longer be. */
  #ask(req: LockRequest, need: number): Promise<Attempt> {
    const a: Attempt = { req, need, granted: new Set(), refused: new Set(), failed: new Set(), state: "asking", lost: new AbortController() };
    const n = this.#peers.length;
    let answered = 0;
    let yes = 0;
    return new Promise<Attempt>((resolve) => {
      const settle = () => {
        if (a.state !== "asking") return;
        if (yes >= need) {
          a.state = "held";
          resolve(a);
        } else if (yes + (n - answered) < need) {
          void this.#finish(a);
          resolve(a);
        }
      };
      for (const peer of this.#peers) {
        const call = invoke(() => peer.lock(req, this.#callDeadlineMs));
        // Every answer is recorded, also one arriving after the attempt settled: a grant we no
        // longer want is given back at once instead of blocking others until its lease expires.
        call.then(
          (ok) => {
            if (!ok) return void a.refused.add(peer);
            a.granted.add(peer);
            if (a.state === "done") void this.#unlockAt(peer, req);
          },
          () => {},
        );
        withDeadline(call, this.#callDeadlineMs, () => new Error(`${peer.name}: no answer`)).then(
          (ok) => {
            answered++;
            if (ok) yes++;
            settle();
          },
          () => {
            answered++;
            a.failed.add(peer);
            settle();
          },
        );
      }
    });
  }

  #hold(a: Attempt, what: string): Release {
    this.#held.add(a);
    this.#scheduleRefresh(a, what);
    const release = () => {
      void this.#finish(a);
    };
    return Object.assign(release, { lost: a.lost.signal });
  }

  #scheduleRefresh(a: Attempt, what: string): void {
    a.timer = setTimeout(async () => {
      const refreshed = await this.#refreshOnce(a);
      if (a.state !== "held") return;
      if (refreshed >= a.need) return this.#scheduleRefresh(a, what);
      a.lost.abort(
        new ObjectError("OperationTimedOut", `Lock on ${what} was lost: ${refreshed} of ${this.#peers.length} lockers refreshed it, ${a.need} needed`),
      );
      void this.#finish(a);
    }, this.#refreshMs);
    a.timer.unref?.();
  }

  /** How many lockers still hold the attempt's lease after refreshing it. */
  async #refreshOnce(a: Attempt): Promise<number> {
    const answers = await Promise.allSettled(
      this.#peers.map((p) =>
        withDeadline(
          invoke(() => p.refresh(a.req.uid, this.#callDeadlineMs)),
          this.#callDeadlineMs,
          () => new Error("no answer"),
        ),
      ),
    );
    return answers.filter((r) => r.status === "fulfilled" && r.value === true).length;
  }

  /**
   * Ends an attempt: no more refreshes, and an unlock to every locker that did not refuse (one
   * whose answer was lost may have granted). Resolves when those unlocks answered or timed out.
   */
  #finish(a: Attempt): Promise<void> {
    if (a.state === "done") return Promise.resolve();
    a.state = "done";
    clearTimeout(a.timer);
    this.#held.delete(a);
    return Promise.all(this.#peers.filter((p) => !a.refused.has(p)).map((p) => this.#unlockAt(p, a.req))).then(() => {});
  }

  #unlockAt(peer: LockerPeer, req: LockRequest): Promise<void> {
    const call = invoke(() => peer.unlock(req.uid, req.resources, this.#callDeadlineMs));
    return withDeadline(call, this.#callDeadlineMs, () => new Error("no answer")).catch(() => {});
  }
}

/** Runs `fn`, turning a synchronous throw into a rejection. */
function invoke<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return Promise.resolve(fn());
  } catch (err) {
    return Promise.reject(err);
  }
}
