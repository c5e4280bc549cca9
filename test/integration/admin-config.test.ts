// The server configuration through MinIO's own admin client (madmin-go): set-config-kv stores
// storage_class standard=EC:1 in .minio.sys/config/config.json, the next start on the same drives
// writes new objects with parity 1, a variable set wins over it, bad input is refused with nothing
// stored, another server's config.json entries are kept, and with a KMS the file is encrypted.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { CreateBucketCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { BuiltinKms, readConfigBytes } from "../../src/crypto/index.ts";
import type { ObjectStore } from "../../src/object/index.ts";
import { buildMadminClient, madmin, madminMissing, type MadminResult } from "../support/madmin-client.ts";
import { ROOT_PASSWORD, ROOT_USER, pattern, startS3, type S3Harness } from "../support/s3-harness.ts";
import { TempDirs } from "../support/temp-dirs.ts";

const missing = madminMissing();
const skip = missing !== null && !process.env.CI;
if (skip) console.warn(`SKIP admin config tests: ${missing} (set CI=1 to make this a failure)`);

const root = { accessKey: ROOT_USER, secretKey: ROOT_PASSWORD };
const CONFIG = "config/config.json";
const KMS_KEY = `config-test-key:${Buffer.alloc(32, 9).toString("base64")}`;
const temp = new TempDirs();
let bin: string;
let h: S3Harness;

async function admin(command: string, args?: unknown, creds = root): Promise<MadminResult> {
  return madmin(bin, h.endpoint, creds, command, args);
}

async function ok(command: string, args?: unknown) {
  const r = await admin(command, args);
  if (!r.ok) throw new Error(`${command} failed: ${r.error.code}: ${r.error.message}`);
  return r.result;
}

async function refused(command: string, args: unknown): Promise<{ code: string; message: string; status: number }> {
  const r = await admin(command, args);
  if (r.ok) throw new Error(`${command} ${JSON.stringify(args)} was accepted`);
  return r.error;
}

/** Restarts the server on the same drives (with `env` on top of the root credentials). */
async function restart(env: Record<string, string> = {}): Promise<void> {
  const drives = h.drives;
  await h.close();
  h = await startS3(temp, { env, driveArgs: () => drives });
}

/** Writes an object and reads the parity its xl.meta records, from the drives themselves. */
async function parityOfNewObject(key: string): Promise<number> {
  await h.client().send(new PutObjectCommand({ Bucket: "data", Key: key, Body: pattern(300_000) }));
  for (const drive of (h.bunker.store as ObjectStore).sets[0].drives) {
    const fi = await drive?.readVersion("data", key, "", { readData: false }).catch(() => undefined);
    if (fi?.erasure) return fi.erasure.parityBlocks;
  }
  throw new Error(`no drive holds ${key}`);
}

const rawConfig = async () => h.bunker.store.readSystem(CONFIG);
const storedJson = async () => JSON.parse(new TextDecoder().decode((await rawConfig()) ?? new TextEncoder().encode("{}")));

