// Entry point: argv/env → Config → layers built bottom-up (drives → format → object store →
// S3 and admin handlers) → the HTTP listener. `createServer(cfg)` is what tests use in-process; `main`
// adds the listener, the banner and graceful shutdown.
import { loadConfig, commandLine, ConfigError, type ServerConfig } from "./config/index.ts";
import { DriveError, LocalDrive, type Drive, type FsyncPolicy } from "./disk/index.ts";
import { ErasurePool, Md5Offload } from "./ec/index.ts";
import { LocalLocker, ObjectError, ObjectStore, loadPoolFormat, type NamespaceLocker, type ObjectLayer, type PoolFormat } from "./object/index.ts";
import { RPC_PATH_PREFIX } from "./cluster/index.ts";
import { bootstrapCluster, clusterMrf, openCluster, type Cluster } from "./server-cluster.ts";
import { Authenticator, createS3Handler } from "./s3/index.ts";
import { listen, printBanner } from "./server-listen.ts";
import { createAdminHandler, logFeedSource, traceFeedSource, type LogApiDeps, type ServiceControl } from "./admin/index.ts";
import { adminAuthenticator, poolAdmin } from "./server-admin.ts";
import { serverAdminDeps } from "./server-admin-deps.ts";
import { clusterFeeds } from "./server-admin-feeds.ts";
import { relaunch } from "./server-relaunch.ts";
import { iamAdminDeps, iamCodec, iamLookup, startIam, startLdap, startOpenId } from "./server-iam.ts";
import { configKvApi, startupConfig } from "./server-config.ts";
import { s3ApiDeps } from "./server-api.ts";
import { kmsFromEnv } from "./server-kms.ts";
import { compressionPolicyFromEnv } from "./compress/index.ts";
import { Logger, RequestMetrics, TraceHub } from "./util/index.ts";
import type { WindowsService } from "./service/index.ts";

export const VERSION = "0.1.0";

export interface ServerOptions {
  /** Drive durability (default "always": fdatasync before anything becomes visible). */
  fsync?: FsyncPolicy;
  /** Erasure worker threads (default: one per core). */
  codecWorkers?: number;
  /** Per-drive-call deadline in ms (default 30 s). */
  driveTimeoutMs?: number;
  /** Run the background heal scanner at cfg.scanner's pace (the real server does; in-process tests do not unless they ask). */
  scanner?: boolean;
  /** Restart and stop of the process, for the admin API (main() passes them; in-process servers have none). */
  service?: ServiceControl;
  /** Where the server's lines go (default: serverLogger(cfg), the console, --quiet silencing informational lines). */
  logger?: Logger;
}

