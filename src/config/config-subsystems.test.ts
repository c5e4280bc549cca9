// The registry of honoured subsystems and the edits and answers built on it: MinIO's variable names,
// what set/del/set-config refuse, get-config-kv's text with env lines, help in madmin.Help's shape.
import { describe, expect, test } from "bun:test";
import { ConfigKvError, parseConfigJson, parseKvText, type ConfigDoc } from "./config-kv.ts";
import { applyDelete, applySet, configHelp, renderAll, renderGet, replaceAll } from "./config-kv-edit.ts";
import { MINIO_ONLY_SUBSYSTEMS, SUBSYSTEMS, envNameOf, subsystemOf } from "./config-subsystems.ts";

const doc = (json: string): ConfigDoc => parseConfigJson(new TextEncoder().encode(json));

function errorOf(fn: () => unknown): ConfigKvError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigKvError) return err;
    throw err;
  }
  throw new Error("expected a ConfigKvError");
}

describe("registry", () => {
  test("MinIO's variable names", () => {
    expect(envNameOf("storage_class", "_", "standard")).toBe("MINIO_STORAGE_CLASS_STANDARD");
    expect(envNameOf("identity_openid", "_", "config_url")).toBe("MINIO_IDENTITY_OPENID_CONFIG_URL");
    expect(envNameOf("identity_ldap", "_", "server_addr")).toBe("MINIO_IDENTITY_LDAP_SERVER_ADDR");
    expect(envNameOf("notify_webhook", "primary", "endpoint")).toBe("MINIO_NOTIFY_WEBHOOK_ENDPOINT_primary");
    const key = (s: string, k: string) => subsystemOf(s)!.keys.find((x) => x.key === k)!;
    expect(key("site", "region").storeAs).toBe("MINIO_SITE_REGION");
    expect(key("region", "name").storeAs).toBe("MINIO_SITE_REGION");
    expect(key("heal", "bitrotscan").readBy).toEqual(["BUNKER_SCANNER_DEEP_EVERY", "MINIO_HEAL_BITROTSCAN"]);
    expect(key("storage_class", "standard").readBy).toEqual(["BUNKER_STORAGE_CLASS_STANDARD", "MINIO_STORAGE_CLASS_STANDARD"]);
    expect(key("identity_ldap", "lookup_bind_password").secret).toBe(true);
    expect(key("identity_openid", "client_secret").secret).toBe(true);
  });

  test("every subsystem has a comment key, stored only; no name is both honoured and MinIO-only", () => {
    for (const s of SUBSYSTEMS) {
      const c = s.keys.find((k) => k.key === "comment");
      expect(c?.storeAs).toBeUndefined();
      expect(MINIO_ONLY_SUBSYSTEMS.has(s.name)).toBe(false);
      for (const k of s.keys) if (k.storeAs) expect(k.readBy).toContain(k.storeAs);
    }
  });
});

