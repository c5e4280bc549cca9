// Drive arguments → pools and sets: MinIO's accepted layouts, set membership order, URL
// parsing and locality (loopback only), and the rejected mixes — each a one-line ConfigError.
import { describe, expect, test } from "bun:test";
import { ConfigError } from "./config-error.ts";
import { parseVolumes, type ParseVolumesOptions } from "./endpoints.ts";
import type { VolumeLayout } from "./volume-layout.ts";

const opts: ParseVolumesOptions = { cwd: "/srv", serverPort: 9000, localAddresses: new Set(["localhost", "node1"]) };
const parse = (args: string[], extra: ParseVolumesOptions = {}) => parseVolumes(args, { ...opts, ...extra });

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as Error).message).not.toContain("\n");
    return e as ConfigError;
  }
  throw new Error("expected a ConfigError");
}

const setRaws = (l: VolumeLayout, pool: number, set: number) => l.pools[pool].sets[set].map((i) => l.pools[pool].endpoints[i].raw);

describe("path drives", () => {
  test("one path is xl-single, made absolute", () => {
    const l = parse(["data"]);
    expect(l.setupType).toBe("xl-single");
    expect(l.pools).toHaveLength(1);
    expect(l.pools[0]).toMatchObject({ legacy: true, setCount: 1, setDriveCount: 1, sets: [[0]] });
    expect(l.pools[0].endpoints[0]).toEqual({ raw: "data", path: "/srv/data", isLocal: true });
  });

  test("the layout is frozen", () => {
    const l = parse(["/d{1...4}"]);
    expect(Object.isFrozen(l) && Object.isFrozen(l.pools[0]) && Object.isFrozen(l.pools[0].sets[0])).toBe(true);
    expect(Object.isFrozen(l.pools[0].endpoints[0])).toBe(true);
  });

  test("MINIO_ERASURE_SET_DRIVE_COUNT does not apply to a single drive", () => {
    expect(parse(["/data"], { setDriveCount: 4 }).pools[0].setDriveCount).toBe(1);
  });

  test.each([
    [["/export1", "/export2"], 2, 1],
    [["/export1", "/export2", "/export3"], 3, 1],
    [["/export1", "/export2", "/export3", "/export4"], 4, 1],
    [Array.from({ length: 32 }, (_, i) => `/e${i}`), 16, 2],
  ])("a plain list is one legacy pool: %p", (args, size, count) => {
    const l = parse(args as string[]);
    expect(l.setupType).toBe("erasure");
    expect(l.pools[0]).toMatchObject({ legacy: true, setDriveCount: size, setCount: count });
    expect(l.pools[0].cmdline).toBe((args as string[]).join(" "));
  });

  test("a plain list honours an explicit set size", () => {
    const l = parse(["/a", "/b", "/c", "/d"], { setDriveCount: 2 });
    expect(l.pools[0].sets).toEqual([
      [0, 1],
      [2, 3],
    ]);
  });

  test("each ellipsis argument is a pool", () => {
    const l = parse(["/export1{1...32}", "/export1{33...64}"]);
    expect(l.pools.map((p) => [p.cmdline, p.setDriveCount, p.setCount, p.legacy])).toEqual([
      ["/export1{1...32}", 16, 2, false],
      ["/export1{33...64}", 16, 2, false],
    ]);
    expect(l.pools[1].endpoints[0].path).toBe("/export133");
  });

  test("zero padded drives and a custom set size", () => {
    const l = parse(["/mnt/d{01...64}"], { setDriveCount: 8 });
    expect(l.pools[0].setCount).toBe(8);
    expect(setRaws(l, 0, 1)).toEqual(["/mnt/d09", "/mnt/d10", "/mnt/d11", "/mnt/d12", "/mnt/d13", "/mnt/d14", "/mnt/d15", "/mnt/d16"]);
  });
});

