// KesKms against our KES-protocol server over real mTLS on loopback: data keys round-trip and are
// bound to the context, strangers and unknown keys are refused with clear errors, a dead endpoint
// is skipped, an unreachable KES fails fast as "Unavailable", the default key is created at start.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { CryptoError, type CryptoErrorKind, decryptConfig, encryptConfig, KesKms, kmsContextJson } from "../../src/crypto/index.ts";
import { deadEndpoint, identityOfCertificate, KesServer, type KesPki, makeKesPki, startSilentServer } from "../support/kes-server.ts";
import { TempDirs } from "../support/temp-dirs.ts";

const temp = new TempDirs();
let pki: KesPki;
let client: string; // the client certificate's KES identity
const servers: KesServer[] = [];
const ALL = ["/v1/*"];

beforeAll(() => {
  pki = makeKesPki(temp.make("bunker-kes-pki-"));
  client = identityOfCertificate(pki.clientCert);
});
afterAll(async () => {
  for (const s of servers) await s.stop().catch(() => {});
  temp.cleanup();
});

async function kes(policies: Record<string, readonly string[]> = { [client]: ALL }, keys = new Map<string, Uint8Array>()): Promise<KesServer> {
  const s = await KesServer.start({ cert: pki.serverCert, key: pki.serverKey, policies, keys });
  servers.push(s);
  return s;
}

function kms(endpoints: string[], over: Partial<{ cert: string; key: string; keyName: string; timeoutMs: number; ca: string[] | undefined }> = {}): KesKms {
  return new KesKms({ endpoints, keyName: "minio-key", cert: pki.clientCert, key: pki.clientKey, ca: [pki.caCert], ...over });
}

async function failure(p: Promise<unknown>): Promise<CryptoError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CryptoError);
  return err as CryptoError;
}

async function expectKind(p: Promise<unknown>, kind: CryptoErrorKind, message?: RegExp): Promise<CryptoError> {
  const err = await failure(p);
  expect(err.kind).toBe(kind);
  if (message) expect(err.message).toMatch(message);
  return err;
}

