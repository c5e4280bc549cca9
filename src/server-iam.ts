// IAM's wiring: the IAM system over the object layer's configuration objects, decoding what MinIO
// stored (plain, or encrypted with the root credentials or a KMS key), announcing changes to the
// peers of a cluster, and the credential lookup the S3 verifier asks.
import type { IamApiDeps, UsageCache } from "./admin/index.ts";
import { encryptConfig, readConfigBytes, type Kms } from "./crypto/index.ts";
import { readdirSync, readFileSync } from "node:fs";
import { rootCertificates } from "node:tls";
import { join } from "node:path";
import type { LdapConfig, OpenIdConfig } from "./config/index.ts";
import { DerivedCredentials, IamAdmin, IamSystem, LdapDirectory, LdapPolicies, OpenIdVerifier, PLAIN_CODEC, type IamCodec } from "./iam/index.ts";
import type { ObjectLayer } from "./object/index.ts";
import type { CredentialLookup, StsOpenId } from "./s3/index.ts";

/** Reload IAM from the drives this often even without a peer's notification. */
const RELOAD_EVERY_MS = 5 * 60_000;

export async function startIam(
  store: ObjectLayer,
  root: { accessKey: string; secretKey: string },
  opts: { codec?: IamCodec; onChange?: () => Promise<void> | void; log?: (line: string) => void } = {},
): Promise<IamSystem> {
  const iam = new IamSystem({
    storage: {
      read: (name) => store.readSystem(name),
      write: (name, data) => store.writeSystem(name, data),
      remove: (name) => store.removeSystem(name),
      list: (prefix) => store.listSystem(prefix),
    },
    root,
    codec: opts.codec ?? PLAIN_CODEC,
    onChange: opts.onChange,
    log: opts.log,
    reloadEveryMs: RELOAD_EVERY_MS,
  });
  await iam.start();
  return iam;
}

/**
 * How IAM documents are stored: read as MinIO wrote them (plain JSON; encrypted with the root
 * credentials by 2019–2021 releases; or KMS-encrypted), written KMS-encrypted when a KMS is
 * configured and plain otherwise — as MinIO writes them, so either server reads the other's.
 */
export function iamCodec(root: { accessKey: string; secretKey: string }, kms?: Kms): IamCodec {
  const rootCredential = `${root.accessKey}:${root.secretKey}`;
  return {
    decode: (bytes, name) => readConfigBytes(bytes, { rootCredential, kms, objPath: name }),
    encode: async (plain, name) => (kms ? encryptConfig(kms, plain, name) : plain),
  };
}

/**
 * The S3 verifier's lookup: secrets (and session tokens) of every enabled IAM identity. With root
 * access off (api root_access=off) the root's key, and those acting for the root (its service
 * accounts and temporary credentials), are disabled, as MinIO disables them.
 */
export function iamLookup(iam: IamSystem, opts: { rootAccess?: boolean } = {}): CredentialLookup {
  const rootAccess = opts.rootAccess ?? true;
  return async (accessKey) => {
    const c = await iam.lookupFresh(accessKey);
    if (!c) return null;
    const id = c.identity;
    const forRoot = id.kind === "root" || ((id.kind === "service-account" || id.kind === "sts") && id.parent === iam.rootUser);
    return { secretKey: c.secretKey, sessionToken: c.sessionToken, expired: c.expired, disabled: !rootAccess && forRoot };
  };
}

/** What the admin API's IAM calls act on. */
export function iamAdminDeps(iam: IamSystem, store: ObjectLayer, usage: UsageCache): IamApiDeps {
  return {
    iam,
    admin: new IamAdmin(iam),
    derived: new DerivedCredentials(iam),
    // Sizes from the data-usage walk, as MinIO's accountinfo; before the first walk, up to 10 s for it.
    buckets: async () => {
      const snapshot = usage.snapshot() ?? (await Promise.race([usage.refresh(), Bun.sleep(10_000).then(() => null)]).catch(() => null));
      return (await store.listBuckets()).map((b) => {
        const u = snapshot?.buckets.get(b.name);
        return { name: b.name, created: b.created, size: u?.bytes ?? 0, objects: u?.objects ?? 0 };
      });
    },
  };
}

/**
 * The OpenID provider STS trusts (MINIO_IDENTITY_OPENID_*): its discovery document is read in the
 * background (a provider that is down is tried again), and in role-policy mode the role ARN is
 * printed, as MinIO prints it, for callers to pass as RoleArn.
 */
export function startOpenId(cfg: OpenIdConfig | undefined, log: (line: string) => void): { sts: StsOpenId; stop(): void } | undefined {
  if (!cfg) return undefined;
  const verifier = new OpenIdVerifier({ configUrl: cfg.configUrl, clientId: cfg.clientId, log });
  void verifier.start();
  const role = cfg.roleArn ? { arn: cfg.roleArn, policies: cfg.rolePolicies } : undefined;
  if (role) log(`OpenID role ARN: ${role.arn} (policies ${role.policies.join(",")})`);
  return { sts: { verifier, policyClaim: cfg.policyClaim, role }, stop: () => verifier.stop() };
}

/** The system's trusted roots plus the PEM certificates in certs/CAs (MinIO trusts those for LDAP too); undefined when there are none. */
function trustedCas(caDir: string): string[] | undefined {
  let names: string[];
  try {
    names = readdirSync(caDir).filter((n) => /\.(crt|pem|cer)$/i.test(n));
  } catch {
    return undefined;
  }
  const extra = names.map((n) => readFileSync(join(caDir, n), "utf8")).filter((pem) => pem.includes("-----BEGIN CERTIFICATE-----"));
  return extra.length > 0 ? [...rootCertificates, ...extra] : undefined;
}

/** LDAP logins and policy mappings (MINIO_IDENTITY_LDAP_*), or undefined when no LDAP server is configured. */
export function startLdap(iam: IamSystem, cfg: LdapConfig | undefined, caDir: string, log: (line: string) => void): LdapPolicies | undefined {
  if (!cfg) return undefined;
  const scheme = cfg.transport === "ldaps" ? "ldaps" : cfg.transport === "starttls" ? "ldap+StartTLS" : "ldap (plain)";
  log(`LDAP: logins are checked against ${scheme}://${cfg.serverAddr}${cfg.tlsSkipVerify && cfg.transport !== "plain" ? " (certificate not verified)" : ""}`);
  return new LdapPolicies(iam, new LdapDirectory(cfg, { ca: trustedCas(caDir) }));
}
