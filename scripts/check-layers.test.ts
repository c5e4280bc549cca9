// The file-cycle finder behind check-layers: every cycle in the import graph is reported once,
// as a closed path of real edges; an acyclic graph reports nothing.
import { expect, test } from "bun:test";
import { sep } from "node:path";
import { findFileCycles, importsOf, isSidewaysHandlerImport } from "./check-layers.ts";

function graph(edges: Record<string, string[]>): Map<string, Set<string>> {
  return new Map(Object.entries(edges).map(([from, to]) => [from, new Set(to)]));
}

/** True when every step of `path` is an edge of `g` and the path ends where it starts. */
function isClosedPath(g: Map<string, Set<string>>, path: string[]): boolean {
  if (path.length < 2 || path[0] !== path.at(-1)) return false;
  return path.slice(1).every((to, i) => g.get(path[i])?.has(to) ?? false);
}

test("an acyclic graph has no file cycle, diamonds included", () => {
  expect(findFileCycles(graph({ a: ["b", "c"], b: ["d"], c: ["d"], d: [] }))).toEqual([]);
});

test("a two-file cycle is found", () => {
  const g = graph({ "server.ts": ["server-listen.ts", "config.ts"], "server-listen.ts": ["server.ts"], "config.ts": [] });
  const cycles = findFileCycles(g);
  expect(cycles).toHaveLength(1);
  expect(isClosedPath(g, cycles[0])).toBe(true);
  expect(new Set(cycles[0])).toEqual(new Set(["server.ts", "server-listen.ts"]));
});

test("a longer cycle reached through a tail is found as a closed path of real edges", () => {
  const g = graph({
    "operations.ts": ["handlers/put.ts"],
    "handlers/put.ts": ["authorize.ts", "errors.ts"],
    "authorize.ts": ["operations.ts"],
    "router.ts": ["operations.ts"],
    "errors.ts": [],
  });
  const cycles = findFileCycles(g);
  expect(cycles).toHaveLength(1);
  expect(isClosedPath(g, cycles[0])).toBe(true);
  expect(cycles[0]).toHaveLength(4);
});

test("separate cycles are each reported, and a file importing itself is a cycle", () => {
  const g = graph({ a: ["b"], b: ["a"], c: ["d"], d: ["e"], e: ["c"], f: ["f"], g: ["a", "c"] });
  const cycles = findFileCycles(g);
  expect(cycles).toHaveLength(3);
  for (const c of cycles) expect(isClosedPath(g, c)).toBe(true);
  expect(cycles.map((c) => c.length).sort()).toEqual([2, 3, 4]);
});

test("type-only and re-export specifiers are imports too", () => {
  const src = 'import type { Env } from "./config.ts";\nexport { FLAGS } from "./config-flags.ts";\n// import "./not-me.ts"\n';
  expect(importsOf(src)).toEqual(["./config.ts", "./config-flags.ts"]);
});

test("an s3 handler importing another handler is sideways; importing an s3/ module is not", () => {
  const p = (...parts: string[]) => parts.join(sep);
  expect(isSidewaysHandlerImport(p("s3", "handlers", "list.ts"), p("s3", "handlers", "bucket.ts"))).toBe(true);
  expect(isSidewaysHandlerImport(p("s3", "handlers", "list.ts"), p("s3", "request-helpers.ts"))).toBe(false);
  expect(isSidewaysHandlerImport(p("s3", "operations.ts"), p("s3", "handlers", "list.ts"))).toBe(false);
});
