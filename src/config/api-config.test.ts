// The api subsystem: MinIO's MINIO_API_* names and defaults, what each value parses to, what is
// refused (at start with a ConfigError, at set time with nothing stored), and MinIO's other keys.
import { describe, expect, test } from "bun:test";
import { apiOf, MINIO_ONLY_API_KEYS, parseCorsOrigins, parseMaxVersions, UNLIMITED_VERSIONS } from "./api-config.ts";
import { ConfigError } from "./config-error.ts";
import type { Env } from "./config-flags.ts";
import { ConfigKvError, parseConfigJson, type ConfigDoc } from "./config-kv.ts";
import { applySet, configHelp, renderGet } from "./config-kv-edit.ts";
import { checkStored, effectiveConfig, foreignEntries } from "./config-stored.ts";
import { subsystemOf } from "./config-subsystems.ts";
import { loadConfig, type ServerConfig } from "./config.ts";

function base(env: Env = {}): ServerConfig {
  const cfg = loadConfig(
    ["bunker", "server", "/srv/d{1...4}"],
    { MINIO_ROOT_USER: "admin", MINIO_ROOT_PASSWORD: "password1", ...env },
    {
      cwd: "/srv",
      defaultsHome: "/home/u",
      localAddresses: new Set(["localhost"]),
      readFile: () => undefined,
      exists: () => false,
    },
  );
  if (cfg.command !== "server") throw new Error("expected a server config");
  return cfg;
}

const doc = (json: unknown): ConfigDoc => parseConfigJson(new TextEncoder().encode(JSON.stringify(json)));

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error("expected a ConfigError");
}

function kvError(fn: () => unknown): ConfigKvError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigKvError) return err;
    throw err;
  }
  throw new Error("expected a ConfigKvError");
}

describe("from the environment", () => {
  test("defaults: automatic requests, 10 s deadline, any origin, root allowed, no version limit", () => {
    expect(base().api).toEqual({ requestsMax: 0, requestsDeadlineMs: 10_000, corsAllowOrigins: ["*"], rootAccess: true, objectMaxVersions: undefined });
    expect(Object.isFrozen(base().api)).toBe(true);
  });

  test("MinIO's variables, BUNKER_ spellings first", () => {
    const api = base({
      MINIO_API_REQUESTS_MAX: "40",
      BUNKER_API_REQUESTS_MAX: "8",
      MINIO_API_REQUESTS_DEADLINE: "1m30s",
      MINIO_API_CORS_ALLOW_ORIGIN: "https://app.example.com, https://*.example.org",
      MINIO_API_ROOT_ACCESS: "off",
      MINIO_API_OBJECT_MAX_VERSIONS: "100",
    }).api;
    expect(api).toEqual({
      requestsMax: 8,
      requestsDeadlineMs: 90_000,
      corsAllowOrigins: ["https://app.example.com", "https://*.example.org"],
      rootAccess: false,
      objectMaxVersions: 100,
    });
  });

  test("a deadline of 0 is MinIO's default; its int64 maximum of versions is no limit", () => {
    expect(base({ MINIO_API_REQUESTS_DEADLINE: "0s" }).api.requestsDeadlineMs).toBe(10_000);
    expect(base({ MINIO_API_OBJECT_MAX_VERSIONS: UNLIMITED_VERSIONS }).api.objectMaxVersions).toBeUndefined();
    expect(parseMaxVersions("9007199254740991")).toEqual({ max: 9007199254740991 });
  });

  test.each([
    ["MINIO_API_REQUESTS_MAX", "-1"],
    ["MINIO_API_REQUESTS_MAX", "ten"],
    ["MINIO_API_REQUESTS_DEADLINE", "10"],
    ["MINIO_API_REQUESTS_DEADLINE", "-5s"],
    ["MINIO_API_CORS_ALLOW_ORIGIN", "https://a.example.com,,https://b.example.com"],
    ["MINIO_API_CORS_ALLOW_ORIGIN", "https://a example.com"],
    ["MINIO_API_ROOT_ACCESS", "maybe"],
    ["MINIO_API_ROOT_ACCESS", "true"],
    ["MINIO_API_OBJECT_MAX_VERSIONS", "0"],
    ["MINIO_API_OBJECT_MAX_VERSIONS", "9223372036854775808"],
  ])("%s=%s stops the server with a ConfigError naming it", (name, value) => {
    const err = configError(() => base({ [name]: value }));
    expect(err.kind).toBe("InvalidEnv");
    expect(err.message).toContain(`Invalid ${name} "${value}"`);
  });

  test("MinIO's other api variables are named as ignored", () => {
    const warnings: string[] = [];
    apiOf({ MINIO_API_LIST_QUORUM: "reduced", MINIO_API_SECURE_CIPHERS: "off", MINIO_API_REQUESTS_MAX: "5" }, warnings);
    expect(warnings).toEqual([
      "MINIO_API_LIST_QUORUM is ignored: the api list_quorum setting is not implemented by this server",
      "MINIO_API_SECURE_CIPHERS is ignored: TLS cipher suites are not configurable on this server",
    ]);
  });

  test("origins: trimmed, none empty", () => {
    expect(parseCorsOrigins("*")).toEqual({ origins: ["*"] });
    expect("problem" in parseCorsOrigins(" , ")).toBe(true);
  });
});

