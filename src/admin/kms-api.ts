// MinIO's KMS admin calls (mc admin kms …, madmin's KMS* and *Key* calls) for the server's own KMS:
// /minio/kms/v1/<call> as madmin-go sends them, and the older /minio/admin/v3/kms/{status,key/status,
// key/create} older mc sends. Status, key status, version and (built-in key) key list are served;
// calls this KMS cannot do answer NotImplemented, never a silent success.
import { BuiltinKms, CryptoError, KesKms, type Kms } from "../crypto/index.ts";
import { AdminError } from "./admin-error.ts";
import { emptyAdminResponse, jsonResponse, requireParam, type AdminRequest } from "./admin-request.ts";
import type { AdminRoute } from "./iam-routes.ts";

export interface KmsApiDeps {
  /** The server's KMS; undefined: every KMS call answers NotImplemented (no KMS), as MinIO does. */
  kms: Kms | undefined;
  /** One client per KES endpoint for the status call (server-kms.ts builds them); default: the KMS itself. */
  kesEndpoints?: readonly KesKms[];
}

/** madmin.ItemState. */
export type KmsEndpointState = "online" | "offline";

/** madmin.KMSStatus. */
export interface KmsStatus {
  /** The KMS's kind as MinIO names it: "MinIO builtin" or "MinIO KES". */
  name: string;
  /** The key data keys are made with when no key is named. */
  "default-key-id": string;
  /** Each endpoint's URL (the built-in key: "127.0.0.1") → whether it answers. */
  endpoints: Record<string, KmsEndpointState>;
}

/** madmin.KMSKeyStatus: the error fields are present only when that step failed. */
export interface KmsKeyStatus {
  "key-id": string;
  "encryption-error"?: string;
  "decryption-error"?: string;
}

/** The context of the throw-away data key a key-status call makes and opens. */
const KEY_STATUS_CONTEXT = { "bunker admin API": "KMS key status check" };

/** The paths older clients call under /minio/admin/v3/ (all the others are /minio/kms/v1/ only). */
export const V3_KMS_CALLS: ReadonlySet<string> = new Set(["kms/status", "kms/key/status", "kms/key/create"]);

function configured(deps: KmsApiDeps): Kms {
  if (!deps.kms) throw new AdminError("NotImplemented", "KMS is not configured: set MINIO_KMS_SECRET_KEY or MINIO_KMS_KES_* to use the KMS calls", 501);
  return deps.kms;
}

/** Whether one KES endpoint answers: any HTTP answer (even a refusal of this client) means it is up. */
async function kesState(client: KesKms): Promise<KmsEndpointState> {
  try {
    await client.status();
    return "online";
  } catch (err) {
    if (err instanceof CryptoError && err.kind === "Unavailable") return "offline";
    return "online";
  }
}

/** The status answer; KES endpoints are asked in parallel, each on its own. */
export async function kmsStatus(deps: KmsApiDeps): Promise<KmsStatus> {
  const kms = configured(deps);
  if (!(kms instanceof KesKms)) return { name: kmsName(kms), "default-key-id": kms.keyId, endpoints: { "127.0.0.1": "online" } };
  const endpoints: Record<string, KmsEndpointState> = {};
  if (deps.kesEndpoints) {
    const states = await Promise.all(deps.kesEndpoints.map(kesState));
    deps.kesEndpoints.forEach((c, i) => {
      for (const e of c.endpoints) endpoints[e] = states[i];
    });
  } else {
    // One client for all endpoints: the one that answers is online; all are offline when none does.
    const answer = await kms.status().then(
      (s) => s.endpoint,
      (err: unknown) => err,
    );
    if (typeof answer === "string") endpoints[answer] = "online";
    else for (const e of kms.endpoints) endpoints[e] = answer instanceof CryptoError && answer.kind === "Unavailable" ? "offline" : "online";
  }
  return { name: kmsName(kms), "default-key-id": kms.keyId, endpoints };
}

function kmsName(kms: Kms): string {
  if (kms instanceof KesKms) return "MinIO KES";
  if (kms instanceof BuiltinKms) return "MinIO builtin";
  return kms.constructor.name;
}

/** Makes a data key with the key and opens it again; failures are reported as their messages (never key material). */
export async function kmsKeyStatus(kms: Kms, keyId: string): Promise<KmsKeyStatus> {
  let made: Awaited<ReturnType<Kms["generateKey"]>>;
  try {
    made = await kms.generateKey(KEY_STATUS_CONTEXT, keyId);
  } catch (err) {
    return { "key-id": keyId, "encryption-error": messageOf(err) };
  }
  let opened: Uint8Array;
  try {
    opened = await kms.decrypt(keyId, made.ciphertext, KEY_STATUS_CONTEXT);
  } catch (err) {
    return { "key-id": keyId, "decryption-error": messageOf(err) };
  }
  if (!Buffer.from(opened).equals(Buffer.from(made.plaintext))) {
    return { "key-id": keyId, "decryption-error": "The decrypted data key differs from the one the KMS made" };
  }
  return { "key-id": keyId };
}

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** A KMS failure outside the key-status check, as madmin JSON. */
function kmsFailure(err: unknown, what: string): unknown {
  if (!(err instanceof CryptoError)) return err;
  if (err.kind === "Unavailable") return new AdminError("XMinioKMSUnavailable", err.message, 503);
  if (err.kind === "Denied") return new AdminError("kms:NotAuthorized", err.message, 403);
  return new AdminError("InternalError", `Cannot ${what}: ${err.message}`, 500);
}

