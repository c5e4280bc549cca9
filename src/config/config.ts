// Configuration: `bunker server`'s command line and environment — minio's flags and MINIO_*
// variables, BUNKER_* spellings first — parsed once into a frozen plain object. The only module
// that reads environment variables, and only from the `env` record it is handed.
import { kmsOf, type KmsConfig } from "./kms-config.ts";
import { apiOf, type ApiConfig } from "./api-config.ts";
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { basename, join, resolve } from "node:path";
import { ConfigError } from "./config-error.ts";
import { goDurationMs, mergeFlags, optsArgs, parseArgs, parseBool, type Env } from "./config-flags.ts";
import { parseVolumes } from "./endpoints.ts";
import { localAddresses, parseListenAddress, type ListenAddress } from "./host-port.ts";
import { ldapOf, type LdapConfig } from "./identity-ldap.ts";
import { openIdOf, type OpenIdConfig } from "./identity-openid.ts";
import { DEFAULT_INLINE_BLOCK, parseByteSize, resolveStorageClasses, type ParityChoice } from "./storage-class.ts";
import type { VolumeLayout } from "./volume-layout.ts";

/** Storage-class settings with their parity already checked against every pool. */
export interface StorageClassConfig {
  /** STANDARD as "EC:n" (BUNKER_/MINIO_STORAGE_CLASS_STANDARD); undefined = default for the set size. */
  standard?: string;
  /** REDUCED_REDUNDANCY as "EC:n" (…_STORAGE_CLASS_RRS); undefined = EC:1 (EC:0 on one drive). */
  rrs?: string;
  /** "availability" raises parity when drives are offline at write time (MinIO's default); "capacity" does not. */
  optimize: "availability" | "capacity";
  /** Shards up to this many bytes are stored inside xl.meta (…_STORAGE_CLASS_INLINE_BLOCK, default 128 KiB). */
  inlineBlock: number;
  /** STANDARD and RRS parity for each pool, by pool index. */
  parity: readonly ParityChoice[];
}

