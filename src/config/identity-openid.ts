// The OpenID Connect identity provider from MinIO's variables (MINIO_IDENTITY_OPENID_*, each also
// spelled BUNKER_IDENTITY_OPENID_*): where the provider's discovery document is, the client id
// tokens must be issued to, and how a token's policies are chosen (a claim, or one role policy).
import { createHash } from "node:crypto";
import { ConfigError } from "./config-error.ts";
import { parseBool, type Env } from "./config-flags.ts";

export interface OpenIdConfig {
  /** The provider's `.well-known/openid-configuration` URL (…_CONFIG_URL). */
  configUrl: string;
  /** The client id tokens must name in `aud` (or `azp`) (…_CLIENT_ID). */
  clientId: string;
  /** The client secret (…_CLIENT_SECRET); kept for a login flow, never a token-verification key. */
  clientSecret: string;
  /** The claim naming a token's policies, the prefix already prepended (…_CLAIM_PREFIX + …_CLAIM_NAME, default "policy"). */
  policyClaim: string;
  /** Role-policy mode (…_ROLE_POLICY): every token gets these policies; empty in claim mode. */
  rolePolicies: readonly string[];
  /** In role-policy mode, the role ARN callers must pass as RoleArn (MinIO's: arn:minio:iam:<region>::role/<id>). */
  roleArn?: string;
  /** Scopes a login flow asks for (…_SCOPES); empty: those the provider advertises. */
  scopes: readonly string[];
  /** Name of the provider for people (…_DISPLAY_NAME). */
  displayName: string;
  /** Redirect URI of a login flow (…_REDIRECT_URI), "" when unset. */
  redirectUri: string;
}

const PREFIXES = ["BUNKER_IDENTITY_OPENID_", "MINIO_IDENTITY_OPENID_"];

/** Every key MinIO knows for this subsystem; any other name is a second, named provider. */
const KNOWN = new Set([
  "ENABLE",
  "CONFIG_URL",
  "CLIENT_ID",
  "CLIENT_SECRET",
  "CLAIM_NAME",
  "CLAIM_PREFIX",
  "CLAIM_USERINFO",
  "ROLE_POLICY",
  "SCOPES",
  "DISPLAY_NAME",
  "REDIRECT_URI",
  "REDIRECT_URI_DYNAMIC",
  "VENDOR",
  "KEYCLOAK_REALM",
  "KEYCLOAK_ADMIN_URL",
  "COMMENT",
]);

function lookup(env: Env, key: string): { name: string; value: string } | undefined {
  for (const p of PREFIXES) {
    const value = env[p + key];
    if (value !== undefined && value !== "") return { name: p + key, value };
  }
  return undefined;
}

function boolOf(env: Env, key: string): boolean | undefined {
  const found = lookup(env, key);
  if (!found) return undefined;
  const b = parseBool(found.value.trim());
  if (b === undefined) throw new ConfigError("InvalidEnv", `Invalid ${found.name} "${found.value}": use on or off`);
  return b;
}

/** A comma-separated list; an empty entry is refused (as MinIO refuses `openid,,email`). */
function listOf(env: Env, key: string): string[] {
  const found = lookup(env, key);
  if (!found) return [];
  const items = found.value.split(",").map((s) => s.trim());
  if (items.some((s) => s === "")) throw new ConfigError("InvalidEnv", `Invalid ${found.name} "${found.value}": an entry is empty`);
  return items;
}

function httpUrl(found: { name: string; value: string }): string {
  let url: URL;
  try {
    url = new URL(found.value.trim());
  } catch {
    throw new ConfigError(
      "InvalidEnv",
      `Invalid ${found.name} "${found.value}": expected an http(s) URL such as "https://idp.example.com/.well-known/openid-configuration"`,
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ConfigError("InvalidEnv", `Invalid ${found.name} "${found.value}": only http and https URLs are supported, not "${url.protocol}"`);
  }
  return url.toString();
}

/** MinIO's role ARN for a client: the resource id is the unpadded base64url SHA-1 of the client id, so it survives restarts. */
export function openIdRoleArn(clientId: string, region: string): string {
  const id = createHash("sha1").update(clientId).digest("base64url");
  return `arn:minio:iam:${region}::role/${id}`;
}

/**
 * The OpenID provider, or undefined when none is configured or it is switched off. `region` is the
 * configured region ("" when none), as it appears in the role ARN.
 */
export function openIdOf(env: Env, region: string, warnings: string[]): OpenIdConfig | undefined {
  for (const name of Object.keys(env).sort()) {
    const prefix = PREFIXES.find((p) => name.startsWith(p));
    if (prefix && env[name] && !KNOWN.has(name.slice(prefix.length))) {
      warnings.push(`${name} is ignored: only one OpenID provider is supported (the variables without a suffix)`);
    }
  }
  const enable = boolOf(env, "ENABLE");
  const configUrl = lookup(env, "CONFIG_URL");
  const clientId = lookup(env, "CLIENT_ID")?.value ?? "";
  const clientSecret = lookup(env, "CLIENT_SECRET")?.value ?? "";
  // As MinIO: without ENABLE, the provider is on when any of its main settings is given.
  if (enable === false || (enable === undefined && !configUrl && !clientId && !clientSecret)) return undefined;
  if (!configUrl)
    throw new ConfigError("InvalidEnv", "MINIO_IDENTITY_OPENID_CONFIG_URL is required to enable OpenID (the provider's .well-known/openid-configuration URL)");
  const url = httpUrl(configUrl);
  if (!clientId) throw new ConfigError("InvalidEnv", "MINIO_IDENTITY_OPENID_CLIENT_ID is required: tokens are accepted only when issued to this client id");
  if (boolOf(env, "CLAIM_USERINFO")) {
    throw new ConfigError("InvalidEnv", "MINIO_IDENTITY_OPENID_CLAIM_USERINFO=on is not supported: claims are read from the token itself; unset it");
  }
  if (boolOf(env, "REDIRECT_URI_DYNAMIC")) warnings.push("MINIO_IDENTITY_OPENID_REDIRECT_URI_DYNAMIC is ignored: there is no browser login flow");
  for (const key of ["VENDOR", "KEYCLOAK_REALM", "KEYCLOAK_ADMIN_URL"]) {
    const found = lookup(env, key);
    if (found) warnings.push(`${found.name} is ignored: vendor-specific account checks are not supported`);
  }
  const claimName = lookup(env, "CLAIM_NAME")?.value.trim() ?? "policy";
  const claimPrefix = lookup(env, "CLAIM_PREFIX")?.value.trim() ?? "";
  const rolePolicies = listOf(env, "ROLE_POLICY");
  if (rolePolicies.length > 0 && claimName !== "policy") {
    throw new ConfigError(
      "InvalidEnv",
      `MINIO_IDENTITY_OPENID_ROLE_POLICY ("${rolePolicies.join(",")}") and CLAIM_NAME ("${claimName}") cannot both be set; choose one`,
    );
  }
  const redirect = lookup(env, "REDIRECT_URI");
  return Object.freeze({
    configUrl: url,
    clientId,
    clientSecret,
    policyClaim: claimPrefix + claimName,
    rolePolicies: Object.freeze(rolePolicies),
    roleArn: rolePolicies.length > 0 ? openIdRoleArn(clientId, region) : undefined,
    scopes: Object.freeze(listOf(env, "SCOPES")),
    displayName: lookup(env, "DISPLAY_NAME")?.value ?? "",
    redirectUri: redirect ? httpUrl(redirect) : "",
  });
}
