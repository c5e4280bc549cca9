// DN parsing and normalization: RFC 4514 escapes, spaces, multi-valued RDNs, one canonical string
// per entry, case-insensitive comparison and the "under a base DN" test; malformed names refused.
import { describe, expect, test } from "bun:test";
import { dnKey, formatDn, isUnderDn, parseDn, type ParsedDn } from "./ldap-dn.ts";

function parsed(text: string): ParsedDn {
  const dn = parseDn(text);
  if (typeof dn === "string") throw new Error(`"${text}" did not parse: ${dn}`);
  return dn;
}

const norm = (text: string) => formatDn(parsed(text));

describe("parseDn", () => {
  test("a plain DN: types lower-cased, values kept", () => {
    expect(parsed("UID=Alice,OU=People,DC=example,DC=org")).toEqual([
      [{ type: "uid", value: "Alice" }],
      [{ type: "ou", value: "People" }],
      [{ type: "dc", value: "example" }],
      [{ type: "dc", value: "org" }],
    ]);
  });

  test("spaces around separators are dropped, spaces inside values kept", () => {
    expect(norm(" cn = John  Smith ,  ou=people , dc=x ")).toBe("cn=John  Smith,ou=people,dc=x");
  });

  test("escapes: specials, hex pairs (UTF-8), an escaped trailing space", () => {
    expect(parsed("cn=a\\,b\\+c\\\\d,dc=x")[0][0].value).toBe("a,b+c\\d");
    expect(parsed("cn=J\\C3\\BCrgen,dc=x")[0][0].value).toBe("Jürgen");
    expect(parsed("cn=trail\\ ,dc=x")[0][0].value).toBe("trail ");
    expect(parsed("cn=\\#lead,dc=x")[0][0].value).toBe("#lead");
    expect(parsed("cn=a=b,dc=x")[0][0].value).toBe("a=b");
  });

  test("multi-valued RDNs and hex-string values", () => {
    expect(parsed("cn=a+sn=b,dc=x")[0]).toEqual([
      { type: "cn", value: "a" },
      { type: "sn", value: "b" },
    ]);
    expect(parsed("1.3.6.1.4.1.1466.0=#04024869,dc=x")[0][0]).toEqual({ type: "1.3.6.1.4.1.1466.0", value: "#04024869" });
  });

  test("the empty string is the empty DN", () => {
    expect(parseDn("")).toEqual([]);
  });

  test.each([
    ["no equals", "alice"],
    ["empty type", "=x,dc=y"],
    ["bad type", "u id=x"],
    ["dangling escape", "cn=a\\"],
    ["bad escape", "cn=a\\q"],
    ["unescaped semicolon", "cn=a;b"],
    ["unescaped quote", 'cn=a"b'],
    ["empty RDN", "cn=a,,dc=x"],
    ["odd hex", "cn=#abc"],
    ["invalid UTF-8", "cn=\\ff"],
  ])("refuses %s", (_, text) => {
    expect(typeof parseDn(text)).toBe("string");
  });
});

describe("formatDn", () => {
  test("re-escapes exactly what must be escaped, so parse ∘ format is stable", () => {
    for (const text of ["cn=a\\,b,dc=x", "cn=\\ lead,dc=x", "cn=trail\\ ,dc=x", "cn=\\#h,dc=x", "cn=x\\00y,dc=z", 'cn=a\\<b\\>c\\;d\\"e,dc=x']) {
      const once = norm(text);
      expect(norm(once)).toBe(once);
      expect(parsed(once)).toEqual(parsed(text));
    }
    expect(norm("cn=a\\2Cb,dc=x")).toBe("cn=a\\,b,dc=x");
  });
});

describe("comparison", () => {
  test("dnKey ignores case and spacing", () => {
    expect(dnKey(parsed("uid=Alice,ou=People,dc=Example,dc=org"))).toBe(dnKey(parsed("UID=alice, ou=people, dc=example, dc=ORG")));
    expect(dnKey(parsed("uid=alice,dc=x"))).not.toBe(dnKey(parsed("uid=bob,dc=x")));
    expect(dnKey(parsed("CN=X,DC=Y"))).toBe("cn=x,dc=y");
  });

  test("isUnderDn: a descendant, not the base itself unless asked, never a sibling or a suffix string", () => {
    const base = parsed("ou=people,dc=example,dc=org");
    expect(isUnderDn(parsed("uid=a,OU=People,dc=example,dc=org"), base)).toBe(true);
    expect(isUnderDn(parsed("ou=people,dc=example,dc=org"), base)).toBe(false);
    expect(isUnderDn(parsed("ou=people,dc=example,dc=org"), base, true)).toBe(true);
    expect(isUnderDn(parsed("uid=a,ou=groups,dc=example,dc=org"), base)).toBe(false);
    expect(isUnderDn(parsed("uid=a,ou=xpeople,dc=example,dc=org"), base)).toBe(false);
    expect(isUnderDn(parsed("dc=org"), base)).toBe(false);
  });
});