/** Everything `server` needs, fixed at start. */
export interface ServerConfig {
  /** Discriminant: run the server. */
  command: "server";
  /** Name the binary was started as ("minio" when installed as minio); used in messages. */
  programName: string;
  /** Bunker's version string. */
  version: string;
  /** S3 API address (--address, BUNKER_/MINIO_ADDRESS; default ":9000"). */
  address: ListenAddress;
  /** Console address (--console-address, …_CONSOLE_ADDRESS; default a free port); null when the browser is off. */
  consoleAddress: ListenAddress | null;
  /** Drive arguments as given, before ellipsis expansion. */
  volumes: readonly string[];
  /** Where `volumes` came from: "command line" or the variable name, e.g. "MINIO_VOLUMES". */
  volumesSource: string;
  /** Pools, erasure sets and drives parsed from `volumes`. */
  layout: VolumeLayout;
  /** Explicit drives per set (…_ERASURE_SET_DRIVE_COUNT); 0 = chosen automatically. */
  setDriveCount: number;
  /** Root access key. */
  rootUser: string;
  /** Root secret key. */
  rootPassword: string;
  /** Variable the credentials came from, e.g. "MINIO_ROOT_USER", or "default". */
  credentialsSource: string;
  /** True when running with minioadmin/minioadmin because nothing was configured. */
  usingDefaultCredentials: boolean;
  /** The KMS (today: MinIO's built-in static key, or none). */
  kms: KmsConfig;
  /** MinIO's compression variables as set (MINIO_COMPRESS, MINIO_COMPRESS_*); read into a policy at start. */
  compression: Readonly<Record<string, string>>;
  /** TLS certificate directory (public.crt, private.key, per-domain subdirectories). */
  certsDir: string;
  /** Trusted CA directory, certsDir/CAs. */
  certsCaDir: string;
  /** --json: logs as JSON lines. */
  json: boolean;
  /** --quiet: no startup banner or info messages. */
  quiet: boolean;
  /** --anonymous: keep hostnames and similar details out of logs. */
  anonymous: boolean;
  /** Domains for virtual-host-style requests (…_DOMAIN, comma-separated). */
  domains: readonly string[];
  /** Region reported and expected in signatures (…_REGION or …_SITE_REGION; default "us-east-1"). */
  region: string;
  /** False when no region was configured: MinIO then accepts signatures for any region. */
  regionConfigured: boolean;
  /** Site name (…_SITE_NAME), "" when unset. */
  siteName: string;
  /** Storage classes and their parity per pool. */
  storageClass: StorageClassConfig;
  /** Metrics authentication (…_PROMETHEUS_AUTH_TYPE): "jwt" (default) or "public". */
  prometheusAuthType: "jwt" | "public";
  /** Whether the web console is enabled (…_BROWSER, default on). */
  browser: boolean;
  /** How long a shutdown waits for in-flight requests (--shutdown-timeout, Go duration; MinIO's default 5 s). */
  shutdownTimeoutMs: number;
  /** The background heal scanner: objects checked per second (BUNKER_SCANNER_OBJECTS_PER_SECOND, 0 = off) and a bitrot (deep) check every Nth cycle (BUNKER_SCANNER_DEEP_EVERY; MINIO_HEAL_BITROTSCAN=on means every cycle). */
  scanner: { objectsPerSecond: number; deepEvery: number };
  /** Windows service name when started by the Service Control Manager (BUNKER_SERVICE_NAME, set by install.ps1); "" otherwise. */
  windowsService: string;
  /** The OpenID Connect provider for STS AssumeRoleWithWebIdentity/ClientGrants (MINIO_IDENTITY_OPENID_*); absent: none. */
  openid?: OpenIdConfig;
  /** The LDAP identity provider for STS AssumeRoleWithLDAPIdentity (MINIO_IDENTITY_LDAP_*); absent: none. */
  ldap?: LdapConfig;
  /** The S3 API's limits and access rules (MinIO's api subsystem, MINIO_API_*). */
  api: ApiConfig;
  /** Non-fatal problems to print at startup (ignored flags, deprecated variables). */
  warnings: readonly string[];
  /** What this was built from, to rebuild it with config.json's values (config-stored.ts); functions, so printing shows no variable. */
  source: ConfigSource;
}

/** The command line and environment a ServerConfig was built from, behind functions. */
export interface ConfigSource {
  /** The same command line with `layer` applied to the environment (env file included); throws ConfigError. */
  rebuild(layer: (env: Env) => Env): ServerConfig;
  /** A MINIO_* or BUNKER_* variable as the server sees it, "" when unset (to tell what overrides a stored value). */
  env(name: string): string;
}

/** A request for help or the version instead of a server. */
export interface InfoConfig {
  /** Discriminant: print `text` and exit. */
  command: "help" | "version";
  /** Name the binary was started as. */
  programName: string;
  /** What to print to stdout. */
  text: string;
  /** Exit status: 0 when asked for, 1 when the command line was incomplete. */
  exitCode: number;
}

/** The result of reading the command line and environment. */
export type Config = ServerConfig | InfoConfig;

export interface LoadConfigOptions {
  /** Home directory for default paths (default: HOME, USERPROFILE, then the OS). */
  defaultsHome?: string;
  /** Base for relative paths (default process.cwd()). */
  cwd?: string;
  /** Version shown by --version and help. */
  version?: string;
  /** Addresses meaning "this machine"; tests pass their own. */
  localAddresses?: ReadonlySet<string>;
  /** Reads a text file, undefined when missing (secrets and env files); tests pass their own. */
  readFile?: (path: string) => string | undefined;
  /** Whether a path exists (default-directory checks); tests pass their own. */
  exists?: (path: string) => boolean;
}

