// A real ObjectStore on real temp drives for object-layer tests: drives laid out by the same
// code the server uses (ellipses → sets → format.json), each wrapped in a FaultyDrive (and,
// with `wire`, a WireDrive below it, so every call crosses as it will over RPC).
import { xorshiftBytes } from "./xorshift.ts";
import { join } from "node:path";
import { parseVolumes } from "../../src/config/index.ts";
import { LocalDrive, type Drive } from "../../src/disk/index.ts";
import type { ErasurePool } from "../../src/ec/index.ts";
import { ObjectStore, loadPoolFormat, type MrfConfig, type NamespaceLocker, type PoolFormat, type SetSettings } from "../../src/object/index.ts";
import { FaultyDrive } from "./faulty-drive.ts";
import type { TempDirs } from "./temp-dirs.ts";
import { WireDrive } from "./wire-drive.ts";

export interface TestStore {
  store: ObjectStore;
  /** Every drive in command-line order (the wrappers stay the same across reopen). */
  drives: FaultyDrive[];
  roots: string[];
  /** What loadPoolFormat said at the last (re)open (freshDrives after a replaced drive). */
  format?: PoolFormat;
  /** Closes and opens the store again on the same drives (a restart). */
  reopen(): Promise<ObjectStore>;
  close(): Promise<void>;
}

export interface TestStoreOptions {
  drives: number;
  /** MINIO_ERASURE_SET_DRIVE_COUNT equivalent. */
  setDriveCount?: number;
  settings?: Partial<SetSettings>;
  /** Deployment id for fresh drives (placement of keys in sets then repeats run to run). */
  deploymentId?: string;
  /** Existing drive directories (e.g. a copied fixture) instead of fresh ones. */
  roots?: string[];
  /** Put a WireDrive under each FaultyDrive: arguments, results and errors cross as plain data. */
  wire?: boolean;
  /** The store's namespace locker (default: a LocalLocker). */
  locker?: NamespaceLocker;
  /** ObjectStoreConfig.mrf (the persisted heal list). */
  mrf?: MrfConfig;
}

/** One drive as the store sees it (see TestStoreOptions.wire). */
export async function openDrive(path: string, wire = false): Promise<Drive> {
  const local = await LocalDrive.open(path, { fsync: "none" });
  return wire ? new WireDrive(local) : local;
}

export async function openTestStore(temp: TempDirs, codec: ErasurePool, opts: TestStoreOptions): Promise<TestStore> {
  const parent = opts.roots ? "" : temp.make("bunker-drives-");
  const roots = opts.roots ?? Array.from({ length: opts.drives }, (_, i) => join(parent, `d${i + 1}`));
  const layout = opts.roots
    ? parseVolumes(opts.roots, { setDriveCount: opts.setDriveCount })
    : parseVolumes([opts.drives === 1 ? roots[0] : `${parent}/d{1...${opts.drives}}`], { setDriveCount: opts.setDriveCount });
  const pool = layout.pools[0];
  const drives: FaultyDrive[] = [];
  for (const e of pool.endpoints) drives.push(new FaultyDrive(await openDrive(e.path, opts.wire)));
  const open = async () => {
    const fmt = await loadPoolFormat({ drives, sets: pool.sets }, { poolIndex: 0, deploymentId: opts.deploymentId });
    t.format = fmt;
    return new ObjectStore({
      pools: [{ sets: fmt.sets }],
      deploymentId: fmt.deploymentId,
      distributionAlgo: fmt.distributionAlgo,
      codec,
      locker: opts.locker,
      settings: { driveTimeoutMs: 5_000, ...opts.settings },
      mrf: opts.mrf,
    });
  };
  const t: TestStore = {
    store: undefined as unknown as ObjectStore,
    drives,
    roots: pool.endpoints.map((e) => e.path),
    async reopen() {
      await t.store.close();
      // A restart opens every drive afresh (a wiped drive's directory is created again).
      for (const [i, d] of drives.entries()) {
        await d.inner.close();
        d.inner = await openDrive(pool.endpoints[i].path, opts.wire);
      }
      t.store = await open();
      return t.store;
    },
    async close() {
      await t.store.close();
      for (const d of drives) await d.close();
    },
  };
  t.store = await open();
  return t;
}

export function bodyOf(data: Uint8Array | string, chunk = 64 * 1024): ReadableStream<Uint8Array> {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  let off = 0;
  return new ReadableStream<Uint8Array>({
    pull(c) {
      if (off >= bytes.length) return c.close();
      c.enqueue(bytes.slice(off, off + chunk));
      off += chunk;
    },
  });
}

export async function readAllBody(s: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  return new Uint8Array(await new Response(s).arrayBuffer());
}

export function randomBytes(n: number, seed = 1): Uint8Array {
  return xorshiftBytes(n, seed);
}

export function md5hex(data: Uint8Array): string {
  return new Bun.CryptoHasher("md5").update(data).digest("hex");
}
