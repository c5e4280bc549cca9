import { afterAll, describe, expect, test } from "bun:test";
import net from "node:net";
import { driveContract, fileInfo } from "../../test/cases/drive.cases.ts";
import { FaultyDrive } from "../../test/support/faulty-drive.ts";
import { TcpCutProxy } from "../../test/support/tcp-cut-proxy.ts";
import { TempDirs } from "../../test/support/temp-dirs.ts";
import { DriveError, type Drive, LocalDrive } from "../disk/index.ts";
import { type HttpListener, listenHttp } from "../server-http.ts";
import { registerDriveService } from "./drive-service.ts";
import { RemoteDrive } from "./remote-drive.ts";
import { RpcClient } from "./rpc-client.ts";
import { RpcError } from "./rpc-error.ts";
import { RpcServer } from "./rpc-server.ts";

const SECRET = "remote-drive-test-secret";
const VERSION = 1;
const KEY = "/data/n2/x1";
const temp = new TempDirs();
afterAll(() => temp.cleanup());

/** A peer node: an RpcServer with the drive service on a real loopback listener. */
async function servePeer(drives: ReadonlyMap<string, Drive>, port = 0): Promise<HttpListener> {
  const server = new RpcServer({ secret: SECRET, version: VERSION });
  registerDriveService(server, drives);
  return listenHttp({ hostname: "127.0.0.1", port, idleTimeoutMs: 30_000, fetch: (req) => server.handle(req), onError: () => {} });
}

function clientOf(port: number, deadlineMs?: number): RpcClient {
  return new RpcClient({ url: `http://127.0.0.1:${port}`, secret: SECRET, node: "127.0.0.1:9001", version: VERSION, deadlineMs });
}

/** Resolves once the client's view of the peer is `online`. */
function becomes(client: RpcClient, online: boolean): Promise<void> {
  if (client.online === online) return Promise.resolve();
  return new Promise((ok) => {
    const off = client.onChange((now) => {
      if (now !== online) return;
      off();
      ok();
    });
  });
}

/** The error a promise rejects with (fails the test when it resolves). */
async function failure(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error("expected a failure, got success");
}

function expectFaulty(err: unknown, causeKind?: RpcError["kind"]): void {
  expect(err).toBeInstanceOf(DriveError);
  expect((err as DriveError).kind).toBe("Faulty");
  if (causeKind) {
    expect((err as DriveError).cause).toBeInstanceOf(RpcError);
    expect(((err as DriveError).cause as RpcError).kind).toBe(causeKind);
  }
}

const streamOf = (...chunks: Uint8Array[]) =>
  new ReadableStream<Uint8Array>({
    start(c) {
      for (const ch of chunks) c.enqueue(ch);
      c.close();
    },
  });

driveContract("RemoteDrive → RpcServer over loopback → LocalDrive", async () => {
  const local = await LocalDrive.open(temp.make(), { fsync: "none" });
  const listener = await servePeer(new Map([[KEY, local]]));
  const client = clientOf(listener.port);
  const drive = new RemoteDrive(client, KEY, `http://127.0.0.1:${listener.port}${KEY}`);
  return {
    drive,
    cleanup: async () => {
      await drive.close();
      await client.close();
      await listener.stop(true);
      await local.close();
    },
  };
});

