// config.json's honoured values as the environment loadConfig reads: below the real variables when
// the server starts (a variable set always wins, as in MinIO), above them to check a stored value
// on its own. Which subsystems of a stored document apply, and which of its entries are only kept.
import { ConfigError } from "./config-error.ts";
import type { Env } from "./config-flags.ts";
import { ConfigKvError, DEFAULT_TARGET, type ConfigDoc } from "./config-kv.ts";
import { SUBSYSTEMS, subsystemOf } from "./config-subsystems.ts";
import type { ServerConfig } from "./config.ts";

/** One stored value loadConfig will read, as the variable it stands for. */
export interface StoredEntry {
  subsys: string;
  key: string;
  /** The variable it becomes, e.g. MINIO_STORAGE_CLASS_STANDARD. */
  name: string;
  value: string;
  /** The variables that override it. */
  readBy: readonly string[];
}

const isSet = (v: string | undefined): boolean => v !== undefined && v !== "";

/** The stored values of honoured keys (of `only`, when given) that change something, in registry order. */
export function storedEntries(doc: ConfigDoc, only?: ReadonlySet<string>): StoredEntry[] {
  const out: StoredEntry[] = [];
  for (const spec of SUBSYSTEMS) {
    if (only && !only.has(spec.name)) continue;
    const pairs = doc.get(spec.name)?.get(DEFAULT_TARGET) ?? [];
    for (const k of spec.keys) {
      const pair = pairs.find((p) => p.key === k.key);
      if (!k.storeAs || !pair || pair.value === "" || pair.value === k.default) continue;
      out.push({ subsys: spec.name, key: k.key, name: k.storeAs, value: pair.value, readBy: k.readBy });
    }
  }
  return out;
}

/** Stored values under the environment: each only where its variable is not set. Later entries win. */
export function underEnv(entries: readonly StoredEntry[]): (env: Env) => Env {
  return (env) => {
    const out: Record<string, string | undefined> = { ...env };
    for (const e of entries) if (!isSet(env[e.name])) out[e.name] = e.value;
    return out;
  };
}

/** Stored values over the environment: every variable that would override one is taken away. */
export function overEnv(entries: readonly StoredEntry[]): (env: Env) => Env {
  return (env) => {
    const out: Record<string, string | undefined> = { ...env };
    for (const e of entries) for (const v of e.readBy) delete out[v];
    for (const e of entries) out[e.name] = e.value;
    return out;
  };
}

/** A loadConfig message in the words of config.json: MINIO_SITE_REGION → "site region". */
function inKeyWords(message: string, subsystems: ReadonlySet<string>): string {
  let out = message;
  for (const spec of SUBSYSTEMS) {
    if (!subsystems.has(spec.name)) continue;
    for (const k of spec.keys) if (k.storeAs) out = out.replace(new RegExp(`\\b${k.storeAs}\\b`, "g"), `${spec.name} ${k.key}`);
  }
  return out;
}

/**
 * Refuses stored values of `subsystems` the server could not start with: loadConfig must accept
 * them both above and below the environment, and they may add no warning (a warning means a value
 * would be ignored). Throws ConfigKvError "InvalidValue".
 */
export function checkStored(base: ServerConfig, doc: ConfigDoc, subsystems: ReadonlySet<string>): void {
  const entries = storedEntries(doc, subsystems);
  if (entries.length === 0) return;
  const known = new Set(base.warnings);
  for (const layer of [overEnv(entries), underEnv(entries)]) {
    let rebuilt: ServerConfig;
    try {
      rebuilt = base.source.rebuild(layer);
    } catch (err) {
      if (err instanceof ConfigError) throw new ConfigKvError("InvalidValue", inKeyWords(err.message, subsystems));
      throw err;
    }
    const added = rebuilt.warnings.find((w) => !known.has(w));
    if (added) throw new ConfigKvError("InvalidValue", inKeyWords(added, subsystems));
  }
}

/** Entries a config.json holds that this server does not apply (MinIO's other subsystems, targets and keys). */
export function foreignEntries(doc: ConfigDoc): string[] {
  const out: string[] = [];
  for (const [subsys, targets] of doc) {
    const spec = subsystemOf(subsys);
    for (const [target, pairs] of targets) {
      const name = target === DEFAULT_TARGET ? subsys : `${subsys}:${target}`;
      if (!spec || target !== DEFAULT_TARGET) {
        out.push(name);
        continue;
      }
      // MinIO stores every default key of a subsystem; an empty one, or its default of a key we lack, was nobody's choice.
      for (const p of pairs) {
        const minio = spec.minioOnly?.find((m) => m.key === p.key);
        if (minio && (minio.minioDefault === undefined || minio.minioDefault === p.value)) continue;
        if (p.value !== "" && !spec.keys.some((k) => k.key === p.key)) out.push(`${name} ${p.key}`);
      }
    }
  }
  return out;
}

export interface EffectiveConfig {
  /** The configuration to run with: the environment, then what config.json adds. */
  config: ServerConfig;
  /** The stored values in effect where no variable overrides them. */
  applied: StoredEntry[];
  /** Honoured subsystems whose stored values the server cannot use (left out, with loadConfig's reason). */
  rejected: { subsys: string; reason: string }[];
  /** What the file holds that is kept but never applied. */
  ignored: string[];
}

/**
 * The server's configuration once config.json is read: each honoured subsystem's stored values are
 * put under the environment in turn; one loadConfig refuses (or would ignore, with a warning) is
 * left out and reported rather than stopping the server, so a bad stored value never locks an
 * operator out of the admin API.
 */
export function effectiveConfig(base: ServerConfig, doc: ConfigDoc): EffectiveConfig {
  let config = base;
  const applied: StoredEntry[] = [];
  const rejected: EffectiveConfig["rejected"] = [];
  const known = new Set(base.warnings);
  for (const spec of SUBSYSTEMS) {
    const entries = storedEntries(doc, new Set([spec.name]));
    if (entries.length === 0) continue;
    const words = (message: string) => inKeyWords(message, new Set([spec.name]));
    try {
      const next = base.source.rebuild(underEnv([...applied, ...entries]));
      const added = next.warnings.find((w) => !known.has(w));
      if (added) {
        rejected.push({ subsys: spec.name, reason: words(added) });
        continue;
      }
      config = next;
      applied.push(...entries);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      rejected.push({ subsys: spec.name, reason: words(err.message) });
    }
  }
  return { config, applied, rejected, ignored: foreignEntries(doc) };
}

/** Which variable, if any, overrides a stored key now: its name and value. */
export function overriddenBy(base: ServerConfig, readBy: readonly string[]): { name: string; value: string } | undefined {
  for (const name of readBy) {
    const value = base.source.env(name);
    if (isSet(value)) return { name, value };
  }
}
