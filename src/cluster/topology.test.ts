// Topology: nodes by host:port in argument order, this process found by its local drives.
import { expect, test } from "bun:test";
import { clusterTopology, type ClusterEndpoint } from "./topology.ts";

function ep(port: number, path: string, localPort: number): ClusterEndpoint {
  const raw = `http://127.0.0.1:${port}${path}`;
  return { raw, url: new URL(raw), host: "127.0.0.1", port, path, isLocal: port === localPort };
}

test("four servers on one machine: one node per port, ours is the one with our port", () => {
  const endpoints = [9001, 9002, 9003, 9004].flatMap((p) => [1, 2].map((d) => ep(p, `/d/n${p}/x${d}`, 9003)));
  const t = clusterTopology([{ endpoints }]);
  expect(t.nodes.map((n) => n.name)).toEqual(["127.0.0.1:9001", "127.0.0.1:9002", "127.0.0.1:9003", "127.0.0.1:9004"]);
  expect(t.self).toBe(2);
  expect(t.nodes[0].url).toBe("http://127.0.0.1:9001");
  expect(t.pools[0][5]).toEqual({ node: 2, path: "/d/n9003/x2", endpoint: "http://127.0.0.1:9003/d/n9003/x2" });
});

test("a second pool may add servers; a process with no drive of its own is refused", () => {
  const p1 = [9001, 9002].map((p) => ep(p, "/a", 9001));
  const p2 = [9001, 9005].map((p) => ep(p, "/b", 9001));
  const t = clusterTopology([{ endpoints: p1 }, { endpoints: p2 }]);
  expect(t.nodes.map((n) => n.name)).toEqual(["127.0.0.1:9001", "127.0.0.1:9002", "127.0.0.1:9005"]);
  expect(t.pools[1].map((d) => d.node)).toEqual([0, 2]);
  expect(() => clusterTopology([{ endpoints: [9001, 9002].map((p) => ep(p, "/a", 9009)) }])).toThrow("None of the drives is served by this process");
});

test("IPv6 hosts get brackets in node names and URLs", () => {
  const raw = "http://[::1]:9001/a";
  const t = clusterTopology([{ endpoints: [{ raw, url: new URL(raw), host: "::1", port: 9001, path: "/a", isLocal: true }] }]);
  expect(t.nodes[0]).toEqual({ name: "[::1]:9001", url: "http://[::1]:9001", local: true });
});
