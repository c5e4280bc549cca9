// KesKms: the Kms of a MinIO KES server, spoken over HTTPS with a client certificate as MinIO's
// server speaks it: data keys made and opened by a named KES key, bound to the KMS context JSON;
// several endpoints tried in turn; the default key created at start. The one networked Kms.
import { AUTH_FAILED, CryptoError } from "./crypto-error.ts";
import { kesIdentity } from "./kes-identity.ts";
import { decodeBase64, kmsContextJson } from "./kms-builtin.ts";
import type { DataKey, Kms, KmsContext } from "./kms.ts";

export interface KesKmsOptions {
  /** KES server URLs ("https://kes-1:7373"), tried in order, starting from the one that last answered. */
  endpoints: readonly string[];
  /** MINIO_KMS_KES_KEY_NAME: the KES key new data keys are made with. */
  keyName: string;
  /** The client certificate (chain) presented to KES, PEM. */
  cert: string;
  /** Its private key, unencrypted PEM. */
  key: string;
  /** PEM certificates the server's certificate must chain to; undefined: the system's roots. */
  ca?: readonly string[];
  /** How long one request to one endpoint may take, in ms (default 5000). */
  timeoutMs?: number;
}

/** One answer from a KES endpoint below 500. */
interface KesAnswer {
  endpoint: string;
  status: number;
  /** The parsed JSON body, or undefined when the body is not JSON. */
  json: unknown;
  /** The error message: KES's {"message"} (or {"error"}) field, else the text of the body. */
  message: string;
}

const DEFAULT_TIMEOUT_MS = 5000;
const MAX_BODY = 1 << 20;
/** KES key names: letters, digits, '-' (not first or last) and '_' (not alone), at most 80. */
const KES_NAME = /^(?!-)[0-9A-Za-z_-]{1,80}(?<!-)$/;
/** The context of the data key made at start to prove the key works. */
const START_CONTEXT: KmsContext = { bunker: "KMS start check" };

/** Why `name` cannot be a KES key name, or undefined when it can. */
function kesKeyNameProblem(name: string): string | undefined {
  if (name === "_" || !KES_NAME.test(name)) {
    return `"${name}" is not a KES key name (1 to 80 letters, digits, "-" or "_"; no "-" first or last)`;
  }
  return undefined;
}

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64");

export class KesKms implements Kms {
  readonly keyId: string;
  /** KES's name for this client (hex SHA-256 of the certificate's public key), for messages. */
  readonly identity: string;
  readonly endpoints: readonly string[];
  readonly #tls: { cert: string; key: string; ca?: string[] };
  readonly #timeoutMs: number;
  /** The endpoint that answered last: tried first, so a dead one costs one timeout, not one per call. */
  #preferred = 0;

