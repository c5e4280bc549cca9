// The command-line flags of `minio`/`minio server` and what Bunker does with each, and the
// parser: minio's CLI rules (-x or --x, =value or the next argument, flags anywhere after the
// command, `--`), Go durations, and the MINIO_OPTS/BUNKER_OPTS flag strings a unit file passes.
import { ConfigError } from "./config-error.ts";

/** Environment variables as given (e.g. process.env). */
export type Env = Readonly<Record<string, string | undefined>>;

export type FlagKind = "string" | "bool" | "int" | "duration" | "list";

export interface FlagSpec {
  /** Long name without dashes. */
  name: string;
  /** One-letter alias. */
  alias?: string;
  kind: FlagKind;
  /** "global" flags are accepted before and after the command, "server" ones after it. */
  scope: "global" | "server";
  /** "use" = honoured; "ignore" = accepted with a warning; "reject" = error with `why`. */
  effect: "use" | "ignore" | "reject";
  why?: string;
}

const flag = (name: string, kind: FlagKind, scope: FlagSpec["scope"], effect: FlagSpec["effect"], why?: string, alias?: string): FlagSpec => ({
  name,
  kind,
  scope,
  effect,
  why,
  alias,
});

/** Every flag of `minio` and `minio server`, and what Bunker does with it. */
export const FLAGS: readonly FlagSpec[] = [
  flag("address", "string", "server", "use"),
  flag("console-address", "string", "server", "use"),
  flag("certs-dir", "string", "global", "use", undefined, "S"),
  flag("config-dir", "string", "global", "use", undefined, "C"),
  flag("quiet", "bool", "global", "use"),
  flag("anonymous", "bool", "global", "use"),
  flag("json", "bool", "global", "use"),
  flag("compat", "bool", "global", "ignore"),
  flag("no-compat", "bool", "global", "ignore"),
  flag("config", "string", "server", "reject", "YAML server configuration files are not supported yet; pass the drives as arguments"),
  flag("ftp", "list", "server", "reject", "Bunker has no FTP server"),
  flag("sftp", "list", "server", "reject", "Bunker has no SFTP server"),
  ...["listeners", "max-idle-conns-per-host", "send-buf-size", "recv-buf-size", "log-size"].map((n) => flag(n, "int", "server", "ignore")),
  flag("shutdown-timeout", "duration", "server", "use"),
  ...["idle-timeout", "read-header-timeout", "conn-user-timeout", "dns-cache-ttl"].map((n) => flag(n, "duration", "server", "ignore")),
  ...["interface", "crossdomain-xml", "memlimit", "log-dir", "log-prefix"].map((n) => flag(n, "string", "server", "ignore")),
  flag("log-compress", "bool", "server", "ignore"),
];

export interface ParsedArgs {
  /** Flag name → last value ("true"/"false" for booleans). */
  values: Map<string, string>;
  positionals: string[];
  help: boolean;
  version: boolean;
}

export function findFlag(token: string): FlagSpec | undefined {
  return FLAGS.find((f) => f.name === token || f.alias === token);
}

/**
 * Parses flags like minio's CLI library: `-name` or `--name`, values as `=v` or the next
 * argument, booleans without a value. "app" mode stops at the command; "server" mode takes
 * flags anywhere (minio's help itself puts --ftp after the drives); `--` ends them.
 */
