import { describe, expect, test } from "bun:test";
import { ConfigKvError, cloneDoc, parseConfigJson, parseKvText, parsePairs, renderConfigJson, renderKvLine, splitHead, type ConfigDoc } from "./config-kv.ts";

function kindOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigKvError) return err.kind;
    throw err;
  }
  return "none";
}

describe("KV text", () => {
  test("subsystem, target and pairs", () => {
    expect(parseKvText("storage_class standard=EC:2 rrs=EC:1")).toEqual([
      {
        subsys: "storage_class",
        target: "_",
        pairs: [
          { key: "standard", value: "EC:2" },
          { key: "rrs", value: "EC:1" },
        ],
      },
    ]);
    expect(splitHead("notify_webhook:1 endpoint=http://x")).toEqual({ subsys: "notify_webhook", target: "1", rest: "endpoint=http://x" });
  });

  test("quotes, '=' inside values, loose words continuing an unquoted value, last value wins", () => {
    expect(parsePairs(`comment="two words" filter=(uid=%s) dn='cn=a b,dc=x'`)).toEqual([
      { key: "comment", value: "two words" },
      { key: "filter", value: "(uid=%s)" },
      { key: "dn", value: "cn=a b,dc=x" },
    ]);
    expect(parsePairs("comment=hello big world k=v")).toEqual([
      { key: "comment", value: "hello big world" },
      { key: "k", value: "v" },
    ]);
    expect(parsePairs("k=1 k=2")).toEqual([{ key: "k", value: "2" }]);
    expect(parsePairs("k= j=")).toEqual([
      { key: "k", value: "" },
      { key: "j", value: "" },
    ]);
  });

  test("several lines; blank lines and comments skipped", () => {
    const lines = parseKvText("# MINIO_SITE_REGION=x\n\nsite region=eu-1\r\nheal bitrotscan=on\n");
    expect(lines.map((l) => l.subsys)).toEqual(["site", "heal"]);
  });

  test("malformed text is refused with the line", () => {
    for (const bad of ['site region="eu', "site =x", 'site name="a"b', "site word", 'site comment="x" loose', "storage_class: x=1", 'site comment=a"b c']) {
      expect(kindOf(() => parseKvText(bad))).toBe("Syntax");
    }
    expect(() => parseKvText("site region=a\nsite =x")).toThrow(/Line 2/);
  });

  test("render quotes what madmin's parser needs quoted and reads back", () => {
    const pairs = [
      { key: "comment", value: "two words" },
      { key: "standard", value: "EC:2" },
      { key: "empty", value: "" },
      { key: "q", value: "'x" },
    ];
    const line = renderKvLine("storage_class", "_", pairs);
    expect(line).toBe(`storage_class comment="two words" standard=EC:2 empty= q="'x"`);
    expect(parseKvText(line)[0].pairs).toEqual(pairs);
    expect(renderKvLine("notify_webhook", "1", [{ key: "enable", value: "on" }])).toBe("notify_webhook:1 enable=on");
  });
});

describe("config.json", () => {
  const minio = `{"storage_class":{"_":[{"key":"standard","value":"EC:2"},{"key":"rrs","value":""}]},"notify_webhook":{"1":[{"key":"endpoint","value":"http://h"}],"_":null},"__proto__":{"_":[]}}`;

  test("reads MinIO's document (a nil list too) and writes it back with every entry", () => {
    const doc = parseConfigJson(new TextEncoder().encode(minio));
    expect(doc.get("storage_class")?.get("_")).toEqual([
      { key: "standard", value: "EC:2" },
      { key: "rrs", value: "" },
    ]);
    expect(doc.get("notify_webhook")?.get("_")).toEqual([]);
    expect(doc.has("__proto__")).toBe(true);
    const again = parseConfigJson(renderConfigJson(doc));
    expect([...again.keys()]).toEqual([...doc.keys()]);
    expect(again.get("notify_webhook")?.get("1")).toEqual([{ key: "endpoint", value: "http://h" }]);
    expect(Object.getPrototypeOf(JSON.parse(new TextDecoder().decode(renderConfigJson(doc))))).toBe(Object.prototype);
  });

  test("anything else is refused", () => {
    for (const bad of ["[]", `{"version":"33"}`, `{"a":{"_":{}}}`, `{"a":{"_":[{"key":1,"value":"x"}]}}`, "{"]) {
      expect(kindOf(() => parseConfigJson(new TextEncoder().encode(bad)))).toBe("Syntax");
    }
    // Not UTF-8 (an encrypted file handed over undecoded).
    expect(kindOf(() => parseConfigJson(new Uint8Array([0x01, 0xff, 0xfe])))).toBe("Syntax");
  });

  test("clone is deep", () => {
    const doc: ConfigDoc = new Map([["site", new Map([["_", [{ key: "name", value: "a" }]]])]]);
    const copy = cloneDoc(doc);
    copy.get("site")!.get("_")![0].value = "b";
    expect(doc.get("site")!.get("_")![0].value).toBe("a");
  });
});
