// Entry point: argv/env → Config → layers built bottom-up (drives → format → object store →
// S3 and admin handlers) → the HTTP listener. `createServer(cfg)` is what tests use in-process; `main`
// adds the listener, the banner and graceful shutdown.
import { loadConfig, commandLine, ConfigError, type ServerConfig } from "./config/index.ts";
import { DriveError, LocalDrive, type Drive, type FsyncPolicy } from "./disk/index.ts";
import { ErasurePool, Md5Offload } from "./ec/index.ts";
import { ObjectError, ObjectStore, loadPoolFormat, type ObjectLayer, type PoolFormat } from "./object/index.ts";
import { Authenticator, createS3Handler } from "./s3/index.ts";
import { listen, printBanner } from "./server-listen.ts";
import { createAdminHandler } from "./admin/index.ts";
import { RequestMetrics } from "./util/index.ts";
import type { WindowsService } from "./service/index.ts";

export const VERSION = "0.1.0";

export interface ServerOptions {
  /** Drive durability (default "always": fdatasync before anything becomes visible). */
  fsync?: FsyncPolicy;
  /** Erasure worker threads (default: one per core). */
  codecWorkers?: number;
  /** Per-drive-call deadline in ms (default 30 s). */
  driveTimeoutMs?: number;
}

export interface BunkerServer {
  /** Answers one HTTP request (S3 and /minio/* admin paths). */
  fetch(req: Request, remoteAddress?: string): Promise<Response>;
  /** The object layer the S3 and admin handlers call (tests reach objects through it directly). */
  store: ObjectLayer;
  /** Formats per pool, as found or created at start. */
  formats: PoolFormat[];
  /** Stops background work and releases drives and workers. */
  stop(): Promise<void>;
}

interface OpenedPool {
  drives: (Drive | null)[];
  /** Why each null drive could not be opened. */
  errors: unknown[];
}

async function openDrives(cfg: ServerConfig, fsync: FsyncPolicy): Promise<OpenedPool[]> {
  const out: OpenedPool[] = [];
  for (const pool of cfg.layout.pools) {
    const opened: OpenedPool = { drives: [], errors: [] };
    for (const e of pool.endpoints) {
      if (!e.isLocal) throw new ConfigError("InvalidEndpoints", `Drive "${e.raw}" is on another server; distributed mode is not served yet`);
      try {
        opened.drives.push(await LocalDrive.open(e.path, { fsync }));
        opened.errors.push(null);
      } catch (err) {
        // A foreign directory is an operator error; a broken disk is just an offline drive.
        if (err instanceof DriveError && (err.kind === "Unformatted" || err.kind === "InvalidPath")) throw err;
        opened.drives.push(null);
        opened.errors.push(err);
      }
    }
    out.push(opened);
  }
  return out;
}

/** Only pool 0 is placed into and read from: a deployment with more pools would hide their objects. */
function refuseExtraPools(cfg: ServerConfig): void {
  const pools = cfg.layout.pools;
  if (pools.length <= 1) return;
  throw new ConfigError(
    "InvalidEndpoints",
    `The drive arguments form ${pools.length} server pools (${pools.map((p) => `"${p.cmdline}"`).join(", ")}); serving more than one pool is not supported yet, and objects in the other pools would be invisible`,
  );
}

export async function createServer(cfg: ServerConfig, opts: ServerOptions = {}): Promise<BunkerServer> {
  refuseExtraPools(cfg);
  const poolDrives = await openDrives(cfg, opts.fsync ?? "always");
  const formats: PoolFormat[] = [];
  for (const [i, pool] of cfg.layout.pools.entries()) {
    formats.push(
      await loadPoolFormat(
        { drives: poolDrives[i].drives, sets: pool.sets, openErrors: poolDrives[i].errors },
        { poolIndex: i, deploymentId: formats[0]?.deploymentId },
      ),
    );
  }
  const codec = new ErasurePool({ workers: opts.codecWorkers });
  // MD5 of request bodies: half the cores, the rest are the codec's and the main thread's.
  const md5 = new Md5Offload(Math.max(1, Math.floor((navigator.hardwareConcurrency ?? 2) / 2)));
  const parity = cfg.storageClass.parity[0];
  const store = new ObjectStore({
    pools: formats.map((f) => ({ sets: f.sets })),
    deploymentId: formats[0].deploymentId,
    distributionAlgo: formats[0].distributionAlgo,
    codec,
    md5,
    settings: { standardParity: parity.standard, rrsParity: parity.rrs, inlineBlock: cfg.storageClass.inlineBlock, driveTimeoutMs: opts.driveTimeoutMs },
  });
  const auth = new Authenticator({
    region: cfg.regionConfigured ? cfg.region : "",
    lookup: async (accessKey) => (accessKey === cfg.rootUser ? { secretKey: cfg.rootPassword } : null),
  });
  const hostId = new Bun.CryptoHasher("sha256").update(formats[0].deploymentId).digest("hex");
  const requests = new RequestMetrics();
  const s3 = createS3Handler({
    layer: store,
    auth,
    region: cfg.region,
    regionConfigured: cfg.regionConfigured,
    domains: cfg.domains,
    rootAccessKey: cfg.rootUser,
    hostId,
    metrics: requests,
    logError: (requestId, err) => console.error(`[${requestId}] internal error:`, err),
  });
  const refill = refillFreshDrives(cfg, store, formats);
  const admin = createAdminHandler({ config: cfg, store, requests, nodeName: `${cfg.address.host || "127.0.0.1"}:${cfg.address.port}` });
  return {
    async fetch(req, remoteAddress) {
      const url = new URL(req.url);
      // Health, metrics (and later the admin API) live under /minio/, which is never a bucket.
      const answer = url.pathname.startsWith("/minio/") ? await admin(req, url) : null;
      return answer ?? s3(req, remoteAddress);
    },
    store,
    formats,
    async stop() {
      await refill.stop();
      await admin.close();
      await store.close();
      await codec.close();
      md5.close();
      for (const pool of poolDrives) for (const d of pool.drives) await d?.close();
    },
  };
}

