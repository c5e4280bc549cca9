// A real OpenID Connect provider for tests: npm's oidc-provider (a certified implementation) on a
// loopback port, with test clients and accounts, and the headless ways to get its tokens — the
// authorization-code flow driven through its development login and consent pages (fetch and a
// cookie jar), and client_credentials grants issuing JWT access tokens.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair } from "jose";
import Provider from "oidc-provider";

export interface TestAccount {
  /** Claims beside `sub` in its ID tokens (e.g. `policy`, `groups`). */
  claims: Record<string, unknown>;
  /** Lifetime of its ID tokens in seconds (default one hour). */
  idTokenSeconds?: number;
}

export interface TestClient {
  clientId: string;
  clientSecret: string;
  /** Claims added to the client's client_credentials access tokens (JWT). */
  accessTokenClaims?: Record<string, unknown>;
}

export interface OidcOptions {
  clients: TestClient[];
  /** Accounts by subject. */
  accounts: Record<string, TestAccount>;
}

export interface OidcProvider {
  issuer: string;
  /** The discovery document's URL (MINIO_IDENTITY_OPENID_CONFIG_URL). */
  configUrl: string;
  /** Signs in as `subject` through the authorization-code flow and returns the ID token. */
  idToken(clientId: string, subject: string): Promise<string>;
  /** A client_credentials grant: the JWT access token. */
  clientCredentials(clientId: string): Promise<string>;
  stop(): Promise<void>;
}

const REDIRECT_URI = "http://127.0.0.1/callback";

/** A minimal cookie jar: names to values, whatever the path (the provider's cookies do not collide). */
class CookieJar {
  #cookies = new Map<string, string>();

  take(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some((a) => /^\s*expires=.*1970/i.test(a)) || value === "";
      if (expired) this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
  }

  header(): string {
    return [...this.#cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }
}

function basicAuth(client: TestClient): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret)}`).toString("base64")}`;
}

