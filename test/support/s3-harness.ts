// In-process S3 endpoint for integration tests: createServer() on temp drives behind the real
// HTTP listener (so the AWS SDK can talk to it), plus an independent SigV4 signer for raw
// requests the SDK will not produce (smithy's SignatureV4, not our verifier's code).
import { xorshiftBytes } from "./xorshift.ts";
import { createHash, createHmac } from "node:crypto";
import { S3Client, type S3ClientConfig } from "@aws-sdk/client-s3";
import { SignatureV4 } from "@smithy/signature-v4";
import { loadConfig, type ServerConfig } from "../../src/config/index.ts";
import { createServer, type BunkerServer } from "../../src/server.ts";
import { listenHttp } from "../../src/server-http.ts";
import type { TempDirs } from "./temp-dirs.ts";

export const ROOT_USER = "bunkeradmin";
export const ROOT_PASSWORD = "bunker-secret-key";

/** smithy's hash contract: with a secret it is an HMAC, without one a plain SHA-256. */
export class NodeSha256 {
  #h: { update(d: Uint8Array | string): unknown; digest(): Buffer };
  constructor(secret?: Uint8Array | string) {
    this.#h = secret === undefined ? createHash("sha256") : createHmac("sha256", secret);
  }
  update(d: Uint8Array | string): void {
    this.#h.update(d);
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.#h.digest());
  }
  reset(): void {}
}

export function sha256Hex(data: Uint8Array | string): string {
  return createHash("sha256").update(data).digest("hex");
}

export function md5Base64(data: Uint8Array | string): string {
  return createHash("md5").update(data).digest("base64");
}