/**
 * Drives that format.json had to write now (a replaced, empty drive in an existing deployment)
 * are refilled in the background: every bucket and object is healed onto them.
 */
function refillFreshDrives(cfg: ServerConfig, store: ObjectStore, formats: PoolFormat[]): { stop(): Promise<void> } {
  // The drives being refilled: the store reports them healing (health header, metrics) until the heal ends.
  const refill = formats.flatMap((f, pool) => f.freshDrives.map((d) => ({ pool, set: d.set, position: d.position })));
  const fresh = refill.length;
  if (fresh === 0) return { stop: async () => {} };
  const abort = new AbortController();
  const log = (m: string) => void (cfg.quiet ? undefined : console.log(m));
  log(`Healing ${fresh} replaced drive(s) in the background…`);
  const done = store.healAll({ signal: abort.signal, refill }).then(
    (r) =>
      log(
        `Healing done: ${r.objects} objects checked, ${r.healed} rewritten, ${r.failed.length} failed${r.failed[0] ? ` (first: ${r.failed[0].bucket}/${r.failed[0].key}: ${r.failed[0].error})` : ""}`,
      ),
    (err) => void (abort.signal.aborted ? undefined : console.error(`Healing stopped: ${err instanceof Error ? err.message : String(err)}`)),
  );
  return {
    async stop() {
      abort.abort();
      await done;
    },
  };
}

/** One line for an operator: what went wrong and what to do. */
function fatal(err: unknown, program: string): never {
  const message =
    err instanceof ConfigError || err instanceof DriveError || err instanceof ObjectError ? err.message : String(err instanceof Error ? err.message : err);
  console.error(`${program}: ${message}`);
  process.exit(1);
}

/** On Windows under the Service Control Manager: answer it (start pending → running → stop). */
async function windowsService(cfg: ServerConfig, drain: () => Promise<void>): Promise<WindowsService | null> {
  if (process.platform !== "win32" || !cfg.windowsService) return null;
  const { startWindowsService } = await import("./service/index.ts"); // never loaded elsewhere
  return startWindowsService({ name: cfg.windowsService, onStop: drain, log: (m) => console.error(m) });
}

async function main(): Promise<void> {
  const argv = commandLine(process);
  let cfg;
  try {
    cfg = loadConfig(argv, process.env, { version: VERSION });
  } catch (err) {
    fatal(err, argv[0] ?? "bunker");
  }
  if (cfg.command !== "server") {
    process.stdout.write(cfg.text);
    process.exit(cfg.exitCode);
  }
  let server: BunkerServer | undefined;
  let listener: Awaited<ReturnType<typeof listen>> | undefined;
  let draining: Promise<void> | undefined;
  // Stop accepting, let in-flight requests finish (--shutdown-timeout at most), then release drives and workers.
  const drain = () =>
    (draining ??= (async () => {
      if (listener) await Promise.race([listener.stop(false), Bun.sleep(cfg.shutdownTimeoutMs).then(() => listener!.stop(true))]);
      await server?.stop();
    })());
  // Before the drives are opened, so the SCM hears from us within its start timeout.
  const service = await windowsService(cfg, drain);
  const failed = async (err: unknown) => {
    if (service) {
      console.error(`${cfg.programName}: ${err instanceof Error ? err.message : String(err)}`);
      await service.stopped(1);
    }
    fatal(err, cfg.programName);
  };
  try {
    server = await createServer(cfg);
    listener = await listen(cfg, server);
  } catch (err) {
    const code = (err as { code?: string }).code;
    await failed(code === "EADDRINUSE" ? new Error(`Cannot listen on ${cfg.address.raw}: the port is already in use (choose another with --address)`) : err);
  }
  service?.running();
  if (!cfg.quiet) await printBanner(cfg, server!, listener!.port);
  const onSignal = (signal: string) => {
    if (!cfg.quiet && !draining) console.log(`Received ${signal}: finishing in-flight requests…`);
    void drain().then(() => process.exit(0));
  };
  process.on("SIGTERM", () => onSignal("SIGTERM"));
  process.on("SIGINT", () => onSignal("SIGINT"));
}

if (import.meta.main) await main();
