// The server-configuration calls madmin makes (mc admin config …): get-config-kv, set-config-kv,
// del-config-kv, help-config-kv and the whole configuration (GET/PUT config), all under
// admin:ConfigUpdate as in MinIO. Bodies and answers are encrypted with the caller's secret, except help.
import { madminEncrypt } from "../crypto/index.ts";
import { AdminError } from "./admin-error.ts";
import { decryptedBody, emptyAdminResponse, jsonResponse, type AdminRequest } from "./admin-request.ts";
import type { AdminRoute } from "./iam-routes.ts";

/** madmin.HelpKV, field for field (madmin decodes help with DisallowUnknownFields). */
export interface ConfigHelpKey {
  key: string;
  description: string;
  optional: boolean;
  type: string;
  multipleTargets: boolean;
}

/** madmin.Help. */
export interface ConfigHelp {
  subSys: string;
  description: string;
  multipleTargets: boolean;
  keysHelp: ConfigHelpKey[];
}

/**
 * The stored server configuration (server.ts builds it over config/config.json). Every method
 * throws AdminError for what the caller got wrong; a change is stored for the next start.
 */
export interface ConfigKvApi {
  /** KV text of one subsystem (or of those a prefix names); `withEnv` adds the variables that override stored values. */
  get(key: string, withEnv: boolean): Promise<string>;
  /** Sets the keys of one or more `subsys key=value …` lines. */
  set(text: string): Promise<void>;
  /** Removes `subsys[:target]` entries (or `subsys key …` keys). */
  delete(text: string): Promise<void>;
  help(subSys: string, key: string, envOnly: boolean): ConfigHelp;
  /** The whole stored configuration as KV text. */
  getAll(): Promise<string>;
  /** Replaces the honoured subsystems with the text's. */
  setAll(text: string): Promise<void>;
}

/** MinIO's limit on an encrypted configuration body (256 KiB of text plus madmin's framing). */
const MAX_ENCRYPTED_BODY = 262_272;

const ACTION = "admin:ConfigUpdate";

/** The decrypted body as text; too large, undecryptable or not UTF-8 is refused as MinIO refuses it. */
async function bodyText(ctx: AdminRequest): Promise<string> {
  if (ctx.body.length > MAX_ENCRYPTED_BODY) {
    throw new AdminError("XMinioAdminConfigTooLarge", `Configuration data provided exceeds the allowed maximum of ${MAX_ENCRYPTED_BODY} bytes`);
  }
  const plain = await decryptedBody(ctx);
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(plain);
  } catch {
    throw new AdminError("XMinioAdminConfigBadJSON", "The configuration text is not UTF-8");
  }
}

/** Text sealed for the caller (madmin.DecryptData reads it). */
async function sealedText(ctx: AdminRequest, text: string): Promise<Response> {
  const sealed = await madminEncrypt(ctx.secretKey, new TextEncoder().encode(text));
  return new Response(sealed, { headers: { "content-type": "application/octet-stream" } });
}

// No x-minio-config-applied header on changes: madmin then reports that a restart applies them.
export function configRoutes(api: ConfigKvApi): Record<string, AdminRoute> {
  return {
    "get-config-kv": {
      method: "GET",
      action: ACTION,
      handle: async (ctx) => {
        const key = ctx.query.get("key") ?? "";
        if (key.trim() === "") throw new AdminError("XMinioConfigError", 'The "key" parameter names the sub-system to show, e.g. storage_class');
        return sealedText(ctx, await api.get(key, ctx.query.has("env")));
      },
    },
    "set-config-kv": {
      method: "PUT",
      action: ACTION,
      handle: async (ctx) => {
        await api.set(await bodyText(ctx));
        return emptyAdminResponse(200);
      },
    },
    "del-config-kv": {
      method: "DELETE",
      action: ACTION,
      handle: async (ctx) => {
        await api.delete(await bodyText(ctx));
        return emptyAdminResponse(200);
      },
    },
    "help-config-kv": {
      method: "GET",
      action: ACTION,
      handle: async (ctx) => jsonResponse(api.help(ctx.query.get("subSys") ?? "", ctx.query.get("key") ?? "", ctx.query.has("env"))),
    },
    config: {
      method: ["GET", "PUT"],
      action: ACTION,
      handle: async (ctx) => {
        if (ctx.req.method === "GET") return sealedText(ctx, await api.getAll());
        await api.setAll(await bodyText(ctx));
        return emptyAdminResponse(200);
      },
    },
  };
}
