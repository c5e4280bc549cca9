// config/config.json on the drives: read once when the server starts (its values go under the
// environment, giving the ServerConfig the layers are built with) and changed by the admin API's
// config calls under a lock, encoded like IAM's objects (KMS-encrypted when a KMS is configured).
import { AdminError, type ConfigKvApi } from "./admin/index.ts";
import {
  ConfigKvError,
  applyDelete,
  applySet,
  checkStored,
  configHelp,
  effectiveConfig,
  overriddenBy,
  parseConfigJson,
  renderAll,
  renderConfigJson,
  renderGet,
  replaceAll,
  type ConfigDoc,
  type ConfigEdit,
  type ServerConfig,
} from "./config/index.ts";
import { CryptoError } from "./crypto/index.ts";
import type { IamCodec } from "./iam/index.ts";
import type { NamespaceLocker, ObjectLayer } from "./object/index.ts";

/** Where MinIO keeps the server configuration, under .minio.sys. */
export const CONFIG_OBJECT = "config/config.json";
/** Each set-config-kv / set-config text is kept here as <uuid>.kv, as MinIO keeps them. */
export const HISTORY_PREFIX = "config/history/";
/** Changes are serialized on this resource; with a cluster's distributed locker, across servers. */
const CONFIG_LOCK = ".minio.sys/config/transaction.lock";

type ConfigStore = Pick<ObjectLayer, "readSystem" | "writeSystem">;

/** config.json as stored (empty when there is none); throws when it cannot be decoded. */
export async function readConfigDoc(store: ConfigStore, codec: IamCodec): Promise<ConfigDoc> {
  const bytes = await store.readSystem(CONFIG_OBJECT);
  if (bytes === null) return new Map();
  return parseConfigJson(await codec.decode(bytes, CONFIG_OBJECT));
}

/**
 * The configuration to build the server with: `base` (command line and environment) with
 * config.json's honoured values under the environment. Nothing in the file stops the server: what
 * cannot be used, or is another server's, is named in one log line each (names only, never values).
 */
export async function startupConfig(base: ServerConfig, store: ConfigStore, codec: IamCodec, log: (line: string) => void): Promise<ServerConfig> {
  let doc: ConfigDoc;
  try {
    doc = await readConfigDoc(store, codec);
  } catch (err) {
    log(`${CONFIG_OBJECT} cannot be read (${err instanceof Error ? err.message : String(err)}); starting with the command line and environment only`);
    return base;
  }
  const eff = effectiveConfig(base, doc);
  const inEffect = eff.applied.filter((e) => !overriddenBy(base, e.readBy));
  if (inEffect.length > 0) log(`Configuration from ${CONFIG_OBJECT}: ${inEffect.map((e) => `${e.subsys} ${e.key}`).join(", ")}`);
  for (const r of eff.rejected) log(`${CONFIG_OBJECT}: ${r.subsys} is not applied: ${r.reason}`);
  if (eff.ignored.length > 0) log(`${CONFIG_OBJECT}: kept but not applied (not implemented by this server): ${eff.ignored.join(", ")}`);
  return eff.config;
}

/** The model's refusals as madmin codes: MinIO answers XMinioConfigError for what it cannot parse or does not know, XMinioAdminConfigBadJSON for values that fail validation. */
function kv<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof ConfigKvError) throw new AdminError(err.kind === "InvalidValue" ? "XMinioAdminConfigBadJSON" : "XMinioConfigError", err.message, 400);
    throw err;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export interface ConfigKvOptions {
  /** The command line and environment the server started from (not the effective configuration: its values would pose as variables). */
  base: ServerConfig;
  store: ConfigStore;
  codec: IamCodec;
  locker: NamespaceLocker;
}

/** The admin API's view of config.json: every change is checked whole, written for the next start, and never drops another server's entries. */
export function configKvApi(o: ConfigKvOptions): ConfigKvApi {
  const read = async (): Promise<ConfigDoc> => {
    try {
      return await readConfigDoc(o.store, o.codec);
    } catch (err) {
      // Writing over a file we cannot read would destroy another server's configuration.
      if (err instanceof ConfigKvError || err instanceof CryptoError) {
        throw new AdminError("XMinioConfigError", `${CONFIG_OBJECT} cannot be read (${err.message}); it is left as it is`, 500);
      }
      throw err;
    }
  };
  const write = async (name: string, plain: Uint8Array) => o.store.writeSystem(name, await o.codec.encode(plain, name));
  const change = async (edit: (doc: ConfigDoc) => ConfigEdit, history?: string): Promise<void> => {
    const release = await o.locker.lock([CONFIG_LOCK], "write");
    try {
      const before = await read();
      const { doc, changed } = kv(() => edit(before));
      kv(() => checkStored(o.base, doc, changed));
      const bytes = renderConfigJson(doc);
      if (!sameBytes(bytes, renderConfigJson(before))) await write(CONFIG_OBJECT, bytes);
      if (history !== undefined) await write(`${HISTORY_PREFIX}${crypto.randomUUID()}.kv`, new TextEncoder().encode(history));
    } finally {
      release();
    }
  };
  return {
    get: async (key, withEnv) => {
      const doc = await read();
      return kv(() => renderGet(doc, key, withEnv ? (readBy) => overriddenBy(o.base, readBy) : undefined));
    },
    set: (text) => change((doc) => applySet(doc, text), text),
    delete: (text) => change((doc) => applyDelete(doc, text)),
    help: (subSys, key, envOnly) => kv(() => configHelp(subSys, key, envOnly)),
    getAll: async () => renderAll(await read()),
    setAll: (text) => change((doc) => replaceAll(doc, text), text),
  };
}