describe("over mTLS", () => {
  test("a data key made by KES opens again with the same context, also from a second client", async () => {
    const server = await kes();
    const k = kms([server.url]);
    await k.connect();
    const ctx = { bucket: "bucket/object <&>" };
    const dk = await k.generateKey(ctx);
    expect(dk.plaintext.length).toBe(32);
    expect(await k.decrypt("minio-key", dk.ciphertext, ctx)).toEqual(dk.plaintext);
    expect(await kms([server.url]).decrypt("minio-key", dk.ciphertext, ctx)).toEqual(dk.plaintext);
    // The context travels as base64 of MinIO's context JSON, the bytes KES binds the key to.
    const sent = server.requests.find((r) => r.path === "/v1/key/generate/minio-key" && r.body?.context !== "eyJidW5rZXIiOiJLTVMgc3RhcnQgY2hlY2sifQ==");
    expect(Buffer.from(String(sent?.body?.context), "base64").toString()).toBe(kmsContextJson(ctx));
    expect(sent?.identity).toBe(client);
  });

  test("a wrong context or changed ciphertext fails as Tampered; config objects still round-trip", async () => {
    const server = await kes();
    const k = kms([server.url]);
    await k.createKey();
    const dk = await k.generateKey({ a: "1" });
    await expectKind(k.decrypt("minio-key", dk.ciphertext, { a: "2" }), "Tampered", /authentication failed/);
    const changed = dk.ciphertext.slice();
    changed[0] ^= 1;
    await expectKind(k.decrypt("minio-key", changed, { a: "1" }), "Tampered");
    // decryptConfig tries a second context when the first is Tampered: KES's 400 must map to it.
    const plain = new TextEncoder().encode('{"version":"33"}');
    const sealed = await encryptConfig(k, plain, "config/config.json");
    expect(await decryptConfig(k, sealed, "config/config.json")).toEqual(plain);
  });

  test("an unknown key is WrongKey, for new and for stored data keys", async () => {
    const server = await kes();
    const k = kms([server.url]);
    await expectKind(k.generateKey({}, "no-such-key"), "WrongKey", /KES has no key "no-such-key".*404 "key does not exist"/);
    await expectKind(k.decrypt("no-such-key", new Uint8Array(60), {}), "WrongKey");
  });

  test("a certificate KES does not know is Denied, naming this client's identity", async () => {
    const server = await kes();
    const stranger = kms([server.url], { cert: pki.strangerCert, key: pki.strangerKey });
    const err = await expectKind(stranger.generateKey({}), "Denied", /not authorized/);
    expect(err.message).toContain(stranger.identity);
    expect(stranger.identity).not.toBe(client);
  });

  test("an identity allowed only some calls is refused the others", async () => {
    const server = await kes({ [client]: ["/v1/key/generate/*"] });
    server.keys.set("minio-key", new Uint8Array(32).fill(7));
    const k = kms([server.url]);
    const dk = await k.generateKey({});
    await expectKind(k.decrypt("minio-key", dk.ciphertext, {}), "Denied");
  });

  test("the server asks for a client certificate: a request without one is refused", async () => {
    const server = await kes();
    const res = await fetch(`${server.url}/v1/key/generate/minio-key`, { method: "POST", body: "{}", tls: { ca: [pki.caCert] } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toMatch(/client certificate is required/);
    expect(server.requests.at(-1)?.identity).toBe("");
  });

  test("a server certificate that chains to no trusted CA is Unavailable, with the TLS reason", async () => {
    const server = await kes();
    const err = await expectKind(kms([server.url], { ca: undefined }).generateKey({}), "Unavailable", new RegExp(server.url));
    expect(err.message.toLowerCase()).toMatch(/certificate/);
  });
});

describe("endpoints and start", () => {
  test("a dead endpoint is skipped, and so is a replica that goes away", async () => {
    const keys = new Map<string, Uint8Array>();
    const [a, b] = [await kes(undefined, keys), await kes(undefined, keys)];
    const k = kms([await deadEndpoint(), a.url, b.url]);
    await k.connect();
    const dk = await k.generateKey({ x: "y" });
    await a.stop();
    expect(await k.decrypt("minio-key", dk.ciphertext, { x: "y" })).toEqual(dk.plaintext);
    expect(b.requests.some((r) => r.path.startsWith("/v1/key/decrypt/"))).toBe(true);
  });

  test("a 4xx answer is final: the next endpoint is not asked", async () => {
    const [a, b] = [await kes(), await kes()];
    b.keys.set("minio-key", new Uint8Array(32));
    await expectKind(kms([a.url, b.url]).generateKey({}), "WrongKey");
    expect(b.requests.length).toBe(0);
  });

  test("no endpoint answering is Unavailable within the deadline, naming each endpoint and no key", async () => {
    const silent = await startSilentServer();
    const dead = await deadEndpoint();
    try {
      const k = kms([silent.url, dead], { timeoutMs: 300 });
      const started = Date.now();
      const err = await expectKind(k.decrypt("minio-key", new Uint8Array(76).fill(0xab), { b: "o" }), "Unavailable");
      expect(Date.now() - started).toBeLessThan(5000); // a bound, not a measurement: 300 ms per endpoint
      expect(err.message).toContain(`${silent.url}: no answer within 300 ms`);
      expect(err.message).toContain(dead);
      expect(err.message).not.toMatch(/abab|q6ur/i); // neither hex nor base64 of the ciphertext
    } finally {
      await silent.stop();
    }
  });

  test("connect creates the default key once; an existing key is kept", async () => {
    const server = await kes();
    await kms([server.url]).connect();
    const created = server.keys.get("minio-key");
    expect(created?.length).toBe(32);
    await kms([server.url]).connect();
    expect(server.keys.get("minio-key")).toBe(created!);
    expect(server.requests.filter((r) => r.path === "/v1/key/create/minio-key").length).toBe(2);
    expect(await kms([server.url]).createKey()).toBe("exists");
  });

  test("an identity that may not create keys starts when the key exists, and fails clearly when it does not", async () => {
    const policy = { [client]: ["/v1/key/generate/*", "/v1/key/decrypt/*"] };
    const withKey = await kes(policy, new Map([["minio-key", new Uint8Array(32).fill(1)]]));
    await kms([withKey.url]).connect();
    const without = await kes(policy);
    await expectKind(kms([without.url]).connect(), "WrongKey", /KES has no key "minio-key"/);
  });

  test("status reads /v1/status; key names KES cannot hold are refused before any request", async () => {
    const server = await kes();
    expect((await kms([server.url]).status()).state.version).toBe("kes-protocol-test");
    expect(() => kms([server.url], { keyName: "bad/name" })).toThrow(/not a KES key name/);
    expect(() => kms([server.url], { keyName: "-x" })).toThrow(CryptoError);
  });
});
