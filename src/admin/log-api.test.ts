// The console log call on its own: madmin.LogInfo for info and error lines, node names in a
// cluster (a peer's lines through its feed, an unknown node an argument error), the stream
// replaying then following a Logger until the request ends, and peers' lines merged in.
import { expect, test } from "bun:test";
import { Logger } from "../util/index.ts";
import type { AdminError } from "./admin-error.ts";
import type { AdminRequest } from "./admin-request.ts";
import type { IamApiDeps } from "./iam-routes.ts";
import { logFeedSource, logInfo, logRoutes } from "./log-api.ts";
import type { FeedKind, PeerFeed } from "./peer-feed.ts";

const quiet = () => new Logger({ quiet: true, printer: { info() {}, error() {} } });

function request(query: Record<string, string>, signal = new AbortController().signal): AdminRequest {
  const url = new URL(`http://x/minio/admin/v3/log?${new URLSearchParams(query)}`);
  return {
    req: new Request(url.href, { signal }),
    url,
    query: url.searchParams,
    body: new Uint8Array(),
    secretKey: "",
    identity: { kind: "root", accessKey: "root" },
  } as AdminRequest;
}

const none = {} as IamApiDeps;

test("LogInfo: an info line is a console message; an error line carries its message and stack too", () => {
  const log = quiet();
  log.info("started");
  log.error("drive failed", new Error("EIO"));
  const [info, error] = log.recent(2).map((e) => logInfo(e, { node: "n1:9000", deploymentId: "dep" }));
  expect(info).toMatchObject({ deploymentid: "dep", level: "INFO", errKind: "MINIO", ConsoleMsg: "started", node: "n1:9000" });
  expect(info.message).toBeUndefined();
  expect(error).toMatchObject({ level: "ERROR", message: "drive failed", ConsoleMsg: "drive failed EIO", error: { message: "EIO" } });
  expect((error.error as { source: string[] }).source.length).toBeGreaterThan(0);
});

test("a server of the deployment with no feed is refused by name, an unknown node is an argument error", async () => {
  const { log } = logRoutes({ source: quiet(), node: "n1:9000", nodes: () => ["n1:9000", "n2:9000"] });
  const refused = async (query: Record<string, string>) => {
    try {
      await log.handle(request(query), none);
      return "streamed";
    } catch (err) {
      return `${(err as AdminError).code} ${(err as AdminError).message}`;
    }
  };
  expect(await refused({ node: "n2:9000" })).toStartWith("NotImplemented n2:9000 is a server of this deployment that this server cannot stream logs from");
  expect(await refused({ node: "n3:9000" })).toStartWith('XMinioAdminInvalidArgument No server named "n3:9000"');
  expect(await refused({ limit: "ten" })).toStartWith("XMinioAdminInvalidArgument");
});

test("the stream replays the last lines, follows new ones, and lets go when the request ends", async () => {
  const source = quiet();
  source.info("old 1");
  source.info("old 2");
  source.info("old 3");
  const abort = new AbortController();
  const res = await logRoutes({ source, node: "N1:9000" }).log.handle(request({ node: "n1:9000", limit: "2" }, abort.signal), none);
  expect(res.headers.get("transfer-encoding")).toBe("chunked");
  source.info("new 1");
  expect(source.following).toBe(1);
  abort.abort();
  expect(source.following).toBe(0);
  const lines = (await res.text())
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => JSON.parse(l).ConsoleMsg);
  expect(lines).toEqual(["old 2", "old 3", "new 1"]);
});

/** A peer feed in memory: `emit` sends a value to every open follow; `opened` records each opening's args. */
function fakePeer(node: string) {
  const followers = new Set<(v: unknown) => void>();
  const opened: unknown[] = [];
  const peer: PeerFeed = {
    node,
    follow: async (kind: FeedKind, args, onValue, signal) => {
      expect(kind).toBe("log");
      opened.push(args(false));
      followers.add(onValue);
      await new Promise<void>((ok) => signal.addEventListener("abort", () => ok(), { once: true }));
      followers.delete(onValue);
    },
  };
  return { peer, opened, followers, emit: (v: unknown) => followers.forEach((f) => f(v)) };
}

