// The LDAP identity provider's settings: MinIO's MINIO_IDENTITY_LDAP_* variables (BUNKER_* first)
// checked once at start — address, transport, lookup account, user and group searches — into a
// frozen LdapConfig; combinations that could never work are refused with a ConfigError.
import { ConfigError } from "./config-error.ts";
import { parseBool, type Env } from "./config-flags.ts";
import { isValidHostName, parsePort, splitHostPort } from "./host-port.ts";
import { formatDn, isUnderDn, parseDn, type ParsedDn } from "../util/index.ts";

/** How the connection to the directory is protected. */
export type LdapTransport = "ldaps" | "starttls" | "plain";

export interface LdapConfig {
  /** …_SERVER_ADDR as given ("host:port"). */
  serverAddr: string;
  /** Host to connect to (no brackets). */
  host: string;
  /** Port; 636 when the address names none, as MinIO defaults. */
  port: number;
  /** "ldaps" (TLS from the first byte, MinIO's default), "starttls" (…_SERVER_STARTTLS) or "plain" (…_SERVER_INSECURE). */
  transport: LdapTransport;
  /** …_TLS_SKIP_VERIFY: accept any server certificate. */
  tlsSkipVerify: boolean;
  /** …_LOOKUP_BIND_DN: the read-only account that searches users and groups. */
  lookupBindDN: string;
  /** …_LOOKUP_BIND_PASSWORD, behind a function so that printing the configuration never shows it. */
  lookupBindPassword: () => string;
  /** …_USER_DN_SEARCH_BASE_DN, split on ";" as MinIO does; normalized DNs. */
  userDNSearchBaseDNs: readonly string[];
  /** …_USER_DN_SEARCH_FILTER, e.g. "(uid=%s)": %s is the login name. */
  userDNSearchFilter: string;
  /** …_USER_DN_ATTRIBUTES (comma-separated): attributes of the user entry copied into the session's claims. */
  userDNAttributes: readonly string[];
  /** …_GROUP_SEARCH_BASE_DN (";"-separated), empty when groups are not looked up. */
  groupSearchBaseDNs: readonly string[];
  /** …_GROUP_SEARCH_FILTER: %s is the login name, %d the user's DN; "" when groups are not looked up. */
  groupSearchFilter: string;
}

const PREFIX = "IDENTITY_LDAP_";
const ATTRIBUTE_RE = /^[A-Za-z][A-Za-z0-9-]*$/;

/** BUNKER_IDENTITY_LDAP_<key> first, then MINIO_…; empty counts as unset. */
function read(env: Env, key: string): { name: string; value: string } | undefined {
  for (const name of [`BUNKER_${PREFIX}${key}`, `MINIO_${PREFIX}${key}`]) {
    const value = env[name];
    if (value !== undefined && value.trim() !== "") return { name, value: value.trim() };
  }
}

function flag(env: Env, key: string): boolean {
  const v = read(env, key);
  if (!v) return false;
  const b = parseBool(v.value);
  if (b === undefined) throw new ConfigError("InvalidEnv", `Invalid ${v.name} "${v.value}": use on or off`);
  return b;
}

function fail(name: string, why: string): never {
  throw new ConfigError("InvalidEnv", `Invalid ${name}: ${why}`);
}

/** A ";"-separated list of base DNs: each must parse, none may contain another. */
function baseDns(env: Env, key: string): string[] {
  const v = read(env, key);
  if (!v) return [];
  const parsed: ParsedDn[] = [];
  for (const part of v.value.split(";").map((s) => s.trim())) {
    if (part === "") continue;
    const dn = parseDn(part);
    if (typeof dn === "string") fail(v.name, `"${part}" is not a distinguished name (${dn})`);
    if (dn.length === 0) fail(v.name, "a base DN is empty");
    const overlap = parsed.find((p) => isUnderDn(p, dn, true) || isUnderDn(dn, p, true));
    if (overlap) fail(v.name, `"${part}" overlaps "${formatDn(overlap)}"; no base DN may contain another`);
    parsed.push(dn);
  }
  return parsed.map(formatDn);
}

/** A filter template: one parenthesized filter, parentheses balanced, with the placeholders it needs. */
function filterTemplate(env: Env, key: string, placeholders: { need: string[]; forbid?: string }): string {
  const v = read(env, key);
  if (!v) return "";
  let depth = 0;
  for (const [i, c] of [...v.value].entries()) {
    if (c === "(") depth++;
    else if (c === ")" && --depth === 0 && i !== v.value.length - 1) fail(v.name, `"${v.value}" has text after its closing ")"`);
    if (depth < 0) break;
  }
  if (!v.value.startsWith("(") || depth !== 0) fail(v.name, `"${v.value}" is not one filter in balanced parentheses, e.g. "(uid=%s)"`);
  if (placeholders.forbid && v.value.includes(placeholders.forbid)) fail(v.name, `"${placeholders.forbid}" is not allowed here; use %s for the login name`);
  if (!placeholders.need.some((p) => v.value.includes(p))) fail(v.name, `"${v.value}" must contain ${placeholders.need.join(" or ")}`);
  return v.value;
}

