// OpenID Connect STS end to end, against a real provider: npm's oidc-provider (a certified
// implementation) on a loopback port. AssumeRoleWithWebIdentity takes real ID tokens, got through
// the authorization-code flow driven headless through the provider's development login and consent
// pages (fetch and a cookie jar) — what a browser login hands an application. AssumeRoleWithClientGrants
// takes what MinIO documents for it, a JWT access token of a client_credentials grant (the provider
// issues JWT access tokens for a resource server whose audience is our client id). The tokens carry
// a `policy` claim (the provider's account claims / extra token claims). minio-go's STSWebIdentity
// (test/support/madmin) and raw form POSTs get credentials; the AWS SDK then finds S3 allowing and
// denying as the claimed policies say; forged, foreign, expired and policy-less tokens and a wrong
// RoleArn get STS errors and no credentials; credentials that outlived their token get ExpiredToken.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { decodeJwt, decodeProtectedHeader, generateKeyPair, SignJWT } from "jose";
import { buildMadminClient, madmin, madminMissing } from "../support/madmin-client.ts";
import { startOidcProvider, type OidcProvider } from "../support/oidc-provider.ts";
import { ROOT_PASSWORD, ROOT_USER, startS3, type S3Harness } from "../support/s3-harness.ts";
import { TempDirs } from "../support/temp-dirs.ts";

const missing = madminMissing();
const skip = missing !== null && !process.env.CI;
if (skip) console.warn(`SKIP OpenID STS tests: ${missing} (set CI=1 to make this a failure)`);

const root = { accessKey: ROOT_USER, secretKey: ROOT_PASSWORD };
const CLIENT_ID = "bunker";
const CLIENT_SECRET = "bunker-client-secret-0123456789";
/** ID tokens of this account live only a few seconds: for expired tokens and credentials. */
const SHORT_TOKEN_S = 6;

const temp = new TempDirs();
let bin: string;
let idp: OidcProvider;
let foreignIdp: OidcProvider;
let h: S3Harness;
let role: S3Harness;

type Creds = { accessKey: string; secretKey: string; sessionToken: string };

const policy = (...Statement: object[]) => ({ Version: "2012-10-17", Statement });

const ENTITIES: Record<string, string> = { "&quot;": '"', "&apos;": "'", "&lt;": "<", "&gt;": ">", "&amp;": "&" };
const unescapeXml = (s: string) => s.replace(/&(quot|apos|lt|gt|amp);/g, (e) => ENTITIES[e]);

/** A raw STS call: a form POSTed to "/", unsigned. */
async function sts(target: S3Harness, params: Record<string, string>): Promise<{ status: number; code: string; message: string; body: string; creds?: Creds }> {
  const res = await fetch(`${target.endpoint}/`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ Version: "2011-06-15", ...params }).toString(),
  });
  const body = await res.text();
  const pick = (tag: string) => unescapeXml(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(body)?.[1] ?? "");
  const creds = pick("AccessKeyId") ? { accessKey: pick("AccessKeyId"), secretKey: pick("SecretAccessKey"), sessionToken: pick("SessionToken") } : undefined;
  return { status: res.status, code: pick("Code"), message: pick("Message"), body, creds };
}

const pick = (body: string, tag: string) => new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(body)?.[1];

function client(c: Creds, target = h): S3Client {
  return target.client({ credentials: { accessKeyId: c.accessKey, secretAccessKey: c.secretKey, sessionToken: c.sessionToken } });
}

/** "allow" when the call succeeds, else the S3 error code. */
async function attempt(c: Creds, cmd: GetObjectCommand | PutObjectCommand, target = h): Promise<string> {
  try {
    const out = (await client(c, target).send(cmd as never)) as { Body?: { transformToString(): Promise<string> } };
    await out.Body?.transformToString();
    return "allow";
  } catch (err) {
    return (err as { Code?: string }).Code ?? (err as Error).name;
  }
}

const get = (key: string, bucket = "data") => new GetObjectCommand({ Bucket: bucket, Key: key });
const put = (key: string, bucket = "data") => new PutObjectCommand({ Bucket: bucket, Key: key, Body: "x" });

/** minio-go's STSWebIdentity (madmin-client): the credentials, or the STS error code. */
async function webIdentity(target: S3Harness, args: { token: string; durationSeconds?: number; roleArn?: string }): Promise<Creds | string> {
  const r = await madmin(bin, target.endpoint, root, "assume-role-web-identity", args);
  return r.ok ? (r.result as Creds) : r.error.code;
}

