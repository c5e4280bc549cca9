// The KMS part of the environment, kept for the server's start: which KMS it is (the built-in
// static key, KES, or none) is decided and checked there (server-kms.ts), because a KES client has
// to be connected first. Here only the values the log must never print are gathered, synchronously,
// so the logger hides them from the first line on.
import { ConfigError } from "./config-error.ts";

export interface KmsConfig {
  /** Every MINIO_KMS_* variable that is set and not empty. */
  env: Readonly<Record<string, string>>;
  /** The built-in key (also as read from its file) and its base64 part, the KES API key, the key password. */
  secrets: readonly string[];
  /**
   * BUNKER_SSE_C_ALLOW_HTTP=on: take SSE-C keys over plain HTTP (MinIO never does; for a TLS
   * proxy in front, or tests). Off by default: the key would cross the network in the clear.
   */
  customerKeysOverHttp: boolean;
}

type Env = Readonly<Record<string, string | undefined>>;

export function kmsOf(env: Env, read: (path: string) => string | undefined): KmsConfig {
  const kms: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (/^MINIO_KMS_/.test(name) && value) kms[name] = value;
  const secrets: string[] = [];
  const builtin = [kms.MINIO_KMS_SECRET_KEY, kms.MINIO_KMS_SECRET_KEY_FILE ? read(kms.MINIO_KMS_SECRET_KEY_FILE) : undefined];
  for (const key of builtin.map((k) => k?.trim())) {
    if (!key) continue;
    secrets.push(key);
    const material = key.slice(key.indexOf(":") + 1);
    if (material.length >= 8) secrets.push(material);
  }
  for (const name of ["MINIO_KMS_KES_API_KEY", "MINIO_KMS_KES_KEY_PASSWORD"]) if (kms[name]) secrets.push(kms[name].trim());
  const overHttp = (env.BUNKER_SSE_C_ALLOW_HTTP ?? "").toLowerCase();
  if (overHttp !== "" && !["on", "off", "true", "false", "1", "0"].includes(overHttp)) {
    throw new ConfigError("InvalidEnv", `BUNKER_SSE_C_ALLOW_HTTP is "${env.BUNKER_SSE_C_ALLOW_HTTP}"; use "on" or "off"`);
  }
  const customerKeysOverHttp = ["on", "true", "1"].includes(overHttp);
  return { env: Object.freeze(kms), secrets: Object.freeze(secrets), customerKeysOverHttp };
}
