// The LDAP directory as MinIO uses it (through ldapts): bind as the lookup account, find the one
// user entry a login name matches (the name escaped per RFC 4515), bind as that entry with the
// given password, and list its groups; one connection per question, always closed, with timeouts.
import { Client, ResultCodeError, type Entry } from "ldapts";
import { dnKey, formatDn, isUnderDn, parseDn, type ParsedDn } from "../util/index.ts";
import { IamError } from "./iam-error.ts";

/** What the directory needs of the configuration (config's LdapConfig has this shape). */
export interface LdapDirectoryConfig {
  host: string;
  port: number;
  transport: "ldaps" | "starttls" | "plain";
  tlsSkipVerify: boolean;
  lookupBindDN: string;
  lookupBindPassword: () => string;
  userDNSearchBaseDNs: readonly string[];
  userDNSearchFilter: string;
  userDNAttributes: readonly string[];
  groupSearchBaseDNs: readonly string[];
  groupSearchFilter: string;
}

export interface LdapDirectoryOptions {
  /** Certificates (PEM) trusted for the server's, instead of the system's. */
  ca?: string[];
  connectTimeoutMs?: number;
  /** Per LDAP operation (MinIO: 30 s). */
  timeoutMs?: number;
}

/** A user the directory vouched for. */
export interface LdapUser {
  /** Normalized DN (the name policies are mapped to). */
  dn: string;
  /** The DN as the server wrote it. */
  actualDN: string;
  /** Normalized DNs of its groups. */
  groups: string[];
  /** The configured user attributes that the entry has. */
  attributes: Record<string, string[]>;
}

