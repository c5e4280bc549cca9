// Which KMS the server runs with, from MinIO's environment variables: the built-in static key
// (MINIO_KMS_SECRET_KEY or _FILE), a KES server (MINIO_KMS_KES_*, checked at start), or none; and
// MINIO_KMS_AUTO_ENCRYPTION. Other KMSes MinIO knows (MinKMS, Vault) are refused, never ignored.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { rootCertificates } from "node:tls";
import { ConfigError, expandEllipses, hasEllipses, type Env } from "./config/index.ts";
import { BuiltinKms, CryptoError, KesKms, type KesClientCertificate, type Kms, kesApiKeyCertificate, kesClientCertificate } from "./crypto/index.ts";

export interface KmsFromEnvOptions {
  /** Where CA certificates for KES are looked for when MINIO_KMS_KES_CAPATH is unset (cfg.certsCaDir). */
  certsCaDir?: string;
  /** Deadline of one request to one KES endpoint, in ms (default 5000). */
  timeoutMs?: number;
  /** Check KES at start: create the default key if missing, make and open a data key (default true). */
  connect?: boolean;
}

export interface KmsSetup {
  /** The KMS, or undefined when none is configured. */
  kms: Kms | undefined;
  /** MINIO_KMS_AUTO_ENCRYPTION: encrypt (SSE-S3) every object written without SSE headers. */
  autoEncryption: boolean;
  /** Values the log must never print (the built-in key and its base64, the API key, the key password). */
  secrets: string[];
  /** One line for the start banner, e.g. `KMS: KES key "minio" at https://kes:7373 (client identity …)`; "" without a KMS. */
  summary: string;
  /** With KES: one client per endpoint, so the admin status call can tell which endpoints answer. */
  kesEndpoints?: KesKms[];
  /** Things worth a warning line (unknown MINIO_KMS_* variables, a CA path that does not exist). */
  warnings: string[];
}

const KES_VARS = [
  "MINIO_KMS_KES_ENDPOINT",
  "MINIO_KMS_KES_KEY_NAME",
  "MINIO_KMS_KES_API_KEY",
  "MINIO_KMS_KES_CERT_FILE",
  "MINIO_KMS_KES_KEY_FILE",
  "MINIO_KMS_KES_KEY_PASSWORD",
  "MINIO_KMS_KES_CAPATH",
];
const STATIC_VARS = ["MINIO_KMS_SECRET_KEY", "MINIO_KMS_SECRET_KEY_FILE"];
/** Variables of KMSes MinIO knows and we do not implement, with what they belong to. */
const REFUSED: [RegExp, string][] = [
  [/^MINIO_KMS_(SERVER|ENCLAVE|API_KEY|SSE_KEY)$/, "MinIO KMS (MinKMS)"],
  [/^MINIO_KMS_VAULT_/, "HashiCorp Vault (removed from MinIO; use KES)"],
  [/^MINIO_KMS_MASTER_KEY$/, 'the old static key (use MINIO_KMS_SECRET_KEY="<name>:<base64 of 32 bytes>")'],
  [/^(MINIO_KMS_ENDPOINT|MINIO_KES_SERVER)$/, "an external KMS"],
];
const TRUE = ["1", "t", "T", "true", "TRUE", "True", "on", "ON", "On"];
const FALSE = ["0", "f", "F", "false", "FALSE", "False", "off", "OFF", "Off"];

const invalid = (message: string) => new ConfigError("InvalidEnv", message);

/**
 * The KMS the environment asks for, connected. Variables set to "" count as unset. Bad values
 * are ConfigErrors; a KES that cannot be reached or refuses this server is a CryptoError
 * ("Unavailable", "Denied", "WrongKey") whose message names the endpoints, never a key.
 */
