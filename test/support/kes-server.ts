// A KES-protocol server for tests (no real KES can be installed here): TLS that asks for a client
// certificate, the client named by the hex SHA-256 of its certificate's public key, a per-identity
// allow list of API paths, and data keys sealed with AES-256-GCM bound to the context bytes, so a
// wrong context or changed ciphertext really fails. Also the certificates (openssl) tests use.
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes, X509Certificate } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from "node:net";
import { join } from "node:path";
import { createServer, type Server, type TLSSocket } from "node:tls";

export interface KesServerOptions {
  /** Server certificate and key (PEM). */
  cert: string;
  key: string;
  /** Identity → API paths it may call: exact, or a prefix when ending in "*" ("/v1/key/generate/*"). */
  policies: Record<string, readonly string[]>;
  /** The key store (name → 32-byte key), used as is: replicas given one Map share their keys, as KES replicas share a backend. */
  keys?: Map<string, Uint8Array>;
  /** Loopback port to listen on (default: any free one); a restarted server takes its old port. */
  port?: number;
}

/** One request as the server saw it. */
export interface KesRequest {
  method: string;
  path: string;
  /** The caller's identity, "" without a client certificate. */
  identity: string;
  /** The parsed JSON body, if any. */
  body: Record<string, unknown> | undefined;
}

interface Reply {
  status: number;
  body?: unknown;
}

const IV = 16;
const NONCE = 12;
const TAG = 16;
const fail = (status: number, message: string): Reply => ({ status, body: { message } });

/** The identity KES gives a certificate's holder (DER or PEM certificate). */
export function identityOfCertificate(raw: Buffer | string): string {
  return createHash("sha256")
    .update(new X509Certificate(raw).publicKey.export({ type: "spki", format: "der" }))
    .digest("hex");
}

export class KesServer {
  readonly keys: Map<string, Uint8Array>;
  readonly requests: KesRequest[] = [];
  readonly #server: Server;
  readonly #policies: Record<string, readonly string[]>;
  readonly #sockets = new Set<Socket>();

  private constructor(server: Server, opts: KesServerOptions) {
    this.#server = server;
    this.#policies = opts.policies;
    this.keys = opts.keys ?? new Map();
  }