/** Where the binary runs from: a compiled Bun binary reports a virtual script path, so use argv0. */
export function commandLine(proc: { argv: readonly string[]; argv0: string }): string[] {
  const script = proc.argv[1] ?? "";
  const compiled = script.startsWith("/$bunfs/") || /^[A-Za-z]:[\\/]~BUN[\\/]/.test(script);
  return [compiled ? proc.argv0 : "bunker", ...proc.argv.slice(2)];
}

/** Reads argv (argv[0] = program as invoked) and env into a frozen Config; throws ConfigError. */
export function loadConfig(argv: readonly string[], env: Env, opts: LoadConfigOptions = {}): Config {
  const prog = basename(argv[0] ?? "bunker") || "bunker";
  const version = opts.version ?? "0.0.0-dev";
  const fullEnv = withEnvFile(env, opts.readFile ?? readTextFile);
  const app = parseArgs(argv.slice(1), "app", "command line", prog);
  if (app.version) return info("version", prog, versionText(prog, version), 0);
  const [command, ...rest] = app.positionals;
  if (app.help || command === undefined || command === "help") return info("help", prog, appHelp(prog, version), 0);
  if (command === "version") return info("version", prog, versionText(prog, version), 0);
  if (command !== "server") {
    throw new ConfigError("UnknownCommand", `"${command}" is not a ${prog} command; run "${prog} --help" to list them`);
  }
  const cli = parseArgs(rest, "server", "command line", prog);
  if (cli.help) return info("help", prog, serverHelp(prog), 0);
  const volumes = pickVolumes(cli.positionals, fullEnv);
  if (volumes.list.length === 0 || (volumes.source === "command line" && volumes.list[0] === "help")) {
    return info("help", prog, serverHelp(prog), 1);
  }
  const warnings = [...volumes.warnings];
  const flags = mergeFlags([app, cli, ...optsArgs(fullEnv, prog, warnings)], warnings);
  const source: ConfigSource = {
    rebuild(layer) {
      // The env file's values are in fullEnv already: it is not read (and laid over the layer) again.
      const { BUNKER_CONFIG_ENV_FILE: _b, MINIO_CONFIG_ENV_FILE: _m, ...layered } = layer(fullEnv);
      return loadConfig(argv, layered, opts) as ServerConfig;
    },
    env: (name) => (/^(MINIO|BUNKER)_/.test(name) ? (fullEnv[name] ?? "") : ""),
  };
  return Object.freeze({ ...buildServerConfig({ prog, version, env: fullEnv, flags, volumes, warnings, opts }), source });
}

interface BuildInput {
  prog: string;
  version: string;
  env: Env;
  flags: Map<string, string>;
  volumes: { list: string[]; source: string };
  warnings: string[];
  opts: LoadConfigOptions;
}

function buildServerConfig(b: BuildInput): Omit<ServerConfig, "source"> {
  const { env, flags, opts, warnings } = b;
  const cwd = opts.cwd ?? process.cwd();
  const local = opts.localAddresses ?? localAddresses();
  const browser = parseBoolEnv(env, "BROWSER", true);
  const address = parseListenAddress(flags.get("address") ?? lookup(env, "ADDRESS")?.value ?? ":9000", "--address", local);
  const consoleAddress = browser ? consoleAddressOf(flags, env, address, local) : null;
  const setDriveCount = intEnv(env, "ERASURE_SET_DRIVE_COUNT");
  const layout = parseVolumes(b.volumes.list, { setDriveCount, serverPort: address.port || 9000, cwd, localAddresses: local });
  if (address.port === 0 && layout.setupType === "dist-erasure") {
    throw new ConfigError("InvalidAddress", `Invalid --address "${address.raw}": port 0 is not allowed with drives on several servers`);
  }
  const creds = resolveCredentials(env, opts.readFile ?? readTextFile, warnings);
  const certsDir = certsDirOf(flags, env, opts, cwd);
  const region = regionOf(env, warnings);
  return {
    command: "server",
    programName: b.prog,
    version: b.version,
    address,
    consoleAddress,
    volumes: Object.freeze([...b.volumes.list]),
    volumesSource: b.volumes.source,
    layout,
    setDriveCount,
    ...creds,
    kms: Object.freeze(kmsOf(env, opts.readFile ?? readTextFile)),
    compression: Object.freeze(Object.fromEntries(Object.entries(env).filter(([k, v]) => /^MINIO_COMPRESS(_|$)/.test(k) && v)) as Record<string, string>),
    certsDir,
    certsCaDir: join(certsDir, "CAs"),
    json: flags.get("json") === "true",
    quiet: flags.get("quiet") === "true",
    anonymous: flags.get("anonymous") === "true",
    domains: Object.freeze(domainsOf(env)),
    ...region,
    storageClass: storageClassOf(env, layout, warnings),
    prometheusAuthType: prometheusAuthOf(env, warnings),
    browser,
    shutdownTimeoutMs: goDurationMs(flags.get("shutdown-timeout") ?? "5s"),
    windowsService: env.BUNKER_SERVICE_NAME ?? "",
    scanner: Object.freeze(scannerOf(env)),
    openid: openIdOf(env, region.regionConfigured ? region.region : "", warnings),
    ldap: ldapOf(env, warnings),
    api: apiOf(env, warnings),
    warnings: Object.freeze(warnings),
  };
}