describe("URL drives", () => {
  test("sets take drives round-robin over hosts (MinIO's expansion order)", () => {
    const l = parse(["http://host{1...8}:9000/disk{1...4}"]);
    expect(l.setupType).toBe("dist-erasure");
    expect(l.pools[0]).toMatchObject({ setDriveCount: 16, setCount: 2 });
    const set0 = setRaws(l, 0, 0);
    expect(set0.slice(0, 9)).toEqual([...Array.from({ length: 8 }, (_, i) => `http://host${i + 1}:9000/disk1`), "http://host1:9000/disk2"]);
    expect(setRaws(l, 0, 1)[0]).toBe("http://host1:9000/disk3");
  });

  test("fields of a URL drive; a missing port is the server port", () => {
    const [e] = parse(["http://Node2/mnt/d{1...4}/"]).pools[0].endpoints;
    expect(e.host).toBe("node2");
    expect(e.port).toBe(9000);
    expect(e.path).toBe("/mnt/d1");
    expect(e.url?.href).toBe("http://node2:9000/mnt/d1");
    expect(e.isLocal).toBe(false);
  });

  test("locality: loopback or a local name on the server port", () => {
    const local = parse(["http://127.0.0.1:9000/d{1...4}"]);
    expect(local.setupType).toBe("erasure");
    expect(local.pools[0].endpoints.every((e) => e.isLocal)).toBe(true);
    const named = parse(["http://node{1...4}/d{1...4}"]).pools[0].endpoints;
    expect(named.filter((e) => e.isLocal).map((e) => e.host)).toEqual(["node1", "node1", "node1", "node1"]);
    const otherPort = parse(["http://localhost:9001/d{1...4}"]).pools[0].endpoints;
    expect(otherPort.some((e) => e.isLocal)).toBe(false);
    const v6 = parse(["http://[::1]:9000/d{1...4}"]).pools[0].endpoints[0];
    expect(v6).toMatchObject({ host: "::1", port: 9000, isLocal: true });
    expect(v6.url?.host).toBe("[::1]:9000");
  });

  test("MinIO's valid URL forms", () => {
    expect(parse(["http://localhost:9001/export{1...64}"], { serverPort: 9001 }).pools[0].setCount).toBe(4);
    expect(parse(["http://localhost:9001/export{01...64}"], { serverPort: 9001 }).pools[0].setCount).toBe(4);
    expect(parse(["http://[2001:3984:3989::{1...a}]/disk{1...10}"]).pools[0].setDriveCount).toBe(10);
    expect(parse(["https://n{1...4}.example.com:443/x{1...4}"]).pools[0].endpoints[0].url?.protocol).toBe("https:");
  });

  test("a Windows drive path inside a URL drops the leading slash", () => {
    expect(parse(["http://win{1...4}/C:/data"]).pools[0].endpoints[0].path).toBe("C:/data");
  });
});

describe("rejected arguments", () => {
  test.each([
    [[], "No drives given"],
    [["/data{1...1}"], 'Invalid drive count 1 for "/data{1...1}"'],
    [["/data{1...17}"], "not divisible by any erasure set size"],
    [["/data{1...4}", "/x"], 'Invalid drive argument "/x"'],
    [["/export1{1...32}", "/export1{1...32}"], 'Duplicate drive "/export11"'],
    [["/a", "/b", "/a"], 'Duplicate drive "/a"'],
    [["a", "/srv/a"], 'Duplicate drive "/srv/a": it is the same drive as "a"'],
    [["/"], "the root directory cannot be a drive"],
    [["/a", "/.."], "the root directory cannot be a drive"],
    [["192.168.1.1:9000"], "missing scheme, write http://192.168.1.1:9000/path"],
    [["10.0.0.1"], "missing scheme"],
    [["/d1", "http://h/d2"], "paths and URLs cannot be mixed"],
    [["http://a/d1", "https://b/d2"], "http and https drives cannot be mixed"],
    [["http://localhost:9000/data"], "a single drive must be a local path"],
    [["http://localhost:900{1...2}/export{1...64}"], "are the same path on the same machine"],
    [["http://localhost:9000/d1", "http://127.0.0.1:9000/d2"], "use different names for this machine"],
    [["ftp://h{1...4}/d"], "the scheme must be http or https"],
    [["//h{1...4}/d"], "the scheme must be http or https"],
    [["http://u:p@h{1...4}/d"], "user names and passwords are not allowed"],
    [["http://h{1...4}/d?x=1"], "query strings and fragments"],
    [["http://h{1...4}:0/d"], 'port "0" must be a number from 1 to 65535'],
    [["http://h{1...4}:70000/d"], "must be a number from 1 to 65535"],
    [["http://h{1...4}:/d"], 'port "" must be'],
    [["http://h{1...4}/"], "the path must name a directory other than /"],
    [["http://h{1...4}"], "the path must name a directory other than /"],
    [["http:///d{1...4}"], "empty host name"],
    [["http://[::1/d{1...4}"], "missing ']'"],
    [["http://fe80::1/d{1...4}"], "too many colons"],
  ])("%p", (args, message) => {
    const err = errorOf(() => parse(args as string[]));
    expect(["InvalidEndpoints", "InvalidEllipses"]).toContain(err.kind);
    expect(err.message).toContain(message);
  });

  test("a bad set size names the accepted values", () => {
    const err = errorOf(() => parse(["/d{1...64}"], { setDriveCount: 5 }));
    expect(err.kind).toBe("InvalidSetDriveCount");
    expect(err.message).toContain("use one of 2, 4, 8, 16");
  });
});