export async function kmsFromEnv(env: Env, opts: KmsFromEnvOptions = {}): Promise<KmsSetup> {
  const set = (name: string) => env[name] !== undefined && env[name] !== "";
  const warnings: string[] = [];
  for (const name of Object.keys(env).filter(set).sort()) {
    const refused = REFUSED.find(([re]) => re.test(name));
    if (refused) throw invalid(`${name} is set, but ${refused[1]} is not supported; use MINIO_KMS_KES_* (KES) or MINIO_KMS_SECRET_KEY, or unset it`);
    if (/^MINIO_KMS_/.test(name) && !KES_VARS.includes(name) && !STATIC_VARS.includes(name) && name !== "MINIO_KMS_AUTO_ENCRYPTION") {
      warnings.push(`${name} is not a KMS variable this server knows; it is ignored`);
    }
  }
  const kes = KES_VARS.filter(set);
  const builtin = STATIC_VARS.filter(set);
  if (kes.length > 0 && builtin.length > 0) {
    throw invalid(`Both KES (${kes.join(", ")}) and the built-in key (${builtin.join(", ")}) are configured; set one KMS only`);
  }
  const autoEncryption = autoEncryptionOf(env.MINIO_KMS_AUTO_ENCRYPTION);
  let setup: Omit<KmsSetup, "autoEncryption" | "warnings">;
  if (kes.length > 0) setup = await kesFromEnv(env, opts, warnings);
  else if (builtin.length > 0) setup = builtinFromEnv(env);
  else setup = { kms: undefined, secrets: [], summary: "" };
  if (autoEncryption && setup.kms === undefined) {
    throw invalid("MINIO_KMS_AUTO_ENCRYPTION is on, but no KMS is configured (set MINIO_KMS_SECRET_KEY or MINIO_KMS_KES_*)");
  }
  return { ...setup, autoEncryption, warnings };
}

/** MINIO_KMS_AUTO_ENCRYPTION as MinIO's ParseBool reads it (on/off, true/false, 1/0, t/f, enabled/disabled). */
export function autoEncryptionOf(value: string | undefined): boolean {
  if (value === undefined || value === "") return false;
  if (TRUE.includes(value) || value.toLowerCase() === "enabled") return true;
  if (FALSE.includes(value) || value.toLowerCase() === "disabled") return false;
  throw invalid(`MINIO_KMS_AUTO_ENCRYPTION is "${value}"; use "on" or "off"`);
}

function builtinFromEnv(env: Env): Omit<KmsSetup, "autoEncryption" | "warnings"> {
  const file = env.MINIO_KMS_SECRET_KEY_FILE;
  if (file && env.MINIO_KMS_SECRET_KEY) throw invalid("Both MINIO_KMS_SECRET_KEY and MINIO_KMS_SECRET_KEY_FILE are set; set one");
  const source = file ? `MINIO_KMS_SECRET_KEY_FILE "${file}"` : "MINIO_KMS_SECRET_KEY";
  const secret = (file ? readText(file, "MINIO_KMS_SECRET_KEY_FILE") : (env.MINIO_KMS_SECRET_KEY ?? "")).trim();
  if (secret === "") throw invalid(`${source} is empty`);
  let kms: BuiltinKms;
  try {
    kms = new BuiltinKms(secret);
  } catch (err) {
    throw new ConfigError("InvalidEnv", file ? `${source}: ${(err as Error).message}` : (err as Error).message, { cause: err });
  }
  const material = secret.slice(secret.indexOf(":") + 1);
  return { kms, secrets: [secret, material], summary: `KMS: built-in key "${kms.keyId}" (${file ? "MINIO_KMS_SECRET_KEY_FILE" : "MINIO_KMS_SECRET_KEY"})` };
}

async function kesFromEnv(env: Env, opts: KmsFromEnvOptions, warnings: string[]): Promise<Omit<KmsSetup, "autoEncryption" | "warnings">> {
  const endpoints = kesEndpoints(env.MINIO_KMS_KES_ENDPOINT);
  const keyName = env.MINIO_KMS_KES_KEY_NAME;
  if (!keyName) throw invalid("MINIO_KMS_KES_KEY_NAME is not set: KES needs the name of the key new data keys are made with");
  const { client, secrets } = kesCredentials(env);
  const ca = kesCaCertificates(env.MINIO_KMS_KES_CAPATH || opts.certsCaDir, warnings, Boolean(env.MINIO_KMS_KES_CAPATH));
  let kms: KesKms;
  try {
    kms = new KesKms({ endpoints, keyName, cert: client.cert, key: client.key, ca, timeoutMs: opts.timeoutMs });
  } catch (err) {
    throw new ConfigError("InvalidEnv", `MINIO_KMS_KES_*: ${(err as Error).message}`, { cause: err });
  }
  if (opts.connect !== false) {
    try {
      await kms.connect();
    } catch (err) {
      if (!(err instanceof CryptoError)) throw err;
      throw new CryptoError(err.kind, `Cannot start with KES at ${endpoints.join(", ")}: ${err.message}`, { cause: err });
    }
  }
  const probes = endpoints.map((e) => new KesKms({ endpoints: [e], keyName, cert: client.cert, key: client.key, ca, timeoutMs: opts.timeoutMs }));
  return { kms, secrets, kesEndpoints: probes, summary: `KMS: KES key "${keyName}" at ${endpoints.join(", ")} (client identity ${client.identity})` };
}

