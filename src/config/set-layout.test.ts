// Set-size selection against MinIO's own test tables (cmd/endpoint-ellipses_test.go) and
// hand-checked tables for drive counts and multi-host layouts.
import { describe, expect, test } from "bun:test";
import { ConfigError } from "./config-error.ts";
import { parseEllipses, patternSize } from "./ellipses.ts";
import { chooseSetDriveCount, dividingSetSizes, gcdAll, splitIntoSets, symmetricSetSizes } from "./set-layout.ts";

/** Set size MinIO picks for one ellipsis argument (symmetry against the leftmost range). */
function sizeFor(arg: string, custom = 0): number {
  const p = parseEllipses(arg);
  return chooseSetDriveCount({
    totalSizes: [patternSize(p)],
    symmetryCount: p.ranges[0].values.length,
    custom,
    label: `"${arg}"`,
  });
}

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

describe("MinIO TestGetSetIndexes", () => {
  test.each([
    ["data{1...3}", 3, 1],
    ["data{1...27}", 9, 3],
    ["http://host{1...3}/data{1...180}", 15, 36],
    ["http://host{1...2}.rack{1...4}/data{1...180}", 16, 90],
    ["http://host{1...2}/data{1...180}", 12, 30],
    ["data{1...64}", 16, 4],
    ["data{1...24}", 12, 2],
    ["data/controller{1...11}/export{1...8}", 11, 8],
    ["data{1...4}", 4, 1],
    ["data{1...16}/export{1...52}", 16, 52],
    // TestParseEndpointSet
    ["{1...27}", 9, 3],
    ["/export/set{1...64}", 16, 4],
    ["http://minio{2...3}/export/set{1...64}", 16, 8],
    ["http://minio{1...64}.mydomain.net/data", 16, 4],
    ["http://rack{1...4}.mydomain.minio{1...16}/data", 16, 4],
    ["http://minio{0...15}.mydomain.net/data{0...1}", 16, 2],
    ["http://server1/data{1...32}", 16, 2],
    ["http://server1/data{01...32}", 16, 2],
    ["http://minio{2...3}/export/set{1...64}/test{1...2}", 16, 16],
    ["/export{1...10}/disk{1...10}", 10, 10],
    ["http://[2001:3984:3989::{1...a}]/disk{1...10}", 10, 10],
    ["http://[2001:3984:3989::{001...00a}]/disk{1...10}", 10, 10],
  ])("%p → sets of %p (%p sets)", (arg, size, count) => {
    const n = patternSize(parseEllipses(arg));
    expect(sizeFor(arg)).toBe(size);
    expect(n / size).toBe(count);
  });

  test("no symmetric size is an error", () => {
    const err = errorOf(() => sizeFor("data{1...17}/export{1...52}"));
    expect(err.kind).toBe("InvalidEndpoints");
    expect(err.message).toContain("spreads evenly over its 17 hosts");
  });

  test("GCD across arguments (TestGetDivisibleSize and the multi-argument cases)", () => {
    expect(gcdAll([24, 32, 16])).toBe(8);
    expect(gcdAll([32, 8, 4])).toBe(4);
    expect(gcdAll([8, 8, 8])).toBe(8);
    expect(gcdAll([24])).toBe(24);
    expect(chooseSetDriveCount({ totalSizes: [2, 4, 8], label: "x" })).toBe(2);
    expect(chooseSetDriveCount({ totalSizes: [4, 8, 12], label: "x" })).toBe(4);
    expect(chooseSetDriveCount({ totalSizes: [10, 10, 10], label: "x" })).toBe(10);
  });
});

