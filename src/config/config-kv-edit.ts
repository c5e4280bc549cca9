// Edits of config.json in the admin API's KV text — set (merge keys), delete, replace all — and the
// text get-config-kv, get-config and help-config-kv answer with. Pure: whether a value can run is
// config-stored.ts's check. Only honoured subsystems are written; other entries are kept as found.
import {
  ConfigKvError,
  DEFAULT_TARGET,
  cloneDoc,
  parseKvText,
  renderKvLine,
  setPair,
  splitHead,
  type ConfigDoc,
  type KvLine,
  type KvPair,
} from "./config-kv.ts";
import { MINIO_ONLY_SUBSYSTEMS, SUBSYSTEMS, envNameOf, subsystemOf, type ConfigKeySpec, type SubsystemSpec } from "./config-subsystems.ts";

/** A document after an edit, and the honoured subsystems it touched (to check before it is written). */
export interface ConfigEdit {
  doc: ConfigDoc;
  changed: Set<string>;
}

const HONOURED = SUBSYSTEMS.map((s) => s.name).join(", ");

/** The honoured subsystem `name` with its default target, or the error saying why not. */
export function requireSubsystem(name: string, target = DEFAULT_TARGET): SubsystemSpec {
  const spec = subsystemOf(name);
  if (!spec) {
    if (MINIO_ONLY_SUBSYSTEMS.has(name)) {
      throw new ConfigKvError(
        "Unsupported",
        `Sub-system "${name}" is not implemented by this server, so it is neither set nor applied (honoured: ${HONOURED})`,
      );
    }
    throw new ConfigKvError("UnknownSubsystem", `Unknown sub-system "${name}" (honoured: ${HONOURED})`);
  }
  if (target !== DEFAULT_TARGET) {
    throw new ConfigKvError("Unsupported", `"${name}:${target}": ${name} has a single configuration here; named targets are not supported`);
  }
  return spec;
}

function requireKey(spec: SubsystemSpec, key: string): ConfigKeySpec {
  const k = spec.keys.find((s) => s.key === key);
  if (!k && spec.minioOnly?.some((m) => m.key === key)) {
    throw new ConfigKvError(
      "Unsupported",
      `${spec.name} ${key} is not implemented by this server, so it is neither set nor applied (implemented: ${spec.keys.map((s) => s.key).join(", ")})`,
    );
  }
  if (!k)
    throw new ConfigKvError(
      "UnknownKey",
      `"${key}" is not a key of ${spec.name} that this server implements (keys: ${spec.keys.map((s) => s.key).join(", ")})`,
    );
  return k;
}

function pairsOf(doc: ConfigDoc, subsys: string, target: string): KvPair[] {
  let targets = doc.get(subsys);
  if (!targets) doc.set(subsys, (targets = new Map()));
  let pairs = targets.get(target);
  if (!pairs) targets.set(target, (pairs = []));
  return pairs;
}

/** Lines checked against the registry (subsystem, target, keys, the values' own form) and merged into a copy of `doc`. */
function merge(doc: ConfigDoc, lines: readonly KvLine[]): ConfigEdit {
  const out = cloneDoc(doc);
  const changed = new Set<string>();
  for (const line of lines) {
    const spec = requireSubsystem(line.subsys, line.target);
    if (line.pairs.length === 0) throw new ConfigKvError("Syntax", `Sub-system "${spec.name}" needs at least one key=value`);
    for (const { key, value } of line.pairs) {
      const why = requireKey(spec, key).check?.(value);
      if (why) throw new ConfigKvError("InvalidValue", `Invalid ${spec.name} ${key} "${value}": ${why}`);
    }
    const pairs = pairsOf(out, spec.name, DEFAULT_TARGET);
    for (const { key, value } of line.pairs) setPair(pairs, key, value);
    changed.add(spec.name);
  }
  return { doc: out, changed };
}

/** set-config-kv: every line's keys set, the other stored keys of those subsystems kept. */
export function applySet(doc: ConfigDoc, text: string): ConfigEdit {
  const lines = parseKvText(text);
  if (lines.length === 0) throw new ConfigKvError("Syntax", "Nothing to set: expected lines such as storage_class standard=EC:2");
  return merge(doc, lines);
}