/** MINIO_KMS_KES_ENDPOINT: comma-separated https URLs, each maybe with MinIO's {1...n} ellipses. */
export function kesEndpoints(value: string | undefined): string[] {
  if (!value) throw invalid("MINIO_KMS_KES_ENDPOINT is not set: KES needs at least one https:// endpoint");
  const out: string[] = [];
  for (const part of value.split(",").map((p) => p.trim())) {
    if (part === "") continue;
    for (const endpoint of hasEllipses(part) ? expandEllipses(part) : [part]) {
      let url: URL;
      try {
        url = new URL(endpoint);
      } catch {
        throw invalid(`MINIO_KMS_KES_ENDPOINT has "${endpoint}", which is not a URL (expected e.g. "https://kes:7373")`);
      }
      if (url.protocol !== "https:") throw invalid(`MINIO_KMS_KES_ENDPOINT has "${endpoint}": KES is spoken over https:// only`);
      out.push(endpoint.replace(/\/+$/, ""));
    }
  }
  if (out.length === 0) throw invalid("MINIO_KMS_KES_ENDPOINT names no endpoint");
  return out;
}

/** The client certificate: from the API key, or from the certificate and key files (exactly one of the two). */
function kesCredentials(env: Env): { client: KesClientCertificate; secrets: string[] } {
  const apiKey = env.MINIO_KMS_KES_API_KEY;
  const certFile = env.MINIO_KMS_KES_CERT_FILE;
  const keyFile = env.MINIO_KMS_KES_KEY_FILE;
  const password = env.MINIO_KMS_KES_KEY_PASSWORD || undefined;
  const wrap = (err: unknown) => new ConfigError("InvalidEnv", (err as Error).message, { cause: err });
  if (apiKey) {
    if (certFile || keyFile || password) {
      throw invalid("MINIO_KMS_KES_API_KEY and a client certificate (MINIO_KMS_KES_CERT_FILE/_KEY_FILE/_KEY_PASSWORD) are both set; use one");
    }
    try {
      return { client: kesApiKeyCertificate(apiKey.trim()), secrets: [apiKey.trim()] };
    } catch (err) {
      throw wrap(err);
    }
  }
  if (!certFile || !keyFile) {
    const missing =
      !certFile && !keyFile
        ? "MINIO_KMS_KES_API_KEY, or MINIO_KMS_KES_CERT_FILE and MINIO_KMS_KES_KEY_FILE"
        : !certFile
          ? "MINIO_KMS_KES_CERT_FILE"
          : "MINIO_KMS_KES_KEY_FILE";
    throw invalid(`KES is configured without a way to authenticate: set ${missing}`);
  }
  const cert = readText(certFile, "MINIO_KMS_KES_CERT_FILE");
  const key = readText(keyFile, "MINIO_KMS_KES_KEY_FILE");
  try {
    return { client: kesClientCertificate(cert, key, password), secrets: password ? [password] : [] };
  } catch (err) {
    throw wrap(err);
  }
}

/**
 * The CAs KES's certificate may chain to, as MinIO reads them: the system's roots plus the
 * certificates in a file, or in the files directly inside a directory. Undefined (the system's
 * roots as they are) when the path is unset, missing or a directory without certificates.
 */
function kesCaCertificates(path: string | undefined, warnings: string[], explicit = true): string[] | undefined {
  if (!path) return undefined;
  let dir: boolean;
  try {
    dir = statSync(path).isDirectory();
  } catch {
    if (explicit) warnings.push(`MINIO_KMS_KES_CAPATH "${path}" does not exist; KES's certificate must chain to a system root`);
    return undefined;
  }
  let found: string[];
  if (dir) {
    found = readdirSync(path)
      .map((name) => join(path, name))
      .filter((p) => statSync(p, { throwIfNoEntry: false })?.isFile())
      .flatMap((p) => pemCertificates(readText(p, "MINIO_KMS_KES_CAPATH")));
  } else {
    found = pemCertificates(readText(path, "MINIO_KMS_KES_CAPATH"));
    if (found.length === 0) throw invalid(`MINIO_KMS_KES_CAPATH "${path}" holds no PEM certificate`);
  }
  return found.length === 0 ? undefined : [...rootCertificates, ...found];
}

function pemCertificates(text: string): string[] {
  return text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

function readText(path: string, variable: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (err) {
    throw new ConfigError("InvalidEnv", `${variable} names "${path}", which cannot be read (${(err as NodeJS.ErrnoException).code ?? "error"})`, {
      cause: err,
    });
  }
}
