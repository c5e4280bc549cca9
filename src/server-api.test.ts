// requests_max as one server applies it: a deployment-wide number shared out among a cluster's
// servers, "automatic" sized from memory, and the memory a container may use read from its cgroup.
import { expect, test } from "bun:test";
import { totalmem } from "node:os";
import { loadConfig, type ServerConfig } from "./config/index.ts";
import { bytesPerRequest, memoryLimit, requestLimit } from "./server-api.ts";

function cfg(drives: string[], env: Record<string, string> = {}): ServerConfig {
  const c = loadConfig(
    ["bunker", "server", ...drives],
    { MINIO_ROOT_USER: "admin", MINIO_ROOT_PASSWORD: "password1", ...env },
    {
      cwd: "/srv",
      localAddresses: new Set(["node1"]),
      readFile: () => undefined,
      exists: () => false,
    },
  );
  if (c.command !== "server") throw new Error("expected a server config");
  return c;
}

const GiB = 2 ** 30;

test("an explicit requests_max is for the whole deployment: each server of a cluster takes its share, at least one", () => {
  expect(requestLimit(cfg(["/srv/d{1...4}"], { MINIO_API_REQUESTS_MAX: "10" }), 8 * GiB)).toEqual({ max: 10, automatic: false });
  const cluster = ["http://node{1...4}:9000/srv/d{1...4}"];
  expect(requestLimit(cfg(cluster, { MINIO_API_REQUESTS_MAX: "10" }), 8 * GiB)).toEqual({ max: 2, automatic: false });
  expect(requestLimit(cfg(cluster, { MINIO_API_REQUESTS_MAX: "3" }), 8 * GiB)).toEqual({ max: 1, automatic: false });
});

test("automatic: half the memory over what one request of the largest set holds", () => {
  expect(bytesPerRequest(16)).toBe(5 * 2 ** 20);
  expect(requestLimit(cfg(["/srv/d{1...16}"]), 10 * GiB)).toEqual({ max: 1024, automatic: true });
  expect(requestLimit(cfg(["/srv/d1"]), 1).max).toBe(1);
});

test("a container's cgroup limit is its memory; no limit, or none readable, is the machine's", () => {
  const files = (map: Record<string, string>) => (path: string) => {
    if (path in map) return map[path];
    throw new Error("ENOENT");
  };
  expect(memoryLimit(files({ "/sys/fs/cgroup/memory.max": "536870912\n" }))).toBe(Math.min(536870912, totalmem()));
  expect(memoryLimit(files({ "/sys/fs/cgroup/memory.max": "max\n" }))).toBe(totalmem());
  expect(memoryLimit(files({ "/sys/fs/cgroup/memory/memory.limit_in_bytes": "9223372036854771712" }))).toBe(totalmem());
  expect(memoryLimit(files({}))).toBe(totalmem());
});