/** set-config: the honoured subsystems become exactly what the text says; other subsystems' entries stay. */
export function replaceAll(doc: ConfigDoc, text: string): ConfigEdit {
  const lines = parseKvText(text);
  const base = cloneDoc(doc);
  for (const spec of SUBSYSTEMS) {
    // Keys of a MinIO subsystem we do not implement stay with their target when it is set again.
    const kept = (base.get(spec.name)?.get(DEFAULT_TARGET) ?? []).filter((p) => !spec.keys.some((k) => k.key === p.key));
    const named = base.get(spec.name);
    if (!named) continue;
    for (const target of [...named.keys()]) if (target === DEFAULT_TARGET) named.delete(target);
    if (kept.length > 0 && lines.some((l) => l.subsys === spec.name)) named.set(DEFAULT_TARGET, kept);
    if (named.size === 0) base.delete(spec.name);
  }
  const edit = merge(base, lines);
  for (const spec of SUBSYSTEMS) if (doc.has(spec.name)) edit.changed.add(spec.name);
  return edit;
}

/** del-config-kv: `subsys[:target]` removes the entry, `subsys key…` those keys; also another server's entries, by name. */
export function applyDelete(doc: ConfigDoc, text: string): ConfigEdit {
  const out = cloneDoc(doc);
  const changed = new Set<string>();
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== "" && !l.trim().startsWith("#"));
  if (lines.length === 0) throw new ConfigKvError("Syntax", "Nothing to delete: expected a sub-system name, e.g. storage_class");
  for (const line of lines) {
    const { subsys, target, rest } = splitHead(line);
    const keys = rest.split(/\s+/).filter((k) => k !== "");
    if (keys.some((k) => k.includes("="))) throw new ConfigKvError("Syntax", `del-config-kv takes key names, not key=value: "${line.trim()}"`);
    const targets = out.get(subsys);
    const stored = targets?.get(target);
    const spec = subsystemOf(subsys);
    if (spec && target === DEFAULT_TARGET) {
      for (const k of keys) if (!stored?.some((p) => p.key === k)) requireKey(spec, k);
      changed.add(subsys);
    } else if (!stored) {
      if (!spec && !MINIO_ONLY_SUBSYSTEMS.has(subsys)) requireSubsystem(subsys);
      throw new ConfigKvError("NotStored", `Nothing is stored for "${line.trim().split(/\s/)[0]}"`);
    }
    if (!targets || !stored) continue;
    if (keys.length === 0) targets.delete(target);
    else
      targets.set(
        target,
        stored.filter((p) => !keys.includes(p.key)),
      );
    if (targets.get(target)?.length === 0) targets.delete(target);
    if (targets.size === 0) out.delete(subsys);
  }
  return { doc: out, changed };
}

/** Which variable overrides a key now (get-config-kv's `env` lines). */
export type EnvLookup = (readBy: readonly string[]) => { name: string; value: string } | undefined;

function foreignPairs(spec: SubsystemSpec, pairs: readonly KvPair[]): KvPair[] {
  return pairs.filter((p) => p.value !== "" && !spec.keys.some((k) => k.key === p.key));
}

/** One honoured subsystem as get-config-kv shows it: env lines (when asked), every key with its stored or default value. */
function renderTarget(spec: SubsystemSpec, pairs: readonly KvPair[], env?: EnvLookup): string[] {
  const out: string[] = [];
  for (const k of env ? spec.keys : []) {
    const o = env!(k.readBy);
    if (!o) continue;
    const value = o.value.replace(/\r?\n/g, " ");
    // madmin reads "# MINIO_<SUBSYS>_<KEY>=v" lines as overrides; any other variable is told as a plain comment.
    out.push(o.name === envNameOf(spec.name, DEFAULT_TARGET, k.key) ? `# ${o.name}=${value}` : `# env ${o.name}=${value} overrides ${spec.name} ${k.key}`);
  }
  const values = spec.keys.map((k) => ({ key: k.key, value: pairs.find((p) => p.key === k.key)?.value ?? k.default }));
  out.push(renderKvLine(spec.name, DEFAULT_TARGET, values));
  const foreign = foreignPairs(spec, pairs);
  if (foreign.length > 0) out.push(`# not applied (not implemented here): ${renderKvLine(spec.name, DEFAULT_TARGET, foreign)}`);
  return out;
}

