// Topology: nodes by host:port in argument order, this process found by its local drives.
import { expect, test } from "bun:test";
import { clusterTopology, setScanner, type ClusterEndpoint } from "./topology.ts";

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

test("each set is scanned by the first of its servers that answers; another takes over while it is away", () => {
  const endpoints = [9001, 9002, 9003, 9004].flatMap((p) => [1, 2].map((d) => ep(p, `/d/n${p}/x${d}`, 9003)));
  const t = clusterTopology([{ endpoints }]);
  // Set A spans every server; set B only servers 3 and 4 (drive indexes 4..7).
  const setA = [0, 2, 4, 6];
  const setB = [4, 5, 6, 7];
  const all = () => true;
  expect(setScanner(t, 0, setA, all)).toBe(0);
  expect(setScanner(t, 0, setB, all)).toBe(2); // this server
  const without0 = (n: number) => n !== 0;
  expect(setScanner(t, 0, setA, without0)).toBe(1);
  // Nobody else answers: this server scans what it holds a drive of.
  expect(setScanner(t, 0, setA, () => false)).toBe(2);
});
