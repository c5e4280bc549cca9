// The IAM state in memory and its persistence: loads every document under .minio.sys/config/iam/
// (plain JSON, or encrypted as MinIO wrote it: the codec decides), keeps them in maps, and writes
// each change back as the one document it touches.
import { parsePolicy, type BucketPolicy } from "./policy/policy.ts";
import {
  encodeRecord,
  IAM_PREFIX,
  paths,
  policyNames,
  readGroup,
  readIdentity,
  readMapping,
  readPolicyDoc,
  type GroupInfo,
  type IdentityFolder,
  type MappingFolder,
  type UserIdentity,
} from "./iam-records.ts";

/** Where the documents live: the object layer's configuration objects (names relative to .minio.sys). */
export interface IamStorage {
  read(name: string): Promise<Uint8Array | null>;
  write(name: string, data: Uint8Array): Promise<void>;
  remove(name: string): Promise<void>;
  list(prefix: string): Promise<string[]>;
}

/** Turns stored bytes into plain JSON and back (decryption of MinIO's encrypted forms). */
export interface IamCodec {
  decode(bytes: Uint8Array, name: string): Promise<Uint8Array>;
  encode(plain: Uint8Array, name: string): Promise<Uint8Array>;
}

export const PLAIN_CODEC: IamCodec = { decode: async (b) => b, encode: async (b) => b };

/** A canned policy: its document as stored and parsed. */
export interface StoredPolicy {
  text: string;
  parsed: BucketPolicy;
  createDate?: string;
  updateDate?: string;
}

/** Everything IAM knows, keyed as MinIO's folders are. */
export interface IamState {
  identities: Record<IdentityFolder, Map<string, UserIdentity>>;
  groups: Map<string, GroupInfo>;
  policies: Map<string, StoredPolicy>;
  mappings: Record<MappingFolder, Map<string, string[]>>;
}

export function emptyState(): IamState {
  return {
    identities: { users: new Map(), "service-accounts": new Map(), sts: new Map() },
    groups: new Map(),
    policies: new Map(),
    mappings: { users: new Map(), groups: new Map(), "sts-users": new Map(), "service-accounts": new Map() },
  };
}

const IDENTITY_RE = /^config\/iam\/(users|service-accounts|sts)\/(.+)\/identity\.json$/;
const GROUP_RE = /^config\/iam\/groups\/(.+)\/members\.json$/;
const POLICY_RE = /^config\/iam\/policies\/(.+)\/policy\.json$/;
const MAPPING_RE = /^config\/iam\/policydb\/(users|groups|sts-users|service-accounts)\/(.+)\.json$/;

/** Reads `names` with at most `width` reads in flight. */
async function readAll(storage: IamStorage, names: string[], width = 16): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>();
  let next = 0;
  const worker = async () => {
    while (next < names.length) {
      const name = names[next++];
      const bytes = await storage.read(name);
      if (bytes) out.set(name, bytes);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, names.length) }, worker));
  return out;
}

export class IamStore {
  constructor(
    readonly storage: IamStorage,
    readonly codec: IamCodec,
    readonly log: (line: string) => void,
  ) {}

  /** Every document, read afresh; a file that cannot be used is logged and skipped, never fatal. */
  async load(): Promise<IamState> {
    const state = emptyState();
    const names = await this.storage.list(IAM_PREFIX);
    const files = await readAll(this.storage, names);
    for (const [name, raw] of files) {
      try {
        this.#apply(state, name, await this.codec.decode(raw, name));
      } catch (err) {
        this.log(`IAM: skipping ${name}: ${(err as Error).message}`);
      }
    }
    return state;
  }

  #apply(state: IamState, name: string, bytes: Uint8Array): void {
    let m: RegExpExecArray | null;
    if ((m = IDENTITY_RE.exec(name))) {
      state.identities[m[1] as IdentityFolder].set(m[2], readIdentity(name, bytes));
    } else if ((m = GROUP_RE.exec(name))) {
      state.groups.set(m[1], readGroup(name, bytes));
    } else if ((m = POLICY_RE.exec(name))) {
      const doc = readPolicyDoc(name, bytes);
      // Stored documents are read leniently: an action name we do not know matches nothing.
      state.policies.set(m[1], {
        text: doc.policy,
        parsed: parsePolicy(doc.policy, { kind: "identity", lenient: true }),
        createDate: doc.createDate,
        updateDate: doc.updateDate,
      });
    } else if ((m = MAPPING_RE.exec(name))) {
      state.mappings[m[1] as MappingFolder].set(m[2], policyNames(readMapping(name, bytes).policy));
    }
  }

  /** One identity document read from the drives (null: absent or unreadable). */
  async readIdentity(folder: IdentityFolder, accessKey: string): Promise<UserIdentity | null> {
    const name = paths.identity(folder, accessKey);
    const raw = await this.storage.read(name);
    if (!raw) return null;
    try {
      return readIdentity(name, await this.codec.decode(raw, name));
    } catch (err) {
      this.log(`IAM: skipping ${name}: ${(err as Error).message}`);
      return null;
    }
  }

  async #put(name: string, doc: unknown): Promise<void> {
    await this.storage.write(name, await this.codec.encode(encodeRecord(doc), name));
  }

  async ensureFormat(): Promise<void> {
    if (!(await this.storage.read(paths.format))) await this.#put(paths.format, { version: 1 });
  }

  saveIdentity(folder: IdentityFolder, id: UserIdentity): Promise<void> {
    return this.#put(paths.identity(folder, id.credentials.accessKey), id);
  }

  removeIdentity(folder: IdentityFolder, accessKey: string): Promise<void> {
    return this.storage.remove(paths.identity(folder, accessKey));
  }

  saveGroup(name: string, group: GroupInfo): Promise<void> {
    return this.#put(paths.group(name), group);
  }

  removeGroup(name: string): Promise<void> {
    return this.storage.remove(paths.group(name));
  }

  savePolicy(name: string, p: StoredPolicy): Promise<void> {
    return this.#put(paths.policy(name), { Version: 1, Policy: JSON.parse(p.text), CreateDate: p.createDate, UpdateDate: p.updateDate });
  }

  removePolicy(name: string): Promise<void> {
    return this.storage.remove(paths.policy(name));
  }

  /** An empty list removes the mapping file. */
  async saveMapping(folder: MappingFolder, name: string, policies: string[], updatedAt: string): Promise<void> {
    if (policies.length === 0) return this.storage.remove(paths.mapping(folder, name));
    await this.#put(paths.mapping(folder, name), { version: 1, policy: policies.join(","), updatedAt });
  }
}