  constructor(opts: KesKmsOptions) {
    if (opts.endpoints.length === 0) throw new CryptoError("Malformed", "Cannot use KES: no endpoint is given");
    const problem = kesKeyNameProblem(opts.keyName);
    if (problem) throw new CryptoError("Malformed", `Cannot use KES key ${problem}`);
    this.keyId = opts.keyName;
    this.endpoints = opts.endpoints.map((e) => e.trim().replace(/\/+$/, ""));
    this.identity = kesIdentity(opts.cert);
    this.#tls = { cert: opts.cert, key: opts.key, ...(opts.ca ? { ca: [...opts.ca] } : {}) };
    this.#timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** A fresh 32-byte data key made by KES key `keyId`, bound to the context JSON (SPEC §8.2). */
  async generateKey(context: KmsContext = {}, keyId = this.keyId): Promise<DataKey> {
    const what = `make a data key with KES key "${keyId}"`;
    const a = await this.#send(what, "POST", `/v1/key/generate/${encodeURIComponent(keyId)}`, { context: b64(contextBytes(context)) });
    if (a.status !== 200) throw this.#refused(what, a, keyId);
    const o = (a.json ?? {}) as Record<string, unknown>;
    const plaintext = decodeBase64(o.plaintext);
    const ciphertext = decodeBase64(o.ciphertext);
    if (plaintext?.length !== 32 || ciphertext === null || ciphertext.length === 0) {
      throw new CryptoError("Malformed", `Cannot ${what}: ${a.endpoint} did not answer a 32-byte "plaintext" and a "ciphertext" in base64`);
    }
    return { plaintext, ciphertext };
  }

  /** The plaintext of a data key that KES key `keyId` made with `context`. */
  async decrypt(keyId: string, ciphertext: Uint8Array, context: KmsContext = {}): Promise<Uint8Array> {
    const what = `decrypt a data key of KES key "${keyId}"`;
    const body = { ciphertext: b64(ciphertext), context: b64(contextBytes(context)) };
    const a = await this.#send(what, "POST", `/v1/key/decrypt/${encodeURIComponent(keyId)}`, body);
    if (a.status !== 200) throw this.#refused(what, a, keyId, true);
    const plaintext = decodeBase64((a.json as Record<string, unknown> | undefined)?.plaintext);
    if (plaintext === null) throw new CryptoError("Malformed", `Cannot ${what}: ${a.endpoint} did not answer a base64 "plaintext"`);
    return plaintext;
  }

  /** Creates KES key `name` (default: this.keyId); "exists" when it already does. */
  async createKey(name = this.keyId): Promise<"created" | "exists"> {
    const what = `create KES key "${name}"`;
    const a = await this.#send(what, "POST", `/v1/key/create/${encodeURIComponent(name)}`);
    if (a.status === 200) return "created";
    // "key already exists" today; older KES releases said "key does already exist".
    if (a.status === 400 && /already exist/i.test(a.message)) return "exists";
    throw this.#refused(what, a, name);
  }

  /** GET /v1/status of the first endpoint that answers: the server's version, uptime and so on. */
  async status(): Promise<{ endpoint: string; state: Record<string, unknown> }> {
    const what = "read the KES server's status";
    const a = await this.#send(what, "GET", "/v1/status");
    if (a.status !== 200) throw this.#refused(what, a, this.keyId);
    return { endpoint: a.endpoint, state: (a.json ?? {}) as Record<string, unknown> };
  }

  /**
   * The start check: create the default key unless it exists (a client that may not create keys
   * goes on, as MinIO does), then make and open one data key, so that a server which cannot use
   * its KMS fails at start rather than on the first encrypted request.
   */
  async connect(): Promise<void> {
    try {
      await this.createKey();
    } catch (err) {
      if (!(err instanceof CryptoError) || err.kind !== "Denied") throw err;
    }
    const made = await this.generateKey(START_CONTEXT);
    const opened = await this.decrypt(this.keyId, made.ciphertext, START_CONTEXT);
    if (!Buffer.from(opened).equals(Buffer.from(made.plaintext))) {
      throw new CryptoError("Tampered", `KES key "${this.keyId}" decrypted a data key it had just made to different bytes`);
    }
  }

  async #send(what: string, method: "GET" | "POST", path: string, body?: unknown): Promise<KesAnswer> {
    const failures: string[] = [];
    const n = this.endpoints.length;
    for (let i = 0; i < n; i++) {
      const at = (this.#preferred + i) % n;
      const endpoint = this.endpoints[at];
      let status: number;
      let text: string;
      let type: string;
      try {
        const res = await fetch(endpoint + path, {
          method,
          headers: body === undefined ? undefined : { "content-type": "application/json" },
          body: body === undefined ? undefined : JSON.stringify(body),
          redirect: "manual",
          signal: AbortSignal.timeout(this.#timeoutMs),
          tls: this.#tls,
        });
        status = res.status;
        type = res.headers.get("content-type") ?? "";
        text = await readText(res);
      } catch (err) {
        failures.push(`${endpoint}: ${networkReason(err, this.#timeoutMs)}`);
        continue;
      }
      const answer = parseAnswer(endpoint, status, type, text);
      // A server error says nothing about the request; another replica may serve it.
      if (status >= 500) {
        failures.push(`${endpoint}: ${status} ${answer.message}`.trim());
        continue;
      }
      this.#preferred = at;
      return answer;
    }
    throw new CryptoError("Unavailable", `Cannot ${what}: no KES endpoint answered (${failures.join("; ")})`);
  }

  #refused(what: string, a: KesAnswer, keyId: string, opening = false): CryptoError {
    const said = `${a.endpoint} answered ${a.status}${a.message ? ` "${a.message}"` : ""}`;
    if (a.status === 404) return new CryptoError("WrongKey", `Cannot ${what}: KES has no key "${keyId}" (${said})`);
    if (a.status === 401 || a.status === 403 || (a.status === 400 && /certificate|\btls\b/i.test(a.message))) {
      return new CryptoError("Denied", `Cannot ${what}: KES refused this client, identity ${this.identity} (${said})`);
    }
    // KES answers 400 "decryption failed: ciphertext is not authentic" for a wrong context or changed bytes.
    if (opening && a.status === 400) return new CryptoError("Tampered", `Cannot ${what}: ${AUTH_FAILED} (${said})`);
    return new CryptoError("Unsupported", `Cannot ${what}: ${said}`);
  }
}

/** The bytes MinIO sends as a KES context: the KMS context JSON, exactly as the built-in KMS binds it. */
function contextBytes(context: KmsContext): Uint8Array {
  return new TextEncoder().encode(kmsContextJson(context));
}

async function readText(res: Response): Promise<string> {
  const bytes = new Uint8Array(await res.arrayBuffer());
  if (bytes.length > MAX_BODY) throw new Error(`the answer is over ${MAX_BODY} bytes`);
  return new TextDecoder().decode(bytes);
}

function parseAnswer(endpoint: string, status: number, type: string, text: string): KesAnswer {
  let json: unknown;
  if (/^application\/json/i.test(type.trim()) || /^\s*[{[]/.test(text)) {
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
  }
  const o = typeof json === "object" && json !== null ? (json as Record<string, unknown>) : {};
  const field = typeof o.error === "string" && o.error !== "" ? o.error : o.message;
  const message = status < 300 ? "" : typeof field === "string" ? field : json === undefined ? text.trim().slice(0, 200) : "";
  return { endpoint, status, json, message };
}

/** A network failure in words: the timeout, a refused connection, else the TLS or socket error code and message. */
function networkReason(err: unknown, timeoutMs: number): string {
  const e = err as { name?: string; code?: string; message?: string };
  if (e?.name === "TimeoutError" || e?.name === "AbortError") return `no answer within ${timeoutMs} ms`;
  if (e?.code === "ECONNREFUSED") return "connection refused";
  const msg = e?.message ?? String(err);
  return e?.code && !msg.includes(e.code) ? `${e.code}: ${msg}` : msg;
}
