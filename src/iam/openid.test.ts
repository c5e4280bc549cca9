// OpenIdVerifier against an in-memory provider (discovery document and JWKS served by an injected
// fetch, tokens signed with jose): what it accepts, every way a token is refused and why, key
// rotation, and a provider that is down at start. No network.
import { beforeAll, describe, expect, test } from "bun:test";
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from "jose";
import { claimedPolicies, isOpenIdError, openIdParent, OpenIdVerifier, type OpenIdErrorKind, type OpenIdOptions } from "./openid.ts";

const ISSUER = "https://idp.test";
const CONFIG_URL = `${ISSUER}/.well-known/openid-configuration`;
const JWKS_URL = `${ISSUER}/jwks`;
const CLIENT = "bunker";

interface Key {
  kid: string;
  alg: string;
  privateKey: CryptoKey;
  jwk: JWK;
}

async function makeKey(kid: string, alg: "RS256" | "ES256"): Promise<Key> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, alg, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: "sig" } };
}

/** A provider in memory: its published keys can change, it can be down, and it counts requests. */
class FakeProvider {
  published: Key[] = [];
  down = false;
  requests: string[] = [];

  fetch: NonNullable<OpenIdOptions["fetch"]> = async (url) => {
    this.requests.push(url);
    if (this.down) throw new TypeError("connect ECONNREFUSED");
    if (url === CONFIG_URL) return Response.json({ issuer: ISSUER, jwks_uri: JWKS_URL, id_token_signing_alg_values_supported: ["RS256", "ES256"] });
    if (url === JWKS_URL) return Response.json({ keys: this.published.map((k) => k.jwk) });
    return new Response("not found", { status: 404 });
  };
}

let rsa: Key;
let ec: Key;
let other: Key;
let rotated: Key;

beforeAll(async () => {
  [rsa, ec, other, rotated] = await Promise.all([makeKey("k1", "RS256"), makeKey("k2", "ES256"), makeKey("k1", "RS256"), makeKey("k3", "RS256")]);
});

const nowS = () => Math.floor(Date.now() / 1000);

function sign(key: Key, claims: Record<string, unknown>, header: Record<string, unknown> = {}): Promise<string> {
  return new SignJWT({ iss: ISSUER, aud: CLIENT, sub: "alice", iat: nowS(), exp: nowS() + 600, ...claims })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, ...header })
    .sign(key.privateKey);
}

function verifier(p: FakeProvider, opts: Partial<OpenIdOptions> = {}): OpenIdVerifier {
  return new OpenIdVerifier({ configUrl: CONFIG_URL, clientId: CLIENT, fetch: p.fetch, retryMs: 60_000, ...opts });
}

async function refusal(v: OpenIdVerifier, token: string): Promise<{ kind: OpenIdErrorKind; message: string }> {
  try {
    await v.verify(token);
  } catch (err) {
    if (isOpenIdError(err)) return { kind: err.kind, message: err.message };
    throw err;
  }
  throw new Error("the token was accepted");
}

