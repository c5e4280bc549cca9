// Which KMS the server uses, from MinIO's variables: the built-in static key
// (MINIO_KMS_SECRET_KEY or MINIO_KMS_SECRET_KEY_FILE, "<name>:<base64 32 bytes>") or none.
// External KMSes (KES, a KMS server) are refused at start rather than silently ignored.
import { ConfigError } from "./config-error.ts";

export interface KmsConfig {
  /** The built-in key "<key name>:<base64 of 32 bytes>"; parsed and checked where it is used. */
  secretKey?: string;
  /** The variable it came from, for messages. */
  source?: string;
}

type Env = Readonly<Record<string, string | undefined>>;

const EXTERNAL = ["MINIO_KMS_KES_ENDPOINT", "MINIO_KMS_SERVER", "MINIO_KMS_ENDPOINT", "MINIO_KES_SERVER"];

export function kmsOf(env: Env, read: (path: string) => string | undefined): KmsConfig {
  for (const name of EXTERNAL) {
    if (env[name])
      throw new ConfigError("InvalidEnv", `${name} is set, but an external KMS is not supported; use MINIO_KMS_SECRET_KEY (the built-in key) or unset it`);
  }
  const file = env.MINIO_KMS_SECRET_KEY_FILE;
  if (file) {
    const text = read(file)?.trim();
    if (!text) throw new ConfigError("InvalidEnv", `MINIO_KMS_SECRET_KEY_FILE names "${file}", which cannot be read or is empty`);
    return { secretKey: text, source: "MINIO_KMS_SECRET_KEY_FILE" };
  }
  const key = env.MINIO_KMS_SECRET_KEY;
  return key ? { secretKey: key, source: "MINIO_KMS_SECRET_KEY" } : {};
}
