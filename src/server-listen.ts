// How the server listens (address, TLS from the certs directory, idle limit) and what it says
// when it starts (the banner). Split from server.ts, which owns building the layers.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { ServerConfig } from "./config/index.ts";
import type { ObjectLayer, PoolFormat } from "./object/index.ts";
import { listenHttp, type HttpListener } from "./server-http.ts";

/** What listening and the banner use of the server; server.ts's BunkerServer fits (no import back). */
export interface ListenedServer {
  fetch(req: Request, remoteAddress?: string): Promise<Response>;
  readonly store: ObjectLayer;
  readonly formats: readonly PoolFormat[];
}

export function tlsFiles(certsDir: string): { cert: string; key: string } | undefined {
  const cert = join(certsDir, "public.crt");
  const key = join(certsDir, "private.key");
  return existsSync(cert) && existsSync(key) ? { cert, key } : undefined;
}

/** Starts the HTTP(S) listener on the configured address (node:http: see server-http.ts for why). */
export function listen(cfg: ServerConfig, server: Pick<ListenedServer, "fetch">): Promise<HttpListener> {
  const tls = tlsFiles(cfg.certsDir);
  return listenHttp({
    hostname: cfg.address.host || "0.0.0.0",
    port: cfg.address.port,
    // Long uploads and downloads stream slowly through some clients; S3 allows minutes of silence.
    idleTimeoutMs: 255_000,
    tls: tls ? { cert: readFileSync(tls.cert, "utf8"), key: readFileSync(tls.key, "utf8") } : undefined,
    fetch: (req, remoteAddress) => server.fetch(req, remoteAddress),
    onError: (err) => console.error("unhandled server error:", err),
  });
}

async function layoutLine(server: ListenedServer): Promise<string> {
  // A drive that does not answer within 2 s is counted offline rather than holding the banner back.
  const all = (await server.store.storageInfo({ timeoutMs: 2_000 })).pools.flatMap((pool) => pool.sets);
  const sets = all.length;
  const n = all[0].driveCount;
  const p = all[0].standardParity;
  const online = all.reduce((a, s) => a + s.drives.filter((d) => d.state !== "offline").length, 0);
  return n === 1 ? `1 drive (single-drive mode, no parity)` : `${online}/${sets * n} drives online in ${sets} erasure set(s) of ${n} (EC ${n - p}+${p})`;
}

export async function printBanner(cfg: ServerConfig, server: ListenedServer, port: number): Promise<void> {
  const scheme = tlsFiles(cfg.certsDir) ? "https" : "http";
  const hosts = cfg.address.host && cfg.address.host !== "0.0.0.0" ? [cfg.address.host] : ["127.0.0.1"];
  const lines = [
    `Bunker ${cfg.version} (${cfg.programName})`,
    `S3-API: ${hosts.map((h) => `${scheme}://${h.includes(":") ? `[${h}]` : h}:${port}`).join("  ")}`,
    `RootUser: ${cfg.rootUser}${cfg.api.rootAccess ? "" : " (refused: api root_access is off)"}`,
    // The console address is accepted (scripts and unit files pass it) but nothing listens there yet.
    `Console: not served yet${cfg.consoleAddress && cfg.consoleAddress.port !== 0 ? ` (--console-address ${cfg.consoleAddress.raw} is accepted for compatibility)` : ""}`,
    `Drives: ${await layoutLine(server)}`,
    `Deployment: ${server.formats[0].deploymentId}${server.formats.some((f) => f.created) ? " (newly formatted)" : ""}`,
  ];
  for (const w of cfg.warnings) lines.push(`WARNING: ${w}`);
  if (cfg.usingDefaultCredentials) {
    lines.push(
      `WARNING: Using the default credentials '${cfg.rootUser}:${cfg.rootPassword}'. Set BUNKER_ROOT_USER and BUNKER_ROOT_PASSWORD (or MINIO_ROOT_USER and MINIO_ROOT_PASSWORD) to change them.`,
    );
  }
  if (cfg.json) console.log(JSON.stringify({ level: "INFO", message: lines.join("\n") }));
  else console.log(lines.join("\n"));
}
