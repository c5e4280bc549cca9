// MinIO's server-configuration KV syntax, pure: the text admins send and read (`subsys[:target]
// key=value key2="a value"`, one line per subsystem target) and config/config.json's document
// (`{"<subsys>":{"_":[{"key":"k","value":"v"},…],"<target>":[…]}}`), parsed and rendered.

/** The target of a subsystem that has only one configuration (MinIO's "_"). */
export const DEFAULT_TARGET = "_";

export interface KvPair {
  key: string;
  value: string;
}

/** One line of KV text: a subsystem target and the pairs given for it. */
export interface KvLine {
  subsys: string;
  /** DEFAULT_TARGET when the line names none. */
  target: string;
  pairs: KvPair[];
}

/** config/config.json: subsystem → target → pairs, in file order (a Map, so no name is special). */
export type ConfigDoc = Map<string, Map<string, KvPair[]>>;

export type ConfigKvErrorKind =
  /** The text or document is malformed. */
  | "Syntax"
  /** Not a subsystem MinIO or we know. */
  | "UnknownSubsystem"
  /** A MinIO subsystem, target or key this server does not implement. */
  | "Unsupported"
  /** Not a key of the subsystem. */
  | "UnknownKey"
  /** A value the server could not use. */
  | "InvalidValue"
  /** Nothing is stored under that name. */
  | "NotStored";

export class ConfigKvError extends Error {
  override readonly name = "ConfigKvError";
  constructor(
    readonly kind: ConfigKvErrorKind,
    message: string,
  ) {
    super(message);
  }
}

const SPACE = /\s/;

/** A value as a KV line carries it: double-quoted when it holds whitespace or starts with a quote. */
export function renderValue(value: string): string {
  return SPACE.test(value) || value.startsWith("'") ? `"${value}"` : value;
}

/** `subsys[:target] k=v …` (no trailing space). */
export function renderKvLine(subsys: string, target: string, pairs: readonly KvPair[]): string {
  const head = target === DEFAULT_TARGET ? subsys : `${subsys}:${target}`;
  return [head, ...pairs.map((p) => `${p.key}=${renderValue(p.value)}`)].join(" ");
}

/** The `subsys[:target]` at the start of a line, and what follows it. */
export function splitHead(line: string): { subsys: string; target: string; rest: string } {
  const m = /^(\S+)\s*([\s\S]*)$/.exec(line.trim());
  if (!m) throw new ConfigKvError("Syntax", "A sub-system name is required");
  const colon = m[1].indexOf(":");
  const subsys = colon < 0 ? m[1] : m[1].slice(0, colon);
  const target = colon < 0 ? DEFAULT_TARGET : m[1].slice(colon + 1);
  if (subsys === "") throw new ConfigKvError("Syntax", `"${m[1]}" names no sub-system`);
  if (target === "") throw new ConfigKvError("Syntax", `The target of sub-system "${subsys}" cannot be empty`);
  return { subsys, target, rest: m[2] };
}

/** Sets `key` in `pairs` (replacing an earlier value) and returns the pair. */
export function setPair(pairs: KvPair[], key: string, value: string): KvPair {
  const found = pairs.find((p) => p.key === key);
  if (found) {
    found.value = value;
    return found;
  }
  const pair = { key, value };
  pairs.push(pair);
  return pair;
}

/** A value madmin's parser could not read back: whitespace or a leading quote needs quoting, and a quoted value cannot hold `"`. */
function checkRenderable(key: string, value: string): void {
  if (value.includes('"') && (SPACE.test(value) || value.startsWith('"'))) {
    throw new ConfigKvError("Syntax", `The value of "${key}" cannot hold a double quote together with spaces (or begin with one)`);
  }
}

/**
 * `k=v k2="v 2" k3='v 3'` → pairs. As MinIO reads it: a value runs to the next space unless quoted,
 * a later word without `=` continues the previous unquoted value (`comment=two words`), and a
 * key given twice keeps its last value.
 */
