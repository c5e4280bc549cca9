// The console log call on its own: madmin.LogInfo for info and error lines, node names in a
// cluster (another server is refused, naming it; an unknown one is an argument error), and the
// stream replaying then following a Logger until the request ends.
import { expect, test } from "bun:test";
import { Logger } from "../util/index.ts";
import type { AdminError } from "./admin-error.ts";
import type { AdminRequest } from "./admin-request.ts";
import type { IamApiDeps } from "./iam-routes.ts";
import { logInfo, logRoutes } from "./log-api.ts";

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

test("in a cluster another server's log is refused by name, an unknown node is an argument error", async () => {
  const { log } = logRoutes({ source: quiet(), node: "n1:9000", nodes: () => ["n1:9000", "n2:9000"] });
  const refused = async (query: Record<string, string>) => {
    try {
      await log.handle(request(query), none);
      return "streamed";
    } catch (err) {
      return `${(err as AdminError).code} ${(err as AdminError).message}`;
    }
  };
  expect(await refused({ node: "n2:9000" })).toStartWith("NotImplemented This server streams only its own log; ask n2:9000");
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
