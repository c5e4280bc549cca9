// assumeRoleWithOpenId with a stand-in verifier and credential issuer: the parameters it checks,
// how verifier errors become STS codes, how long credentials last, and exactly which claims,
// parent and session policy the credentials are issued with. The real provider: iam-openid.test.ts.
import { describe, expect, test } from "bun:test";
import { OpenIdError, openIdParent, type DerivedCredentials, type VerifiedToken } from "../iam/index.ts";
import type { StsDeps, StsOpenId } from "./context.ts";
import { assumeRoleWithOpenId } from "./sts-openid.ts";
import { StsError } from "./sts-response.ts";

const NOW = Date.parse("2026-03-01T10:00:00Z");
const ISSUER = "https://idp.test";
const ROLE = "arn:minio:iam:::role/abc";
const TOKEN = "header.payload.signature";

interface Issued {
  parent: string;
  opts: { durationSeconds: number; policy?: string; claims?: Record<string, unknown> };
}

function deps(result: VerifiedToken | OpenIdError, opts: { role?: boolean; policyClaim?: string } = {}): { sts: StsDeps; issued: Issued[] } {
  const issued: Issued[] = [];
  const derived = {
    iam: { now: () => NOW, state: { policies: new Map([["home-rw", { parsed: { version: "2012-10-17", statements: [] } }]]) } },
    issueTemporary: async (parent: string, o: Issued["opts"]) => {
      issued.push({ parent, opts: o });
      return { accessKey: "AK", secretKey: "SK", sessionToken: "ST", expiration: new Date(NOW + o.durationSeconds * 1000).toISOString() };
    },
  } as unknown as DerivedCredentials;
  const openid: StsOpenId = {
    verifier: { verify: async () => (result instanceof OpenIdError ? Promise.reject(result) : result) },
    policyClaim: opts.policyClaim ?? "policy",
    role: opts.role ? { arn: ROLE, policies: ["readonly", "no-such"] } : undefined,
  };
  return { sts: { derived, openid }, issued };
}

function token(claims: Record<string, unknown>, expiresInS = 3600): VerifiedToken {
  return { claims: { sub: "alice", iss: ISSUER, ...claims }, subject: "alice", issuer: ISSUER, audience: "bunker", expiresAt: NOW + expiresInS * 1000 };
}

async function call(
  sts: StsDeps,
  params: Record<string, string>,
  action: "AssumeRoleWithWebIdentity" | "AssumeRoleWithClientGrants" = "AssumeRoleWithWebIdentity",
) {
  return assumeRoleWithOpenId(action, new URLSearchParams({ WebIdentityToken: TOKEN, ...params }), sts, "REQ1");
}

async function refusal(p: Promise<unknown>): Promise<{ code: string; message: string; status: number }> {
  try {
    await p;
  } catch (err) {
    if (err instanceof StsError) return { code: err.code, message: err.message, status: err.status };
    throw err;
  }
  throw new Error("not refused");
}

