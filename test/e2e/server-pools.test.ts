// Two drive arguments with ranges are two server pools. Only pool 0 is served today, so objects
// in another pool would be invisible: the server must refuse to start, say why in one line, and
// leave every drive untouched (no format.json written).
import { afterAll, expect, test } from "bun:test";
import { existsSync, mkdirSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { loadConfig } from "../../src/config/index.ts";
import { createServer } from "../../src/server.ts";
import { TempDirs } from "../support/temp-dirs.ts";

const temp = new TempDirs();
const REPO = resolve(import.meta.dir, "../..");
afterAll(() => temp.cleanup());

function drives(): { parent: string; args: string[]; all: string[] } {
  const parent = temp.make("bunker-pools-");
  const all: string[] = [];
  for (const p of ["a", "b"]) for (let i = 1; i <= 4; i++) all.push(join(parent, `${p}${i}`));
  for (const d of all) mkdirSync(d);
  return { parent, args: [`${parent}/a{1...4}`, `${parent}/b{1...4}`], all };
}

test("createServer refuses a second pool before touching any drive", async () => {
  const d = drives();
  const cfg = loadConfig(["bunker", "server", "--quiet", ...d.args], { MINIO_ROOT_USER: "bunkeradmin", MINIO_ROOT_PASSWORD: "bunker-secret-key" });
  if (cfg.command !== "server") throw new Error("not a server config");
  expect(cfg.layout.pools.length).toBe(2);
  const err = await createServer(cfg, { fsync: "none", codecWorkers: 1 }).then(
    () => undefined,
    (e: unknown) => e as Error,
  );
  expect(err?.message).toContain("2 server pools");
  for (const dir of d.all) expect(readdirSync(dir)).toEqual([]);
});

test("the real process exits non-zero with a one-line message", () => {
  const d = drives();
  const res = Bun.spawnSync([process.execPath, join(REPO, "src/server.ts"), "server", "--address", "127.0.0.1:0", ...d.args], {
    env: { ...process.env, MINIO_ROOT_USER: "bunkeradmin", MINIO_ROOT_PASSWORD: "bunker-secret-key" },
    stdout: "pipe",
    stderr: "pipe",
    timeout: 60_000,
  });
  const stderr = res.stderr.toString();
  expect(res.exitCode).not.toBe(0);
  expect(res.exitCode).not.toBeNull();
  expect(stderr).toContain("2 server pools");
  expect(stderr.trim().split("\n").length).toBe(1);
  for (const dir of d.all) expect(existsSync(join(dir, ".minio.sys"))).toBe(false);
});