/** Scanner pace: a modest default rate so a large namespace is walked in the background without crowding requests. */
function scannerOf(env: Env): { objectsPerSecond: number; deepEvery: number } {
  const count = (name: string, fallback: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === "") return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0) throw new ConfigError("InvalidEnv", `Invalid ${name} "${raw}": use a whole number of 0 or more`);
    return n;
  };
  const bitrot = env.MINIO_HEAL_BITROTSCAN;
  let deepEvery = count("BUNKER_SCANNER_DEEP_EVERY", 0);
  if (bitrot !== undefined && bitrot !== "" && env.BUNKER_SCANNER_DEEP_EVERY === undefined) {
    const b = parseBool(bitrot);
    if (b === undefined) throw new ConfigError("InvalidEnv", `Invalid MINIO_HEAL_BITROTSCAN "${bitrot}": use on or off`);
    deepEvery = b ? 1 : 0;
  }
  return { objectsPerSecond: count("BUNKER_SCANNER_OBJECTS_PER_SECOND", 100), deepEvery };
}

const info = (command: InfoConfig["command"], programName: string, text: string, exitCode: number): InfoConfig =>
  Object.freeze({ command, programName, text, exitCode });

function readTextFile(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new ConfigError("InvalidEnv", `Cannot read "${path}": ${(e as Error).message}`, { cause: e });
  }
}

/** First set, non-empty BUNKER_<suffix> or MINIO_<suffix>. */
function lookup(env: Env, suffix: string): { name: string; value: string } | void {
  for (const name of [`BUNKER_${suffix}`, `MINIO_${suffix}`]) {
    const value = env[name];
    if (value) return { name, value };
  }
}

/** MINIO_CONFIG_ENV_FILE: KEY=VALUE lines (as MinIO's Kubernetes operator writes) override env. */
function withEnvFile(env: Env, read: (path: string) => string | undefined): Env {
  const file = lookup(env, "CONFIG_ENV_FILE");
  const text = file && read(file.value);
  if (!file || text === undefined) return env;
  const out: Record<string, string | undefined> = { ...env };
  for (const [i, line] of text.split(/\r?\n/).entries()) {
    const entry = line.trim().replace(/^export\s+/, "");
    if (entry === "" || entry.startsWith("#")) continue;
    const eq = entry.indexOf("=");
    if (eq <= 0) {
      throw new ConfigError("InvalidEnv", `Invalid line ${i + 1} of ${file.name} "${file.value}": expected KEY=value`);
    }
    let value = entry.slice(eq + 1);
    if (value.length >= 2 && (value[0] === '"' || value[0] === "'") && value.at(-1) === value[0]) value = value.slice(1, -1);
    out[entry.slice(0, eq).trim()] = value;
  }
  return out;
}