const consoleMsgs = async (res: Response) =>
  (await res.text())
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => `${JSON.parse(l).node} ${JSON.parse(l).ConsoleMsg}`);

test("with no node every server's lines are merged; node=<peer> streams that peer's alone; leaving stops every follow", async () => {
  const source = quiet();
  source.info("local old");
  const n2 = fakePeer("n2:9000");
  const n3 = fakePeer("n3:9000");
  const deps = { source, node: "n1:9000", nodes: () => ["n1:9000", "n2:9000", "n3:9000"], peers: [n2.peer, n3.peer] };
  const all = new AbortController();
  const res = await logRoutes(deps).log.handle(request({ limit: "5" }, all.signal), none);
  expect([n2.opened, n3.opened]).toEqual([[{ limit: 5 }], [{ limit: 5 }]]);
  n2.emit({ node: "n2:9000", ConsoleMsg: "from n2", time: "2030-01-01T00:00:00.000Z" });
  source.info("local new");
  n3.emit({ node: "n3:9000", ConsoleMsg: "from n3", time: "2030-01-01T00:00:01.000Z" });
  all.abort();
  await Bun.sleep(0);
  expect([n2.followers.size, n3.followers.size, source.following]).toEqual([0, 0, 0]);
  expect(await consoleMsgs(res)).toEqual(["n1:9000 local old", "n2:9000 from n2", "n1:9000 local new", "n3:9000 from n3"]);

  const one = new AbortController();
  const only = await logRoutes(deps).log.handle(request({ node: "N3:9000", limit: "2" }, one.signal), none);
  expect([n2.opened.length, n3.opened.at(-1), source.following]).toEqual([1, { limit: 2 }, 0]);
  n3.emit({ node: "n3:9000", ConsoleMsg: "only n3", time: "2030-01-01T00:00:02.000Z" });
  one.abort();
  expect(await consoleMsgs(only)).toEqual(["n3:9000 only n3"]);
});

test("a peer followed again after a gap is asked for every line it kept since the last one seen (or since it was first followed)", async () => {
  const source = quiet();
  const asked: unknown[] = [];
  const peer = (line: boolean): PeerFeed => ({
    node: "n2:9000",
    follow: async (_kind, args, onValue, signal) => {
      // Two connections: the first (maybe delivering a line) drops, the second waits for the end.
      asked.push(args(false));
      if (line) onValue({ node: "n2:9000", ConsoleMsg: "line", time: "2030-01-01T00:00:00.250Z" });
      asked.push(args(true));
      await new Promise<void>((ok) => signal.addEventListener("abort", () => ok(), { once: true }));
    },
  });
  const before = Date.now();
  for (const line of [true, false]) {
    const abort = new AbortController();
    const res = await logRoutes({ source, node: "n1:9000", peers: [peer(line)] }).log.handle(request({ limit: "0" }, abort.signal), none);
    abort.abort();
    await res.text();
  }
  const [first, afterLine, again, afterNone] = asked as { limit: number; since?: number }[];
  expect([first, afterLine, again]).toEqual([{ limit: 0 }, { limit: source.capacity, since: Date.parse("2030-01-01T00:00:00.250Z") }, { limit: 0 }]);
  expect(afterNone.limit).toBe(source.capacity);
  expect(afterNone.since).toBeGreaterThanOrEqual(before);
});

test("the feed a server serves its peers: the last lines (after since), then new ones; bad arguments are refused", () => {
  const source = quiet();
  source.info("one");
  source.info("two");
  const feed = logFeedSource({ source, node: "n2:9000", deploymentId: "dep" });
  const got: string[] = [];
  const push = (v: unknown) => {
    got.push((v as { ConsoleMsg: string }).ConsoleMsg);
    return true;
  };
  const stop = feed({ limit: 10, since: source.recent(2)[0].time.getTime() - 1 }, push);
  source.info("three");
  stop();
  source.info("four");
  expect(got).toEqual(["one", "two", "three"]);
  const later = feed({ limit: 10, since: Date.now() + 60_000 }, push);
  later();
  expect(got).toHaveLength(3);
  expect(() => feed({ limit: -1 }, push)).toThrow(TypeError);
  expect(() => feed({ limit: 1, since: "yesterday" }, push)).toThrow(TypeError);
  expect(source.following).toBe(0);
});
