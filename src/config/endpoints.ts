// Drive arguments → pools → erasure sets, as `minio server ARGS…` forms them: each argument with
// ellipses is one pool, plain arguments together are one pool, one plain path is "xl-single".
// URL drives are parsed and checked now even though only local drives are served today.
import { isIP } from "node:net";
import { resolve as resolvePath, parse as parsePath } from "node:path";
import { ConfigError } from "./config-error.ts";
import { expandPattern, hasEllipses, parseEllipses } from "./ellipses.ts";
import { localAddresses, splitHostPort } from "./host-port.ts";
import { chooseSetDriveCount, splitIntoSets } from "./set-layout.ts";
import { checkUrlEndpoints, parseUrlEndpoint } from "./url-endpoints.ts";
import type { Endpoint, EndpointContext, PoolLayout, SetupType, VolumeLayout } from "./volume-layout.ts";

export interface ParseVolumesOptions {
  /** MINIO_ERASURE_SET_DRIVE_COUNT; 0/undefined = automatic. */
  setDriveCount?: number;
  /** Port of --address; fills URLs without a port and decides URL locality (default 9000). */
  serverPort?: number;
  /** Base for relative drive paths (default process.cwd()). */
  cwd?: string;
  /** Addresses meaning "this machine" (default: interfaces + hostname); tests pass their own. */
  localAddresses?: ReadonlySet<string>;
}

interface PoolArgs {
  cmdline: string;
  legacy: boolean;
  raws: string[];
  setDriveCount: number;
}

/** Parses drive arguments into pools and sets; throws ConfigError with a one-line reason. */
export function parseVolumes(args: readonly string[], opts: ParseVolumesOptions = {}): VolumeLayout {
  const list = args.map((a) => a.trim()).filter((a) => a !== "");
  if (list.length === 0) {
    throw new ConfigError("InvalidEndpoints", `No drives given: pass at least one path, e.g. "server /data"`);
  }
  const poolArgs = groupPools(list, opts.setDriveCount ?? 0);
  const ctx: EndpointContext = {
    serverPort: opts.serverPort ?? 9000,
    cwd: opts.cwd ?? process.cwd(),
    local: opts.localAddresses ?? localAddresses(),
  };
  const pools = poolArgs.map((p) => buildPool(p, ctx));
  const all = pools.flatMap((p) => p.endpoints);
  checkUniform(all);
  checkDuplicates(pools);
  const single = pools.length === 1 && pools[0].endpoints.length === 1;
  if (single && all[0].url) {
    throw new ConfigError("InvalidEndpoints", `Invalid drive "${all[0].raw}": a single drive must be a local path, not a URL`);
  }
  if (all[0].url) pools.forEach((p) => checkUrlEndpoints(p.endpoints, p.cmdline, ctx.local));
  return freezeLayout({ pools, setupType: single ? "xl-single" : setupTypeOf(all) });
}

/** The layout is a value shared by every layer: freeze it all the way down (URLs stay as they are). */
function freezeLayout(layout: VolumeLayout): VolumeLayout {
  for (const pool of layout.pools) {
    for (const part of [...pool.endpoints, ...pool.sets, pool.endpoints, pool.sets, pool]) Object.freeze(part);
  }
  Object.freeze(layout.pools);
  return Object.freeze(layout);
}