/** Drives: MINIO_ARGS, MINIO_VOLUMES or MINIO_ENDPOINTS replace the arguments, as in MinIO. */
function pickVolumes(positionals: string[], env: Env): { list: string[]; source: string; warnings: string[] } {
  for (const suffix of ["ARGS", "VOLUMES", "ENDPOINTS"]) {
    const found = lookup(env, suffix);
    const list =
      found?.value
        .trim()
        .split(/\s+/)
        .filter((s) => s !== "") ?? [];
    if (!found || list.length === 0) continue;
    const differs = positionals.length > 0 && positionals.join(" ") !== list.join(" ");
    const warnings = differs ? [`Drive arguments "${positionals.join(" ")}" ignored: ${found.name} is set`] : [];
    return { list, source: found.name, warnings };
  }
  return { list: positionals, source: "command line", warnings: [] };
}

function consoleAddressOf(flags: Map<string, string>, env: Env, api: ListenAddress, local: ReadonlySet<string>): ListenAddress {
  const raw = flags.get("console-address") ?? lookup(env, "CONSOLE_ADDRESS")?.value;
  // Without --console-address MinIO picks a free port at every start; so do we (port 0).
  if (raw === undefined) return { raw: ":0", host: "", port: 0 };
  const addr = parseListenAddress(raw, "--console-address", local);
  if (addr.raw === api.raw) throw new ConfigError("InvalidAddress", `--console-address "${raw}" cannot be the same as --address`);
  if (addr.port === 0 || addr.port !== api.port) return addr;
  throw new ConfigError("InvalidAddress", `--console-address port ${addr.port} cannot be the same as the --address port`);
}

const CREDENTIAL_PAIRS: readonly (readonly [string, string])[] = [
  ["BUNKER_ROOT_USER", "BUNKER_ROOT_PASSWORD"],
  ["MINIO_ROOT_USER", "MINIO_ROOT_PASSWORD"],
  ["MINIO_ACCESS_KEY", "MINIO_SECRET_KEY"],
  ["RUSTFS_ACCESS_KEY", "RUSTFS_SECRET_KEY"],
];

/** NAME_FILE (a Docker secret, relative to /run/secrets when found there) wins over NAME. */
function secretOrEnv(env: Env, name: string, read: (path: string) => string | undefined): string | undefined {
  const file = env[`${name}_FILE`];
  if (file) {
    const inSecrets = file.startsWith("/") ? undefined : read(join("/run/secrets", file));
    const text = inSecrets ?? read(file);
    if (text !== undefined && text.trim() !== "") return text.trim();
  }
  return env[name] || undefined;
}

type Credentials = Pick<ServerConfig, "rootUser" | "rootPassword" | "credentialsSource" | "usingDefaultCredentials">;

function resolveCredentials(env: Env, read: (path: string) => string | undefined, warnings: string[]): Credentials {
  if (env.MINIO_ACCESS_KEY || env.MINIO_SECRET_KEY) {
    warnings.push("MINIO_ACCESS_KEY and MINIO_SECRET_KEY are deprecated; use MINIO_ROOT_USER and MINIO_ROOT_PASSWORD");
  }
  for (const [userVar, passVar] of CREDENTIAL_PAIRS) {
    const user = secretOrEnv(env, userVar, read);
    const pass = secretOrEnv(env, passVar, read);
    if (user === undefined && pass === undefined) continue;
    if (user === undefined || pass === undefined) {
      const [set, missing] = user === undefined ? [passVar, userVar] : [userVar, passVar];
      throw new ConfigError("InvalidCredentials", `${set} is set but ${missing} is not; set both or neither`);
    }
    // MinIO counts bytes: at least 3 for the access key, 8 for the secret key.
    for (const [value, name, min, what] of [
      [user, userVar, 3, "access"],
      [pass, passVar, 8, "secret"],
    ] as const) {
      if (Buffer.byteLength(value) < min) {
        throw new ConfigError("InvalidCredentials", `Invalid ${name}: the ${what} key must be at least ${min} characters long`);
      }
    }
    return { rootUser: user, rootPassword: pass, credentialsSource: userVar, usingDefaultCredentials: false };
  }
  return { rootUser: "minioadmin", rootPassword: "minioadmin", credentialsSource: "default", usingDefaultCredentials: true };
}

