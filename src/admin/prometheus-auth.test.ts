// Metrics bearer tokens: tokens as `mc admin prometheus generate` makes them verify with the
// root secret; wrong secret, issuer, algorithm, expiry or shape are refused. A token built
// independently with WebCrypto checks the signing input and encoding.
import { describe, expect, test } from "bun:test";
import { bearerToken, signPrometheusToken, verifyPrometheusToken } from "./prometheus-auth.ts";

const root = { accessKey: "minioadmin", secretKey: "minioadmin-secret" };
const lookup = (k: string) => (k === root.accessKey ? root.secretKey : null);
const NOW = 1_800_000_000;

async function webCryptoToken(header: object, claims: object, secret: string, hash = "SHA-512"): Promise<string> {
  const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const input = `${enc(header)}.${enc(claims)}`;
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash }, false, ["sign"]);
  const sig = Buffer.from(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(input))).toString("base64url");
  return `${input}.${sig}`;
}

describe("verifyPrometheusToken", () => {
  test("accepts a generated HS512 token for the root user", () => {
    const token = signPrometheusToken(root, { nowS: NOW });
    const [h, c] = token
      .split(".")
      .slice(0, 2)
      .map((p) => JSON.parse(Buffer.from(p, "base64url").toString()));
    expect(h).toEqual({ alg: "HS512", typ: "JWT" });
    expect(c).toMatchObject({ sub: "minioadmin", iss: "prometheus" });
    expect(c.exp - NOW).toBe(100 * 365 * 24 * 3600);
    expect(verifyPrometheusToken(token, lookup, NOW)).toEqual({ ok: true, accessKey: "minioadmin" });
  });

  test("accepts independently signed HS256 and HS512 tokens, with accessKey or sub", async () => {
    const hs256 = await webCryptoToken({ alg: "HS256", typ: "JWT" }, { accessKey: "minioadmin", iss: "prometheus", exp: NOW + 60 }, root.secretKey, "SHA-256");
    expect(verifyPrometheusToken(hs256, lookup, NOW).ok).toBe(true);
    const hs512 = await webCryptoToken({ alg: "HS512" }, { sub: "minioadmin", iss: "prometheus" }, root.secretKey);
    expect(verifyPrometheusToken(hs512, lookup, NOW).ok).toBe(true);
  });

  test("refuses wrong secret, unknown user, wrong issuer, expired, early, none algorithm and junk", async () => {
    const reason = (t: string) => {
      const r = verifyPrometheusToken(t, lookup, NOW);
      return r.ok ? "ok" : r.reason;
    };
    expect(reason(signPrometheusToken({ ...root, secretKey: "other-secret" }, { nowS: NOW }))).toBe("signature mismatch");
    expect(reason(signPrometheusToken({ ...root, accessKey: "someone" }, { nowS: NOW }))).toBe("unknown access key");
    expect(reason(await webCryptoToken({ alg: "HS512" }, { sub: "minioadmin", iss: "console" }, root.secretKey))).toBe("issuer is not prometheus");
    expect(reason(signPrometheusToken(root, { nowS: NOW - 100, lifetimeS: 10 }))).toBe("token expired");
    expect(reason(await webCryptoToken({ alg: "HS512" }, { sub: "minioadmin", iss: "prometheus", nbf: NOW + 10 }, root.secretKey))).toBe("token not valid yet");
    const none = `${Buffer.from('{"alg":"none"}').toString("base64url")}.${Buffer.from('{"sub":"minioadmin","iss":"prometheus"}').toString("base64url")}.`;
    expect(reason(none)).toContain("unsupported signing method");
    expect(reason("abc")).toBe("malformed token");
    expect(reason("a.b.c")).toBe("malformed token");
    const good = signPrometheusToken(root, { nowS: NOW }).split(".");
    const forged = Buffer.from(JSON.stringify({ sub: "minioadmin", iss: "prometheus", exp: NOW + 1e9 })).toString("base64url");
    expect(reason(`${good[0]}.${forged}.${good[2]}`)).toBe("signature mismatch");
  });
});

test("bearerToken takes the token of a Bearer authorization header, any case", () => {
  expect(bearerToken("Bearer abc.def.ghi")).toBe("abc.def.ghi");
  expect(bearerToken("bearer xyz")).toBe("xyz");
  expect(bearerToken("Basic Zm9vOmJhcg==")).toBeNull();
  expect(bearerToken("Bearer ")).toBeNull();
  expect(bearerToken(null)).toBeNull();
});
