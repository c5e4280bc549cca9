// IAM's wiring: the IAM system over the object layer's configuration objects, decoding what MinIO
// stored (plain, or encrypted with the root credentials or a KMS key), announcing changes to the
// peers of a cluster, and the credential lookup the S3 verifier asks.
import type { IamApiDeps } from "./admin/index.ts";
import { encryptConfig, readConfigBytes, type BuiltinKms } from "./crypto/index.ts";
import { DerivedCredentials, IamAdmin, IamSystem, PLAIN_CODEC, type IamCodec } from "./iam/index.ts";
import type { ObjectLayer } from "./object/index.ts";
import type { CredentialLookup } from "./s3/index.ts";

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
export function iamCodec(root: { accessKey: string; secretKey: string }, kms?: BuiltinKms): IamCodec {
  const rootCredential = `${root.accessKey}:${root.secretKey}`;
  return {
    decode: (bytes, name) => readConfigBytes(bytes, { rootCredential, kms, objPath: name }),
    encode: async (plain, name) => (kms ? encryptConfig(kms, plain, name) : plain),
  };
}

/** The S3 verifier's lookup: secrets (and session tokens) of every enabled IAM identity. */
export function iamLookup(iam: IamSystem): CredentialLookup {
  return async (accessKey) => {
    const c = await iam.lookupFresh(accessKey);
    return c ? { secretKey: c.secretKey, sessionToken: c.sessionToken, expired: c.expired } : null;
  };
}

/** What the admin API's IAM calls act on. */
export function iamAdminDeps(iam: IamSystem, store: ObjectLayer): IamApiDeps {
  return {
    iam,
    admin: new IamAdmin(iam),
    derived: new DerivedCredentials(iam),
    buckets: async () => (await store.listBuckets()).map((b) => ({ name: b.name, created: b.created, size: 0, objects: 0 })),
  };
}