function certsDirOf(flags: Map<string, string>, env: Env, opts: LoadConfigOptions, cwd: string): string {
  const explicit = flags.get("certs-dir");
  if (explicit) return resolve(cwd, explicit);
  // MinIO's deprecated --config-dir still moves the certs directory when --certs-dir is absent.
  const configDir = flags.get("config-dir");
  if (configDir) return resolve(cwd, configDir, "certs");
  const home = opts.defaultsHome ?? (env.HOME || env.USERPROFILE || homedir());
  const ours = join(home, ".bunker", "certs");
  return (opts.exists ?? existsSync)(ours) ? ours : join(home, ".minio", "certs");
}

function parseBoolEnv(env: Env, suffix: string, fallback: boolean): boolean {
  const found = lookup(env, suffix);
  if (!found) return fallback;
  const b = parseBool(found.value);
  if (b === undefined) throw new ConfigError("InvalidEnv", `Invalid ${found.name} "${found.value}": use on or off`);
  return b;
}

function intEnv(env: Env, suffix: string): number {
  const found = lookup(env, suffix);
  if (!found) return 0;
  const n = found.value.trim();
  if (/^\d+$/.test(n)) return Number(n);
  throw new ConfigError("InvalidSetDriveCount", `Invalid ${found.name} "${found.value}": expected a whole number of drives`);
}

/** …_DOMAIN: comma-separated; no domain may be a suffix shared by all of them (MinIO's overlap rule). */
function domainsOf(env: Env): string[] {
  const found = lookup(env, "DOMAIN");
  if (!found) return [];
  const domains = found.value.split(",").map((d) => d.trim());
  for (const d of domains) {
    const labels = (d.endsWith(".") ? d.slice(0, -1) : d).split(".");
    if (d === "" || d.length > 253 || /\s/.test(d) || labels.some((l) => l === "" || l.length > 63)) {
      throw new ConfigError("InvalidEnv", `Invalid ${found.name} "${found.value}": "${d}" is not a domain name`);
    }
  }
  const sorted = [...domains].sort();
  let suffix = sorted[0];
  for (const d of sorted) while (!d.endsWith(suffix)) suffix = suffix.slice(1);
  if (sorted.length > 1 && sorted.includes(suffix)) {
    throw new ConfigError("InvalidEnv", `Invalid ${found.name} "${found.value}": overlapping domains; "${suffix}" ends another one`);
  }
  return sorted;
}

function regionOf(env: Env, warnings: string[]): Pick<ServerConfig, "region" | "regionConfigured" | "siteName"> {
  if (env.MINIO_REGION_NAME) warnings.push("MINIO_REGION_NAME is ignored, as by MinIO; use MINIO_SITE_REGION");
  const found = lookup(env, "REGION") ?? lookup(env, "SITE_REGION");
  if (found && !/^[a-zA-Z][a-zA-Z0-9_-]+$/.test(found.value)) {
    throw new ConfigError("InvalidEnv", `Invalid ${found.name} "${found.value}": use letters, digits and dashes, e.g. "us-east-1"`);
  }
  const site = lookup(env, "SITE_NAME");
  if (site && !/^[a-z][a-z0-9-]+$/.test(site.value)) {
    throw new ConfigError("InvalidEnv", `Invalid ${site.name} "${site.value}": use lowercase letters, digits and dashes, e.g. "rack-1"`);
  }
  return { region: found?.value ?? "us-east-1", regionConfigured: !!found, siteName: site?.value ?? "" };
}

