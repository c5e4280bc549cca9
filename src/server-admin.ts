// The admin API's wiring: who calls it (a SigV4 request signed by any IAM identity, checked by the
// S3 layer's verifier, body hash included; the API then asks IAM whether the caller may make the
// call) and the pool calls, which act on the local store or, in a cluster, on the server that
// runs the pool's drain (its first drive's server).
import { AdminError, type AdminCaller, type PoolAdmin, type PoolView } from "./admin/index.ts";
import type { IamSystem } from "./iam/index.ts";
import { isRpcError, poolReport, rpcPools, type PoolService } from "./cluster/index.ts";
import type { Authenticator } from "./s3/index.ts";
import type { Cluster } from "./server-cluster.ts";

/** Admin request bodies are small JSON documents (the pool calls have none). */
const MAX_ADMIN_BODY = 1 << 20;

/** The whole body of an admin request, refused past MAX_ADMIN_BODY without reading it all. */
async function smallBody(req: Request): Promise<Uint8Array> {
  if (Number(req.headers.get("content-length") ?? 0) > MAX_ADMIN_BODY || !req.body) {
    if (req.body) throw new AdminError("XMinioAdminInvalidArgument", "The request body is too large");
    return new Uint8Array(0);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of req.body) {
    total += chunk.length;
    if (total > MAX_ADMIN_BODY) throw new AdminError("XMinioAdminInvalidArgument", "The request body is too large");
    chunks.push(chunk);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

/** Authenticates admin requests: SigV4 by a known identity, with the payload hash it signed checked. */
export function adminAuthenticator(auth: Authenticator, iam: IamSystem): (req: Request, url: URL) => Promise<AdminCaller> {
  return async (req, url) => {
    let result;
    try {
      result = await auth.authenticate(req, url);
    } catch (err) {
      const e = err as { code?: string; message?: string; status?: number };
      throw new AdminError(e.code ?? "AccessDenied", e.message, e.status ?? 403);
    }
    if (result.kind !== "signed" || result.version !== 4)
      throw new AdminError("AccessDenied", "Admin API requests must be signed with AWS Signature Version 4");
    const credential = await iam.lookupFresh(result.accessKey);
    if (!credential) throw new AdminError("InvalidAccessKeyId");
    const body = await smallBody(req);
    if (result.payload.mode === "sha256" && new Bun.CryptoHasher("sha256").update(body).digest("hex") !== result.payload.expected) {
      throw new AdminError("XAmzContentSHA256Mismatch", "The provided 'x-amz-content-sha256' header does not match what was computed.", 400);
    }
    if (result.payload.mode !== "sha256" && result.payload.mode !== "unsigned") {
      throw new AdminError("XMinioAdminInvalidArgument", "Admin API requests do not take aws-chunked bodies");
    }
    return { identity: credential.identity, secretKey: credential.secretKey, body };
  };
}

/** Pool calls on this server's store, carried to the drain's server in a cluster. */
export function poolAdmin(store: PoolService & { pools: readonly unknown[] }, cluster?: Cluster): PoolAdmin {
  /** The RPC client of the server running pool `index`'s drain (undefined: this server). */
  const runner = (index: number) => (cluster ? cluster.clients[cluster.topology.pools[index][0].node] : undefined);
  const unreachable = (index: number, err: unknown): never => {
    const name = cluster?.topology.nodes[cluster.topology.pools[index][0].node].name;
    throw new AdminError("ServiceUnavailable", `Pool ${index + 1}'s decommission runs on ${name}, which did not answer: ${(err as Error).message}`);
  };
  const remote = async <T>(index: number, call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (err) {
      if (isRpcError(err)) unreachable(index, err);
      throw err;
    }
  };
  return {
    async list(): Promise<PoolView[]> {
      return Promise.all(
        store.pools.map(async (_, i) => {
          const client = runner(i);
          if (!client) return poolReport(store, i);
          // The runner holds the live counters; if it is away, what the drives last recorded.
          return rpcPools.status(client, i).catch(() => poolReport(store, i));
        }),
      );
    },
    async start(index) {
      const client = runner(index);
      if (!client) return store.beginDecommission(index);
      await remote(index, () => rpcPools.start(client, index));
    },
    async cancel(index) {
      const client = runner(index);
      if (!client) return store.cancelDecommission(index);
      await remote(index, () => rpcPools.cancel(client, index));
    },
  };
}