export function parseArgs(tokens: readonly string[], mode: "app" | "server", where: string, prog: string): ParsedArgs {
  const out: ParsedArgs = { values: new Map(), positionals: [], help: false, version: false };
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i];
    const isFlag = tok.startsWith("-") && tok !== "-" && tok !== "--";
    if (tok === "--" || (mode === "app" && !isFlag)) {
      out.positionals.push(...tokens.slice(tok === "--" ? i + 1 : i));
      break;
    }
    if (!isFlag) {
      out.positionals.push(tok);
      continue;
    }
    const body = tok.replace(/^--?/, "");
    const eq = body.indexOf("=");
    const name = eq < 0 ? body : body.slice(0, eq);
    let value = eq < 0 ? undefined : body.slice(eq + 1);
    if (name === "help" || name === "h") out.help = true;
    else if (mode === "app" && (name === "version" || name === "v")) out.version = true;
    else {
      const spec = findFlag(name);
      if (!spec || (mode === "app" && spec.scope !== "global")) {
        const help = mode === "app" ? `${prog} --help` : `${prog} server --help`;
        throw new ConfigError("InvalidFlag", `Unknown flag "${tok}" in ${where}; run "${help}" to list the flags`);
      }
      if (value === undefined && spec.kind !== "bool") {
        if (i + 1 >= tokens.length) throw new ConfigError("InvalidFlag", `Flag "--${spec.name}" in ${where} needs a value`);
        value = tokens[++i];
      }
      if (spec.effect === "reject") throw new ConfigError("InvalidFlag", `Flag "--${spec.name}" is not supported: ${spec.why}`);
      out.values.set(spec.name, flagValue(spec, value ?? "true", where));
    }
  }
  return out;
}

const GO_DURATION = /^[-+]?(0|((\d+(\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h))+)$/;

/** Whether `text` is a Go duration ("10s", "1m30s", "0"), sign included. */
export function isGoDuration(text: string): boolean {
  return GO_DURATION.test(text);
}

const DURATION_UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds of a Go duration ("5s", "1m30s", "250ms"); already checked by GO_DURATION. */
export function goDurationMs(text: string): number {
  let ms = 0;
  for (const m of text.matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/g)) ms += Number(m[1]) * DURATION_UNIT_MS[m[2]];
  return Math.max(0, Math.round(ms));
}

/** Checks a flag's value by kind; booleans come back as "true"/"false". */
function flagValue(spec: FlagSpec, value: string, where: string): string {
  const bool = spec.kind === "bool" ? parseBool(value) : undefined;
  const ok =
    spec.kind === "bool" ? bool !== undefined : spec.kind === "int" ? /^[-+]?\d+$/.test(value) : spec.kind === "duration" ? GO_DURATION.test(value) : true;
  if (!ok) {
    const hint = { bool: "true or false", int: "a whole number", duration: 'a duration such as "30s" or "5m"' }[spec.kind as string];
    throw new ConfigError("InvalidFlag", `Invalid value "${value}" for flag "--${spec.name}" in ${where}: expected ${hint}`);
  }
  return bool === undefined ? value : String(bool);
}

/** Flags from MINIO_OPTS/BUNKER_OPTS, as a systemd unit passes them; the real command line wins. */
export function optsArgs(env: Env, prog: string, warnings: string[]): ParsedArgs[] {
  const out: ParsedArgs[] = [];
  for (const name of ["MINIO_OPTS", "BUNKER_OPTS"]) {
    const text = env[name]?.trim();
    if (!text) continue;
    const parsed = parseArgs(text.split(/\s+/), "server", name, prog);
    if (parsed.positionals.length > 0) warnings.push(`Ignored non-flag words in ${name}: ${parsed.positionals.join(" ")}`);
    out.push(parsed);
  }
  return out;
}

/** Merges flag sets; earlier sets win (app flags, then server flags, then *_OPTS). */
export function mergeFlags(sets: ParsedArgs[], warnings: string[]): Map<string, string> {
  const merged = new Map<string, string>();
  // The command line's server flags override its global flags given before "server".
  const [app, cli, ...rest] = sets;
  for (const [k, v] of [...app.values, ...cli.values]) merged.set(k, v);
  for (const set of rest) for (const [k, v] of set.values) if (!merged.has(k)) merged.set(k, v);
  for (const name of merged.keys()) {
    if (findFlag(name)?.effect === "ignore") warnings.push(`Flag --${name} is accepted for MinIO compatibility but has no effect`);
  }
  return merged;
}

/** Go's strconv.ParseBool plus on/off and enabled/disabled, as MinIO accepts. */
export function parseBool(text: string): boolean | undefined {
  if (["1", "t", "T", "true", "TRUE", "True", "on", "ON", "On"].includes(text)) return true;
  if (["0", "f", "F", "false", "FALSE", "False", "off", "OFF", "Off"].includes(text)) return false;
  if (text.toLowerCase() === "enabled") return true;
  if (text.toLowerCase() === "disabled") return false;
  return undefined;
}
