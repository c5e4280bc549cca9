// A real OpenLDAP server for tests: Debian's slapd on loopback ports with an mdb database in a
// temp dir (slapd.conf, entries loaded with slapadd), plain LDAP and — when asked — LDAPS and
// StartTLS with a self-signed certificate made by openssl. Stopped by the test that started it.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { freePort } from "./server-process.ts";
import type { TempDirs } from "./temp-dirs.ts";

const SLAPD = "/usr/sbin/slapd";
const SLAPADD = "/usr/sbin/slapadd";
const SCHEMA = "/etc/ldap/schema";
const MODULES = "/usr/lib/ldap";

export const SUFFIX = "dc=example,dc=org";
export const LOOKUP_DN = `cn=lookup,${SUFFIX}`;
export const LOOKUP_PASSWORD = "lookup-secret-pw";

/** Why slapd cannot be run here, or null when it can. */
export function slapdMissing(): string | null {
  if (!existsSync(SLAPD) || !existsSync(SLAPADD)) return "slapd is not installed (apt-get install slapd ldap-utils)";
  if (!existsSync(join(SCHEMA, "inetorgperson.schema"))) return `the OpenLDAP schemas are not in ${SCHEMA}`;
  if (!existsSync(join(MODULES, "back_mdb.so"))) return `the mdb backend is not in ${MODULES}`;
  return null;
}

export interface Slapd {
  /** Plain LDAP on 127.0.0.1 (StartTLS too when started with tls). */
  port: number;
  /** LDAPS port (with tls only). */
  ldapsPort?: number;
  /** The self-signed server certificate, PEM (with tls only). */
  certPem?: string;
  stop(): Promise<void>;
}

/** Entries every test directory starts with: the suffix, the lookup account, people and groups containers. */
export function baseLdif(): string {
  return `dn: ${SUFFIX}
objectClass: dcObject
objectClass: organization
o: Example
dc: example

dn: ${LOOKUP_DN}
objectClass: organizationalRole
objectClass: simpleSecurityObject
cn: lookup
userPassword: ${LOOKUP_PASSWORD}

dn: ou=people,${SUFFIX}
objectClass: organizationalUnit
ou: people

dn: ou=groups,${SUFFIX}
objectClass: organizationalUnit
ou: groups
`;
}

/** A person entry (inetOrgPerson) under ou=people. */
export function personLdif(uid: string, password: string, extra: Record<string, string> = {}, rdn = `uid=${uid}`): string {
  const lines = [
    `dn: ${rdn},ou=people,${SUFFIX}`,
    "objectClass: inetOrgPerson",
    `uid: ${uid}`,
    `cn: ${extra.cn ?? uid}`,
    `sn: ${uid}`,
    `userPassword: ${password}`,
  ];
  for (const [k, v] of Object.entries(extra)) if (k !== "cn") lines.push(`${k}: ${v}`);
  return `${lines.join("\n")}\n`;
}

/** A groupOfNames under ou=groups whose members are people (by uid). */
export function groupLdif(cn: string, memberUids: string[]): string {
  return [
    `dn: cn=${cn},ou=groups,${SUFFIX}`,
    "objectClass: groupOfNames",
    `cn: ${cn}`,
    ...memberUids.map((u) => `member: uid=${u},ou=people,${SUFFIX}`),
    "",
  ].join("\n");
}

function config(dir: string, tls: boolean): string {
  const lines = [
    ...["core", "cosine", "inetorgperson", "nis"].map((s) => `include ${SCHEMA}/${s}.schema`),
    `modulepath ${MODULES}`,
    "moduleload back_mdb",
    `pidfile ${join(dir, "slapd.pid")}`,
    `argsfile ${join(dir, "slapd.args")}`,
    // As some directories do (Active Directory among them): a DN with an empty password is an
    // unauthenticated bind, and succeeds. Bunker must refuse empty passwords itself.
    "allow bind_anon_dn",
  ];
  if (tls) lines.push(`TLSCertificateFile ${join(dir, "cert.pem")}`, `TLSCertificateKeyFile ${join(dir, "key.pem")}`);
  lines.push(
    "database mdb",
    `suffix "${SUFFIX}"`,
    `rootdn "cn=admin,${SUFFIX}"`,
    "rootpw admin-secret-pw",
    `directory ${join(dir, "db")}`,
    "maxsize 16777216",
    // Passwords serve binds only; everything else is readable (the lookup account searches).
    "access to attrs=userPassword by anonymous auth by * none",
    "access to * by * read",
  );
  return `${lines.join("\n")}\n`;
}

async function run(cmd: string[], what: string): Promise<void> {
  const p = Bun.spawn(cmd, { stdout: "pipe", stderr: "pipe" });
  const [code, out, err] = await Promise.all([p.exited, new Response(p.stdout).text(), new Response(p.stderr).text()]);
  if (code !== 0) throw new Error(`${what} failed (exit ${code}): ${out}${err}`);
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: "127.0.0.1", port }, () => {
      s.destroy();
      resolve(true);
    });
    s.on("error", () => resolve(false));
  });
}

/** Starts slapd with `ldif` (after baseLdif()) loaded; tls adds a certificate, LDAPS and StartTLS. */
export async function startSlapd(temp: TempDirs, ldif: string, opts: { tls?: boolean } = {}): Promise<Slapd> {
  const dir = temp.make("bunker-slapd-");
  mkdirSync(join(dir, "db"));
  const tls = opts.tls ?? false;
  if (tls) {
    await run(
      ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"].concat([
        "-keyout",
        join(dir, "key.pem"),
        "-out",
        join(dir, "cert.pem"),
      ]),
      "openssl req",
    );
  }
  writeFileSync(join(dir, "slapd.conf"), config(dir, tls));
  writeFileSync(join(dir, "data.ldif"), `${baseLdif()}\n${ldif}`);
  await run([SLAPADD, "-f", join(dir, "slapd.conf"), "-l", join(dir, "data.ldif")], "slapadd");
  const port = freePort();
  const ldapsPort = tls ? freePort() : undefined;
  const urls = [`ldap://127.0.0.1:${port}/`, ...(ldapsPort ? [`ldaps://127.0.0.1:${ldapsPort}/`] : [])].join(" ");
  const proc = Bun.spawn([SLAPD, "-h", urls, "-f", join(dir, "slapd.conf"), "-d", "0"], { stdout: "ignore", stderr: "pipe" });
  const errors = new Response(proc.stderr).text();
  for (let i = 0; ; i++) {
    if (proc.exitCode !== null) throw new Error(`slapd exited ${proc.exitCode}: ${await errors}`);
    if ((await canConnect(port)) && (!ldapsPort || (await canConnect(ldapsPort)))) break;
    if (i > 200) {
      proc.kill();
      throw new Error(`slapd did not listen on ${urls} within 10 s`);
    }
    await Bun.sleep(50);
  }
  return {
    port,
    ldapsPort,
    certPem: tls ? readFileSync(join(dir, "cert.pem"), "utf8") : undefined,
    async stop() {
      proc.kill();
      await proc.exited;
    },
  };
}
