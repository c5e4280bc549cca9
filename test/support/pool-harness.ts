// A real multi-pool ObjectStore on temp drives for object-layer tests: each pool its own
// ellipses argument (p1d{1...4}, p2d{1...6}…), formatted as the server does (later pools take
// pool 1's deployment id), with the free-space view and the random pick of placement injected.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { parseVolumes } from "../../src/config/index.ts";
import { LocalDrive, type Drive } from "../../src/disk/index.ts";
import type { ErasurePool } from "../../src/ec/index.ts";
import { ObjectStore, loadPoolFormat } from "../../src/object/index.ts";
import type { TempDirs } from "./temp-dirs.ts";

export interface PoolsStore {
  store: ObjectStore;
  /** Drive directories of each pool. */
  roots: string[][];
  /** Free bytes each pool reports to placement (edit it to steer new objects). */
  free: number[];
  /** The next value of placement's random pick. */
  random: number;
  /** Does any drive of pool `pool` hold an xl.meta of `bucket/key`? */
  holds(pool: number, bucket: string, key: string): boolean;
  /** Another store over the same drives (another server of the deployment); the caller closes it. */
  openPeer(): Promise<ObjectStore & { close(): Promise<void> }>;
  /** Closes and opens again on the same drives, with the pools of `shapes` (more pools = added ones). */
  reopen(shapes?: number[]): Promise<ObjectStore>;
  close(): Promise<void>;
}

export async function openPools(temp: TempDirs, codec: ErasurePool, shapes: number[]): Promise<PoolsStore> {
  const parent = temp.make("bunker-pools-");
  let drives: Drive[] = [];
  const t: PoolsStore = {
    store: undefined as unknown as ObjectStore,
    openPeer: undefined as unknown as PoolsStore["openPeer"],
    roots: [],
    free: shapes.map(() => 1e12),
    random: 0.5,
    holds: (pool, bucket, key) => t.roots[pool].some((r) => existsSync(join(r, bucket, key, "xl.meta"))),
    async reopen(next = shapes) {
      await t.close();
      shapes = next;
      while (t.free.length < shapes.length) t.free.push(1e12);
      await open();
      return t.store;
    },
    async close() {
      await t.store.close();
      for (const d of drives) await d.close();
      drives = [];
    },
  };
  const build = async (into: Drive[]) => {
    const pools: { sets: (Drive | null)[][]; id: string }[] = [];
    let deploymentId: string | undefined;
    const roots: string[][] = [];
    for (const [i, n] of shapes.entries()) {
      const arg = `${parent}/p${i + 1}d{1...${n}}`;
      const layout = parseVolumes([arg]).pools[0];
      const opened: Drive[] = [];
      for (const e of layout.endpoints) opened.push(await LocalDrive.open(e.path, { fsync: "none" }));
      into.push(...opened);
      const fmt = await loadPoolFormat({ drives: opened, sets: layout.sets }, { poolIndex: i, deploymentId });
      deploymentId ??= fmt.deploymentId;
      pools.push({ sets: fmt.sets, id: arg });
      roots.push(layout.endpoints.map((e) => e.path));
    }
    const store = new ObjectStore({
      pools,
      deploymentId: deploymentId!,
      codec,
      settings: { driveTimeoutMs: 5_000 },
      placement: { freeSpace: async (pool) => t.free[pool] ?? 0, random: () => t.random },
    });
    return { store, roots };
  };
  const open = async () => {
    const built = await build(drives);
    t.store = built.store;
    t.roots = built.roots;
  };
  t.openPeer = async () => {
    const own: Drive[] = [];
    const { store } = await build(own);
    const close = store.close.bind(store);
    return Object.assign(store, {
      close: async () => {
        await close();
        for (const d of own) await d.close();
      },
    });
  };
  await open();
  return t;
}