export async function startOidcProvider(opts: OidcOptions): Promise<OidcProvider> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const issuer = `http://127.0.0.1:${port}`;
  const clients = new Map(opts.clients.map((c) => [c.clientId, c]));
  // A signing key of this provider alone (oidc-provider's built-in development key is the same everywhere).
  const { privateKey } = await generateKeyPair("RS256", { extractable: true });
  const signingKey = { ...(await exportJWK(privateKey)), kid: `test-${crypto.randomUUID()}`, alg: "RS256", use: "sig" };
  const provider = new Provider(issuer, {
    jwks: { keys: [signingKey as never] },
    clients: opts.clients.map((c) => ({
      client_id: c.clientId,
      client_secret: c.clientSecret,
      redirect_uris: [REDIRECT_URI],
      grant_types: ["authorization_code", "client_credentials"],
      response_types: ["code"],
    })),
    // Custom claims ride in the ID token itself (not only the userinfo endpoint), as MinIO reads them.
    conformIdTokenClaims: false,
    // "sa-policy", "parent" and "accessKey": a hostile account claiming the credential's own fields.
    claims: { openid: ["sub", "policy", "groups", "email", "sa-policy", "parent", "accessKey"] },
    async findAccount(_ctx, id) {
      const account = opts.accounts[id];
      if (!account) return undefined;
      return { accountId: id, claims: async () => ({ sub: id, ...account.claims }) };
    },
    features: {
      devInteractions: { enabled: true },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => "urn:bunker:s3",
        useGrantedResource: () => true,
        // The JWT access token's audience is the client itself, as MinIO checks `aud` against its client id.
        getResourceServerInfo: (_ctx, _resource, client) => ({ scope: "s3", audience: client.clientId, accessTokenFormat: "jwt" }),
      },
    },
    extraTokenClaims: async (_ctx, token) => (token.clientId ? clients.get(token.clientId)?.accessTokenClaims : undefined),
    ttl: {
      IdToken: (_ctx, token) => opts.accounts[(token as unknown as { available: { sub: string } }).available.sub]?.idTokenSeconds ?? 3600,
      ClientCredentials: 3600,
      AccessToken: 3600,
      Interaction: 600,
      Session: 600,
      Grant: 600,
    },
    cookies: { keys: ["bunker-test-cookie-key"] },
    pkce: { required: () => false },
  });
  // oidc-provider logs its development warnings once at start; keep test output readable.
  provider.on("server_error", (_ctx: unknown, err: Error) => console.error("oidc-provider server error:", err));
  server.on("request", provider.callback());

  async function idToken(clientId: string, subject: string): Promise<string> {
    const client = clients.get(clientId);
    if (!client) throw new Error(`No test client "${clientId}"`);
    const jar = new CookieJar();
    const auth = new URL("/auth", issuer);
    auth.search = new URLSearchParams({
      client_id: clientId,
      response_type: "code",
      scope: "openid",
      redirect_uri: REDIRECT_URI,
      state: crypto.randomUUID(),
      nonce: crypto.randomUUID(),
      prompt: "login consent",
    }).toString();
    let next = auth.toString();
    let code: string | null = null;
    // Follow the redirects by hand, answering the login and consent pages as a person would.
    for (let hop = 0; hop < 16 && code === null; hop++) {
      const res = await fetch(next, { redirect: "manual", headers: { cookie: jar.header() } });
      jar.take(res);
      const location = res.headers.get("location");
      if (location) {
        await res.body?.cancel();
        const target = new URL(location, next);
        if (target.toString().startsWith(REDIRECT_URI)) {
          const err = target.searchParams.get("error");
          if (err) throw new Error(`Authorization failed: ${err}: ${target.searchParams.get("error_description")}`);
          code = target.searchParams.get("code");
          break;
        }
        next = target.toString();
        continue;
      }
      const page = await res.text();
      const prompt = /name="prompt" value="(\w+)"/.exec(page)?.[1];
      if (res.status !== 200 || !prompt) throw new Error(`Unexpected page at ${next} (HTTP ${res.status}): ${page.slice(0, 300)}`);
      const form: Record<string, string> = prompt === "login" ? { prompt, login: subject, password: "any" } : { prompt };
      const submitted = await fetch(next, {
        method: "POST",
        redirect: "manual",
        headers: { cookie: jar.header(), "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams(form).toString(),
      });
      jar.take(submitted);
      await submitted.body?.cancel();
      const after = submitted.headers.get("location");
      if (!after) throw new Error(`The ${prompt} form was not accepted (HTTP ${submitted.status})`);
      next = new URL(after, next).toString();
    }
    if (!code) throw new Error("The authorization flow did not end with a code");
    const res = await fetch(new URL("/token", issuer), {
      method: "POST",
      headers: { authorization: basicAuth(client), "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "authorization_code", code, redirect_uri: REDIRECT_URI }).toString(),
    });
    const body = (await res.json()) as { id_token?: string; error?: string; error_description?: string };
    if (!body.id_token) throw new Error(`No ID token: ${body.error}: ${body.error_description}`);
    return body.id_token;
  }

  async function clientCredentials(clientId: string): Promise<string> {
    const client = clients.get(clientId);
    if (!client) throw new Error(`No test client "${clientId}"`);
    const res = await fetch(new URL("/token", issuer), {
      method: "POST",
      headers: { authorization: basicAuth(client), "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "client_credentials", scope: "s3", resource: "urn:bunker:s3" }).toString(),
    });
    const body = (await res.json()) as { access_token?: string; error?: string; error_description?: string };
    if (!body.access_token) throw new Error(`No access token: ${body.error}: ${body.error_description}`);
    return body.access_token;
  }

  return {
    issuer,
    configUrl: `${issuer}/.well-known/openid-configuration`,
    idToken,
    clientCredentials,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
