// DistributedLocker over n in-process lockers (a LockTable each), some behind a fault wrapper:
// exclusion across clients, quorum arithmetic, dead, hung and flaky lockers, expiring leases of
// a crashed client, and a held lock that loses quorum on refresh.
import { afterEach, describe, expect, test } from "bun:test";
import { ObjectError, type Release } from "../object/index.ts";
import { DistributedLocker, lockQuorum } from "./distributed-locker.ts";
import { LockTable, type LockRequest } from "./lock-table.ts";
import { LocalLockerPeer, type LockerPeer } from "./locker-peer.ts";

type Fault = "up" | "down" | "hung" | "flaky" | { lockDelayMs: number };

/**
 * A locker whose behaviour the test switches: answering, refusing calls, never answering,
 * failing every other call, or answering lock calls late (after an unlock sent later).
 */
class FaultyPeer implements LockerPeer {
  fault: Fault = "up";
  /** Refresh calls answered "yes". */
  refreshed = 0;
  /** Lock calls answered "yes". */
  granted = 0;
  #calls = 0;
  constructor(readonly inner: LocalLockerPeer) {}
  get name(): string {
    return this.inner.name;
  }
  lock(req: LockRequest): Promise<boolean> {
    return this.#run(async () => {
      if (typeof this.fault === "object") await Bun.sleep(this.fault.lockDelayMs);
      const ok = await this.inner.lock(req);
      if (ok) this.granted++;
      return ok;
    });
  }
  unlock(uid: string, resources: string[]): Promise<void> {
    return this.#run(() => this.inner.unlock(uid, resources));
  }
  refresh(uid: string): Promise<boolean> {
    return this.#run(async () => {
      const ok = await this.inner.refresh(uid);
      if (ok) this.refreshed++;
      return ok;
    });
  }
  async #run<T>(fn: () => Promise<T>): Promise<T> {
    const f = this.fault;
    if (f === "down" || (f === "flaky" && this.#calls++ % 2 === 0)) throw new Error(`${this.name}: connection refused`);
    if (f === "hung") return new Promise<T>(() => {});
    return fn();
  }
}

interface Cluster {
  tables: LockTable[];
  peers: FaultyPeer[];
  client(opts?: { refreshMs?: number; callDeadlineMs?: number; owner?: string }): DistributedLocker;
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function cluster(n: number, validityMs = 60_000): Cluster {
  const tables = Array.from({ length: n }, () => new LockTable({ validityMs, sweepMs: Math.max(5, validityMs / 10) }));
  const peers = tables.map((t, i) => new FaultyPeer(new LocalLockerPeer(`node${i + 1}`, t)));
  cleanups.push(() => {
    for (const t of tables) t.close();
  });
  return {
    tables,
    peers,
    client(opts = {}) {
      const c = new DistributedLocker({ peers, owner: opts.owner ?? "client", refreshMs: opts.refreshMs, callDeadlineMs: opts.callDeadlineMs ?? 200 });
      cleanups.push(() => {
        for (const p of peers) p.fault = "up";
        return c.close();
      });
      return c;
    },
  };
}

async function timesOut(p: Promise<Release>): Promise<ObjectError> {
  const err = await p.then(
    (r) => {
      r();
      return new Error("granted");
    },
    (e) => e,
  );
  expect(err).toBeInstanceOf(ObjectError);
  expect((err as ObjectError).kind).toBe("OperationTimedOut");
  return err as ObjectError;
}

async function eventually(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 700 && !cond(); i++) await Bun.sleep(5);
  if (!cond()) throw new Error(`never happened: ${what}`);
}

const grantsOn = (c: Cluster) => c.tables.reduce((n, t) => n + t.list().length, 0);

test("quorum: writes need a strict majority, reads n - floor(n/2)", () => {
  expect([lockQuorum(4, "read"), lockQuorum(4, "write")]).toEqual([2, 3]);
  expect([lockQuorum(5, "read"), lockQuorum(5, "write")]).toEqual([3, 3]);
  expect([lockQuorum(1, "read"), lockQuorum(1, "write")]).toEqual([1, 1]);
  for (let n = 1; n <= 16; n++) {
    // Every read quorum meets every write quorum, and two write quorums always meet.
    expect(lockQuorum(n, "read") + lockQuorum(n, "write")).toBeGreaterThan(n);
    expect(2 * lockQuorum(n, "write")).toBeGreaterThan(n);
  }
});