describe("assumeRoleWithOpenId", () => {
  test("issues credentials for the token's identity, with its claims and resolved policies", async () => {
    const { sts, issued } = deps(token({ policy: "home-rw, readonly,no-such", email: "a@x", "sa-policy": "inherited-policy", parent: "root", roleArn: "x" }));
    const res = await call(sts, {
      Policy: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject"],"Resource":["arn:aws:s3:::home/*"]}]}',
      RoleSessionName: "app-1",
    });
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(body).toContain("<AssumeRoleWithWebIdentityResult><AssumedRoleUser><Arn></Arn>");
    expect(body).toContain("<SubjectFromWebIdentityToken>alice</SubjectFromWebIdentityToken><Audience>bunker</Audience><Provider>https://idp.test</Provider>");
    expect(body).toContain(`<AssumedRoleId>${openIdParent("alice", ISSUER)}:app-1</AssumedRoleId>`);
    expect(issued).toHaveLength(1);
    const { parent, opts } = issued[0];
    expect(parent).toBe(openIdParent("alice", ISSUER));
    expect(opts.durationSeconds).toBe(3600);
    expect(opts.policy).toBe('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject"],"Resource":["arn:aws:s3:::home/*"]}]}');
    // Only defined policies; the credential's own fields are not the token's to set.
    expect(opts.claims).toEqual({ sub: "alice", iss: ISSUER, email: "a@x", policy: "home-rw,readonly" });
  });

  test("ClientGrants answers with its own element names; the role mode uses the role's policies", async () => {
    const cg = deps(token({ policy: ["readonly"] }));
    const body = await (await call(cg.sts, {}, "AssumeRoleWithClientGrants")).text();
    expect(body).toContain("<AssumeRoleWithClientGrantsResponse");
    expect(body).toContain("<SubjectFromToken>alice</SubjectFromToken>");
    const r = deps(token({ policy: "home-rw" }), { role: true });
    await call(r.sts, { RoleArn: ROLE });
    expect(r.issued[0].opts.claims).toMatchObject({ policy: "readonly", roleArn: ROLE });
    expect((await refusal(call(r.sts, { RoleArn: "arn:minio:iam:::role/other" }))).message).toContain(`this server's OpenID role is "${ROLE}"`);
    expect((await refusal(call(r.sts, {}))).message).toContain("RoleArn is required");
  });

  test("without DurationSeconds the credentials last as the token, at most 12 hours", async () => {
    const short = deps(token({ policy: "readonly" }, 120));
    await call(short.sts, {});
    expect(short.issued[0].opts.durationSeconds).toBe(120);
    const long = deps(token({ policy: "readonly" }, 7 * 86400));
    await call(long.sts, {});
    expect(long.issued[0].opts.durationSeconds).toBe(43200);
    const asked = deps(token({ policy: "readonly" }, 120));
    await call(asked.sts, { DurationSeconds: "3600" });
    expect(asked.issued[0].opts.durationSeconds).toBe(3600);
  });

  test("verifier errors become AWS STS codes", async () => {
    const cases: [OpenIdError, string][] = [
      [new OpenIdError("ExpiredToken", "Token expired"), "ExpiredTokenException"],
      [new OpenIdError("InvalidToken", "Token signature does not verify"), "InvalidIdentityToken"],
      [new OpenIdError("ProviderUnavailable", "Cannot read"), "IDPCommunicationError"],
    ];
    for (const [err, code] of cases) {
      const { sts, issued } = deps(err);
      expect(await refusal(call(sts, {}))).toEqual({ code, message: err.message, status: 400 });
      expect(issued).toHaveLength(0);
    }
  });

  test("bad parameters and policy-less tokens are refused before anything is issued", async () => {
    const ok = token({ policy: "readonly" });
    const cases: [VerifiedToken, Record<string, string>, string, string][] = [
      [ok, { WebIdentityToken: "" }, "MissingParameter", "WebIdentityToken is required"],
      [ok, { WebIdentityToken: "abc" }, "InvalidParameterValue", "4 to 20000 characters"],
      [ok, { WebIdentityToken: "x".repeat(20_001) }, "InvalidParameterValue", "4 to 20000 characters"],
      [ok, { DurationSeconds: "899" }, "InvalidParameterValue", "DurationSeconds"],
      [ok, { DurationSeconds: "43201" }, "InvalidParameterValue", "DurationSeconds"],
      [ok, { DurationSeconds: "1e4" }, "InvalidParameterValue", "DurationSeconds"],
      [ok, { RoleSessionName: "a b" }, "InvalidParameterValue", "RoleSessionName"],
      [ok, { Policy: "x".repeat(20_000) }, "PackedPolicyTooLarge", "too large"],
      [token({}), {}, "InvalidParameterValue", 'no "policy" claim'],
      [token({ policy: 42 }), {}, "InvalidParameterValue", 'no "policy" claim'],
      [token({ policy: "nope,nada" }), {}, "InvalidParameterValue", 'None of the given policies ("nope,nada")'],
    ];
    for (const [t, params, code, text] of cases) {
      const { sts, issued } = deps(t);
      const r = await refusal(call(sts, params));
      expect({ code: r.code, status: r.status }).toEqual({ code, status: 400 });
      expect(r.message).toContain(text);
      expect(issued).toHaveLength(0);
    }
    // The claim name and prefix are configurable.
    const g = deps(token({ "tenant/groups": ["readonly"] }), { policyClaim: "tenant/groups" });
    await call(g.sts, {});
    expect(g.issued[0].opts.claims?.policy).toBe("readonly");
    // No provider configured at all.
    const none = { derived: deps(ok).sts.derived };
    expect((await refusal(call(none, {}))).message).toContain("MINIO_IDENTITY_OPENID_CONFIG_URL");
  });

  test("a token already expired by the time credentials are issued is refused", async () => {
    const { sts, issued } = deps(token({ policy: "readonly" }, 0));
    expect((await refusal(call(sts, {}))).code).toBe("ExpiredTokenException");
    expect(issued).toHaveLength(0);
  });
});