describe.skipIf(skip)("server configuration through madmin", () => {
  beforeAll(async () => {
    if (missing !== null) throw new Error(`${missing}; CI must install it`);
    bin = (await buildMadminClient())!;
    h = await startS3(temp);
    await h.client().send(new CreateBucketCommand({ Bucket: "data" }));
  });
  afterAll(async () => {
    await h?.close();
    temp.cleanup();
  });

  test("help-config-kv answers madmin decodes strictly", async () => {
    const help = await ok("help-config-kv", { subSys: "storage_class", key: "" });
    expect(help.subSys).toBe("storage_class");
    expect(help.keysHelp.map((k: { key: string }) => k.key)).toEqual(["standard", "rrs", "optimize", "inline_block", "comment"]);
    const env = await ok("help-config-kv", { subSys: "storage_class", key: "standard", envOnly: true });
    expect(env.keysHelp).toEqual([expect.objectContaining({ key: "MINIO_STORAGE_CLASS_STANDARD", optional: true, type: "string" })]);
    const all = await ok("help-config-kv", { subSys: "", key: "" });
    expect(all.keysHelp.map((k: { key: string }) => k.key)).toContain("identity_ldap");
    expect((await refused("help-config-kv", { subSys: "notify_webhook", key: "" })).code).toBe("XMinioConfigError");
  });

  test("storage_class standard=EC:1 is stored, needs a restart, and new objects then get parity 1", async () => {
    expect(await parityOfNewObject("before")).toBe(2);
    expect(await ok("set-config-kv", { kv: 'storage_class standard=EC:1 comment="one drive may fail"' })).toEqual({ restart: true });
    const text = await ok("get-config-kv", { key: "storage_class" });
    expect(text).toContain("standard=EC:1");
    expect(text).toContain('comment="one drive may fail"');
    expect(await storedJson()).toEqual({
      storage_class: {
        _: [
          { key: "standard", value: "EC:1" },
          { key: "comment", value: "one drive may fail" },
        ],
      },
    });
    expect((await h.bunker.store.listSystem("config/history/")).length).toBe(1);
    // Not applied before the restart: madmin said so.
    expect(await parityOfNewObject("still-before")).toBe(2);
    await restart();
    expect(await parityOfNewObject("after")).toBe(1);
    expect(h.bunker.config.storageClass.standard).toBe("EC:1");
  });

  test("a variable set wins over the stored value, and get-config-kv marks it", async () => {
    await restart({ MINIO_STORAGE_CLASS_STANDARD: "EC:2" });
    expect(await parityOfNewObject("env-wins")).toBe(2);
    const text: string = await ok("get-config-kv", { key: "storage_class", env: true });
    expect(text.split("\n")[0]).toBe("# MINIO_STORAGE_CLASS_STANDARD=EC:2");
    expect(text).toContain("storage_class standard=EC:1");
    await restart();
    expect(await parityOfNewObject("stored-again")).toBe(1);
  });

  test("unknown subsystems and keys, unimplemented ones and bad values are refused with nothing stored", async () => {
    const before = await rawConfig();
    const cases: [string, string][] = [
      ["nosuch key=1", "XMinioConfigError"],
      ["notify_webhook:1 endpoint=http://127.0.0.1:1/ enable=on", "XMinioConfigError"],
      ["scanner speed=fast", "XMinioConfigError"],
      ["api list_quorum=reduced", "XMinioConfigError"],
      ["api requests_max=many", "XMinioAdminConfigBadJSON"],
      ["storage_class standard=EC:1 class=x", "XMinioConfigError"],
      ["storage_class standard=EC:3", "XMinioAdminConfigBadJSON"],
      ["storage_class standard=EC:two", "XMinioAdminConfigBadJSON"],
      ["storage_class optimize=speed", "XMinioAdminConfigBadJSON"],
      ["site region=eu-1\nidentity_ldap server_addr=ldap.example.com", "XMinioAdminConfigBadJSON"],
      ['site comment="unterminated', "XMinioConfigError"],
    ];
    for (const [kv, code] of cases) {
      const err = await refused("set-config-kv", { kv });
      expect({ kv, code: err.code, status: err.status }).toEqual({ kv, code, status: 400 });
      expect(err.message.length).toBeGreaterThan(10);
    }
    expect((await refused("set-config-kv", { kv: "storage_class standard=EC:3" })).message).toContain("at most 2");
    // A body not encrypted with the caller's secret key.
    const plain = await ok("raw", { method: "PUT", path: "/v3/set-config-kv", body: "storage_class standard=EC:1" });
    expect([plain.status, JSON.parse(plain.body).Code]).toEqual([400, "XMinioAdminConfigBadJSON"]);
    expect((await refused("get-config-kv", { key: "callhome" })).code).toBe("XMinioConfigError");
    expect((await refused("del-config-kv", { key: "nosuch" })).code).toBe("XMinioConfigError");
    expect(Buffer.from((await rawConfig())!).equals(Buffer.from(before!))).toBe(true);
    expect((await h.bunker.store.listSystem("config/history/")).length).toBe(1);
  });

  test("a user without admin:ConfigUpdate is denied every config call", async () => {
    const bob = { accessKey: "bob", secretKey: "bob-secret-key" };
    await ok("add-user", bob);
    await ok("set-policy", { policy: "readwrite", entity: "bob", isGroup: false });
    for (const [command, args] of [
      ["get-config-kv", { key: "storage_class" }],
      ["set-config-kv", { kv: "storage_class standard=EC:2" }],
      ["del-config-kv", { key: "storage_class" }],
      ["help-config-kv", { subSys: "storage_class", key: "" }],
      ["get-config", undefined],
    ] as const) {
      const r = await admin(command, args, bob);
      expect({ command, code: r.ok ? "accepted" : r.error.code }).toEqual({ command, code: "AccessDenied" });
    }
  });

  test("secrets are shown to the admin who asks, encrypted for them", async () => {
    const ldap =
      "identity_ldap server_addr=ldap.example.com:636 lookup_bind_dn=cn=reader,dc=example,dc=com lookup_bind_password=bind-pw-42 " +
      "user_dn_search_base_dn=ou=people,dc=example,dc=com user_dn_search_filter=(uid=%s)";
    await ok("set-config-kv", { kv: ldap });
    const text: string = await ok("get-config-kv", { key: "identity_ldap" });
    expect(text).toContain("lookup_bind_password=bind-pw-42");
    const raw = await ok("raw", { method: "GET", path: "/v3/get-config-kv", query: { key: "identity_ldap" } });
    expect(raw.body).not.toContain("bind-pw-42");
    await ok("del-config-kv", { key: "identity_ldap" });
    expect(await ok("get-config-kv", { key: "identity_ldap" })).toContain("lookup_bind_password= ");
  });

  test("del-config-kv returns storage_class to the default", async () => {
    expect(await ok("del-config-kv", { key: "storage_class" })).toEqual({ restart: true });
    expect(await ok("get-config-kv", { key: "storage_class" })).toBe("storage_class standard= rrs= optimize=availability inline_block=128KiB comment=\n");
    await restart();
    expect(await parityOfNewObject("default-again")).toBe(2);
  });

  test("a config.json MinIO wrote with subsystems we do not implement is kept and does not stop the server", async () => {
    const minio = {
      callhome: { _: [{ key: "enable", value: "on" }] },
      // MinIO stores every api key, at its default unless set: nothing for us to apply or report.
      api: {
        _: [
          { key: "requests_max", value: "0" },
          { key: "list_quorum", value: "strict" },
          { key: "root_access", value: "on" },
        ],
      },
      notify_webhook: {
        "1": [
          { key: "endpoint", value: "http://127.0.0.1:1/hook" },
          { key: "auth_token", value: "hook-token" },
        ],
      },
      identity_openid: {
        _: [
          { key: "vendor", value: "" },
          { key: "claim_userinfo", value: "" },
        ],
      },
      storage_class: {
        _: [
          { key: "standard", value: "EC:1" },
          { key: "rrs", value: "EC:1" },
        ],
      },
    };
    await h.bunker.store.writeSystem(CONFIG, new TextEncoder().encode(JSON.stringify(minio)));
    await restart();
    expect(await parityOfNewObject("minio-config")).toBe(1);
    const all: string = await ok("get-config");
    expect(all).toContain("storage_class standard=EC:1 rrs=EC:1");
    expect(all).toContain("# not applied (not implemented here): notify_webhook:1 endpoint=http://127.0.0.1:1/hook auth_token=hook-token");
    expect(all).toContain("# not applied (not implemented here): callhome enable=on");
    expect(all).toContain("# not applied (not implemented here): api list_quorum=strict");
    await ok("set-config-kv", { kv: "site region=eu-central-1" });
    const after = await storedJson();
    expect(after.api).toEqual(minio.api);
    expect(after.callhome).toEqual(minio.callhome);
    expect(after.notify_webhook).toEqual(minio.notify_webhook);
    expect(after.identity_openid).toEqual(minio.identity_openid);
    expect(after.site).toEqual({ _: [{ key: "region", value: "eu-central-1" }] });
    // set-config replaces what we honour and still keeps the rest.
    await ok("set-config", { config: "storage_class standard=EC:2\n" });
    const replaced = await storedJson();
    expect(replaced.site).toBeUndefined();
    expect(replaced.storage_class).toEqual({ _: [{ key: "standard", value: "EC:2" }] });
    expect(replaced.notify_webhook).toEqual(minio.notify_webhook);
    expect((await refused("set-config", { config: "callhome enable=off\n" })).code).toBe("XMinioConfigError");
    await ok("del-config-kv", { key: "notify_webhook:1" });
    expect((await storedJson()).notify_webhook).toBeUndefined();
  });

  test("compression enable=on (mc admin config set compression …) compresses new matching objects after a restart; a variable wins", async () => {
    const compressed = async (key: string) => {
      await h.client().send(new PutObjectCommand({ Bucket: "data", Key: key, Body: "a log line that repeats\n".repeat(2000) }));
      return (await h.bunker.store.getObjectInfo("data", key, { stored: (info) => ({ info, range: null }) })).compression;
    };
    expect(await compressed("before.log")).toBeUndefined();
    expect(await ok("set-config-kv", { kv: "compression enable=on extensions=.log mime_types=" })).toEqual({ restart: true });
    expect((await refused("set-config-kv", { kv: "compression enable=maybe" })).code).toBe("XMinioAdminConfigBadJSON");
    await restart();
    expect(await compressed("after.log")).toBe("klauspost/compress/s2");
    expect(await compressed("after.dat")).toBeUndefined(); // neither the extension nor a MIME type matches
    await restart({ MINIO_COMPRESS_ENABLE: "off" });
    expect(await compressed("env.log")).toBeUndefined();
    await ok("del-config-kv", { key: "compression" });
  });

  test("with MINIO_KMS_SECRET_KEY, config.json is KMS-encrypted and read back at the next start", async () => {
    await restart({ MINIO_KMS_SECRET_KEY: KMS_KEY });
    const earlier = new Set(await h.bunker.store.listSystem("config/history/"));
    await ok("set-config-kv", { kv: "storage_class standard=EC:1\nheal bitrotscan=on" });
    const raw = (await rawConfig())!;
    expect(raw[0]).toBe(0x01);
    expect(() => JSON.parse(new TextDecoder().decode(raw))).toThrow();
    const plain = await readConfigBytes(raw, { kms: new BuiltinKms(KMS_KEY), objPath: CONFIG });
    expect(JSON.parse(new TextDecoder().decode(plain)).heal).toEqual({ _: [{ key: "bitrotscan", value: "on" }] });
    const added = (await h.bunker.store.listSystem("config/history/")).filter((n) => !earlier.has(n));
    expect(added).toHaveLength(1);
    expect(added[0]).toMatch(/^config\/history\/[0-9a-f-]{36}\.kv$/);
    expect((await h.bunker.store.readSystem(added[0]))![0]).toBe(0x01);
    await restart({ MINIO_KMS_SECRET_KEY: KMS_KEY });
    expect(await parityOfNewObject("kms")).toBe(1);
    expect(h.bunker.config.scanner.deepEvery).toBe(1);
    expect(await ok("get-config-kv", { key: "heal" })).toBe("heal bitrotscan=on comment=\n");
  });
});