for (const n of [4, 5]) {
  describe(`${n} lockers`, () => {
    test("a write excludes writes and reads of other clients until released", async () => {
      const c = cluster(n);
      const a = c.client({ owner: "a" });
      const b = c.client({ owner: "b" });
      const release = await a.lock(["b/o"], "write");
      await timesOut(b.lock(["b/o"], "write", 50));
      await timesOut(b.lock(["b/o"], "read", 50));
      const other = await b.lock(["b/other"], "write", 1_000);
      other();
      release();
      const next = await b.lock(["b/o"], "write", 5_000);
      await timesOut(a.lock(["b/o"], "read", 50));
      next();
      await eventually(() => grantsOn(c) === 0, "every grant given back");
    });

    test("reads of two clients coexist; a write waits for both", async () => {
      const c = cluster(n);
      const a = c.client();
      const b = c.client();
      const r1 = await a.lock(["b/o"], "read");
      const r2 = await b.lock(["b/o"], "read", 1_000);
      const writer = c.client().lock(["b/o"], "write", 10_000);
      r1();
      r2();
      (await writer)();
    });

    test("one locker down: reads and writes still work", async () => {
      const c = cluster(n);
      c.peers[1].fault = "down";
      const a = c.client();
      (await a.lock(["b/o"], "write", 1_000))();
      (await a.lock(["b/o"], "read", 1_000))();
      const w = await a.lock(["b/o"], "write", 1_000);
      await timesOut(c.client().lock(["b/o"], "write", 50));
      w();
    });

    test("too many lockers down: a quorum error after a few tries, not the whole wait; no grant left behind", async () => {
      const c = cluster(n);
      const down = n - lockQuorum(n, "write") + 1;
      for (let i = 0; i < down; i++) c.peers[i].fault = "down";
      // A 10-minute wait: only the fail-fast path lets this test end within its time-out.
      const err = await c
        .client()
        .lock(["b/o"], "write", 600_000)
        .then(
          () => null,
          (e) => e as ObjectError,
        );
      expect(err?.kind).toBe("WriteQuorum");
      expect(err?.message).toBe(`Cannot take a write lock on "b/o": ${n - down} of ${n} lockers can be reached, ${lockQuorum(n, "write")} needed`);
      await eventually(() => grantsOn(c) === 0, "partial grants given back");
      // Reads need fewer lockers: with as many down, they are still granted (n=4: 2 of 4 answer, 2 needed).
      if (n - down >= lockQuorum(n, "read")) (await c.client().lock(["b/o"], "read", 1_000))();
    }, 10_000);

    test("lockers that refuse (a lock held elsewhere) mean waiting, also while slower lockers have not answered yet", async () => {
      const c = cluster(n);
      const holder = await c.client({ owner: "holder" }).lock(["b/o"], "write");
      await timesOut(c.client().lock(["b/o"], "write", 100));
      // Refusals arrive first and settle each try before the slow lockers answer: that is
      // contention, not unreachable lockers, so the client waits (and gets the lock once freed).
      for (const p of c.peers.slice(lockQuorum(n, "write") - 1)) p.fault = { lockDelayMs: 30 };
      await timesOut(c.client().lock(["b/o"], "write", 300));
      const waiting = c.client().lock(["b/o"], "write", 10_000);
      await Bun.sleep(100);
      holder();
      (await waiting)();
    });

    test("a hung locker costs at most a call deadline; the lock is granted", async () => {
      const c = cluster(n);
      c.peers[0].fault = "hung";
      const a = c.client({ callDeadlineMs: 60_000 });
      // Quorum is reached without the hung locker's answer.
      (await a.lock(["b/o"], "write", 1_000))();
      (await a.lock(["b/o"], "read", 1_000))();
    });

    test("a client that crashed while holding a lock: its lease expires and others get it", async () => {
      const c = cluster(n, 150);
      const crashed = c.client({ refreshMs: 30 });
      await crashed.lock(["b/o"], "write");
      // The crashed client reaches no locker any more: no refresh, no unlock.
      const own = c.peers.map((p) => new FaultyPeer(p.inner));
      for (const p of c.peers) p.fault = "down";
      const survivor = new DistributedLocker({ peers: own, owner: "survivor", refreshMs: 30, callDeadlineMs: 200 });
      cleanups.push(() => survivor.close());
      (await survivor.lock(["b/o"], "write", 10_000))();
    });
  });
}

