// The configuration subsystems this server honours through config.json and the admin API, each key
// with its help (madmin.Help's fields), default, secrecy and the MINIO_* variable a stored value
// stands for; MinIO's other subsystem names, to tell "not implemented here" from "unknown".
import {
  MINIO_ONLY_API_KEYS,
  UNLIMITED_VERSIONS,
  parseCorsOrigins,
  parseMaxVersions,
  requestsDeadlineProblem,
  requestsMaxProblem,
  rootAccessProblem,
} from "./api-config.ts";
import { parseBool } from "./config-flags.ts";
import { parseByteSize, parseStorageClass } from "./storage-class.ts";

export interface ConfigKeySpec {
  key: string;
  description: string;
  /** madmin's type word: "string", "on|off", "url", "csv", "sentence"… */
  type: string;
  optional: boolean;
  /** What applies when nothing is stored; a stored value equal to it changes nothing. */
  default: string;
  /** Shown only to the admin who asks (encrypted for them), never logged. */
  secret: boolean;
  /** The variable loadConfig reads a stored value as; absent: kept in config.json only (comment). */
  storeAs?: string;
  /** Every variable config/ reads for this setting, the one read first first: any of them set overrides a stored value. */
  readBy: readonly string[];
  /** Checks loadConfig does not make (it only warns, or reads the value lazily): why a value is refused. */
  check?: (value: string) => string | undefined;
}

/** A key MinIO has in a subsystem honoured here, which this server does not implement: refused when set. */
export interface MinioOnlyKey {
  key: string;
  /** What MinIO's config.json holds when nobody set the key (not worth a log line); absent: MinIO no longer reads the key either. */
  minioDefault?: string;
}

export interface SubsystemSpec {
  name: string;
  description: string;
  keys: readonly ConfigKeySpec[];
  /** MinIO's other keys of this subsystem. */
  minioOnly?: readonly MinioOnlyKey[];
}

/** MinIO's variable for a key: MINIO_<SUBSYS>_<KEY>, a named target appended as _<TARGET>. */
export function envNameOf(subsys: string, target: string, key: string): string {
  const base = `MINIO_${subsys.toUpperCase()}_${key.toUpperCase()}`;
  return target === "_" ? base : `${base}_${target}`;
}

interface KeyOptions {
  type?: string;
  default?: string;
  secret?: boolean;
  /** Overrides the variables read (default BUNKER_ then MINIO_ spelling of the MinIO name). */
  readBy?: readonly string[];
  storeAs?: string;
  /** Needed once the subsystem is used at all (help's optional: false). */
  required?: boolean;
  check?: (value: string) => string | undefined;
}

function key(subsys: string, name: string, description: string, o: KeyOptions = {}): ConfigKeySpec {
  const storeAs = o.storeAs ?? envNameOf(subsys, "_", name);
  return {
    key: name,
    description,
    type: o.type ?? "string",
    optional: !o.required,
    default: o.default ?? "",
    secret: o.secret ?? false,
    storeAs,
    readBy: o.readBy ?? [`BUNKER_${storeAs.slice("MINIO_".length)}`, storeAs],
    check: o.check,
  };
}

function comment(): ConfigKeySpec {
  return { key: "comment", description: "optional note about this setting", type: "sentence", optional: true, default: "", secret: false, readBy: [] };
}

const onOff = (v: string) => (v === "" || parseBool(v) !== undefined ? undefined : 'use "on" or "off"');
const flag = (subsys: string, name: string, description: string, readBy?: readonly string[]) =>
  key(subsys, name, description, { type: "on|off", default: name === "enable" ? "" : "off", check: onOff, readBy });

const REGION_VARS = ["BUNKER_REGION", "MINIO_REGION", "BUNKER_SITE_REGION", "MINIO_SITE_REGION"];

function parityCheck(v: string): string | undefined {
  if (v === "") return undefined;
  try {
    parseStorageClass(v);
  } catch (err) {
    return (err as Error).message;
  }
}

const problemOf = (r: { problem: string } | object) => ("problem" in r ? r.problem : undefined);
const emptyOr = (check: (v: string) => string | undefined) => (v: string) => (v === "" ? undefined : check(v));

/**
 * The subsystems honoured, in the order get-config lists them. `region` (MinIO's legacy one)
 * comes before `site`, so a stored site region wins over a stored legacy region name.
 */