async function seed(target: S3Harness): Promise<void> {
  const ok = async (command: string, args: unknown) => {
    const r = await madmin(bin, target.endpoint, root, command, args);
    if (!r.ok) throw new Error(`${command}: ${r.error.code}: ${r.error.message}`);
  };
  await ok("add-canned-policy", {
    name: "home-rw",
    policy: policy({ Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject"], Resource: ["arn:aws:s3:::data/home/${jwt:sub}/*"] }),
  });
  await ok("add-canned-policy", {
    name: "public-read",
    policy: policy({ Effect: "Allow", Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::data/public/*"] }),
  });
  const s3 = target.client();
  for (const b of ["data", "other"]) await s3.send(new CreateBucketCommand({ Bucket: b }));
  for (const k of ["public/p.txt", "home/alice/a.txt", "home/bob/b.txt"]) await s3.send(put(k));
  await s3.send(put("secret.txt", "other"));
}

describe.skipIf(skip)("OpenID STS against a real OpenID provider", () => {
  beforeAll(async () => {
    if (missing !== null) throw new Error(`${missing}; CI must install it`);
    const accounts = {
      alice: { claims: { policy: "home-rw,public-read", email: "alice@example.com" } },
      bob: { claims: { policy: ["public-read"] } },
      nopolicy: { claims: { email: "n@example.com" } },
      ghost: { claims: { policy: "no-such-policy" } },
      shorty: { claims: { policy: "public-read" }, idTokenSeconds: SHORT_TOKEN_S },
      // Claims that belong to the credential, not the token: they must change nothing.
      mallory: { claims: { policy: "home-rw,public-read", "sa-policy": "inherited-policy", parent: ROOT_USER, accessKey: ROOT_USER } },
    };
    const clients = [
      { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, accessTokenClaims: { policy: "public-read" } },
      { clientId: "other-app", clientSecret: "other-app-secret-0123456789" },
    ];
    [bin, idp, foreignIdp] = (await Promise.all([buildMadminClient(), startOidcProvider({ clients, accounts }), startOidcProvider({ clients, accounts })])) as [
      string,
      OidcProvider,
      OidcProvider,
    ];
    const env = {
      MINIO_IDENTITY_OPENID_CONFIG_URL: idp.configUrl,
      MINIO_IDENTITY_OPENID_CLIENT_ID: CLIENT_ID,
      MINIO_IDENTITY_OPENID_CLIENT_SECRET: CLIENT_SECRET,
    };
    h = await startS3(temp, { env });
    role = await startS3(temp, { env: { ...env, MINIO_IDENTITY_OPENID_ROLE_POLICY: "public-read" } });
    await Promise.all([seed(h), seed(role)]);
  });

  afterAll(async () => {
    await h?.close();
    await role?.close();
    await idp?.stop();
    await foreignIdp?.stop();
    temp.cleanup();
  });

  test("minio-go trades an ID token for credentials; S3 allows and denies as its policy claim says", async () => {
    const creds = await webIdentity(h, { token: await idp.idToken(CLIENT_ID, "alice") });
    if (typeof creds === "string") throw new Error(`AssumeRoleWithWebIdentity failed: ${creds}`);
    expect(await attempt(creds, get("public/p.txt"))).toBe("allow");
    // ${jwt:sub} is the token's subject: alice's home, not bob's.
    expect(await attempt(creds, get("home/alice/a.txt"))).toBe("allow");
    expect(await attempt(creds, put("home/alice/new.txt"))).toBe("allow");
    expect(await attempt(creds, get("home/bob/b.txt"))).toBe("AccessDenied");
    expect(await attempt(creds, put("public/p2.txt"))).toBe("AccessDenied");
    expect(await attempt(creds, get("secret.txt", "other"))).toBe("AccessDenied");
  });

  test("a raw AssumeRoleWithWebIdentity answers as AWS documents it; credentials last as the token or DurationSeconds", async () => {
    const token = await idp.idToken(CLIENT_ID, "bob");
    const r = await sts(h, { Action: "AssumeRoleWithWebIdentity", WebIdentityToken: token });
    expect(r.status).toBe(200);
    expect(r.body).toContain('<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">');
    expect(pick(r.body, "SubjectFromWebIdentityToken")).toBe("bob");
    expect(pick(r.body, "Audience")).toBe(CLIENT_ID);
    expect(pick(r.body, "Provider")).toBe(idp.issuer);
    expect(r.body).toContain("<AssumedRoleUser>");
    // Without DurationSeconds the credentials expire with the token.
    expect(Date.parse(pick(r.body, "Expiration")!) / 1000).toBe(decodeJwt(token).exp!);
    // The array form of the claim: public-read only.
    expect(await attempt(r.creds!, get("public/p.txt"))).toBe("allow");
    expect(await attempt(r.creds!, get("home/bob/b.txt"))).toBe("AccessDenied");
    const timed = await sts(h, { Action: "AssumeRoleWithWebIdentity", WebIdentityToken: token, DurationSeconds: "900" });
    const left = Date.parse(pick(timed.body, "Expiration")!) - Date.now();
    expect(left).toBeGreaterThan(800_000);
    expect(left).toBeLessThanOrEqual(900_000);
    expect((await sts(h, { Action: "AssumeRoleWithWebIdentity", WebIdentityToken: token, DurationSeconds: "50000" })).code).toBe("InvalidParameterValue");
    // Claim mode ignores a RoleArn (the AWS SDKs always send one).
    expect((await sts(h, { Action: "AssumeRoleWithWebIdentity", WebIdentityToken: token, RoleArn: "arn:aws:iam::123456789012:role/x" })).status).toBe(200);
  });

  test("a session policy narrows what the token's policies allow, never widens it", async () => {
    const token = await idp.idToken(CLIENT_ID, "alice");
    const narrow = policy({ Effect: "Allow", Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::data/public/*"] });
    const r = await sts(h, { Action: "AssumeRoleWithWebIdentity", WebIdentityToken: token, Policy: JSON.stringify(narrow) });
    expect(r.status).toBe(200);
    expect(await attempt(r.creds!, get("public/p.txt"))).toBe("allow");
    expect(await attempt(r.creds!, get("home/alice/a.txt"))).toBe("AccessDenied");
    const wide = policy({ Effect: "Allow", Action: ["s3:*"], Resource: ["arn:aws:s3:::*"] });
    const w = await sts(h, { Action: "AssumeRoleWithWebIdentity", WebIdentityToken: token, Policy: JSON.stringify(wide) });
    expect(await attempt(w.creds!, get("home/alice/a.txt"))).toBe("allow");
    expect(await attempt(w.creds!, get("secret.txt", "other"))).toBe("AccessDenied");
    expect((await sts(h, { Action: "AssumeRoleWithWebIdentity", WebIdentityToken: token, Policy: "{not json" })).code).toBe("MalformedPolicyDocument");
    // A token claiming the credential's own fields neither escapes the session policy nor becomes the root.
    const hostile = await sts(h, {
      Action: "AssumeRoleWithWebIdentity",
      WebIdentityToken: await idp.idToken(CLIENT_ID, "mallory"),
      Policy: JSON.stringify(narrow),
    });
    expect(hostile.status).toBe(200);
    expect(hostile.creds!.accessKey).not.toBe(ROOT_USER);
    expect(await attempt(hostile.creds!, get("public/p.txt"))).toBe("allow");
    expect(await attempt(hostile.creds!, get("home/mallory/m.txt"))).toBe("AccessDenied");
    expect(await attempt(hostile.creds!, get("secret.txt", "other"))).toBe("AccessDenied");
  });

  test("AssumeRoleWithClientGrants takes a client_credentials JWT access token", async () => {
    const token = await idp.clientCredentials(CLIENT_ID);
    expect(decodeProtectedHeader(token).typ).toBe("at+jwt");
    const r = await sts(h, { Action: "AssumeRoleWithClientGrants", Token: token });
    expect(r.status).toBe(200);
    expect(r.body).toContain("<AssumeRoleWithClientGrantsResponse");
    expect(pick(r.body, "SubjectFromToken")).toBe(CLIENT_ID);
    expect(await attempt(r.creds!, get("public/p.txt"))).toBe("allow");
    expect(await attempt(r.creds!, get("home/alice/a.txt"))).toBe("AccessDenied");
  });

  test("foreign, forged and policy-less tokens get the STS error and no credentials", async () => {
    const real = await idp.idToken(CLIENT_ID, "alice");
    const [header, , signature] = real.split(".");
    const tampered = `${header}.${Buffer.from(JSON.stringify({ ...decodeJwt(real), policy: "consoleAdmin" })).toString("base64url")}.${signature}`;
    // The provider's own claims and kid, signed by a key that is not the provider's.
    const { privateKey } = await generateKeyPair("RS256");
    const resigned = await new SignJWT(decodeJwt(real)).setProtectedHeader(decodeProtectedHeader(real) as never).sign(privateKey);
    const cases: [string, Record<string, string>, string, string][] = [
      ["another audience", { WebIdentityToken: await idp.idToken("other-app", "alice") }, "InvalidIdentityToken", `does not include client id "${CLIENT_ID}"`],
      ["another provider", { WebIdentityToken: await foreignIdp.idToken(CLIENT_ID, "alice") }, "InvalidIdentityToken", ""],
      ["another key", { WebIdentityToken: resigned }, "InvalidIdentityToken", "signature"],
      ["a tampered payload", { WebIdentityToken: tampered }, "InvalidIdentityToken", "signature"],
      ["not a JWT", { WebIdentityToken: "not-a-token" }, "InvalidIdentityToken", "JWT"],
      ["no policy claim", { WebIdentityToken: await idp.idToken(CLIENT_ID, "nopolicy") }, "InvalidParameterValue", '"policy" claim'],
      ["only undefined policies", { WebIdentityToken: await idp.idToken(CLIENT_ID, "ghost") }, "InvalidParameterValue", "None of the given policies"],
      ["no token", {}, "MissingParameter", "WebIdentityToken"],
    ];
    for (const [what, params, code, text] of cases) {
      const r = await sts(h, { Action: "AssumeRoleWithWebIdentity", ...params });
      expect({ what, status: r.status, code: r.code, creds: r.creds }).toEqual({ what, status: 400, code, creds: undefined });
      expect(r.message).toContain(text);
    }
    expect(await webIdentity(h, { token: tampered })).toBe("InvalidIdentityToken");
    expect((await sts(h, { Action: "AssumeRoleWithClientGrants", Token: tampered })).code).toBe("InvalidIdentityToken");
  });

  test("role-policy mode: the RoleArn must be the configured role; every token gets the role's policies", async () => {
    const arn = role.cfg.openid!.roleArn!;
    expect(arn).toMatch(/^arn:minio:iam:::role\/[\w-]+$/);
    // A token without a policy claim is fine here: the role decides.
    const token = await idp.idToken(CLIENT_ID, "nopolicy");
    const creds = await webIdentity(role, { token, roleArn: arn });
    if (typeof creds === "string") throw new Error(`AssumeRoleWithWebIdentity failed: ${creds}`);
    expect(await attempt(creds, get("public/p.txt"), role)).toBe("allow");
    expect(await attempt(creds, get("home/nopolicy/x.txt"), role)).toBe("AccessDenied");
    // alice's claim names home-rw too, but the role's policies are what count.
    const alice = await sts(role, { Action: "AssumeRoleWithWebIdentity", WebIdentityToken: await idp.idToken(CLIENT_ID, "alice"), RoleArn: arn });
    expect(pick(alice.body, "Arn")).toBe(arn);
    expect(await attempt(alice.creds!, get("home/alice/a.txt"), role)).toBe("AccessDenied");
    for (const roleArn of ["arn:minio:iam:::role/not-this-one", ""]) {
      const r = await sts(role, { Action: "AssumeRoleWithWebIdentity", WebIdentityToken: token, ...(roleArn ? { RoleArn: roleArn } : {}) });
      expect({ code: r.code, creds: r.creds }).toEqual({ code: "InvalidParameterValue", creds: undefined });
      expect(r.message).toContain("RoleArn");
    }
    expect(await webIdentity(role, { token, roleArn: "arn:minio:iam:::role/not-this-one" })).toBe("InvalidParameterValue");
  });

  test("an expired token is refused; credentials that lasted as long as their token are refused by S3", async () => {
    const token = await idp.idToken(CLIENT_ID, "shorty");
    const r = await sts(h, { Action: "AssumeRoleWithWebIdentity", WebIdentityToken: token });
    expect(r.status).toBe(200);
    expect(await attempt(r.creds!, get("public/p.txt"))).toBe("allow");
    // Wait out the token (and so the credentials, which expire with it).
    await Bun.sleep(Math.max(0, decodeJwt(token).exp! * 1000 - Date.now()) + 1100);
    const late = await sts(h, { Action: "AssumeRoleWithWebIdentity", WebIdentityToken: token });
    expect({ status: late.status, code: late.code, creds: late.creds }).toEqual({ status: 400, code: "ExpiredTokenException", creds: undefined });
    expect(late.message).toContain("Token expired");
    expect(await webIdentity(h, { token })).toBe("ExpiredTokenException");
    expect(await attempt(r.creds!, get("public/p.txt"))).toBe("ExpiredToken");
  }, 60_000);
});