function groupPools(list: string[], custom: number): PoolArgs[] {
  const withEllipses = list.filter((a) => hasEllipses(a));
  if (withEllipses.length === 0) {
    const label = `"${list.join(" ")}"`;
    // One plain path is xl-single; MINIO_ERASURE_SET_DRIVE_COUNT does not apply to it.
    const size = list.length === 1 ? 1 : chooseSetDriveCount({ totalSizes: [list.length], custom, label });
    return [{ cmdline: list.join(" "), legacy: true, raws: list, setDriveCount: size }];
  }
  if (withEllipses.length !== list.length) {
    const plain = list.find((a) => !hasEllipses(a));
    throw new ConfigError("InvalidEndpoints", `Invalid drive argument "${plain}": when several pools are given, every argument needs a {N...M} range`);
  }
  return list.map((arg) => {
    const pattern = parseEllipses(arg);
    const raws = expandPattern(pattern);
    // MinIO checks symmetry against the leftmost range (normally the host range).
    const symmetryCount = pattern.ranges[0].values.length;
    const label = `"${arg}"`;
    const setDriveCount = chooseSetDriveCount({ totalSizes: [raws.length], symmetryCount, custom, label });
    return { cmdline: arg, legacy: false, raws, setDriveCount };
  });
}

function buildPool(p: PoolArgs, ctx: EndpointContext): PoolLayout {
  const seen = new Set<string>();
  for (const raw of p.raws) {
    if (seen.has(raw)) {
      throw new ConfigError("InvalidEndpoints", `Duplicate drive "${raw}" in "${p.cmdline}": each drive may appear once`);
    }
    seen.add(raw);
  }
  const endpoints = p.raws.map((raw) => parseEndpoint(raw, ctx));
  const sets = splitIntoSets(endpoints.length, p.setDriveCount);
  return { cmdline: p.cmdline, legacy: p.legacy, endpoints, sets, setCount: sets.length, setDriveCount: p.setDriveCount };
}

/** Parses one expanded drive argument: an http(s) URL or a filesystem path. */
export function parseEndpoint(raw: string, ctx: EndpointContext): Endpoint {
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(raw) || raw.startsWith("//")) return parseUrlEndpoint(raw, ctx);
  if (raw === "/" || raw === "\\") {
    throw new ConfigError("InvalidEndpoints", `Invalid drive "${raw}": the root directory cannot be a drive`);
  }
  const hp = splitHostPort(raw);
  if (isIP(raw) !== 0 || (typeof hp === "object" && hp.port !== undefined && isIP(hp.host) !== 0)) {
    throw new ConfigError("InvalidEndpoints", `Invalid drive "${raw}": missing scheme, write http://${raw}/path`);
  }
  const path = resolvePath(ctx.cwd, raw);
  if (parsePath(path).root === path) {
    throw new ConfigError("InvalidEndpoints", `Invalid drive "${raw}": the root directory cannot be a drive`);
  }
  return { raw, path, isLocal: true };
}

function checkUniform(all: Endpoint[]): void {
  const first = all[0];
  for (const e of all) {
    if (!!e.url !== !!first.url) {
      throw new ConfigError(
        "InvalidEndpoints",
        `Invalid drive "${e.raw}": paths and URLs cannot be mixed ("${first.raw}" is ${first.url ? "a URL" : "a path"})`,
      );
    }
    if (e.url && first.url && e.url.protocol !== first.url.protocol) {
      throw new ConfigError("InvalidEndpoints", `Invalid drive "${e.raw}": http and https drives cannot be mixed`);
    }
  }
}

/** Identity of a drive for duplicate detection. */
export function endpointKey(e: Endpoint): string {
  return e.url ? `${e.host}:${e.port}${e.path}` : e.path;
}

function checkDuplicates(pools: PoolLayout[]): void {
  const seen = new Map<string, string>();
  for (const pool of pools) {
    for (const e of pool.endpoints) {
      const key = endpointKey(e);
      const prev = seen.get(key);
      if (prev !== undefined) {
        throw new ConfigError("InvalidEndpoints", `Duplicate drive "${e.raw}": it is the same drive as "${prev}"`);
      }
      seen.set(key, e.raw);
    }
  }
}

function setupTypeOf(all: Endpoint[]): SetupType {
  if (!all[0].url) return "erasure";
  const hosts = new Set(all.map((e) => `${e.host}:${e.port}`));
  return hosts.size === 1 ? "erasure" : "dist-erasure";
}