function storageClassOf(env: Env, layout: VolumeLayout, warnings: string[]): StorageClassConfig {
  const standard = lookup(env, "STORAGE_CLASS_STANDARD")?.value;
  const rrs = lookup(env, "STORAGE_CLASS_RRS")?.value;
  const optimizeVar = lookup(env, "STORAGE_CLASS_OPTIMIZE");
  if (optimizeVar && !["availability", "capacity"].includes(optimizeVar.value)) {
    warnings.push(`${optimizeVar.name} "${optimizeVar.value}" is neither availability nor capacity; using availability`);
  }
  const inlineVar = lookup(env, "STORAGE_CLASS_INLINE_BLOCK");
  const inlineBlock = inlineVar ? parseByteSize(inlineVar.value) : DEFAULT_INLINE_BLOCK;
  if (inlineBlock === undefined) {
    throw new ConfigError("InvalidStorageClass", `Invalid ${inlineVar!.name} "${inlineVar!.value}": expected a size such as "128KiB"`);
  }
  const parity = Object.freeze(resolveStorageClasses({ standard, rrs }, layout));
  const optimize = optimizeVar?.value === "capacity" ? "capacity" : "availability";
  return Object.freeze({ standard, rrs, optimize, inlineBlock, parity });
}

function prometheusAuthOf(env: Env, warnings: string[]): "jwt" | "public" {
  const found = lookup(env, "PROMETHEUS_AUTH_TYPE");
  const v = found?.value.toLowerCase();
  // MinIO treats anything but "public" as jwt; say so instead of failing a working setup.
  if (found && v !== "jwt" && v !== "public") warnings.push(`${found.name} "${found.value}" is neither jwt nor public; using jwt`);
  return v === "public" ? "public" : "jwt";
}

function versionText(prog: string, version: string): string {
  return `${prog} version ${version} (Bunker, Bun ${Bun.version})\n`;
}

const GLOBAL_FLAGS_HELP = `  --certs-dir value, -S value  directory of TLS certificates (default: "~/.minio/certs")
  --quiet                      print no startup banner or info messages
  --anonymous                  keep host names and other details out of logs
  --json                       write logs as JSON
  --help, -h                   show this help`;

function appHelp(prog: string, version: string): string {
  return `NAME:
  ${prog} - S3-compatible, erasure-coded object storage (Bunker)

USAGE:
  ${prog} [FLAGS] COMMAND [ARGS...]

COMMANDS:
  server  run the object storage server

FLAGS:
${GLOBAL_FLAGS_HELP}
  --version, -v                print the version

VERSION:
  ${version}
`;
}

function serverHelp(prog: string): string {
  return `NAME:
  ${prog} server - run the object storage server

USAGE:
  ${prog} server [FLAGS] DIR1 [DIR2..]
  ${prog} server [FLAGS] DIR{1...64}
  ${prog} server [FLAGS] DIR{1...64} DIR{65...128}

DIR:
  A directory on a drive. Several directories are grouped into erasure sets of 2 to 16
  drives; {N...M} stands for a range (write {01...16} for zero-padded names). Every
  argument with a range is one server pool (one pool is served today). Drives of other
  servers are http(s) URLs.

FLAGS:
  --address value              serve S3 on ADDRESS:PORT, ADDRESS an IP or host name (default: ":9000")
  --console-address value      serve the web console on ADDRESS:PORT (default: a free port)
${GLOBAL_FLAGS_HELP}

ENVIRONMENT:
  MINIO_ROOT_USER, MINIO_ROOT_PASSWORD  root credentials (default minioadmin/minioadmin)
  MINIO_VOLUMES                         drives, used instead of DIR arguments
  MINIO_OPTS                            extra flags; those on the command line win
  Every MINIO_* variable may also be written BUNKER_*, which takes precedence.

EXAMPLES:
  $ ${prog} server /srv/data                          # one directory
  $ ${prog} server /mnt/disk{1...16}                  # 16 drives of this machine, one erasure set
  $ ${prog} server /mnt/a{1...8} /mnt/b{1...8}        # two pools of 8 drives (refused today)
  $ ${prog} server http://node{1...4}.example.com:9000/mnt/disk{1...4}   # 4 servers, run on each
`;
}