describe("the registry and config.json", () => {
  test("keys, types, MinIO's defaults and variables", () => {
    const spec = subsystemOf("api")!;
    expect(spec.keys.map((k) => [k.key, k.type, k.default, k.storeAs])).toEqual([
      ["requests_max", "number", "0", "MINIO_API_REQUESTS_MAX"],
      ["requests_deadline", "duration", "10s", "MINIO_API_REQUESTS_DEADLINE"],
      ["cors_allow_origin", "csv", "*", "MINIO_API_CORS_ALLOW_ORIGIN"],
      ["root_access", "on|off", "on", "MINIO_API_ROOT_ACCESS"],
      ["object_max_versions", "number", UNLIMITED_VERSIONS, "MINIO_API_OBJECT_MAX_VERSIONS"],
      ["comment", "sentence", "", undefined],
    ]);
    expect(spec.keys.find((k) => k.key === "requests_max")!.readBy).toEqual(["BUNKER_API_REQUESTS_MAX", "MINIO_API_REQUESTS_MAX"]);
    expect(configHelp("api", "", true).keysHelp.map((k) => k.key)).toContain("MINIO_API_OBJECT_MAX_VERSIONS");
    expect(renderGet(new Map(), "api")).toBe(
      `api requests_max=0 requests_deadline=10s cors_allow_origin=* root_access=on object_max_versions=${UNLIMITED_VERSIONS} comment=\n`,
    );
  });

  test("set: valid values stored; a bad one refused with nothing changed", () => {
    const { doc: after } = applySet(
      new Map(),
      "api requests_max=64 requests_deadline=2s cors_allow_origin=https://a.example.com root_access=off object_max_versions=3",
    );
    expect(
      after
        .get("api")
        ?.get("_")
        ?.map((p) => `${p.key}=${p.value}`),
    ).toEqual(["requests_max=64", "requests_deadline=2s", "cors_allow_origin=https://a.example.com", "root_access=off", "object_max_versions=3"]);
    for (const bad of ["requests_max=-3", "requests_deadline=soon", "cors_allow_origin=a,,b", "root_access=yes", "object_max_versions=0"]) {
      const err = kvError(() => applySet(new Map(), `api ${bad}`));
      expect({ bad, kind: err.kind }).toEqual({ bad, kind: "InvalidValue" });
      expect(err.message).toContain(`Invalid api ${bad.split("=")[0]}`);
    }
  });

  test("every other api key of MinIO is refused as not implemented, nothing stored", () => {
    for (const { key } of MINIO_ONLY_API_KEYS) {
      const err = kvError(() => applySet(new Map(), `api ${key}=1`));
      expect({ key, kind: err.kind }).toEqual({ key, kind: "Unsupported" });
      expect(err.message).toContain("not implemented");
    }
    expect(kvError(() => applySet(new Map(), "api nosuch=1")).kind).toBe("UnknownKey");
  });

  test("stored values apply at start under the environment; an unusable one is left out", () => {
    const eff = effectiveConfig(
      base({ MINIO_API_REQUESTS_DEADLINE: "3s" }),
      doc({
        api: {
          _: [
            { key: "requests_max", value: "12" },
            { key: "requests_deadline", value: "1s" },
            { key: "root_access", value: "off" },
          ],
        },
      }),
    );
    expect(eff.config.api).toMatchObject({ requestsMax: 12, requestsDeadlineMs: 3_000, rootAccess: false });
    expect(eff.applied.map((e) => e.key)).toEqual(["requests_max", "requests_deadline", "root_access"]);
    const bad = effectiveConfig(base(), doc({ api: { _: [{ key: "requests_max", value: "lots" }] } }));
    expect(bad.rejected).toEqual([{ subsys: "api", reason: 'Invalid api requests_max "lots": use a whole number of requests, 0 for automatic' }]);
    expect(bad.config.api.requestsMax).toBe(0);
  });

  test("a config.json as MinIO writes it (every key at its default) changes nothing and is not reported", () => {
    const minio = doc({
      api: {
        _: [
          { key: "requests_max", value: "0" },
          { key: "requests_deadline", value: "10s" },
          { key: "cors_allow_origin", value: "*" },
          { key: "root_access", value: "on" },
          { key: "object_max_versions", value: UNLIMITED_VERSIONS },
          ...MINIO_ONLY_API_KEYS.filter((k) => k.minioDefault !== undefined).map((k) => ({ key: k.key, value: k.minioDefault! })),
          { key: "replication_workers", value: "250" },
        ],
      },
    });
    expect(effectiveConfig(base(), minio).applied).toEqual([]);
    expect(foreignEntries(minio)).toEqual([]);
    expect(foreignEntries(doc({ api: { _: [{ key: "list_quorum", value: "reduced" }] } }))).toEqual(["api list_quorum"]);
    checkStored(base(), minio, new Set(["api"]));
  });
});
