// The server admin calls on a real two-server cluster through MinIO's own client (madmin-go):
// info lists both servers from the topology with their drives (a peer's drives through its drive
// service); service restart restarts both servers in place (same pids, data intact); once a server
// is killed it is "offline" with offline drives and a stop is refused with nothing done; with both
// back, service stop ends both.
import { afterAll, expect, test } from "bun:test";
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
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
  "info, storageinfo and background-heal status of two servers; service restart and stop act on both; a killed one is offline and blocks a stop",
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
      await cluster.client(0).send(new CreateBucketCommand({ Bucket: "kept" }));
      await cluster.client(0).send(new PutObjectCommand({ Bucket: "kept", Key: "k", Body: "survives restarts" }));
      const pids = cluster.nodes.map((n) => n.proc!.pid);
      // Both servers go down and come back, each in place: a new process reports an uptime shorter
      // than the time since the restart was asked for; the old ones (up 2 s and more) could not.
      await Bun.sleep(2_500);
      const asked = Date.now();
      expect(await call("service-restart")).toEqual({ ok: true, result: null });
      let back = false;
      for (let i = 0; i < 300 && !back; i++) {
        await Bun.sleep(200);
        const r = await call("server-info");
        const since = (Date.now() - asked) / 1000;
        back = r.ok && r.result.servers.every((s: { state: string; uptime: number }) => s.state === "online" && s.uptime < since);
      }
      if (!back) throw new Error(`not back after restart: ${JSON.stringify(await call("server-info")).slice(0, 600)}\n${cluster.outputs()}`);
      expect(cluster.nodes.map((n) => n.proc!.pid)).toEqual(pids);
      expect(cluster.nodes.every((n) => n.proc!.exitCode === null)).toBe(true);
      const got = await cluster.client(1).send(new GetObjectCommand({ Bucket: "kept", Key: "k" }));
      expect(await got.Body!.transformToString()).toBe("survives restarts");

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
      // One server away: the whole cluster cannot stop, and the one asked keeps running.
      const refused = await call("service-stop");
      expect(refused.ok ? "ok" : refused.error.code).toBe("ServiceUnavailable");
      await Bun.sleep(500);
      expect(cluster.nodes[0].proc!.exitCode).toBeNull();
      cluster.start(1);
      await cluster.ready(1);
      let agreed = false;
      for (let i = 0; i < 100 && !agreed; i++) {
        const r = await call("service-stop");
        agreed = r.ok;
        if (!agreed) await Bun.sleep(300);
      }
      expect(agreed).toBe(true);
      expect(await Promise.all(cluster.nodes.map((n) => n.proc!.exited))).toEqual([0, 0]);
    } finally {
      await cluster.stopAll();
    }
  },
  180_000,
);
