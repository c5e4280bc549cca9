// The server admin calls on a real two-server cluster through MinIO's own client (madmin-go):
// info lists both servers from the topology with their drives (a peer's drives through its drive
// service); once a server is killed it is "offline" with offline drives; restart and stop answer
// NotImplemented, since restarting one server of a cluster is not what madmin asks for.
import { afterAll, expect, test } from "bun:test";
import { startCluster } from "../support/cluster-process.ts";
import { buildMadminClient, madmin, madminMissing, type MadminResult } from "../support/madmin-client.ts";
import { ROOT_PASSWORD, ROOT_USER } from "../support/server-process.ts";
import { TempDirs } from "../support/temp-dirs.ts";

const missing = madminMissing();
const skip = missing !== null && !process.env.CI;
if (skip) console.warn(`SKIP admin cluster e2e: ${missing} (set CI=1 to make this a failure)`);

const temp = new TempDirs();
afterAll(() => temp.cleanup());
const root = { accessKey: ROOT_USER, secretKey: ROOT_PASSWORD };

test.skipIf(skip)(
  "info, storageinfo and background-heal status of two servers; a killed one is offline",
  async () => {
    if (missing !== null) throw new Error(`${missing}; CI must install it`);
    const bin = (await buildMadminClient())!;
    const cluster = await startCluster(temp, { nodes: 2, drivesPerNode: 2 });
    try {
      const call = (command: string): Promise<MadminResult> => madmin(bin, cluster.nodes[0].endpoint, root, command);
      const ok = async (command: string) => {
        const r = await call(command);
        if (!r.ok) throw new Error(`${command} failed: ${JSON.stringify(r.error)}\n${cluster.outputs()}`);
        return r.result;
      };
      const names = cluster.nodes.map((n) => `127.0.0.1:${n.port}`);
      const info = await ok("server-info");
      expect(info.backend).toMatchObject({ backendType: "Erasure", onlineDisks: 4, offlineDisks: 0, standardSCParity: 2 });
      expect(info.servers.map((s: { endpoint: string; state: string }) => [s.endpoint, s.state])).toEqual(names.map((n) => [n, "online"]));
      info.servers.forEach(
        (s: { drives: { endpoint: string; state: string; uuid: string; disk_index: number }[]; network: object; version: string }, i: number) => {
          expect(s.drives.map((d) => [d.endpoint, d.state])).toEqual(cluster.nodes[i].drives.map((d) => [`${cluster.nodes[i].endpoint}${d}`, "ok"]));
          expect(s.drives.map((d) => d.disk_index)).toEqual([2 * i, 2 * i + 1]);
          expect(s.drives.every((d) => /^[0-9a-f-]{36}$/.test(d.uuid))).toBe(true);
          expect(s.network).toEqual(Object.fromEntries(names.map((n) => [n, "online"])));
          expect(s.version).toBeString();
        },
      );
      const si = await ok("storage-info");
      expect(si.Backend.OnlineDisks).toEqual(Object.fromEntries(names.map((n) => [n, 2])));
      for (const cmd of ["service-restart", "service-stop"]) {
        const r = await call(cmd);
        expect(r.ok ? "ok" : `${r.error.code}: ${r.error.message}`).toMatch(/^NotImplemented: .*distributed deployment/);
      }

      await cluster.signal(1, "SIGKILL");
      let servers: { endpoint: string; state: string; drives: { state: string }[] }[] = [];
      for (let i = 0; i < 100; i++) {
        servers = (await ok("server-info")).servers;
        if (servers[1].state === "offline") break;
        await Bun.sleep(200);
      }
      expect(servers.map((s) => s.state)).toEqual(["online", "offline"]);
      expect(servers[1].drives.map((d) => d.state)).toEqual(["offline", "offline"]);
      expect(servers[0].drives.map((d) => d.state)).toEqual(["ok", "ok"]);
      const bg = await ok("background-heal-status");
      expect(bg.offline_nodes).toEqual([names[1]]);
      expect(Object.keys(bg.mrf)).toEqual([names[0]]);
      const after = await ok("storage-info");
      expect(after.Backend.OfflineDisks).toEqual({ [names[0]]: 0, [names[1]]: 2 });
    } finally {
      await cluster.stopAll();
    }
  },
  180_000,
);
