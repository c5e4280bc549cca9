// How the server listens (Bun.serve options: address, TLS from the certs directory, body and
// idle limits) and what it says when it starts (the banner). Split from server.ts, which owns
// building the layers.
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { ServerConfig } from "./config.ts";
import type { BunkerServer } from "./server.ts";

/** Bodies up to S3's largest object (5 TiB); the S3 layer enforces the exact limits. */
const MAX_BODY = 5 * 1024 ** 4 + 1024 ** 2;

export function tlsFiles(certsDir: string): { cert: string; key: string } | undefined {
  const cert = join(certsDir, "public.crt");
  const key = join(certsDir, "private.key");
  return existsSync(cert) && existsSync(key) ? { cert, key } : undefined;
}

export function serveOptions(cfg: ServerConfig, server: BunkerServer): Parameters<typeof Bun.serve>[0] {
  const tls = tlsFiles(cfg.certsDir);
  return {
    hostname: cfg.address.host || "0.0.0.0",
    port: cfg.address.port,
    maxRequestBodySize: MAX_BODY,
    // Long uploads and downloads stream slowly through some clients; S3 allows minutes of silence.
    idleTimeout: 255,
    tls: tls ? { cert: Bun.file(tls.cert), key: Bun.file(tls.key) } : undefined,
    fetch: (req, srv) => server.fetch(req, srv.requestIP(req)?.address),
    error: (err) => {
      console.error("unhandled server error:", err);
      return new Response("Internal Server Error", { status: 500 });
    },
  } as Parameters<typeof Bun.serve>[0];
}

function layoutLine(server: BunkerServer): string {
  const store = server.store;
  const sets = store.sets.length;
  const n = store.sets[0].drives.length;
  const p = store.sets[0].settings.standardParity;
  const online = store.sets.reduce((a, s) => a + s.drives.filter((d) => d !== null).length, 0);
  return n === 1 ? `1 drive (single-drive mode, no parity)` : `${online}/${sets * n} drives online in ${sets} erasure set(s) of ${n} (EC ${n - p}+${p})`;
}

export function printBanner(cfg: ServerConfig, server: BunkerServer, port: number): void {
  const scheme = tlsFiles(cfg.certsDir) ? "https" : "http";
  const hosts = cfg.address.host && cfg.address.host !== "0.0.0.0" ? [cfg.address.host] : ["127.0.0.1"];
  const lines = [
    `Bunker ${cfg.version} (${cfg.programName})`,
    `S3-API: ${hosts.map((h) => `${scheme}://${h.includes(":") ? `[${h}]` : h}:${port}`).join("  ")}`,
    `RootUser: ${cfg.rootUser}`,
    `Drives: ${layoutLine(server)}`,
    `Deployment: ${server.formats[0].deploymentId}${server.formats.some((f) => f.created) ? " (newly formatted)" : ""}`,
  ];
  for (const w of cfg.warnings) lines.push(`WARNING: ${w}`);
  if (cfg.usingDefaultCredentials) {
    lines.push(`WARNING: Using the default credentials '${cfg.rootUser}:${cfg.rootPassword}'. Set BUNKER_ROOT_USER and BUNKER_ROOT_PASSWORD (or MINIO_ROOT_USER and MINIO_ROOT_PASSWORD) to change them.`);
  }
  if (cfg.json) console.log(JSON.stringify({ level: "INFO", message: lines.join("\n") }));
  else console.log(lines.join("\n"));
}