/** get-config-kv: `subsys` (or a prefix of honoured names, e.g. "identity"), as MinIO answers it. */
export function renderGet(doc: ConfigDoc, key: string, env?: EnvLookup): string {
  const { subsys, target, rest } = splitHead(key);
  if (rest !== "") throw new ConfigKvError("Syntax", `get-config-kv takes one sub-system, not "${key}"`);
  const exact = subsystemOf(subsys);
  const specs = exact ? [exact] : target === DEFAULT_TARGET ? SUBSYSTEMS.filter((s) => s.name.startsWith(subsys)) : [];
  if (specs.length === 0 || target !== DEFAULT_TARGET) {
    const kept = doc.get(subsys)?.has(target) ? "; its entries in config.json are kept as they are" : "";
    try {
      requireSubsystem(subsys, target);
    } catch (err) {
      if (err instanceof ConfigKvError) throw new ConfigKvError(err.kind, err.message + kept);
      throw err;
    }
  }
  return `${specs.flatMap((s) => renderTarget(s, doc.get(s.name)?.get(DEFAULT_TARGET) ?? [], env)).join("\n")}\n`;
}

/** get-config: what is stored; entries this server does not apply are shown as comments saying so. */
export function renderAll(doc: ConfigDoc): string {
  const lines: string[] = [];
  for (const spec of SUBSYSTEMS) {
    const pairs = doc.get(spec.name)?.get(DEFAULT_TARGET);
    if (!pairs) continue;
    const own = pairs.filter((p) => spec.keys.some((k) => k.key === p.key));
    if (own.length > 0) lines.push(renderKvLine(spec.name, DEFAULT_TARGET, own));
    const foreign = foreignPairs(spec, pairs);
    if (foreign.length > 0) lines.push(`# not applied (not implemented here): ${renderKvLine(spec.name, DEFAULT_TARGET, foreign)}`);
  }
  for (const [subsys, targets] of doc) {
    for (const [target, pairs] of targets) {
      if (subsystemOf(subsys) && target === DEFAULT_TARGET) continue;
      lines.push(`# not applied (not implemented here): ${renderKvLine(subsys, target, pairs)}`);
    }
  }
  return lines.length > 0 ? `${lines.join("\n")}\n` : "";
}

/** madmin.HelpKV: exactly these fields (madmin decodes the answer strictly). */
export interface ConfigHelpKey {
  key: string;
  description: string;
  optional: boolean;
  type: string;
  multipleTargets: boolean;
}

/** madmin.Help. */
export interface ConfigHelp {
  subSys: string;
  description: string;
  multipleTargets: boolean;
  keysHelp: ConfigHelpKey[];
}

/** The variable help shows for a key when asked for variables: MinIO's name when we read it, else the one a stored value becomes. */
function envKeyOf(spec: SubsystemSpec, k: ConfigKeySpec): string {
  const minio = envNameOf(spec.name, DEFAULT_TARGET, k.key);
  return k.readBy.includes(minio) ? minio : (k.storeAs ?? minio);
}

/** help-config-kv: the honoured subsystems (subSys ""), or one subsystem's keys; `key` narrows to one; envOnly names variables. */
export function configHelp(subSys: string, key: string, envOnly: boolean): ConfigHelp {
  if (subSys === "") {
    const all = SUBSYSTEMS.map((s) => ({ key: s.name, description: s.description, optional: false, type: "", multipleTargets: false }));
    const keysHelp = key === "" ? all : all.filter((k) => k.key === key);
    if (keysHelp.length === 0) requireSubsystem(key);
    return { subSys: "", description: "", multipleTargets: false, keysHelp };
  }
  const spec = requireSubsystem(subSys);
  // Only keys a variable can set have a variable to show (comment has none).
  const keys = envOnly ? spec.keys.filter((k) => k.storeAs) : spec.keys;
  let keysHelp = keys.map((k) => ({
    key: envOnly ? envKeyOf(spec, k) : k.key,
    description: k.description,
    optional: k.optional,
    type: k.type,
    multipleTargets: false,
  }));
  if (key !== "") {
    keysHelp = keysHelp.filter((h, i) => h.key === key || keys[i].key === key);
    if (keysHelp.length === 0) requireKey(spec, key);
    if (keysHelp.length === 0) throw new ConfigKvError("UnknownKey", `No variable sets ${spec.name} ${key}`);
  }
  return { subSys: spec.name, description: spec.description, multipleTargets: false, keysHelp };
}
