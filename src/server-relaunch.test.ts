// The command line a restart runs again, and the port check that precedes it.
import { expect, test } from "bun:test";
import { portFree, relaunchArgv, waitPortFree } from "./server-relaunch.ts";

test("a script run keeps the runtime's flags and the script; a compiled binary drops its embedded entry point", () => {
  expect(
    relaunchArgv({ argv0: "bun", execPath: "/usr/bin/bun", execArgv: ["--smol"], argv: ["/usr/bin/bun", "/app/src/server.ts", "server", "/d{1...4}"] }),
  ).toEqual(["bun", "--smol", "/app/src/server.ts", "server", "/d{1...4}"]);
  expect(relaunchArgv({ argv0: "minio", execPath: "/usr/local/bin/bunker", execArgv: [], argv: ["bun", "/$bunfs/root/bunker", "server", "/data"] })).toEqual([
    "minio",
    "server",
    "/data",
  ]);
  expect(
    relaunchArgv({ argv0: "bunker.exe", execPath: "C:\\bunker.exe", execArgv: [], argv: ["bun", "B:\\~BUN\\root\\bunker.exe", "server", "D:\\data"] }),
  ).toEqual(["bunker.exe", "server", "D:\\data"]);
});

test("a bound port is not free until its listener closes", async () => {
  const s = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response() });
  const port = s.port!;
  expect(await portFree("127.0.0.1", port)).toBe(false);
  expect(await waitPortFree("127.0.0.1", port, 100)).toBe(false);
  s.stop(true);
  expect(await waitPortFree("127.0.0.1", port, 5_000)).toBe(true);
});
