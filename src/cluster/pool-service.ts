// Pool decommission across servers: each pool's drain runs on one server (the one holding the
// pool's first drive, as MinIO runs it), so an admin call that reaches any other server is
// carried there over RPC. The serving side calls the object store; refusals cross as ObjectErrors.
import type { DecommissionStatus } from "../object/index.ts";
import type { RpcClient } from "./rpc-client.ts";

/** What the pool service needs of the object store (ObjectStore fits). */
export interface PoolService {
  beginDecommission(index: number): Promise<void>;
  cancelDecommission(index: number): Promise<void>;
  decommissionStatus(): Promise<DecommissionStatus[]>;
  poolSpace(index: number): Promise<{ total: number; free: number }>;
}

/** One pool's state as the runner reports it. */
export type PoolReport = DecommissionStatus & { total: number; free: number };

export interface PoolServer {
  register(method: string, handler: (args: { pool?: unknown }) => Promise<{ value?: unknown }>): void;
}

const START = "pools.start";
const CANCEL = "pools.cancel";
const STATUS = "pools.status";

function poolArg(args: { pool?: unknown }): number {
  if (typeof args?.pool !== "number" || !Number.isInteger(args.pool) || args.pool < 0) throw new TypeError("The pool call needs a pool index");
  return args.pool;
}

/** The state of pool `index` here: its record (live while this server drains it) and its capacity. */
export async function poolReport(store: PoolService, index: number): Promise<PoolReport> {
  const all = await store.decommissionStatus();
  const status = all[index];
  if (!status) throw new TypeError(`There is no pool ${index + 1}`);
  return { ...status, ...(await store.poolSpace(index)) };
}

/** Answers peers' pool calls; `store` is read at call time (the object store exists only after bootstrap). */
export function registerPoolService(server: PoolServer, store: () => PoolService | undefined): void {
  const need = (): PoolService => {
    const s = store();
    if (!s) throw new Error("This server is still starting");
    return s;
  };
  server.register(START, async (args) => {
    await need().beginDecommission(poolArg(args));
    return {};
  });
  server.register(CANCEL, async (args) => {
    await need().cancelDecommission(poolArg(args));
    return {};
  });
  server.register(STATUS, async (args) => ({ value: await poolReport(need(), poolArg(args)) }));
}

/** The calling side: asks the server running pool `index`'s drain. */
export const rpcPools = {
  start: (client: RpcClient, index: number) => client.call(START, { pool: index }, { deadlineMs: 30_000 }).then(() => {}),
  cancel: (client: RpcClient, index: number) => client.call(CANCEL, { pool: index }, { deadlineMs: 60_000 }).then(() => {}),
  status: (client: RpcClient, index: number) => client.call<PoolReport>(STATUS, { pool: index }, { deadlineMs: 10_000 }),
};