describe("set, delete, replace", () => {
  test("set merges keys and reports the subsystems it touched", () => {
    const before = doc(`{"storage_class":{"_":[{"key":"rrs","value":"EC:1"}]}}`);
    const { doc: after, changed } = applySet(before, 'storage_class standard=EC:1\nsite region=eu-1 comment="our region"');
    expect(after.get("storage_class")?.get("_")).toEqual([
      { key: "rrs", value: "EC:1" },
      { key: "standard", value: "EC:1" },
    ]);
    expect(after.get("site")?.get("_")).toEqual([
      { key: "region", value: "eu-1" },
      { key: "comment", value: "our region" },
    ]);
    expect([...changed]).toEqual(["storage_class", "site"]);
    expect(before.get("storage_class")?.get("_")).toHaveLength(1);
  });

  test("unknown or unimplemented subsystems, targets, keys and values are refused", () => {
    const empty: ConfigDoc = new Map();
    expect(errorOf(() => applySet(empty, "nosuch x=1")).kind).toBe("UnknownSubsystem");
    expect(errorOf(() => applySet(empty, "notify_webhook:1 endpoint=http://h")).kind).toBe("Unsupported");
    expect(errorOf(() => applySet(empty, "scanner speed=fast")).kind).toBe("Unsupported");
    expect(errorOf(() => applySet(empty, "identity_openid:okta client_id=x")).kind).toBe("Unsupported");
    expect(errorOf(() => applySet(empty, "storage_class class=x")).kind).toBe("UnknownKey");
    expect(errorOf(() => applySet(empty, "identity_openid vendor=keycloak")).kind).toBe("UnknownKey");
    expect(errorOf(() => applySet(empty, "storage_class standard=EC:x")).kind).toBe("InvalidValue");
    expect(errorOf(() => applySet(empty, "storage_class optimize=speed")).kind).toBe("InvalidValue");
    expect(errorOf(() => applySet(empty, "heal bitrotscan=12m")).kind).toBe("InvalidValue");
    expect(errorOf(() => applySet(empty, "storage_class")).kind).toBe("Syntax");
    expect(errorOf(() => applySet(empty, "  \n# only a comment")).kind).toBe("Syntax");
    // One bad line refuses the whole text.
    expect(errorOf(() => applySet(empty, "site region=eu-1\ncallhome enable=on")).kind).toBe("Unsupported");
  });

  test("delete: a subsystem, some keys, another server's entry; unknown names refused", () => {
    const before = doc(
      `{"storage_class":{"_":[{"key":"standard","value":"EC:1"},{"key":"rrs","value":"EC:1"}]},"notify_webhook":{"1":[{"key":"endpoint","value":"h"}]}}`,
    );
    expect(applyDelete(before, "storage_class rrs").doc.get("storage_class")?.get("_")).toEqual([{ key: "standard", value: "EC:1" }]);
    const gone = applyDelete(before, "storage_class");
    expect(gone.doc.has("storage_class")).toBe(false);
    expect([...gone.changed]).toEqual(["storage_class"]);
    expect(applyDelete(before, "notify_webhook:1").doc.has("notify_webhook")).toBe(false);
    expect(applyDelete(before, "site").doc.has("site")).toBe(false);
    expect(errorOf(() => applyDelete(before, "notify_webhook:2")).kind).toBe("NotStored");
    expect(errorOf(() => applyDelete(before, "nosuch")).kind).toBe("UnknownSubsystem");
    expect(errorOf(() => applyDelete(before, "storage_class nokey")).kind).toBe("UnknownKey");
    expect(errorOf(() => applyDelete(before, "storage_class standard=EC:1")).kind).toBe("Syntax");
  });

  test("replace: honoured subsystems become the text's, other entries stay", () => {
    const before = doc(
      `{"site":{"_":[{"key":"name","value":"a"}]},"identity_openid":{"_":[{"key":"vendor","value":"keycloak"},{"key":"client_id","value":"x"}]},"callhome":{"_":[{"key":"enable","value":"on"}]}}`,
    );
    const { doc: after, changed } = replaceAll(before, "identity_openid client_id=y config_url=http://idp/.well-known/openid-configuration");
    expect(after.has("site")).toBe(false);
    expect(after.get("callhome")?.get("_")).toEqual([{ key: "enable", value: "on" }]);
    expect(after.get("identity_openid")?.get("_")).toEqual([
      { key: "vendor", value: "keycloak" },
      { key: "client_id", value: "y" },
      { key: "config_url", value: "http://idp/.well-known/openid-configuration" },
    ]);
    expect(changed.has("site") && changed.has("identity_openid")).toBe(true);
    expect(errorOf(() => replaceAll(before, "callhome enable=off")).kind).toBe("Unsupported");
  });
});