function address(env: Env): { serverAddr: string; host: string; port: number } {
  const v = read(env, "SERVER_ADDR")!;
  const hp = splitHostPort(v.value);
  if (typeof hp === "string") fail(v.name, `"${v.value}": ${hp}`);
  if (!hp.host || !isValidHostName(hp.host)) fail(v.name, `"${v.value}" does not name a host, e.g. "ldap.example.com:636"`);
  const port = hp.port === undefined ? 636 : parsePort(hp.port, 1);
  if (port === undefined) fail(v.name, `"${v.value}": the port must be a number from 1 to 65535`);
  return { serverAddr: v.value, host: hp.host, port };
}

/** The LDAP settings, or undefined when no LDAP server is configured (or …_ENABLE, MinIO's name, or …_ENABLED is off). */
export function ldapOf(env: Env, warnings: string[]): LdapConfig | undefined {
  const enableKey = read(env, "ENABLE") ? "ENABLE" : "ENABLED";
  const enabled = read(env, enableKey);
  const on = enabled ? flag(env, enableKey) : undefined;
  if (!read(env, "SERVER_ADDR")) {
    if (on) fail(enabled!.name, "LDAP is enabled but MINIO_IDENTITY_LDAP_SERVER_ADDR is not set");
    const stray = Object.keys(env).find((k) => (k.startsWith(`MINIO_${PREFIX}`) || k.startsWith(`BUNKER_${PREFIX}`)) && env[k]);
    if (stray && on === undefined) warnings.push(`${stray} is ignored: MINIO_IDENTITY_LDAP_SERVER_ADDR is not set`);
    return undefined;
  }
  if (on === false) return undefined;
  const insecure = flag(env, "SERVER_INSECURE");
  const startTls = flag(env, "SERVER_STARTTLS");
  if (insecure && startTls)
    fail("MINIO_IDENTITY_LDAP_SERVER_INSECURE", "it cannot be on together with MINIO_IDENTITY_LDAP_SERVER_STARTTLS; choose plain LDAP or StartTLS");
  const tlsSkipVerify = flag(env, "TLS_SKIP_VERIFY");
  if (tlsSkipVerify && insecure) warnings.push("MINIO_IDENTITY_LDAP_TLS_SKIP_VERIFY has no effect: MINIO_IDENTITY_LDAP_SERVER_INSECURE uses no TLS");
  const bindDn = read(env, "LOOKUP_BIND_DN");
  if (!bindDn) fail("MINIO_IDENTITY_LDAP_LOOKUP_BIND_DN", "it is required: the account that looks up users and groups");
  const parsedBind = parseDn(bindDn.value);
  if (typeof parsedBind === "string") fail(bindDn.name, `"${bindDn.value}" is not a distinguished name (${parsedBind})`);
  const userBases = baseDns(env, "USER_DN_SEARCH_BASE_DN");
  if (userBases.length === 0) fail("MINIO_IDENTITY_LDAP_USER_DN_SEARCH_BASE_DN", "it is required: where users are searched");
  const userFilter = filterTemplate(env, "USER_DN_SEARCH_FILTER", { need: ["%s"], forbid: "%d" });
  if (!userFilter) fail("MINIO_IDENTITY_LDAP_USER_DN_SEARCH_FILTER", 'it is required, e.g. "(uid=%s)"');
  const groupBases = baseDns(env, "GROUP_SEARCH_BASE_DN");
  const groupFilter = filterTemplate(env, "GROUP_SEARCH_FILTER", { need: ["%s", "%d"] });
  if ((groupBases.length === 0) !== (groupFilter === "")) {
    const missing = groupFilter === "" ? "GROUP_SEARCH_FILTER" : "GROUP_SEARCH_BASE_DN";
    fail(`MINIO_IDENTITY_LDAP_${missing}`, "group lookup needs both MINIO_IDENTITY_LDAP_GROUP_SEARCH_BASE_DN and _GROUP_SEARCH_FILTER");
  }
  const attrs = read(env, "USER_DN_ATTRIBUTES");
  const attributes = (attrs?.value ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  for (const a of attributes) if (!ATTRIBUTE_RE.test(a)) fail(attrs!.name, `"${a}" is not an attribute name`);
  // Taken as written: a password may begin or end with a space.
  const password = env[`BUNKER_${PREFIX}LOOKUP_BIND_PASSWORD`] || env[`MINIO_${PREFIX}LOOKUP_BIND_PASSWORD`] || "";
  return Object.freeze({
    ...address(env),
    transport: (insecure ? "plain" : startTls ? "starttls" : "ldaps") as LdapTransport,
    tlsSkipVerify,
    lookupBindDN: formatDn(parsedBind),
    userDNSearchBaseDNs: Object.freeze(userBases),
    userDNSearchFilter: userFilter,
    userDNAttributes: Object.freeze(attributes),
    groupSearchBaseDNs: Object.freeze(groupBases),
    groupSearchFilter: groupFilter,
    lookupBindPassword: () => password,
  } satisfies LdapConfig);
}