async function version(deps: KmsApiDeps): Promise<Response> {
  const kms = configured(deps);
  if (!(kms instanceof KesKms)) return jsonResponse({ version: "v1" }); // MinIO's answer for its built-in key
  const status = await kms.status().catch((err: unknown) => {
    throw kmsFailure(err, "read the KES server's version");
  });
  const v = status.state.version;
  return jsonResponse({ version: typeof v === "string" ? v : "" });
}

async function createKey(ctx: AdminRequest, deps: KmsApiDeps): Promise<Response> {
  const kms = configured(deps);
  const keyId = requireParam(ctx, "key-id");
  if (!(kms instanceof KesKms)) {
    throw new AdminError(
      "NotImplemented",
      `The built-in KMS key (MINIO_KMS_SECRET_KEY) is the one key "${kms.keyId}"; it cannot create key "${keyId}": use KES for more keys`,
      501,
    );
  }
  const made = await kms.createKey(keyId).catch((err: unknown) => {
    throw kmsFailure(err, `create KES key "${keyId}"`);
  });
  if (made === "exists") throw new AdminError("kms:KeyAlreadyExists", `KES key "${keyId}" already exists`, 409);
  return emptyAdminResponse();
}

/** The built-in key lists itself (a pattern is a prefix, "*" or "" all); KES's listing is not spoken. */
function listKeys(ctx: AdminRequest, deps: KmsApiDeps): Response {
  const kms = configured(deps);
  if (kms instanceof KesKms) throw unserved(deps, "key/list");
  const prefix = (ctx.query.get("pattern") ?? "").replace(/\*$/, "");
  return jsonResponse(kms.keyId.startsWith(prefix) ? [{ name: kms.keyId, createdAt: "", createdBy: "" }] : []);
}

/** NotImplemented for a call this server's KMS cannot serve, saying why. */
function unserved(deps: KmsApiDeps, call: string): AdminError {
  const kms = configured(deps);
  const why =
    kms instanceof KesKms
      ? `this server does not forward it to KES; use the kes CLI against ${kms.endpoints.join(", ")}`
      : `the built-in KMS key (MINIO_KMS_SECRET_KEY) is one static key "${kms.keyId}" without keys, policies or identities to manage`;
  return new AdminError("NotImplemented", `The KMS call ${call} is not implemented: ${why}`, 501);
}

/** The KMS calls by their path after /minio/kms/v1/ (or /minio/admin/v3/), prefixed "kms/". */
export function kmsRoutes(deps: KmsApiDeps): Record<string, AdminRoute> {
  const no = (call: string, method: string, action: string, why?: string): [string, AdminRoute] => [
    `kms/${call}`,
    {
      method,
      action,
      handle: async () => {
        configured(deps);
        throw why ? new AdminError("NotImplemented", `The KMS call ${call} is not implemented: ${why}`, 501) : unserved(deps, call);
      },
    },
  ];
  return {
    // POST is what older MinIO routed /minio/admin/v3/kms/status as.
    "kms/status": { method: ["GET", "POST"], action: "kms:Status", handle: async () => jsonResponse(await kmsStatus(deps)) },
    "kms/key/status": {
      method: "GET",
      action: "kms:KeyStatus",
      handle: async (ctx) => {
        const kms = configured(deps);
        return jsonResponse(await kmsKeyStatus(kms, ctx.query.get("key-id") || kms.keyId));
      },
    },
    "kms/version": { method: "GET", action: "kms:Version", handle: () => version(deps) },
    "kms/key/create": { method: "POST", action: "kms:CreateKey", handle: (ctx) => createKey(ctx, deps) },
    "kms/key/list": { method: "GET", action: "kms:ListKeys", handle: async (ctx) => listKeys(ctx, deps) },
    ...Object.fromEntries([
      no("apis", "GET", "kms:API", "this server does not list its KMS's API"),
      no("metrics", "GET", "kms:Metrics", "this server keeps no KMS request counters"),
      no("key/import", "POST", "kms:ImportKey"),
      no("key/delete", "DELETE", "kms:DeleteKey"),
      no("policy/set", "POST", "kms:SetPolicy"),
      no("policy/assign", "POST", "kms:AssignPolicy"),
      no("policy/describe", "GET", "kms:DescribePolicy"),
      no("policy/get", "GET", "kms:GetPolicy"),
      no("policy/list", "GET", "kms:ListPolicies"),
      no("policy/delete", "DELETE", "kms:DeletePolicy"),
      no("identity/describe", "GET", "kms:DescribeIdentity"),
      no("identity/describe-self", "GET", "kms:DescribeSelfIdentity"),
      no("identity/list", "GET", "kms:ListIdentities"),
      no("identity/delete", "DELETE", "kms:DeleteIdentity"),
    ]),
  };
}