describe("answers", () => {
  const stored = doc(
    `{"storage_class":{"_":[{"key":"standard","value":"EC:1"},{"key":"comment","value":"two drives may fail"}]},"identity_openid":{"_":[{"key":"vendor","value":"keycloak"}],"okta":[{"key":"client_id","value":"o"}]},"notify_webhook":{"1":[{"key":"endpoint","value":"http://h"}]}}`,
  );

  test("get-config-kv: every key, stored or default, readable by madmin's parser; env lines when asked", () => {
    const text = renderGet(stored, "storage_class");
    expect(text).toBe('storage_class standard=EC:1 rrs= optimize=availability inline_block=128KiB comment="two drives may fail"\n');
    expect(parseKvText(text)[0].pairs.find((p) => p.key === "comment")?.value).toBe("two drives may fail");
    const env: Record<string, string> = { MINIO_STORAGE_CLASS_STANDARD: "EC:2", BUNKER_STORAGE_CLASS_RRS: "EC:1" };
    const withEnv = renderGet(stored, "storage_class", (readBy) => {
      const name = readBy.find((n) => env[n]);
      return name ? { name, value: env[name] } : undefined;
    });
    expect(withEnv.split("\n").slice(0, 2)).toEqual(["# MINIO_STORAGE_CLASS_STANDARD=EC:2", "# env BUNKER_STORAGE_CLASS_RRS=EC:1 overrides storage_class rrs"]);
    expect(
      renderGet(stored, "identity")
        .split("\n")
        .filter((l) => !l.startsWith("#") && l !== ""),
    ).toHaveLength(2);
    expect(renderGet(stored, "identity_openid")).toContain("# not applied (not implemented here): identity_openid vendor=keycloak");
  });

  test("get-config-kv refuses what is not honoured, saying when the file keeps it", () => {
    expect(errorOf(() => renderGet(stored, "notify_webhook:1")).message).toContain("kept");
    expect(errorOf(() => renderGet(stored, "nosuch")).kind).toBe("UnknownSubsystem");
    expect(errorOf(() => renderGet(stored, "identity_openid:okta")).kind).toBe("Unsupported");
  });

  test("get-config: stored values, the rest marked as not applied", () => {
    expect(renderAll(stored).split("\n")).toEqual([
      'storage_class standard=EC:1 comment="two drives may fail"',
      "# not applied (not implemented here): identity_openid vendor=keycloak",
      "# not applied (not implemented here): identity_openid:okta client_id=o",
      "# not applied (not implemented here): notify_webhook:1 endpoint=http://h",
      "",
    ]);
    expect(renderAll(new Map())).toBe("");
  });

  test("help has exactly madmin.Help's fields", () => {
    const h = configHelp("storage_class", "", false);
    expect(Object.keys(h).sort()).toEqual(["description", "keysHelp", "multipleTargets", "subSys"]);
    for (const k of h.keysHelp) expect(Object.keys(k).sort()).toEqual(["description", "key", "multipleTargets", "optional", "type"]);
    expect(h.keysHelp.map((k) => k.key)).toEqual(["standard", "rrs", "optimize", "inline_block", "comment"]);
    expect(configHelp("storage_class", "rrs", false).keysHelp.map((k) => k.key)).toEqual(["rrs"]);
    expect(configHelp("storage_class", "", true).keysHelp.map((k) => k.key)).toEqual([
      "MINIO_STORAGE_CLASS_STANDARD",
      "MINIO_STORAGE_CLASS_RRS",
      "MINIO_STORAGE_CLASS_OPTIMIZE",
      "MINIO_STORAGE_CLASS_INLINE_BLOCK",
    ]);
    expect(configHelp("region", "", true).keysHelp.map((k) => k.key)).toEqual(["MINIO_SITE_REGION"]);
    expect(configHelp("", "", false).keysHelp.map((k) => k.key)).toEqual(SUBSYSTEMS.map((s) => s.name));
    expect(configHelp("identity_ldap", "server_addr", false).keysHelp[0].optional).toBe(false);
    expect(errorOf(() => configHelp("callhome", "", false)).kind).toBe("Unsupported");
    expect(errorOf(() => configHelp("site", "nokey", false)).kind).toBe("UnknownKey");
  });
});