export function parsePairs(text: string): KvPair[] {
  const pairs: KvPair[] = [];
  let last: { pair: KvPair; quoted: boolean } | undefined;
  let i = 0;
  while (i < text.length) {
    if (SPACE.test(text[i])) {
      i++;
      continue;
    }
    let j = i;
    while (j < text.length && text[j] !== "=" && !SPACE.test(text[j])) j++;
    if (text[j] !== "=") {
      const word = text.slice(i, j);
      if (!last || last.quoted) throw new ConfigKvError("Syntax", `Expected key=value, found "${word}"`);
      last.pair.value += ` ${word}`;
      checkRenderable(last.pair.key, last.pair.value);
      i = j;
      continue;
    }
    const key = text.slice(i, j);
    if (key === "") throw new ConfigKvError("Syntax", `A value has no key: "${text.slice(i).split(/\s/)[0]}"`);
    const quote = text[j + 1];
    let value: string;
    if (quote === '"' || quote === "'") {
      const end = text.indexOf(quote, j + 2);
      if (end < 0) throw new ConfigKvError("Syntax", `The value of "${key}" has no closing ${quote}`);
      value = text.slice(j + 2, end);
      i = end + 1;
      if (i < text.length && !SPACE.test(text[i])) throw new ConfigKvError("Syntax", `Expected a space after the quoted value of "${key}"`);
    } else {
      let k = j + 1;
      while (k < text.length && !SPACE.test(text[k])) k++;
      value = text.slice(j + 1, k);
      i = k;
    }
    checkRenderable(key, value);
    last = { pair: setPair(pairs, key, value), quoted: quote === '"' || quote === "'" };
  }
  return pairs;
}

/** Several lines of KV text; empty lines and `#` comments are skipped, as MinIO skips them. */
export function parseKvText(text: string): KvLine[] {
  const lines: KvLine[] = [];
  for (const [n, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    try {
      const { subsys, target, rest } = splitHead(line);
      lines.push({ subsys, target, pairs: parsePairs(rest) });
    } catch (err) {
      if (err instanceof ConfigKvError) throw new ConfigKvError(err.kind, `Line ${n + 1}: ${err.message}`);
      throw err;
    }
  }
  return lines;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** config.json as MinIO writes it; a Go nil list (`null`) reads as empty. Anything else is refused. */
export function parseConfigJson(bytes: Uint8Array): ConfigDoc {
  let doc: unknown;
  try {
    doc = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch (err) {
    throw new ConfigKvError("Syntax", `config.json is not JSON: ${(err as Error).message}`);
  }
  if (!isObject(doc)) throw new ConfigKvError("Syntax", "config.json is not a JSON object");
  const out: ConfigDoc = new Map();
  for (const [subsys, targets] of Object.entries(doc)) {
    if (!isObject(targets)) throw new ConfigKvError("Syntax", `config.json: "${subsys}" is not an object of targets (an older config format?)`);
    const byTarget = new Map<string, KvPair[]>();
    for (const [target, list] of Object.entries(targets)) {
      if (list !== null && !Array.isArray(list)) throw new ConfigKvError("Syntax", `config.json: "${subsys}.${target}" is not a list of key/value pairs`);
      const pairs = (list ?? []).map((kv: unknown) => {
        if (!isObject(kv) || typeof kv.key !== "string" || typeof kv.value !== "string") {
          throw new ConfigKvError("Syntax", `config.json: "${subsys}.${target}" holds an entry that is not {"key","value"} strings`);
        }
        return { key: kv.key, value: kv.value };
      });
      byTarget.set(target, pairs);
    }
    out.set(subsys, byTarget);
  }
  return out;
}

/** config.json's bytes, compact as Go's encoder writes them. */
export function renderConfigJson(doc: ConfigDoc): Uint8Array {
  // Object.fromEntries defines own properties, so even a "__proto__" entry stays data.
  const plain = Object.fromEntries(
    [...doc].map(([subsys, targets]) => [
      subsys,
      Object.fromEntries([...targets].map(([target, pairs]) => [target, pairs.map((p) => ({ key: p.key, value: p.value }))])),
    ]),
  );
  return new TextEncoder().encode(JSON.stringify(plain));
}

/** A deep copy, to edit without touching what was read. */
export function cloneDoc(doc: ConfigDoc): ConfigDoc {
  return new Map([...doc].map(([s, targets]) => [s, new Map([...targets].map(([t, pairs]) => [t, pairs.map((p) => ({ ...p }))]))]));
}
