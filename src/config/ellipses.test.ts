// Ellipsis parsing and expansion: MinIO's accepted forms, its expansion order, its errors.
import { describe, expect, test } from "bun:test";
import { ConfigError } from "./config-error.ts";
import { MAX_EXPANSION, expandEllipses, hasEllipses, parseEllipses, patternSize } from "./ellipses.ts";

function seq(from: number, to: number, width = 0, radix = 10): string[] {
  const out: string[] = [];
  for (let i = from; i <= to; i++) out.push(i.toString(radix).padStart(width, "0"));
  return out;
}

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error("expected a ConfigError");
}

describe("hasEllipses", () => {
  test.each([
    ["/data{1...4}", true],
    ["/data...", true], // malformed, but meant as a pattern: reported rather than used as a path
    ["/data/{x}", true],
    ["/data", false],
    ["/data{1", false],
    ["http://host:9000/data", false],
  ])("%p → %p", (arg, want) => expect(hasEllipses(arg)).toBe(want));
});

describe("expandEllipses", () => {
  test("plain numeric range", () => {
    expect(expandEllipses("/data{1...4}")).toEqual(["/data1", "/data2", "/data3", "/data4"]);
  });

  test("range only", () => expect(expandEllipses("{1...27}")).toEqual(seq(1, 27)));

  test("zero padding follows the end bound's width when a bound starts with 0", () => {
    expect(expandEllipses("/d{01...16}")).toEqual(seq(1, 16, 2).map((s) => `/d${s}`));
    expect(expandEllipses("/d{1...064}")).toEqual(seq(1, 64, 3).map((s) => `/d${s}`));
    expect(expandEllipses("/d{001...100}")[0]).toBe("/d001");
    expect(expandEllipses("/d{00...10}")).toEqual(seq(0, 10, 2).map((s) => `/d${s}`));
    expect(expandEllipses("/d{0...9}")).toEqual(seq(0, 9).map((s) => `/d${s}`));
    expect(expandEllipses("/d{0...10}")).toEqual(seq(0, 10).map((s) => `/d${s}`));
  });

  test("hexadecimal bounds (IPv6 hosts), padded or not", () => {
    expect(expandEllipses("{1...a}")).toEqual(seq(1, 10, 0, 16));
    expect(expandEllipses("{001...00a}")).toEqual(seq(1, 10, 3, 16));
    expect(expandEllipses("{a...f}")).toEqual(["a", "b", "c", "d", "e", "f"]);
    // MinIO parses each bound on its own: "10" is decimal ten, "1f" hex, output in hex.
    expect(expandEllipses("{10...1f}")).toEqual(seq(10, 31, 0, 16));
  });

  test("the leftmost range changes fastest (drives of a set spread over hosts)", () => {
    expect(expandEllipses("http://h{1...2}/d{1...3}")).toEqual([
      "http://h1/d1",
      "http://h2/d1",
      "http://h1/d2",
      "http://h2/d2",
      "http://h1/d3",
      "http://h2/d3",
    ]);
    expect(expandEllipses("/a{1...2}/b{1...2}/c{1...2}")).toEqual([
      "/a1/b1/c1",
      "/a2/b1/c1",
      "/a1/b2/c1",
      "/a2/b2/c1",
      "/a1/b1/c2",
      "/a2/b1/c2",
      "/a1/b2/c2",
      "/a2/b2/c2",
    ]);
  });

  test("MinIO's documented shapes", () => {
    const rack = expandEllipses("http://rack{1...4}.mydomain.minio{1...16}/data");
    expect(rack.length).toBe(64);
    expect(rack.slice(0, 2)).toEqual(["http://rack1.mydomain.minio1/data", "http://rack2.mydomain.minio1/data"]);
    const k8s = expandEllipses("http://minio{0...15}.mydomain.net/data{0...1}");
    expect(k8s.length).toBe(32);
    expect(k8s[16]).toBe("http://minio0.mydomain.net/data1");
    const v6 = expandEllipses("http://[2001:3984:3989::{1...a}]/disk{1...10}");
    expect(v6.length).toBe(100);
    expect(v6[0]).toBe("http://[2001:3984:3989::1]/disk1");
    expect(v6[9]).toBe("http://[2001:3984:3989::a]/disk1");
    expect(expandEllipses("http://minio{2...3}/export/set{1...64}/test{1...2}").length).toBe(256);
    expect(expandEllipses("http://host{1...4}:9000/data{1...4}")[1]).toBe("http://host2:9000/data1");
  });

  test("parseEllipses keeps literals and ranges in order", () => {
    const p = parseEllipses("http://h{1...2}:9000/d{01...03}x");
    expect(p.literals).toEqual(["http://h", ":9000/d", "x"]);
    expect(p.ranges.map((r) => r.text)).toEqual(["{1...2}", "{01...03}"]);
    expect(p.ranges[1].values).toEqual(["01", "02", "03"]);
    expect(patternSize(p)).toBe(6);
  });
});

describe("ellipsis errors", () => {
  test.each([
    ["...", /Invalid ellipsis pattern/],
    ["{...}", /bounds must be decimal or lowercase hexadecimal/],
    ["http://minio{2...3}/export/set{1...0}", /start 1 is bigger than end 0/],
    ["/export{1..2}", /Invalid ellipsis pattern/],
    ["/export/test{1...2O}", /Invalid ellipsis pattern/],
    ["/export1{-1...1}", /Invalid ellipsis pattern/],
    ["/export1{64...1}", /start 64 is bigger than end 1/],
    ["/export1{a...z}", /bounds must be decimal/],
    ["/data{1...4}}", /"\{" or "\}" is not part of a \{N\.\.\.M\} range/],
    ["/data{1...4}/{x}", /is not part of a/],
    ["/data{A...F}", /Invalid ellipsis pattern/],
    ["/d{1...99999999999999999999}", /bound too large/],
  ])("%p", (arg, message) => {
    const err = errorOf(() => expandEllipses(arg));
    expect(err.kind).toBe("InvalidEllipses");
    expect(err.message).toMatch(message);
    expect(err.message).toContain(arg);
    expect(err.message).not.toContain("\n");
  });

  test("expansions beyond the cap are refused", () => {
    expect(errorOf(() => parseEllipses(`/d{1...${MAX_EXPANSION + 1}}`)).message).toContain("more than");
    expect(errorOf(() => parseEllipses("/a{1...2048}/b{1...2048}")).message).toContain("expands to 4194304 drives");
  });
});