  static async start(opts: KesServerOptions): Promise<KesServer> {
    // Like KES: ask for a certificate but do not check its chain; the identity decides.
    const server = createServer({ cert: opts.cert, key: opts.key, requestCert: true, rejectUnauthorized: false });
    const self = new KesServer(server, opts);
    server.on("secureConnection", (sock) => self.#serve(sock));
    await new Promise<void>((resolve) => server.listen(opts.port ?? 0, "127.0.0.1", resolve));
    return self;
  }

  get url(): string {
    return `https://127.0.0.1:${(this.#server.address() as { port: number }).port}`;
  }

  /** Closes the listener and every open connection (a KES replica going away). */
  async stop(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #serve(sock: TLSSocket): void {
    this.#sockets.add(sock);
    sock.on("close", () => this.#sockets.delete(sock));
    sock.on("error", () => sock.destroy());
    const peer = sock.getPeerCertificate(true) as { raw?: Buffer };
    const identity = peer?.raw ? identityOfCertificate(peer.raw) : "";
    let buf = Buffer.alloc(0);
    sock.on("data", (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      for (;;) {
        const end = buf.indexOf("\r\n\r\n");
        if (end < 0) return;
        const [line, ...headerLines] = buf.subarray(0, end).toString("latin1").split("\r\n");
        const headers = new Map(headerLines.map((h) => [h.slice(0, h.indexOf(":")).trim().toLowerCase(), h.slice(h.indexOf(":") + 1).trim()]));
        const length = Number(headers.get("content-length") ?? 0);
        if (buf.length < end + 4 + length) return;
        const body = buf.subarray(end + 4, end + 4 + length);
        buf = buf.subarray(end + 4 + length);
        const [method, target] = line.split(" ");
        const reply = this.#handle(method, target, identity, body);
        const text = reply.body === undefined ? "" : JSON.stringify(reply.body);
        const type = reply.body === undefined ? "" : "content-type: application/json\r\n";
        sock.write(`HTTP/1.1 ${reply.status} KES\r\n${type}content-length: ${Buffer.byteLength(text)}\r\n\r\n${text}`);
      }
    });
  }

  #handle(method: string, target: string, identity: string, raw: Buffer): Reply {
    const path = decodeURIComponent(new URL(target, "https://kes").pathname);
    let body: Record<string, unknown> | undefined;
    try {
      body = raw.length > 0 ? JSON.parse(raw.toString("utf8")) : undefined;
    } catch {
      return fail(400, "invalid JSON body");
    }
    this.requests.push({ method, path, identity, body });
    if (path === "/version") return { status: 200, body: { version: "kes-protocol-test" } };
    if (identity === "") return fail(400, "tls: client certificate is required");
    const allowed = (this.#policies[identity] ?? []).some((p) => (p.endsWith("*") ? path.startsWith(p.slice(0, -1)) : path === p));
    if (!allowed) return fail(403, "not authorized: insufficient permissions");
    if (path === "/v1/status") return method === "GET" ? { status: 200, body: { version: "kes-protocol-test", uptime: 1 } } : fail(405, "method not allowed");
    const m = /^\/v1\/key\/(create|generate|decrypt)\/([^/]+)$/.exec(path);
    if (!m) return fail(404, "not found");
    if (method !== "POST" && method !== "PUT") return fail(405, `received method '${method}' expected 'POST'`);
    const [, op, name] = m;
    if (!/^[0-9A-Za-z_-]{1,80}$/.test(name)) return fail(400, "invalid key name");
    if (op === "create") {
      if (this.keys.has(name)) return fail(400, "key already exists");
      this.keys.set(name, randomBytes(32));
      return { status: 200 };
    }
    const master = this.keys.get(name);
    if (master === undefined) return fail(404, "key does not exist");
    const context = typeof body?.context === "string" ? Buffer.from(body.context, "base64") : Buffer.alloc(0);
    if (op === "generate") {
      const plaintext = randomBytes(32);
      return { status: 200, body: { plaintext: plaintext.toString("base64"), ciphertext: seal(master, plaintext, context).toString("base64") } };
    }
    const ciphertext = typeof body?.ciphertext === "string" ? Buffer.from(body.ciphertext, "base64") : Buffer.alloc(0);
    const plaintext = open(master, ciphertext, context);
    if (plaintext === null) return fail(400, "decryption failed: ciphertext is not authentic");
    return { status: 200, body: { plaintext: plaintext.toString("base64") } };
  }
}

/** AES-256-GCM under HMAC-SHA256(master, iv), the context as associated data: ct ‖ tag ‖ iv ‖ nonce. */
function seal(master: Uint8Array, plaintext: Buffer, context: Buffer): Buffer {
  const iv = randomBytes(IV);
  const nonce = randomBytes(NONCE);
  const c = createCipheriv("aes-256-gcm", createHmac("sha256", master).update(iv).digest(), nonce);
  c.setAAD(context);
  const ct = Buffer.concat([c.update(plaintext), c.final()]);
  return Buffer.concat([ct, c.getAuthTag(), iv, nonce]);
}

function open(master: Uint8Array, sealed: Buffer, context: Buffer): Buffer | null {
  if (sealed.length < TAG + IV + NONCE) return null;
  const nonce = sealed.subarray(sealed.length - NONCE);
  const iv = sealed.subarray(sealed.length - NONCE - IV, sealed.length - NONCE);
  const tagAt = sealed.length - NONCE - IV - TAG;
  const d = createDecipheriv("aes-256-gcm", createHmac("sha256", master).update(iv).digest(), nonce);
  d.setAAD(context);
  d.setAuthTag(sealed.subarray(tagAt, tagAt + TAG));
  try {
    return Buffer.concat([d.update(sealed.subarray(0, tagAt)), d.final()]);
  } catch {
    return null;
  }
}

/** A TCP listener that accepts connections and never says a word: a KES that hangs. */
export async function startSilentServer(): Promise<{ url: string; stop(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: TcpServer = createTcpServer((s) => {
    sockets.add(s);
    s.on("error", () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `https://127.0.0.1:${(server.address() as { port: number }).port}`,
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A loopback URL nothing listens on (connections are refused). */
export async function deadEndpoint(): Promise<string> {
  const server = createTcpServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `https://127.0.0.1:${port}`;
}

/** Test certificates made by the openssl CLI, as PEM text and the files they are in. */
export interface KesPki {
  dir: string;
  /** The CA that signed the server and client certificates. */
  caCert: string;
  caFile: string;
  /** The server certificate (for IP 127.0.0.1) and key. */
  serverCert: string;
  serverKey: string;
  /** A client certificate signed by the CA, its key, and the key encrypted with `keyPassword`. */
  clientCert: string;
  clientKey: string;
  clientCertFile: string;
  clientKeyFile: string;
  encryptedKeyFile: string;
  keyPassword: string;
  /** A self-signed client certificate no policy knows. */
  strangerCert: string;
  strangerKey: string;
}

function openssl(dir: string, ...args: string[]): void {
  const r = Bun.spawnSync(["openssl", ...args], { cwd: dir, stderr: "pipe", stdout: "pipe" });
  if (r.exitCode !== 0) throw new Error(`openssl ${args[0]} failed: ${r.stderr.toString()}`);
}

/** A CA, a server certificate for 127.0.0.1, a client certificate and a stranger's, in `dir`. */
export function makeKesPki(dir: string): KesPki {
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];
  openssl(dir, "req", "-x509", ...ec, "-keyout", "ca.key", "-out", "ca.crt", "-days", "2", "-subj", "/CN=bunker test CA");
  const signed = (name: string, subject: string, ext: string) => {
    writeFileSync(join(dir, `${name}.ext`), ext);
    openssl(dir, "req", ...ec, "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", subject);
    openssl(
      dir,
      "x509",
      "-req",
      "-in",
      `${name}.csr`,
      "-CA",
      "ca.crt",
      "-CAkey",
      "ca.key",
      "-CAcreateserial",
      "-out",
      `${name}.crt`,
      "-days",
      "2",
      "-extfile",
      `${name}.ext`,
    );
  };
  signed("server", "/CN=127.0.0.1", "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
  signed("client", "/CN=bunker", "extendedKeyUsage=clientAuth\n");
  const keyPassword = "test password";
  openssl(dir, "pkcs8", "-topk8", "-in", "client.key", "-v2", "aes-256-cbc", "-passout", `pass:${keyPassword}`, "-out", "client-encrypted.key");
  openssl(dir, "req", "-x509", ...ec, "-keyout", "stranger.key", "-out", "stranger.crt", "-days", "2", "-subj", "/CN=stranger");
  const read = (name: string) => readFileSync(join(dir, name), "utf8");
  return {
    dir,
    caCert: read("ca.crt"),
    caFile: join(dir, "ca.crt"),
    serverCert: read("server.crt"),
    serverKey: read("server.key"),
    clientCert: read("client.crt"),
    clientKey: read("client.key"),
    clientCertFile: join(dir, "client.crt"),
    clientKeyFile: join(dir, "client.key"),
    encryptedKeyFile: join(dir, "client-encrypted.key"),
    keyPassword,
    strangerCert: read("stranger.crt"),
    strangerKey: read("stranger.key"),
  };
}
