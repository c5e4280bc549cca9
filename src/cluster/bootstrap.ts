// Start-up agreement between servers: each node asks every peer for the settings that must be
// identical cluster-wide (drive arguments, root user, storage class, RPC version) and refuses to
// start on a mismatch, naming the node and the setting. Unreachable peers are simply waited for
// (or served without, once the drives reach quorum): a node started alone keeps retrying.
import { RpcError } from "./rpc-error.ts";

/** Setting name → value; secrets are given as digests, never in clear. */
export type ClusterFacts = Readonly<Record<string, string>>;

/** What bootstrap needs of an RPC client (RpcClient fits). */
export interface FactsCaller {
  call<T = unknown>(method: string, args: unknown, opts?: { deadlineMs?: number }): Promise<T>;
}

/** What bootstrap needs of the RPC server (RpcServer fits). */
export interface FactsServer {
  register(method: string, handler: (args: unknown) => Promise<{ value?: unknown }>): void;
}

export const FACTS_METHOD = "bootstrap.facts";

/** Answers peers' questions about our settings. */
export function registerBootstrapService(server: FactsServer, facts: ClusterFacts): void {
  server.register(FACTS_METHOD, async () => ({ value: { ...facts } }));
}

/** The first setting on which `theirs` differs from `ours`, described for the operator; null if none. */
export function factsMismatch(peer: string, ours: ClusterFacts, theirs: Record<string, unknown>): string | null {
  for (const [setting, mine] of Object.entries(ours)) {
    const other = theirs[setting];
    if (other === mine) continue;
    const secret = setting.toLowerCase().includes("digest");
    const detail = secret ? "" : `: it has ${other === undefined ? "none" : JSON.stringify(other)}, this server has ${JSON.stringify(mine)}`;
    return `Server ${peer} runs with a different ${setting}${detail}; every server must be started with the same settings`;
  }
  return null;
}

export type PeerCheck = "agreed" | "unreachable";

/**
 * Asks one peer for its facts. Resolves "agreed" or "unreachable"; rejects with RpcError
 * "Mismatch" when the peer answers with other settings, or refuses our token (other root
 * credentials).
 */
export async function checkPeer(peer: string, client: FactsCaller, ours: ClusterFacts, deadlineMs = 2_000): Promise<PeerCheck> {
  let theirs: Record<string, unknown>;
  try {
    theirs = await client.call<Record<string, unknown>>(FACTS_METHOD, {}, { deadlineMs });
  } catch (err) {
    if (err instanceof RpcError && err.kind === "Unauthorized") {
      throw new RpcError(
        "Mismatch",
        `Server ${peer} refused this server's internode token: its root credentials (MINIO_ROOT_USER / MINIO_ROOT_PASSWORD) differ from this server's`,
        { cause: err },
      );
    }
    if (err instanceof RpcError && err.kind === "Protocol" && /version mismatch/i.test(err.message)) {
      throw new RpcError("Mismatch", `Server ${peer}: ${err.message}`, { cause: err });
    }
    return "unreachable";
  }
  const why = factsMismatch(peer, ours, theirs ?? {});
  if (why) throw new RpcError("Mismatch", why);
  return "agreed";
}