/** An assertion value escaped for a filter (RFC 4515 §3): `*`, `(`, `)`, `\` and NUL become \XX. */
export function escapeFilterValue(value: string): string {
  return value.replace(/[\\*()\u0000]/g, (c) => `\\${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}

/** A filter template with %s (login name) and %d (user DN) replaced by their escaped values. */
export function fillFilter(template: string, username: string, userDN = ""): string {
  return template.replace(/%[sd]/g, (p) => escapeFilterValue(p === "%s" ? username : userDN));
}

/** LDAP's "no such object" (a missing base DN) and "invalid credentials" result codes. */
const NO_SUCH_OBJECT = 32;
const INVALID_CREDENTIALS = 49;
const MAX_NAME_BYTES = 1024;

function parsedOrThrow(dn: string, what: string): ParsedDn {
  const parsed = parseDn(dn);
  if (typeof parsed === "string") throw new IamError("LdapUnavailable", `The LDAP server returned a ${what} DN that does not parse: "${dn}" (${parsed})`);
  return parsed;
}

export class LdapDirectory {
  readonly #userBases: ParsedDn[];
  readonly #groupBases: ParsedDn[];

  constructor(
    readonly config: LdapDirectoryConfig,
    readonly options: LdapDirectoryOptions = {},
  ) {
    this.#userBases = config.userDNSearchBaseDNs.map((b) => parsedOrThrow(b, "base"));
    this.#groupBases = config.groupSearchBaseDNs.map((b) => parsedOrThrow(b, "base"));
  }

  get #where(): string {
    return `${this.config.host.includes(":") ? `[${this.config.host}]` : this.config.host}:${this.config.port}`;
  }

  /** Whether groups are looked up at all. */
  get hasGroups(): boolean {
    return this.#groupBases.length > 0 && this.config.groupSearchFilter !== "";
  }

  /** Whether `dn` lies under a user search base. */
  isUserDN(dn: ParsedDn): boolean {
    return this.#userBases.some((b) => isUnderDn(dn, b));
  }

  /** Whether `dn` lies under a group search base. */
  isGroupDN(dn: ParsedDn): boolean {
    return this.#groupBases.some((b) => isUnderDn(dn, b));
  }

  /** Runs `fn` on a fresh connection bound as the lookup account; the connection is closed after. */
  async #session<T>(fn: (client: Client) => Promise<T>): Promise<T> {
    const { transport, tlsSkipVerify } = this.config;
    const tlsOptions = { rejectUnauthorized: !tlsSkipVerify, ...(this.options.ca ? { ca: this.options.ca } : {}) };
    const client = new Client({
      url: `${transport === "ldaps" ? "ldaps" : "ldap"}://${this.#where}`,
      connectTimeout: this.options.connectTimeoutMs ?? 10_000,
      timeout: this.options.timeoutMs ?? 30_000,
      tlsOptions: transport === "ldaps" ? tlsOptions : undefined,
    });
    try {
      if (transport === "starttls") await client.startTLS(tlsOptions).catch((err) => this.#unavailable(err, "StartTLS failed"));
      await this.#lookupBind(client);
      return await fn(client);
    } finally {
      await client.unbind().catch(() => {});
    }
  }

  #unavailable(err: unknown, what: string): never {
    if (err instanceof IamError) throw err;
    const reason = err instanceof Error ? err.message || err.constructor.name : String(err);
    throw new IamError("LdapUnavailable", `${what} (LDAP server ${this.#where}): ${reason}`, { cause: err });
  }

  async #lookupBind(client: Client): Promise<void> {
    const { lookupBindDN } = this.config;
    try {
      await client.bind(lookupBindDN, this.config.lookupBindPassword());
    } catch (err) {
      if (err instanceof ResultCodeError && err.code === INVALID_CREDENTIALS)
        throw new IamError("LdapUnavailable", `The LDAP server ${this.#where} refused the lookup account "${lookupBindDN}": invalid credentials`, {
          cause: err,
        });
      this.#unavailable(err, `Cannot bind as the lookup account "${lookupBindDN}"`);
    }
  }

  /** Entries matching `filter` under each base (a missing base DN is the operator's error, said clearly). */
  async #search(client: Client, bases: readonly string[], filter: string, attributes: string[]): Promise<Entry[]> {
    const out: Entry[] = [];
    for (const base of bases) {
      try {
        out.push(...(await client.search(base, { scope: "sub", filter, attributes, derefAliases: "never" })).searchEntries);
      } catch (err) {
        if (err instanceof ResultCodeError && err.code === NO_SUCH_OBJECT)
          throw new IamError("LdapUnavailable", `The search base DN "${base}" does not exist on ${this.#where}`);
        this.#unavailable(err, `The LDAP search under "${base}" failed`);
      }
    }
    return out;
  }

  /** The one entry `username` names; null when none does; several are a directory or filter error. */
  async #findUsername(client: Client, username: string): Promise<Entry | null> {
    const attrs = this.config.userDNAttributes.length > 0 ? [...this.config.userDNAttributes] : ["1.1"];
    const found = await this.#search(client, this.config.userDNSearchBaseDNs, fillFilter(this.config.userDNSearchFilter, username), attrs);
    if (found.length > 1) throw new IamError("LdapAuthFailed", `Several LDAP entries match the login name "${username}"; fix the user search filter`);
    return found[0] ?? null;
  }

  async #groupsOf(client: Client, username: string, userDN: string): Promise<string[]> {
    if (!this.hasGroups) return [];
    const filter = fillFilter(this.config.groupSearchFilter, username, userDN);
    const entries = await this.#search(client, this.config.groupSearchBaseDNs, filter, ["1.1"]);
    return [...new Set(entries.map((e) => formatDn(parsedOrThrow(e.dn, "group"))))].sort();
  }

  #attributes(entry: Entry): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const name of this.config.userDNAttributes) {
      const key = Object.keys(entry).find((k) => k.toLowerCase() === name.toLowerCase());
      const v = key === undefined ? undefined : entry[key];
      if (v !== undefined) out[name] = (Array.isArray(v) ? v : [v]).map((x) => (typeof x === "string" ? x : x.toString("utf8")));
    }
    return out;
  }

  /**
   * Checks a login: the name must match exactly one entry and the password must bind as it. An
   * empty password is refused before any bind (LDAP would take it as an unauthenticated bind).
   */
  async authenticate(username: string, password: string): Promise<LdapUser> {
    if (username === "" || password === "") throw new IamError("InvalidArgument", "An LDAP login needs a user name and a password");
    if (Buffer.byteLength(username) > MAX_NAME_BYTES) throw new IamError("InvalidArgument", `An LDAP user name is at most ${MAX_NAME_BYTES} bytes`);
    const refused = () => new IamError("LdapAuthFailed", "LDAP authentication failed: unknown user name or wrong password");
    return this.#session(async (client) => {
      const entry = await this.#findUsername(client, username);
      if (!entry) throw refused();
      const parsed = parsedOrThrow(entry.dn, "user");
      try {
        await client.bind(entry.dn, password);
      } catch (err) {
        if (err instanceof ResultCodeError) throw refused();
        this.#unavailable(err, "Cannot check the password");
      }
      // Groups are searched as the lookup account, which may read more than the user can.
      await this.#lookupBind(client);
      return { dn: formatDn(parsed), actualDN: entry.dn, groups: await this.#groupsOf(client, username, entry.dn), attributes: this.#attributes(entry) };
    });
  }

  /** The normalized DN of an existing entry `dn`, or null when the server has none. */
  async #lookupDN(client: Client, dn: string): Promise<string | null> {
    try {
      const { searchEntries } = await client.search(dn, { scope: "base", filter: "(objectClass=*)", attributes: ["1.1"] });
      return searchEntries[0] ? formatDn(parsedOrThrow(searchEntries[0].dn, "user")) : null;
    } catch (err) {
      if (err instanceof ResultCodeError && err.code === NO_SUCH_OBJECT) return null;
      this.#unavailable(err, `Cannot look up "${dn}"`);
    }
  }

  /**
   * The normalized DN of a user named by login name or by DN (a DN under a user search base is
   * looked up as is); null when the directory has no such user.
   */
  async findUser(nameOrDN: string): Promise<string | null> {
    if (nameOrDN === "" || Buffer.byteLength(nameOrDN) > MAX_NAME_BYTES) throw new IamError("InvalidArgument", `Invalid LDAP user "${nameOrDN}"`);
    const parsed = parseDn(nameOrDN);
    const asDN = typeof parsed !== "string" && parsed.length > 0 && this.isUserDN(parsed);
    return this.#session(async (client) => {
      if (asDN) return this.#lookupDN(client, formatDn(parsed));
      const entry = await this.#findUsername(client, nameOrDN);
      return entry ? formatDn(parsedOrThrow(entry.dn, "user")) : null;
    });
  }

  /** The normalized DN of group `dn`, or null when it is not under a group search base or does not exist. */
  async findGroup(dn: string): Promise<string | null> {
    if (!this.hasGroups) throw new IamError("InvalidArgument", "No LDAP group search is configured (MINIO_IDENTITY_LDAP_GROUP_SEARCH_BASE_DN)");
    const parsed = parseDn(dn);
    if (typeof parsed === "string" || parsed.length === 0) throw new IamError("InvalidArgument", `"${dn}" is not a group DN`);
    if (!this.isGroupDN(parsed)) return null;
    return this.#session((client) => this.#lookupDN(client, formatDn(parsed)));
  }

  /** A key for comparing names: the normalized DN lower-cased, or the text itself when it is not a DN. */
  static keyOf(name: string): string {
    const parsed = parseDn(name);
    return typeof parsed === "string" || parsed.length === 0 ? name : dnKey(parsed);
  }
}
