// URL drives (`http://host:9000/data`): parsing with MinIO's acceptance rules and the
// checks MinIO applies to a pool of URL drives. Locality is decided from literal
// addresses (see host-port.ts); a name that only DNS maps to this machine counts as remote.
import { isIP } from "node:net";
import { ConfigError } from "./config-error.ts";
import type { Endpoint, EndpointContext } from "./volume-layout.ts";
import { isLocalHost, normalizeHost, parsePort, splitHostPort } from "./host-port.ts";

/** Parses `http(s)://host[:port]/path`; the port defaults to the server's own port. */
export function parseUrlEndpoint(raw: string, ctx: EndpointContext): Endpoint {
  const bad = (why: string) => new ConfigError("InvalidEndpoints", `Invalid drive URL "${raw}": ${why}`);
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)([^?#]*)(.*)$/.exec(raw);
  const scheme = m?.[1].toLowerCase();
  if (!m || (scheme !== "http" && scheme !== "https")) throw bad("the scheme must be http or https");
  const [, , authority, rawPath, tail] = m;
  if (tail !== "") throw bad("query strings and fragments are not allowed");
  if (authority.includes("@")) throw bad("user names and passwords are not allowed");
  const hp = splitHostPort(authority);
  if (typeof hp === "string") throw bad(hp);
  if (hp.host === "") throw bad("empty host name");
  let port = ctx.serverPort;
  if (hp.port !== undefined) {
    const p = parsePort(hp.port, 1);
    if (p === undefined) throw bad(`port "${hp.port}" must be a number from 1 to 65535`);
    port = p;
  }
  const clean = cleanUrlPath(decodePath(rawPath));
  if (clean === "/") throw bad("the path must name a directory other than /");
  let url: URL;
  try {
    url = new URL(`${scheme}://${isIP(hp.host) === 6 ? `[${hp.host}]` : hp.host}:${port}`);
    url.pathname = clean;
  } catch {
    throw bad("not a valid URL");
  }
  // A Windows drive letter after the slash ("/C:/data") is a Windows path, as in MinIO.
  const path = /^\/[A-Za-z]:/.test(clean) ? clean.slice(1) : clean;
  const host = normalizeHost(hp.host);
  // Another port on this machine is another server process: MinIO treats it as remote.
  const isLocal = isLocalHost(host, ctx.local) && port === ctx.serverPort;
  return { raw, url, host, port, path, isLocal };
}

function decodePath(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Go's path.Clean for URL paths: absolute, no ".", "..", duplicate or trailing slashes. */
export function cleanUrlPath(p: string): string {
  const out: string[] = [];
  for (const seg of p.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") out.pop();
    else out.push(seg);
  }
  return "/" + out.join("/");
}

/**
 * MinIO's pool checks for URL drives: one machine must not serve the same path twice (on
 * two ports or under two names), and an all-local pool must use one name for this machine.
 */
export function checkUrlEndpoints(endpoints: readonly Endpoint[], label: string, local: ReadonlySet<string>): void {
  const machines = new Map<string, Map<string, Endpoint>>();
  for (const e of endpoints) {
    const host = e.host ?? "";
    const machine = isLocalHost(host, local) ? "" : host;
    let paths = machines.get(machine);
    if (!paths) machines.set(machine, (paths = new Map()));
    const prev = paths.get(e.path);
    if (prev) {
      throw new ConfigError("InvalidEndpoints", `Invalid drives in "${label}": "${prev.raw}" and "${e.raw}" are the same path on the same machine`);
    }
    paths.set(e.path, e);
  }
  if (endpoints.every((e) => e.isLocal)) {
    const names = new Set(endpoints.map((e) => e.host));
    if (names.size > 1) {
      throw new ConfigError(
        "InvalidEndpoints",
        `Invalid drives in "${label}": local drives use different names for this machine (${[...names].join(", ")}); use one`,
      );
    }
  }
}