describe("OpenIdVerifier", () => {
  test("accepts RS256 and ES256 tokens from the provider's keys, with every claim", async () => {
    const p = new FakeProvider();
    p.published = [rsa, ec];
    const v = verifier(p);
    await v.start();
    expect(v.issuer).toBe(ISSUER);
    const t = await v.verify(await sign(rsa, { policy: "readonly" }));
    expect(t.subject).toBe("alice");
    expect(t.issuer).toBe(ISSUER);
    expect(t.claims.policy).toBe("readonly");
    expect(t.expiresAt).toBeGreaterThan(Date.now());
    expect((await v.verify(await sign(ec, { sub: "bob" }))).subject).toBe("bob");
    // aud as an array naming the client, or another audience with azp naming it.
    await v.verify(await sign(rsa, { aud: ["other", CLIENT] }));
    await v.verify(await sign(rsa, { aud: "other", azp: CLIENT }));
  });

  test("refuses expired, not-yet-valid, foreign-issuer and foreign-audience tokens, saying why", async () => {
    const p = new FakeProvider();
    p.published = [rsa];
    const v = verifier(p);
    expect(await refusal(v, await sign(rsa, { exp: nowS() - 10 }))).toMatchObject({ kind: "ExpiredToken", message: expect.stringContaining("Token expired") });
    expect(await refusal(v, await sign(rsa, { nbf: nowS() + 300 }))).toMatchObject({
      kind: "InvalidToken",
      message: expect.stringContaining("not valid before"),
    });
    expect((await refusal(v, await sign(rsa, { iss: "https://evil.test" }))).message).toBe(
      `Token issuer "https://evil.test" is not the provider's issuer "${ISSUER}"`,
    );
    expect((await refusal(v, await sign(rsa, { aud: "other-app" }))).message).toBe(`Token audience "other-app" does not include client id "${CLIENT}"`);
    expect((await refusal(v, await sign(rsa, { aud: "other-app", azp: "other-app" }))).message).toContain('(azp "other-app")');
    expect((await refusal(v, await sign(rsa, { exp: undefined }))).kind).toBe("InvalidToken");
    expect((await refusal(v, await sign(rsa, { sub: undefined }))).message).toContain("sub");
    // Claims of the wrong type are refused, not a crash.
    expect((await refusal(v, await sign(rsa, { nbf: "soon" }))).message).toBe("Token has an invalid nbf claim");
    expect((await refusal(v, await sign(rsa, { exp: "later" }))).message).toBe("Token has an invalid exp claim");
    expect((await refusal(v, await sign(rsa, { sub: 42 }))).kind).toBe("InvalidToken");
  });

  test("refuses forged, tampered, unsigned and HMAC tokens", async () => {
    const p = new FakeProvider();
    p.published = [rsa];
    const v = verifier(p);
    // Another key under the provider's kid: the signature does not verify.
    expect((await refusal(v, await sign(other, {}))).message).toBe("Token signature does not verify with the provider's key");
    // A payload changed after signing.
    const [h, , s] = (await sign(rsa, { policy: "readonly" })).split(".");
    const forged = Buffer.from(JSON.stringify({ iss: ISSUER, aud: CLIENT, sub: "alice", exp: nowS() + 600, policy: "consoleAdmin" })).toString("base64url");
    expect((await refusal(v, `${h}.${forged}.${s}`)).kind).toBe("InvalidToken");
    // alg "none" and HS256 (e.g. with the client secret) are never accepted.
    const body = Buffer.from(JSON.stringify({ iss: ISSUER, aud: CLIENT, sub: "alice", exp: nowS() + 600 })).toString("base64url");
    const none = `${Buffer.from(JSON.stringify({ alg: "none" })).toString("base64url")}.${body}.`;
    expect((await refusal(v, none)).message).toContain("algorithm is not accepted");
    const hs = await new SignJWT({ iss: ISSUER, aud: CLIENT, sub: "alice", exp: nowS() + 600 })
      .setProtectedHeader({ alg: "HS256", kid: "k1" })
      .sign(new TextEncoder().encode("client-secret-client-secret-0123"));
    expect((await refusal(v, hs)).message).toContain("algorithm is not accepted");
    for (const junk of ["", "abc", "a.b", "a.b.c", "a.b.c.d.e"]) expect((await refusal(v, junk)).kind).toBe("InvalidToken");
  });

  test("a token naming a new key fetches the keys again; unknown keys do not hammer the provider", async () => {
    const p = new FakeProvider();
    p.published = [rsa];
    const v = verifier(p, { keyRefetchMs: 0 });
    await v.verify(await sign(rsa, {}));
    p.published = [rsa, rotated];
    await v.verify(await sign(rotated, {}));

    const q = new FakeProvider();
    q.published = [rsa];
    const slow = verifier(q, { keyRefetchMs: 60_000 });
    await slow.verify(await sign(rsa, {}));
    const before = q.requests.filter((u) => u === JWKS_URL).length;
    for (let i = 0; i < 3; i++) expect((await refusal(slow, await sign({ ...rotated, kid: `unknown-${i}` }, {}))).message).toContain("matches the token's kid");
    expect(q.requests.filter((u) => u === JWKS_URL).length).toBe(before);
  });

  test("a provider down at start is tried again, at most once per retry interval", async () => {
    const p = new FakeProvider();
    p.published = [rsa];
    p.down = true;
    let clock = Date.now();
    const lines: string[] = [];
    const v = verifier(p, { now: () => clock, log: (l) => lines.push(l) });
    await v.start();
    v.stop();
    expect(lines.join("\n")).toContain("retrying");
    const token = await sign(rsa, {});
    expect(await refusal(v, token)).toMatchObject({ kind: "ProviderUnavailable", message: expect.stringContaining(CONFIG_URL) });
    const asked = p.requests.length;
    expect((await refusal(v, token)).kind).toBe("ProviderUnavailable");
    expect(p.requests.length).toBe(asked);
    p.down = false;
    clock += 60_000;
    expect((await v.verify(token)).subject).toBe("alice");
  });

  test("keys that cannot be fetched, or a discovery document without an issuer, are provider errors", async () => {
    const p = new FakeProvider();
    p.published = [rsa];
    const v = verifier(p);
    await v.start();
    p.down = true;
    expect((await refusal(v, await sign(rsa, {}))).kind).toBe("ProviderUnavailable");
    const bad = new OpenIdVerifier({ configUrl: CONFIG_URL, clientId: CLIENT, fetch: async () => Response.json({ jwks_uri: JWKS_URL }) });
    expect((await refusal(bad, await sign(rsa, {}))).message).toContain("has no issuer");
  });
});

describe("claims", () => {
  test("a policy claim is a comma-separated string or an array; absent is undefined", () => {
    expect(claimedPolicies({ policy: "readonly, writeonly,," }, "policy")).toEqual(["readonly", "writeonly"]);
    expect(claimedPolicies({ groups: ["a", " b ", 3, "a"] }, "groups")).toEqual(["a", "b"]);
    expect(claimedPolicies({}, "policy")).toBeUndefined();
    expect(claimedPolicies({ policy: 7 }, "policy")).toBeUndefined();
  });

  test("the parent user is a stable, file-safe hash of subject and issuer", () => {
    const a = openIdParent("alice", ISSUER);
    expect(a).toBe(openIdParent("alice", ISSUER));
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(openIdParent("alice", "https://other.test")).not.toBe(a);
  });
});