/** The SDK's query escaping (encodeURIComponent plus !'()*). */
export const esc = (s: string): string => encodeURIComponent(s).replace(/[!'()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());

export interface RawRequest {
  method?: string;
  /** "/bucket/key" (already escaped as it should travel). */
  path: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: Uint8Array | string;
  /** x-amz-content-sha256 to sign (default: the body's SHA-256). */
  payloadHash?: string;
  region?: string;
  signingDate?: Date;
  accessKeyId?: string;
  secretAccessKey?: string;
}

export interface S3Harness {
  endpoint: string;
  host: string;
  bunker: BunkerServer;
  cfg: ServerConfig;
  drives: string[];
  client(over?: Partial<S3ClientConfig>): S3Client;
  /** A request signed with SigV4 headers for the root user (or the given key). */
  signed(req: RawRequest): Promise<Response>;
  /** The same request, signed, but not sent: to tamper with it first. */
  sign(req: RawRequest): Promise<{ url: string; headers: Record<string, string> }>;
  /** A presigned URL (query-string SigV4). */
  presign(req: RawRequest & { expiresIn?: number }): Promise<string>;
  /** An unsigned request. */
  anon(path: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

function queryString(q: Record<string, string> = {}): string {
  return Object.entries(q)
    .map(([k, v]) => (v === "" ? esc(k) : `${esc(k)}=${esc(v)}`))
    .join("&");
}

function signer(region: string, accessKeyId: string, secretAccessKey: string): SignatureV4 {
  return new SignatureV4({
    credentials: { accessKeyId, secretAccessKey },
    region,
    service: "s3",
    sha256: NodeSha256 as never,
    uriEscapePath: false,
    applyChecksum: false,
  });
}

/** Signs a request for any endpoint (e.g. a server process) with SigV4 headers; returns what to send. */
export async function signRequest(endpoint: string, region: string, r: RawRequest): Promise<{ url: string; headers: Record<string, string> }> {
  const u = new URL(endpoint);
  const body = r.body === undefined ? undefined : typeof r.body === "string" ? new TextEncoder().encode(r.body) : r.body;
  const headers: Record<string, string> = { host: u.host, ...r.headers };
  headers["x-amz-content-sha256"] ??= r.payloadHash ?? sha256Hex(body ?? new Uint8Array());
  const req = {
    method: r.method ?? "GET",
    protocol: u.protocol,
    hostname: u.hostname,
    port: Number(u.port),
    path: r.path,
    query: r.query ?? {},
    headers,
    body,
  };
  const s = signer(r.region ?? region, r.accessKeyId ?? ROOT_USER, r.secretAccessKey ?? ROOT_PASSWORD);
  const out = (await s.sign(req as never, { signingDate: r.signingDate })) as unknown as { headers: Record<string, string> };
  const qs = queryString(r.query);
  const sent = { ...out.headers };
  delete sent.host;
  return { url: `${endpoint}${r.path}${qs ? `?${qs}` : ""}`, headers: sent };
}

export interface HarnessOptions {
  drives?: number;
  /** The drive arguments instead (e.g. several pools), given the parent directory; it makes the directories. */
  driveArgs?: (parent: string) => string[];
  env?: Record<string, string>;
}

export async function startS3(temp: TempDirs, opts: HarnessOptions = {}): Promise<S3Harness> {
  const parent = temp.make("bunker-it-");
  const drives = opts.driveArgs ? opts.driveArgs(parent) : Array.from({ length: opts.drives ?? 4 }, (_, i) => `${parent}/d${i + 1}`);
  const env = { MINIO_ROOT_USER: ROOT_USER, MINIO_ROOT_PASSWORD: ROOT_PASSWORD, ...opts.env };
  const cfg = loadConfig(["bunker", "server", "--quiet", ...drives], env);
  if (cfg.command !== "server") throw new Error("loadConfig did not produce a server config");
  const bunker = await createServer(cfg, { fsync: "none", codecWorkers: 1 });
  // The production transport (node:http), so framing and disconnects behave as in the real server.
  const listener = await listenHttp({
    hostname: "127.0.0.1",
    port: 0,
    idleTimeoutMs: 60_000,
    fetch: (req, addr) => bunker.fetch(req, addr),
    onError: (err) => console.error("listener error:", err),
  });
  const host = `127.0.0.1:${listener.port}`;
  const endpoint = `http://${host}`;
  const region = cfg.region;

  const build = async (r: RawRequest) => {
    const body = r.body === undefined ? undefined : typeof r.body === "string" ? new TextEncoder().encode(r.body) : r.body;
    const headers: Record<string, string> = { host, ...r.headers };
    headers["x-amz-content-sha256"] ??= r.payloadHash ?? sha256Hex(body ?? new Uint8Array());
    return { method: r.method ?? "GET", protocol: "http:", hostname: "127.0.0.1", port: listener.port, path: r.path, query: r.query ?? {}, headers, body };
  };
  const sign = async (r: RawRequest) => {
    const s = signer(r.region ?? region, r.accessKeyId ?? ROOT_USER, r.secretAccessKey ?? ROOT_PASSWORD);
    const req = await build(r);
    const out = (await s.sign(req as never, { signingDate: r.signingDate })) as unknown as { headers: Record<string, string> };
    const qs = queryString(r.query);
    return { url: `${endpoint}${r.path}${qs ? `?${qs}` : ""}`, headers: out.headers };
  };
  return {
    endpoint,
    host,
    bunker,
    cfg,
    drives,
    client: (over = {}) =>
      new S3Client({
        endpoint,
        region,
        forcePathStyle: true,
        credentials: { accessKeyId: ROOT_USER, secretAccessKey: ROOT_PASSWORD },
        maxAttempts: 1,
        ...over,
      }),
    sign,
    async signed(r) {
      const { url, headers } = await sign(r);
      const h = { ...headers };
      if (h.host === host) delete h.host; // fetch adds it; a virtual-host test keeps its own
      return fetch(url, { method: r.method ?? "GET", headers: h, body: r.body as Uint8Array | string | undefined });
    },
    async presign(r) {
      const s = signer(r.region ?? region, r.accessKeyId ?? ROOT_USER, r.secretAccessKey ?? ROOT_PASSWORD);
      // As @aws-sdk/s3-request-presigner does: the payload is UNSIGNED-PAYLOAD, the header itself not signed.
      const req = await build({ ...r, payloadHash: "UNSIGNED-PAYLOAD" });
      const out = (await s.presign(req as never, {
        expiresIn: r.expiresIn ?? 600,
        signingDate: r.signingDate,
        unsignableHeaders: new Set(["x-amz-content-sha256"]),
      })) as unknown as {
        query: Record<string, string>;
      };
      return `${endpoint}${r.path}?${queryString(out.query)}`;
    },
    anon: (path, init) => fetch(`${endpoint}${path}`, init),
    async close() {
      await listener.stop(true);
      await bunker.stop();
    },
  };
}

/** Reads an S3 error document's Code (and the rest) from a response. */
export async function errorOf(
  res: Response,
): Promise<{ status: number; code: string; message: string; resource: string; requestId: string; hostId: string; body: string }> {
  const body = await res.text();
  const pick = (tag: string) => new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(body)?.[1] ?? "";
  return {
    status: res.status,
    code: pick("Code"),
    message: pick("Message"),
    resource: pick("Resource"),
    requestId: pick("RequestId"),
    hostId: pick("HostId"),
    body,
  };
}

/** A deterministic pseudo-random buffer (fast, not crypto). */
export function pattern(size: number, seed = 1): Uint8Array {
  return xorshiftBytes(size, seed * 2654435761);
}
