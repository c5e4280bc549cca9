// A LockerPeer is one node's locker as a DistributedLocker sees it: in process (LocalLockerPeer)
// or over internode RPC (rpcLockerPeer, served by registerLockService). The RPC side is typed
// structurally so this file needs nothing of the transport.
import type { LockRequest, LockTable } from "./lock-table.ts";

export interface LockerPeer {
  /** For messages: which node this locker is. */
  readonly name: string;
  /** Asks for `req`; true if granted. `deadlineMs` is how long the call may take (ms from now). */
  lock(req: LockRequest, deadlineMs: number): Promise<boolean>;
  unlock(uid: string, resources: string[], deadlineMs: number): Promise<void>;
  /** Extends the lease of `uid`; false if this locker no longer holds it. */
  refresh(uid: string, deadlineMs: number): Promise<boolean>;
}

/** The locker of this very node: the table, called directly. */
export class LocalLockerPeer implements LockerPeer {
  constructor(
    readonly name: string,
    readonly table: LockTable,
  ) {}

  async lock(req: LockRequest): Promise<boolean> {
    return this.table.lock(req);
  }

  async unlock(uid: string, resources: string[]): Promise<void> {
    this.table.unlock(uid, resources);
  }

  async refresh(uid: string): Promise<boolean> {
    return this.table.refresh(uid);
  }
}

/** What registerLockService needs of the RPC server. */
export interface LockServiceServer {
  register(method: string, handler: (args: unknown) => Promise<{ value?: unknown }>): void;
}

/** What rpcLockerPeer needs of an RPC client to one node. */
export interface LockServiceClient {
  call<T>(method: string, args: unknown, opts?: { deadlineMs?: number }): Promise<T>;
}

/** Serves `table` as lock.lock / lock.unlock / lock.refresh. Malformed arguments are refused with an error. */
export function registerLockService(server: LockServiceServer, table: LockTable): void {
  server.register("lock.lock", async (args) => ({ value: table.lock(parseLockRequest(args)) }));
  server.register("lock.unlock", async (args) => {
    const a = asRecord(args, "lock.unlock");
    table.unlock(str(a.uid, "lock.unlock", "uid"), strings(a.resources, "lock.unlock", "resources"));
    return {};
  });
  server.register("lock.refresh", async (args) => ({ value: table.refresh(str(asRecord(args, "lock.refresh").uid, "lock.refresh", "uid")) }));
}

/** A remote node's locker over RPC; a call the transport fails rejects (the DistributedLocker counts it as no answer). */
export function rpcLockerPeer(name: string, client: LockServiceClient): LockerPeer {
  return {
    name,
    async lock(req, deadlineMs) {
      const args: LockRequest = { uid: req.uid, resources: req.resources, mode: req.mode, owner: req.owner, source: req.source };
      return (await client.call<unknown>("lock.lock", args, { deadlineMs })) === true;
    },
    async unlock(uid, resources, deadlineMs) {
      await client.call<unknown>("lock.unlock", { uid, resources }, { deadlineMs });
    },
    async refresh(uid, deadlineMs) {
      return (await client.call<unknown>("lock.refresh", { uid }, { deadlineMs })) === true;
    },
  };
}

const MAX_RESOURCES = 10_000;
const MAX_NAME = 4_096;

function parseLockRequest(args: unknown): LockRequest {
  const a = asRecord(args, "lock.lock");
  const mode = a.mode;
  if (mode !== "read" && mode !== "write") throw new TypeError(`lock.lock: "mode" must be "read" or "write"`);
  const resources = strings(a.resources, "lock.lock", "resources");
  if (resources.length === 0) throw new TypeError(`lock.lock: "resources" is empty`);
  const source = a.source === undefined || a.source === null ? undefined : str(a.source, "lock.lock", "source");
  return { uid: str(a.uid, "lock.lock", "uid"), resources, mode, owner: str(a.owner, "lock.lock", "owner"), source };
}

function asRecord(args: unknown, method: string): Record<string, unknown> {
  if (typeof args !== "object" || args === null || Array.isArray(args)) throw new TypeError(`${method}: arguments must be an object`);
  return args as Record<string, unknown>;
}

function str(v: unknown, method: string, field: string): string {
  if (typeof v !== "string" || v.length > MAX_NAME) throw new TypeError(`${method}: "${field}" must be a string of at most ${MAX_NAME} characters`);
  return v;
}

function strings(v: unknown, method: string, field: string): string[] {
  if (!Array.isArray(v) || v.length > MAX_RESOURCES) throw new TypeError(`${method}: "${field}" must be a list of at most ${MAX_RESOURCES} strings`);
  return v.map((x) => str(x, method, field));
}
