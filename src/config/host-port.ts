// host:port handling shared by drive URLs and listen addresses: splitting with Go's rules
// (so the same strings are accepted as by MinIO), port checks, listen addresses, and "is this
// host me?" decided from literal addresses — no DNS, so the answer is immediate and repeatable.
import { isIP } from "node:net";
import { hostname, networkInterfaces } from "node:os";
import { ConfigError } from "./config-error.ts";

/** A split "host:port"; port is undefined when the string had none. */
export interface HostPort {
  /** Host without brackets or IPv6 zone; "" for ":9000". */
  host: string;
  /** Port text as written, undefined when absent. */
  port: string | undefined;
}

/**
 * Splits like Go's net.SplitHostPort, but reports a missing port as `port: undefined`
 * instead of failing. Returns an error string for the other malformed shapes.
 */
export function splitHostPort(s: string): HostPort | string {
  let host: string;
  let rest: string;
  if (s.startsWith("[")) {
    const close = s.indexOf("]");
    if (close < 0) return "missing ']' in address";
    host = s.slice(1, close);
    rest = s.slice(close + 1);
    if (rest !== "" && !rest.startsWith(":")) return "unexpected text after ']'";
  } else {
    const colon = s.lastIndexOf(":");
    if (colon < 0) return { host: stripZone(s), port: undefined };
    host = s.slice(0, colon);
    rest = s.slice(colon);
    if (host.includes(":")) return "too many colons; write IPv6 addresses in brackets, e.g. [::1]:9000";
  }
  if (host.includes("[") || host.includes("]")) return "unexpected bracket in host";
  return { host: stripZone(host), port: rest === "" ? undefined : rest.slice(1) };
}

function stripZone(host: string): string {
  const i = host.indexOf("%");
  return i < 0 ? host : host.slice(0, i);
}

/** A TCP listen address (--address, --console-address). */
export interface ListenAddress {
  /** As given, e.g. ":9000", "0.0.0.0:9000", "[::1]:9000". */
  raw: string;
  /** Host to bind, without brackets; "" binds all interfaces. */
  host: string;
  /** Port; 0 = pick a free port at start, as MinIO does. */
  port: number;
}

/**
 * Parses ":9000", "0.0.0.0:9000", "[::1]:9000" or "host:9000" for the flag `what`. A literal
 * IP must belong to this machine (as MinIO requires); names would need DNS, so they are left
 * to the bind to reject.
 */
export function parseListenAddress(raw: string, what: string, local: ReadonlySet<string>): ListenAddress {
  const bad = (why: string) => new ConfigError("InvalidAddress", `Invalid ${what} "${raw}": ${why}`);
  const hp = splitHostPort(raw.trim());
  if (typeof hp === "string") throw bad(hp);
  if (hp.port === undefined) throw bad(`missing port, e.g. ":9000" or "127.0.0.1:9000"`);
  const port = parsePort(hp.port, 0);
  if (port === undefined) throw bad("the port must be a number from 0 to 65535");
  if (!isWildcardHost(hp.host)) {
    if (!isValidHostName(hp.host)) throw bad(`"${hp.host}" is not a valid host name or IP address`);
    if (isIP(hp.host) !== 0 && !isLocalHost(hp.host, local)) throw bad(`${hp.host} is not an address of this machine`);
  }
  return { raw, host: hp.host, port };
}

/** Parses a decimal port in [min, 65535]; returns undefined when it is not one. */
export function parsePort(text: string, min: 0 | 1): number | undefined {
  if (!/^[0-9]{1,5}$/.test(text)) return undefined;
  const n = Number(text);
  return n >= min && n <= 65535 ? n : undefined;
}

/** Lowercases names and writes IPv6 literals in one canonical form, for comparisons. */
export function normalizeHost(host: string): string {
  const h = host.toLowerCase();
  if (isIP(h) === 6) {
    try {
      return new URL(`http://[${h}]/`).hostname.slice(1, -1);
    } catch {
      return h;
    }
  }
  return h;
}

/** Whether a host name is syntactically usable (labels of letters, digits, '-' and '_'). */
export function isValidHostName(host: string): boolean {
  if (isIP(host) !== 0) return true;
  if (host.length === 0 || host.length > 253) return false;
  const labels = (host.endsWith(".") ? host.slice(0, -1) : host).split(".");
  return labels.every((l) => /^[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$/.test(l));
}

/**
 * Names and addresses that mean "this machine": every interface address, "localhost" and
 * the host name. Computed when called — interfaces can change between runs.
 */
export function localAddresses(): Set<string> {
  const out = new Set<string>(["localhost"]);
  try {
    out.add(hostname().toLowerCase());
  } catch {
    // No host name: the addresses still identify the machine.
  }
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) out.add(normalizeHost(stripZone(a.address)));
  }
  return out;
}

/** Whether `host` names this machine: a loopback address or a member of `local`. */
export function isLocalHost(host: string, local: ReadonlySet<string>): boolean {
  const h = normalizeHost(host);
  if (isLoopback(h)) return true;
  return local.has(h) || (h.endsWith(".") && local.has(h.slice(0, -1)));
}

/** Loopback literals: 127.0.0.0/8, ::1 and their IPv4-mapped form. */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase();
  if (isIP(h) === 4) return h.startsWith("127.");
  if (h === "::1" || h === "0:0:0:0:0:0:0:1") return true;
  return h.startsWith("::ffff:127.");
}

/** Wildcard listen hosts that mean "all interfaces". */
export function isWildcardHost(host: string): boolean {
  return host === "" || host === "0.0.0.0" || normalizeHost(host) === "::";
}