export interface BunkerServer {
  /** Answers one HTTP request (S3 and /minio/* admin paths). */
  fetch(req: Request, remoteAddress?: string): Promise<Response>;
  /** The object layer the S3 and admin handlers call (tests reach objects through it directly). */
  store: ObjectLayer;
  /** Formats per pool, as found or created at start. */
  formats: PoolFormat[];
  /** The configuration in effect: the command line and environment, with config/config.json's values under the environment. */
  config: ServerConfig;
  /** The server's log: printed, and kept for the admin API's console log stream (mc admin logs). */
  logger: Logger;
  /** Live S3 request traces (mc admin trace, this server's and, in a cluster, those its peers ask for). */
  traces: TraceHub;
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

/** A server whose listener can run before its drives are ready (a cluster answers its peers while it waits for them). */
export interface PreparedServer {
  /** Internode RPC at once; S3 and admin requests once started (503 XMinioServerNotInitialized before). */
  fetch(req: Request, remoteAddress?: string): Promise<Response>;
  /** Waits for the drives (and, in a cluster, the peers), then builds the layers. */
  start(opts?: { signal?: AbortSignal }): Promise<BunkerServer>;
  /** Releases everything (also when start never finished). */
  stop(): Promise<void>;
  /** Before a graceful stop: a cluster server tells its peers it is going. */
  leave(): Promise<void>;
}

/** True when some drive lives on another server: distributed mode. */
function isDistributed(cfg: ServerConfig): boolean {
  return cfg.layout.pools.some((p) => p.endpoints.some((e) => !e.isLocal));
}

/** The one place the server's lines go: printed as always, kept for mc admin logs, secrets never written. */
export function serverLogger(cfg: ServerConfig): Logger {
  return new Logger({
    quiet: cfg.quiet,
    secrets: [cfg.rootPassword, ...cfg.kms.secrets],
  });
}

export async function prepareServer(cfg: ServerConfig, opts: ServerOptions = {}): Promise<PreparedServer> {
  const fsync = opts.fsync ?? "always";
  const logger = opts.logger ?? serverLogger(cfg);
  const log = logger.line;
  const cluster = isDistributed(cfg) ? await openCluster(cfg, fsync, (line) => logger.error(line)) : null;
  let server: BunkerServer | undefined;
  let stopped = false;
  return {
    async fetch(req, remoteAddress) {
      if (server) return server.fetch(req, remoteAddress);
      const path = new URL(req.url).pathname;
      if (cluster && path.startsWith(RPC_PATH_PREFIX)) return cluster.rpc.handle(req);
      return notInitialized(path);
    },
    async start(startOpts = {}) {
      if (!cluster) {
        const poolDrives = await openDrives(cfg, fsync);
        const formats: PoolFormat[] = [];
        for (const [i, pool] of cfg.layout.pools.entries()) {
          formats.push(
            await loadPoolFormat(
              { drives: poolDrives[i].drives, sets: pool.sets, openErrors: poolDrives[i].errors },
              { poolIndex: i, deploymentId: formats[0]?.deploymentId },
            ),
          );
        }
        server = await buildServer(cfg, opts, formats, { logger, close: async () => closeDrives(poolDrives.map((p) => p.drives)) });
        return server;
      }
      const formats = await bootstrapCluster(cfg, cluster, { signal: startOpts.signal, log });
      server = await buildServer(cfg, opts, formats, { logger, locker: cluster.locker, cluster, close: () => cluster.close() });
      return server;
    },
    async leave() {
      await cluster?.leave();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      if (server) await server.stop();
      else await cluster?.close();
    },
  };
}

export async function createServer(cfg: ServerConfig, opts: ServerOptions = {}): Promise<BunkerServer> {
  return (await prepareServer(cfg, opts)).start();
}

function notInitialized(path: string): Response {
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>XMinioServerNotInitialized</Code><Message>Server not initialized, please try again.</Message><Resource>${Bun.escapeHTML(path)}</Resource></Error>`;
  return new Response(body, { status: 503, headers: { "content-type": "application/xml", "retry-after": "1" } });
}

async function closeDrives(pools: (Drive | null)[][]): Promise<void> {
  for (const pool of pools) for (const d of pool) await d?.close();
}

interface BuildExtras {
  logger: Logger;
  locker?: NamespaceLocker;
  cluster?: Cluster;
  /** Releases the drives (and the cluster's connections). */
  close(): Promise<void>;
}

async function buildServer(given: ServerConfig, opts: ServerOptions, formats: PoolFormat[], extras: BuildExtras): Promise<BunkerServer> {
  const { logger } = extras;
  const codec = new ErasurePool({ workers: opts.codecWorkers });
  // MD5 of request bodies: half the cores, the rest are the codec's and the main thread's.
  const md5 = new Md5Offload(Math.max(1, Math.floor((navigator.hardwareConcurrency ?? 2) / 2)));
  // The store's parity comes from the storage class, which config.json may set, and config.json is
  // read through a store: a bare first one (no owed-heal list, no scanner) reads it and is closed,
  // then the real store is built with the environment and config.json together (env wins).
  // How .minio.sys configuration objects (config.json, IAM) are read and written: the root
  // credentials and the KMS key come from the environment only, so one codec serves both.
  const root = { accessKey: given.rootUser, secretKey: given.rootPassword };
  // The KMS (checked, and a KES connected, here at start) encrypts them and SSE-S3/KMS objects.
  const kmsSetup = await kmsFromEnv(given.kms.env, { certsCaDir: given.certsCaDir });
  for (const warning of kmsSetup.warnings) logger.line(`WARNING: ${warning}`);
  if (kmsSetup.summary) logger.line(kmsSetup.summary);
  const systemCodec = iamCodec(root, kmsSetup.kms);
  const reader = new ObjectStore({
    pools: formats.map((f) => ({ sets: f.sets })),
    deploymentId: formats[0].deploymentId,
    distributionAlgo: formats[0].distributionAlgo,
    codec,
    md5,
    locker: extras.locker,
    mrf: { persist: false },
    settings: { driveTimeoutMs: opts.driveTimeoutMs },
  });
  const cfg = await startupConfig(given, reader, systemCodec, logger.line).finally(() => reader.close());
  // MINIO_COMPRESS_* (or config.json's compression subsystem, below them): new objects stored S2-compressed.
  const compression = compressionPolicyFromEnv(cfg.compression);
  if (compression.enabled)
    logger.line(
      `Compression: S2 for ${[...compression.extensions, ...compression.mimeTypes].join(", ") || "every object"}${compression.allowEncryption ? ", encrypted objects too" : ""}`,
    );
  const parity = cfg.storageClass.parity[0];
  const store = new ObjectStore({
    // Every pool is served; each keeps its own parity (its drive count may differ) and is named by its argument.
    pools: formats.map((f, i) => {
      const own = cfg.storageClass.parity[i] ?? parity;
      return { sets: f.sets, id: cfg.layout.pools[i].cmdline, settings: { standardParity: own.standard, rrsParity: own.rrs } };
    }),
    deploymentId: formats[0].deploymentId,
    distributionAlgo: formats[0].distributionAlgo,
    codec,
    md5,
    locker: extras.locker,
    onBucketChange: extras.cluster ? (bucket) => extras.cluster?.notifyBucket(bucket) : undefined,
    onPoolsChange: extras.cluster ? () => extras.cluster?.notifyPools() : undefined,
    log: logger.line,
    // In a cluster each server keeps its own list of owed heals, on its own drives only.
    mrf: extras.cluster ? clusterMrf(extras.cluster) : undefined,
    settings: {
      standardParity: parity.standard,
      rrsParity: parity.rrs,
      inlineBlock: cfg.storageClass.inlineBlock,
      driveTimeoutMs: opts.driveTimeoutMs,
      maxVersions: cfg.api.objectMaxVersions,
    },
  });
  const iam = await startIam(store, root, {
    codec: systemCodec,
    onChange: extras.cluster ? () => extras.cluster?.notifyIam() : undefined,
    log: logger.line,
  });
  const auth = new Authenticator({ region: cfg.regionConfigured ? cfg.region : "", lookup: iamLookup(iam, { rootAccess: cfg.api.rootAccess }) });
  const ldap = startLdap(iam, cfg.ldap, cfg.certsCaDir, logger.line);
  const ops = serverAdminDeps(cfg, store, formats[0].deploymentId, extras.cluster, opts.service);
  const iamApi = { ...iamAdminDeps(iam, store, ops.usage), ldap };
  const openid = startOpenId(cfg.openid, logger.line);
  const hostId = new Bun.CryptoHasher("sha256").update(formats[0].deploymentId).digest("hex");
  const requests = new RequestMetrics();
  const traces = new TraceHub();
  const s3 = createS3Handler({
    layer: store,
    auth,
    region: cfg.region,
    regionConfigured: cfg.regionConfigured,
    domains: cfg.domains,
    rootAccessKey: cfg.rootUser,
    identities: iam,
    sts: { derived: iamApi.derived, openid: openid?.sts, ldap },
    hostId,
    metrics: requests,
    trace: traces,
    logError: (requestId, err) => logger.error(`[${requestId}] internal error:`, err),
    // Hard bucket quotas are checked against the usage walk plus the writes this server acknowledged since.
    usage: ops.usage,
    kms: kmsSetup.kms,
    compression,
    autoEncryption: kmsSetup.autoEncryption,
    customerKeysOverHttp: cfg.kms.customerKeysOverHttp,
    ...s3ApiDeps(cfg, logger.line),
  });
  const refill = refillFreshDrives(logger, store, formats);
  if (opts.scanner && cfg.scanner.objectsPerSecond > 0) {
    store.startScanner({
      objectsPerSecond: cfg.scanner.objectsPerSecond,
      deepEvery: cfg.scanner.deepEvery,
      // In a cluster each set is walked by one server (the first of its servers that answers).
      only: extras.cluster ? (pool, set) => extras.cluster!.scans(pool, set) : undefined,
      log: logger.line,
    });
  }
  // A pool drain a previous run left unfinished goes on in the background, on the server that runs
  // that pool's drains (in a cluster: the one holding the pool's first drive).
  const topology = extras.cluster?.topology;
  const runsDrain = topology ? (pool: number) => topology.pools[pool][0].node === topology.self : undefined;
  void store.resumeDecommission(runsDrain).catch((err) => logger.error(`Cannot resume pool decommission: ${err instanceof Error ? err.message : String(err)}`));
  const nodeName = extras.cluster ? extras.cluster.topology.nodes[extras.cluster.topology.self].name : `${cfg.address.host || "127.0.0.1"}:${cfg.address.port}`;
  const logDeps: LogApiDeps = {
    source: logger,
    node: nodeName,
    nodes: extras.cluster ? () => extras.cluster!.topology.nodes.map((n) => n.name) : undefined,
    deploymentId: formats[0].deploymentId,
  };
  // In a cluster the trace and log streams cover every server: each serves its own to the others.
  const peers = extras.cluster ? clusterFeeds(extras.cluster, { trace: traceFeedSource(traces, nodeName), log: logFeedSource(logDeps) }) : undefined;
  const admin = createAdminHandler({
    config: cfg,
    store,
    requests,
    usage: ops.usage,
    nodeName,
    nodes: extras.cluster ? () => extras.cluster!.nodesOnline() : undefined,
    api: {
      authenticate: adminAuthenticator(auth, iam),
      iam: iamApi,
      pools: poolAdmin(store, extras.cluster),
      server: ops.deps,
      trace: { hub: traces, node: nodeName, peers },
      hostId,
      logError: (requestId, err) => logger.error(`[${requestId}] admin API internal error:`, err),
      log: { ...logDeps, peers },
      quota: { store, forgetUsage: (bucket) => ops.usage.forget(bucket) },
      config: configKvApi({ base: given, store, codec: systemCodec, locker: extras.locker ?? new LocalLocker() }),
      kms: { kms: kmsSetup.kms, kesEndpoints: kmsSetup.kesEndpoints },
    },
  });
  const cluster = extras.cluster;
  cluster?.attach(
    {
      // A peer changed the bucket (its quota, perhaps): its count is redone at the next quota check.
      bucketChanged: (bucket) => {
        store.forgetBucket(bucket);
        ops.usage.forget(bucket);
      },
      poolsChanged: () => store.reloadPoolState(),
      iamChanged: () => iam.reload().catch((err) => logger.error(`IAM reload failed: ${(err as Error).message}`)),
      // A peer back in view: it may have changed buckets or pools we were not told of, and its drives may owe heals.
      peerReturned: () => {
        store.forgetBuckets();
        store.reloadPoolState();
        void iam.reload().catch(() => {});
        void store.retryHeals().catch(() => {});
      },
    },
    store,
  );
  return {
    async fetch(req, remoteAddress) {
      const url = new URL(req.url);
      if (cluster && url.pathname.startsWith(RPC_PATH_PREFIX)) return cluster.rpc.handle(req);
      // Health, metrics and the admin API live under /minio/, which is never a bucket.
      const answer = url.pathname.startsWith("/minio/") ? await admin(req, url, remoteAddress) : null;
      return answer ?? s3(req, remoteAddress);
    },
    store,
    formats,
    config: cfg,
    logger,
    traces,
    async stop() {
      await refill.stop();
      await ops.close();
      await admin.close();
      iam.stop();
      openid?.stop();
      await store.close();
      await codec.close();
      md5.close();
      await extras.close();
    },
  };
}

/**
 * Drives that format.json had to write now (a replaced, empty drive in an existing deployment)
 * are refilled in the background: every bucket and object is healed onto them.
 */
function refillFreshDrives(logger: Logger, store: ObjectStore, formats: PoolFormat[]): { stop(): Promise<void> } {
  // The drives being refilled: the store reports them healing (health header, metrics) until the heal ends.
  const refill = formats.flatMap((f, pool) => f.freshDrives.map((d) => ({ pool, set: d.set, position: d.position })));
  const fresh = refill.length;
  if (fresh === 0) return { stop: async () => {} };
  const abort = new AbortController();
  const log = logger.line;
  log(`Healing ${fresh} replaced drive(s) in the background…`);
  const done = store.healAll({ signal: abort.signal, refill }).then(
    (r) =>
      log(
        `Healing done: ${r.objects} objects checked, ${r.healed} rewritten, ${r.failed.length} failed${r.failed[0] ? ` (first: ${r.failed[0].bucket}/${r.failed[0].key}: ${r.failed[0].error})` : ""}`,
      ),
    (err) => void (abort.signal.aborted ? undefined : logger.error(`Healing stopped: ${err instanceof Error ? err.message : String(err)}`)),
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
  const logger = serverLogger(cfg);
  let server: BunkerServer | undefined;
  let listener: Awaited<ReturnType<typeof listen>> | undefined;
  let draining: Promise<void> | undefined;
  // Stop accepting, let in-flight requests finish (--shutdown-timeout at most), then release drives and workers.
  const drain = () =>
    (draining ??= (async () => {
      abort.abort();
      await prepared?.leave();
      if (listener) await Promise.race([listener.stop(false), Bun.sleep(cfg.shutdownTimeoutMs).then(() => listener!.stop(true))]);
      await prepared?.stop();
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
  const abort = new AbortController();
  // The admin API's stop and restart, after the same drain as SIGTERM (not under the SCM, which owns the process there).
  const env = { ...process.env };
  let ending = false;
  const end = (what: string, then: () => void | Promise<void>) => {
    if (ending) return;
    ending = true;
    logger.info(`Admin API asked to ${what}: finishing in-flight requests…`);
    void drain()
      .then(then)
      .catch((err) => fatal(err, cfg.programName));
  };
  const control: ServiceControl | undefined = service
    ? undefined
    : { stop: () => end("stop", () => process.exit(0)), restart: () => end("restart", () => relaunch(cfg, listener?.port ?? cfg.address.port, env)) };
  let prepared: PreparedServer | undefined;
  try {
    prepared = await prepareServer(cfg, { scanner: true, service: control, logger });
    const p = prepared;
    // Listening first: in a cluster the peers need our RPC while we all wait for each other.
    listener = await listen(cfg, { fetch: (req, ra) => p.fetch(req, ra) });
    server = await prepared.start({ signal: abort.signal });
  } catch (err) {
    const code = (err as { code?: string }).code;
    await failed(code === "EADDRINUSE" ? new Error(`Cannot listen on ${cfg.address.raw}: the port is already in use (choose another with --address)`) : err);
  }
  service?.running();
  if (!cfg.quiet) await printBanner(server!.config, server!, listener!.port);
  const onSignal = (signal: string) => {
    if (!draining) logger.info(`Received ${signal}: finishing in-flight requests…`);
    void drain().then(() => process.exit(0));
  };
  process.on("SIGTERM", () => onSignal("SIGTERM"));
  process.on("SIGINT", () => onSignal("SIGINT"));
}

if (import.meta.main) await main();
