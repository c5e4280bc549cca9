// registerLockService + rpcLockerPeer end to end over an in-process stand-in for the RPC link
// (handlers by method name, arguments structured-cloned as a wire would), and malformed
// arguments refused with an error instead of reaching the table.
import { afterEach, expect, test } from "bun:test";
import { DistributedLocker } from "./distributed-locker.ts";
import { LockTable } from "./lock-table.ts";
import { registerLockService, rpcLockerPeer } from "./locker-peer.ts";

type Handler = (args: unknown) => Promise<{ value?: unknown }>;

/** What the RPC server and client do to a call, minus the sockets: look up the method, clone both ways. */
function link(table: LockTable) {
  const handlers = new Map<string, Handler>();
  registerLockService({ register: (method, handler) => void handlers.set(method, handler) }, table);
  return {
    handlers,
    client: {
      async call<T>(method: string, args: unknown): Promise<T> {
        const h = handlers.get(method);
        if (!h) throw new Error(`no method ${method}`);
        return structuredClone((await h(structuredClone(args))).value) as T;
      },
    },
  };
}

const tables: LockTable[] = [];
afterEach(() => {
  for (const t of tables.splice(0)) t.close();
});

test("a DistributedLocker over rpcLockerPeers excludes a second writer and gives everything back", async () => {
  const links = Array.from({ length: 3 }, () => {
    const t = new LockTable();
    tables.push(t);
    return { t, ...link(t) };
  });
  const peers = links.map((l, i) => rpcLockerPeer(`node${i + 1}`, l.client));
  const a = new DistributedLocker({ peers, owner: "a", callDeadlineMs: 1_000 });
  const b = new DistributedLocker({ peers, owner: "b", callDeadlineMs: 1_000 });
  const release = await a.lock(["b/o"], "write");
  expect(links.map((l) => l.t.list().map((g) => [g.owner, g.mode, g.resources]))).toEqual([
    [["a", "write", ["b/o"]]],
    [["a", "write", ["b/o"]]],
    [["a", "write", ["b/o"]]],
  ]);
  expect(await b.lock(["b/o"], "read", 30).catch((e) => e.kind)).toBe("OperationTimedOut");
  release();
  (await b.lock(["b/o"], "read", 5_000))();
  await a.close();
  await b.close();
  expect(links.every((l) => l.t.list().length === 0)).toBe(true);
});

test("malformed arguments are refused with an error and grant nothing", async () => {
  const t = new LockTable();
  tables.push(t);
  const { handlers } = link(t);
  const lock = handlers.get("lock.lock")!;
  const good = { uid: "u", resources: ["b/o"], mode: "write", owner: "n1" };
  for (const bad of [
    null,
    [],
    "x",
    { ...good, mode: "exclusive" },
    { ...good, resources: "b/o" },
    { ...good, resources: [] },
    { ...good, resources: [1] },
    { ...good, uid: 7 },
    { ...good, owner: undefined },
    { ...good, source: {} },
  ]) {
    expect(
      await lock(bad).then(
        () => "accepted",
        (e) => e instanceof TypeError,
      ),
    ).toBe(true);
  }
  expect(await handlers.get("lock.unlock")!({ uid: "u" }).catch((e) => e instanceof TypeError)).toBe(true);
  expect(await handlers.get("lock.refresh")!({}).catch((e) => e instanceof TypeError)).toBe(true);
  expect(t.list()).toEqual([]);
  expect(await lock(good)).toEqual({ value: true });
  expect(await handlers.get("lock.refresh")!({ uid: "u" })).toEqual({ value: true });
  expect(await handlers.get("lock.unlock")!({ uid: "u", resources: ["b/o"] })).toEqual({});
  expect(t.list()).toEqual([]);
});