export const SUBSYSTEMS: readonly SubsystemSpec[] = [
  {
    name: "storage_class",
    description: "erasure-code parity of the storage classes; applied when the server starts",
    keys: [
      key("storage_class", "standard", 'parity of STANDARD (and of requests without a class), e.g. "EC:4"; empty: the default for the set size', {
        check: parityCheck,
      }),
      key("storage_class", "rrs", 'parity of REDUCED_REDUNDANCY, e.g. "EC:1"; empty: EC:1', { check: parityCheck }),
      key("storage_class", "optimize", '"availability" raises parity while drives are offline at write time, "capacity" does not', {
        default: "availability",
        check: (v) => (["", "availability", "capacity"].includes(v) ? undefined : 'use "availability" or "capacity"'),
      }),
      key("storage_class", "inline_block", 'objects whose shards are at most this size are kept inside xl.meta, e.g. "128KiB"', {
        default: "128KiB",
        check: (v) => (v === "" || parseByteSize(v) !== undefined ? undefined : 'expected a size such as "128KiB"'),
      }),
      comment(),
    ],
  },
  {
    name: "region",
    description: "the former way to set the region (use site); read only when no site region is set",
    keys: [key("region", "name", 'region of this deployment, e.g. "us-east-1"', { readBy: REGION_VARS, storeAs: "MINIO_SITE_REGION" }), comment()],
  },
  {
    name: "site",
    description: "name and region of this deployment",
    keys: [
      key("site", "name", 'name of this site: lowercase letters, digits and dashes, e.g. "cal-rack0"'),
      key("site", "region", 'region reported to clients and expected in signatures, e.g. "us-east-1"', { readBy: REGION_VARS }),
      comment(),
    ],
  },
  {
    name: "heal",
    description: "background healing by the scanner",
    keys: [
      flag("heal", "bitrotscan", "on: every scanner cycle also verifies the bitrot checksums of each shard (deep scan)", [
        "BUNKER_SCANNER_DEEP_EVERY",
        "MINIO_HEAL_BITROTSCAN",
      ]),
      comment(),
    ],
  },
  {
    name: "api",
    description: "the S3 API: requests served at once, browser origins (CORS), root access, versions per object; applied when the server starts",
    keys: [
      key("api", "requests_max", "S3 requests served at once; more wait up to requests_deadline for a slot, then get SlowDown; 0: automatic, from memory", {
        type: "number",
        default: "0",
        check: emptyOr(requestsMaxProblem),
      }),
      key("api", "requests_deadline", 'how long a request beyond requests_max waits for a slot, e.g. "10s"', {
        type: "duration",
        default: "10s",
        check: emptyOr(requestsDeadlineProblem),
      }),
      key("api", "cors_allow_origin", 'origins browsers may call the S3 API from when a bucket has no CORS rules, comma-separated; "*" matches any text', {
        type: "csv",
        default: "*",
        check: emptyOr((v) => problemOf(parseCorsOrigins(v))),
      }),
      key("api", "root_access", "off: requests signed by the root credentials, its service accounts or its temporary credentials are refused", {
        type: "on|off",
        default: "on",
        check: emptyOr(rootAccessProblem),
      }),
      key("api", "object_max_versions", "versions one object may have; a write that would add one more is refused (MaxVersionsExceeded)", {
        type: "number",
        default: UNLIMITED_VERSIONS,
        check: emptyOr((v) => problemOf(parseMaxVersions(v))),
      }),
      comment(),
    ],
    minioOnly: MINIO_ONLY_API_KEYS,
  },
  {
    name: "compression",
    description: "transparent S2 compression of new objects whose name or content type matches; applied when the server starts",
    keys: [
      key("compression", "enable", "on: matching objects (over 4 KiB, not already compressed types) are stored compressed", {
        type: "on|off",
        default: "off",
        check: onOff,
        storeAs: "MINIO_COMPRESS_ENABLE",
        readBy: ["MINIO_COMPRESS", "MINIO_COMPRESS_ENABLE"],
      }),
      key("compression", "allow_encryption", "on: encrypted objects are compressed too (then padded, as MinIO pads them)", {
        type: "on|off",
        default: "off",
        check: onOff,
        storeAs: "MINIO_COMPRESS_ALLOW_ENCRYPTION",
        readBy: ["MINIO_COMPRESS_ALLOW_ENCRYPTION"],
      }),
      key("compression", "extensions", 'object name endings to compress, comma-separated, e.g. ".txt,.log"', {
        type: "csv",
        default: ".txt,.log,.csv,.json,.tar,.xml,.bin",
        storeAs: "MINIO_COMPRESS_EXTENSIONS",
        readBy: ["MINIO_COMPRESS_EXTENSIONS"],
      }),
      key("compression", "mime_types", 'content types to compress, comma-separated, "*" a wildcard, e.g. "text/*"', {
        type: "csv",
        default: "text/*,application/json,application/xml,binary/octet-stream",
        storeAs: "MINIO_COMPRESS_MIME_TYPES",
        readBy: ["MINIO_COMPRESS_MIMETYPES", "MINIO_COMPRESS_MIME_TYPES"],
      }),
      comment(),
    ],
  },
  {
    name: "identity_openid",
    description: "the OpenID Connect provider STS AssumeRoleWithWebIdentity trusts (one provider)",
    keys: [
      flag("identity_openid", "enable", "enable the provider (on when config_url or client_id is set)"),
      key("identity_openid", "config_url", "the provider's .well-known/openid-configuration URL", { type: "url", required: true }),
      key("identity_openid", "client_id", "the client id tokens must be issued to (aud or azp)", { required: true }),
      key("identity_openid", "client_secret", "the client's secret", { secret: true }),
      key("identity_openid", "claim_name", "the token claim naming its policies", { default: "policy" }),
      key("identity_openid", "claim_prefix", "a prefix put before claim_name"),
      key("identity_openid", "role_policy", "policies every token of this provider gets (role-policy mode), comma-separated", { type: "csv" }),
      key("identity_openid", "scopes", "scopes a login asks for, comma-separated", { type: "csv" }),
      key("identity_openid", "display_name", "name of the provider shown to people"),
      key("identity_openid", "redirect_uri", "redirect URI of a login flow", { type: "url" }),
      comment(),
    ],
  },
  {
    name: "identity_ldap",
    description: "the LDAP directory STS AssumeRoleWithLDAPIdentity checks logins against",
    keys: [
      flag("identity_ldap", "enable", "enable LDAP logins (on when server_addr is set)", [
        "BUNKER_IDENTITY_LDAP_ENABLE",
        "MINIO_IDENTITY_LDAP_ENABLE",
        "BUNKER_IDENTITY_LDAP_ENABLED",
        "MINIO_IDENTITY_LDAP_ENABLED",
      ]),
      key("identity_ldap", "server_addr", 'the directory\'s "host:port" (port 636 when none)', { type: "address", required: true }),
      flag("identity_ldap", "server_insecure", "plain LDAP, no TLS"),
      flag("identity_ldap", "server_starttls", "LDAP upgraded with StartTLS"),
      flag("identity_ldap", "tls_skip_verify", "accept any server certificate"),
      key("identity_ldap", "lookup_bind_dn", "DN of the read-only account that looks up users and groups", { required: true }),
      key("identity_ldap", "lookup_bind_password", "password of the lookup account", { secret: true }),
      key("identity_ldap", "user_dn_search_base_dn", 'where users are searched, ";"-separated base DNs', { type: "list", required: true }),
      key("identity_ldap", "user_dn_search_filter", 'the user search filter, %s the login name, e.g. "(uid=%s)"', { required: true }),
      key("identity_ldap", "user_dn_attributes", "user attributes copied into the session, comma-separated", { type: "list" }),
      key("identity_ldap", "group_search_base_dn", 'where groups are searched, ";"-separated base DNs', { type: "list" }),
      key("identity_ldap", "group_search_filter", 'the group search filter, %s the login name and %d the user DN, e.g. "(member=%d)"'),
      comment(),
    ],
  },
];

/** MinIO's other subsystems: their entries in a config.json are kept, never applied. */
export const MINIO_ONLY_SUBSYSTEMS: ReadonlySet<string> = new Set([
  "credentials",
  "policy_opa",
  "policy_plugin",
  "identity_tls",
  "identity_plugin",
  "cache",
  "etcd",
  "logger_webhook",
  "audit_webhook",
  "audit_kafka",
  "scanner",
  "crawler",
  "subnet",
  "callhome",
  "ilm",
  "batch",
  "browser",
  "drive",
  "lambda_webhook",
  "kms_vault",
  "kms_kes",
  "notify_kafka",
  "notify_mqtt",
  "notify_mysql",
  "notify_nats",
  "notify_nsq",
  "notify_elasticsearch",
  "notify_amqp",
  "notify_postgres",
  "notify_redis",
  "notify_webhook",
]);

/** The honoured subsystem of that name. */
export function subsystemOf(name: string): SubsystemSpec | undefined {
  return SUBSYSTEMS.find((s) => s.name === name);
}