test("two of four lockers hung: writes time out cleanly (each try bounded by the call deadline), reads are granted", async () => {
  const c = cluster(4);
  c.peers[0].fault = "hung";
  c.peers[1].fault = "hung";
  const a = c.client({ callDeadlineMs: 50 });
  await timesOut(a.lock(["b/o"], "write", 100));
  (await a.lock(["b/o"], "read", 1_000))();
});

test("flaky lockers: writes of concurrent clients never overlap", async () => {
  const c = cluster(5);
  c.peers[0].fault = "flaky";
  c.peers[3].fault = "flaky";
  const clients = [c.client(), c.client(), c.client()];
  let inside = 0;
  let overlaps = 0;
  let done = 0;
  await Promise.all(
    clients.map(async (cl) => {
      for (let i = 0; i < 8; i++) {
        const release = await cl.lock(["b/counter"], "write", 20_000);
        if (++inside > 1) overlaps++;
        await Bun.sleep(1);
        inside--;
        done++;
        release();
      }
    }),
  );
  expect([done, overlaps]).toEqual([24, 0]);
});

test("a grant arriving after the client gave up is given back", async () => {
  const c = cluster(4);
  c.peers[0].fault = "down";
  c.peers[1].fault = "down";
  c.peers[2].fault = { lockDelayMs: 50 };
  await timesOut(c.client().lock(["b/o"], "write", 0));
  // The slow locker granted after the attempt was already lost.
  await eventually(() => c.peers[2].granted === 1, "late grant");
  await eventually(() => grantsOn(c) === 0, "late grant unlocked");
  c.peers[2].fault = "up";
  expect(c.tables[2].lock({ uid: "x", resources: ["b/o"], mode: "write", owner: "t" })).toBe(true);
});

test("a refresh answered 'no' by too many lockers loses the lock: its signal fires and the rest is given back", async () => {
  const c = cluster(4);
  const a = c.client({ refreshMs: 20 });
  const release = await a.lock(["b/o"], "write");
  expect(release.lost?.aborted).toBe(false);
  // Two lockers forgot the grant (restarted, or an admin cleared it): 2 of 4 < 3.
  c.tables[0].forceUnlock("b/o");
  c.tables[1].forceUnlock("b/o");
  await eventually(() => release.lost?.aborted === true, "lost signal");
  expect(release.lost?.reason).toBeInstanceOf(ObjectError);
  expect(String(release.lost?.reason.message)).toMatch(/^Lock on "b\/o" was lost: 2 of 4 lockers refreshed it, 3 needed/);
  await eventually(() => grantsOn(c) === 0, "remaining grants released");
  release(); // after loss: a no-op
  (await c.client().lock(["b/o"], "write", 1_000))();
});

test("a refresh that cannot reach enough lockers loses the lock; a refresh with quorum keeps it", async () => {
  const c = cluster(5);
  const a = c.client({ refreshMs: 10, callDeadlineMs: 20 });
  const kept = await a.lock(["b/kept"], "read");
  const release = await a.lock(["b/o"], "write");
  c.peers[4].fault = "down";
  c.peers[2].fault = "hung";
  // 3 of 5 still answer: both stay held through several refreshes.
  await eventually(() => c.peers[0].refreshed >= 6, "three rounds of refreshes");
  expect([kept.lost?.aborted, release.lost?.aborted]).toEqual([false, false]);
  c.peers[0].fault = "down";
  await eventually(() => release.lost?.aborted === true && kept.lost?.aborted === true, "lost signals");
});

test("close gives back every held lock and refuses new ones", async () => {
  const c = cluster(4);
  const a = c.client();
  await a.lock(["b/1"], "write");
  await a.lock(["b/2"], "read");
  expect(grantsOn(c)).toBe(8);
  await a.close();
  expect(grantsOn(c)).toBe(0);
  await timesOut(a.lock(["b/3"], "write", 1_000));
});