describe("MinIO TestGetSetIndexesEnvOverride (MINIO_ERASURE_SET_DRIVE_COUNT)", () => {
  test.each([
    ["data{1...64}", 8],
    ["http://host{1...2}/data{1...180}", 15],
    ["http://host{1...12}/data{1...12}", 12],
    ["http://host{0...5}/data{1...28}", 12],
    ["http://host{1...11}/data{1...11}", 11],
  ])("%p with %p", (arg, custom) => expect(sizeFor(arg, custom)).toBe(custom));

  test("a size that does not divide the drives lists the accepted ones", () => {
    const err = errorOf(() => sizeFor("http://host{0...5}/data{1...28}", 10));
    expect(err.kind).toBe("InvalidSetDriveCount");
    expect(err.message).toContain("use one of 2, 3, 4, 6, 7, 8, 12, 14");
  });

  test("sizes outside 2..16 and sizes above the drive count are refused", () => {
    expect(errorOf(() => sizeFor("data{1...64}", 64)).kind).toBe("InvalidSetDriveCount");
    expect(errorOf(() => sizeFor("data{1...4}", 8)).message).toContain("needs at least 8 drives");
  });
});

describe("plain drive lists (no symmetry constraint): largest dividing size", () => {
  const table: [number, number | null][] = [
    [2, 2],
    [3, 3],
    [4, 4],
    [5, 5],
    [6, 6],
    [7, 7],
    [8, 8],
    [9, 9],
    [10, 10],
    [11, 11],
    [12, 12],
    [13, 13],
    [14, 14],
    [15, 15],
    [16, 16],
    [17, null],
    [18, 9],
    [19, null],
    [20, 10],
    [21, 7],
    [22, 11],
    [23, null],
    [24, 12],
    [26, 13],
    [28, 14],
    [30, 15],
    [32, 16],
    [34, 2],
    [36, 12],
    [38, 2],
    [40, 10],
    [42, 14],
    [45, 15],
    [48, 16],
    [60, 15],
    [64, 16],
    [96, 16],
    [100, 10],
    [121, 11],
  ];
  test.each(table)("%p drives → %p", (n, want) => {
    const run = () => chooseSetDriveCount({ totalSizes: [n], label: `${n} drives` });
    if (want === null) expect(errorOf(run).message).toContain("not divisible by any erasure set size");
    else expect(run()).toBe(want);
  });

  test("one drive cannot form a set", () => {
    expect(errorOf(() => chooseSetDriveCount({ totalSizes: [1], label: '"/d{1...1}"' })).message).toContain('Invalid drive count 1 for "/d{1...1}"');
  });
});

describe("multi-host layouts keep sets symmetric over hosts", () => {
  test.each([
    ["http://host{1...4}/disk{1...4}", 16],
    ["http://host{1...3}/disk{1...4}", 12],
    ["http://host{1...6}/disk{1...4}", 12],
    ["http://host{1...5}/disk{1...8}", 10],
    ["http://host{1...8}/disk{1...4}", 16],
    ["http://host{1...7}/disk{1...2}", 14],
    ["http://host{1...3}/disk{1...6}", 9],
    ["http://host{1...32}/disk{1...32}", 16],
    ["http://node{1...16}.example.com/mnt/export{1...32}", 16],
    ["http://node{17...64}.example.com/mnt/export{1...64}", 16],
    ["http://host{1...12}/disk{1...1}", 12],
    ["http://host{1...9}/disk{1...2}", 9],
  ])("%p → %p", (arg, size) => expect(sizeFor(arg)).toBe(size));

  test("symmetricSetSizes keeps sizes that divide or are divided by the host count", () => {
    expect(symmetricSetSizes([2, 3, 4, 6, 8, 12], 6)).toEqual([2, 3, 6, 12]);
    expect(symmetricSetSizes([2, 4, 5, 8, 10], 5)).toEqual([5, 10]);
    expect(symmetricSetSizes([2, 4], undefined)).toEqual([2, 4]);
  });
});

describe("helpers", () => {
  test("dividingSetSizes", () => {
    expect(dividingSetSizes(168)).toEqual([2, 3, 4, 6, 7, 8, 12, 14]);
    expect(dividingSetSizes(17)).toEqual([]);
  });

  test("splitIntoSets is sequential", () => {
    expect(splitIntoSets(6, 3)).toEqual([
      [0, 1, 2],
      [3, 4, 5],
    ]);
    expect(splitIntoSets(1, 1)).toEqual([[0]]);
  });
});
