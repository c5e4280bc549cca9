// Storage classes: MinIO's parse and parity validation tables, defaults, per-pool resolution.
import { describe, expect, test } from "bun:test";
import { ConfigError } from "./config-error.ts";
import { parseVolumes } from "./endpoints.ts";
import { defaultParity, defaultRrsParity } from "../util/index.ts";
import { DEFAULT_INLINE_BLOCK, parseByteSize, parseStorageClass, resolveParity, resolveStorageClasses } from "./storage-class.ts";

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

describe("parseStorageClass (MinIO TestParseStorageClass)", () => {
  test("EC:n", () => {
    expect(parseStorageClass("EC:3")).toBe(3);
    expect(parseStorageClass("EC:4")).toBe(4);
    expect(parseStorageClass("EC:0", 1)).toBe(0);
  });

  test.each(["AB:4", "EC:4:5", "EC:A", "AB", "EC:-1", "ec:2", "EC:", ""])("rejects %p", (v) => {
    const err = errorOf(() => parseStorageClass(v));
    expect(err.kind).toBe("InvalidStorageClass");
    expect(err.message).toContain(`"${v}": expected "EC:<parity drives>"`);
  });

  test("parity above half the set", () => {
    expect(parseStorageClass("EC:8", 16)).toBe(8);
    expect(errorOf(() => parseStorageClass("EC:9", 16)).message).toContain("parity must be at most 8");
    // MinIO skips this check for 1–2 drive sets; a parity there leaves no data drive.
    expect(errorOf(() => parseStorageClass("EC:1", 1)).message).toContain("at most 0");
    expect(errorOf(() => parseStorageClass("EC:2", 2)).message).toContain("at most 1");
  });
});

describe("resolveParity (MinIO TestValidateParity, 16 drives)", () => {
  test.each([
    [2, 4, true],
    [3, 3, true],
    [0, 0, true],
    [1, 4, true],
    [0, 4, true],
    [7, 6, false],
    [9, 0, false],
    [9, 9, false],
    [2, 9, false],
    [9, 2, false],
  ])("rrs EC:%p standard EC:%p → ok=%p", (rrs, standard, ok) => {
    const run = () => resolveParity({ standard: `EC:${standard}`, rrs: `EC:${rrs}` }, 16);
    if (ok) expect(run()).toEqual({ standard, rrs });
    else expect(errorOf(run).kind).toBe("InvalidStorageClass");
  });

  test("RRS above STANDARD explains the rule", () => {
    expect(errorOf(() => resolveParity({ standard: "EC:2", rrs: "EC:3" }, 16)).message).toContain(
      "REDUCED_REDUNDANCY parity 3 is higher than STANDARD parity 2",
    );
  });

  test("defaults by set size (SPEC §3.1)", () => {
    const want = [0, 1, 1, 2, 2, 3, 3, 4, 4, 4, 4, 4, 4, 4, 4, 4];
    for (let n = 1; n <= 16; n++) {
      expect(defaultParity(n)).toBe(want[n - 1]);
      expect(defaultRrsParity(n)).toBe(n === 1 ? 0 : 1);
      expect(resolveParity({}, n)).toEqual({ standard: want[n - 1], rrs: n === 1 ? 0 : 1 });
    }
  });

  test("EC:0 standard with the default RRS is accepted, as in MinIO", () => {
    expect(resolveParity({ standard: "EC:0" }, 4)).toEqual({ standard: 0, rrs: 1 });
  });
});

describe("resolveStorageClasses", () => {
  const layout = parseVolumes(["/a{1...16}", "/b{1...4}"], { cwd: "/" });

  test("per pool", () => {
    expect(resolveStorageClasses({}, layout)).toEqual([
      { standard: 4, rrs: 1 },
      { standard: 2, rrs: 1 },
    ]);
    expect(resolveStorageClasses({ standard: "EC:2" }, layout)).toEqual([
      { standard: 2, rrs: 1 },
      { standard: 2, rrs: 1 },
    ]);
  });

  test("a value valid for one pool but not another fails", () => {
    expect(errorOf(() => resolveStorageClasses({ standard: "EC:4" }, layout)).message).toContain("erasure sets of 4 drives: parity must be at most 2");
  });
});

test("parseByteSize", () => {
  expect(parseByteSize("128KiB")).toBe(DEFAULT_INLINE_BLOCK);
  expect(parseByteSize("64 KB")).toBe(64000);
  expect(parseByteSize("1MiB")).toBe(1048576);
  expect(parseByteSize("1.5k")).toBe(1500);
  expect(parseByteSize("100")).toBe(100);
  expect(parseByteSize("abc")).toBeUndefined();
  expect(parseByteSize("12 parsecs")).toBeUndefined();
});