describe("RemoteDrive", () => {
  test("names its endpoint in info, and an unknown drive key is Faulty with a clear message", async () => {
    const local = await LocalDrive.open(temp.make(), { fsync: "none" });
    const listener = await servePeer(new Map([[KEY, local]]));
    const client = clientOf(listener.port);
    try {
      const endpoint = `http://127.0.0.1:${listener.port}${KEY}`;
      expect((await new RemoteDrive(client, KEY, endpoint).info()).endpoint).toBe(endpoint);
      const err = await failure(new RemoteDrive(client, "/data/n2/x9", "http://x/data/n2/x9").listVols());
      expectFaulty(err);
      expect((err as Error).message).toContain('"/data/n2/x9"');
      // close() leaves the shared client usable for the node's other drives
      await new RemoteDrive(client, KEY, endpoint).close();
      expect(Array.isArray(await new RemoteDrive(client, KEY, endpoint).listVols())).toBe(true);
    } finally {
      await client.close();
      await listener.stop(true);
      await local.close();
    }
  });

  test("a slot that expects a disk id: refused where the peer's drive holds another disk or none, served once it holds the right one", async () => {
    const [A, B, DEP] = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
    const format = (id: string) =>
      new TextEncoder().encode(
        JSON.stringify({ version: "1", format: "xl", id: DEP, xl: { version: "3", this: id, sets: [[A, B]], distributionAlgo: "SIPMOD+PARITY" } }),
      );
    const a = await LocalDrive.open(temp.make(), { fsync: "none" });
    const b = await LocalDrive.open(temp.make(), { fsync: "none" });
    await a.writeAll(".minio.sys", "format.json", format(A));
    await b.writeAll(".minio.sys", "format.json", format(B));
    let listener = await servePeer(new Map([[KEY, a]]));
    const port = listener.port;
    const client = clientOf(port);
    const drive = new RemoteDrive(client, KEY, `http://127.0.0.1:${port}${KEY}`);
    try {
      drive.expectId(A);
      await drive.makeVol("b1");
      expect((await drive.info()).id).toBe(A);
      // The peer restarted with its drives swapped: the path now holds disk-b.
      await listener.stop(true);
      listener = await servePeer(new Map([[KEY, b]]), port);
      const swapped = await failure(drive.statVol("b1"));
      expectFaulty(swapped);
      expect((swapped as Error).message).toBe(`Drive "${KEY}" holds disk ${B}, not disk ${A} that the deployment expects there (drives swapped or replaced?)`);
      expectFaulty(await failure(drive.info()));
      // Without an expectation (start-up, reading formats) any disk is served.
      expect((await new RemoteDrive(client, KEY, "x").info()).id).toBe(B);
      // A replaced, empty drive is refused until it is formatted with the slot's id.
      const c = await LocalDrive.open(temp.make(), { fsync: "none" });
      await listener.stop(true);
      listener = await servePeer(new Map([[KEY, c]]), port);
      expect(((await failure(drive.listVols())) as Error).message).toContain("holds no formatted disk");
      await c.writeAll(".minio.sys", "format.json", format(A));
      expect(Array.isArray(await drive.listVols())).toBe(true);
      await c.close();
    } finally {
      await client.close();
      await listener.stop(true);
      await a.close();
      await b.close();
    }
  });

  test("a peer that goes away: Faulty, marked offline, then failing at once; re-admitted when it is back", async () => {
    const local = await LocalDrive.open(temp.make(), { fsync: "none" });
    let listener = await servePeer(new Map([[KEY, local]]));
    const port = listener.port;
    const client = clientOf(port, 5_000);
    const drive = new RemoteDrive(client, KEY, `http://127.0.0.1:${port}${KEY}`);
    try {
      client.startHealth({ intervalMs: 50, timeoutMs: 500 });
      await drive.makeVol("b1");
      await listener.stop(true);
      expectFaulty(await failure(drive.statVol("b1")));
      await becomes(client, false);
      expectFaulty(await failure(drive.statVol("b1")), "Unreachable");
      listener = await servePeer(new Map([[KEY, local]]), port);
      await becomes(client, true);
      expect((await drive.statVol("b1")).name).toBe("b1");
    } finally {
      await client.close();
      await listener.stop(true);
      await local.close();
    }
  });

  test("a handler that never answers fails at the call's deadline", async () => {
    const local = await LocalDrive.open(temp.make(), { fsync: "none" });
    const faulty = new FaultyDrive(local);
    const listener = await servePeer(new Map([[KEY, faulty]]));
    const client = clientOf(listener.port, 300);
    const drive = new RemoteDrive(client, KEY, `http://127.0.0.1:${listener.port}${KEY}`);
    try {
      await drive.makeVol("b1");
      faulty.faults.hangOn = (m) => m === "statVol" || m === "readFileStream";
      expectFaulty(await failure(drive.statVol("b1")), "Timeout");
      expectFaulty(await failure(drive.readFileStream("b1", "x", 0, 1)), "Timeout");
      // the peer itself still answers other calls
      expect((await drive.listVols()).map((v) => v.name)).toContain("b1");
    } finally {
      faulty.release();
      await client.close();
      await listener.stop(true);
      await local.close();
    }
  });

  test("a socket that accepts and never answers: the call fails at its deadline", async () => {
    const held: net.Socket[] = [];
    const silent = net.createServer((s) => void held.push(s));
    await new Promise<void>((ok) => silent.listen(0, "127.0.0.1", ok));
    const port = (silent.address() as net.AddressInfo).port;
    const client = clientOf(port, 300);
    try {
      expectFaulty(await failure(new RemoteDrive(client, KEY, `http://127.0.0.1:${port}${KEY}`).listVols()), "Timeout");
    } finally {
      await client.close();
      for (const s of held) s.destroy();
      silent.close();
    }
  });

  test("a call in flight to a peer that is then marked offline is aborted, not left to its deadline", async () => {
    const held: net.Socket[] = [];
    const silent = net.createServer((s) => void held.push(s));
    await new Promise<void>((ok) => silent.listen(0, "127.0.0.1", ok));
    const port = (silent.address() as net.AddressInfo).port;
    // The deadline is far beyond the test's own time-out: only the abort can end the call in time.
    const client = clientOf(port, 60_000);
    try {
      const pending = failure(new RemoteDrive(client, KEY, `http://127.0.0.1:${port}${KEY}`).listVols());
      client.startHealth({ intervalMs: 50, timeoutMs: 150 });
      const err = await pending;
      expectFaulty(err, "Unreachable");
      expect(client.online).toBe(false);
    } finally {
      await client.close();
      for (const s of held) s.destroy();
      silent.close();
    }
  });

  test("a connection cut in the middle of readFileStream errors the stream (never a clean short read)", async () => {
    const local = await LocalDrive.open(temp.make(), { fsync: "none" });
    await local.makeVol("b1");
    const data = new Uint8Array(24 << 20).map((_, i) => i & 0xff);
    await local.createFile("b1", "obj/part.1", data.length, streamOf(data));
    const listener = await servePeer(new Map([[KEY, local]]));
    const proxy = await TcpCutProxy.start(listener.port);
    const client = clientOf(proxy.port, 5_000);
    const drive = new RemoteDrive(client, KEY, `http://127.0.0.1:${proxy.port}${KEY}`);
    try {
      const reader = (await drive.readFileStream("b1", "obj/part.1", 0, data.length, { chunk: 65536 })).getReader();
      let got = (await reader.read()).value?.length ?? 0;
      expect(got).toBe(65536);
      proxy.cut();
      const err = await failure(
        (async () => {
          for (;;) {
            const r = await reader.read();
            if (r.done) return;
            got += r.value.length;
          }
        })(),
      );
      expectFaulty(err);
      expect(got).toBeLessThan(data.length);
    } finally {
      await client.close();
      await proxy.close();
      await listener.stop(true);
      await local.close();
    }
  });

  test("a connection cut in the middle of createFile fails the call and leaves no file", async () => {
    const local = await LocalDrive.open(temp.make(), { fsync: "none" });
    await local.makeVol("b1");
    const listener = await servePeer(new Map([[KEY, local]]));
    const proxy = await TcpCutProxy.start(listener.port);
    const client = clientOf(proxy.port, 5_000);
    const drive = new RemoteDrive(client, KEY, `http://127.0.0.1:${proxy.port}${KEY}`);
    const chunk = new Uint8Array(1 << 20).fill(5);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>(
      {
        async pull(c) {
          // Cut once the peer has seen some of the file; the producer would go on to 16 MiB.
          if (sent === 4) {
            while (proxy.upstreamBytes < 2 << 20) await Bun.sleep(5);
            proxy.cut();
          }
          if (sent === 16) return c.close();
          sent++;
          c.enqueue(chunk);
        },
      },
      { highWaterMark: 0 },
    );
    try {
      expectFaulty(await failure(drive.createFile("b1", "obj/part.1", 16 << 20, body)));
      // The peer notices the cut on its own time: it removes the partial file then.
      let gone = false;
      for (let i = 0; i < 200 && !gone; i++) {
        gone = await local.statFile("b1", "obj/part.1").then(
          () => false,
          (e) => e instanceof DriveError && e.kind === "FileNotFound",
        );
        if (!gone) await Bun.sleep(10);
      }
      expect(gone).toBe(true);
    } finally {
      await client.close();
      await proxy.close();
      await listener.stop(true);
      await local.close();
    }
  });

  test("stopping a walk early, and remote errors mid-walk keep their kind", async () => {
    const local = await LocalDrive.open(temp.make(), { fsync: "none" });
    const listener = await servePeer(new Map([[KEY, local]]));
    const client = clientOf(listener.port);
    const drive = new RemoteDrive(client, KEY, `http://127.0.0.1:${listener.port}${KEY}`);
    try {
      await drive.makeVol("b1");
      for (let i = 0; i < 50; i++) {
        const name = `p/${String(i).padStart(3, "0")}/x`;
        await drive.writeMetadata("b1", name, fileInfo("b1", name));
      }
      const seen: string[] = [];
      for await (const e of drive.walk({ volume: "b1", baseDir: "p/", recursive: false })) {
        seen.push(e.name);
        if (seen.length === 3) break;
      }
      expect(seen).toEqual(["p/000/", "p/001/", "p/002/"]);
      const err = await failure(Array.fromAsync(drive.walk({ volume: "nobucket", baseDir: "", recursive: true })));
      expect(err).toBeInstanceOf(DriveError);
      expect((err as DriveError).kind).toBe("VolumeNotFound");
      // the client is still usable after the early stop
      expect((await drive.statVol("b1")).name).toBe("b1");
    } finally {
      await client.close();
      await listener.stop(true);
      await local.close();
    }
  });
});
